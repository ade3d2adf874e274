// Score jobs through the one queue the API and the CLI share: unfinished jobs resume first, jobs
// run one at a time in order, a queued job can be cancelled before it starts, and stopping leaves
// queued jobs unfinished for the next process. Real project, real clip, engine scorer against a
// loopback server speaking the OpenAI wire protocol.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../helpers/fixtures';
import { startOpenAiTestServer, type TestServer } from '../helpers/openai-test-server';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { importVideos } from '../../src-main/services/library/import';
import { ScoreJobs, type ScoreJobParams } from '../../src-main/services/scoring/score-job';
import { ScoreQueue } from '../../src-main/services/scoring/score-queue';
import { ENGINE_SCORER_ID } from '../../src-main/services/scoring/engine-score';

let dir: string;
let server: TestServer;
let store: ProjectStore;
let jobs: ScoreJobs;
let ids: number[];

const params = (): ScoreJobParams => ({
  scorer: ENGINE_SCORER_ID,
  providers: ['cpu'],
  engine: {
    baseUrl: server.url,
    model: 'm1',
    keyRef: null,
    frames: { maxFrames: 1, maxSide: 64 },
    timeoutMs: 10_000,
  },
});
const newJob = () => jobs.create(ids, params()).id;
const status = (jobId: string) => jobs.jobs.get(jobId)?.status;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-score-queue-'));
  await makeClip({
    durationSec: 2,
    width: 160,
    height: 90,
    out: path.join(dir, 'videos', 'a.mp4'),
  });
  server = await startOpenAiTestServer();
  store = ProjectStore.create(path.join(dir, 'p.vqa2.sqlite'));
  await importVideos(store, [path.join(dir, 'videos')], { jobId: 'import' });
  ids = store.videoIds();
  jobs = new ScoreJobs(
    store,
    process.cwd(),
    () => undefined,
    (e) => ({
      baseUrl: e.baseUrl,
      model: e.model,
      apiKey: null,
      timeoutMs: e.timeoutMs,
      frames: e.frames,
    }),
  );
});
afterAll(async () => {
  store?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('score queue', () => {
  it('resumes unfinished jobs first, then runs queued ones, one at a time in order', async () => {
    expect(ids).toHaveLength(1);
    const left = [newJob(), newJob()]; // as a killed process leaves them
    const log: string[] = [];
    const queue = new ScoreQueue(jobs, {
      onStart: (id) => log.push(`start ${id}`),
      onSettled: (id) => log.push(`end ${id}`),
    });
    const resumed = queue.resumeUnfinished();
    expect(resumed.map((r) => r.job.id)).toEqual(left);
    const fresh = newJob();
    const last = queue.enqueue(fresh);
    const results = await Promise.all([...resumed.map((r) => r.done), last]);
    expect(log).toEqual([...left, fresh].flatMap((id) => [`start ${id}`, `end ${id}`]));
    expect(results.map((p) => p?.status)).toEqual(['done', 'done', 'done']);
    expect(results.every((p) => typeof p?.runId === 'number')).toBe(true);
    expect(jobs.unfinished()).toEqual([]);
    await queue.idle();
  });

  it('cancels a queued job before it starts; the running one finishes', async () => {
    const [a, b] = [newJob(), newJob()];
    const started: string[] = [];
    const queue = new ScoreQueue(jobs, { onStart: (id) => started.push(id) });
    const pa = queue.enqueue(a); // starts at once
    const pb = queue.enqueue(b); // waits behind a
    expect(started).toEqual([a]);
    expect(queue.cancel(b)).toBe(true);
    expect((await pa)?.status).toBe('done');
    expect(await pb).toBeNull();
    expect(started).toEqual([a]);
    expect(status(b)).toBe('cancelled');
    expect(queue.cancel(b)).toBe(false);
  });

  it('stop leaves queued jobs unfinished, and the next queue resumes them', async () => {
    const [a, b] = [newJob(), newJob()];
    const queue = new ScoreQueue(jobs);
    const pa = queue.enqueue(a);
    const pb = queue.enqueue(b);
    queue.stop();
    expect((await pa)?.status).toBe('cancelled');
    expect(await pb).toBeNull();
    expect(await queue.enqueue(newJob())).toBeNull(); // a stopped queue takes nothing more
    const next = new ScoreQueue(jobs);
    const resumed = next.resumeUnfinished();
    expect(resumed.map((r) => r.job.id)).toContain(b);
    for (const r of resumed) expect((await r.done)?.status).toBe('done');
    expect(status(b)).toBe('done');
  });
});
