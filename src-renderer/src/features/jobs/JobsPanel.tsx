// Score jobs, docked above the footer: one compact line per job with a progress bar, counts,
// ETA, the video being scored, the execution provider (and why CUDA was not used), Cancel, and
// the per-video errors on demand.
import { useState } from 'react';
import type { JobProgress, ScorerInfo } from '../../../../src-shared/contract';
import { baseName, formatCount, formatEta } from '../../common/format';
import { isJobActive, JOB_STATUS_LABEL, jobPercent, scorerName } from './logic/jobs';
import { ReplicaList } from './ReplicaList';

interface JobsPanelProps {
  jobs: JobProgress[];
  scorers: ScorerInfo[];
  onCancel(jobId: string): void;
  onHide(): void;
}

/** Finished jobs shown below the active ones; older ones are in `jobs.list` but add nothing here. */
const MAX_FINISHED = 3;

export function JobsPanel({ jobs, scorers, onCancel, onHide }: JobsPanelProps) {
  const active = jobs.filter(isJobActive);
  const finished = jobs.filter((j) => !isJobActive(j)).slice(0, MAX_FINISHED);
  return (
    <section className="jobs-panel" aria-label="Jobs" data-testid="jobs-panel">
      <header className="jobs-head">
        <strong>Jobs</strong>
        <span className="muted">
          {active.length ? `${formatCount(active.length)} active` : 'none running'}
        </span>
        <div className="spacer" />
        <button type="button" className="icon-button" aria-label="Hide jobs" onClick={onHide}>
          ×
        </button>
      </header>
      {jobs.length === 0 ? (
        <p className="jobs-empty muted">No score jobs yet. Use Score… to start one.</p>
      ) : null}
      <ul className="jobs-list">
        {[...active, ...finished].map((j) => (
          <JobLine
            key={j.jobId}
            job={j}
            scorer={scorerName(j.scorer, scorers)}
            onCancel={onCancel}
          />
        ))}
      </ul>
    </section>
  );
}

function JobLine({
  job,
  scorer,
  onCancel,
}: {
  job: JobProgress;
  scorer: string;
  onCancel(id: string): void;
}) {
  const [showErrors, setShowErrors] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const active = isJobActive(job);
  const pct = jobPercent(job);
  const settled = job.videosDone + job.videosFailed;
  return (
    <li
      className={`job job-${job.status}`}
      data-testid="job"
      data-status={job.status}
      data-job-id={job.jobId}
    >
      <div className="job-line">
        <span className="job-scorer truncate" title={`${scorer} (${job.scorer})`}>
          {scorer}
        </span>
        <ProviderBadge provider={job.provider} note={job.providerNote} />
        <div
          className="progress-track job-track"
          role="progressbar"
          aria-label={`${scorer} progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-valuetext={`${pct} %, ${formatCount(job.segmentsDone)} of ${formatCount(job.segmentsTotal)} segments`}
          data-testid="job-progress"
        >
          <div className="progress-fill" style={{ width: `${pct}%` }} />
        </div>
        <span className="job-pct mono" data-testid="job-percent">
          {pct} %
        </span>
        <span className="job-counts" data-testid="job-counts">
          {formatCount(settled)}/{formatCount(job.videosTotal)} videos
          {job.videosFailed ? (
            <span className="job-failed-count"> · {formatCount(job.videosFailed)} failed</span>
          ) : null}
        </span>
        {active ? (
          <>
            <span className="muted job-eta">
              {job.status === 'queued' ? 'waiting' : formatEta(job.etaSec)}
            </span>
            <span className="job-current truncate mono" title={job.current ?? undefined}>
              {job.current ? baseName(job.current) : ''}
            </span>
            <button
              type="button"
              data-testid="job-cancel"
              disabled={cancelling}
              onClick={() => {
                setCancelling(true);
                onCancel(job.jobId);
              }}
            >
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          </>
        ) : (
          <>
            <span className={`job-status status-${job.status}`} data-testid="job-status">
              {JOB_STATUS_LABEL[job.status]}
            </span>
            <span className="spacer" />
          </>
        )}
        {job.errors.length ? (
          <button
            type="button"
            className="link-button"
            aria-expanded={showErrors}
            onClick={() => setShowErrors((s) => !s)}
          >
            {showErrors
              ? 'Hide errors'
              : `${formatCount(job.errors.length)} error${job.errors.length === 1 ? '' : 's'}`}
          </button>
        ) : null}
      </div>
      {job.providerNote ? (
        <div className="job-note" data-testid="job-provider-note">
          {job.providerNote}
        </div>
      ) : null}
      {job.replicas?.length ? <ReplicaList replicas={job.replicas} /> : null}
      {showErrors ? (
        <ul className="job-errors" data-testid="job-errors">
          {job.errors.map((e, i) => (
            <li key={`${e.videoId}-${i}`}>
              <span className="mono truncate" title={e.name}>
                {e.name}
              </span>
              <span className="error-text">{e.error}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** "cpu" / "cuda"; the note (why a fallback happened) is also on hover. */
function ProviderBadge({ provider, note }: { provider: string | null; note: string | null }) {
  if (!provider) return <span className="badge badge-missing">provider …</span>;
  return (
    <span
      className={`badge provider-badge${note ? ' fallback' : ''}`}
      title={note ?? `Ran on ${provider}`}
      data-testid="job-provider"
    >
      {provider}
    </span>
  );
}
