// Calibration to people's MOS: k-fold cross-validation that never predicts a video with a model
// that saw it, seeded folds, and the stored calibration behind the library's Predicted MOS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  crossValidate,
  fitModel,
  fitRidgeModel,
  foldAssignment,
  predict,
  type CalibrationPoint,
} from '../../src-main/services/evaluation/calibration';
import {
  calibrateRun,
  latestCalibration,
} from '../../src-main/services/evaluation/calibration-store';
import { spearman } from '../../src-main/services/evaluation/correlation';
import { mulberry32 } from '../../src-main/services/util/prng';
import Database from 'better-sqlite3';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { applyMigrations, LATEST_SCHEMA_VERSION } from '../../src-main/services/store/migrations';
import { listLibrary } from '../../src-main/services/library/library-view';
import {
  calibratedPredictor,
  levelOfMos,
} from '../../src-main/services/evaluation/calibrated-levels';
import { exportDataset } from '../../src-main/services/export/export-dataset';
import { generatePairs } from '../../src-main/services/pairs/generate';
import { listPairs } from '../../src-main/services/pairs/pair-queries';
import { makeCalibrationProject, type CalibrationProject } from '../helpers/calibration-project';

function randomPoints(
  n: number,
  seed: number,
  mosOf: (f: Record<string, number>, r: () => number) => number,
): CalibrationPoint[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const features = { a: rand(), b: rand(), c: rand(), d: rand(), e: rand(), f: rand() };
    return { videoId: i + 1, score: features.a, features, mos: mosOf(features, rand) };
  });
}

