// Reading and curating stored pairs: filtered pages for the table, edits (checked against the
// pair's placeholder style before writing), bulk status changes and deletes, each one transaction.
import type { PairRow, PairsFilter, PlaceholderStyle } from '../../../src-shared/contract-pairs';
import { turnProblems } from '../../../src-shared/contract-pairs';
import type { ProjectStore } from '../store/project-store';
import {
  PAIR_COLUMNS,
  PairError,
  getPair,
  toPairRecord,
  type PairDbRow,
  type PairRecord,
  type PairStatus,
  type Turn,
} from './pair-store';

/** What the studio keeps in a pair's extra_json besides an imported sample's unmodelled keys. */
export interface PairExtra {
  style?: PlaceholderStyle;
  levelFrom?: 'mos' | 'model';
  /** Keys of an imported sample the studio does not model, with their values, in file order. */
  sampleKeys?: Record<string, unknown>;
  /** Key order of the imported sample, so an export writes it back the same way. */
  keyOrder?: string[];
  framesPerSec?: number;
}

export function extraOf(p: Pick<PairRecord, 'extra'>): PairExtra {
  return (p.extra ?? {}) as PairExtra;
}

export function styleOf(p: Pick<PairRecord, 'extra'>): PlaceholderStyle {
  return extraOf(p).style ?? 'llava';
}

