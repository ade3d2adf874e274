// Score jobs run one at a time, in order: first the jobs a killed or closed process left unfinished
// (resumed where they stopped), then the jobs queued after them. The API (a long-lived queue fed by
// score.start) and the CLI (resume, then maybe one new job, then exit) both run jobs through this,
// so "resume then run" has one implementation.
import type { JobRecord } from '../jobs/job-store';
import type { ScoreJobs, ScoreProgress } from './score-job';

interface Entry {
  jobId: string;
  controller: AbortController;
  signal?: AbortSignal;
  settle: (p: ScoreProgress | null) => void;
  fail: (e: unknown) => void;
}

export interface ScoreQueueHooks {
  /** A job is about to run (resumed or new). */
  onStart?: (jobId: string) => void;
  /** A job ended (done, failed, cancelled or threw); the next one starts after this returns. */
  onSettled?: (jobId: string) => void;
  /** A job that throws stops the queue (a one-shot run reports the error and runs nothing more). */
  stopOnError?: boolean;
}

export class ScoreQueue {
  private queue: Entry[] = [];
  private running: { entry: Entry; done: Promise<void> } | null = null;
  private stopped = false;

  constructor(
    readonly jobs: ScoreJobs,
    private readonly hooks: ScoreQueueHooks = {},
  ) {}

  /**
   * Queue every unfinished score job of the project, oldest first. Each promise settles with that
   * job's final progress (null when the queue was stopped first) or rejects with what it threw.
   */
  resumeUnfinished(
    signal?: AbortSignal,
  ): { job: JobRecord; done: Promise<ScoreProgress | null> }[] {
    return this.jobs.unfinished().map((job) => ({ job, done: this.enqueue(job.id, signal) }));
  }

  /** Queue a job (enqueueing a job that is already queued is ignored and settles with null). */
  enqueue(jobId: string, signal?: AbortSignal): Promise<ScoreProgress | null> {
    if (this.stopped || this.queue.some((e) => e.jobId === jobId)) return Promise.resolve(null);
    return new Promise((settle, fail) => {
      this.queue.push({ jobId, controller: new AbortController(), signal, settle, fail });
      if (!this.running) this.next();
    });
  }

  /** Cancel a job: abort it when running, drop it (status cancelled) when queued; false when neither. */
  cancel(jobId: string): boolean {
    if (this.running?.entry.jobId === jobId) {
      this.running.entry.controller.abort();
      return true;
    }
    const i = this.queue.findIndex((e) => e.jobId === jobId);
    if (i < 0) return false;
    const [entry] = this.queue.splice(i, 1);
    this.jobs.jobs.setStatus(jobId, 'cancelled');
    entry!.settle(null);
    return true;
  }

  /** Drop what is queued (it stays unfinished, to resume next time) and abort the running job. */
  stop(): void {
    this.stopped = true;
    for (const e of this.queue) e.settle(null);
    this.queue = [];
    this.running?.entry.controller.abort();
  }

  /** Resolves when no job is queued or running. */
  async idle(): Promise<void> {
    while (this.running) await this.running.done;
  }

  private next(): void {
    const entry = this.queue.shift();
    if (this.stopped || !entry) {
      this.running = null;
      return;
    }
    this.hooks.onStart?.(entry.jobId);
    const signal = entry.signal
      ? AbortSignal.any([entry.controller.signal, entry.signal])
      : entry.controller.signal;
    const done = this.jobs
      .run(entry.jobId, signal)
      .then(entry.settle, (e: unknown) => {
        if (this.hooks.stopOnError) this.stop();
        entry.fail(e);
      })
      .finally(() => {
        this.hooks.onSettled?.(entry.jobId);
        if (this.running?.entry === entry) this.running = null;
        if (!this.stopped && !this.running) this.next();
      });
    this.running = { entry, done };
  }
}
