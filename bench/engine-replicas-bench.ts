// Engine scoring spread over replicas: loopback OpenAI-compatible test servers with 250 ms of
// injected latency each; 4 replicas × 2 in flight against 1 replica × 1, same videos, same run.
// A second 4 × 2 run has one replica answering HTTP 500 to everything; the job must still score all.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startOpenAiTestServer, type TestServer } from '../tests/helpers/openai-test-server';
import { ProjectStore } from '../src-main/services/store/project-store';
import { ScoreJobs } from '../src-main/services/scoring/score-job';
import { resolveEngine } from '../src-main/api/scoring-api';

const LATENCY_MS = 250;

async function scoreAll(
  store: ProjectStore,
  ids: number[],
  servers: TestServer[],
  concurrency: number,
) {
  const jobs = new ScoreJobs(
    store,
    '/nonexistent',
    () => undefined,
    (p) => ({ ...resolveEngine(p), apiKey: null, backoffMs: 50, videoMode: 'video_url' }),
  );
  const urls = servers.map((s) => s.url);
  const job = jobs.create(ids, {
    scorer: 'engine',
    providers: ['cpu'],
    engine: {
      baseUrl: urls[0]!,
      replicaUrls: urls.slice(1),
      concurrency,
      model: 'bench',
      keyRef: null,
    },
  });
  const t0 = performance.now();
  const p = await jobs.run(job.id);
  const sec = (performance.now() - t0) / 1000;
  return { sec, videosPerSec: ids.length / sec, done: p.videosDone, failed: p.videosFailed };
}

export async function runEngineReplicasBench(videos = 48) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-replicabench-'));
  const servers = await Promise.all([0, 1, 2, 3].map(() => startOpenAiTestServer()));
  try {
    for (const s of servers) s.latencyMs = LATENCY_MS;
    const store = ProjectStore.create(path.join(dir, 'p'));
    const ids = store.insertVideos(
      Array.from({ length: videos }, (_, i) => {
        const f = path.join(dir, `v${i}.mp4`);
        fs.writeFileSync(f, Buffer.from(`clip ${i}`));
        return {
          absPath: f,
          status: 'ok' as const,
          error: null,
          durationSec: 10,
          width: 320,
          height: 240,
          fps: 25,
          codec: 'h264',
          bitrateKbps: 500,
          sizeBytes: 10,
          partialHash: null,
          probeJson: null,
        };
      }),
    );
    const baseline = await scoreAll(store, ids, servers.slice(0, 1), 1);
    const spread = await scoreAll(store, ids, servers, 2);
    servers[3]!.fallback = () => ({ kind: 'status', status: 500 });
    const oneDown = await scoreAll(store, ids, servers, 2);
    store.close();
    return {
      videos,
      latencyMs: LATENCY_MS,
      baseline1x1: baseline,
      replicas4x2: spread,
      replicas4x2OneFailing: oneDown,
      throughputRatio: spread.videosPerSec / baseline.videosPerSec,
      oneFailingRatio: oneDown.videosPerSec / baseline.videosPerSec,
      target: 6,
    };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
