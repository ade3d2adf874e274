// Correlations and logistic fit against scipy reference values (tests/golden/eval/README.md).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  averageRanks,
  kendallTauB,
  pearson,
  spearman,
} from '../../src-main/services/evaluation/correlation';
import { fitLogistic } from '../../src-main/services/evaluation/logistic';
import { evaluateScores, mulberry32, percentile } from '../../src-main/services/evaluation/metrics';

interface RefSet {
  name: string;
  x: number[];
  y: number[];
  srcc: number;
  krcc: number;
  plcc: number;
  plccLogistic: number;
  rmseLogistic: number;
  logisticWellPosed: boolean;
}
const ref = JSON.parse(
  readFileSync(path.join(__dirname, '../golden/eval/reference.json'), 'utf8'),
) as { datasets: RefSet[] };

describe('correlations match scipy.stats to 1e-9', () => {
  for (const s of ref.datasets) {
    it(`${s.name} (n=${s.x.length})`, () => {
      expect(Math.abs(spearman(s.x, s.y) - s.srcc)).toBeLessThan(1e-9);
      expect(Math.abs(kendallTauB(s.x, s.y) - s.krcc)).toBeLessThan(1e-9);
      expect(Math.abs(pearson(s.x, s.y) - s.plcc)).toBeLessThan(1e-9);
    });
  }

  it('averages the ranks of ties', () => {
    expect([...averageRanks([10, 20, 20, 5, 20])]).toEqual([2, 4, 4, 1, 4]);
  });

  it('counts tau-b ties on each side and pairs tied on both', () => {
    // hand count: x = [1,1,2,3], y = [1,1,1,2]: n0 = 6, n1 = 1, n2 = 3, P − Q = 3 → 3/sqrt(5·3)
    expect(kendallTauB([1, 1, 2, 3], [1, 1, 1, 2])).toBeCloseTo(3 / Math.sqrt(15), 12);
  });

  it('returns NaN for a constant side instead of a number', () => {
    expect(spearman([1, 2, 3], [2, 2, 2])).toBeNaN();
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(pearson([1, 1], [1, 2])).toBeNaN();
  });
});

describe('VQEG 4-parameter logistic fit', () => {
  for (const s of ref.datasets.filter((d) => d.logisticWellPosed)) {
    it(`matches scipy curve_fit on ${s.name}`, () => {
      const m = evaluateScores(s.x, s.y, { resamples: 0 });
      expect(m.fit.converged).toBe(true);
      expect(m.plccLogistic).not.toBeNull();
      expect(Math.abs(m.plccLogistic! - s.plccLogistic)).toBeLessThan(1e-4);
      expect(Math.abs(m.rmseLogistic! - s.rmseLogistic) / s.rmseLogistic).toBeLessThan(1e-4);
    });
  }

  for (const s of ref.datasets.filter((d) => !d.logisticWellPosed)) {
    it(`says the fit did not converge on ${s.name}, where the optimum lies at infinity`, () => {
      const m = evaluateScores(s.x, s.y, { resamples: 0 });
      expect(m.fit.converged).toBe(false);
      expect(m.fit.message).toMatch(/did not converge/);
      // both optimisers head for the same asymptote: the flagged values are still close to scipy's
      expect(Math.abs(m.plccLogistic! - s.plccLogistic)).toBeLessThan(1e-3);
    });
  }

  it('reports a fit that cannot run instead of hiding it', () => {
    const f = fitLogistic([0.5, 0.5, 0.5, 0.5, 0.5], [1, 2, 3, 4, 5]);
    expect(f.converged).toBe(false);
    expect(f.message).toMatch(/all model scores are equal/);
    const m = evaluateScores([0.5, 0.5, 0.5, 0.5, 0.5], [1, 2, 3, 4, 5], { resamples: 50 });
    expect(m.plccLogistic).toBeNull();
    expect(m.srcc).toBeNull();
  });

  it('reports non-convergence when the iteration budget runs out', () => {
    const s = ref.datasets[1]!;
    const f = fitLogistic(s.x, s.y, { start: [10, -10, 0.9, 5], maxRounds: 1 });
    expect(f.converged).toBe(false);
    expect(f.message).toMatch(/did not converge/);
  });
});

describe('bootstrap confidence intervals', () => {
  const s = ref.datasets[1]!;
  it('is reproducible with a seed and brackets the point estimate', () => {
    const a = evaluateScores(s.x, s.y, { resamples: 200, seed: 7 });
    const b = evaluateScores(s.x, s.y, { resamples: 200, seed: 7 });
    const c = evaluateScores(s.x, s.y, { resamples: 200, seed: 8 });
    expect(a.ci).toEqual(b.ci);
    expect(a.ci.srcc).not.toEqual(c.ci.srcc);
    for (const k of ['srcc', 'krcc', 'plcc', 'plccLogistic', 'rmseLogistic'] as const) {
      const [lo, hi] = a.ci[k]!;
      expect(lo).toBeLessThan(hi);
      expect(lo).toBeLessThanOrEqual(a[k]!);
      expect(hi).toBeGreaterThanOrEqual(a[k]!);
    }
    expect(a.bootstrap).toMatchObject({ resamples: 200, seed: 7, level: 0.95 });
  });

  it('uses numpy-style linear percentiles and a uniform PRNG', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([0, 10], 2.5)).toBeCloseTo(0.25, 12);
    const r = mulberry32(1);
    const v = Array.from({ length: 10000 }, r);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThan(1);
    expect(Math.abs(v.reduce((p, q) => p + q, 0) / v.length - 0.5)).toBeLessThan(0.02);
  });
});
