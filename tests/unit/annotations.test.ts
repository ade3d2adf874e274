import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioApi } from '../../src-main/api/api';
import {
  ProjectStore,
  applyMigrations,
  type NewVideo,
} from '../../src-main/services/store/project-store';
import { LATEST_SCHEMA_VERSION } from '../../src-main/services/store/migrations';
import { StudioSettings, defaultAnnotator } from '../../src-main/services/settings/settings';
import type { Annotation, CallName } from '../../src-shared/contract';
import { callApi, videoRow } from '../helpers/api';

let dir: string;
let api: StudioApi;
let events: { name: string; payload: unknown }[];

const video = (name: string, over: Partial<NewVideo> = {}): NewVideo =>
  videoRow(path.join(dir, 'videos', name), over);

const call = <T = unknown>(name: CallName, input: unknown) => callApi<T>(api, name, input);

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-annot-'));
  api = new StudioApi({
    host: 'web',
    version: 'test',
    home: path.join(dir, 'home'),
    appRoot: process.cwd(),
  });
  events = [];
  api.onEvent((name, payload) => events.push({ name, payload }));
  await call('project.create', { path: path.join(dir, 'p') });
  api.project!.insertVideos([
    video('a.mp4', { durationSec: 10 }),
    video('b.mp4', { durationSec: 5 }),
    video('c.mkv', { durationSec: 20, codec: 'hevc' }),
    video('d.mp4', { status: 'failed', error: 'broken', durationSec: null, codec: null }),
  ]);
  await call('settings.set', { annotator: 'alice' });
});

