// The library's status bar: counts (videos, failed, selected, shown under a filter) and the Jobs
// toggle with the number of active jobs.
import { formatCount, plural } from '../../common/format';

interface LibraryStatusBarProps {
  total: number;
  failed: number;
  selected: number;
  /** Rows matching the filter, when a filter is set. */
  shown: number | null;
  jobsOpen: boolean;
  activeJobs: number;
  onToggleJobs(): void;
}

export function LibraryStatusBar(p: LibraryStatusBarProps) {
  return (
    <footer className="status-bar" data-testid="library-footer">
      <span>{plural(p.total, 'video')}</span>
      <span>· {formatCount(p.failed)} failed</span>
      <span>· {formatCount(p.selected)} selected</span>
      {p.shown !== null ? <span className="muted">· {formatCount(p.shown)} shown</span> : null}
      <div className="spacer" />
      <button
        type="button"
        className="jobs-toggle"
        aria-expanded={p.jobsOpen}
        data-testid="jobs-toggle"
        onClick={p.onToggleJobs}
      >
        Jobs
        {p.activeJobs ? (
          <span className="jobs-badge" aria-label={`${p.activeJobs} active`}>
            {p.activeJobs}
          </span>
        ) : null}
      </button>
    </footer>
  );
}
