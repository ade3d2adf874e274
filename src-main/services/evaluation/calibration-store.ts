// Calibrations stored with their model run: fitted on the run's scores (or measurement vectors)
// against one MOS source, with the cross-validated figures and the ratings used, so a later
// change of ratings does not silently change what an earlier calibration claimed.
// The library predicts MOS for unrated videos with the run's newest calibration.
import type Database from 'better-sqlite3';
import type { ProjectStore } from '../store/project-store';
import type {
  CalibrationInfo,
  CalibrationModelInfo,
} from '../../../src-shared/contract-evaluation';
import type { VideoRow } from '../../../src-shared/contract-data';
import { ScoreStore } from '../scoring/score-store';
import { spearman } from './correlation';
import {
  commonFeatures,
  crossValidate,
  DEFAULT_CALIBRATION_SEED,
  DEFAULT_FOLDS,
  fitModel,
  intervalHalfWidth,
  MIN_CALIBRATION_VIDEOS,
  predict,
  type CalibrationMethod,
  type CalibrationModel,
  type CalibrationPoint,
} from './calibration';
import { defaultMosSource, EvaluationInputError, mosTable } from './evaluation';

interface StoredModel extends CalibrationModelInfo {
  model: CalibrationModel;
}

interface CalibrationRow {
  id: number;
  run_id: number;
  mos_source: string;
  source_json: string;
  method: CalibrationMethod;
  models_json: string;
  n: number;
  folds: number;
  seed: number;
  raw_srcc: number | null;
  ratings_json: string;
  created_at: string;
}

export interface StoredCalibration {
  info: CalibrationInfo;
  model: CalibrationModel;
}

function paramsOf(model: CalibrationModel): CalibrationModelInfo['params'] {
  if (model.method === 'logistic') return model.logistic ? [...model.params] : [...model.line];
  return {
    intercept: model.intercept,
    lambda: model.lambda,
    coefficients: Object.fromEntries(model.features.map((f, i) => [f, model.coefficients[i]!])),
  };
}

function fromRow(r: CalibrationRow): StoredCalibration {
  const models = JSON.parse(r.models_json) as StoredModel[];
  const chosen = models.find((m) => m.method === r.method)!;
  const ratings = JSON.parse(r.ratings_json) as { videoId: number; mos: number }[];
  return {
    model: chosen.model,
    info: {
      id: r.id,
      runId: r.run_id,
      source: JSON.parse(r.source_json) as CalibrationInfo['source'],
      createdAt: r.created_at,
      n: r.n,
      folds: r.folds,
      seed: r.seed,
      method: r.method,
      srcc: chosen.srcc,
      plcc: chosen.plcc,
      rmse: chosen.rmse,
      params: chosen.params,
      rawSrcc: r.raw_srcc,
      interval95: chosen.rmse != null ? intervalHalfWidth(chosen.rmse, r.n) : null,
      models: models.map(({ method, srcc, plcc, rmse, params }) => ({
        method,
        srcc,
        plcc,
        rmse,
        params,
      })),
      videoIds: ratings.map((x) => x.videoId),
    },
  };
}

/** The run's scored videos that have a MOS in the source, as calibration points. */
export function calibrationPoints(
  store: ProjectStore,
  runId: number,
  sourceId: string,
): CalibrationPoint[] {
  const mos = mosTable(store, sourceId);
  const rows = store.connection
    .prepare(
      'SELECT video_id AS videoId, score, features_json AS f FROM video_scores WHERE run_id = ? ORDER BY video_id',
    )
    .all(runId) as { videoId: number; score: number; f: string | null }[];
  return rows.flatMap((r) => {
    const m = mos.values.get(r.videoId);
    return m
      ? [
          {
            videoId: r.videoId,
            score: r.score,
            features: r.f ? (JSON.parse(r.f) as Record<string, number>) : {},
            mos: m.mos,
          },
        ]
      : [];
  });
}

export interface CalibrateOptions {
  runId?: number;
  source?: string;
  method?: CalibrationMethod;
  folds?: number;
  seed?: number;
}

