// The application shell: asks the host which project is open (so a reload keeps it), shows the
// start screen or the project, and owns navigation: the project header, the panels over the
// library (pairs, evaluation), the review of one video and the models dialog, all kept in the URL
// (useRoute) so a reload returns to the same view.
import { useCallback, useEffect, useState } from 'react';
import type { ProjectInfo } from '../../../src-shared/contract';
import { useApi } from '../common/api/api-context';
import { ErrorScope } from '../common/data/error-sink';
import { useAction } from '../common/data/useAction';
import { ErrorBanner } from '../common/ui/ErrorBanner';
import { errorCode, errorMessage } from '../common/format';
import type { OpenVideo } from '../common/open-video';
import { LibraryView, type BrowseContext } from '../features/library/LibraryView';
import { ProjectScreen } from '../features/projects/ProjectScreen';
import { PairsView } from '../features/pairs/PairsView';
import { EvaluationView } from '../features/evaluation/EvaluationView';
import { ReviewView } from '../features/review/ReviewView';
import { ModelsDialog } from '../features/scoring/models/ModelsDialog';
import { useRoute } from './useRoute';

type Loaded =
  | { state: 'loading' }
  | { state: 'ready'; project: ProjectInfo | null }
  | { state: 'error'; message: string; code: string | null };

export function AppShell() {
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
    // key: a different project starts with fresh filters, selection, cache and view.
    <ProjectShell
      key={app.project.path}
      project={app.project}
      onClosed={() => setApp({ state: 'ready', project: null })}
    />
  ) : (
    <ProjectScreen onOpened={(project) => setApp({ state: 'ready', project })} />
  );
}

const NO_CONTEXT: BrowseContext = { sort: undefined, filter: {}, runId: undefined };

function ProjectShell({ project, onClosed }: { project: ProjectInfo; onClosed(): void }) {
  const nav = useRoute();
  const [modelsOpen, setModelsOpen] = useState(false);
  // bumped when the models dialog closes: the library asks for its scorer list again
  const [modelsVersion, setModelsVersion] = useState(0);
  // the library's sort, filter and run: the review's N/P walk the same order
  const [browse, setBrowse] = useState<BrowseContext>(NO_CONTEXT);
  const close = useAction('project.close');
  const { openReview } = nav;
  const openVideo: OpenVideo = useCallback(
    (videoId, atSec) => openReview(videoId, null, atSec),
    [openReview],
  );

  return (
    <div className="app-frame">
      <ErrorScope>
        <header className="app-header">
          <span className="app-mark">
            VQA<sup>2</sup>
          </span>
          <h1 className="project-name" data-testid="project-title" title={project.path}>
            {project.name}
          </h1>
          <span className="project-path mono truncate muted">{project.path}</span>
          <div className="spacer" />
          <button type="button" data-testid="open-pairs" onClick={() => nav.showPanel('pairs')}>
            Pairs
          </button>
          <button
            type="button"
            data-testid="open-evaluation"
            onClick={() => nav.showPanel('evaluation')}
          >
            Evaluation
          </button>
          <button
            type="button"
            data-testid="open-models"
            onClick={() => setModelsOpen(true)}
            title="In-process model folders (every project)"
          >
            Models…
          </button>
          <button
            type="button"
            data-testid="close-project"
            disabled={close.pending}
            onClick={() => void close.run({}).then((r) => r.ok && onClosed())}
          >
            Close
          </button>
        </header>
        <LibraryView
          reviewing={nav.reviewId !== null}
          onOpenReview={openReview}
          onBrowseContext={setBrowse}
          modelsVersion={modelsVersion}
        />
      </ErrorScope>
      {modelsOpen ? (
        <ModelsDialog
          onClose={() => {
            setModelsOpen(false);
            setModelsVersion((v) => v + 1);
          }}
        />
      ) : null}
      {nav.panel === 'pairs' ? (
        <PairsView project={project} onBack={() => nav.showPanel(null)} onOpenVideo={openVideo} />
      ) : null}
      {nav.panel === 'evaluation' ? (
        <EvaluationView
          project={project}
          onBack={() => nav.showPanel(null)}
          onOpenVideo={openVideo}
        />
      ) : null}
      {nav.reviewId !== null ? (
        <ReviewView
          key="review"
          videoId={nav.reviewId}
          initialRow={nav.reviewRow}
          initialTimeSec={nav.reviewAtSec}
          sort={browse.sort}
          filter={browse.filter}
          runId={browse.runId}
          onBack={nav.closeReview}
          onOpen={(id) => openReview(id, null)}
        />
      ) : null}
    </div>
  );
}
