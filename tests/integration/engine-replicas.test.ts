// An engine with several replicas (loopback OpenAI-compatible test servers): requests spread with a
// per-replica limit, failures retried on another replica, a failing replica marked down and
// retried after its cool-down, per-replica figures in the job's progress.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startOpenAiTestServer,
  defaultFallback,
  type TestServer,
} from '../helpers/openai-test-server';
import { videoRow } from '../helpers/api';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { ScoreJobs } from '../../src-main/services/scoring/score-job';
import { resolveEngine } from '../../src-main/api/scoring-api';
import { OpenAiEngine } from '../../src-main/services/engines/openai-engine';
import { ReplicaPool } from '../../src-main/services/engines/replica-pool';
import { engineConfigFromFlags } from '../../src-main/hosts/cli/assistant';
import { scoreFromLogprobs } from '../../src-main/services/levels/level-score';
import type { JobProgress } from '../../src-shared/contract';
import { putQbenchSet } from '../../src-main/services/pairs/pair-store';
import { runQbench } from '../../src-main/services/assistant/qbench';

let dir: string;
let store: ProjectStore;
let servers: TestServer[];
let ids: number[];
const failing = () => ({ kind: 'status' as const, status: 500 });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-replicas-'));
  store = ProjectStore.create(path.join(dir, 'p'));
  // video_url mode sends the file's bytes: no frame extraction, so the servers set the pace.
  const rows = Array.from({ length: 16 }, (_, i) => {
    const f = path.join(dir, `v${i}.mp4`);
    fs.writeFileSync(f, Buffer.from(`clip ${i}`));
    return videoRow(f);
  });
  ids = store.insertVideos(rows);
  servers = await Promise.all([0, 1, 2, 3].map(() => startOpenAiTestServer()));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  for (const s of servers) {
    s.requests.length = 0;
    s.fallback = defaultFallback;
    s.latencyMs = 0;
    s.maxInFlight = 0;
  }
});

function engineJob(urls: string[], concurrency: number, events: JobProgress[]) {
  const jobs = new ScoreJobs(
    store,
    '/nonexistent',
    (p) => events.push(p),
    (p) => ({ ...resolveEngine(p), apiKey: null, backoffMs: 20, videoMode: 'video_url' }),
  );
  const job = jobs.create(ids, {
    scorer: 'engine',
    providers: ['cpu'],
    engine: {
      baseUrl: urls[0]!,
      replicaUrls: urls.slice(1),
      concurrency,
      model: 'm',
      keyRef: null,
    },
  });
  return { jobs, job };
}

