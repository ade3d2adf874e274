// The "Levels" choice of the export and generation dialogs: the model score's level, or the level
// of the MOS the run's calibration predicts. The calibrated option is disabled, with the reason
// shown, when the run has no calibration; a choice that became impossible falls back to the model.
import { useEffect } from 'react';
import type { LibraryRuns } from '../../../../src-shared/contract';
import { useCall } from '../../common/data/useCall';
import { calibratedLevelsBlocker, type LevelsSource } from './logic/levels-choice';

/** library.runs, or null until it answers (the calibrated choice stays disabled meanwhile). */
export function useRunsInfo(): LibraryRuns | null {
  return useCall('library.runs', {}, { refetchOn: ['library.changed'] }).data ?? null;
}

interface LevelsChoiceProps {
  info: LibraryRuns | null;
  /** the run whose calibration would be used; undefined: the library's default run */
  runId: number | undefined;
  value: LevelsSource;
  onChange(v: LevelsSource): void;
  testId: string;
}

export function LevelsChoice({ info, runId, value, onChange, testId }: LevelsChoiceProps) {
  const blocker = calibratedLevelsBlocker(info, runId);
  useEffect(() => {
    if (blocker && value === 'calibrated') onChange('model');
  }, [blocker, value, onChange]);
  return (
    <label className="field">
      <span className="section-label">Levels of unrated videos</span>
      <select
        data-testid={testId}
        value={blocker ? 'model' : value}
        onChange={(e) => onChange(e.target.value as LevelsSource)}
      >
        <option value="model">Model score’s level</option>
        <option value="calibrated" disabled={!!blocker}>
          Calibrated: level of the predicted MOS
        </option>
      </select>
      {blocker ? (
        <span className="hint" data-testid={`${testId}-reason`}>
          {blocker}
        </span>
      ) : null}
    </label>
  );
}
