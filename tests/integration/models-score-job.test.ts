// Score jobs with an in-process model are durable: Cancel keeps the committed segments and a second
// run finishes the rest; a CLI process killed with SIGKILL mid-video resumes where it stopped. Both
// end with exactly the scores of an uninterrupted run, nothing duplicated.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../helpers/fixtures';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { importVideos } from '../../src-main/services/library/import';
import { ScoreJobs } from '../../src-main/services/scoring/score-job';
import { LMM_SCORER_ID, type LmmJobParams } from '../../src-main/services/scoring/lmm-score';
import { modelPool } from '../../src-main/services/lmm/model-pool';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin', 'vqa2.js');
let dir: string;
let folder: string;
let clip: string;
/** Segment scores of an uninterrupted run of the clip, in order. */
let reference: number[];

const params = (): LmmJobParams => ({
  scorer: LMM_SCORER_ID,
  model: { id: null, name: 'tiny', dir: folder },
  ep: 'cpu',
  segmentSec: 2,
  budget: { keyFrames: 32, motionFrames: 64 },
});

async function newProject(name: string): Promise<ProjectStore> {
  const store = ProjectStore.create(path.join(dir, name));
  await importVideos(store, [clip], { jobId: randomUUID() });
  return store;
}

const segmentScores = (db: Database.Database) =>
  db.prepare('SELECT idx, score FROM segment_scores ORDER BY idx').all() as {
    idx: number;
    score: number;
  }[];

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'out', 'main', 'cli.js')))
    throw new Error('The CLI is not built: run `npm run build` first.');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-model-jobs-'));
  const gen = spawnSync(
    process.execPath,
    [path.join(root, 'scripts', 'gen-tiny-models.mjs'), '--out', path.join(dir, 'models')],
    { encoding: 'utf8' },
  );
  if (gen.status !== 0) throw new Error(`gen-tiny-models failed: ${gen.stderr}`);
  folder = path.join(dir, 'models', 'vqa2');
  clip = await makeClip({
    durationSec: 120,
    width: 320,
    height: 180,
    fps: 10,
    out: path.join(dir, 'videos', 'long.mp4'),
  });
  const store = await newProject('reference');
  const jobs = new ScoreJobs(store, root);
  const p = await jobs.run(jobs.create(store.videoIds(), params()).id);
  expect(p.status).toBe('done');
  reference = segmentScores(store.connection).map((s) => s.score);
  expect(reference).toHaveLength(60);
  store.close();
});
afterAll(async () => {
  await modelPool().disposeAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('model score jobs', () => {
  it('reports progress in segments with an ETA, and Cancel keeps what was committed; a second run finishes it', async () => {
    const store = await newProject('cancel');
    const seen: { done: number; total: number; eta: number | null }[] = [];
    const controller = new AbortController();
    const jobs = new ScoreJobs(store, root, (p) => {
      seen.push({ done: p.segmentsDone, total: p.segmentsTotal, eta: p.etaSec });
      if (p.segmentsDone >= 10) controller.abort();
    });
    const job = jobs.create(store.videoIds(), params());
    const first = await jobs.run(job.id, controller.signal);
    expect(first.status).toBe('cancelled');
    expect(seen.every((s) => s.total === 60)).toBe(true);
    expect(seen.some((s) => s.eta !== null && s.eta > 0)).toBe(true);
    const kept = segmentScores(store.connection);
    expect(kept.length).toBeGreaterThanOrEqual(8);
    expect(kept.length).toBeLessThan(60);
    expect(store.connection.prepare('SELECT count(*) AS n FROM video_scores').get()).toEqual({
      n: 0,
    });
    // the same job again: it starts after the committed segments and ends with the reference scores
    const second = await jobs.run(job.id);
    expect(second.status).toBe('done');
    expect(segmentScores(store.connection).map((s) => s.idx)).toEqual(
      Array.from({ length: 60 }, (_, i) => i),
    );
    expect(segmentScores(store.connection).map((s) => s.score)).toEqual(reference);
    expect(store.connection.prepare('SELECT count(*) AS n FROM model_runs').get()).toEqual({
      n: 1,
    });
    store.close();
  });

  it('resumes after the CLI is killed mid-video, with nothing lost or duplicated', async () => {
    const store = await newProject('killed');
    const project = store.path;
    store.close();
    const home = path.join(dir, 'home');
    const child = spawn(
      process.execPath,
      [bin, 'score', project, '--model', folder, '--ep', 'cpu'],
      { stdio: 'ignore', env: { ...process.env, VQA2_HOME: home } },
    );
    const t0 = Date.now();
    const count = () => {
      const db = new Database(project, { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM segment_scores').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    for (;;) {
      await new Promise((r) => setTimeout(r, 30));
      if (count() >= 4) break;
      if (Date.now() - t0 > 90_000) throw new Error('scoring made no progress');
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const committed = count();
    expect(committed).toBeLessThan(60);
    const again = spawnSync(
      process.execPath,
      [bin, 'score', project, '--model', folder, '--ep', 'cpu', '--json'],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, VQA2_HOME: home } },
    );
    expect(again.stderr).toMatch(/Resuming unfinished score job/);
    expect(again.status).toBe(0);
    const [res] = JSON.parse(again.stdout) as {
      segments: { score: number }[];
      model: { arch: string };
    }[];
    expect(res!.model.arch).toBe('vqa2');
    expect(res!.segments.map((s) => s.score)).toEqual(reference);
    const db = new Database(project, { readonly: true });
    try {
      expect(segmentScores(db)).toHaveLength(60);
      expect(db.prepare('SELECT count(*) AS n FROM video_scores').get()).toEqual({ n: 1 });
      expect(db.prepare(`SELECT count(*) AS n FROM jobs WHERE status = 'done'`).get()).toEqual({
        n: 1,
      });
    } finally {
      db.close();
    }
  });
});
