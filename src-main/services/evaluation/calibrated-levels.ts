// Levels from a calibrated run, for exports and generated rating pairs that choose them: a run's
// newest calibration predicts MOS on the user's scale, and the level is that MOS's level on the
// scale (1–5: the ACR category it rounds to; other scales: fifths of the range, like scores).
import type { ProjectStore } from '../store/project-store';
import { defaultRunId } from '../store/video-rows';
import { levelOfScore, type Level } from '../levels/level-score';
import type { CalibratedPrediction, CalibratedPredictor } from '../levels/predictor';
import { latestCalibration, scaleBounds } from './calibration-store';
import { predict } from './calibration';
import { EvaluationInputError } from './evaluation';

const ACR: Level[] = ['low', 'poor', 'fair', 'good', 'high'];

export function levelOfMos(mos: number, scale: string): Level | null {
  if (scale === '1-5') return ACR[Math.min(5, Math.max(1, Math.round(mos))) - 1]!;
  const b = scaleBounds(scale);
  return b && b[1] > b[0]
    ? levelOfScore(Math.min(1, Math.max(0, (mos - b[0]) / (b[1] - b[0]))))
    : null;
}

export type { CalibratedPrediction, CalibratedPredictor };

/** The predictor of a run's newest calibration (default run: the library's); a clear error without one. */
export function calibratedPredictor(store: ProjectStore, runId?: number): CalibratedPredictor {
  const db = store.connection;
  const run = runId ?? defaultRunId(db);
  if (run == null)
    throw new EvaluationInputError(
      'BAD_INPUT',
      'Calibrated levels need a scored project: score its videos first',
    );
  const cal = latestCalibration(db, run);
  if (!cal)
    throw new EvaluationInputError(
      'BAD_INPUT',
      `Run ${run} has no calibration: calibrate it to your MOS first (Evaluation → Calibrate, or vqa2 calibrate)`,
    );
  const scale = cal.info.source.scale;
  const [min, max] = scaleBounds(scale) ?? [-Infinity, Infinity];
  const clamp = (v: number) => Math.min(max, Math.max(min, v));
  const half = cal.info.interval95 ?? NaN;
  const stmt = db.prepare(
    'SELECT score, features_json AS f FROM video_scores WHERE run_id = ? AND video_id = ?',
  );
  return {
    runId: run,
    calibrationId: cal.info.id,
    scale,
    predict(videoId) {
      const r = stmt.get(run, videoId) as { score: number; f: string | null } | undefined;
      if (!r) return null;
      const v = predict(cal.model, r.score, r.f ? (JSON.parse(r.f) as Record<string, number>) : {});
      if (v == null) return null;
      const mos = clamp(v);
      return { mos, lo: clamp(v - half), hi: clamp(v + half), level: levelOfMos(mos, scale) };
    },
  };
}
