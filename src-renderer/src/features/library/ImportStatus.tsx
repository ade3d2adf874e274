// The running import's progress bar and the summary toast shown when it ends.
import { useEffect, useState } from 'react';
import type {
  ImportProgress,
  ImportSkipKind,
  ImportSummary,
} from '../../../../src-shared/contract';
import { baseName, formatCount, formatEta, plural } from '../../common/format';

export function ImportProgressBar({
  progress,
  onCancel,
}: {
  progress: ImportProgress;
  onCancel(): void;
}) {
  const [cancelling, setCancelling] = useState(false);
  const { done, total } = progress;
  const pct = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  const scanning = progress.phase === 'scanning';
  return (
    <div className="import-progress" data-testid="import-progress" role="status" aria-live="polite">
      <div className="import-progress-line">
        <strong>{scanning ? 'Scanning…' : 'Importing'}</strong>
        {total > 0 ? (
          <span className="mono" data-testid="import-count">
            {formatCount(done)} / {formatCount(total)}
          </span>
        ) : null}
        <span className="muted">
          {formatCount(progress.added)} added · {formatCount(progress.failed)} failed ·{' '}
          {formatCount(progress.skipped)} skipped
        </span>
        <span className="muted">{scanning ? '' : formatEta(progress.etaSec)}</span>
        <span className="import-current truncate mono" title={progress.current ?? undefined}>
          {progress.current ? baseName(progress.current) : ''}
        </span>
        <button
          type="button"
          data-testid="import-cancel"
          disabled={cancelling}
          onClick={() => {
            setCancelling(true);
            onCancel();
          }}
        >
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <div
        className={`progress-track${scanning ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        <div className="progress-fill" style={{ width: scanning ? undefined : `${pct}%` }} />
      </div>
    </div>
  );
}

const SKIP_LABELS: Record<ImportSkipKind, [string, string]> = {
  'not-video': ['not a video file type', 'not video file types'],
  'in-project': ['already in the project', 'already in the project'],
  duplicate: ['duplicate', 'duplicates'],
  unreadable: ['unreadable', 'unreadable'],
};

/** "2 not video file types, 1 already in the project": why things were skipped, most common first. */
export function skipBreakdown(items: ImportSummary['skippedItems']): string {
  const counts = new Map<ImportSkipKind, number>();
  for (const s of items) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${formatCount(n)} ${SKIP_LABELS[kind][n === 1 ? 0 : 1]}`)
    .join(', ');
}

export function ImportSummaryToast({
  summary,
  onDismiss,
}: {
  summary: ImportSummary;
  onDismiss(): void;
}) {
  const [expanded, setExpanded] = useState(false);
  // A clean import needs no attention: let it go by itself. Failures and skips stay until read.
  const clean = !summary.failed && !summary.skipped && !summary.cancelled;
  useEffect(() => {
    if (!clean) return;
    const t = setTimeout(onDismiss, 8000);
    return () => clearTimeout(t);
  }, [clean, onDismiss]);
  const title = summary.cancelled ? 'Import cancelled' : 'Import finished';
  return (
    <div className="toast" role="status" data-testid="import-summary">
      <div className="toast-line">
        <strong>{title}</strong>
        <span className="muted">in {summary.elapsedSec.toFixed(1)} s</span>
        <div className="spacer" />
        {summary.skippedItems.length ? (
          <button
            type="button"
            className="link-button"
            aria-expanded={expanded}
            onClick={() => setExpanded((e) => !e)}
          >
            {expanded ? 'Hide details' : 'Details'}
          </button>
        ) : null}
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      </div>
      <div className="toast-text">
        {plural(summary.added, 'video')} added · {formatCount(summary.failed)} failed ·{' '}
        <span data-testid="import-skipped">{formatCount(summary.skipped)} skipped</span>
        {summary.skippedItems.length ? (
          <span className="muted" data-testid="import-skip-reasons">
            {' '}
            ({skipBreakdown(summary.skippedItems)})
          </span>
        ) : null}
      </div>
      {expanded ? (
        <ul className="toast-details" data-testid="import-skipped-items">
          {summary.skippedItems.map((s) => (
            <li key={s.path} data-kind={s.kind}>
              <span className="mono truncate" title={s.path}>
                {s.path}
              </span>
              <span className="muted">{s.reason}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
