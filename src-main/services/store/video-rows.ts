// The library's rows in SQL: the videos table's columns and their VideoRow shape, the ORDER BY of
// each sortable column and the WHERE of the library filter (text, status, codec).
// Score columns show one model run only (the library's "view"): the chosen run's video scores are
// joined as `rs`, so a video that run did not score has no score, and sorting uses that run alone.
// The MOS column is the project's default MOS source: people's ACR votes (mean over annotators of
// each annotator's mean) when there are any, else the first imported rating list.
import type Database from 'better-sqlite3';
import type {
  LibraryFilter,
  LibraryQuery,
  LibrarySort,
  SortColumn,
  VideoRow,
} from '../../../src-shared/contract';

/** The run whose scores the Score/Level columns show, and where the MOS column comes from. */
export interface RowView {
  runId: number | null;
  mos: { kind: 'annotations' } | { kind: 'list'; name: string } | null;
}

const SORT_SQL: Record<Exclude<SortColumn, 'videoScore' | 'mos'>, string> = {
  name: 'name',
  durationSec: 'duration_sec',
  width: 'width',
  height: 'height',
  fps: 'fps',
  codec: 'codec',
  bitrateKbps: 'bitrate_kbps',
  sizeBytes: 'size_bytes',
  status: 'status',
  importedAt: 'imported_at',
};

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The MOS of the row's video under the view, as a SQL expression over `videos`. */
export function mosSql(view: RowView | undefined): string {
  if (!view?.mos) return 'NULL';
  if (view.mos.kind === 'list')
    return `(SELECT m.mos FROM video_mos m WHERE m.video_id = videos.id AND m.list_name = ${sqlString(view.mos.name)})`;
  return `(SELECT avg(r) FROM (SELECT avg(a.rating) AS r FROM annotations a
    WHERE a.video_id = videos.id AND a.kind = 'mos' AND a.deleted_at IS NULL GROUP BY a.annotator))`;
}

/** FROM clause of the library: the videos with the view's run's score (none without a run). */
export function fromSql(view: RowView | undefined): string {
  const run = view?.runId;
  const on = run != null && Number.isSafeInteger(run) ? `rs.run_id = ${run}` : '0';
  return `videos LEFT JOIN video_scores rs ON rs.video_id = videos.id AND ${on}`;
}

/** The library's ORDER BY: NULLs (failed rows have no duration) last whichever the direction, id breaks ties. */
export function orderSql(sort: LibrarySort | undefined, view?: RowView): string {
  const { column, desc } = sort ?? { column: 'importedAt', desc: false };
  const dir = desc ? 'DESC' : 'ASC';
  const expr =
    column === 'videoScore' ? 'rs.score' : column === 'mos' ? mosSql(view) : SORT_SQL[column];
  const collate = column === 'name' ? ' COLLATE NOCASE' : '';
  return `${expr} IS NULL, ${expr}${collate} ${dir}, id ${dir}`;
}

/** The columns of a library row; `rs` is the view's run (fromSql). */
export function videoColumns(view: RowView | undefined): string {
  return `${VIDEO_COLUMNS}, rs.score AS run_score, rs.level AS run_level, ${mosSql(view)} AS mos`;
}

/**
 * The sort split for paging: rows whose column is set, ordered by `column dir, id dir` (which the
 * column's index serves directly, the rowid being its last key), then the NULL rows by id. One
 * ORDER BY with `column IS NULL` first would sort the whole table for every page.
 */
export function sortParts(sort: LibrarySort | undefined): {
  column: string;
  order: string;
  nullOrder: string;
} {
  const { column, desc } = sort ?? { column: 'importedAt', desc: false };
  if (column === 'videoScore' || column === 'mos')
    throw new Error(`${column} is not a column of videos`);
  const dir = desc ? 'DESC' : 'ASC';
  const col = SORT_SQL[column];
  // the name index is case-insensitive, like the library's name order
  const key = column === 'name' ? `${col} COLLATE NOCASE` : col;
  return { column: col, order: `${key} ${dir}, id ${dir}`, nullOrder: `id ${dir}` };
}

