// Column definitions of the library table. Cells read per-table context (the API for thumbnail
// URLs, the selection) from the table's meta, so the definitions stay static.
import { createColumnHelper, type RowData } from '@tanstack/react-table';
import type { ApiClient, LibraryRuns, SortColumn, VideoRow } from '../../../../src-shared/contract';
import type { CalibrationInfo } from '../../../../src-shared/contract-evaluation';
import {
  formatBitrate,
  formatDuration,
  formatFps,
  formatResolution,
  formatScore,
  formatSize,
} from '../../common/format';
import { levelOfScore } from '../../common/scores/score-colors';
import { LevelChip, ScoreValue, Sparkline } from '../../common/scores/ScoreCells';

/** One visible line of the virtual table: its position in the query and its row once loaded. */
export interface LibraryItem {
  index: number;
  row: VideoRow | undefined;
}

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Column label where the header itself shows none (menus, aria). */
    label: string;
    /** Server column to sort by; absent when the column cannot be sorted. */
    sortColumn?: SortColumn;
    numeric?: boolean;
    /** Takes the remaining width. */
    grow?: boolean;
    /** Always shown (not in the column menu). */
    fixed?: boolean;
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface TableMeta<TData extends RowData> {
    api: ApiClient;
    isSelected(id: number): boolean;
    onCheck(item: LibraryItem, shiftKey: boolean): void;
    headerCheck: 'all' | 'some' | 'none';
    onHeaderCheck(): void;
    /** Segment scores of a video for its sparkline; undefined while loading. */
    sparkline(id: number): number[] | undefined;
    /** The score of a row was clicked: show its details next to `anchor`. */
    onScoreClick(row: VideoRow, anchor: HTMLElement): void;
    /** The run the score columns show (named in their header); null when nothing is scored. */
    run: LibraryRuns['runs'][number] | null;
    /** That run's calibration (Predicted MOS); null without one. */
    calibration: CalibrationInfo | null;
    /** Where the MOS column comes from. */
    mosSource: LibraryRuns['mosSource'];
  }
}

const col = createColumnHelper<LibraryItem>();

function Skeleton({ width = '60%' }: { width?: string }) {
  return <span className="skeleton" style={{ width }} aria-hidden="true" />;
}

function StatusBadge({ row }: { row: VideoRow }) {
  if (row.status === 'ok') {
    return (
      <span className="badge badge-ok" data-testid="status-ok">
        ok
      </span>
    );
  }
  const reason = row.error ?? 'Unknown error';
  const tipId = `status-reason-${row.id}`;
  // title serves mouse users; the focusable badge + aria-describedby and the CSS tooltip on
  // :focus-visible serve keyboard and screen-reader users.
  return (
    <span
      className="badge badge-failed has-tooltip"
      data-testid="status-failed"
      title={reason}
      tabIndex={0}
      aria-describedby={tipId}
    >
      failed
      <span id={tipId} role="tooltip" className="tooltip">
        {reason}
      </span>
    </span>
  );
}

/** A sortable column of formatted text, with a skeleton until its row has loaded. */
function textColumn(
  id: string,
  label: string,
  size: number,
  format: (r: VideoRow) => string,
  sort: { sortColumn: SortColumn; numeric?: boolean },
) {
  return col.display({
    id,
    size,
    meta: { label, ...sort },
    header: label,
    cell: ({ row }) => {
      const r = row.original.row;
      return r ? <span data-col={id}>{format(r)}</span> : <Skeleton width="50%" />;
    },
  });
}

