// The model calls through the API as the hosts make them: models.add refuses a broken folder with
// its reason and registers nothing; a registered model is a scorer and an assistant engine; two
// questions to one model take turns (the second is told its place in line) and Cancel stops one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../helpers/fixtures';
import { callApi } from '../helpers/api';
import { StudioApi } from '../../src-main/api/api';
import { importVideos } from '../../src-main/services/library/import';
import { modelPool } from '../../src-main/services/lmm/model-pool';
import type { Events, ScorerInfo } from '../../src-shared/contract';
import type { ModelView } from '../../src-shared/contract-models';

const root = path.resolve(__dirname, '../..');
let dir: string;
let api: StudioApi;
const events: { name: string; payload: unknown }[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-models-api-'));
  const gen = spawnSync(
    process.execPath,
    [path.join(root, 'scripts', 'gen-tiny-models.mjs'), '--out', path.join(dir, 'models')],
    { encoding: 'utf8' },
  );
  if (gen.status !== 0) throw new Error(`gen-tiny-models failed: ${gen.stderr}`);
  await makeClip({
    durationSec: 4,
    width: 320,
    height: 180,
    fps: 10,
    out: path.join(dir, 'videos', 'a.mp4'),
  });
  api = new StudioApi({
    host: 'web',
    version: 'test',
    home: path.join(dir, 'home'),
    appRoot: root,
  });
  api.onEvent((name, payload) => events.push({ name, payload }));
  await callApi(api, 'project.create', { path: path.join(dir, 'p.vqa2.sqlite') });
  await importVideos(api.project!, [path.join(dir, 'videos', 'a.mp4')], { jobId: randomUUID() });
});
afterAll(async () => {
  await api.idle();
  api.dispose();
  await modelPool().disposeAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

const of = <E extends keyof Events>(name: E) =>
  events.filter((e) => e.name === name).map((e) => e.payload as Events[E]);

describe('models through the API', () => {
  let model: ModelView;

  it('refuses a folder with a wrong tensor name, then registers a good one as scorer and engine', async () => {
    const bad = path.join(dir, 'bad');
    fs.cpSync(path.join(dir, 'models', 'llava_onevision'), bad, { recursive: true });
    // a decoder whose logits output is named differently: same bytes length, different name
    const dec = path.join(bad, 'onnx', 'decoder_model_merged.onnx');
    const bytes = fs.readFileSync(dec);
    // the graph's declared output comes after its nodes: the last "logits" that is not "num_logits_to_keep"
    let at = -1;
    for (let i = bytes.indexOf('logits'); i >= 0; i = bytes.indexOf('logits', i + 1))
      if (bytes[i - 1] !== 0x5f) at = i;
    expect(at).toBeGreaterThan(0);
    Buffer.from('lugits').copy(bytes, at);
    fs.writeFileSync(dec, bytes);
    await expect(callApi(api, 'models.add', { dir: bad })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(/logits/),
    });
    expect(await callApi(api, 'models.list', {})).toEqual([]);

    model = await callApi<ModelView>(api, 'models.add', {
      dir: path.join(dir, 'models', 'vqa2'),
      name: 'Tiny',
    });
    expect(model).toMatchObject({ name: 'Tiny', arch: 'vqa2', missing: false });
    expect(model.estMem.score).toBeGreaterThanOrEqual(model.estMem.load);
    const scorers = await callApi<ScorerInfo[]>(api, 'score.scorers', {});
    expect(scorers.find((s) => s.id === `lmm.${model.id}`)).toMatchObject({
      kind: 'model',
      version: 'vqa2',
      segmentSec: 2,
    });
  });

  it('scores through score.start with the model scorer', async () => {
    const { jobId } = await callApi<{ jobId: string }>(api, 'score.start', {
      all: true,
      scorer: `lmm.${model.id}`,
      providers: ['cpu'],
    });
    await api.idle();
    const last = of('job.progress')
      .filter((p) => p.jobId === jobId)
      .at(-1)!;
    expect(last).toMatchObject({
      status: 'done',
      provider: 'cpu',
      segmentsDone: 2,
      segmentsTotal: 2,
      videosDone: 1,
    });
    const videoId = api.project!.videoIds()[0]!;
    const scores = await callApi<{
      score: number;
      run: { kind: string; packId: string; name: string; settings: Record<string, unknown> };
    }>(api, 'video.scores', { videoId });
    // a model run, named by the model
    expect(scores.run).toMatchObject({ kind: 'model', packId: model.id, name: model.name });
    expect(scores.run.settings).toMatchObject({ ep: 'cpu', weights: [1, 0.75, 0.5, 0.25, 0] });
    expect(scores.score).toBeGreaterThanOrEqual(0);
  });

  it('answers two questions to one model in turn, telling each its place; Cancel stops an answer', async () => {
    const videoId = api.project!.videoIds()[0]!;
    const a = await callApi<{ requestId: string }>(api, 'assistant.ask', {
      videoId,
      question: 'How sharp is it?',
      engineId: model.id,
    });
    const b = await callApi<{ requestId: string }>(api, 'assistant.ask', {
      videoId,
      question: 'Any noise?',
      engineId: model.id,
      attachment: { kind: 'span', startSec: 1, endSec: 3 },
    });
    await api.idle();
    const queueOf = (id: string) =>
      of('assistant.queue')
        .filter((q) => q.requestId === id)
        .map((q) => q.position);
    // Which question reaches the model first depends on how fast each one's frames are decoded:
    // either way, each is told its place (1 while the other holds the model), then 0 when its turn
    // comes. The exact turn order is specified by the model pool's unit test.
    for (const id of [a.requestId, b.requestId]) {
      const places = queueOf(id);
      expect(places.at(-1)).toBe(0);
      expect(places.every((p) => p === 0 || p === 1)).toBe(true);
      expect([...places].sort((x, y) => y - x)).toEqual(places);
    }
    const done = of('assistant.done');
    const da = done.find((d) => d.requestId === a.requestId)!;
    const db = done.find((d) => d.requestId === b.requestId)!;
    expect(da.message).toMatchObject({ status: 'done', engine: 'lmm:Tiny' });
    expect(db.message).toMatchObject({
      status: 'done',
      engine: 'lmm:Tiny',
      attachment: { kind: 'span', startSec: 1, endSec: 3 },
    });
    // the streamed pieces add up to the stored answer
    const streamed = of('assistant.chunk')
      .filter((c) => c.requestId === a.requestId)
      .map((c) => c.text);
    // (the model samples at its configured temperature, so how long an answer runs varies; a
    // random-weight model may even end at once, which the generation test covers)
    expect(streamed.length > 0).toBe(da.message.text.length > 0);
    expect(streamed.join('')).toBe(da.message.text);

    // Cancel as soon as the question holds the model (its place becomes 0). A random-weight model
    // may end its reply at any token, even the first, so waiting for a chunk could wait for
    // nothing; stopping mid-stream within a token is specified by the generation test.
    const target: { id?: string } = {};
    let cancelled: Promise<unknown> | undefined;
    const cancelOnTurn = (name: string, payload: unknown) => {
      if (cancelled || name !== 'assistant.queue') return;
      const q = payload as Events['assistant.queue'];
      if (target.id && q.requestId === target.id && q.position === 0)
        cancelled = callApi(api, 'assistant.cancel', { requestId: target.id });
    };
    const off = api.onEvent(cancelOnTurn);
    const c = await callApi<{ requestId: string }>(api, 'assistant.ask', {
      videoId,
      question: 'Describe the motion.',
      engineId: model.id,
    });
    target.id = c.requestId;
    // its turn came before the request id was known: cancel now
    if (of('assistant.queue').some((x) => x.requestId === c.requestId && x.position === 0))
      cancelled ??= callApi(api, 'assistant.cancel', { requestId: c.requestId });
    for (let i = 0; i < 1000 && !cancelled; i++) await new Promise((r) => setTimeout(r, 10));
    off();
    expect(cancelled).toBeDefined();
    expect(await cancelled).toEqual({ cancelled: true });
    await api.idle();
    const dc = of('assistant.done').find((d) => d.requestId === c.requestId)!;
    expect(dc.message.status).toBe('cancelled');
    // cancelled before the model could produce more than a token or so
    const pieces = of('assistant.chunk').filter((x) => x.requestId === c.requestId).length;
    expect(pieces).toBeLessThanOrEqual(1);
    expect(dc.message.text).toBe(
      of('assistant.chunk')
        .filter((x) => x.requestId === c.requestId)
        .map((x) => x.text)
        .join(''),
    );
  });
});