function whereOf(filter: PairsFilter | undefined): { sql: string; args: (string | number)[] } {
  const parts: string[] = [];
  const args: (string | number)[] = [];
  const add = (sql: string, ...values: (string | number)[]) => {
    parts.push(sql);
    args.push(...values);
  };
  if (filter?.status) add('p.status = ?', filter.status);
  if (filter?.source) add('p.source = ?', filter.source);
  if (filter?.videoId) add('(p.video_id = ? OR p.video2_id = ?)', filter.videoId, filter.videoId);
  if (filter?.templateId) add('p.template_id = ?', filter.templateId);
  if (filter?.text) {
    parts.push(`(p.conversations_json LIKE ? ESCAPE '\\' OR p.uid LIKE ? ESCAPE '\\')`);
    const like = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    args.push(like, like);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}

const ROW_COLUMNS = PAIR_COLUMNS.split(',')
  .map((c) => `p.${c.trim()}`)
  .join(', ');

export function toPairRow(
  r: PairRecord,
  names: { videoName: string; video2Name: string | null },
): PairRow {
  const extra = extraOf(r);
  return {
    id: r.id,
    uid: r.uid,
    videoId: r.videoId,
    videoName: names.videoName,
    video2Id: r.video2Id,
    video2Name: names.video2Name,
    startSec: r.startSec,
    endSec: r.endSec,
    conversations: r.conversations,
    source: r.source,
    status: r.status,
    templateId: r.templateId,
    taskMark: r.taskMark,
    gtScore: r.gtScore,
    levelFrom: extra.levelFrom ?? null,
    style: extra.style ?? 'llava',
    provenance: r.provenance,
    updatedAt: r.updatedAt,
  };
}

/** A page of pairs (newest first) with their videos' names. */
export function listPairs(
  store: ProjectStore,
  filter: PairsFilter | undefined,
  offset: number,
  limit: number,
): { total: number; rows: PairRow[] } {
  const db = store.connection;
  const { sql, args } = whereOf(filter);
  const total = (
    db.prepare(`SELECT count(*) AS n FROM pairs p ${sql}`).get(...args) as { n: number }
  ).n;
  const rows = db
    .prepare(
      `SELECT ${ROW_COLUMNS}, v.name AS video_name, v2.name AS video2_name FROM pairs p
       JOIN videos v ON v.id = p.video_id LEFT JOIN videos v2 ON v2.id = p.video2_id
       ${sql} ORDER BY p.id DESC LIMIT ? OFFSET ?`,
    )
    .all(...args, limit, offset) as (PairDbRow & {
    video_name: string;
    video2_name: string | null;
  })[];
  return {
    total,
    rows: rows.map((r) =>
      toPairRow(toPairRecord(r), { videoName: r.video_name, video2Name: r.video2_name }),
    ),
  };
}

export function pairRow(store: ProjectStore, id: number): PairRow {
  const r = getPair(store, id);
  if (!r) throw new PairError('NOT_FOUND', `pair ${id} does not exist`);
  const name = (vid: number | null) =>
    vid == null
      ? null
      : ((
          store.connection.prepare('SELECT name FROM videos WHERE id = ?').get(vid) as
            { name: string } | undefined
        )?.name ?? null);
  return toPairRow(r, { videoName: name(r.videoId) ?? '', video2Name: name(r.video2Id) });
}

/**
 * Pairs selected by status for an export, oldest first (stable dataset order). Lean: only what a
 * sample needs is read (no provenance), and identical extra_json texts are parsed once.
 */
export function pairsForExport(
  store: ProjectStore,
  status: 'approved' | 'draft' | 'all',
): PairRecord[] {
  // `+status`: scan in id order instead of the status index plus a 100k-row sort
  const where = status === 'all' ? `WHERE +status != 'rejected'` : `WHERE +status = ?`;
  const rows = store.connection
    .prepare(
      `SELECT id, uid, video_id, video2_id, start_sec, end_sec, conversations_json, task_mark, gt_score, extra_json, source, status FROM pairs ${where} ORDER BY id`,
    )
    .raw()
    .all(...(status === 'all' ? [] : [status])) as [
    number,
    string,
    number,
    number | null,
    number | null,
    number | null,
    string,
    string | null,
    number | null,
    string | null,
    PairRecord['source'],
    PairStatus,
  ][];
  const extras = new Map<string, Record<string, unknown>>();
  return rows.map(
    ([
      id,
      uid,
      videoId,
      video2Id,
      startSec,
      endSec,
      conv,
      taskMark,
      gtScore,
      extraJson,
      source,
      st,
    ]) => {
      let extra: Record<string, unknown> | null = null;
      if (extraJson) {
        extra = extras.get(extraJson) ?? (JSON.parse(extraJson) as Record<string, unknown>);
        extras.set(extraJson, extra);
      }
      return {
        id,
        uid,
        videoId,
        video2Id,
        startSec,
        endSec,
        taskMark,
        gtScore,
        extra,
        source,
        status: st,
        conversations: JSON.parse(conv) as Turn[],
        templateId: null,
        provenance: [],
        createdAt: '',
        updatedAt: '',
      };
    },
  );
}

/** Replace a pair's conversation and/or status; the conversation must keep the pair's format rules. */
export function updatePair(
  store: ProjectStore,
  id: number,
  patch: { conversations?: Turn[]; status?: PairStatus },
): PairRecord {
  const db = store.connection;
  return db.transaction(() => {
    const p = getPair(store, id);
    if (!p) throw new PairError('NOT_FOUND', `pair ${id} does not exist`);
    const now = new Date().toISOString();
    if (patch.conversations) {
      const problems = turnProblems(patch.conversations, styleOf(p), p.video2Id ? 2 : 1);
      if (problems.length)
        throw new PairError('BAD_INPUT', `pair ${p.uid}: ${problems.join('; ')}`);
      const conv = JSON.stringify(
        patch.conversations.map((t) => ({ from: t.from, value: t.value })),
      );
      // a hand-edited template pair is the user's text now
      db.prepare(
        `UPDATE pairs SET conversations_json = ?, source = CASE source WHEN 'template' THEN 'manual' ELSE source END, updated_at = ? WHERE id = ?`,
      ).run(conv, now, id);
    }
    if (patch.status)
      db.prepare('UPDATE pairs SET status = ?, updated_at = ? WHERE id = ?').run(
        patch.status,
        now,
        id,
      );
    return getPair(store, id)!;
  })();
}

export function setPairStatus(
  store: ProjectStore,
  ids: readonly number[],
  status: PairStatus,
): number {
  const db = store.connection;
  const stmt = db.prepare('UPDATE pairs SET status = ?, updated_at = ? WHERE id = ?');
  const now = new Date().toISOString();
  return db.transaction(() => ids.reduce((n, id) => n + stmt.run(status, now, id).changes, 0))();
}

export function deletePairs(store: ProjectStore, ids: readonly number[]): number {
  const db = store.connection;
  const stmt = db.prepare('DELETE FROM pairs WHERE id = ?');
  return db.transaction(() => ids.reduce((n, id) => n + stmt.run(id).changes, 0))();
}

export function pairFacets(store: ProjectStore): {
  videos: { id: number; name: string; count: number }[];
  templates: string[];
  counts: Record<string, number>;
} {
  const db = store.connection;
  const videos = db
    .prepare(
      `SELECT v.id, v.name, count(*) AS count FROM pairs p JOIN videos v ON v.id = p.video_id GROUP BY v.id ORDER BY v.name`,
    )
    .all() as { id: number; name: string; count: number }[];
  const templates = (
    db
      .prepare(
        `SELECT DISTINCT template_id AS t FROM pairs WHERE template_id IS NOT NULL ORDER BY t`,
      )
      .all() as { t: string }[]
  ).map((r) => r.t);
  const counts: Record<string, number> = { draft: 0, approved: 0, rejected: 0 };
  for (const r of db.prepare(`SELECT status, count(*) AS n FROM pairs GROUP BY status`).all() as {
    status: string;
    n: number;
  }[])
    counts[r.status] = r.n;
  return { videos, templates, counts };
}
