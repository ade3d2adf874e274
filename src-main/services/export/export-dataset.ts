// Dataset export: selects pairs, places videos under videos/ (copy, hard link or symlink),
// extracts clips for time ranges, splits train/val by video with a seed, validates every sample,
// and writes it all into a temp folder renamed into place at the end, so an interrupted or failed
// export leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type {
  ExportManifest,
  ExportOptions,
  ExportProgress,
} from '../../../src-shared/contract-pairs';
import type { ProjectStore } from '../store/project-store';
import { pairsForExport } from '../pairs/pair-queries';
import type { PairRecord } from '../pairs/pair-store';
import { mulberry32 } from '../util/prng';
import { extractClip } from './clips';
import { ExportError, assertSamplesValid, sampleFor, type PairFormat } from './records';
import { mosCsv, mosRows, scoreSamples, type VideoTableOptions } from './video-tables';
import { calibratedPredictor } from '../evaluation/calibrated-levels';

export interface ExportRun {
  signal?: AbortSignal;
  onProgress?: (p: Omit<ExportProgress, 'jobId'>) => void;
}

/** Video ids of the validation part: a seeded shuffle, the first round(n × fraction). */
export function valVideos(videoIds: number[], fraction: number, seed: number): Set<number> {
  if (fraction <= 0) return new Set();
  const ids = [...new Set(videoIds)].sort((a, b) => a - b);
  const r = mulberry32(seed);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return new Set(ids.slice(0, Math.max(1, Math.round(ids.length * fraction))));
}

/** Dataset path of each video: videos/<its path in the project folder>, or videos/<file name> for files outside it. */
function planVideoPaths(
  store: ProjectStore,
  ids: Iterable<number>,
): Map<number, { abs: string; rel: string }> {
  const out = new Map<number, { abs: string; rel: string }>();
  const used = new Set<string>();
  for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
    const v = store.getVideo(id);
    if (!v) continue;
    const inside = !path.isAbsolute(v.path) && !v.path.startsWith('..');
    // a project's own videos/ folder is not repeated (videos/videos/a.mp4)
    let rel = `videos/${(inside ? v.path : path.basename(v.path))
      .split(path.sep)
      .join('/')
      .replace(/^videos\//, '')}`;
    if (used.has(rel)) rel = rel.replace(/(\.[^./]*)?$/, (ext) => `-${id}${ext}`);
    used.add(rel);
    out.set(id, { abs: store.toAbsPath(v.path), rel });
  }
  return out;
}

function safeName(uid: string): string {
  return uid.replace(/[^A-Za-z0-9._-]/g, '_');
}

const DATA_FILES: Record<PairFormat, [string, string]> = {
  llava: ['train.json', 'val.json'],
  'qwen2.5vl': ['train.json', 'val.json'],
  'sharegpt-jsonl': ['train.jsonl', 'val.jsonl'],
};

/**
 * Write the samples as the format's file, sample by sample in ~1 MiB chunks: the bytes equal
 * `JSON.stringify(samples, null, 2)` (JSON) or one `JSON.stringify(sample)` per line (JSONL),
 * without holding the whole file as one string (100,000 pairs are ~45 MB).
 */
