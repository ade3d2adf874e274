// Score-job bookkeeping for the jobs panel: merging `jobs.list` with live `job.progress` events
// and the numbers the panel shows. Pure, so the merge rules are unit-tested.
import type { JobProgress, ScorerInfo } from '../../../../../src-shared/contract';

export function isJobActive(j: Pick<JobProgress, 'status'>): boolean {
  return j.status === 'queued' || j.status === 'running';
}

/** Segments settled as a whole percentage in [0, 100]; a finished job is 100 even if a
 *  failed video's segments were never counted. */
export function jobPercent(j: JobProgress): number {
  if (j.status === 'done') return 100;
  if (j.segmentsTotal <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((j.segmentsDone / j.segmentsTotal) * 100)));
}

/** Jobs newest first: an event for a known job replaces it in place, a new job goes on top. */
export function mergeJobProgress(jobs: readonly JobProgress[], p: JobProgress): JobProgress[] {
  const i = jobs.findIndex((j) => j.jobId === p.jobId);
  if (i < 0) return [p, ...jobs];
  const next = jobs.slice();
  next[i] = p;
  return next;
}

/**
 * A fresh `jobs.list` answer, keeping what events already told about active jobs: the list
 * call may have been answered before an event that arrived first. Jobs the list no longer
 * knows (older than its window) are dropped.
 */
export function mergeJobList(
  current: readonly JobProgress[],
  listed: readonly JobProgress[],
): JobProgress[] {
  const byId = new Map(current.map((j) => [j.jobId, j]));
  const listedIds = new Set(listed.map((j) => j.jobId));
  const fromEvents = current.filter((j) => !listedIds.has(j.jobId) && isJobActive(j));
  const merged = listed.map((l) => {
    const live = byId.get(l.jobId);
    if (!live) return l;
    if (isJobActive(l)) return live.segmentsDone >= l.segmentsDone ? live : l;
    // Finished: the list's status wins; keep the live details it may lack (a job that ran
    // before the server restarted is listed without provider or segment counts).
    return {
      ...l,
      provider: l.provider ?? live.provider,
      providerNote: l.providerNote ?? live.providerNote,
      segmentsDone: Math.max(l.segmentsDone, live.segmentsDone),
      segmentsTotal: Math.max(l.segmentsTotal, live.segmentsTotal),
      // live errors carry video names; the list's only ids
      errors: live.errors.length >= l.errors.length ? live.errors : l.errors,
    };
  });
  return [...fromEvents, ...merged];
}

/** Human name of a scorer id, falling back to the id itself. */
export function scorerName(id: string, scorers: readonly ScorerInfo[]): string {
  const known = scorers.find((s) => s.id === id)?.name;
  if (known) return known;
  // score jobs of an in-process model say `lmm:<model name>`: show the name as the engine lists do
  if (id.startsWith('lmm:')) return `${id.slice(4)} · in-process model`;
  return id;
}

/** Status words shown next to a job. */
export const JOB_STATUS_LABEL: Record<JobProgress['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** What a scorer honestly is, shown next to its name (the built-in pack is a
 *  classical baseline, not VQA²'s LMM). */
export function scorerNote(s: Pick<ScorerInfo, 'id' | 'kind'>): string | null {
  if (s.id === 'builtin-nr') return 'classical baseline (BRISQUE + temporal), not the VQA² LMM';
  if (s.kind === 'streaming') return 'streaming QoE, ITU-T P.1203 mode 0 (H.264 only)';
  if (s.kind === 'model')
    return 'in-process model: level-token score from one prefill pass per segment and per video';
  return null;
}

/** A job's progress changed in a way that may have put new scores in the store. */
export function progressKey(jobs: readonly JobProgress[]): string {
  return jobs
    .filter(isJobActive)
    .map((j) => `${j.jobId}:${j.segmentsDone}:${j.videosDone}:${j.videosFailed}`)
    .join('|');
}
