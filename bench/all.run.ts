// `npm run bench`: every benchmark, printed and written to test-output/bench/results.json.
// Not part of `npm test`; numbers are ratios against baselines measured in the same run.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runLibraryBench } from './library-bench';
import { runImportBench } from './import-bench';
import { runScoreBench } from './score-bench';
import { runExportBench } from './export-bench';
import { runImportPairsBench } from './import-pairs-bench';
import { runLmmBench } from './lmm-bench';
import { runLmmRssBench } from './lmm-rss-bench';
import { runEngineReplicasBench } from './engine-replicas-bench';

const results: Record<string, unknown> = {};
const outDir = path.resolve(__dirname, '..', 'test-output', 'bench');

function report(name: string, value: unknown) {
  results[name] = value;
  console.log(`\n[bench] ${name}\n${JSON.stringify(value, null, 2)}`);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 2));
}

it('library: 10,000-video project open and sorted pages', async () => {
  const r = await runLibraryBench();
  report('library', r);
  expect(r.videos).toBe(10_000);
});

it('library: 100,000-video project open, sorted pages, text filter', async () => {
  const r = await runLibraryBench(100_000);
  report('library100k', r);
  expect(r.videos).toBe(100_000);
});

it('import: 1,000 short clips with posters, vs spawning ffprobe once per clip', async () => {
  const r = await runImportBench({ log: (l) => console.log(`[import] ${l}`) });
  report('import', r);
  expect(r.clips).toBe(1000);
}, 3_600_000);

it('score: built-in pack vs decode-only, before/after, segments/s, RSS on a 10-minute clip', async () => {
  const r = await runScoreBench();
  report('score', r);
  expect(r.clip60s.segments).toBe(30);
  expect(r.maxOutputDiff).toBeLessThan(1e-5);
}, 3_600_000);

it('export: 100,000 pairs to VQA²/LLaVA JSON without clips, vs JSON.stringify alone', async () => {
  const r = await runExportBench();
  report('export', r);
  expect(r.pairs).toBe(100_000);
  expect(r.exportSec).toBeLessThan(r.targetSec);
});

it('import-pairs: 100,000 pairs from VQA²/LLaVA JSON, vs JSON.parse alone', async () => {
  const r = await runImportPairsBench();
  report('importPairs', r);
  expect(r.pairs).toBe(100_000);
});

it('lmm: tiny models on CPU, prefill and decode tokens/s', async () => {
  const r = await runLmmBench();
  report('lmm', r);
  expect(r.models).toHaveLength(4);
});

it('lmm: RSS while scoring a 10-minute clip with a tiny model stays flat', async () => {
  const r = await runLmmRssBench();
  report('lmmRss', r);
  expect(r.segments).toBe(300);
  expect(r.rssGrowthMB).toBeLessThan(200);
});

it('engine replicas: 4 replicas × 2 in flight vs 1 × 1, 250 ms latency; one replica failing', async () => {
  const r = await runEngineReplicasBench();
  report('engineReplicas', r);
  expect(r.replicas4x2.done).toBe(r.videos);
  expect(r.replicas4x2OneFailing.done).toBe(r.videos);
});
