// Tracks the running import (from this window or another client) and its final summary.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  initialImportProgress,
  type ImportProgress,
  type ImportSummary,
} from '../../../../src-shared/contract';
import { useApi } from '../../common/api/api-context';
import { useAction } from '../../common/data/useAction';

export interface ImportState {
  progress: ImportProgress | null;
  summary: ImportSummary | null;
  start(paths: string[]): Promise<void>;
  cancel(): Promise<void>;
  dismissSummary(): void;
}

export function useImport(): ImportState {
  const api = useApi();
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const importCall = useAction('library.import');
  const cancelCall = useAction('library.cancelImport');
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
      setSummary(null);
      const r = await importCall.run({ paths });
      if (!r.ok || finished.current.has(r.value.jobId)) return;
      // Show the bar at once; the first progress event fills in the numbers.
      setProgress((p) => p ?? initialImportProgress(r.value.jobId));
    },
    [importCall],
  );

  const cancel = useCallback(async () => {
    if (progress) await cancelCall.run({ jobId: progress.jobId });
  }, [cancelCall, progress]);

  return {
    progress,
    summary,
    start,
    cancel,
    dismissSummary: useCallback(() => setSummary(null), []),
  };
}
