// Score jobs of the open project: `jobs.list` once, then live `job.progress` events. Also
// lists the scorers, which the Score dialog and the panel both name.
import { useCallback, useEffect, useState } from 'react';
import type { JobProgress, ScorerInfo } from '../../../../src-preload/contract';
import { useApi } from '../../shared/api/api-context';
import { errorMessage } from '../../shared/format';
import { isJobActive, mergeJobList, mergeJobProgress } from './logic/jobs';

export interface JobsState {
  jobs: JobProgress[];
  activeCount: number;
  scorers: ScorerInfo[];
  error: string | null;
  cancel(jobId: string): Promise<void>;
  dismissError(): void;
  /** Ask for the scorer list again (models were added or removed). */
  reloadScorers(): void;
}

export function useJobs(): JobsState {
  const api = useApi();
  const [jobs, setJobs] = useState<JobProgress[]>([]);
  const [scorers, setScorers] = useState<ScorerInfo[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const fail = (err: unknown) => live && setError(errorMessage(err));
    const refresh = () =>
      api
        .call('jobs.list', {})
        .then((listed) => live && setJobs((cur) => mergeJobList(cur, listed)), fail);
    void refresh();
    api.call('score.scorers', {}).then((s) => live && setScorers(s), fail);
    const offProgress = api.on('job.progress', (p) => setJobs((cur) => mergeJobProgress(cur, p)));
    // A job that ends while this window was disconnected is only seen by asking again.
    const offChanged = api.on(
      'library.changed',
      ({ reason }) => reason === 'score' && void refresh(),
    );
    return () => {
      live = false;
      offProgress();
      offChanged();
    };
  }, [api]);

  const cancel = useCallback(
    async (jobId: string) => {
      try {
        await api.call('jobs.cancel', { jobId });
      } catch (err) {
        setError(errorMessage(err));
      }
    },
    [api],
  );

  const reloadScorers = useCallback(() => {
    api.call('score.scorers', {}).then(setScorers, (err: unknown) => setError(errorMessage(err)));
  }, [api]);

  return {
    jobs,
    activeCount: jobs.filter(isJobActive).length,
    scorers,
    reloadScorers,
    error,
    cancel,
    dismissError: useCallback(() => setError(null), []),
  };
}
