// Score jobs of the open project: `jobs.list` once, then live `job.progress` events. Also
// lists the scorers, which the Score dialog and the panel both name.
import { useCallback, useEffect, useState } from 'react';
import type { JobProgress, ScorerInfo } from '../../../../src-shared/contract';
import { useApi } from '../../common/api/api-context';
import { usePostError } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';
import { isJobActive, mergeJobList, mergeJobProgress } from './logic/jobs';

export interface JobsState {
  jobs: JobProgress[];
  activeCount: number;
  scorers: ScorerInfo[];
  cancel(jobId: string): Promise<void>;
  /** Ask for the scorer list again (models were added or removed). */
  reloadScorers(): void;
}

const NO_SCORERS: ScorerInfo[] = [];

export function useJobs(): JobsState {
  const api = useApi();
  const sink = usePostError();
  const [jobs, setJobs] = useState<JobProgress[]>([]);
  const scorers = useCall('score.scorers', {});
  const cancelCall = useAction('jobs.cancel');

  useEffect(() => {
    // progress events merge into the listed state, so the list is fetched here, not by useCall
    let current = true;
    const refresh = () =>
      api.call('jobs.list', {}).then(
        (listed) => current && setJobs((cur) => mergeJobList(cur, listed)),
        (err: unknown) => current && sink.post(err, 'jobs.list'),
      );
    void refresh();
    const offProgress = api.on('job.progress', (p) => setJobs((cur) => mergeJobProgress(cur, p)));
    // A job that ends while this window was disconnected is only seen by asking again.
    const offChanged = api.on(
      'library.changed',
      ({ reason }) => reason === 'score' && void refresh(),
    );
    return () => {
      current = false;
      offProgress();
      offChanged();
    };
  }, [api, sink]);

  const { run } = cancelCall;
  const cancel = useCallback(
    async (jobId: string) => {
      await run({ jobId });
    },
    [run],
  );

  return {
    jobs,
    activeCount: jobs.filter(isJobActive).length,
    scorers: scorers.data ?? NO_SCORERS,
    reloadScorers: scorers.refetch,
    cancel,
  };
}
