// Calibration of a model run to a project's own MOS: two models and their k-fold cross-validation.
//  - logistic: the VQEG 4-parameter logistic from the run's video score to MOS (logistic.ts).
//  - ridge: a regularised linear regression from the run's stored measurement vector (the
//    built-in scorer's per-video features) to MOS. Features are standardised with the training
//    data's mean and SD; the penalty λ is chosen on the training data alone by leave-one-out
//    error (closed form for ridge: eᵢ / (1 − Hᵢᵢ)); the intercept is not penalised.
// Only cross-validated figures are reported: every video's prediction comes from a model fitted
// without it (folds from a seeded shuffle, so the same data and seed give the same folds). The
// model stored for predicting unrated videos is then fitted on all rated videos.
import { Matrix, inverse } from 'ml-matrix';
import { mulberry32 } from '../util/prng';
import { pearson, spearman, mean, std } from './correlation';
import { fitLogistic, logistic4, type LogisticParams } from './logistic';
import { studentTQuantile } from './student-t';

export type CalibrationMethod = 'logistic' | 'ridge';

export interface LogisticModel {
  method: 'logistic';
  params: LogisticParams;
  /** false when the logistic fit failed and a straight line was used instead */
  logistic: boolean;
  /** used when logistic is false: mos = a + b·score */
  line: [number, number];
}

export interface RidgeModel {
  method: 'ridge';
  features: string[];
  means: number[];
  sds: number[];
  intercept: number;
  coefficients: number[];
  lambda: number;
}

export type CalibrationModel = LogisticModel | RidgeModel;

export interface CalibrationPoint {
  videoId: number;
  score: number;
  features: Record<string, number>;
  mos: number;
}

export interface CrossValidation {
  n: number;
  folds: number;
  seed: number;
  srcc: number | null;
  plcc: number | null;
  rmse: number | null;
  /** Out-of-fold prediction of each point, in input order. */
  predictions: number[];
}

export const MIN_CALIBRATION_VIDEOS = 8;
export const DEFAULT_FOLDS = 5;
export const DEFAULT_CALIBRATION_SEED = 20241105;
/** λ grid (on standardised features, as a multiple of the training set's size). */
const LAMBDAS = [1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10, 30, 100];

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Fold index of each of n points: a seeded shuffle dealt round-robin into k folds. */
export function foldAssignment(n: number, k: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const fold = new Array<number>(n);
  order.forEach((idx, pos) => (fold[idx] = pos % k));
  return fold;
}

function lineFit(x: readonly number[], y: readonly number[]): [number, number] {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return [my - b * mx, b];
}

export function fitLogisticModel(points: readonly CalibrationPoint[]): LogisticModel {
  const x = points.map((p) => p.score);
  const y = points.map((p) => p.mos);
  const fit = fitLogistic(x, y, { increasing: !(spearman(x, y) < 0) });
  const usable = Number.isFinite(fit.sse) && fit.params.every(Number.isFinite);
  return { method: 'logistic', params: fit.params, logistic: usable, line: lineFit(x, y) };
}

/** The numeric features every point has, in a stable order. */
export function commonFeatures(points: readonly CalibrationPoint[]): string[] {
  if (!points.length) return [];
  return Object.keys(points[0]!.features)
    .filter((k) => points.every((p) => Number.isFinite(p.features[k])))
    .sort();
}

