// The scoring module's explanation rule: which measurements are beyond their documented thresholds.
// The table lives with the shared contract so the renderer's score popover uses the same numbers.
export {
  abnormalMeasures,
  MEASURE_THRESHOLDS,
  type AbnormalMeasure,
  type MeasureThreshold,
} from '../../../src-shared/measure-thresholds';
