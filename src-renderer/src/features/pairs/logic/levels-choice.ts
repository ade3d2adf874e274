// Whether exports and generated rating pairs may use calibrated levels (the level of the MOS a
// run's calibration predicts, on the user's scale) instead of the raw score's level: only when
// the run they would use has a calibration. Said as a reason the dialog shows next to the choice.
import type { LibraryRuns } from '../../../../../src-shared/contract';

export type LevelsSource = 'model' | 'calibrated';

/** The run a per-video export or a generation uses: the chosen one, else the library's default. */
export function effectiveRun(info: LibraryRuns | null, runId: number | undefined): number | null {
  return runId ?? info?.defaultRunId ?? null;
}

/** Null when calibrated levels can be used with this run; else why not, in a sentence. */
export function calibratedLevelsBlocker(
  info: LibraryRuns | null,
  runId: number | undefined,
): string | null {
  if (!info) return 'Loading the model runs…';
  const run = effectiveRun(info, runId);
  if (run === null) return 'No model run yet: score the videos first.';
  const r = info.runs.find((x) => x.id === run);
  if (!r) return `Run #${run} scored no video of this project.`;
  if (!r.calibrated)
    return `Run #${run} has no calibration: calibrate it to your MOS in Evaluation first.`;
  return null;
}
