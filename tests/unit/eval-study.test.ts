// Rating studies through the API (dispatch with schema validation) on a real project file:
// per-annotator randomized order, repeats, training clips, pause/resume, ratings stored as
// study annotations that the free annotation store leaves alone; evaluation over MOS sources.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioApi } from '../../src-main/api/api';
import { type NewVideo } from '../../src-main/services/store/project-store';
import { ScoreStore } from '../../src-main/services/scoring/score-store';
import { putVideoMos } from '../../src-main/services/pairs/pair-store';
import { sessionOrder } from '../../src-main/services/evaluation/study-store';
import type { Annotation, CallName } from '../../src-shared/contract';
import type {
  EvalOverview,
  EvalResult,
  StudyInfo,
  StudySession,
} from '../../src-shared/contract-evaluation';
import { callApi, videoRow } from '../helpers/api';
import { addScoredRun } from '../helpers/runs';

let dir: string;
let api: StudioApi;
let events: { name: string; payload: unknown }[];
let ids: number[];

const video = (name: string, over: Partial<NewVideo> = {}): NewVideo =>
  videoRow(path.join(dir, 'videos', name), { width: 640, height: 360, ...over });

const call = <T = unknown>(name: CallName, input: unknown) => callApi<T>(api, name, input);

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-study-'));
  api = new StudioApi({
    host: 'web',
    version: 'test',
    home: path.join(dir, 'home'),
    appRoot: process.cwd(),
  });
  events = [];
  api.onEvent((name, payload) => events.push({ name, payload }));
  await call('project.create', { path: path.join(dir, 'p') });
  ids = api.project!.insertVideos(
    ['a', 'b', 'c', 'd', 'e', 'f'].map((n, i) =>
      video(`${n}.mp4`, { codec: i % 2 ? 'vp9' : 'h264', height: i < 3 ? 360 : 720 }),
    ),
  );
  await call('settings.set', { annotator: 'alice' });
});

