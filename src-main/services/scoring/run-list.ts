// The model runs a person chooses between (library run picker, evaluation): named with their
// date and how many videos they scored, runs that scored nothing left out.
import type Database from 'better-sqlite3';
import type { EvalRunInfo } from '../../../src-shared/contract-evaluation';
import { ScoreStore, type ModelRunRecord } from './score-store';

/** "#4 builtin-nr 1.0.0 · 2026-11-30 21:03 UTC · 12 of 14 videos" (a model run: the model's name) */
export function runLabel(
  run: Pick<ModelRunRecord, 'id' | 'name' | 'packVersion' | 'createdAt'>,
  scored: number,
  total: number,
): string {
  const when = run.createdAt.slice(0, 16).replace('T', ' ');
  return `#${run.id} ${run.name} ${run.packVersion} · ${when} UTC · ${scored} of ${total} video${total === 1 ? '' : 's'}`;
}

/** Runs that scored at least one video, newest first. */
export function listRuns(db: Database.Database): EvalRunInfo[] {
  const counts = new Map(
    (
      db.prepare('SELECT run_id AS id, count(*) AS n FROM video_scores GROUP BY run_id').all() as {
        id: number;
        n: number;
      }[]
    ).map((r) => [r.id, r.n]),
  );
  const total = (db.prepare('SELECT count(*) AS n FROM videos').get() as { n: number }).n;
  return new ScoreStore(db)
    .runs()
    .filter((r) => (counts.get(r.id) ?? 0) > 0)
    .map((r) => ({
      id: r.id,
      label: runLabel(r, counts.get(r.id)!, total),
      kind: r.kind,
      createdAt: r.createdAt,
      finished: r.finishedAt != null,
      scoredVideos: counts.get(r.id)!,
    }));
}
