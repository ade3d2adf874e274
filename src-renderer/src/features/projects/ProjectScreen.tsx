// Start screen: create a project, open one, or reopen a recent one.
import { useEffect, useState } from 'react';
import type { AppInfo, ProjectInfo, RecentProject } from '../../../../src-preload/contract';
import { useApi } from '../../shared/api/api-context';
import { errorCode, errorMessage, formatRelativeTime, PROJECT_EXT } from '../../shared/format';
import { ErrorBanner } from '../../shared/ui/ErrorBanner';
import { FolderBrowser, type BrowseMode } from '../../shared/ui/FolderBrowser';

interface ProjectScreenProps {
  onOpened(project: ProjectInfo): void;
}

export function ProjectScreen({ onOpened }: ProjectScreenProps) {
  const api = useApi();
  const [recent, setRecent] = useState<RecentProject[] | null>(null);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [browse, setBrowse] = useState<BrowseMode | null>(null);
  const [pathInput, setPathInput] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; code: string | null } | null>(null);

  useEffect(() => {
    api.call('project.recent', {}).then(setRecent, (err: unknown) => {
      setRecent([]);
      setError({ message: errorMessage(err), code: errorCode(err) });
    });
    api.call('app.info', {}).then(setInfo, () => undefined);
  }, [api]);

  const missing = (recent ?? []).filter((r) => !r.exists).map((r) => r.path);
  const forget = async (paths: string[]) => {
    try {
      setRecent(await api.call('project.forgetRecent', { paths }));
    } catch (err) {
      setError({ message: errorMessage(err), code: errorCode(err) });
    }
  };

  const run = async (name: 'project.create' | 'project.open', path: string) => {
    setBusy(true);
    setError(null);
    try {
      onOpened(await api.call(name, { path }));
    } catch (err) {
      setError({ message: errorMessage(err), code: errorCode(err) });
    } finally {
      setBusy(false);
    }
  };

  const typedPath = pathInput.trim();
  const ffmpegError = info && 'error' in info.ffmpeg ? info.ffmpeg.error : null;

  return (
    <main className="project-screen" data-testid="project-screen">
      <div className="project-panel">
        <header className="brand">
          <h1>
            VQA<sup>2</sup> Studio
          </h1>
          <p className="muted">Video quality assessment and annotation</p>
        </header>

        <ErrorBanner
          message={error?.message ?? null}
          code={error?.code}
          onDismiss={() => setError(null)}
        />
        {ffmpegError ? <ErrorBanner message={`ffmpeg is not available: ${ffmpegError}`} /> : null}

        <section className="project-actions" aria-label="Start">
          <button
            type="button"
            className="primary big"
            data-testid="new-project"
            disabled={busy}
            onClick={() => setBrowse('create')}
          >
            New project…
          </button>
          <button
            type="button"
            className="big"
            data-testid="open-project"
            disabled={busy}
            onClick={() => setBrowse('open')}
          >
            Open project…
          </button>
        </section>

        <form
          className="path-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (typedPath) void run('project.open', typedPath);
          }}
        >
          <label htmlFor="project-path" className="section-label">
            Or type a project path on the server
          </label>
          <div className="row">
            <input
              id="project-path"
              className="mono grow"
              placeholder={`/data/study${PROJECT_EXT}`}
              spellCheck={false}
              value={pathInput}
              onChange={(e) => setPathInput(e.target.value)}
            />
            <button type="submit" disabled={!typedPath || busy}>
              Open
            </button>
            <button
              type="button"
              disabled={!typedPath || busy}
              onClick={() => void run('project.create', typedPath)}
            >
              Create
            </button>
          </div>
        </form>

        <section aria-labelledby="recent-title" className="recent">
          <div className="recent-head">
            <h2 id="recent-title" className="section-label">
              Recent projects
            </h2>
            {missing.length ? (
              <button
                type="button"
                className="small"
                data-testid="forget-missing"
                onClick={() => void forget(missing)}
              >
                Remove{' '}
                {missing.length === 1
                  ? 'the missing project'
                  : `${missing.length} missing projects`}{' '}
                from the list
              </button>
            ) : null}
          </div>
          {recent === null ? <p className="muted">Loading…</p> : null}
          {recent?.length === 0 ? <p className="muted">No recent projects yet.</p> : null}
          <ul className="recent-list" data-testid="recent-list">
            {recent?.map((r) => (
              <li key={r.path} className="recent-row">
                <button
                  type="button"
                  className={`recent-item${r.exists ? '' : ' missing'}`}
                  data-testid="recent-project"
                  data-exists={r.exists}
                  disabled={!r.exists || busy}
                  title={r.exists ? r.path : `${r.path} (not found)`}
                  onClick={() => void run('project.open', r.path)}
                >
                  <span className="recent-name">{r.name}</span>
                  <span className="recent-path mono truncate">{r.path}</span>
                  <span className="recent-when">
                    {r.exists ? (
                      formatRelativeTime(r.openedAt)
                    ) : (
                      <span className="badge badge-missing">not found</span>
                    )}
                  </span>
                </button>
                <button
                  type="button"
                  className="recent-forget"
                  data-testid="forget-recent"
                  aria-label={`Remove ${r.name} from the list`}
                  title="Remove from the list (the project file is kept)"
                  onClick={() => void forget([r.path])}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        </section>

        {info ? (
          <footer className="app-info muted">
            v{info.version} · {info.host === 'web' ? 'web host' : 'desktop'} · {info.platform}
          </footer>
        ) : null}
      </div>

      {browse ? (
        <FolderBrowser
          mode={browse}
          onClose={() => setBrowse(null)}
          onPick={(paths) => {
            setBrowse(null);
            const [path] = paths;
            if (path) void run(browse === 'create' ? 'project.create' : 'project.open', path);
          }}
        />
      ) : null}
    </main>
  );
}
