// `vqa2 calibrate` and `vqa2 list --run` as a user runs them (built CLI, real project file): the
// calibration's cross-validated figures, stored with the run; the list's score column is one run's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVqa2 } from '../helpers/cli';
import { makeCalibrationProject, type CalibrationProject } from '../helpers/calibration-project';

const root = path.resolve(__dirname, '../..');
let dir: string;
let p: CalibrationProject;
const vqa2 = (...args: string[]) => runVqa2(path.join(dir, 'home'), args);

beforeAll(() => {
  if (!fs.existsSync(path.join(root, 'out', 'main', 'cli.js')))
    throw new Error('The CLI is not built: run `npm run build` first.');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-calib-cli-'));
  p = makeCalibrationProject(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface CalibrationJson {
  n: number;
  folds: number;
  srcc: number;
  plcc: number;
  rmse: number;
  params: { intercept: number; lambda: number; coefficients: Record<string, number> } | number[];
  method: string;
  rawSrcc: number;
  runId: number;
  models: { method: string; srcc: number }[];
}

describe('vqa2 calibrate', () => {
  it('prints {n, folds, srcc, plcc, rmse, params} for the chosen run, cross-validated, and stores it', () => {
    const r = vqa2('calibrate', p.file, '--run', String(p.builtinRun), '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as CalibrationJson;
    expect(Object.keys(c).slice(0, 6)).toEqual(['n', 'folds', 'srcc', 'plcc', 'rmse', 'params']);
    expect(c).toMatchObject({ n: p.rated.length, folds: 5, method: 'ridge', runId: p.builtinRun });
    expect(c.srcc).toBeGreaterThan(c.rawSrcc);
    expect(Array.isArray(c.params)).toBe(false);
    const ridge = c.params as Exclude<CalibrationJson['params'], number[]>;
    // the measurement MOS depends on carries the weight (MOS falls with blur)
    expect(Math.abs(ridge.coefficients.blur!)).toBe(
      Math.max(...Object.values(ridge.coefficients).map(Math.abs)),
    );
    expect(ridge.coefficients.blur!).toBeLessThan(0);
    // same data and seed, same figures
    const again = JSON.parse(
      vqa2('calibrate', p.file, '--run', String(p.builtinRun), '--json').stdout,
    ) as CalibrationJson;
    expect(again.srcc).toBe(c.srcc);
    expect(again.rmse).toBe(c.rmse);
    // stored with the run: the list now predicts MOS for the unrated videos
    const list = JSON.parse(
      vqa2('list', p.file, '--run', String(p.builtinRun), '--json').stdout,
    ) as { id: number; mos: number | null; predictedMos: { mos: number } | null }[];
    const unrated = list.filter((v) => v.mos === null);
    expect(unrated).toHaveLength(p.videoIds.length - p.rated.length);
    for (const v of unrated) expect(v.predictedMos!.mos).toEqual(expect.any(Number));
  });

  it('uses the logistic for a run without measurement vectors, and the newest run by default', () => {
    const r = vqa2('calibrate', p.file, '--json');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as CalibrationJson;
    expect(c).toMatchObject({ runId: p.partialRun, method: 'logistic' });
    expect(c.params).toHaveLength(4);
    expect(c.n).toBe(p.rated.filter((id) => p.partialVideos.includes(id)).length);
  });

  it('exits 2 with a clear message for too few rated videos, an unknown run, or ridge without measurements', () => {
    const small = makeCalibrationProject(path.join(dir, 'small'), { rated: 5 });
    const few = vqa2('calibrate', small.file, '--run', String(small.builtinRun));
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(
      /at least 8 videos with both a MOS and a score of run \d+; it has 5/,
    );
    const unknown = vqa2('calibrate', p.file, '--run', '99');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No model run 99/);
    const ridge = vqa2('calibrate', p.file, '--run', String(p.partialRun), '--method', 'ridge');
    expect(ridge.code).toBe(2);
    expect(ridge.stderr).toMatch(/no measurement vectors/);
    expect(vqa2('calibrate', p.file, '--method', 'cubic').code).toBe(1);
  });
});

describe('vqa2 list: one run per score column', () => {
  it('defaults to the finished run that scored most videos and names it in runId', () => {
    const rows = JSON.parse(vqa2('list', p.file, '--json').stdout) as {
      id: number;
      videoScore: number | null;
      runId: number;
    }[];
    expect(rows).toHaveLength(p.videoIds.length);
    for (const r of rows) {
      expect(r.runId).toBe(p.builtinRun);
      expect(r.videoScore).toBeCloseTo(p.score.get(r.id)!, 12);
    }
  });

  it('--run shows that run only: videos it skipped have no score', () => {
    const rows = JSON.parse(
      vqa2('list', p.file, '--run', String(p.partialRun), '--json').stdout,
    ) as { id: number; videoScore: number | null; runId: number }[];
    for (const r of rows) {
      expect(r.runId).toBe(p.partialRun);
      if (p.partialVideos.includes(r.id))
        expect(r.videoScore).toBeCloseTo(1 - p.score.get(r.id)!, 12);
      else expect(r.videoScore).toBeNull();
    }
    const bad = vqa2('list', p.file, '--run', '42', '--json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/No model run 42/);
  });
});