export const libraryColumns = [
  col.display({
    id: 'select',
    size: 36,
    meta: { label: 'Select', fixed: true },
    header: ({ table }) => {
      const m = table.options.meta!;
      return (
        <input
          type="checkbox"
          aria-label="Select all matching videos"
          data-testid="select-all"
          checked={m.headerCheck === 'all'}
          ref={(el) => {
            if (el) el.indeterminate = m.headerCheck === 'some';
          }}
          onChange={m.onHeaderCheck}
        />
      );
    },
    cell: ({ row, table }) => {
      const item = row.original;
      const r = item.row;
      if (!r) return null;
      const m = table.options.meta!;
      return (
        <input
          type="checkbox"
          aria-label={`Select ${r.name}`}
          checked={m.isSelected(r.id)}
          onClick={(e) => {
            // Handled here (not onChange) to read shiftKey; stop the row's own click handling.
            e.stopPropagation();
            m.onCheck(item, e.shiftKey);
          }}
          onChange={() => undefined}
        />
      );
    },
  }),
  col.display({
    id: 'thumb',
    size: 80,
    meta: { label: 'Thumbnail' },
    header: () => <span className="visually-hidden">Thumbnail</span>,
    cell: ({ row, table }) => {
      const r = row.original.row;
      return (
        <span className="thumb-box">
          {r?.hasThumb ? (
            <img
              src={table.options.meta!.api.mediaUrl('thumb', r.id)}
              alt=""
              loading="lazy"
              decoding="async"
              width={64}
              height={36}
            />
          ) : null}
        </span>
      );
    },
  }),
  col.display({
    id: 'name',
    size: 260,
    meta: { label: 'Name', sortColumn: 'name', grow: true, fixed: true },
    header: 'Name',
    cell: ({ row }) => {
      const r = row.original.row;
      if (!r) return <Skeleton width="70%" />;
      return (
        <span
          className="name-cell"
          title={r.status === 'failed' && r.error ? `${r.path}\n${r.error}` : r.path}
        >
          <span className="truncate" data-col="name">
            {r.name}
          </span>
          {/* a failed file's reason is what the user needs; the path is in the title */}
          {r.status === 'failed' && r.error ? (
            <span className="truncate name-error" data-testid="failed-reason">
              {r.error}
            </span>
          ) : (
            <span className="truncate name-path mono">{r.path}</span>
          )}
        </span>
      );
    },
  }),
  col.display({
    id: 'videoScore',
    size: 144,
    meta: { label: 'Score', sortColumn: 'videoScore', numeric: true },
    // one run per column: the header names it
    header: ({ table }) => {
      const run = table.options.meta!.run;
      return (
        <span
          className="header-two-line"
          title={run ? `Scores of run ${run.label}` : 'No model run yet'}
        >
          Score
          <small className="muted truncate" data-testid="score-header-run">
            {run ? run.label.split(' · ')[0] : 'no run'}
          </small>
        </span>
      );
    },
    cell: ({ row, table }) => {
      const r = row.original.row;
      if (!r) return <Skeleton width="50%" />;
      if (r.videoScore === null)
        return (
          <span className="muted" data-col="videoScore">
            —
          </span>
        );
      return (
        <button
          type="button"
          className="score-button"
          data-col="videoScore"
          aria-label={`Score ${formatScore(r.videoScore)} of ${r.name}: details`}
          onClick={(e) => {
            // The row's own click would change the selection; this one opens the details.
            e.stopPropagation();
            table.options.meta!.onScoreClick(r, e.currentTarget);
          }}
        >
          <ScoreValue score={r.videoScore} />
        </button>
      );
    },
  }),
  col.display({
    id: 'level',
    size: 84,
    // Levels are bands of the score, so sorting by level is sorting by score.
    meta: { label: 'Level', sortColumn: 'videoScore' },
    header: 'Level',
    cell: ({ row }) => {
      const r = row.original.row;
      if (!r) return <Skeleton width="50%" />;
      return (
        <span data-col="level">
          <LevelChip level={levelOfScore(r.videoScore)} />
        </span>
      );
    },
  }),
  col.display({
    id: 'sparkline',
    size: 84,
    meta: { label: 'Segments' },
    header: 'Segments',
    cell: ({ row, table }) => {
      const r = row.original.row;
      if (!r) return null;
      // Unscored rows have no segments: skip the request.
      const values = r.videoScore === null ? [] : table.options.meta!.sparkline(r.id);
      return <Sparkline values={values} />;
    },
  }),
  col.display({
    id: 'mos',
    size: 72,
    meta: { label: 'MOS', sortColumn: 'mos', numeric: true },
    header: ({ table }) => {
      const src = table.options.meta!.mosSource;
      return (
        <span
          className="header-two-line"
          title={
            src
              ? `${src.label}, scale ${src.scale}`
              : 'No ratings yet: rate videos in review or a study, or import a rating list'
          }
        >
          MOS
          <small className="muted">{src ? src.scale : 'none'}</small>
        </span>
      );
    },
    cell: ({ row }) => {
      const r = row.original.row;
      if (!r) return <Skeleton width="40%" />;
      return (
        <span data-col="mos" className={r.mos == null ? 'muted' : ''}>
          {r.mos == null ? '—' : r.mos.toFixed(2)}
        </span>
      );
    },
  }),
  col.display({
    id: 'predictedMos',
    size: 120,
    meta: { label: 'Predicted MOS', numeric: true },
    header: ({ table }) => {
      const c = table.options.meta!.calibration;
      return (
        <span
          className="header-two-line"
          title={
            c
              ? `MOS predicted for unrated videos by the run's ${c.method} calibration (${c.n} rated videos, ${c.folds}-fold cross-validated SRCC ${c.srcc?.toFixed(2) ?? '—'}); ± its 95 % interval`
              : 'Calibrate the run in Evaluation (needs 8 rated videos) to predict MOS for unrated videos'
          }
        >
          Predicted MOS
          <small className="muted">{c ? `${c.method} · 95 % interval` : 'not calibrated'}</small>
        </span>
      );
    },
    cell: ({ row }) => {
      const r = row.original.row;
      if (!r) return <Skeleton width="40%" />;
      const p = r.predictedMos;
      if (!p)
        return (
          <span className="muted" data-col="predictedMos">
            —
          </span>
        );
      return (
        <span data-col="predictedMos" title={`95 % interval ${p.lo.toFixed(2)}–${p.hi.toFixed(2)}`}>
          {p.mos.toFixed(2)}{' '}
          <span className="muted">
            [{p.lo.toFixed(1)}, {p.hi.toFixed(1)}]
          </span>
        </span>
      );
    },
  }),
  textColumn('durationSec', 'Duration', 96, (r) => formatDuration(r.durationSec), {
    sortColumn: 'durationSec',
    numeric: true,
  }),
  textColumn('resolution', 'Resolution', 112, (r) => formatResolution(r.width, r.height), {
    sortColumn: 'width',
    numeric: true,
  }),
  textColumn('fps', 'FPS', 68, (r) => formatFps(r.fps), { sortColumn: 'fps', numeric: true }),
  textColumn('codec', 'Codec', 84, (r) => r.codec ?? '—', { sortColumn: 'codec' }),
  textColumn('bitrateKbps', 'Bitrate', 96, (r) => formatBitrate(r.bitrateKbps), {
    sortColumn: 'bitrateKbps',
    numeric: true,
  }),
  textColumn('sizeBytes', 'Size', 84, (r) => formatSize(r.sizeBytes), {
    sortColumn: 'sizeBytes',
    numeric: true,
  }),
  col.display({
    id: 'status',
    size: 84,
    meta: { label: 'Status', sortColumn: 'status' },
    header: 'Status',
    cell: ({ row }) => {
      const r = row.original.row;
      return r ? <StatusBadge row={r} /> : <Skeleton width="40%" />;
    },
  }),
];

export const HIDEABLE_COLUMNS = libraryColumns
  .filter((c) => !c.meta?.fixed)
  .map((c) => ({ id: c.id!, label: c.meta!.label }));
