// Dataset import throughput: the 100,000-pair VQA²/LLaVA JSON of the export bench read back into a
// fresh project of the same 1,000 videos (every item checked, matched by path, one transaction),
// against the baseline of JSON.parse of the same file alone, measured in the same run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectStore, type NewVideo } from '../src-main/services/store/project-store';
import { insertPairs, type PairInput } from '../src-main/services/pairs/pair-store';
import { exportDataset } from '../src-main/services/export/export-dataset';
import { importDataset } from '../src-main/services/pairs/import-dataset';
import { LLAVA_PREAMBLE } from '../src-shared/contract-pairs';

export interface ImportPairsBenchResult {
  pairs: number;
  fileMB: number;
  importSec: number;
  baselineParseSec: number;
  ratio: number;
}

function project(
  dir: string,
  name: string,
  videos: number,
): { store: ProjectStore; ids: number[] } {
  const store = ProjectStore.create(path.join(dir, name));
  const rows: NewVideo[] = Array.from({ length: videos }, (_, i) => ({
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
  return { store, ids: store.insertVideos(rows) };
}

export async function runImportPairsBench(
  opts: { pairs?: number; videos?: number } = {},
): Promise<ImportPairsBenchResult> {
  const nPairs = opts.pairs ?? 100_000;
  const nVideos = opts.videos ?? 1_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-import-pairs-bench-'));
  try {
    const src = project(dir, 'source', nVideos);
    const inputs: PairInput[] = Array.from({ length: nPairs }, (_, i) => ({
      uid: `bench_${i}`,
      videoId: src.ids[i % nVideos]!,
      source: 'template',
      status: 'approved',
      templateId: 'rating',
      taskMark: 'rating',
      gtScore: (i % 100) / 100,
      extra: { style: 'llava', levelFrom: 'model' },
      provenance: [],
      conversations: [
        { from: 'human', value: `${LLAVA_PREAMBLE}How would you rate the quality of this video?` },
        {
          from: 'gpt',
          value: `The quality of the video is ${['high', 'good', 'fair', 'poor', 'low'][i % 5]}.`,
        },
      ],
    }));
    insertPairs(src.store, inputs);
    const out = path.join(dir, 'dataset');
    await exportDataset(src.store, { format: 'llava', outDir: out, videos: 'reference' });
    src.store.close();
    const file = path.join(out, 'train.json');
    const bytes = fs.statSync(file).size;

    const t0 = performance.now();
    JSON.parse(fs.readFileSync(file, 'utf8'));
    const baselineParseSec = (performance.now() - t0) / 1000;

    const dst = project(dir, 'target', nVideos);
    const t1 = performance.now();
    const report = importDataset(dst.store, file, 'llava', {
      maxMB: Math.ceil(bytes / 1024 / 1024) + 1,
    });
    const importSec = (performance.now() - t1) / 1000;
    dst.store.close();
    if (report.imported !== nPairs) throw new Error(`imported ${report.imported} of ${nPairs}`);
    return {
      pairs: nPairs,
      fileMB: Math.round((bytes / 1024 / 1024) * 10) / 10,
      importSec: Math.round(importSec * 1000) / 1000,
      baselineParseSec: Math.round(baselineParseSec * 1000) / 1000,
      ratio: Math.round((importSec / baselineParseSec) * 10) / 10,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