export function writeSamples(
  file: string,
  format: PairFormat,
  samples: readonly Record<string, unknown>[],
): void {
  const fd = fs.openSync(file, 'w');
  try {
    let chunk = '';
    const put = (s: string) => {
      chunk += s;
      if (chunk.length >= 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    };
    if (format === 'sharegpt-jsonl') {
      for (const s of samples) put(JSON.stringify(s) + '\n');
    } else if (!samples.length) put('[]\n');
    else {
      // an element of a pretty-printed array is the element pretty-printed, indented one level
      // (raw newlines occur only between tokens: JSON escapes them inside strings)
      samples.forEach((s, i) =>
        put((i ? ',\n  ' : '[\n  ') + JSON.stringify(s, null, 2).replace(/\n/g, '\n  ')),
      );
      put('\n]\n');
    }
    if (chunk) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}

function checkOutDir(outDir: string): void {
  if (!path.isAbsolute(outDir))
    throw new ExportError('BAD_INPUT', `output folder must be an absolute path: ${outDir}`);
  if (
    fs.existsSync(outDir) &&
    (!fs.statSync(outDir).isDirectory() || fs.readdirSync(outDir).length > 0)
  ) {
    throw new ExportError(
      'BAD_INPUT',
      `output folder ${outDir} exists and is not empty; choose a new folder`,
    );
  }
  if (!fs.existsSync(path.dirname(outDir)))
    throw new ExportError('BAD_INPUT', `parent folder ${path.dirname(outDir)} does not exist`);
}

export async function exportDataset(
  store: ProjectStore,
  opts: ExportOptions,
  run: ExportRun = {},
): Promise<ExportManifest> {
  const settings = {
    status: opts.status ?? 'approved',
    videos: opts.videos ?? 'copy',
    ranges: opts.ranges ?? 'prompt',
    valFraction: opts.valFraction ?? 0,
    seed: opts.seed ?? 0,
    ...(opts.levels ? { levels: opts.levels } : {}),
    ...(opts.runId ? { runId: opts.runId } : {}),
  };
  const outDir = path.resolve(opts.outDir);
  checkOutDir(outDir);
  const t0 = Date.now();
  let phase: ExportProgress['phase'] = 'collecting';
  let done = 0;
  let total = 0;
  const progress = (
    status: ExportProgress['status'] = 'running',
    error: string | null = null,
    manifest: ExportManifest | null = null,
  ) => {
    const elapsed = (Date.now() - t0) / 1000;
    run.onProgress?.({
      status,
      phase,
      done,
      total,
      etaSec: done > 0 && total > done ? (elapsed / done) * (total - done) : null,
      outDir,
      error,
      manifest,
    });
  };
  const checkCancel = () => {
    if (run.signal?.aborted) throw new ExportError('EXPORT_CANCELLED', 'export cancelled');
  };
  progress();

  const tmp = path.join(
    path.dirname(outDir),
    `.${path.basename(outDir)}.partial-${randomBytes(4).toString('hex')}`,
  );
  fs.mkdirSync(tmp);
  try {
    const format = opts.format;
    const skipped: Record<string, number> = {};
    const files: string[] = [];
    let counts = { samples: 0, train: 0, val: 0, videos: 0, clips: 0 };
    let pairCounts: ExportManifest['counts']['pairs'];
    let placed: Map<number, { abs: string; rel: string }>;
    const clipJobs: { pair: PairRecord; abs: string; rel: string }[] = [];

    if (format === 'csv-mos' || format === 'scores-json') {
      let tableOpts: VideoTableOptions = { runId: opts.runId };
      if (opts.levels === 'calibrated') {
        try {
          tableOpts = { runId: opts.runId, calibrated: calibratedPredictor(store, opts.runId) };
        } catch (e) {
          throw new ExportError('BAD_INPUT', (e as Error).message);
        }
      }
      placed = planVideoPaths(store, store.videoIds({ status: 'ok' }));
      const vids = [...placed].map(([id, p]) => ({ id, path: p.rel }));
      if (format === 'csv-mos') {
        const rows = mosRows(store, vids, tableOpts).filter(
          (r) => r.mos != null || r.model_score != null,
        );
        skipped.noMosOrScore = vids.length - rows.length;
        fs.writeFileSync(path.join(tmp, 'mos.csv'), mosCsv(rows, !!tableOpts.calibrated));
        files.push('mos.csv');
        counts = { ...counts, samples: rows.length, train: rows.length };
        placed = new Map([...placed].filter(([, p]) => rows.some((r) => r.path === p.rel)));
      } else {
        const samples = scoreSamples(store, vids, tableOpts);
        skipped.unscored = vids.length - samples.length;
        fs.writeFileSync(path.join(tmp, 'scores.json'), JSON.stringify(samples, null, 2) + '\n');
        files.push('scores.json');
        counts = { ...counts, samples: samples.length, train: samples.length };
        placed = new Map([...placed].filter(([, p]) => samples.some((s) => s.path === p.rel)));
      }
    } else {
      const pairs = pairsForExport(store, settings.status);
      const usable = pairs.filter((p) => {
        if (p.video2Id != null && format !== 'sharegpt-jsonl') {
          skipped.twoVideoPairs = (skipped.twoVideoPairs ?? 0) + 1;
          return false;
        }
        return true;
      });
      placed = planVideoPaths(
        store,
        usable.flatMap((p) => (p.video2Id ? [p.videoId, p.video2Id] : [p.videoId])),
      );
      const val = valVideos(
        usable.map((p) => p.videoId),
        settings.valFraction,
        settings.seed,
      );
      const train: Record<string, unknown>[] = [];
      const valSamples: Record<string, unknown>[] = [];
      for (const p of usable) {
        const ranged = p.startSec != null && p.endSec != null;
        const clip = ranged && settings.ranges === 'clip';
        let paths = [
          placed.get(p.videoId)!.rel,
          ...(p.video2Id ? [placed.get(p.video2Id)!.rel] : []),
        ];
        if (clip) {
          const rel = `videos/clips/${safeName(p.uid)}.mp4`;
          clipJobs.push({ pair: p, abs: placed.get(p.videoId)!.abs, rel });
          paths = [rel];
        }
        (val.has(p.videoId) ? valSamples : train).push(
          sampleFor(format, { pair: p, paths, rangeInPrompt: ranged && !clip }),
        );
      }
      // checked before a byte of the dataset is written
      assertSamplesValid(format, [...train, ...valSamples]);
      counts = {
        ...counts,
        samples: train.length + valSamples.length,
        train: train.length,
        val: valSamples.length,
      };
      // the manifest says what a person approved and what are drafts (a model's level is never approved by itself)
      const drafts = usable.filter((p) => p.status !== 'approved');
      pairCounts = {
        approved: usable.length - drafts.length,
        draft: drafts.length,
        draftLevelFromModel: drafts.filter((p) => p.extra?.levelFrom === 'model').length,
      };
      phase = 'writing';
      progress();
      const [trainFile, valFile] = DATA_FILES[format];
      writeSamples(path.join(tmp, trainFile), format, train);
      files.push(trainFile);
      if (valSamples.length || settings.valFraction > 0) {
        writeSamples(path.join(tmp, valFile), format, valSamples);
        files.push(valFile);
      }
      // a clip replaces its video in the sample; keep the video only if another sample uses it
      const clipOnly = new Set(clipJobs.map((c) => c.pair.videoId));
      for (const p of usable) {
        if (p.startSec != null && settings.ranges === 'clip') continue;
        clipOnly.delete(p.videoId);
        if (p.video2Id) clipOnly.delete(p.video2Id);
      }
      for (const id of clipOnly) placed.delete(id);
    }

    phase = 'videos';
    total = placed.size + clipJobs.length;
    progress();
    const made = new Set<string>();
    const mkdirFor = async (dest: string) => {
      const d = path.dirname(dest);
      if (made.has(d)) return;
      await fs.promises.mkdir(d, { recursive: true });
      made.add(d);
    };
    const place = async ({ abs, rel }: { abs: string; rel: string }) => {
      const dest = path.join(tmp, rel);
      await mkdirFor(dest);
      if (settings.videos === 'reference') await fs.promises.symlink(abs, dest);
      else if (settings.videos === 'hardlink') {
        try {
          await fs.promises.link(abs, dest);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
          await fs.promises.copyFile(abs, dest); // another file system: a link is impossible
          skipped.hardlinkCopied = (skipped.hardlinkCopied ?? 0) + 1;
        }
      } else await fs.promises.copyFile(abs, dest);
      done++;
      progress();
    };
    // a few file operations in flight (libuv's thread pool), copies included
    const queue = [...placed.values()];
    let failed = false;
    const worker = async () => {
      for (let item = queue.shift(); item && !failed; item = queue.shift()) {
        checkCancel();
        await place(item);
        checkCancel();
      }
    };
    // every worker stops before the temp folder is removed on a failure
    const settled = await Promise.allSettled(
      Array.from({ length: Math.min(4, queue.length) }, () =>
        worker().catch((e: unknown) => ((failed = true), Promise.reject(e))),
      ),
    );
    const firstFailure = settled.find((r) => r.status === 'rejected');
    if (firstFailure) throw (firstFailure as PromiseRejectedResult).reason;
    counts.videos = placed.size;
    phase = 'clips';
    const modes = { copy: 0, reencode: 0 };
    for (const c of clipJobs) {
      checkCancel();
      const dest = path.join(tmp, c.rel);
      await mkdirFor(dest);
      modes[await extractClip(c.abs, c.pair.startSec!, c.pair.endSec!, dest, run.signal)]++;
      done++;
      progress();
    }
    counts.clips = clipJobs.length;
    checkCancel();
    const manifest: ExportManifest = {
      format,
      project: store.path,
      createdAt: new Date().toISOString(),
      settings: { ...settings, ...(clipJobs.length ? { clipModes: modes } : {}) },
      counts: { ...counts, skipped, ...(pairCounts ? { pairs: pairCounts } : {}) },
      files: [...files, 'manifest.json'],
    };
    fs.writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    if (fs.existsSync(outDir)) fs.rmdirSync(outDir); // empty (checked above)
    fs.renameSync(tmp, outDir);
    phase = 'done';
    progress('done', null, manifest);
    return manifest;
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const cancelled = run.signal?.aborted ?? false;
    progress(cancelled ? 'cancelled' : 'failed', (e as Error).message);
    if (cancelled && !(e instanceof ExportError))
      throw new ExportError('EXPORT_CANCELLED', 'export cancelled');
    throw e;
  }
}
