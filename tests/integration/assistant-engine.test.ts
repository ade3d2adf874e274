// The OpenAI-compatible engine against a real HTTP/SSE test server on loopback: prompt structure
// and key frames, streaming, retries on 429/500 (Retry-After), malformed chunks, disconnects,
// timeouts, cancel, log-probability scoring stored as a model run, and question-set runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeClip } from '../helpers/fixtures';
import { startOpenAiTestServer, type TestServer } from '../helpers/openai-test-server';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { importVideos } from '../../src-main/services/library/import';
import { OpenAiEngine } from '../../src-main/services/engines/openai-engine';
import { EngineError } from '../../src-main/services/engines/engine';
import { ScoreJobs } from '../../src-main/services/scoring/score-job';
import { resolveEngine } from '../../src-main/api/scoring-api';
import { putQbenchSet } from '../../src-main/services/pairs/pair-store';
import { runQbench, qbenchAnswers } from '../../src-main/services/assistant/qbench';
import { scoreFromLogprobs } from '../../src-main/services/levels/level-score';
import {
  KEY_FRAMES_INTRO,
  RATING_PREFILL,
  RATING_QUESTION,
  SYSTEM_PROMPT,
  CHOICE_SUFFIX,
} from '../../src-main/services/engines/prompts';

const KEY = 'sk-test-secret-123456';
let dir: string;
let store: ProjectStore;
let server: TestServer;
let videoId: number;
let video2Id: number;

const engine = (extra: Partial<ConstructorParameters<typeof OpenAiEngine>[1]> = {}) =>
  new OpenAiEngine(store, {
    baseUrl: server.url,
    model: 'vqa2-test',
    apiKey: KEY,
    retries: 2,
    backoffMs: 20,
    timeoutMs: 5000,
    frames: { maxFrames: 4, maxSide: 128 },
    ...extra,
  });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-asst-'));
  await makeClip({
    durationSec: 6,
    width: 320,
    height: 180,
    out: path.join(dir, 'videos', 'a.mp4'),
  });
  await makeClip({
    durationSec: 3,
    width: 320,
    height: 180,
    source: 'mandelbrot',
    out: path.join(dir, 'videos', 'b.mp4'),
  });
  store = ProjectStore.create(path.join(dir, 'p'));
  await importVideos(store, [path.join(dir, 'videos')], { jobId: 'imp' });
  const rows = store.listVideos({
    offset: 0,
    limit: 10,
    sort: { column: 'name', desc: false },
  }).rows;
  videoId = rows[0]!.id;
  video2Id = rows[1]!.id;
  server = await startOpenAiTestServer();
});
afterAll(async () => {
  await server?.close();
  store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
  server.queue = [];
});

