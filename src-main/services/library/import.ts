// The import pipeline: scan → per file (bounded parallelism) dedupe and probe → rows written in
// batched transactions → poster thumbnails in batches (one ffmpeg run for many files), which also
// find files that probe fine but cannot be decoded; throttled progress, ETA and cancellation.
import fs from 'node:fs';
import os from 'node:os';
import type { ImportProgress, ImportSkipKind, ImportSummary } from '../../../src-shared/contract';
import type { NewVideo, ProjectStore } from '../store/project-store';
import { isAbortError, MediaError } from '../media/errors';
import { resolveMediaTools } from '../media/ffmpeg-path';
import { partialHash } from '../media/hash';
import { probeVideo } from '../media/probe';
import { scanPaths } from './scan';
import { ProgressReporter } from './import-progress';
import { posterPass, type PosterInfo } from './import-posters';

export interface ImportOptions {
  jobId: string;
  /** Files processed at once; defaults to the number of CPU cores. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** Ids of the rows the library shows now: their posters are made before the others'. */
  postersFirst?: () => ReadonlySet<number>;
  /** Read metadata in-process where possible (default); false: always ffprobe (benchmarks compare). */
  inProcessProbe?: boolean;
  /** After each poster batch is stored (posters landed, or rows turned failed). */
  onPosters?: () => void;
}

type FileOutcome =
  | { kind: 'skipped'; why: ImportSkipKind; reason: string }
  | { kind: 'row'; video: NewVideo; poster?: PosterInfo };

const FLUSH_EVERY_ROWS = 50;
const FLUSH_EVERY_MS = 250;

/** Collects finished rows and writes them in one transaction per batch. */
class BatchWriter {
  private pending: { video: NewVideo; poster?: PosterInfo }[] = [];
  /** Committed rows still waiting for their poster. */
  readonly needPoster: { id: number; absPath: string; poster: PosterInfo }[] = [];
  private lastFlush = performance.now();

  constructor(private readonly store: ProjectStore) {}

  add(video: NewVideo, poster?: PosterInfo): void {
    this.pending.push({ video, poster });
    if (
      this.pending.length >= FLUSH_EVERY_ROWS ||
      performance.now() - this.lastFlush >= FLUSH_EVERY_MS
    )
      this.flush();
  }

  flush(): void {
    this.lastFlush = performance.now();
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    const { store } = this;
    const ids = store.insertVideos(batch.map((b) => b.video)); // one transaction
    batch.forEach((b, i) => {
      const id = ids[i];
      if (id !== undefined && b.poster)
        this.needPoster.push({ id, absPath: b.video.absPath, poster: b.poster });
    });
  }
}

function emptyRow(
  absPath: string,
  sizeBytes: number,
  hash: string | null,
  error: string,
): NewVideo {
  return {
    absPath,
    status: 'failed',
    error,
    durationSec: null,
    width: null,
    height: null,
    fps: null,
    codec: null,
    bitrateKbps: null,
    sizeBytes,
    partialHash: hash,
    probeJson: null,
  };
}

