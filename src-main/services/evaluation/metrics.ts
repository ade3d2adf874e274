// Model scores against MOS: SRCC, KRCC (tau-b), PLCC raw, PLCC and RMSE after the VQEG logistic
// fit, with bootstrap percentile confidence intervals.
// Bootstrap: B resamples of the videos with replacement (default 1000), drawn by a seeded PRNG
// (mulberry32), so the same data and seed give the same intervals. Each resample's logistic fit
// starts from the full-sample fit. The CI is the 2.5th and 97.5th percentile of the resampled
// values (linear interpolation between order statistics, numpy's default); resamples where a metric
// is undefined (all x or all y equal) are left out and counted.
import { kendallTauB, pearson, spearman } from './correlation';
import { mulberry32 } from '../util/prng';
import { fitLogistic, logistic4, type LogisticFit } from './logistic';

export const METRIC_KEYS = ['srcc', 'krcc', 'plcc', 'plccLogistic', 'rmseLogistic'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export interface MetricValues {
  srcc: number | null;
  krcc: number | null;
  plcc: number | null;
  plccLogistic: number | null;
  rmseLogistic: number | null;
}

export interface EvaluationMetrics extends MetricValues {
  n: number;
  fit: LogisticFit;
  ci: Record<MetricKey, [number, number] | null>;
  bootstrap: { resamples: number; seed: number; level: number; skipped: number };
}

export const DEFAULT_BOOTSTRAP = 1000;
export const DEFAULT_SEED = 20241105;
/** LM iterations refining each resample's fit from the full-sample optimum. */
const BOOTSTRAP_FIT_ITERATIONS = 6;

export { mulberry32 };

/** Linear-interpolation percentile of sorted values (numpy.percentile default). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function afterFit(
  fit: LogisticFit,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { plcc: number; rmse: number } {
  if (!Number.isFinite(fit.sse)) return { plcc: NaN, rmse: NaN };
  const mapped = Float64Array.from({ length: x.length }, (_, i) => logistic4(fit.params, x[i]!));
  return { plcc: pearson(mapped, y), rmse: Math.sqrt(fit.sse / x.length) };
}

/** The point metrics (no intervals). */
export function pointMetrics(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  fitOpts: { start?: LogisticFit['params']; maxRounds?: number; roundIterations?: number } = {},
) {
  const srcc = spearman(x, y);
  const fit = fitLogistic(x, y, { ...fitOpts, increasing: !(srcc < 0) });
  const { plcc, rmse } = afterFit(fit, x, y);
  return {
    srcc,
    krcc: kendallTauB(x, y),
    plcc: pearson(x, y),
    plccLogistic: plcc,
    rmseLogistic: rmse,
    fit,
  };
}

export interface EvaluateOptions {
  resamples?: number;
  seed?: number;
  level?: number;
}

export interface BootstrapProgress {
  done: number;
  total: number;
}

/** One pass of the evaluation; yields after every resample so callers can report and cancel. */
function* evaluation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: EvaluateOptions,
): Generator<BootstrapProgress, EvaluationMetrics> {
  const n = x.length;
  if (n !== y.length) throw new Error(`evaluateScores: ${n} scores but ${y.length} MOS values`);
  const resamples = opts.resamples ?? DEFAULT_BOOTSTRAP;
  const seed = opts.seed ?? DEFAULT_SEED;
  const level = opts.level ?? 0.95;
  const full = pointMetrics(x, y);
  const samples: Record<MetricKey, number[]> = {
    srcc: [],
    krcc: [],
    plcc: [],
    plccLogistic: [],
    rmseLogistic: [],
  };
  let skipped = 0;
  if (n >= 3 && resamples > 0) {
    const rand = mulberry32(seed);
    const bx = new Float64Array(n);
    const by = new Float64Array(n);
    const fitStart = Number.isFinite(full.fit.sse) ? full.fit.params : undefined;
    for (let b = 0; b < resamples; b++) {
      for (let i = 0; i < n; i++) {
        const k = Math.floor(rand() * n);
        bx[i] = x[k]!;
        by[i] = y[k]!;
      }
      // a resample's optimum lies near the full-sample one: a short refinement from there
      const m = pointMetrics(bx, by, {
        start: fitStart,
        maxRounds: 1,
        roundIterations: BOOTSTRAP_FIT_ITERATIONS,
      });
      let any = false;
      for (const key of METRIC_KEYS) {
        const v =
          key === 'srcc' || key === 'krcc' || key === 'plcc' ? m[key] : fitStart ? m[key] : NaN;
        if (Number.isFinite(v)) samples[key].push(v);
        else any = true;
      }
      if (any) skipped++;
      yield { done: b + 1, total: resamples };
    }
  }
  const alpha = (1 - level) / 2;
  const ci = {} as Record<MetricKey, [number, number] | null>;
  for (const key of METRIC_KEYS) {
    const s = samples[key].sort((a, b) => a - b);
    ci[key] = s.length >= 2 ? [percentile(s, alpha * 100), percentile(s, (1 - alpha) * 100)] : null;
  }
  return {
    n,
    srcc: finite(full.srcc),
    krcc: finite(full.krcc),
    plcc: finite(full.plcc),
    plccLogistic: finite(full.plccLogistic),
    rmseLogistic: finite(full.rmseLogistic),
    fit: full.fit,
    ci,
    bootstrap: { resamples, seed, level, skipped },
  };
}

export function evaluateScores(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: EvaluateOptions = {},
): EvaluationMetrics {
  const it = evaluation(x, y, opts);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/**
 * The same evaluation without holding the event loop: it yields every ~20 ms (the main process
 * keeps answering other calls), reports progress, and stops with an AbortError when `signal` fires.
 */
export async function evaluateScoresAsync(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: EvaluateOptions & { signal?: AbortSignal; onProgress?(p: BootstrapProgress): void } = {},
): Promise<EvaluationMetrics> {
  const it = evaluation(x, y, opts);
  let slice = performance.now();
  for (;;) {
    opts.signal?.throwIfAborted();
    const r = it.next();
    if (r.done) return r.value;
    if (performance.now() - slice > 20) {
      opts.onProgress?.(r.value);
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
  }
}
