// ProjectStore: one project = one SQLite file (WAL, foreign keys, user_version migrations)
// plus a cache folder beside it. Video paths are stored relative to the project folder when inside it.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type {
  LibraryFilter,
  LibraryQuery,
  LibrarySort,
  VideoRow,
} from '../../../src-shared/contract';
import {
  VIDEO_COLUMNS,
  defaultMosView,
  defaultRunId,
  fromSql,
  libraryPageIds,
  orderSql,
  toRow,
  videoColumns,
  whereFor,
  type RowView,
  type VideoDbRow,
} from './video-rows';
import { StoreError } from './errors';
import { ProjectLock } from './lock';
import { LATEST_SCHEMA_VERSION, applyMigrations } from './migrations';

export { applyMigrations };

export const PROJECT_EXT = '.vqa2.sqlite';

export interface NewVideo {
  absPath: string;
  status: 'ok' | 'failed';
  error: string | null;
  durationSec: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  codec: string | null;
  bitrateKbps: number | null;
  sizeBytes: number;
  partialHash: string | null;
  probeJson: string | null;
}

export interface OpenOptions {
  /** Open without the writer lock and without migrating (listing while another process writes). */
  readonly?: boolean;
}

/** Normalise a user-given project path: absolute, with the .vqa2.sqlite extension. */
export function projectFilePath(p: string): string {
  const abs = path.resolve(p);
  return abs.endsWith(PROJECT_EXT) ? abs : abs + PROJECT_EXT;
}

export function cacheDirFor(projectPath: string): string {
  return projectPath.slice(0, -PROJECT_EXT.length) + '.vqa2-cache';
}

export class ProjectStore {
  readonly path: string;
  readonly dir: string;
  readonly cacheDir: string;
  readonly readonly: boolean;
  private db: Database.Database;
  private lock: ProjectLock | null;
  private closed = false;

  private constructor(file: string, db: Database.Database, lock: ProjectLock | null, ro: boolean) {
    this.path = file;
    this.dir = path.dirname(file);
    this.cacheDir = cacheDirFor(file);
    this.db = db;
    this.lock = lock;
    this.readonly = ro;
  }