describe('cross-validation folds', () => {
  it('deals every point into exactly one of k nearly equal folds, the same for the same seed', () => {
    const f = foldAssignment(23, 5, 42);
    expect(f).toHaveLength(23);
    const sizes = [0, 1, 2, 3, 4].map((k) => f.filter((x) => x === k).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(foldAssignment(23, 5, 42)).toEqual(f);
    expect(foldAssignment(23, 5, 43)).not.toEqual(f);
  });
});

describe('no in-sample leakage', () => {
  for (const method of ['logistic', 'ridge'] as const) {
    it(`${method}: a video's cross-validated prediction does not move when its own MOS changes`, () => {
      const points = randomPoints(20, 3, (f, r) => 1 + 4 * f.a! + 0.3 * r());
      const before = crossValidate(method, points, { seed: 9 }).predictions;
      for (const i of [0, 7, 19]) {
        const changed = points.map((p, j) => (j === i ? { ...p, mos: p.mos + 50 } : p));
        const after = crossValidate(method, changed, { seed: 9 }).predictions;
        expect(after[i]).toBeCloseTo(before[i]!, 12);
        // …while the other folds' models, which did see it, do move
        expect(after.some((v, j) => j !== i && Math.abs(v - before[j]!) > 1e-6)).toBe(true);
      }
    });
  }

  it('reports no agreement on MOS that is pure noise, where an in-sample fit would claim some', () => {
    const points = randomPoints(40, 11, (_f, r) => 1 + 4 * r());
    const cv = crossValidate('ridge', points, { seed: 1 });
    const inSample = fitRidgeModel(points);
    const fitted = points.map((p) => predict(inSample, p.score, p.features)!);
    const inSampleSrcc = spearman(
      fitted,
      points.map((p) => p.mos),
    );
    expect(Math.abs(cv.srcc!)).toBeLessThan(0.35);
    expect(inSampleSrcc).toBeGreaterThan(cv.srcc!);
  });

  it('is deterministic for a seed', () => {
    const points = randomPoints(15, 5, (f, r) => 2 * f.b! + r());
    expect(crossValidate('ridge', points, { seed: 4 })).toEqual(
      crossValidate('ridge', points, { seed: 4 }),
    );
  });
});

describe('models', () => {
  it('logistic maps the score onto the MOS scale', () => {
    const points = randomPoints(30, 8, (f) => 1 + 4 / (1 + Math.exp(-10 * (f.a! - 0.5))));
    const m = fitModel('logistic', points);
    expect(predict(m, 0.9, {})!).toBeGreaterThan(4.5);
    expect(predict(m, 0.1, {})!).toBeLessThan(1.5);
  });

  it('ridge puts its weight on the measurement MOS depends on and needs every feature it uses', () => {
    const points = randomPoints(40, 12, (f, r) => 5 - 3 * f.c! + 0.1 * r());
    const m = fitRidgeModel(points);
    if (m.method !== 'ridge') throw new Error('not ridge');
    const w = Object.fromEntries(m.features.map((f, i) => [f, Math.abs(m.coefficients[i]!)]));
    expect(w.c).toBeGreaterThan(5 * Math.max(w.a!, w.b!, w.d!, w.e!, w.f!));
    expect(predict(m, 0.5, { a: 0.5, b: 0.5 })).toBeNull();
  });
});

describe('calibration of a run, stored with it', () => {
  it('upgrades a project written before calibrations existed (schema v7) and keeps its runs', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-calib-v7-'));
    try {
      const f = path.join(d, 'old.vqa2.sqlite');
      const db = new Database(f);
      expect(applyMigrations(db, 7)).toBe(7);
      db.prepare(
        `INSERT INTO model_runs (kind, pack_id, pack_version, created_at) VALUES ('pack', 'x', '1', 'then')`,
      ).run();
      db.close();
      const s = ProjectStore.open(f);
      try {
        expect(s.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
        expect(s.connection.prepare('SELECT count(*) AS n FROM calibrations').get()).toEqual({
          n: 0,
        });
        expect(s.connection.prepare('SELECT count(*) AS n FROM model_runs').get()).toEqual({
          n: 1,
        });
      } finally {
        s.close();
      }
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  let dir: string;
  let p: CalibrationProject;
  let store: ProjectStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-calib-'));
    p = makeCalibrationProject(dir);
    store = ProjectStore.open(p.file);
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('beats the raw score on MOS that follows one measurement: cross-validated SRCC of the calibrated prediction > raw SRCC', () => {
    const c = calibrateRun(store, { runId: p.builtinRun });
    expect(c).toMatchObject({ runId: p.builtinRun, n: p.rated.length, folds: 5, method: 'ridge' });
    expect(c.models.map((m) => m.method)).toEqual(['logistic', 'ridge']);
    expect(c.rawSrcc!).toBeLessThan(0.7);
    expect(c.srcc!).toBeGreaterThan(c.rawSrcc! + 0.15);
    expect(c.srcc!).toBeGreaterThan(0.85);
    // the logistic keeps the raw score's order, so its cross-validated SRCC cannot beat it by much
    expect(c.models[0]!.srcc!).toBeLessThan(c.srcc!);
    expect(c.videoIds).toEqual(p.rated);
    expect(latestCalibration(store.connection, p.builtinRun)!.info).toEqual(c);
  });

  it('refuses fewer than 8 rated videos, and ridge for a run without measurement vectors', () => {
    const small = makeCalibrationProject(path.join(dir, 'small'), { rated: 7 });
    const s = ProjectStore.open(small.file);
    try {
      expect(() => calibrateRun(s, { runId: small.builtinRun })).toThrow(
        /at least 8 videos .* it has 7/,
      );
    } finally {
      s.close();
    }
    expect(() => calibrateRun(store, { runId: p.partialRun, method: 'ridge' })).toThrow(
      /no measurement vectors/,
    );
    expect(calibrateRun(store, { runId: p.partialRun })).toMatchObject({
      method: 'logistic',
      models: [expect.objectContaining({ method: 'logistic' })],
    });
  });

  it('gives the library a Predicted MOS with a 95 % interval for unrated videos only', () => {
    const c = calibrateRun(store, { runId: p.builtinRun });
    const { rows } = listLibrary(store, { offset: 0, limit: 100, runId: p.builtinRun });
    const unrated = rows.filter((r) => !p.rated.includes(r.id));
    expect(unrated).toHaveLength(p.videoIds.length - p.rated.length);
    for (const r of unrated) {
      expect(r.mos).toBeNull();
      const pm = r.predictedMos!;
      // the interval is ± the calibration's half-width, cut at the ends of the 1–5 scale
      expect(1 <= pm.lo && pm.lo <= pm.mos && pm.mos <= pm.hi && pm.hi <= 5).toBe(true);
      if (pm.mos > 1 && pm.mos < 5) {
        expect(pm.hi).toBeCloseTo(Math.min(5, pm.mos + c.interval95!), 9);
        expect(pm.lo).toBeCloseTo(Math.max(1, pm.mos - c.interval95!), 9);
      }
    }
    // predictions follow the known truth on the unrated videos
    expect(
      spearman(
        unrated.map((r) => r.predictedMos!.mos),
        unrated.map((r) => p.mos.get(r.id)!),
      ),
    ).toBeGreaterThan(0.7);
    for (const r of rows.filter((x) => p.rated.includes(x.id))) {
      expect(r.mos).toBeCloseTo(p.mos.get(r.id)!, 9);
      expect(r.predictedMos).toBeNull();
    }
  });

  it('exports calibrated levels when chosen: csv-mos and scores-json add the predicted MOS and take unrated levels from it', async () => {
    const out = (name: string) => path.join(dir, name);
    await expect(
      exportDataset(store, {
        format: 'csv-mos',
        outDir: out('none'),
        levels: 'calibrated',
        videos: 'reference',
      }),
    ).rejects.toThrow(/Run \d+ has no calibration: calibrate it/);
    const c = calibrateRun(store, { runId: p.builtinRun });
    await exportDataset(store, {
      format: 'csv-mos',
      outDir: out('csv'),
      levels: 'calibrated',
      videos: 'reference',
    });
    const [header, ...lines] = fs
      .readFileSync(path.join(out('csv'), 'mos.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(header).toBe(
      'path,mos,mos_scale,n_ratings,model_score,level,predicted_mos,predicted_lo,predicted_hi',
    );
    const rows = lines.map((l) => l.split(','));
    expect(rows).toHaveLength(p.videoIds.length);
    const unrated = rows.filter((r) => r[1] === '');
    expect(unrated).toHaveLength(p.videoIds.length - p.rated.length);
    for (const r of unrated) {
      const predicted = Number(r[6]);
      expect(r[5]).toBe(levelOfMos(predicted, '1-5'));
      expect(Number(r[8]) - Number(r[7])).toBeLessThanOrEqual(2 * c.interval95! + 1e-3);
    }
    // rated videos keep the level of people's MOS
    for (const r of rows.filter((x) => x[1] !== ''))
      expect(r[5]).toBe(levelOfMos(Number(r[1]), '1-5'));
    await exportDataset(store, {
      format: 'scores-json',
      outDir: out('json'),
      levels: 'calibrated',
      videos: 'reference',
    });
    const samples = JSON.parse(fs.readFileSync(path.join(out('json'), 'scores.json'), 'utf8')) as {
      level: string;
      predicted_mos: { mos: number; scale: string };
    }[];
    expect(samples).toHaveLength(p.videoIds.length);
    for (const s of samples) {
      expect(s.predicted_mos.scale).toBe('1-5');
      expect(s.level).toBe(levelOfMos(s.predicted_mos.mos, '1-5'));
    }
  });

  it('gives generated rating pairs of unrated videos the calibrated level when chosen, still drafts from the model', () => {
    calibrateRun(store, { runId: p.builtinRun });
    const predictor = calibratedPredictor(store, p.builtinRun);
    generatePairs(store, ['rating'], p.videoIds, { calibrated: predictor });
    const rows = listPairs(store, undefined, 0, 100).rows;
    expect(rows).toHaveLength(p.videoIds.length);
    for (const r of rows) {
      expect(r.status).toBe('draft');
      const answer = r.conversations.at(-1)!.value;
      if (p.rated.includes(r.videoId)) expect(r.levelFrom).toBe('mos');
      else {
        expect(r.levelFrom).toBe('model');
        expect(answer).toBe(`The quality of the video is ${predictor.predict(r.videoId)!.level}.`);
      }
    }
  });
});
