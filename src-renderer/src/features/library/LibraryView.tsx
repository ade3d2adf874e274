// The library of the open project: toolbar, virtualized table, import progress, jobs panel and
// footer counts. Navigation (header, panels, review) belongs to the app shell; the library tells
// it its sort, filter and run so the review walks the same order.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SortingState, TableMeta } from '@tanstack/react-table';
import type { LibraryFilter, LibrarySort, VideoRow } from '../../../../src-shared/contract';
import { useApi } from '../../common/api/api-context';
import { useDebounced } from '../../common/hooks/useDebounced';
import { useFileDrop } from '../../common/hooks/useFileDrop';
import { useImport } from './useImport';
import { useJobs } from '../jobs/useJobs';
import { useLibraryRows } from './useLibraryRows';
import { useLibraryRuns } from './useLibraryRuns';
import { RunPicker } from './RunPicker';
import { useSelection } from './useSelection';
import { useSparklines } from './useSparklines';
import { plural } from '../../common/format';
import { ErrorOutlet, usePostError } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';
import { LibraryStatusBar } from './LibraryStatusBar';
import { progressKey } from '../jobs/logic/jobs';
import { FolderBrowser } from '../../common/ui/FolderBrowser';
import { ImportProgressBar, ImportSummaryToast } from './ImportStatus';
import { JobsPanel } from '../jobs/JobsPanel';
import { LibraryTable } from './LibraryTable';
import { libraryColumns, type LibraryItem } from './libraryColumns';
import { LibraryToolbar, type StatusFilter } from './LibraryToolbar';
import { ConfirmDialog } from '../../common/ui/Modal';
import { ScoreDetail } from '../scoring/ScoreDetail';
import { ScoreDialog } from '../scoring/ScoreDialog';
import { useColumnVisibility } from './useColumnVisibility';

const SORT_COLUMN_OF = new Map(libraryColumns.map((c) => [c.id, c.meta?.sortColumn]));
/** While a job runs, new scores are refetched at most this often (scores land per video). */
const SCORE_REFRESH_MS = 2000;

/** What the review needs to walk the library's order with N/P. */
export interface BrowseContext {
  sort: LibrarySort | undefined;
  filter: LibraryFilter;
  runId: number | undefined;
}

interface LibraryViewProps {
  /** a review is open above the library: its keys are not the library's */
  reviewing: boolean;
  onOpenReview(videoId: number, row: VideoRow | null): void;
  onBrowseContext(context: BrowseContext): void;
  /** changes when in-process models were added or removed: the scorer list is asked for again */
  modelsVersion: number;
}

const NO_FACETS = { codecs: [] as string[], ok: 0, failed: 0 };

