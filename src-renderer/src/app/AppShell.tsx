// Top level: asks the host which project is open (so a reload keeps it) and shows either the
// start screen or the library.
import { useEffect, useState } from 'react';
import type { ProjectInfo } from '../../../src-preload/contract';
import { useApi } from '../shared/api/api-context';
import { ErrorBanner } from '../shared/ui/ErrorBanner';
import { LibraryView } from '../features/library/LibraryView';
import { ProjectScreen } from '../features/projects/ProjectScreen';
import { errorCode, errorMessage } from '../shared/format';

type Loaded =
  | { state: 'loading' }
  | { state: 'ready'; project: ProjectInfo | null }
  | { state: 'error'; message: string; code: string | null };

export function App() {
  const api = useApi();
  const [app, setApp] = useState<Loaded>({ state: 'loading' });

  useEffect(() => {
    api.call('project.current', {}).then(
      (project) => setApp({ state: 'ready', project }),
      (err: unknown) =>
        setApp({ state: 'error', message: errorMessage(err), code: errorCode(err) }),
    );
    // Another window, the CLI or a close on the server can change the open project.
    return api.on('project.changed', ({ project }) => setApp({ state: 'ready', project }));
  }, [api]);

  useEffect(() => {
    const name = app.state === 'ready' && app.project ? `${app.project.name} — ` : '';
    document.title = `${name}VQA² Studio`;
  }, [app]);

  if (app.state === 'loading') return <div className="splash" aria-busy="true" />;
  if (app.state === 'error') {
    return (
      <main className="project-screen">
        <div className="project-panel">
          <h1>VQA² Studio</h1>
          <ErrorBanner message={app.message} code={app.code} />
          <p className="muted">
            If you opened this page from a <code>vqa2 serve</code> link, check that the server is
            still running and that the address includes its <code>?token=</code>.
          </p>
          <button type="button" onClick={() => window.location.reload()}>
            Retry
          </button>
        </div>
      </main>
    );
  }
  return app.project ? (
    // key: a different project starts with fresh filters, selection and cache.
    <LibraryView
      key={app.project.path}
      project={app.project}
      onClose={() => setApp({ state: 'ready', project: null })}
    />
  ) : (
    <ProjectScreen onOpened={(project) => setApp({ state: 'ready', project })} />
  );
}
