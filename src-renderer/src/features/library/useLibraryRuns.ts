// The model runs the library can show (library.runs), the one chosen in the run picker (default:
// the project's default run), refreshed when scores or calibrations change.
import { useCallback, useState } from 'react';
import type { LibraryRuns } from '../../../../src-shared/contract';
import { useCall } from '../../common/data/useCall';

export interface LibraryRunChoice {
  info: LibraryRuns | null;
  /** The run the table shows; undefined before the first answer or when nothing is scored. */
  runId: number | undefined;
  choose(runId: number): void;
}

export function useLibraryRuns(): LibraryRunChoice {
  const info = useCall('library.runs', {}, { refetchOn: ['library.changed'] }).data ?? null;
  const [chosen, setChosen] = useState<number | undefined>(undefined);
  // a chosen run that no longer exists (its videos removed) falls back to the default
  const valid = chosen !== undefined && info?.runs.some((r) => r.id === chosen);
  const runId = valid ? chosen : (info?.defaultRunId ?? undefined);
  const choose = useCallback((id: number) => setChosen(id), []);
  return { info, runId, choose };
}