describe('chat streaming', () => {
  it('sends the VQA² prompt with 1 fps JPEG key frames and streams the answer', async () => {
    const chunks: string[] = [];
    const r = await engine().ask({
      videoId,
      question: 'Why is the quality poor?',
      onChunk: (t) => chunks.push(t),
    });
    expect(chunks).toEqual(['The picture ', 'is sharp ', 'at 0:02.']);
    expect(r.text).toBe('The picture is sharp at 0:02.');
    expect(r.engine).toBe('openai:vqa2-test');
    expect(r.timings.frames).toBe(4); // 6 s at 1 fps, capped at 4
    const req = server.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    const b = req.body!;
    expect(b).toMatchObject({
      model: 'vqa2-test',
      stream: true,
      temperature: 0.2,
      max_tokens: 1024,
    });
    const msgs = b.messages as { role: string; content: unknown }[];
    expect(msgs[0]).toEqual({ role: 'system', content: SYSTEM_PROMPT });
    const parts = msgs[1]!.content as {
      type: string;
      text?: string;
      image_url?: { url: string };
    }[];
    expect(parts[0]).toEqual({ type: 'text', text: KEY_FRAMES_INTRO });
    const imgs = parts.filter((p) => p.type === 'image_url');
    expect(imgs).toHaveLength(4);
    for (const p of imgs) {
      expect(p.image_url!.url.startsWith('data:image/jpeg;base64,/9j/')).toBe(true);
      const jpeg = Buffer.from(p.image_url!.url.split(',')[1]!, 'base64');
      // SOF0 dimensions: fits in 128×128 with the 16:9 aspect kept
      const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
      expect(jpeg.readUInt16BE(sof + 7)).toBe(128);
      expect(jpeg.readUInt16BE(sof + 5)).toBeLessThanOrEqual(72);
    }
    expect(parts.at(-1)).toEqual({ type: 'text', text: 'Why is the quality poor?' });
    // the key is only in the Authorization header
    expect(req.rawBody.includes(KEY)).toBe(false);
    expect(req.path.includes(KEY)).toBe(false);
  });

  it('uses 1 fps below the cap and frames from an attached span only', async () => {
    await engine({ frames: { maxFrames: 16, maxSide: 64 } }).ask({
      videoId,
      question: 'What happens here?',
      attachment: { kind: 'span', startSec: 2, endSec: 5 },
    });
    const parts = (
      server.requests[0]!.body!.messages as { content: { type: string; text?: string }[] }[]
    )[1]!.content;
    expect(parts.filter((p) => p.type === 'image_url')).toHaveLength(3);
    expect(parts.at(-1)!.text).toContain('0:02–0:05');
  });

  it('retries 429 honouring Retry-After, and 500, then streams', async () => {
    server.queue = [
      { kind: 'status', status: 429, retryAfter: '1' },
      { kind: 'status', status: 500 },
    ];
    const t0 = Date.now();
    const r = await engine().ask({ videoId, question: 'q' });
    expect(r.text).toBe('The picture is sharp at 0:02.');
    expect(server.requests).toHaveLength(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the retries with the server message', async () => {
    server.queue = [0, 1, 2].map(() => ({
      kind: 'status' as const,
      status: 503,
      body: JSON.stringify({ error: { message: 'model is loading' } }),
    }));
    const e = await engine()
      .ask({ videoId, question: 'q' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).message).toMatch(/HTTP 503.*model is loading/);
    expect((e as EngineError).message).not.toContain(KEY);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400 and shows its text', async () => {
    server.queue = [
      {
        kind: 'status',
        status: 400,
        body: JSON.stringify({ error: { message: 'image_url is not supported' } }),
      },
    ];
    await expect(engine().ask({ videoId, question: 'q' })).rejects.toThrow(
      /HTTP 400.*image_url is not supported/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('reports a malformed chunk readably', async () => {
    server.queue = [{ kind: 'malformed', pieces: ['one ', 'two ', 'three'], at: 1 }];
    const chunks: string[] = [];
    const e = (await engine()
      .ask({ videoId, question: 'q', onChunk: (t) => chunks.push(t) })
      .catch((x: unknown) => x)) as EngineError;
    expect(e.code).toBe('ENGINE_PROTOCOL');
    expect(e.message).toMatch(/malformed stream chunk/);
    expect(chunks).toEqual(['one ']);
  });

  it('reports a disconnect mid-stream', async () => {
    server.queue = [{ kind: 'disconnect', pieces: ['alpha ', 'beta ', 'gamma'], after: 2 }];
    const got: string[] = [];
    const e = (await engine()
      .ask({ videoId, question: 'q', onChunk: (t) => got.push(t) })
      .catch((x: unknown) => x)) as EngineError;
    expect(e).toBeInstanceOf(EngineError);
    expect(e.message).toMatch(
      /closed the connection before the answer was complete \(after 11 characters\)/,
    );
    expect(got).toEqual(['alpha ', 'beta ']);
    expect(server.requests).toHaveLength(1); // no retry once text has streamed
  });

  it('times out a silent server and cancels a slow stream', async () => {
    server.queue = [{ kind: 'hang', ms: 3000 }];
    const e = (await engine({ timeoutMs: 400, retries: 0 })
      .ask({ videoId, question: 'q' })
      .catch((x: unknown) => x)) as EngineError;
    expect(e.code).toBe('ENGINE_TIMEOUT');

    server.queue = [{ kind: 'text', pieces: ['a', 'b', 'c', 'd', 'e', 'f'], delayMs: 300 }];
    const ctrl = new AbortController();
    const got: string[] = [];
    const p = engine().ask({
      videoId,
      question: 'q',
      signal: ctrl.signal,
      onChunk: (t) => {
        got.push(t);
        if (got.length === 2) ctrl.abort();
      },
    });
    const c = (await p.catch((x: unknown) => x)) as EngineError;
    expect(c.code).toBe('ENGINE_CANCELLED');
    expect(got).toEqual(['a', 'b']);
  });

  it('names an unreachable server', async () => {
    const e = new OpenAiEngine(store, {
      baseUrl: 'http://127.0.0.1:1/v1',
      model: 'm',
      retries: 0,
      frames: { maxFrames: 1 },
    });
    await expect(e.ask({ videoId, question: 'q' })).rejects.toThrow(
      /Could not reach the engine at http:\/\/127\.0\.0\.1:1\/v1/,
    );
  });
});

describe('LMM scoring by log-probabilities', () => {
  it('sends the rating prompt with the prefill and logprobs, and stores a model run of kind engine', async () => {
    const jobs = new ScoreJobs(
      store,
      '/nonexistent',
      () => undefined,
      (p) => ({ ...resolveEngine(p), apiKey: KEY, retries: 0 }),
    );
    const job = jobs.create([videoId], {
      scorer: 'engine',
      providers: ['cpu'],
      engine: {
        baseUrl: server.url,
        model: 'vqa2-test',
        keyRef: 'env:NOPE',
        frames: { maxFrames: 2, maxSide: 64 },
      },
    });
    const p = await jobs.run(job.id);
    expect(p.status).toBe('done');
    expect(p.videosDone).toBe(1);
    const b = server.requests[0]!.body!;
    expect(b).toMatchObject({
      stream: false,
      logprobs: true,
      top_logprobs: 20,
      max_tokens: 1,
      continue_final_message: true,
      add_generation_prompt: false,
    });
    const msgs = b.messages as { role: string; content: unknown }[];
    expect(msgs.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(msgs[2]!.content).toBe(RATING_PREFILL);
    expect((msgs[1]!.content as { text?: string }[]).at(-1)!.text).toBe(RATING_QUESTION);
    const run = jobs.scores.getRun(p.runId!)!;
    expect(run.kind).toBe('engine');
    expect(run.packId).toBe('openai:vqa2-test');
    expect(JSON.stringify(run.settings)).not.toContain(KEY);
    const vs = jobs.scores.videoScore(p.runId!, videoId)!;
    const expected = scoreFromLogprobs({
      ' good': -0.3,
      ' fair': -1.6,
      ' high': -2.5,
      Good: -3,
      ' the': -4,
    });
    expect(vs.score).toBeCloseTo(expected.score, 12);
    expect(vs.probs.good).toBeCloseTo(expected.probs.good, 12);
    expect(store.getVideo(videoId)!.videoScore).toBeCloseTo(expected.score, 12);
  });

  it('fails clearly and stores nothing when the server returns no log-probabilities', async () => {
    server.queue = [
      { kind: 'logprobs', top: null, content: 'good' },
      {
        kind: 'logprobs',
        top: [
          { token: 'the', logprob: -0.1 },
          { token: 'a', logprob: -2 },
        ],
      },
    ];
    const jobs = new ScoreJobs(
      store,
      '/nonexistent',
      () => undefined,
      (p) => ({ ...resolveEngine(p), apiKey: null, retries: 0 }),
    );
    const job = jobs.create([videoId, video2Id], {
      scorer: 'engine',
      providers: ['cpu'],
      engine: {
        baseUrl: server.url,
        model: 'nolp',
        keyRef: null,
        frames: { maxFrames: 1, maxSide: 64 },
      },
    });
    const p = await jobs.run(job.id);
    expect(p.videosFailed).toBe(2);
    expect(p.errors[0]!.error).toMatch(/no log-probabilities/);
    expect(p.errors[1]!.error).toMatch(/none of the level words/);
    expect(jobs.scores.videoScore(p.runId!, videoId)).toBeUndefined();
    expect(jobs.scores.videoScore(p.runId!, video2Id)).toBeUndefined();
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe('question sets', () => {
  it('asks with the §5 prompt, scores the first character, and reports by type and category', async () => {
    putQbenchSet(store, 'mini', [
      {
        videoId,
        videoName: 'a.mp4',
        questionType: 'what/how',
        question: 'How is the sharpness of the video?',
        answers: ['Very blurry', 'Slightly blurry', 'Sharp'],
        correctChoice: 'C',
        extra: { concern: 'technical' },
      },
      {
        videoId,
        videoName: 'a.mp4',
        questionType: 'yes-or-no',
        question: 'Is there noise?',
        answers: ['Yes', 'No'],
        correctChoice: 'A',
        extra: { concern: 'technical' },
      },
      {
        videoId,
        video2Id,
        videoName: 'a.mp4_cat_b.mp4',
        questionType: 'what/how',
        question: 'Which is sharper?',
        answers: ['First', 'Second'],
        correctChoice: 'A',
        context: 'Compare',
        extra: { concern: 'aesthetic' },
      },
      {
        videoId,
        videoName: 'a.mp4',
        questionType: 'open_ended',
        question: 'Describe the video.',
        answers: [],
        correctChoice: null,
      },
    ]);
    server.queue = [
      { kind: 'text', pieces: [' C.'] },
      { kind: 'text', pieces: ['B. No'] },
      { kind: 'text', pieces: ['A'] },
      { kind: 'text', pieces: ['A test pattern.'] },
    ];
    const e = engine({ frames: { maxFrames: 2, maxSide: 64 } });
    const progress: number[] = [];
    const s = await runQbench(
      store,
      { id: e.id, answer: async (q, sig) => ({ text: await e.answerQuestion(q, sig) }) },
      { setName: 'mini', onProgress: (p) => progress.push(p.done) },
    );
    expect(progress.at(-1)).toBe(4);
    expect(s).toMatchObject({ n: 3, correct: 2, openEnded: 1, unanswered: 0 });
    expect(s.accuracy).toBeCloseTo(2 / 3, 12);
    expect(s.byType['what/how']).toEqual({ n: 2, correct: 2, accuracy: 1 });
    expect(s.byType['yes-or-no']).toEqual({ n: 1, correct: 0, accuracy: 0 });
    expect(s.byCategory.technical).toMatchObject({ n: 2, correct: 1 });
    const first = server.requests[0]!.body!;
    const parts = (first.messages as { content: { type: string; text?: string }[] }[])[1]!.content;
    expect(parts[0]!.text).toMatch(
      /^You will receive 2 distinct frames .* all \d+ frames of the video\./,
    );
    expect(parts.at(-1)!.text).toBe(
      'How is the sharpness of the video?\nA. Very blurry\nB. Slightly blurry\nC. Sharp\n' +
        CHOICE_SUFFIX,
    );
    // the comparison question carries both videos' frames
    const cmp = (server.requests[2]!.body!.messages as { content: { type: string }[] }[])[1]!
      .content;
    expect(cmp.filter((p) => p.type === 'image_url').length).toBe(4);
    const open = (server.requests[3]!.body!.messages as { content: { text?: string }[] }[])[1]!
      .content;
    expect(open.at(-1)!.text).toBe('Describe the video.Please directly answer the question.');
    const rows = qbenchAnswers(store, s.runId);
    expect(rows.map((r) => r.choice)).toEqual(['C', 'B', 'A', null]);
    expect(rows[3]!.answer).toBe('A test pattern.');
  });

  it('keeps answers so far when cancelled', async () => {
    const ctrl = new AbortController();
    let n = 0;
    const s = await runQbench(
      store,
      {
        id: 'x',
        answer: async () => {
          if (++n === 2) ctrl.abort();
          return { text: 'A' };
        },
      },
      { setName: 'mini', signal: ctrl.signal },
    );
    expect(s.status).toBe('cancelled');
    expect(qbenchAnswers(store, s.runId)).toHaveLength(2);
  });
});
