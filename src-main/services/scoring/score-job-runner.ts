// The frame every video-by-video score job runs in (OpenAI-compatible engines, in-process model
// folders): the job's progress record and its events, the model run created once and reused on
// resume, the job's status at the end (done, or cancelled with items still pending), and a failure
// recorded on the job before it is rethrown. A scorer supplies only how it starts and how it scores
// the job's pending items.
import type { ProjectStore } from '../store/project-store';
import { JobStore, type JobItem } from '../jobs/job-store';
import { ScoreStore, type ModelRunRecord } from './score-store';
import type { JobProgress } from '../../../src-shared/contract';
import { StudioError } from '../../../src-shared/contract-errors';

export type NewRun = Omit<
  ModelRunRecord,
  'id' | 'name' | 'createdAt' | 'finishedAt' | 'timings' | 'jobId'
>;

export interface ScoreJobContext<P> {
  jobId: string;
  params: P;
  items: JobItem[];
  jobs: JobStore;
  scores: ScoreStore;
  progress: JobProgress;
  emit(): void;
  signal?: AbortSignal;
  /** Marks a video failed with a message shown in the jobs panel. */
  failItem(videoId: number, name: string, error: string): void;
  /** Seconds left at the rate since `t0` (ms) and `startDone` segments done then; null before any. */
  eta(t0: number, startDone: number): number | null;
}

export interface JobScorer<P> {
  /** The scorer's fields of the progress record (name, provider, and any totals known up front). */
  progress: Partial<JobProgress>;
  /** Gets the scorer ready (may fill the progress' provider) and says which run it scores into. */
  prepare(ctx: ScoreJobContext<P>): Promise<NewRun>;
  /** When a resumed job's run already exists. */
  reuse?(ctx: ScoreJobContext<P>, runId: number): void;
  /** Scores the pending items into the run; returns the timings stored with it. */
  score(ctx: ScoreJobContext<P>, runId: number): Promise<Record<string, number>>;
  /** Extra fields of each emitted progress event. */
  decorate?(p: JobProgress): JobProgress;
  /** An error escaping while the job is being cancelled ends it as cancelled, not failed. */
  abortedErrorIsCancel?: boolean;
}

export async function runScoreJob<P extends { runId?: number }>(
  store: ProjectStore,
  jobId: string,
  onProgress: (p: JobProgress) => void,
  signal: AbortSignal | undefined,
  makeScorer: (params: P) => JobScorer<P>,
): Promise<JobProgress> {
  const jobs = new JobStore(store.connection);
  const scores = new ScoreStore(store.connection);
  const job = jobs.get(jobId);
  if (!job) throw new StudioError('BAD_INPUT', `No job ${jobId}`);
  const params = job.params as unknown as P;
  const items = jobs.items(jobId);
  const scorer = makeScorer(params);
  const progress: JobProgress = {
    jobId,
    runId: params.runId ?? null,
    status: 'running',
    scorer: '',
    provider: null,
    providerNote: null,
    segmentsDone: 0,
    segmentsTotal: items.length,
    videosDone: 0,
    videosFailed: 0,
    videosTotal: items.length,
    etaSec: null,
    current: null,
    errors: [],
    ...scorer.progress,
  };
  const emit = () => {
    const p = { ...progress, errors: [...progress.errors] };
    onProgress(scorer.decorate ? scorer.decorate(p) : p);
  };
  const ctx: ScoreJobContext<P> = {
    jobId,
    params,
    items,
    jobs,
    scores,
    progress,
    emit,
    signal,
    failItem(videoId, name, error) {
      store.connection.transaction(() => jobs.markItem(jobId, videoId, 'failed', error))();
      progress.videosFailed++;
      progress.errors.push({ videoId, name, error });
    },
    eta(t0, startDone) {
      const rate = (progress.segmentsDone - startDone) / ((performance.now() - t0) / 1000);
      return rate > 0 ? (progress.segmentsTotal - progress.segmentsDone) / rate : null;
    },
  };
  try {
    const run = await scorer.prepare(ctx);
    let runId = params.runId;
    if (runId === undefined || !scores.getRun(runId)) {
      runId = scores.createRun({ ...run, jobId }).id;
      jobs.setParams(jobId, { ...params, runId });
    } else scorer.reuse?.(ctx, runId);
    progress.runId = runId;
    jobs.setStatus(jobId, 'running');
    const timings = await scorer.score(ctx, runId);
    scores.updateRun(runId, { timings });
    progress.current = null;
    progress.etaSec = 0;
    if (signal?.aborted && jobs.counts(jobId).pending > 0) {
      jobs.setStatus(jobId, 'cancelled');
      progress.status = 'cancelled';
    } else {
      jobs.setStatus(jobId, 'done');
      scores.updateRun(runId, { finished: true });
      progress.status = 'done';
    }
    emit();
    return progress;
  } catch (e) {
    if (scorer.abortedErrorIsCancel && signal?.aborted) {
      jobs.setStatus(jobId, 'cancelled');
      progress.status = 'cancelled';
      emit();
      return progress;
    }
    jobs.setStatus(jobId, 'failed', (e as Error).message);
    progress.status = 'failed';
    progress.errors.push({ videoId: 0, name: 'job', error: (e as Error).message });
    emit();
    throw e;
  }
}