export function LibraryView({
  reviewing,
  onOpenReview: openReview,
  onBrowseContext,
  modelsVersion,
}: LibraryViewProps) {
  const api = useApi();
  const postError = usePostError();
  const [text, setText] = useState('');
  const debouncedText = useDebounced(text.trim(), 250);
  const [status, setStatus] = useState<StatusFilter>('all');
  const [codec, setCodec] = useState('');
  const [sorting, setSorting] = useState<SortingState>([]);
  const [visibility, setVisibility] = useColumnVisibility();
  const facets =
    useCall('library.facets', {}, { refetchOn: ['library.changed'] }).data ?? NO_FACETS;
  const [browsing, setBrowsing] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [scoring, setScoring] = useState(false);
  const [jobsOpen, setJobsOpen] = useState(false);
  const [detail, setDetail] = useState<{ row: VideoRow; anchor: DOMRect } | null>(null);
  const remove = useAction('library.remove');

  const filter = useMemo<LibraryFilter>(
    () => ({
      text: debouncedText || undefined,
      status: status === 'all' ? undefined : status,
      codec: codec || undefined,
    }),
    [debouncedText, status, codec],
  );
  const sort = useMemo<LibrarySort | undefined>(() => {
    const s = sorting[0];
    const column = s && SORT_COLUMN_OF.get(s.id);
    return s && column ? { column, desc: s.desc } : undefined;
  }, [sorting]);

  const runChoice = useLibraryRuns();
  const { runId } = runChoice;
  useEffect(() => onBrowseContext({ sort, filter, runId }), [onBrowseContext, sort, filter, runId]);
  const rows = useLibraryRows(sort, filter, runId);
  const { rowAt } = rows;
  const idAt = useCallback((i: number) => rowAt(i)?.id, [rowAt]);
  const selection = useSelection(filter, idAt);
  const imports = useImport();
  const jobs = useJobs();
  const sparklines = useSparklines(runId);
  const { refresh: refreshRows } = rows;
  const { reloadScorers } = jobs;
  useEffect(() => {
    if (modelsVersion > 0) reloadScorers();
  }, [modelsVersion, reloadScorers]);
  const { invalidate: refreshSparklines } = sparklines;

  // A running job writes scores video by video; show them without waiting for the job's end
  // (library.changed), but refetch at most every SCORE_REFRESH_MS however chatty progress is.
  const jobKey = progressKey(jobs.jobs);
  const lastRefresh = useRef(0);
  useEffect(() => {
    if (!jobKey) return;
    const wait = Math.max(0, lastRefresh.current + SCORE_REFRESH_MS - Date.now());
    const t = setTimeout(() => {
      lastRefresh.current = Date.now();
      refreshRows();
      refreshSparklines();
    }, wait);
    return () => clearTimeout(t);
  }, [jobKey, refreshRows, refreshSparklines]);

  // A job that is already running when the project opens (resumed) shows its panel.
  const { activeCount } = jobs;
  useEffect(() => {
    if (activeCount > 0) setJobsOpen(true);
  }, [activeCount]);

  const dragging = useFileDrop(
    (paths) => void imports.start(paths),
    () =>
      setNotice(
        'Drag-and-drop needs the desktop app: a browser cannot tell the server where dropped files are. ' +
          'Use Import… to choose files or folders on the server.',
      ),
  );

  const meta = useMemo<TableMeta<LibraryItem>>(
    () => ({
      api,
      isSelected: selection.isSelected,
      onCheck: (item, shift) =>
        item.row && selection.click(item.index, item.row.id, shift ? 'range' : 'toggle'),
      headerCheck: selection.headerState,
      onHeaderCheck: () => void selection.toggleAll().catch((err: unknown) => postError.post(err)),
      sparkline: sparklines.get,
      onScoreClick: (row, anchor) => setDetail({ row, anchor: anchor.getBoundingClientRect() }),
      run: runChoice.info?.runs.find((r) => r.id === runId) ?? null,
      calibration: runId !== undefined ? (runChoice.info?.calibrations[runId] ?? null) : null,
      mosSource: runChoice.info?.mosSource ?? null,
    }),
    [api, postError, selection, sparklines.get, runChoice.info, runId],
  );

  const onRowClick = useCallback(
    (item: LibraryItem, e: React.MouseEvent) => {
      if (!item.row) return;
      const how = e.shiftKey ? 'range' : e.metaKey || e.ctrlKey ? 'toggle' : 'only';
      selection.click(item.index, item.row.id, how);
    },
    [selection],
  );

  const closeDetail = useCallback(() => setDetail(null), []);

  const onRowOpen = useCallback(
    (item: LibraryItem) => item.row && openReview(item.row.id, item.row),
    [openReview],
  );
  // Enter opens the one selected video (the table's rows are not focus targets themselves).
  const onlySelected = selection.ids.size === 1 ? [...selection.ids][0]! : null;
  useEffect(() => {
    if (reviewing || onlySelected === null) return;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (
        e.key !== 'Enter' ||
        e.defaultPrevented ||
        t.closest('input, textarea, select, button, dialog, [role="dialog"]')
      )
        return;
      e.preventDefault();
      openReview(onlySelected, null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [reviewing, onlySelected, openReview]);

  const removeSelected = async () => {
    setConfirmRemove(false);
    if ((await remove.run({ ids: [...selection.ids] })).ok) selection.clear();
  };

  const projectTotal = facets.ok + facets.failed;
  const filtered = !!(filter.text || filter.status || filter.codec);

  return (
    <div className="library" data-testid="library-view">
      <LibraryToolbar
        text={text}
        onText={setText}
        status={status}
        onStatus={setStatus}
        codec={codec}
        codecs={facets.codecs}
        onCodec={setCodec}
        counts={facets}
        visibility={visibility}
        onVisibility={setVisibility}
        selectedCount={selection.ids.size}
        onRemove={() => setConfirmRemove(true)}
        onImport={() => setBrowsing(true)}
        importing={!!imports.progress}
        onScore={() => setScoring(true)}
        onOpen={onlySelected === null ? null : () => openReview(onlySelected, null)}
        runPicker={<RunPicker choice={runChoice} />}
      />

      <ErrorOutlet />
      {notice ? (
        <div className="notice" role="status" data-testid="drop-notice">
          <span>{notice}</span>
          <button type="button" onClick={() => (setNotice(null), setBrowsing(true))}>
            Import…
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss"
            onClick={() => setNotice(null)}
          >
            ×
          </button>
        </div>
      ) : null}
      {imports.progress ? (
        <ImportProgressBar progress={imports.progress} onCancel={() => void imports.cancel()} />
      ) : null}

      <LibraryTable
        rows={rows}
        sorting={sorting}
        onSortingChange={setSorting}
        columnVisibility={visibility}
        meta={meta}
        onRowClick={onRowClick}
        onRowOpen={onRowOpen}
        emptyMessage={
          filtered
            ? 'No videos match the filter.'
            : 'No videos yet. Import a folder, or drop files here in the desktop app.'
        }
      />

      {jobsOpen ? (
        <JobsPanel
          jobs={jobs.jobs}
          scorers={jobs.scorers}
          onCancel={(id) => void jobs.cancel(id)}
          onHide={() => setJobsOpen(false)}
        />
      ) : null}

      <LibraryStatusBar
        total={projectTotal}
        failed={facets.failed}
        selected={selection.ids.size}
        shown={filtered ? rows.total : null}
        jobsOpen={jobsOpen}
        activeJobs={activeCount}
        onToggleJobs={() => setJobsOpen((o) => !o)}
      />

      {imports.summary ? (
        <ImportSummaryToast summary={imports.summary} onDismiss={imports.dismissSummary} />
      ) : null}
      {dragging ? (
        <div className="drop-overlay" aria-hidden="true">
          Drop files or folders to import
        </div>
      ) : null}
      {browsing ? (
        <FolderBrowser
          mode="import"
          onClose={() => setBrowsing(false)}
          onPick={(paths) => {
            setBrowsing(false);
            void imports.start(paths);
          }}
        />
      ) : null}
      {scoring ? (
        <ScoreDialog
          scorers={jobs.scorers}
          selectedIds={selection.ids}
          readableCount={facets.ok}
          onClose={() => setScoring(false)}
          onStarted={() => {
            setScoring(false);
            setJobsOpen(true);
          }}
        />
      ) : null}
      {detail ? (
        <ScoreDetail row={detail.row} runId={runId} anchor={detail.anchor} onClose={closeDetail} />
      ) : null}
      {confirmRemove ? (
        <ConfirmDialog
          title="Remove videos"
          message={
            <p>
              Remove {plural(selection.ids.size, 'video')} from this project? Their scores and
              annotations are removed too. Files on disk are not touched.
            </p>
          }
          confirmLabel="Remove"
          danger
          onConfirm={() => void removeSelected()}
          onCancel={() => setConfirmRemove(false)}
        />
      ) : null}
    </div>
  );
}