afterEach(() => {
  api.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('rating studies', () => {
  it('orders clips per annotator reproducibly: training first, repeats at least two clips after their first showing', () => {
    const study = {
      seed: 42,
      videoIds: [1, 2, 3, 4, 5, 6, 7, 8],
      trainingIds: [9, 10],
      repeats: 3,
    };
    const a1 = sessionOrder(study, 'alice');
    expect(sessionOrder(study, 'alice')).toEqual(a1);
    expect(sessionOrder(study, 'bob').map((i) => i.videoId)).not.toEqual(a1.map((i) => i.videoId));
    expect(a1.slice(0, 2).map((i) => i.kind)).toEqual(['training', 'training']);
    expect(
      a1
        .filter((i) => i.kind === 'test')
        .map((i) => i.videoId)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const repeats = a1.filter((i) => i.kind === 'repeat');
    expect(repeats).toHaveLength(3);
    for (const r of repeats) {
      const first = a1.findIndex((i) => i.videoId === r.videoId && i.kind === 'test');
      expect(a1.indexOf(r) - first).toBeGreaterThanOrEqual(2);
    }
  });

  it('runs a session: rates in order, pauses and resumes, stores study annotations apart from free ones', async () => {
    // alice's free rating of video 1 stays one-per-annotator and untouched by the study
    const free = await call<Annotation>('annotations.put', {
      videoId: ids[0],
      kind: 'mos',
      rating: 2,
    });
    const study = await call<StudyInfo>('study.create', {
      name: 'Pilot',
      videoIds: ids.slice(0, 3),
      trainingIds: [ids[5]],
      repeats: 1,
      seed: 7,
    });
    expect(study).toMatchObject({ name: 'Pilot', repeats: 1, seed: 7, sessions: [] });

    let s = await call<StudySession>('study.session', { studyId: study.id });
    expect(s.items).toHaveLength(5);
    expect(s.items[0]).toMatchObject({ kind: 'training', videoId: ids[5] });
    expect(s).toMatchObject({ position: 0, status: 'active', annotator: 'alice' });
    await expect(
      call('study.rate', { studyId: study.id, position: 2, rating: 3 }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      call('study.rate', { studyId: study.id, position: 0, rating: 6 }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });

    s = await call<StudySession>('study.rate', { studyId: study.id, position: 0, rating: 5 });
    s = await call<StudySession>('study.rate', { studyId: study.id, position: 1, rating: 4 });
    s = await call<StudySession>('study.pause', { studyId: study.id, paused: true });
    expect(s).toMatchObject({ status: 'paused', position: 2 });
    // a fresh API on the same file (a reload) resumes where the session was left
    api.dispose();
    api = new StudioApi({
      host: 'web',
      version: 'test',
      home: path.join(dir, 'home'),
      appRoot: process.cwd(),
    });
    api.onEvent((name, payload) => events.push({ name, payload }));
    await call('project.open', { path: path.join(dir, 'p.vqa2.sqlite') });
    s = await call<StudySession>('study.session', { studyId: study.id });
    expect(s).toMatchObject({ status: 'paused', position: 2 });
    s = await call<StudySession>('study.pause', { studyId: study.id, paused: false });
    for (let p = 2; p < 5; p++)
      s = await call<StudySession>('study.rate', { studyId: study.id, position: p, rating: 3 });
    expect(s).toMatchObject({ status: 'done', position: 5 });
    expect(events.some((e) => e.name === 'study.changed')).toBe(true);

    const rows = api
      .project!.connection.prepare(
        `SELECT video_id, rating FROM annotations WHERE study_id = ? AND deleted_at IS NULL ORDER BY id`,
      )
      .all(study.id) as { video_id: number; rating: number }[];
    expect(rows).toHaveLength(4); // 3 test clips + 1 repeat; the training rating is not an annotation
    // the free annotation store lists and updates only the free rating
    const listed = await call<Annotation[]>('annotations.list', { videoId: ids[0] });
    expect(listed.filter((a) => a.kind === 'mos')).toEqual([
      expect.objectContaining({ id: free.id, rating: 2 }),
    ]);
    const again = await call<Annotation>('annotations.put', {
      videoId: ids[0],
      kind: 'mos',
      rating: 4,
    });
    expect(again.id).toBe(free.id);

    const overview = await call<EvalOverview>('eval.overview', {});
    expect(overview.studies[0]!.sessions).toEqual([
      { annotator: 'alice', status: 'done', rated: 5, total: 5, repeatDiff: expect.any(Number) },
    ]);
    // the repeated clip was rated 3 both times only if its first showing was rated 3
    const items = s.items.filter((i) => i.kind !== 'training');
    const rep = items.find((i) => i.kind === 'repeat')!;
    const first = items.find((i) => i.kind === 'test' && i.videoId === rep.videoId)!;
    expect(overview.studies[0]!.sessions[0]!.repeatDiff).toBe(
      Math.abs(first.rating! - rep.rating!),
    );
    await expect(
      call('study.rate', { studyId: study.id, position: 5, rating: 3 }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses studies with fewer than 2 clips, unknown videos and too many repeats, naming the field', async () => {
    await expect(call('study.create', { name: 'x', videoIds: [ids[0]] })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(call('study.create', { name: 'x', videoIds: [ids[0], 999] })).rejects.toThrow(
      /No video 999/,
    );
    await expect(
      call('study.create', { name: 'x', videoIds: [ids[0], ids[1]], repeats: 3 }),
    ).rejects.toThrow(/repeats must be 0–2/);
  });
});

describe('eval.compute', () => {
  it('evaluates runs side by side against annotations or a rating list, with subsets and screening', async () => {
    const scores = new ScoreStore(api.project!.connection);
    const mkRun = (vals: number[]) =>
      addScoredRun(
        scores,
        vals.map((score, i) => [ids[i]!, score] as const),
      );
    const r1 = mkRun([0.9, 0.7, 0.5, 0.3, 0.2, 0.1]);
    const r2 = mkRun([0.2, 0.7, 0.5, 0.9, 0.1, 0.3]);
    const votes: Record<string, number[]> = {
      alice: [5, 4, 3, 2, 2, 1],
      bob: [5, 4, 4, 2, 1, 1],
      carol: [4, 4, 3, 3, 2, 1],
    };
    for (const [who, rs] of Object.entries(votes)) {
      await call('settings.set', { annotator: who });
      for (let i = 0; i < 6; i++)
        await call('annotations.put', { videoId: ids[i], kind: 'mos', rating: rs[i] });
    }
    putVideoMos(
      api.project!,
      'lab',
      '0-100',
      ids.map((id, i) => ({ videoId: id, mos: 90 - 15 * i })),
    );

    const overview = await call<EvalOverview>('eval.overview', {});
    expect(overview.sources.map((s) => s.id)).toEqual(['annotations', 'list:lab']);
    expect(overview.runs.map((r) => r.id)).toEqual([r2, r1]);

    const res = await call<EvalResult>('eval.compute', {
      runIds: [r1, r2],
      resamples: 100,
      subsetBy: 'codec',
    });
    expect(res.source.id).toBe('annotations');
    expect(res.mos).toMatchObject({ videos: 6, ratings: 18, observers: 3 });
    expect(res.mos.perVideo[0]).toMatchObject({ videoId: ids[0], n: 3 });
    expect(res.mos.perVideo[0]!.mos).toBeCloseTo(14 / 3, 12);
    expect(res.mos.alpha).toBeGreaterThan(0.8);
    const [a, b] = res.runs;
    expect(a!.n).toBe(6);
    expect(a!.metrics.srcc).toBeGreaterThan(0.9);
    expect(b!.metrics.srcc!).toBeLessThan(a!.metrics.srcc!);
    expect(a!.subsets.map((s) => [s.key, s.n])).toEqual([
      ['h264', 3],
      ['vp9', 3],
    ]);
    expect(a!.curve.length).toBeGreaterThan(10);

    const list = await call<EvalResult>('eval.compute', {
      source: 'list:lab',
      runIds: [r1],
      resamples: 0,
    });
    expect(list.source).toMatchObject({ id: 'list:lab', scale: '0-100' });
    expect(list.runs[0]!.metrics.srcc).toBe(1);
    await expect(call('eval.compute', { source: 'list:nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    // a long bootstrap reports progress and stops on eval.cancel
    events.length = 0;
    const long = call('eval.compute', { runIds: [r1, r2], resamples: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await call('eval.cancel', {})).toEqual({ cancelled: true });
    await expect(long).rejects.toMatchObject({ code: 'CANCELLED' });
    const progress = events
      .filter((e) => e.name === 'eval.progress')
      .map((e) => e.payload as { done: number; total: number });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]!.total).toBe(20_000);
    expect(progress.at(-1)!.done).toBeLessThan(20_000);
    expect(await call('eval.cancel', {})).toEqual({ cancelled: false });
    await expect(call('eval.compute', { runIds: [999] })).rejects.toThrow(/No model run 999/);
  });
});

describe('schema v7 migration', () => {
  it('upgrades a v6 project: free ratings stay, one free rating per annotator still enforced, study ratings may repeat', async () => {
    const Database = (await import('better-sqlite3')).default;
    const { applyMigrations } = await import('../../src-main/services/store/project-store');
    const file = path.join(dir, 'old.sqlite');
    const db = new Database(file);
    applyMigrations(db, 6);
    db.prepare(
      `INSERT INTO videos (path, name, status, size_bytes, imported_at) VALUES ('a.mp4', 'a.mp4', 'ok', 1, 'x')`,
    ).run();
    const insert = db.prepare(
      `INSERT INTO annotations (video_id, annotator, kind, rating, study_id, created_at, updated_at) VALUES (1, 'ann', 'mos', ?, ?, 'x', 'x')`,
    );
    insert.run(3, null);
    expect(() => insert.run(4, 9)).toThrow(/UNIQUE/); // v4's index covers every mos row
    expect(applyMigrations(db, 7)).toBe(7);
    expect(db.prepare('SELECT rating FROM annotations').all()).toEqual([{ rating: 3 }]);
    expect(() => insert.run(4, null)).toThrow(/UNIQUE/);
    insert.run(4, 9);
    insert.run(5, 9); // a repeated clip in a study
    expect(db.prepare('SELECT count(*) AS n FROM annotations WHERE study_id = 9').get()).toEqual({
      n: 2,
    });
    db.close();
  });
});