export const VIDEO_COLUMNS = `id, path, name, status, error, duration_sec, width, height, fps, codec,
  bitrate_kbps, size_bytes, has_thumb, imported_at, video_score`;

/**
 * The run the library shows by default: of the finished runs, the one that scored most videos
 * (the newest on a tie); runs that never finished count only when no run finished.
 */
export function defaultRunId(db: Database.Database): number | null {
  const r = db
    .prepare(
      `SELECT r.id FROM model_runs r JOIN (SELECT run_id, count(*) AS n FROM video_scores GROUP BY run_id) c ON c.run_id = r.id
       ORDER BY r.finished_at IS NULL, c.n DESC, r.id DESC LIMIT 1`,
    )
    .get() as { id: number } | undefined;
  return r?.id ?? null;
}

/** The project's default MOS source (people's votes, else the first rating list), for the MOS column. */
export function defaultMosView(db: Database.Database): RowView['mos'] {
  const votes = db
    .prepare(`SELECT 1 FROM annotations WHERE kind = 'mos' AND deleted_at IS NULL LIMIT 1`)
    .get();
  if (votes) return { kind: 'annotations' };
  const list = db
    .prepare('SELECT list_name AS name FROM video_mos ORDER BY list_name LIMIT 1')
    .get() as { name: string } | undefined;
  return list ? { kind: 'list', name: list.name } : null;
}

export interface VideoDbRow {
  id: number;
  path: string;
  name: string;
  status: 'ok' | 'failed';
  error: string | null;
  duration_sec: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  codec: string | null;
  bitrate_kbps: number | null;
  size_bytes: number;
  has_thumb: number;
  imported_at: string;
  video_score: number | null;
  run_score?: number | null;
  run_level?: string | null;
  mos?: number | null;
}

export function toRow(r: VideoDbRow): VideoRow {
  return {
    id: r.id,
    path: r.path,
    name: r.name,
    status: r.status,
    error: r.error,
    durationSec: r.duration_sec,
    width: r.width,
    height: r.height,
    fps: r.fps,
    codec: r.codec,
    bitrateKbps: r.bitrate_kbps,
    sizeBytes: r.size_bytes,
    hasThumb: r.has_thumb === 1,
    importedAt: r.imported_at,
    // with a view, the view's run only; without (single-video reads), the newest score
    videoScore: r.run_score !== undefined ? r.run_score : r.video_score,
    level: r.run_level ?? null,
    mos: r.mos ?? null,
    predictedMos: null,
  };
}