describe('an engine with several replicas', () => {
  it('spreads a score job over 4 replicas × 2 in flight, never more than 2 at once on one', async () => {
    for (const s of servers) s.latencyMs = 60;
    const events: JobProgress[] = [];
    const { jobs, job } = engineJob(
      servers.map((s) => s.url),
      2,
      events,
    );
    const p = await jobs.run(job.id);
    expect(p).toMatchObject({ status: 'done', videosDone: 16, videosFailed: 0 });
    for (const s of servers) {
      expect(s.requests.length).toBeGreaterThan(0);
      expect(s.maxInFlight).toBeLessThanOrEqual(2);
    }
    expect(Math.max(...servers.map((s) => s.maxInFlight))).toBe(2);
    const last = events[events.length - 1]!;
    expect(last.replicas!.map((r) => r.url)).toEqual(servers.map((s) => s.url));
    expect(last.replicas!.reduce((a, r) => a + r.ok, 0)).toBe(16);
    const expected = scoreFromLogprobs({
      ' good': -0.3,
      ' fair': -1.6,
      ' high': -2.5,
      Good: -3,
      ' the': -4,
    }).score;
    const scored = store.connection
      .prepare('SELECT score FROM video_scores WHERE run_id = ?')
      .all(p.runId) as { score: number }[];
    expect(scored).toHaveLength(16);
    for (const s of scored) expect(s.score).toBeCloseTo(expected, 12);
  });

  it('completes with every video scored when one of 4 replicas fails every request, and marks it down', async () => {
    servers[2]!.fallback = failing;
    const events: JobProgress[] = [];
    const { jobs, job } = engineJob(
      servers.map((s) => s.url),
      2,
      events,
    );
    const p = await jobs.run(job.id);
    expect(p).toMatchObject({ status: 'done', videosDone: 16, videosFailed: 0, errors: [] });
    const bad = events[events.length - 1]!.replicas![2]!;
    expect(bad).toMatchObject({ ok: 0, down: true });
    expect(bad.failed).toBeGreaterThanOrEqual(3);
    expect(bad.lastError).toMatch(/HTTP 500/);
    // Marked down after 3 failures in a row (two may have been in flight together): not tried for every video.
    expect(servers[2]!.requests.length).toBeLessThanOrEqual(4);
  });

  it('tries a down replica again after its cool-down and uses it once it answers', async () => {
    servers[0]!.fallback = failing;
    const pool = new ReplicaPool([servers[0]!.url, servers[1]!.url], {
      downMs: 200,
      failuresToDown: 2,
      retryBackoffMs: 5,
    });
    const call = () =>
      pool.run((c) => c.complete({ model: 'm', messages: [{ role: 'user', content: 'q' }] }));
    for (let i = 0; i < 4; i++) await call();
    expect(pool.stats()[0]).toMatchObject({ down: true, ok: 0, failed: 2 });
    const triedBefore = servers[0]!.requests.length;
    await call();
    expect(servers[0]!.requests.length).toBe(triedBefore); // still cooling down
    servers[0]!.fallback = defaultFallback;
    await new Promise((r) => setTimeout(r, 250));
    for (let i = 0; i < 4; i++) await call();
    expect(pool.stats()[0]).toMatchObject({ down: false });
    expect(pool.stats()[0]!.ok).toBeGreaterThan(0);
  });

  it('does not retry elsewhere what no replica would answer differently (a 400)', async () => {
    for (const s of servers) s.fallback = () => ({ kind: 'status', status: 400 });
    const engine = new OpenAiEngine(store, {
      baseUrl: servers[0]!.url,
      replicaUrls: [servers[1]!.url],
      model: 'm',
      videoMode: 'video_url',
      backoffMs: 5,
    });
    await expect(engine.scoreVideo(ids[0]!)).rejects.toMatchObject({
      code: 'ENGINE_HTTP',
      status: 400,
    });
    expect(servers[0]!.requests.length + servers[1]!.requests.length).toBe(1);
  });

  it('gives up with a clear error when every replica fails', async () => {
    for (const s of servers) s.fallback = failing;
    const engine = new OpenAiEngine(store, {
      baseUrl: servers[0]!.url,
      replicaUrls: [servers[1]!.url],
      model: 'm',
      videoMode: 'video_url',
      backoffMs: 5,
    });
    await expect(engine.scoreVideo(ids[0]!)).rejects.toThrow(
      /HTTP 500.*gave up after 4 attempts on 2 replicas/,
    );
  });
});

describe('question sets on several replicas', () => {
  it("answers a set with questions in flight on every replica, within each one's limit", async () => {
    for (const s of servers) s.latencyMs = 60;
    putQbenchSet(
      store,
      'spread',
      ids.slice(0, 12).map((videoId, i) => ({
        videoId,
        videoName: `v${i}.mp4`,
        questionType: 'yes-or-no',
        question: `Is ${i} blurry?`,
        answers: ['Yes', 'No'],
        correctChoice: 'A',
      })),
    );
    const engine = new OpenAiEngine(store, {
      baseUrl: servers[0]!.url,
      replicaUrls: [servers[1]!.url, servers[2]!.url],
      concurrency: 2,
      model: 'm',
      videoMode: 'video_url',
    });
    const run = await runQbench(
      store,
      {
        id: engine.id,
        parallel: engine.pool.capacity,
        answer: async (q, signal) => ({ text: await engine.answerQuestion(q, signal) }),
      },
      { setName: 'spread' },
    );
    expect(run).toMatchObject({ n: 12, unanswered: 0 });
    for (const s of servers.slice(0, 3)) {
      expect(s.requests.length).toBeGreaterThan(0);
      expect(s.maxInFlight).toBeLessThanOrEqual(2);
    }
    // Questions really were answered side by side, not one after another.
    expect(servers.reduce((a, s) => a + s.maxInFlight, 0)).toBeGreaterThan(3);
    expect(engine.pool.stats().reduce((a, r) => a + r.ok, 0)).toBe(12);
  });
});

describe('CLI engine flags', () => {
  it('takes --engine-url once per replica and --engine-concurrency per replica', () => {
    const cfg = engineConfigFromFlags({
      'engine-url': ['http://a:1/v1/', 'http://b:2/v1', 'http://a:1/v1'],
      'engine-model': 'm',
      'engine-concurrency': '3',
    });
    expect(cfg).toMatchObject({
      baseUrl: 'http://a:1/v1',
      replicaUrls: ['http://b:2/v1'],
      concurrency: 3,
    });
    expect(() =>
      engineConfigFromFlags({
        'engine-url': ['http://a/v1'],
        'engine-model': 'm',
        'engine-concurrency': '0',
      }),
    ).toThrow(/--engine-concurrency/);
    expect(() => engineConfigFromFlags({ 'engine-concurrency': '2' })).toThrow(/need --engine-url/);
  });
});
