// Durable jobs in the project file: a job row (queued/running/done/failed/cancelled) plus one item
// per video. Items are marked done in the same transaction as their results, so a process killed
// mid-job loses nothing committed and a resumed job redoes only what is still pending.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type ItemStatus = 'pending' | 'done' | 'failed' | 'cancelled';

export interface JobRecord {
  id: string;
  kind: string;
  status: JobStatus;
  params: Record<string, unknown>;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface JobItem {
  videoId: number;
  status: ItemStatus;
  error: string | null;
}

interface JobRow {
  id: string;
  kind: string;
  status: JobStatus;
  params_json: string;
  error: string | null;
  created_at: string;
  updated_at: string;
}

const toJob = (r: JobRow): JobRecord => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  params: JSON.parse(r.params_json) as Record<string, unknown>,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class JobStore {
  constructor(private readonly db: Database.Database) {}

  create(kind: string, params: Record<string, unknown>, videoIds: number[]): JobRecord {
    const id = randomUUID();
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO jobs (id, kind, status, params_json, progress_done, progress_total, created_at, updated_at)
           VALUES (?, ?, 'queued', ?, 0, ?, ?, ?)`,
        )
        .run(id, kind, JSON.stringify(params), videoIds.length, now, now);
      const item = this.db.prepare(
        `INSERT INTO job_items (job_id, video_id, status) VALUES (?, ?, 'pending')`,
      );
      for (const v of new Set(videoIds)) item.run(id, v);
    })();
    return this.get(id)!;
  }

  get(id: string): JobRecord | undefined {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return r && toJob(r);
  }

  list(limit = 50): JobRecord[] {
    return (
      this.db.prepare('SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?').all(limit) as JobRow[]
    ).map(toJob);
  }

  /** Jobs a previous process left queued or running (it was killed or closed mid-job). */
  unfinished(kind?: string): JobRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE status IN ('queued', 'running') ${kind ? 'AND kind = ?' : ''} ORDER BY created_at`,
      )
      .all(...(kind ? [kind] : [])) as JobRow[];
    return rows.map(toJob);
  }

  setStatus(id: string, status: JobStatus, error: string | null = null): void {
    this.db
      .prepare('UPDATE jobs SET status = ?, error = ?, updated_at = ? WHERE id = ?')
      .run(status, error, new Date().toISOString(), id);
  }

  setParams(id: string, params: Record<string, unknown>): void {
    this.db
      .prepare('UPDATE jobs SET params_json = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(params), new Date().toISOString(), id);
  }

  items(id: string, status?: ItemStatus): JobItem[] {
    return (
      this.db
        .prepare(
          `SELECT video_id, status, error FROM job_items WHERE job_id = ? ${status ? 'AND status = ?' : ''} ORDER BY video_id`,
        )
        .all(...(status ? [id, status] : [id])) as {
        video_id: number;
        status: ItemStatus;
        error: string | null;
      }[]
    ).map((r) => ({ videoId: r.video_id, status: r.status, error: r.error }));
  }

  /** Mark an item; call inside the transaction that commits the item's results. */
  markItem(id: string, videoId: number, status: ItemStatus, error: string | null = null): void {
    this.db
      .prepare('UPDATE job_items SET status = ?, error = ? WHERE job_id = ? AND video_id = ?')
      .run(status, error, id, videoId);
    this.db
      .prepare(
        `UPDATE jobs SET progress_done = (SELECT count(*) FROM job_items WHERE job_id = ? AND status != 'pending'), updated_at = ? WHERE id = ?`,
      )
      .run(id, new Date().toISOString(), id);
  }

  counts(id: string): Record<ItemStatus, number> {
    const out: Record<ItemStatus, number> = { pending: 0, done: 0, failed: 0, cancelled: 0 };
    for (const r of this.db
      .prepare('SELECT status, count(*) AS n FROM job_items WHERE job_id = ? GROUP BY status')
      .all(id) as {
      status: ItemStatus;
      n: number;
    }[])
      out[r.status] = r.n;
    return out;
  }
}