/** Fit, cross-validate and store a calibration of the run (default: the newest run) to the MOS source. */
export function calibrateRun(store: ProjectStore, opts: CalibrateOptions = {}): CalibrationInfo {
  const scores = new ScoreStore(store.connection);
  const runId = opts.runId ?? scores.runs()[0]?.id;
  if (runId === undefined)
    throw new EvaluationInputError(
      'BAD_INPUT',
      'This project has no model run: score its videos first',
    );
  if (!scores.getRun(runId))
    throw new EvaluationInputError('NOT_FOUND', `No model run ${runId} in this project`);
  const sourceId = opts.source ?? defaultMosSource(store);
  if (!sourceId)
    throw new EvaluationInputError(
      'BAD_INPUT',
      'This project has no MOS: rate videos (review or a rating study) or import a rating list',
    );
  const source = mosTable(store, sourceId).source;
  const points = calibrationPoints(store, runId, sourceId);
  if (points.length < MIN_CALIBRATION_VIDEOS) {
    throw new EvaluationInputError(
      'BAD_INPUT',
      `Calibration needs at least ${MIN_CALIBRATION_VIDEOS} videos with both a MOS and a score of run ${runId}; it has ${points.length}`,
    );
  }
  // ridge needs a measurement vector (the built-in scorer stores one per video)
  const methods: CalibrationMethod[] =
    commonFeatures(points).length >= 2 ? ['logistic', 'ridge'] : ['logistic'];
  const method = opts.method ?? methods.at(-1)!;
  if (!methods.includes(method)) {
    throw new EvaluationInputError(
      'BAD_INPUT',
      `Run ${runId} stores no measurement vectors, so only the logistic calibration applies`,
    );
  }
  const folds = opts.folds ?? DEFAULT_FOLDS;
  const seed = opts.seed ?? DEFAULT_CALIBRATION_SEED;
  const models: StoredModel[] = methods.map((m) => {
    const cv = crossValidate(m, points, { folds, seed });
    const model = fitModel(m, points);
    return {
      method: m,
      srcc: cv.srcc,
      plcc: cv.plcc,
      rmse: cv.rmse,
      params: paramsOf(model),
      model,
    };
  });
  const rawSrcc = spearman(
    points.map((p) => p.score),
    points.map((p) => p.mos),
  );
  const info = store.connection
    .prepare(
      `INSERT INTO calibrations (run_id, mos_source, source_json, method, models_json, n, folds, seed, raw_srcc, ratings_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      runId,
      sourceId,
      JSON.stringify({ id: source.id, label: source.label, scale: source.scale }),
      method,
      JSON.stringify(models),
      points.length,
      Math.min(folds, points.length),
      seed,
      Number.isFinite(rawSrcc) ? rawSrcc : null,
      JSON.stringify(points.map((p) => ({ videoId: p.videoId, mos: p.mos }))),
      new Date().toISOString(),
    );
  return getCalibration(store.connection, Number(info.lastInsertRowid))!.info;
}

export function getCalibration(db: Database.Database, id: number): StoredCalibration | undefined {
  const r = db.prepare('SELECT * FROM calibrations WHERE id = ?').get(id) as
    CalibrationRow | undefined;
  return r && fromRow(r);
}

/** The run's newest calibration (to the given MOS source, when one is given). */
export function latestCalibration(
  db: Database.Database,
  runId: number,
  sourceId?: string,
): StoredCalibration | undefined {
  const r = db
    .prepare(
      `SELECT * FROM calibrations WHERE run_id = ? ${sourceId ? 'AND mos_source = ?' : ''} ORDER BY id DESC LIMIT 1`,
    )
    .get(...(sourceId ? [runId, sourceId] : [runId])) as CalibrationRow | undefined;
  return r && fromRow(r);
}

/** The ends of a MOS scale ('1-5', '0-1', '0-100'); null for another scale. */
export function scaleBounds(scale: string): [number, number] | null {
  const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(scale);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Fill predictedMos of the unrated rows the run scored, from the run's newest calibration. */
export function withPredictedMos(
  store: ProjectStore,
  runId: number | null,
  rows: VideoRow[],
): VideoRow[] {
  if (runId == null) return rows;
  const cal = latestCalibration(store.connection, runId);
  if (!cal || cal.info.interval95 == null) return rows;
  const targets = rows.filter((r) => r.mos == null && r.videoScore != null);
  const features =
    cal.model.method === 'ridge'
      ? store.runFeatures(
          runId,
          targets.map((r) => r.id),
        )
      : new Map<number, Record<string, number>>();
  const half = cal.info.interval95;
  // a linear model extrapolates: nobody can rate outside the scale, so neither can a prediction
  const [min, max] = scaleBounds(cal.info.source.scale) ?? [-Infinity, Infinity];
  const clamp = (v: number) => Math.min(max, Math.max(min, v));
  const predicted = new Map<number, VideoRow['predictedMos']>();
  for (const r of targets) {
    const v = predict(cal.model, r.videoScore!, features.get(r.id) ?? {});
    if (v != null) predicted.set(r.id, { mos: clamp(v), lo: clamp(v - half), hi: clamp(v + half) });
  }
  return rows.map((r) => (predicted.has(r.id) ? { ...r, predictedMos: predicted.get(r.id)! } : r));
}