afterEach(() => {
  api.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('annotations', () => {
  it('creates a MOS vote, updates it in place on the next put (one per annotator), and emits changes', async () => {
    const first = await call<Annotation>('annotations.put', { videoId: 1, kind: 'mos', rating: 3 });
    expect(first).toMatchObject({
      videoId: 1,
      annotator: 'alice',
      kind: 'mos',
      rating: 3,
      segmentIdx: null,
      tag: null,
    });
    expect(events).toContainEqual({ name: 'annotations.changed', payload: { videoId: 1 } });
    const again = await call<Annotation>('annotations.put', { videoId: 1, kind: 'mos', rating: 5 });
    expect(again.id).toBe(first.id);
    expect(again.rating).toBe(5);
    expect(again.createdAt).toBe(first.createdAt);
    expect(await call<Annotation[]>('annotations.list', { videoId: 1 })).toHaveLength(1);

    // another annotator has their own vote on the same video
    await call('settings.set', { annotator: 'bob' });
    const bob = await call<Annotation>('annotations.put', { videoId: 1, kind: 'mos', rating: 1 });
    expect(bob.id).not.toBe(first.id);
    expect(
      (await call<Annotation[]>('annotations.list', { videoId: 1 })).map((a) => [
        a.annotator,
        a.rating,
      ]),
    ).toEqual([
      ['alice', 5],
      ['bob', 1],
    ]);
    expect(await call<Annotation[]>('annotations.list', { videoId: 1, annotator: 'bob' })).toEqual([
      bob,
    ]);
    // the database itself refuses a second live vote
    expect(() =>
      api
        .project!.connection.prepare(
          `INSERT INTO annotations (video_id, annotator, kind, rating, created_at, updated_at) VALUES (1, 'bob', 'mos', 2, 'x', 'x')`,
        )
        .run(),
    ).toThrow(/UNIQUE/);
  });

  it('replaces by id, refuses another annotator’s rows, kind changes and unknown ids', async () => {
    const span = await call<Annotation>('annotations.put', {
      videoId: 1,
      kind: 'span',
      startSec: 1,
      endSec: 2,
      tag: 'blur',
    });
    const moved = await call<Annotation>('annotations.put', {
      id: span.id,
      videoId: 1,
      kind: 'span',
      startSec: 3,
      endSec: 4.5,
      tag: 'noise',
      text: 'grain',
    });
    expect(moved).toMatchObject({
      id: span.id,
      startSec: 3,
      endSec: 4.5,
      tag: 'noise',
      text: 'grain',
    });
    await expect(
      call('annotations.put', { id: span.id, videoId: 1, kind: 'note', text: 'x' }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(
      call('annotations.put', { id: span.id, videoId: 2, kind: 'span', startSec: 0, endSec: 1 }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(
      call('annotations.put', { id: 9999, videoId: 1, kind: 'span', startSec: 0, endSec: 1 }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      call('annotations.put', { videoId: 999, kind: 'mos', rating: 2 }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await call('settings.set', { annotator: 'bob' });
    await expect(
      call('annotations.put', { id: span.id, videoId: 1, kind: 'span', startSec: 0, endSec: 1 }),
    ).rejects.toMatchObject({ code: 'NOT_YOURS' });
    await expect(call('annotations.delete', { id: span.id })).rejects.toMatchObject({
      code: 'NOT_YOURS',
    });
  });

  it('keeps one segment rating per annotator and segment', async () => {
    const s0 = await call<Annotation>('annotations.put', {
      videoId: 1,
      kind: 'segment_rating',
      segmentIdx: 0,
      rating: 2,
    });
    const s1 = await call<Annotation>('annotations.put', {
      videoId: 1,
      kind: 'segment_rating',
      segmentIdx: 1,
      rating: 4,
    });
    const s0b = await call<Annotation>('annotations.put', {
      videoId: 1,
      kind: 'segment_rating',
      segmentIdx: 0,
      rating: 3,
    });
    expect(s0b.id).toBe(s0.id);
    expect(s1.id).not.toBe(s0.id);
    // moving a rating by id onto a segment that already has one is a conflict, not a silent overwrite
    await expect(
      call('annotations.put', {
        id: s1.id,
        videoId: 1,
        kind: 'segment_rating',
        segmentIdx: 0,
        rating: 4,
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const list = await call<Annotation[]>('annotations.list', { videoId: 1 });
    expect(list.map((a) => [a.segmentIdx, a.rating])).toEqual([
      [0, 3],
      [1, 4],
    ]);
    await expect(
      call('annotations.put', { videoId: 1, kind: 'segment_rating', rating: 3 }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call('annotations.put', { videoId: 1, kind: 'mos' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(
      call('annotations.put', { videoId: 1, kind: 'mos', rating: 6 }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('validates spans and notes against the video', async () => {
    await expect(
      call('annotations.put', { videoId: 1, kind: 'span', startSec: 2, endSec: 2 }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(
      call('annotations.put', { videoId: 1, kind: 'span', startSec: 3, endSec: 1 }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(
      call('annotations.put', { videoId: 1, kind: 'span', startSec: 1 }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(
      call('annotations.put', { videoId: 1, kind: 'span', startSec: 10, endSec: 11 }),
    ).rejects.toThrow(/after the end|at or after/);
    await expect(
      call('annotations.put', { videoId: 1, kind: 'span', startSec: 1, endSec: 30 }),
    ).rejects.toThrow(/after the end of the video/);
    await expect(
      call('annotations.put', { videoId: 1, kind: 'span', startSec: 1, endSec: 2, tag: 'smudge' }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    // an end a hair past the duration (the timeline's last pixel) is clamped
    const edge = await call<Annotation>('annotations.put', {
      videoId: 1,
      kind: 'span',
      startSec: 9,
      endSec: 10.2,
      tag: 'freeze',
    });
    expect(edge.endSec).toBe(10);
    // a span keeps only span fields
    const s = await call<Annotation>('annotations.put', {
      videoId: 1,
      kind: 'span',
      startSec: 0.5,
      endSec: 1.5,
      tag: 'blocking',
      rating: 4,
      segmentIdx: 2,
    });
    expect(s).toMatchObject({ rating: null, segmentIdx: null, tag: 'blocking' });
    await expect(
      call('annotations.put', { videoId: 1, kind: 'note', text: '   ' }),
    ).rejects.toThrow(/needs some text/);
    const note = await call<Annotation>('annotations.put', {
      videoId: 1,
      kind: 'note',
      text: 'audio drifts',
      startSec: 4,
    });
    expect(note).toMatchObject({ kind: 'note', text: 'audio drifts', startSec: 4, endSec: null });
    // two spans may overlap and coexist
    await call('annotations.put', {
      videoId: 1,
      kind: 'span',
      startSec: 1,
      endSec: 2,
      tag: 'noise',
    });
    const kinds = (await call<Annotation[]>('annotations.list', { videoId: 1 })).map((a) => a.kind);
    expect(kinds).toEqual(['span', 'span', 'span', 'note']);
  });

  it('soft-deletes and restores; a restored vote replaces one given after the delete', async () => {
    const mos = await call<Annotation>('annotations.put', { videoId: 2, kind: 'mos', rating: 2 });
    const span = await call<Annotation>('annotations.put', {
      videoId: 2,
      kind: 'span',
      startSec: 0,
      endSec: 1,
      tag: 'blur',
    });
    events.length = 0;
    expect(await call('annotations.delete', { id: span.id })).toEqual({ deleted: true });
    expect(events).toEqual([{ name: 'annotations.changed', payload: { videoId: 2 } }]);
    expect(await call('annotations.delete', { id: span.id })).toEqual({ deleted: false });
    expect((await call<Annotation[]>('annotations.list', { videoId: 2 })).map((a) => a.id)).toEqual(
      [mos.id],
    );
    // the row is still in the file, marked deleted
    const raw = api
      .project!.connection.prepare('SELECT deleted_at FROM annotations WHERE id = ?')
      .get(span.id) as { deleted_at: string | null };
    expect(raw.deleted_at).not.toBeNull();
    const back = await call<Annotation>('annotations.restore', { id: span.id });
    expect(back).toMatchObject({ id: span.id, tag: 'blur', startSec: 0, endSec: 1 });
    expect(await call<Annotation[]>('annotations.list', { videoId: 2 })).toHaveLength(2);

    await call('annotations.delete', { id: mos.id });
    const newer = await call<Annotation>('annotations.put', { videoId: 2, kind: 'mos', rating: 4 });
    expect(newer.id).not.toBe(mos.id);
    const undone = await call<Annotation>('annotations.restore', { id: mos.id });
    expect(undone.rating).toBe(2);
    const votes = (await call<Annotation[]>('annotations.list', { videoId: 2 })).filter(
      (a) => a.kind === 'mos',
    );
    expect(votes.map((a) => a.id)).toEqual([mos.id]);
    await expect(call('annotations.restore', { id: 4242 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('removes a video’s annotations with the video', async () => {
    await call('annotations.put', { videoId: 3, kind: 'mos', rating: 2 });
    await call('library.remove', { ids: [3] });
    const n = api.project!.connection.prepare('SELECT count(*) AS n FROM annotations').get() as {
      n: number;
    };
    expect(n.n).toBe(0);
  });

  it('needs an open project', async () => {
    await call('project.close', {});
    await expect(call('annotations.list', { videoId: 1 })).rejects.toMatchObject({
      code: 'NO_PROJECT',
    });
    await expect(
      call('annotations.put', { videoId: 1, kind: 'mos', rating: 1 }),
    ).rejects.toMatchObject({ code: 'NO_PROJECT' });
  });
});

describe('library.neighbors', () => {
  it('follows the library’s sort and filter order', async () => {
    // a: 10 s, b: 5 s, c: 20 s, d: failed (no duration, sorts last either way)
    expect(await call('library.neighbors', { videoId: 1 })).toEqual({
      prev: null,
      next: 2,
      index: 0,
      total: 4,
    });
    expect(await call('library.neighbors', { videoId: 2 })).toEqual({
      prev: 1,
      next: 3,
      index: 1,
      total: 4,
    });
    const byDur = { column: 'durationSec', desc: false } as const;
    expect(await call('library.neighbors', { videoId: 1, sort: byDur })).toEqual({
      prev: 2,
      next: 3,
      index: 1,
      total: 4,
    });
    expect(await call('library.neighbors', { videoId: 3, sort: byDur })).toEqual({
      prev: 1,
      next: 4,
      index: 2,
      total: 4,
    });
    expect(await call('library.neighbors', { videoId: 3, sort: { ...byDur, desc: true } })).toEqual(
      { prev: null, next: 1, index: 0, total: 4 },
    );
    expect(await call('library.neighbors', { videoId: 4, sort: { ...byDur, desc: true } })).toEqual(
      { prev: 2, next: null, index: 3, total: 4 },
    );
    // the same order as library.list
    for (const sort of [
      byDur,
      { column: 'name', desc: true },
      { column: 'codec', desc: false },
    ] as const) {
      const ids = api.project!.listVideos({ offset: 0, limit: 10, sort }).rows.map((r) => r.id);
      for (let i = 0; i < ids.length; i++) {
        expect(await call('library.neighbors', { videoId: ids[i], sort })).toEqual({
          prev: ids[i - 1] ?? null,
          next: ids[i + 1] ?? null,
          index: i,
          total: ids.length,
        });
      }
    }
    // filtered: only the .mp4 rows that are ok
    const filter = { text: '.mp4', status: 'ok' };
    expect(await call('library.neighbors', { videoId: 2, sort: byDur, filter })).toEqual({
      prev: null,
      next: 1,
      index: 0,
      total: 2,
    });
    expect(await call('library.neighbors', { videoId: 1, sort: byDur, filter })).toEqual({
      prev: 2,
      next: null,
      index: 1,
      total: 2,
    });
    // a video the filter hides: not in the list; next leads to the list's first video
    expect(await call('library.neighbors', { videoId: 3, sort: byDur, filter })).toEqual({
      prev: null,
      next: 2,
      index: -1,
      total: 2,
    });
    await expect(call('library.neighbors', { videoId: 77 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('settings', () => {
  it('defaults the annotator to the OS user and persists changes atomically in settings.json', async () => {
    const home = path.join(dir, 'home2');
    const s = new StudioSettings(home);
    expect(s.get().annotator).toBe(defaultAnnotator());
    expect(defaultAnnotator().length).toBeGreaterThan(0);
    s.set({ annotator: '  carol  ' });
    expect(new StudioSettings(home).get()).toEqual({ annotator: 'carol' });
    expect(JSON.parse(fs.readFileSync(path.join(home, 'settings.json'), 'utf8'))).toEqual({
      annotator: 'carol',
    });
    expect(fs.readdirSync(home)).toEqual(['settings.json']);
    // unknown keys (a newer build's) survive; a broken file falls back to the default
    fs.writeFileSync(
      path.join(home, 'settings.json'),
      JSON.stringify({ annotator: 'dan', theme: 'dark' }),
    );
    s.set({ annotator: 'erin' });
    expect(JSON.parse(fs.readFileSync(path.join(home, 'settings.json'), 'utf8'))).toEqual({
      annotator: 'erin',
      theme: 'dark',
    });
    fs.writeFileSync(path.join(home, 'settings.json'), '{nope');
    expect(s.get().annotator).toBe(defaultAnnotator());
  });

  it('is what the API reads and writes, and annotations carry the current annotator', async () => {
    expect(await call('settings.get', {})).toEqual({ annotator: 'alice' });
    await expect(call('settings.set', { annotator: '   ' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    const api2 = new StudioApi({
      host: 'web',
      version: 'test',
      home: path.join(dir, 'home'),
      appRoot: process.cwd(),
    });
    expect(await api2.handlers['settings.get']({})).toEqual({ annotator: 'alice' });
    api2.dispose();
  });
});

describe('migration v4', () => {
  it('upgrades a v3 project, keeps its rows, and adds the annotations table', () => {
    const f = path.join(dir, 'old.vqa2.sqlite');
    const db = new Database(f);
    db.pragma('foreign_keys = ON');
    expect(applyMigrations(db, 3)).toBe(3);
    db.prepare(
      `INSERT INTO videos (path, name, status, size_bytes, imported_at, video_score) VALUES ('a.mp4', 'a.mp4', 'ok', 10, 'then', 0.5)`,
    ).run();
    db.prepare(
      `INSERT INTO model_runs (kind, pack_id, pack_version, created_at) VALUES ('pack', 'x', '1', 'then')`,
    ).run();
    db.prepare(
      `INSERT INTO video_scores (run_id, video_id, score, level, probs_json, created_at) VALUES (1, 1, 0.5, 'fair', '{}', 'then')`,
    ).run();
    expect(() => db.prepare('SELECT * FROM annotations').all()).toThrow(/no such table/);
    db.close();

    const s = ProjectStore.open(f);
    try {
      expect(s.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(4);
      expect(s.listVideos({ offset: 0, limit: 10 }).rows[0]).toMatchObject({
        path: 'a.mp4',
        videoScore: 0.5,
      });
      expect(s.connection.prepare('SELECT count(*) AS n FROM video_scores').get()).toEqual({
        n: 1,
      });
      const cols = (
        s.connection.prepare('PRAGMA table_info(annotations)').all() as { name: string }[]
      ).map((c) => c.name);
      expect(cols).toEqual(
        expect.arrayContaining([
          'video_id',
          'annotator',
          'kind',
          'rating',
          'segment_idx',
          'start_sec',
          'end_sec',
          'tag',
          'text',
          'study_id',
          'created_at',
          'updated_at',
          'deleted_at',
        ]),
      );
      const ins = s.connection.prepare(
        `INSERT INTO annotations (video_id, annotator, kind, rating, segment_idx, start_sec, end_sec, created_at, updated_at) VALUES (1, 'a', ?, ?, ?, ?, ?, 'x', 'x')`,
      );
      expect(() => ins.run('mos', 6, null, null, null)).toThrow(/CHECK/);
      expect(() => ins.run('vote', 3, null, null, null)).toThrow(/CHECK/);
      expect(() => ins.run('span', null, null, 2, 1)).toThrow(/CHECK/);
      ins.run('mos', 3, null, null, null);
      // a deleted vote does not block a new one
      s.connection.prepare(`UPDATE annotations SET deleted_at = 'now'`).run();
      ins.run('mos', 4, null, null, null);
      expect(() => ins.run('mos', 5, null, null, null)).toThrow(/UNIQUE/);
    } finally {
      s.close();
    }
  });
});
