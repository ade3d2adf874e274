import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ProjectStore,
  applyMigrations,
  type NewVideo,
} from '../../src-main/services/store/project-store';
import { LATEST_SCHEMA_VERSION } from '../../src-main/services/store/migrations';
import { videoRow } from '../helpers/api';

let dir: string;
const opened: ProjectStore[] = [];
function track(s: ProjectStore) {
  opened.push(s);
  return s;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-store-'));
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const video = (absPath: string, over: Partial<NewVideo> = {}): NewVideo =>
  videoRow(absPath, { durationSec: 1, ...over });

describe('ProjectStore', () => {
  it('creates a WAL project with foreign keys on, the latest schema and a cache folder', () => {
    const s = track(ProjectStore.create(path.join(dir, 'p')));
    expect(s.path).toBe(path.join(dir, 'p.vqa2.sqlite'));
    expect(s.connection.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.connection.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(fs.statSync(s.cacheDir).isDirectory()).toBe(true);
  });

  it('refuses to create over an existing project and to open a missing one', () => {
    track(ProjectStore.create(path.join(dir, 'p'))).close();
    expect(() => ProjectStore.create(path.join(dir, 'p'))).toThrow(/already exists/);
    expect(() => ProjectStore.open(path.join(dir, 'nope'))).toThrow(/No project at/);
  });

  it('reports a file that is not SQLite as not a project', () => {
    const f = path.join(dir, 'x.vqa2.sqlite');
    fs.writeFileSync(f, 'hello, this is text and not a database at all'.repeat(40));
    expect(() => ProjectStore.open(f)).toThrow(
      expect.objectContaining({ code: 'PROJECT_INVALID' }),
    );
    // the failed open released its lock
    expect(fs.existsSync(`${f}.lock`)).toBe(false);
  });

  it('upgrades a v1 file to the latest schema and keeps its rows', () => {
    const f = path.join(dir, 'old.vqa2.sqlite');
    const db = new Database(f);
    expect(applyMigrations(db, 1)).toBe(1);
    db.prepare(
      `INSERT INTO videos (path, name, status, size_bytes, imported_at) VALUES ('a.mp4', 'a.mp4', 'ok', 10, 'then')`,
    ).run();
    // v1 had no jobs table and no video_score column
    expect(() => db.prepare('SELECT * FROM jobs').all()).toThrow(/no such table/);
    db.close();

    const s = track(ProjectStore.open(f));
    expect(s.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(s.connection.prepare('SELECT count(*) AS n FROM jobs').get()).toEqual({ n: 0 });
    const { rows } = s.listVideos({ offset: 0, limit: 10 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ path: 'a.mp4', videoScore: null });
  });

  it('refuses a project written by a newer schema', () => {
    const f = path.join(dir, 'new.vqa2.sqlite');
    const db = new Database(f);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => ProjectStore.open(f)).toThrow(
      expect.objectContaining({ code: 'PROJECT_TOO_NEW' }),
    );
  });

  it('stores paths inside the project folder relative, others absolute, and resolves them back', () => {
    const s = track(ProjectStore.create(path.join(dir, 'p')));
    const inside = path.join(dir, 'videos', 'sub', 'a.mp4');
    const outside = path.join(os.tmpdir(), 'elsewhere', 'b.mp4');
    expect(s.toStoredPath(inside)).toBe('videos/sub/a.mp4');
    expect(s.toStoredPath(outside)).toBe(outside);
    expect(s.toAbsPath('videos/sub/a.mp4')).toBe(inside);
    expect(s.toAbsPath(outside)).toBe(outside);
  });

  it('keeps working after the project folder is moved', () => {
    const s = ProjectStore.create(path.join(dir, 'a', 'p'));
    s.insertVideos([video(path.join(dir, 'a', 'v.mp4'))]);
    s.close();
    fs.renameSync(path.join(dir, 'a'), path.join(dir, 'b'));
    const moved = track(ProjectStore.open(path.join(dir, 'b', 'p')));
    const row = moved.listVideos({ offset: 0, limit: 1 }).rows[0]!;
    expect(moved.toAbsPath(row.path)).toBe(path.join(dir, 'b', 'v.mp4'));
  });

  it('sorts with NULLs last, filters by text/status/codec, and pages', () => {
    const s = track(ProjectStore.create(path.join(dir, 'p')));
    s.insertVideos([
      video(path.join(dir, 'c.mp4'), { durationSec: 3, codec: 'h264' }),
      video(path.join(dir, 'a.webm'), { durationSec: 1, codec: 'vp9' }),
      video(path.join(dir, 'b_100%.mp4'), { durationSec: 2, codec: 'h264' }),
      video(path.join(dir, 'broken.mp4'), {
        status: 'failed',
        error: 'The file is empty',
        durationSec: null,
        codec: null,
      }),
    ]);
    const by = (column: 'durationSec' | 'name', desc: boolean) =>
      s.listVideos({ offset: 0, limit: 10, sort: { column, desc } }).rows.map((r) => r.name);
    expect(by('durationSec', false)).toEqual(['a.webm', 'b_100%.mp4', 'c.mp4', 'broken.mp4']);
    expect(by('durationSec', true)).toEqual(['c.mp4', 'b_100%.mp4', 'a.webm', 'broken.mp4']);
    expect(by('name', false)).toEqual(['a.webm', 'b_100%.mp4', 'broken.mp4', 'c.mp4']);
    // LIKE wildcards in the filter text are literal
    expect(
      s.listVideos({ offset: 0, limit: 10, filter: { text: '100%' } }).rows.map((r) => r.name),
    ).toEqual(['b_100%.mp4']);
    expect(s.listVideos({ offset: 0, limit: 10, filter: { text: '_' } }).total).toBe(1);
    expect(
      s.listVideos({ offset: 0, limit: 10, filter: { status: 'failed' } }).rows[0]!.error,
    ).toBe('The file is empty');
    expect(s.listVideos({ offset: 0, limit: 10, filter: { codec: 'h264' } }).total).toBe(2);
    const page = s.listVideos({ offset: 1, limit: 2, sort: { column: 'name', desc: false } });
    expect(page.total).toBe(4);
    expect(page.rows.map((r) => r.name)).toEqual(['b_100%.mp4', 'broken.mp4']);
    expect(s.facets()).toEqual({ codecs: ['h264', 'vp9'], ok: 3, failed: 1 });
  });

  it('removes videos and their thumbnails', () => {
    const s = track(ProjectStore.create(path.join(dir, 'p')));
    const [id] = s.insertVideos([video(path.join(dir, 'a.mp4'))]);
    fs.mkdirSync(path.dirname(s.thumbPath(id!)), { recursive: true });
    fs.writeFileSync(s.thumbPath(id!), 'jpg');
    expect(s.removeVideos([id!, 999])).toBe(1);
    expect(s.videoCount()).toBe(0);
    expect(fs.existsSync(s.thumbPath(id!))).toBe(false);
  });
});

describe('project lock', () => {
  let sleeper: ChildProcess | undefined;
  afterEach(() => sleeper?.kill('SIGKILL'));

  it('refuses a second writer in the same process and allows readers', () => {
    const s = track(ProjectStore.create(path.join(dir, 'p')));
    expect(() => ProjectStore.open(s.path)).toThrow(
      expect.objectContaining({ code: 'PROJECT_LOCKED' }),
    );
    const ro = ProjectStore.open(s.path, { readonly: true });
    expect(ro.videoCount()).toBe(0);
    ro.close();
    s.close();
    track(ProjectStore.open(s.path)); // released on close
  });

  it('refuses a project locked by another live process, naming its pid', async () => {
    const s = ProjectStore.create(path.join(dir, 'p'));
    s.close();
    sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((r) => sleeper!.once('spawn', r));
    fs.writeFileSync(
      `${s.path}.lock`,
      JSON.stringify({ pid: sleeper.pid, host: os.hostname(), since: 'now' }),
    );
    expect(() => ProjectStore.open(s.path)).toThrow(
      new RegExp(`another process \\(pid ${sleeper.pid}`),
    );
  });

  it('takes over a stale lock left by a dead process', async () => {
    const s = ProjectStore.create(path.join(dir, 'p'));
    s.close();
    const dead = spawn(process.execPath, ['-e', '0']);
    const pid = dead.pid!;
    await new Promise((r) => dead.once('exit', r));
    fs.writeFileSync(`${s.path}.lock`, JSON.stringify({ pid, host: os.hostname(), since: 'then' }));
    const again = track(ProjectStore.open(s.path));
    expect(JSON.parse(fs.readFileSync(`${s.path}.lock`, 'utf8')).pid).toBe(process.pid);
    again.close();
    expect(fs.existsSync(`${s.path}.lock`)).toBe(false);
  });
});
