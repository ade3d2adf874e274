// What a calibrated model run predicts for a video: MOS with its interval and the level. Only the
// shape lives here, below both the evaluation (which builds predictors) and the pair generator (which
// uses one), so that neither folder imports the other for it.
import type { Level } from './level-score';

export interface CalibratedPrediction {
  mos: number;
  lo: number;
  hi: number;
  level: Level | null;
}

export interface CalibratedPredictor {
  runId: number;
  calibrationId: number;
  scale: string;
  predict(videoId: number): CalibratedPrediction | null;
}