/** The library filter as a WHERE clause with its parameters (LIKE text escaped). */
export function whereFor(filter: LibraryFilter | undefined): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter?.text && filter.text.trim()) {
    const like = `%${filter.text.trim().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    parts.push(`(path LIKE ? ESCAPE '\\' OR codec LIKE ? ESCAPE '\\' OR error LIKE ? ESCAPE '\\')`);
    params.push(like, like, like);
  }
  if (filter?.status) {
    parts.push('status = ?');
    params.push(filter.status);
  }
  if (filter?.codec) {
    parts.push('codec = ?');
    params.push(filter.codec);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** The ids of one library page, in the library's order (`where`/`params` from whereFor). */
export function libraryPageIds(
  db: Database.Database,
  q: LibraryQuery,
  view: RowView,
  where: string,
  params: unknown[],
): number[] {
  const ids = (sql: string, ...args: unknown[]) =>
    (
      db
        .prepare(sql)
        .raw()
        .all(...args) as [number][]
    ).map((r) => r[0]);
  const column = q.sort?.column;
  const text = q.filter?.text?.trim();
  const dir = q.sort?.desc ? 'DESC' : 'ASC';
  const and = where ? `${where} AND` : 'WHERE';
  // Sorted by the run's score or by a rating list's MOS: the rows that have one, read in the order
  // of their index (value, then video id), then the rows that have none, by id: the same order as
  // orderSql's, without sorting every row for every page.
  const keyed =
    text || q.sort === undefined
      ? null
      : column === 'videoScore' && view.runId != null && Number.isSafeInteger(view.runId)
        ? {
            from: `video_scores k JOIN videos ON videos.id = k.video_id WHERE k.run_id = ?`,
            value: 'k.score',
            key: view.runId as unknown,
            missing: `NOT EXISTS (SELECT 1 FROM video_scores k WHERE k.run_id = ? AND k.video_id = videos.id)`,
          }
        : column === 'mos' && view.mos?.kind === 'list'
          ? {
              from: `video_mos k JOIN videos ON videos.id = k.video_id WHERE k.list_name = ?`,
              value: 'k.mos',
              key: view.mos.name as unknown,
              missing: `NOT EXISTS (SELECT 1 FROM video_mos k WHERE k.list_name = ? AND k.video_id = videos.id)`,
            }
          : null;
  if (keyed) {
    const also = where ? `AND ${where.slice('WHERE '.length)}` : '';
    return twoPartPage(db, q, ids, {
      withValue: `SELECT k.video_id FROM ${keyed.from} ${also} ORDER BY ${keyed.value} ${dir}, k.video_id ${dir}`,
      countWithValue: `SELECT count(*) AS n FROM ${keyed.from} ${also}`,
      withValueParams: [keyed.key, ...params],
      without: `SELECT id FROM videos ${and} ${keyed.missing} ORDER BY id ${dir}`,
      withoutParams: [...params, keyed.key],
    });
  }
  // A text filter leaves few rows, and ACR votes are averaged per row: one scan and a sort of the
  // keys is fastest there.
  if (text || column === 'videoScore' || column === 'mos') {
    return ids(
      `SELECT videos.id FROM ${fromSql(view)} ${where} ORDER BY ${orderSql(q.sort, view)} LIMIT ? OFFSET ?`,
      ...params,
      q.limit,
      q.offset,
    );
  }
  // Otherwise the same order (set values first, NULLs last) in two parts the column's index
  // serves; one ORDER BY with `column IS NULL` first would sort the whole table for every page.
  const parts = sortParts(q.sort);
  return twoPartPage(db, q, ids, {
    withValue: `SELECT id FROM videos ${and} ${parts.column} IS NOT NULL ORDER BY ${parts.order}`,
    countWithValue: `SELECT count(*) AS n FROM videos ${and} ${parts.column} IS NOT NULL`,
    withValueParams: params,
    without: `SELECT id FROM videos ${and} ${parts.column} IS NULL ORDER BY ${parts.nullOrder}`,
    withoutParams: params,
  });
}

/**
 * One page of rows that have a value, in their index's order, followed by the rows that have
 * none: the second part starts where the first ends (its offset counts the rows with a value).
 */
function twoPartPage(
  db: Database.Database,
  q: LibraryQuery,
  ids: (sql: string, ...args: unknown[]) => number[],
  sql: {
    withValue: string;
    countWithValue: string;
    withValueParams: unknown[];
    without: string;
    withoutParams: unknown[];
  },
): number[] {
  const page = ids(`${sql.withValue} LIMIT ? OFFSET ?`, ...sql.withValueParams, q.limit, q.offset);
  if (page.length >= q.limit) return page;
  const withValue = page.length
    ? q.offset + page.length
    : (db.prepare(sql.countWithValue).get(...sql.withValueParams) as { n: number }).n;
  page.push(
    ...ids(
      `${sql.without} LIMIT ? OFFSET ?`,
      ...sql.withoutParams,
      q.limit - page.length,
      Math.max(0, q.offset - withValue),
    ),
  );
  return page;
}
