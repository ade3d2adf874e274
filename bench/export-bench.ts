// Dataset export throughput: 100,000 generated pairs over 1,000 videos exported as VQA²/LLaVA
// JSON without clip extraction (videos referenced), against the baseline of JSON.stringify of
// the same samples alone, measured in the same run. Target: < 3 s.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectStore, type NewVideo } from '../src-main/services/store/project-store';
import { insertPairs, type PairInput } from '../src-main/services/pairs/pair-store';
import { exportDataset } from '../src-main/services/export/export-dataset';
import { pairsForExport } from '../src-main/services/pairs/pair-queries';
import { llavaSample } from '../src-main/services/export/records';
import { LLAVA_PREAMBLE } from '../src-shared/contract-pairs';

export interface ExportBenchResult {
  pairs: number;
  videos: number;
  exportSec: number;
  baselineStringifySec: number;
  ratio: number;
  fileMB: number;
  targetSec: number;
  /** Seconds from the start at which each phase began (collecting → writing → videos → done). */
  phasesSec: Record<string, number>;
}

const LEVELS = ['high', 'good', 'fair', 'poor', 'low'];

export async function runExportBench(
  opts: { pairs?: number; videos?: number } = {},
): Promise<ExportBenchResult> {
  const nPairs = opts.pairs ?? 100_000;
  const nVideos = opts.videos ?? 1_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-export-bench-'));
  try {
    const store = ProjectStore.create(path.join(dir, 'bench'));
    const videos: NewVideo[] = Array.from({ length: nVideos }, (_, i) => ({
      absPath: path.join(dir, 'videos', `clip_${String(i).padStart(5, '0')}.mp4`),
      status: 'ok',
      error: null,
      durationSec: 10,
      width: 640,
      height: 360,
      fps: 25,
      codec: 'h264',
      bitrateKbps: 900,
      sizeBytes: 1000,
      partialHash: null,
      probeJson: null,
    }));
    const ids = store.insertVideos(videos);
    const inputs: PairInput[] = Array.from({ length: nPairs }, (_, i) => ({
      uid: `bench_${i}`,
      videoId: ids[i % nVideos]!,
      source: 'template',
      status: 'approved',
      templateId: 'rating',
      taskMark: 'rating',
      gtScore: (i % 100) / 100,
      extra: { style: 'llava', levelFrom: 'model' },
      provenance: [{ kind: 'video_score', id: 1, detail: `score ${(i % 100) / 100}` }],
      conversations: [
        { from: 'human', value: `${LLAVA_PREAMBLE}How would you rate the quality of this video?` },
        { from: 'gpt', value: `The quality of the video is ${LEVELS[i % 5]}.` },
      ],
    }));
    insertPairs(store, inputs);

    const outDir = path.join(dir, 'out');
    const t0 = performance.now();
    const phasesSec: Record<string, number> = {};
    const manifest = await exportDataset(
      store,
      { format: 'llava', outDir, videos: 'reference' },
      {
        onProgress: (p) => {
          phasesSec[p.phase] ??= Math.round(performance.now() - t0) / 1000;
        },
      },
    );
    const exportSec = (performance.now() - t0) / 1000;
    if (manifest.counts.samples !== nPairs)
      throw new Error(`exported ${manifest.counts.samples} of ${nPairs}`);

    // baseline: serialising the very same samples, nothing else
    const samples = pairsForExport(store, 'approved').map((pair) =>
      llavaSample({ pair, paths: ['videos/x.mp4'], rangeInPrompt: false }),
    );
    const t1 = performance.now();
    JSON.stringify(samples, null, 2);
    const baselineStringifySec = (performance.now() - t1) / 1000;
    store.close();
    return {
      pairs: nPairs,
      videos: nVideos,
      exportSec: Math.round(exportSec * 1000) / 1000,
      baselineStringifySec: Math.round(baselineStringifySec * 1000) / 1000,
      ratio: Math.round((exportSec / baselineStringifySec) * 10) / 10,
      fileMB:
        Math.round((fs.statSync(path.join(outDir, 'train.json')).size / 1024 / 1024) * 10) / 10,
      targetSec: 3,
      phasesSec,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
