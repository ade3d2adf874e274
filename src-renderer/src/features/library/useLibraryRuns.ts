// The model runs the library can show (library.runs), the one chosen in the run picker (default:
// the project's default run), refreshed when scores or calibrations change.
import { useCallback, useEffect, useState } from 'react';
import type { LibraryRuns } from '../../../../src-preload/contract';
import { useApi } from '../../shared/api/api-context';
import { errorMessage } from '../../shared/format';

export interface LibraryRunChoice {
  info: LibraryRuns | null;
  /** The run the table shows; undefined before the first answer or when nothing is scored. */
  runId: number | undefined;
  choose(runId: number): void;
  error: string | null;
}

export function useLibraryRuns(): LibraryRunChoice {
  const api = useApi();
  const [info, setInfo] = useState<LibraryRuns | null>(null);
  const [chosen, setChosen] = useState<number | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      api.call('library.runs', {}).then(
        (r) => live && (setInfo(r), setError(null)),
        (err: unknown) => live && setError(errorMessage(err)),
      );
    void load();
    const off = api.on('library.changed', () => void load());
    return () => {
      live = false;
      off();
    };
  }, [api]);
  // a chosen run that no longer exists (its videos removed) falls back to the default
  const valid = chosen !== undefined && info?.runs.some((r) => r.id === chosen);
  const runId = valid ? chosen : (info?.defaultRunId ?? undefined);
  const choose = useCallback((id: number) => setChosen(id), []);
  return { info, runId, choose, error };
}