export async function importVideos(
  store: ProjectStore,
  paths: string[],
  opts: ImportOptions,
): Promise<ImportSummary> {
  const started = performance.now();
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? os.availableParallelism()));
  // Fail the whole job up front rather than marking every file failed for a missing ffmpeg.
  resolveMediaTools();

  // One internal signal for a user cancel and for a fatal project error, so both stop all workers.
  const stopper = new AbortController();
  const onCancel = () => stopper.abort();
  if (opts.signal?.aborted) stopper.abort();
  opts.signal?.addEventListener('abort', onCancel, { once: true });
  const signal = stopper.signal;

  const progress = new ProgressReporter(opts.jobId, opts.onProgress);
  progress.update(true);
  const skippedItems: ImportSummary['skippedItems'] = [];
  let fatal: unknown = null;

  try {
    const scan = await scanPaths(paths, { signal });
    progress.state.phase = 'probing';
    progress.state.total = scan.files.length + scan.skipped.length;
    for (const s of scan.skipped) {
      skippedItems.push(s);
      progress.complete('skipped');
    }

    const writer = new BatchWriter(store);
    // size:hash → first path of this import with that content; claimed before probing so that two
    // identical files processed at the same moment are still caught.
    const claimed = new Map<string, string>();
    const threads = Math.max(1, Math.floor(os.availableParallelism() / concurrency));

    const processFile = async (absPath: string): Promise<FileOutcome> => {
      if (store.hasPath(absPath))
        return { kind: 'skipped', why: 'in-project', reason: 'already in project' };
      let sizeBytes: number;
      let hash: string | null;
      try {
        sizeBytes = (await fs.promises.stat(absPath)).size;
        // Empty files are all "identical"; hashing them would hide every empty file behind the first.
        hash = sizeBytes > 0 ? await partialHash(absPath, sizeBytes) : null;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return {
          kind: 'skipped',
          why: 'unreadable',
          reason: code === 'ENOENT' ? 'no longer exists' : `cannot be read (${code ?? 'error'})`,
        };
      }
      if (hash) {
        const existing = store.findBySizeAndHash(sizeBytes, hash);
        if (existing)
          return {
            kind: 'skipped',
            why: 'duplicate',
            reason: `duplicate of ${store.toAbsPath(existing.path)}`,
          };
        const key = `${sizeBytes}:${hash}`;
        const earlier = claimed.get(key);
        if (earlier)
          return { kind: 'skipped', why: 'duplicate', reason: `duplicate of ${earlier}` };
        claimed.set(key, absPath);
      }

      const probe = await probeVideo(absPath, { signal, inProcess: opts.inProcessProbe });
      if (!probe.ok)
        return {
          kind: 'row',
          video: emptyRow(absPath, sizeBytes, hash, probe.reason),
        };
      const { meta } = probe;
      const video: NewVideo = {
        absPath,
        status: 'ok',
        error: null,
        durationSec: meta.durationSec,
        width: meta.width,
        height: meta.height,
        fps: meta.fps,
        codec: meta.codec,
        bitrateKbps: meta.bitrateKbps,
        sizeBytes,
        partialHash: hash,
        probeJson: probe.probeJson,
      };
      // The poster (and the proof that a frame decodes) comes in the batched pass after the rows are committed.
      return {
        kind: 'row',
        video,
        poster: { durationSec: meta.durationSec, streamIndex: meta.streamIndex },
      };
    };

    let next = 0;
    const worker = async () => {
      while (!signal.aborted) {
        const index = next++;
        const absPath = scan.files[index];
        if (absPath === undefined) return;
        progress.state.current = absPath;
        let outcome: FileOutcome;
        try {
          outcome = await processFile(absPath);
        } catch (e) {
          if (signal.aborted || isAbortError(e)) return; // unfinished file: a later import picks it up
          if (!(e instanceof MediaError)) {
            fatal ??= e;
            stopper.abort();
            return;
          }
          // ffprobe timed out or could not start for this one file: record it, keep going.
          const size = fs.statSync(absPath, { throwIfNoEntry: false })?.size ?? 0;
          outcome = {
            kind: 'row',
            video: emptyRow(absPath, size, null, e.message),
          };
        }
        try {
          if (outcome.kind === 'skipped') {
            skippedItems.push({ path: absPath, kind: outcome.why, reason: outcome.reason });
            progress.complete('skipped');
          } else {
            writer.add(outcome.video, outcome.poster);
            progress.complete(outcome.video.status === 'ok' ? 'added' : 'failed');
          }
        } catch (e) {
          fatal ??= e; // the database refused a write: a project-level failure
          stopper.abort();
          return;
        }
      }
    };
    let probingDone = false;
    const posters = posterPass(store, writer.needPoster, () => probingDone, {
      threads,
      progress,
      fatal: () => fatal !== null,
      first: opts.postersFirst,
      onBatch: opts.onPosters,
    }).catch((e: unknown) => {
      fatal ??= e;
    });
    await Promise.all(Array.from({ length: Math.min(concurrency, scan.files.length) }, worker));
    try {
      writer.flush(); // finished rows are kept even when cancelled or when another file hit a fatal error
    } catch (e) {
      fatal ??= e;
    }
    probingDone = true;
    await posters;
  } catch (e) {
    fatal ??= e;
  } finally {
    opts.signal?.removeEventListener('abort', onCancel);
    progress.stop();
  }
  if (fatal) throw fatal;

  progress.finish();
  const s = progress.state;
  return {
    jobId: opts.jobId,
    added: s.added,
    failed: s.failed,
    skipped: s.skipped,
    cancelled: opts.signal?.aborted ?? false,
    skippedItems,
    elapsedSec: (performance.now() - started) / 1000,
  };
}