export function fitRidgeModel(
  points: readonly CalibrationPoint[],
  featureNames = commonFeatures(points),
): RidgeModel {
  const n = points.length;
  const y = points.map((p) => p.mos);
  const ym = mean(y);
  // features constant on these points carry nothing and would divide by zero
  const kept = featureNames.filter((f) => std(points.map((p) => p.features[f]!)) > 1e-12);
  const means = kept.map((f) => mean(points.map((p) => p.features[f]!)));
  const sds = kept.map((f) => std(points.map((p) => p.features[f]!)));
  if (!kept.length)
    return {
      method: 'ridge',
      features: [],
      means: [],
      sds: [],
      intercept: ym,
      coefficients: [],
      lambda: 0,
    };
  const X = new Matrix(
    points.map((p) => kept.map((f, j) => (p.features[f]! - means[j]!) / sds[j]!)),
  );
  const yc = Matrix.columnVector(y.map((v) => v - ym));
  const XtX = X.transpose().mmul(X);
  const Xty = X.transpose().mmul(yc);
  let best = { loo: Infinity, lambda: LAMBDAS[0]! * n, beta: [] as number[] };
  for (const l of LAMBDAS) {
    const lambda = l * n;
    const A = XtX.clone().add(Matrix.eye(kept.length).mul(lambda));
    const Ainv = inverse(A);
    const beta = Ainv.mmul(Xty).getColumn(0);
    let loo = 0;
    for (let i = 0; i < n; i++) {
      const xi = X.getRow(i);
      let fitted = 0;
      let h = 1 / n; // the intercept's share of the hat matrix
      for (let a = 0; a < xi.length; a++) {
        fitted += xi[a]! * beta[a]!;
        let s = 0;
        for (let b = 0; b < xi.length; b++) s += Ainv.get(a, b) * xi[b]!;
        h += xi[a]! * s;
      }
      const e = (y[i]! - ym - fitted) / Math.max(1 - h, 1e-9);
      loo += e * e;
    }
    if (loo < best.loo) best = { loo, lambda, beta };
  }
  return {
    method: 'ridge',
    features: kept,
    means,
    sds,
    intercept: ym,
    coefficients: best.beta,
    lambda: best.lambda,
  };
}

/** The model's MOS for one video; null when the video lacks a feature the model needs. */
export function predict(
  model: CalibrationModel,
  score: number,
  features: Record<string, number>,
): number | null {
  if (model.method === 'logistic') {
    const v = model.logistic
      ? logistic4(model.params, score)
      : model.line[0] + model.line[1] * score;
    return Number.isFinite(v) ? v : null;
  }
  let v = model.intercept;
  for (let j = 0; j < model.features.length; j++) {
    const x = features[model.features[j]!];
    if (x === undefined || !Number.isFinite(x)) return null;
    v += model.coefficients[j]! * ((x - model.means[j]!) / model.sds[j]!);
  }
  return v;
}

export function fitModel(
  method: CalibrationMethod,
  points: readonly CalibrationPoint[],
): CalibrationModel {
  return method === 'logistic' ? fitLogisticModel(points) : fitRidgeModel(points);
}

/**
 * k-fold cross-validation: each fold's points are predicted by a model fitted on the other folds
 * only; SRCC, PLCC and RMSE are computed over all out-of-fold predictions.
 */
export function crossValidate(
  method: CalibrationMethod,
  points: readonly CalibrationPoint[],
  opts: { folds?: number; seed?: number } = {},
): CrossValidation {
  const n = points.length;
  const k = Math.min(opts.folds ?? DEFAULT_FOLDS, n);
  const seed = opts.seed ?? DEFAULT_CALIBRATION_SEED;
  const fold = foldAssignment(n, k, seed);
  const predictions = new Array<number>(n).fill(NaN);
  for (let f = 0; f < k; f++) {
    const train = points.filter((_, i) => fold[i] !== f);
    const model = fitModel(method, train);
    points.forEach((p, i) => {
      if (fold[i] === f) predictions[i] = predict(model, p.score, p.features) ?? NaN;
    });
  }
  const mos = points.map((p) => p.mos);
  let se = 0;
  for (let i = 0; i < n; i++) se += (predictions[i]! - mos[i]!) ** 2;
  return {
    n,
    folds: k,
    seed,
    srcc: finite(spearman(predictions, mos)),
    plcc: finite(pearson(predictions, mos)),
    rmse: finite(Math.sqrt(se / n)),
    predictions,
  };
}

/** Half-width of the 95 % prediction interval: Student's t (n − 1 df) times the cross-validated RMSE. */
export function intervalHalfWidth(cvRmse: number, n: number): number {
  return studentTQuantile(0.975, Math.max(1, n - 1)) * cvRmse;
}
