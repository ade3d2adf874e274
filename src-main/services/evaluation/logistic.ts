// The VQEG 4-parameter logistic mapping of model scores to MOS, fitted by Levenberg–Marquardt
// (ml-levenberg-marquardt, analytic Jacobian):
//   f(x) = (β1 − β2) / (1 + exp(−(x − β3) / |β4|)) + β2
// Initialisation (robust for any score/MOS scale): β1 = max(y), β2 = min(y), β3 = mean(x),
// β4 = std(x) / 4 (std > 0), flipped (β1 ↔ β2) when the ranks correlate negatively. The fit runs in
// rounds of ROUND_ITERS iterations; it has converged when a round lowers the sum of squared
// errors by less than REL_TOL relative. A fit that has not converged after MAX_ROUNDS is reported
// with converged: false (its curve is still returned, flagged), never silently used.
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { mean, std } from './correlation';

export type LogisticParams = [number, number, number, number];

export interface LogisticFit {
  params: LogisticParams;
  converged: boolean;
  iterations: number;
  sse: number;
  /** Why the fit is unusable or unconverged; null when it converged. */
  message: string | null;
}

const ROUND_ITERS = 40;
const MAX_ROUNDS = 10;
const REL_TOL = 1e-10;

export function logistic4(p: readonly number[], x: number): number {
  const [b1, b2, b3, b4] = p as LogisticParams;
  return (b1 - b2) / (1 + Math.exp(-(x - b3) / Math.abs(b4))) + b2;
}

function jacobian(p: number[]) {
  const [b1, b2, b3, b4] = p as LogisticParams;
  const a = Math.abs(b4);
  return (x: number): number[] => {
    const s = 1 / (1 + Math.exp(-(x - b3) / a));
    const ds = s * (1 - s);
    return [
      s,
      1 - s,
      (-(b1 - b2) * ds) / a,
      (-(b1 - b2) * ds * (x - b3) * Math.sign(b4)) / (b4 * b4),
    ];
  };
}

function sse(p: readonly number[], x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (y[i]! - logistic4(p, x[i]!)) ** 2;
  return s;
}

export function initialParams(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  increasing = true,
): LogisticParams {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < y.length; i++) {
    lo = Math.min(lo, y[i]!);
    hi = Math.max(hi, y[i]!);
  }
  const sx = std(x);
  return increasing ? [hi, lo, mean(x), sx / 4] : [lo, hi, mean(x), sx / 4];
}

export function fitLogistic(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: {
    start?: LogisticParams;
    increasing?: boolean;
    maxRounds?: number;
    roundIterations?: number;
  } = {},
): LogisticFit {
  const n = x.length;
  const start = opts.start ?? initialParams(x, y, opts.increasing ?? true);
  if (n < 4)
    return {
      params: start,
      converged: false,
      iterations: 0,
      sse: NaN,
      message: `needs at least 4 videos, has ${n}`,
    };
  if (!(start[3] > 0) || !Number.isFinite(start[3])) {
    return {
      params: start,
      converged: false,
      iterations: 0,
      sse: NaN,
      message: 'all model scores are equal',
    };
  }
  let params: number[] = [...start];
  let err = sse(params, x, y);
  let iterations = 0;
  const spread = Math.max(Math.abs(start[0] - start[1]), 1e-12);
  for (let round = 0; round < (opts.maxRounds ?? MAX_ROUNDS); round++) {
    const r = levenbergMarquardt({ x, y }, (p) => (v) => logistic4(p, v), {
      initialValues: params,
      jacobianFunction: jacobian,
      maxIterations: opts.roundIterations ?? ROUND_ITERS,
      errorTolerance: 0,
      improvementThreshold: 1e-3,
      damping: 1e-2,
    });
    iterations += r.iterations;
    const next = r.parameterValues;
    const nextErr = sse(next, x, y);
    if (!next.every(Number.isFinite) || !Number.isFinite(nextErr)) break;
    const improvement = err - nextErr;
    if (nextErr <= err) {
      params = next;
      err = nextErr;
    }
    // converged: a whole round no longer lowers the error (relative to the data's scale)
    if (improvement <= REL_TOL * Math.max(err, spread * spread * 1e-12)) {
      return {
        params: params as LogisticParams,
        converged: true,
        iterations,
        sse: err,
        message: null,
      };
    }
  }
  return {
    params: params as LogisticParams,
    converged: false,
    iterations,
    sse: err,
    message: `the logistic fit did not converge in ${iterations} iterations`,
  };
}
