// The library's rows in SQL: the videos table's columns and their VideoRow shape, the ORDER BY of
// each sortable column and the WHERE of the library filter (text, status, codec).
import type {
  LibraryFilter,
  LibrarySort,
  SortColumn,
  VideoRow,
} from '../../../src-preload/contract';

const SORT_SQL: Record<SortColumn, string> = {
  name: 'name COLLATE NOCASE',
  durationSec: 'duration_sec',
  width: 'width',
  height: 'height',
  fps: 'fps',
  codec: 'codec',
  bitrateKbps: 'bitrate_kbps',
  sizeBytes: 'size_bytes',
  status: 'status',
  importedAt: 'imported_at',
  videoScore: 'video_score',
};

/** The library's ORDER BY: NULLs (failed rows have no duration) last whichever the direction, id breaks ties. */
export function orderSql(sort: LibrarySort | undefined): string {
  const { column, desc } = sort ?? { column: 'importedAt', desc: false };
  const dir = desc ? 'DESC' : 'ASC';
  const col = SORT_SQL[column];
  return `${col.split(' ')[0]} IS NULL, ${col} ${dir}, id ${dir}`;
}

/**
 * The sort split for paging: rows whose column is set, ordered by `column dir, id dir` (which the
 * column's index serves directly, the rowid being its last key), then the NULL rows by id. One
 * ORDER BY with `column IS NULL` first would sort the whole table for every page.
 */
export function sortParts(sort: LibrarySort | undefined): { column: string; order: string; nullOrder: string } {
  const { column, desc } = sort ?? { column: 'importedAt', desc: false };
  const dir = desc ? 'DESC' : 'ASC';
  const col = SORT_SQL[column];
  return { column: col.split(' ')[0]!, order: `${col} ${dir}, id ${dir}`, nullOrder: `id ${dir}` };
}

export const VIDEO_COLUMNS = `id, path, name, status, error, duration_sec, width, height, fps, codec,
  bitrate_kbps, size_bytes, has_thumb, imported_at, video_score`;

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
    videoScore: r.video_score,
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
