// The open project: header, toolbar, virtualized table, import progress and footer counts.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SortingState, TableMeta, VisibilityState } from '@tanstack/react-table';
import type { LibraryFilter, LibrarySort, ProjectInfo } from '../../../src-preload/contract';
import { useApi } from '../api-context';
import { useDebounced } from '../hooks/useDebounced';
import { useFileDrop } from '../hooks/useFileDrop';
import { useImport } from '../hooks/useImport';
import { useLibraryRows } from '../hooks/useLibraryRows';
import { useSelection } from '../hooks/useSelection';
import { errorMessage, formatCount, plural } from '../lib/format';
import { ErrorBanner } from './ErrorBanner';
import { FolderBrowser } from './FolderBrowser';
import { ImportProgressBar, ImportSummaryToast } from './ImportStatus';
import { LibraryTable } from './LibraryTable';
import { libraryColumns, type LibraryItem } from './libraryColumns';
import { LibraryToolbar, type StatusFilter } from './LibraryToolbar';
import { ConfirmDialog } from './Modal';

const VISIBILITY_KEY = 'vqa2.library.columns';
const SORT_COLUMN_OF = new Map(libraryColumns.map((c) => [c.id, c.meta?.sortColumn]));

function loadVisibility(): VisibilityState {
  try {
    return JSON.parse(localStorage.getItem(VISIBILITY_KEY) ?? '{}') as VisibilityState;
  } catch {
    return {};
  }
}

interface LibraryViewProps {
  project: ProjectInfo;
  onClose(): void;
}

export function LibraryView({ project, onClose }: LibraryViewProps) {
  const api = useApi();
  const [text, setText] = useState('');
  const debouncedText = useDebounced(text.trim(), 250);
  const [status, setStatus] = useState<StatusFilter>('all');
  const [codec, setCodec] = useState('');
  const [sorting, setSorting] = useState<SortingState>([]);
  const [visibility, setVisibility] = useState<VisibilityState>(loadVisibility);
  const [facets, setFacets] = useState({ codecs: [] as string[], ok: 0, failed: 0 });
  const [browsing, setBrowsing] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

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

  const rows = useLibraryRows(sort, filter);
  const { rowAt } = rows;
  const idAt = useCallback((i: number) => rowAt(i)?.id, [rowAt]);
  const selection = useSelection(filter, idAt);
  const imports = useImport();

  useEffect(() => {
    const refresh = () =>
      api.call('library.facets', {}).then(setFacets, (err: unknown) => setError(errorMessage(err)));
    void refresh();
    return api.on('library.changed', () => void refresh());
  }, [api]);

  useEffect(() => localStorage.setItem(VISIBILITY_KEY, JSON.stringify(visibility)), [visibility]);

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
      onHeaderCheck: () =>
        void selection.toggleAll().catch((err: unknown) => setError(errorMessage(err))),
    }),
    [api, selection],
  );

  const onRowClick = useCallback(
    (item: LibraryItem, e: React.MouseEvent) => {
      if (!item.row) return;
      const how = e.shiftKey ? 'range' : e.metaKey || e.ctrlKey ? 'toggle' : 'only';
      selection.click(item.index, item.row.id, how);
    },
    [selection],
  );

  const removeSelected = async () => {
    setConfirmRemove(false);
    try {
      await api.call('library.remove', { ids: [...selection.ids] });
      selection.clear();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const closeProject = async () => {
    try {
      await api.call('project.close', {});
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const projectTotal = facets.ok + facets.failed;
  const filtered = !!(filter.text || filter.status || filter.codec);

  return (
    <div className="library" data-testid="library-view">
      <header className="app-header">
        <span className="app-mark">
          VQA<sup>2</sup>
        </span>
        <h1 className="project-name" data-testid="project-title" title={project.path}>
          {project.name}
        </h1>
        <span className="project-path mono truncate muted">{project.path}</span>
        <div className="spacer" />
        <button type="button" data-testid="close-project" onClick={() => void closeProject()}>
          Close
        </button>
      </header>

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
      />

      <ErrorBanner
        message={error ?? imports.error ?? rows.error}
        onDismiss={() => (setError(null), imports.dismissError())}
      />
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
        emptyMessage={
          filtered
            ? 'No videos match the filter.'
            : 'No videos yet. Import a folder, or drop files here in the desktop app.'
        }
      />

      <footer className="status-bar" data-testid="library-footer">
        <span>{plural(projectTotal, 'video')}</span>
        <span>· {formatCount(facets.failed)} failed</span>
        <span>· {formatCount(selection.ids.size)} selected</span>
        {filtered && rows.total !== null ? (
          <span className="muted">· {formatCount(rows.total)} shown</span>
        ) : null}
      </footer>

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
