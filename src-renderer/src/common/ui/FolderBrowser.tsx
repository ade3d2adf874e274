// Browses folders on the machine that runs the studio's services (fs.listDir), which in the web
// host is not the browser's machine, so the browser's own file picker would be the wrong one.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DirEntry } from '../../../../src-shared/contract';
import { useApi } from '../api/api-context';
import { errorMessage, joinPath, projectFileName, PROJECT_EXT } from '../format';
import { Modal } from './Modal';

export type BrowseMode = 'create' | 'open' | 'import';

interface FolderBrowserProps {
  mode: BrowseMode;
  initialPath?: string;
  onPick(paths: string[]): void;
  onClose(): void;
}

const TITLES: Record<BrowseMode, string> = {
  create: 'New project',
  open: 'Open project',
  import: 'Import videos',
};

const EMPTY_TEXT: Record<BrowseMode, string> = {
  create: 'No subfolders here',
  open: 'No folders or projects here',
  import: 'Empty folder',
};

const KIND_ICON: Record<DirEntry['kind'], string> = {
  dir: '▸',
  video: '▶',
  project: '◆',
  file: '·',
};

/** Which entries each mode shows: creating needs folders, opening needs project files. */
function visibleIn(mode: BrowseMode, e: DirEntry): boolean {
  if (e.kind === 'dir') return true;
  if (mode === 'open') return e.kind === 'project';
  if (mode === 'import') return e.kind !== 'project';
  return e.kind === 'project'; // create: existing projects help pick a free name
}

export function FolderBrowser({ mode, initialPath, onPick, onClose }: FolderBrowserProps) {
  const api = useApi();
  const [dir, setDir] = useState<{
    path: string;
    parent: string | null;
    entries: DirEntry[];
  } | null>(null);
  const [pathInput, setPathInput] = useState(initialPath ?? '');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [name, setName] = useState('Untitled');

  // What the path field held when a listing was requested: if the user typed since, the
  // arriving listing must not overwrite their text.
  const typed = useRef(pathInput);
  const editPath = (value: string) => {
    typed.current = value;
    setPathInput(value);
  };

  const navigate = useCallback(
    async (path?: string) => {
      setLoading(true);
      const before = typed.current;
      try {
        const res = await api.call('fs.listDir', path ? { path } : {});
        setDir(res);
        if (typed.current === before) {
          typed.current = res.path;
          setPathInput(res.path);
        }
        setSelected([]);
        setError(null);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setLoading(false);
      }
    },
    [api],
  );

  useEffect(() => {
    void navigate(initialPath || undefined);
    // Only the first listing uses initialPath; later ones come from user navigation.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const toggle = (path: string) =>
    setSelected((s) => (s.includes(path) ? s.filter((p) => p !== path) : [...s, path]));

  const entries = dir?.entries.filter((e) => visibleIn(mode, e)) ?? [];
  const hidden = (dir?.entries.length ?? 0) - entries.length;
  const existingNames = new Set(dir?.entries.map((e) => e.name));
  const fileName = projectFileName(name);
  const nameTaken = existingNames.has(fileName);

  const pick = () => {
    if (!dir) return;
    if (mode === 'create') onPick([joinPath(dir.path, fileName)]);
    else if (mode === 'open') onPick(selected);
    else onPick(selected.length ? selected : [dir.path]);
  };

  const onEntryClick = (e: DirEntry) => {
    if (e.kind === 'dir') void navigate(e.path);
    else if (mode === 'open' && e.kind === 'project') setSelected([e.path]);
    else if (mode === 'import' && e.kind === 'video') toggle(e.path);
  };

  return (
    <Modal
      title={TITLES[mode]}
      onClose={onClose}
      className="folder-browser"
      testId="folder-browser"
    >
      <form
        className="browser-pathbar"
        onSubmit={(ev) => {
          ev.preventDefault();
          void navigate(pathInput.trim() || undefined);
        }}
      >
        <button
          type="button"
          className="icon-button"
          aria-label="Parent folder"
          title="Parent folder"
          disabled={!dir?.parent}
          onClick={() => dir?.parent && void navigate(dir.parent)}
        >
          ↑
        </button>
        <input
          aria-label="Folder path"
          data-testid="browser-path"
          className="mono"
          value={pathInput}
          spellCheck={false}
          onChange={(ev) => editPath(ev.target.value)}
        />
        <button type="submit">Go</button>
      </form>

      <div className="browser-list" role="list" aria-busy={loading} data-testid="browser-list">
        {error ? <div className="browser-empty error-text">{error}</div> : null}
        {!error && dir && entries.length === 0 ? (
          <div className="browser-empty">{EMPTY_TEXT[mode]}</div>
        ) : null}
        {entries.map((e) => {
          const isSelected = selected.includes(e.path);
          const selectable =
            (mode === 'import' && (e.kind === 'dir' || e.kind === 'video')) ||
            (mode === 'open' && e.kind === 'project');
          return (
            <div
              key={e.path}
              role="listitem"
              className={`browser-entry kind-${e.kind}${isSelected ? ' selected' : ''}`}
              data-testid="browser-entry"
              data-kind={e.kind}
              data-name={e.name}
            >
              {mode === 'import' && selectable ? (
                <input
                  type="checkbox"
                  aria-label={`Select ${e.name}`}
                  checked={isSelected}
                  onChange={() => toggle(e.path)}
                />
              ) : (
                <span className="browser-check-spacer" />
              )}
              <button
                type="button"
                className="browser-entry-name"
                disabled={mode === 'create' && e.kind !== 'dir'}
                onClick={() => onEntryClick(e)}
                onDoubleClick={() => mode === 'open' && e.kind === 'project' && onPick([e.path])}
                title={e.path}
              >
                <span className="kind-icon" aria-hidden="true">
                  {KIND_ICON[e.kind]}
                </span>
                <span className="truncate">{e.name}</span>
              </button>
            </div>
          );
        })}
      </div>

      <footer className="modal-footer browser-footer">
        {mode === 'create' ? (
          <label className="browser-name">
            <span>Name</span>
            <input
              data-testid="project-name"
              value={name}
              onChange={(ev) => setName(ev.target.value)}
              aria-invalid={nameTaken}
            />
            <span className="muted mono">{PROJECT_EXT}</span>
          </label>
        ) : (
          <span className="muted">
            {mode === 'import'
              ? selected.length
                ? `${selected.length} selected`
                : 'Nothing selected: imports the whole folder (recursively)'
              : hidden
                ? `${hidden} other file${hidden === 1 ? '' : 's'} hidden`
                : ''}
          </span>
        )}
        {nameTaken && mode === 'create' ? (
          <span className="error-text">A project with this name exists</span>
        ) : null}
        <div className="spacer" />
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          data-testid="browser-confirm"
          disabled={
            !dir ||
            (mode === 'open' && !selected.length) ||
            (mode === 'create' && (!name.trim() || nameTaken))
          }
          onClick={pick}
        >
          {mode === 'create'
            ? 'Create project'
            : mode === 'open'
              ? 'Open'
              : selected.length
                ? `Import ${selected.length} selected`
                : 'Import this folder'}
        </button>
      </footer>
    </Modal>
  );
}
