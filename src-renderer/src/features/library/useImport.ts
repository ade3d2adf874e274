// Tracks the running import (from this window or another client) and its final summary.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  initialImportProgress,
  type ImportProgress,
  type ImportSummary,
} from '../../../../src-preload/contract';
import { useApi } from '../../shared/api/api-context';
import { errorMessage } from '../../shared/format';

export interface ImportState {
  progress: ImportProgress | null;
  summary: ImportSummary | null;
  error: string | null;
  start(paths: string[]): Promise<void>;
  cancel(): Promise<void>;
  dismissSummary(): void;
  dismissError(): void;
}

export function useImport(): ImportState {
  const api = useApi();
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A tiny import can finish before `library.import` answers; remember finished jobs so the
  // placeholder bar below is not shown for a job that is already done.
  const finished = useRef(new Set<string>());

  useEffect(() => {
    const offProgress = api.on('import.progress', (p) =>
      setProgress(p.phase === 'done' ? null : p),
    );
    const offDone = api.on('import.done', (s) => {
      finished.current.add(s.jobId);
      setProgress((p) => (p && p.jobId !== s.jobId ? p : null));
      setSummary(s);
    });
    return () => {
      offProgress();
      offDone();
    };
  }, [api]);

  const start = useCallback(
    async (paths: string[]) => {
      if (paths.length === 0) return;
      setError(null);
      setSummary(null);
      try {
        const { jobId } = await api.call('library.import', { paths });
        if (finished.current.has(jobId)) return;
        // Show the bar at once; the first progress event fills in the numbers.
        setProgress((p) => p ?? initialImportProgress(jobId));
      } catch (err) {
        setError(errorMessage(err));
      }
    },
    [api],
  );

  const cancel = useCallback(async () => {
    if (!progress) return;
    try {
      await api.call('library.cancelImport', { jobId: progress.jobId });
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [api, progress]);

  return {
    progress,
    summary,
    error,
    start,
    cancel,
    dismissSummary: useCallback(() => setSummary(null), []),
    dismissError: useCallback(() => setError(null), []),
  };
}
