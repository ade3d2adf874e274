// The import's poster pass: committed rows get their poster thumbnails in batches (one ffmpeg run
// for many files), rows on screen first; a file whose first frame does not decode turns failed.
import type { ProjectStore } from '../store/project-store';
import { makePosterThumbnails } from '../media/thumbnail-batch';
import type { ProgressReporter } from './import-progress';

/** What the poster pass needs of a readable row. */
export interface PosterInfo {
  durationSec: number | null;
  streamIndex?: number;
}

/** Files per ffmpeg run in the poster pass: start-up paid once per batch, a failure costs a retry of at most this many. */
export const POSTER_BATCH = 32;

/**
 * The poster pass, alongside probing: whenever POSTER_BATCH committed rows wait (or probing has
 * ended), one ffmpeg run makes their posters. A row whose first frame cannot be decoded becomes
 * failed with the reason, and the counts follow. It is not cancelled with the import: it only
 * finishes rows already committed, so a cancelled import leaves no row without its poster.
 */
export async function posterPass(
  store: ProjectStore,
  waiting: { id: number; absPath: string; poster: PosterInfo }[],
  probingDone: () => boolean,
  opts: {
    threads: number;
    progress: ProgressReporter;
    fatal: () => boolean;
    first?: () => ReadonlySet<number>;
    onBatch?: () => void;
  },
): Promise<void> {
  for (;;) {
    if (opts.fatal()) return;
    const ended = probingDone();
    // A full batch, or rows that are on screen now (the first page appears at once), or the end.
    const first = opts.first?.();
    const onScreen = !!first?.size && waiting.some((r) => first.has(r.id));
    if (waiting.length < POSTER_BATCH && !ended && !onScreen) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    if (!waiting.length) return;
    const batch = takeBatch(waiting, first);
    const outcomes = await makePosterThumbnails(
      batch.map((r) => ({
        absPath: r.absPath,
        outJpg: store.thumbPath(r.id),
        durationSec: r.poster.durationSec,
        streamIndex: r.poster.streamIndex,
      })),
      { threads: opts.threads },
    );
    store.connection.transaction(() => {
      outcomes.forEach((o, k) => {
        const id = batch[k]!.id;
        if (o.ok) store.setThumb(id, true);
        else {
          // Probed fine but no frame decodes (truncated mid-stream, corrupt data): not usable for scoring.
          store.markFailed(id, o.reason);
          opts.progress.state.added -= 1;
          opts.progress.state.failed += 1;
        }
      });
    })();
    opts.progress.update();
    opts.onBatch?.();
  }
}

/** The next poster batch: rows on screen first, then the oldest committed. */
export function takeBatch<T extends { id: number }>(
  waiting: T[],
  first?: ReadonlySet<number>,
): T[] {
  if (!first?.size) return waiting.splice(0, POSTER_BATCH);
  const batch: T[] = [];
  for (let i = 0; i < waiting.length && batch.length < POSTER_BATCH;) {
    if (first.has(waiting[i]!.id)) batch.push(...waiting.splice(i, 1));
    else i++;
  }
  if (batch.length < POSTER_BATCH) batch.push(...waiting.splice(0, POSTER_BATCH - batch.length));
  return batch;
}
