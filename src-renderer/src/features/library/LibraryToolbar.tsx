// Filters, column menu and actions above the library table.
import type { ReactNode } from 'react';
import type { VisibilityState } from '@tanstack/react-table';
import { formatCount } from '../../common/format';
import { ColumnMenu } from './ColumnMenu';

export type StatusFilter = 'all' | 'ok' | 'failed';

interface LibraryToolbarProps {
  text: string;
  onText(t: string): void;
  status: StatusFilter;
  onStatus(s: StatusFilter): void;
  codec: string;
  codecs: string[];
  onCodec(c: string): void;
  counts: { ok: number; failed: number };
  visibility: VisibilityState;
  onVisibility(v: VisibilityState): void;
  selectedCount: number;
  onRemove(): void;
  onImport(): void;
  importing: boolean;
  onScore(): void;
  /** Opens the one selected video in the review view; null when not exactly one is selected. */
  onOpen: (() => void) | null;
  /** The model-run picker (which run the score columns show). */
  runPicker?: ReactNode;
}

const STATUS_OPTIONS: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'ok', label: 'OK' },
  { value: 'failed', label: 'Failed' },
];

export function LibraryToolbar(p: LibraryToolbarProps) {
  const countFor = (s: StatusFilter) =>
    s === 'all' ? p.counts.ok + p.counts.failed : s === 'ok' ? p.counts.ok : p.counts.failed;
  return (
    <div className="toolbar" role="toolbar" aria-label="Library">
      <input
        type="search"
        className="filter-input"
        placeholder="Filter by name or path"
        aria-label="Filter by name or path"
        data-testid="filter-text"
        value={p.text}
        onChange={(e) => p.onText(e.target.value)}
      />
      <div className="segmented" role="radiogroup" aria-label="Status" data-testid="filter-status">
        {STATUS_OPTIONS.map((o) => (
          <button
            key={o.value}
            type="button"
            role="radio"
            aria-checked={p.status === o.value}
            data-value={o.value}
            className={p.status === o.value ? 'active' : ''}
            onClick={() => p.onStatus(o.value)}
          >
            {o.label} <span className="count">{formatCount(countFor(o.value))}</span>
          </button>
        ))}
      </div>
      <select
        aria-label="Codec"
        data-testid="filter-codec"
        value={p.codec}
        onChange={(e) => p.onCodec(e.target.value)}
      >
        <option value="">All codecs</option>
        {p.codecs.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      {p.runPicker}
      <ColumnMenu visibility={p.visibility} onChange={p.onVisibility} />
      <div className="spacer" />
      {p.selectedCount ? (
        <button
          type="button"
          className="danger-outline"
          data-testid="remove-selected"
          onClick={p.onRemove}
        >
          Remove {formatCount(p.selectedCount)}…
        </button>
      ) : null}
      <button
        type="button"
        data-testid="open-review"
        disabled={!p.onOpen}
        title="Review the selected video (Enter, or double-click a row)"
        onClick={() => p.onOpen?.()}
      >
        Open
      </button>
      <button type="button" data-testid="score-button" onClick={p.onScore}>
        Score…
      </button>
      <button
        type="button"
        className="primary"
        data-testid="import-button"
        disabled={p.importing}
        onClick={p.onImport}
      >
        Import…
      </button>
    </div>
  );
}