  /** Create a new project file; refuses to overwrite an existing one. */
  static create(p: string): ProjectStore {
    const file = projectFilePath(p);
    if (fs.existsSync(file)) {
      throw new StoreError('PROJECT_EXISTS', `A project already exists at ${file}`);
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return ProjectStore.openFile(file, false, true);
  }

  static open(p: string, opts: OpenOptions = {}): ProjectStore {
    const file = projectFilePath(p);
    if (!fs.existsSync(file)) {
      throw new StoreError('PROJECT_NOT_FOUND', `No project at ${file}`);
    }
    return ProjectStore.openFile(file, opts.readonly ?? false, false);
  }

  private static openFile(file: string, ro: boolean, creating: boolean): ProjectStore {
    const lock = ro ? null : ProjectLock.acquire(file);
    let db: Database.Database | undefined;
    try {
      db = new Database(file, {
        readonly: ro,
        fileMustExist: !creating,
        // Electron runs with its own ABI build of better-sqlite3 (prepared by `npm start`).
        nativeBinding: process.env.VQA2_SQLITE_BINDING || undefined,
      });
      db.pragma('busy_timeout = 5000');
      if (!ro) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      }
      db.pragma('foreign_keys = ON');
      // A file that is not SQLite fails here with "file is not a database".
      const version = db.pragma('user_version', { simple: true }) as number;
      if (!ro) {
        applyMigrations(db);
        if (creating) {
          db.prepare('INSERT OR REPLACE INTO project_meta(key, value) VALUES (?, ?)').run(
            'created_at',
            new Date().toISOString(),
          );
        }
      } else if (version !== LATEST_SCHEMA_VERSION) {
        throw new StoreError(
          'PROJECT_NEEDS_UPGRADE',
          `Project ${file} has schema v${version}; open it for writing once to upgrade it to v${LATEST_SCHEMA_VERSION}.`,
        );
      }
      const store = new ProjectStore(file, db, lock, ro);
      if (!ro) fs.mkdirSync(store.cacheDir, { recursive: true });
      return store;
    } catch (e) {
      db?.close();
      lock?.release();
      if (e instanceof StoreError) throw e;
      const msg = (e as Error).message;
      if (/not a database|file is encrypted/i.test(msg)) {
        throw new StoreError('PROJECT_INVALID', `${file} is not a VQA² Studio project (${msg})`);
      }
      throw new StoreError('PROJECT_OPEN_FAILED', `Could not open ${file}: ${msg}`);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.readonly) {
      try {
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // another reader may hold the WAL; the next open checkpoints it
      }
    }
    this.db.close();
    this.lock?.release();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  get name(): string {
    return path.basename(this.path, PROJECT_EXT);
  }

  /** The underlying connection, for services that own their own tables (scores, jobs…). */
  get connection(): Database.Database {
    return this.db;
  }

  // ----- paths -----

  toStoredPath(absPath: string): string {
    const abs = path.resolve(absPath);
    const rel = path.relative(this.dir, abs);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
    return abs;
  }

  toAbsPath(stored: string): string {
    return path.isAbsolute(stored) ? stored : path.resolve(this.dir, ...stored.split('/'));
  }

  thumbPath(videoId: number): string {
    return path.join(this.cacheDir, 'thumbs', `${videoId}.jpg`);
  }

  // ----- videos -----

  insertVideos(videos: NewVideo[]): number[] {
    const stmt = this.db.prepare(
      `INSERT INTO videos (path, name, status, error, duration_sec, width, height, fps, codec,
         bitrate_kbps, size_bytes, partial_hash, probe_json, imported_at)
       VALUES (@path, @name, @status, @error, @durationSec, @width, @height, @fps, @codec,
         @bitrateKbps, @sizeBytes, @partialHash, @probeJson, @importedAt)`,
    );
    const now = new Date().toISOString();
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const v of videos) {
        const { absPath, ...rest } = v;
        const info = stmt.run({
          ...rest,
          path: this.toStoredPath(absPath),
          name: path.basename(absPath),
          importedAt: now,
        });
        ids.push(Number(info.lastInsertRowid));
      }
    })();
    return ids;
  }

  /** A row imported as readable that turned out not to be (no frame decodes): failed, with why. */
  markFailed(videoId: number, reason: string): void {
    this.db
      .prepare("UPDATE videos SET status = 'failed', error = ? WHERE id = ?")
      .run(reason, videoId);
  }

  setThumb(videoId: number, has: boolean): void {
    this.db.prepare('UPDATE videos SET has_thumb = ? WHERE id = ?').run(has ? 1 : 0, videoId);
  }

  setVideoScore(videoId: number, score: number | null): void {
    this.db.prepare('UPDATE videos SET video_score = ? WHERE id = ?').run(score, videoId);
  }

  hasPath(absPath: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM videos WHERE path = ?').get(this.toStoredPath(absPath));
  }

  findBySizeAndHash(sizeBytes: number, partialHash: string): VideoRow | undefined {
    const r = this.db
      .prepare(
        `SELECT ${VIDEO_COLUMNS} FROM videos WHERE size_bytes = ? AND partial_hash = ? LIMIT 1`,
      )
      .get(sizeBytes, partialHash) as VideoDbRow | undefined;
    return r && toRow(r);
  }

  getVideo(id: number): VideoRow | undefined {
    const r = this.db.prepare(`SELECT ${VIDEO_COLUMNS} FROM videos WHERE id = ?`).get(id) as
      VideoDbRow | undefined;
    return r && toRow(r);
  }

  videoCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM videos').get() as { n: number }).n;
  }

  /** The library's view: the given run (default: defaultRunId's rule) and the default MOS source. */
  libraryView(runId?: number | null): RowView {
    return {
      runId: runId === undefined ? defaultRunId(this.db) : runId,
      mos: defaultMosView(this.db),
    };
  }

  listVideos(
    q: LibraryQuery,
    view: RowView = this.libraryView(q.runId),
  ): { total: number; rows: VideoRow[]; runId: number | null } {
    const { sql: where, params } = whereFor(q.filter);
    const total = (
      this.db.prepare(`SELECT count(*) AS n FROM videos ${where}`).get(...params) as { n: number }
    ).n;
    if (!total) return { total, rows: [], runId: view.runId };
    const ids = libraryPageIds(this.db, q, view, where, params);
    if (!ids.length) return { total, rows: [], runId: view.runId };
    // then the page's columns: the MOS and the run's score for 100 rows, not for the whole library
    const byId = new Map(
      (
        this.db
          .prepare(
            `SELECT ${videoColumns(view)} FROM ${fromSql(view)} WHERE videos.id IN (${ids.map(() => '?').join(',')})`,
          )
          .all(...ids) as VideoDbRow[]
      ).map((r) => [r.id, r]),
    );
    return { total, rows: ids.map((id) => toRow(byId.get(id)!)), runId: view.runId };
  }

  /** Stored measurement vectors of the view's run for these videos (calibrated predictions need them). */
  runFeatures(runId: number, videoIds: number[]): Map<number, Record<string, number>> {
    const out = new Map<number, Record<string, number>>();
    const stmt = this.db.prepare(
      'SELECT features_json FROM video_scores WHERE run_id = ? AND video_id = ?',
    );
    for (const id of videoIds) {
      const r = stmt.get(runId, id) as { features_json: string | null } | undefined;
      if (r)
        out.set(id, r.features_json ? (JSON.parse(r.features_json) as Record<string, number>) : {});
    }
    return out;
  }

  /**
   * The videos before and after `videoId` in the library's order (same sort and filter as
   * listVideos), for next/previous navigation. A video outside the filtered set gets index -1,
   * no prev, and the first video of the set as next. Undefined when the video does not exist.
   */
  neighbors(
    videoId: number,
    sort?: LibrarySort,
    filter?: LibraryFilter,
    runId?: number | null,
  ): { prev: number | null; next: number | null; index: number; total: number } | undefined {
    if (!this.db.prepare('SELECT 1 FROM videos WHERE id = ?').get(videoId)) return undefined;
    const { sql: where, params } = whereFor(filter);
    const view = this.libraryView(runId);
    const order = orderSql(sort, view);
    const r = this.db
      .prepare(
        `SELECT prev, next, rn, total FROM (
           SELECT id, lag(id) OVER w AS prev, lead(id) OVER w AS next,
             row_number() OVER w AS rn, count(*) OVER () AS total
           FROM ${fromSql(view)} ${where} WINDOW w AS (ORDER BY ${order})
         ) WHERE id = ?`,
      )
      .get(...params, videoId) as
      { prev: number | null; next: number | null; rn: number; total: number } | undefined;
    if (r) return { prev: r.prev, next: r.next, index: r.rn - 1, total: r.total };
    const total = (
      this.db.prepare(`SELECT count(*) AS n FROM videos ${where}`).get(...params) as { n: number }
    ).n;
    const first = this.db
      .prepare(`SELECT id FROM ${fromSql(view)} ${where} ORDER BY ${order} LIMIT 1`)
      .get(...params) as { id: number } | undefined;
    return { prev: null, next: first?.id ?? null, index: -1, total };
  }

  videoIds(filter?: LibraryFilter): number[] {
    const { sql: where, params } = whereFor(filter);
    return (
      this.db.prepare(`SELECT id FROM videos ${where} ORDER BY id`).all(...params) as {
        id: number;
      }[]
    ).map((r) => r.id);
  }

  facets(): { codecs: string[]; ok: number; failed: number } {
    const codecs = (
      this.db
        .prepare('SELECT DISTINCT codec FROM videos WHERE codec IS NOT NULL ORDER BY codec')
        .all() as { codec: string }[]
    ).map((r) => r.codec);
    const counts = this.db
      .prepare(`SELECT sum(status = 'ok') AS ok, sum(status = 'failed') AS failed FROM videos`)
      .get() as { ok: number | null; failed: number | null };
    return { codecs, ok: counts.ok ?? 0, failed: counts.failed ?? 0 };
  }

  removeVideos(ids: number[]): number {
    const stmt = this.db.prepare('DELETE FROM videos WHERE id = ?');
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) n += stmt.run(id).changes;
    })();
    // cached files derived from the video go with it (thumbnail, playback proxy, thumbnail strip
    // and their records)
    for (const id of ids) {
      fs.rmSync(this.thumbPath(id), { force: true });
      for (const ext of ['mp4', 'json'])
        fs.rmSync(path.join(this.cacheDir, 'proxies', `${id}.${ext}`), { force: true });
      for (const ext of ['jpg', 'json'])
        fs.rmSync(path.join(this.cacheDir, 'strips', `${id}.${ext}`), { force: true });
    }
    return n;
  }

  getMeta(key: string): string | undefined {
    const r = this.db.prepare('SELECT value FROM project_meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return r?.value;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare('INSERT OR REPLACE INTO project_meta(key, value) VALUES (?, ?)')
      .run(key, value);
  }
}
