// Start screen: create a project, open one, or reopen a recent one.
import { useState } from 'react';
import type { ProjectInfo, RecentProject } from '../../../../src-shared/contract';
import { ErrorOutlet, withErrorScope } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';
import { formatRelativeTime, PROJECT_EXT } from '../../common/format';
import { ErrorBanner } from '../../common/ui/ErrorBanner';
import { FolderBrowser, type BrowseMode } from '../../common/ui/FolderBrowser';

interface ProjectScreenProps {
  onOpened(project: ProjectInfo): void;
}

export const ProjectScreen = withErrorScope(function ProjectScreen({
  onOpened,
}: ProjectScreenProps) {
  const recentCall = useCall('project.recent', {});
  // after "forget", the list the call answered replaces the first one
  const [forgotten, setForgotten] = useState<RecentProject[] | null>(null);
  const recent = forgotten ?? recentCall.data ?? (recentCall.error ? [] : null);
  const info = useCall('app.info', {}, { quiet: true }).data ?? null;
  const [browse, setBrowse] = useState<BrowseMode | null>(null);
  const [pathInput, setPathInput] = useState('');
  const forgetCall = useAction('project.forgetRecent');
  const create = useAction('project.create');
  const open = useAction('project.open');
  const busy = create.pending || open.pending;

  const missing = (recent ?? []).filter((r) => !r.exists).map((r) => r.path);
  const forget = async (paths: string[]) => {
    const r = await forgetCall.run({ paths });
    if (r.ok) setForgotten(r.value);
  };

  const run = async (name: 'project.create' | 'project.open', path: string) => {
    const r = await (name === 'project.create' ? create : open).run({ path });
    if (r.ok) onOpened(r.value);
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

        <ErrorOutlet />
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
});
