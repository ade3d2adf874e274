// Model scores against MOS, study statistics and rating studies: the metric table (runs
// side by side), the scatter plot with the fitted logistic, subset breakdown, human-rating
// statistics, and the rating studies (create, run a session).
import { useEffect, useState } from 'react';
import type { ProjectInfo } from '../../../../src-shared/contract';
import type { EvalSubsetBy } from '../../../../src-shared/contract-evaluation';
import { useApi } from '../../common/api/api-context';
import { ErrorOutlet, withErrorScope } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';
import type { OpenVideo } from '../../common/open-video';
import { MetricTable } from './MetricTable';
import { CalibrationPanel } from './CalibrationPanel';
import { ScatterPlot } from './ScatterPlot';
import { SubjectivePanel } from './SubjectivePanel';
import { StudiesPanel } from './StudiesPanel';
import { StudySessionScreen } from './StudySessionScreen';
import { ImportDialog } from '../pairs/ImportDialog';
import './evaluation.css';

export interface EvaluationViewProps {
  project: ProjectInfo;
  onBack(): void;
  onOpenVideo: OpenVideo;
}

type Tab = 'metrics' | 'studies';

export const EvaluationView = withErrorScope(function EvaluationView({
  project,
  onBack,
  onOpenVideo,
}: EvaluationViewProps) {
  const api = useApi();
  const [tab, setTab] = useState<Tab>('metrics');
  const [importing, setImporting] = useState(false);
  const overviewCall = useCall('eval.overview', {}, { refetchOn: ['study.changed'] });
  const overview = overviewCall.data ?? null;
  const loadOverview = overviewCall.refetch;
  const [source, setSource] = useState<string | null>(null);
  const [runIds, setRunIds] = useState<number[] | null>(null);
  const [excludeRejected, setExcludeRejected] = useState(false);
  const [studyId, setStudyId] = useState<number | null>(null);
  const [subsetBy, setSubsetBy] = useState<EvalSubsetBy | null>(null);
  const cancelCall = useAction('eval.cancel');
  const [sessionStudy, setSessionStudy] = useState<number | null>(null);
  const [progress, setProgress] = useState<{
    done: number;
    total: number;
    etaSec: number | null;
  } | null>(null);

  useEffect(() => api.on('eval.progress', setProgress), [api]);

  // the first overview picks the MOS source and the runs; later ones keep the user's choice
  useEffect(() => {
    if (!overview) return;
    setSource((s) => s ?? overview.sources[0]?.id ?? null);
    // runs side by side: the newest three that scored something
    setRunIds(
      (r) =>
        r ??
        overview.runs
          .filter((x) => x.scoredVideos > 0)
          .slice(0, 3)
          .map((x) => x.id),
    );
  }, [overview]);

  const computing = !!source && !!runIds && runIds.length > 0;
  const compute = useCall(
    'eval.compute',
    {
      source: source ?? '',
      runIds: runIds ?? [],
      excludeRejected,
      subsetBy,
      ...(source === 'annotations' && studyId !== null ? { studyId } : {}),
    },
    { enabled: computing },
  );
  // a changed overview (a study rated, ratings imported) may change the figures
  const recompute = compute.refetch;
  useEffect(() => recompute(), [overview, recompute]);
  // the last result stays shown (dimmed) while the next one computes
  const result = computing ? (compute.data ?? null) : null;
  const busy = computing && compute.loading;
  useEffect(() => {
    if (busy) setProgress(null);
  }, [busy]);

  if (sessionStudy !== null) {
    return (
      <StudySessionScreen
        studyId={sessionStudy}
        onExit={() => {
          setSessionStudy(null);
          loadOverview();
        }}
      />
    );
  }

  const toggleRun = (id: number) =>
    setRunIds((cur) => {
      const set = new Set(cur ?? []);
      if (set.has(id)) set.delete(id);
      else set.add(id);
      return (overview?.runs ?? []).map((r) => r.id).filter((x) => set.has(x));
    });

  return (
    <div className="overlay-view evaluation-view" data-testid="evaluation-view">
      <header className="app-header">
        <button type="button" data-testid="evaluation-back" onClick={onBack}>
          ← Library
        </button>
        <h1 className="project-name">Evaluation — {project.name}</h1>
        <nav className="eval-tabs" role="tablist">
          {(['metrics', 'studies'] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={tab === t ? 'active' : ''}
              data-testid={`eval-tab-${t}`}
              onClick={() => setTab(t)}
            >
              {t === 'metrics' ? 'Model vs MOS' : 'Rating studies'}
            </button>
          ))}
        </nav>
        {busy ? (
          <span className="eval-busy" role="status" data-testid="eval-progress">
            {progress && progress.total > 0
              ? `Bootstrap ${progress.done} / ${progress.total}${progress.etaSec != null ? ` · ~${Math.ceil(progress.etaSec)} s left` : ''}`
              : 'Computing…'}
            <button type="button" onClick={() => void cancelCall.run({})} data-testid="eval-cancel">
              Cancel
            </button>
          </span>
        ) : null}
      </header>
      <ErrorOutlet />
      {tab === 'studies' ? (
        <StudiesPanel overview={overview} onChanged={loadOverview} onStart={setSessionStudy} />
      ) : !overview ? (
        <p className="eval-empty">Loading…</p>
      ) : overview.sources.length === 0 || overview.runs.length === 0 ? (
        <div className="eval-empty" data-testid="eval-empty">
          <p>
            {overview.sources.length === 0
              ? 'This project has no MOS yet: rate videos in the review view, run a rating study, or import a rating list.'
              : 'No model has scored this project yet: score videos from the library first.'}
          </p>
          {overview.sources.length === 0 ? (
            <div className="eval-empty-actions">
              <button
                type="button"
                className="primary"
                data-testid="eval-start-study"
                onClick={() => setTab('studies')}
              >
                Start a rating study…
              </button>
              <button
                type="button"
                data-testid="eval-import-ratings"
                onClick={() => setImporting(true)}
              >
                Import a rating list…
              </button>
            </div>
          ) : null}
        </div>
      ) : (
        <div className="eval-body">
          <section className="eval-controls" aria-label="Evaluation settings">
            <label>
              MOS source
              <select
                value={source ?? ''}
                data-testid="eval-source"
                onChange={(e) => setSource(e.target.value)}
              >
                {overview.sources.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.label} — scale {s.scale}, {s.videos} videos
                  </option>
                ))}
              </select>
            </label>
            {source === 'annotations' && overview.studies.length ? (
              <label>
                Votes
                <select
                  value={studyId ?? ''}
                  onChange={(e) => setStudyId(e.target.value ? Number(e.target.value) : null)}
                  data-testid="eval-study-filter"
                >
                  <option value="">All votes (review and studies)</option>
                  {overview.studies.map((st) => (
                    <option key={st.id} value={st.id}>
                      Study “{st.name}” only
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            {source === 'annotations' ? (
              <label className="eval-check">
                <input
                  type="checkbox"
                  checked={excludeRejected}
                  onChange={(e) => setExcludeRejected(e.target.checked)}
                  data-testid="eval-exclude-rejected"
                />
                Exclude observers rejected by BT.500 screening
              </label>
            ) : null}
            <fieldset className="eval-runs">
              <legend>Model runs</legend>
              {overview.runs.map((r) => (
                <label key={r.id} className="eval-check">
                  <input
                    type="checkbox"
                    checked={runIds?.includes(r.id) ?? false}
                    onChange={() => toggleRun(r.id)}
                    data-testid={`eval-run-${r.id}`}
                  />
                  {r.label}
                  {r.finished ? '' : <span className="muted"> (unfinished)</span>}
                </label>
              ))}
            </fieldset>
          </section>
          {result ? (
            <div
              className={busy ? 'eval-results eval-stale' : 'eval-results'}
              aria-busy={busy}
              data-testid="eval-results"
            >
              <MetricTable result={result} projectName={project.name} />
              <CalibrationPanel result={result} />
              <div className="eval-row">
                <ScatterPlot result={result} onOpenVideo={onOpenVideo} projectName={project.name} />
                <SubjectivePanel result={result} projectName={project.name} />
              </div>
              <section className="eval-card" aria-label="Subset breakdown">
                <header className="eval-card-header">
                  <h2>Subsets</h2>
                  <select
                    value={subsetBy ?? ''}
                    data-testid="eval-subset-by"
                    onChange={(e) => setSubsetBy((e.target.value || null) as EvalSubsetBy | null)}
                  >
                    <option value="">No breakdown</option>
                    <option value="codec">by codec</option>
                    <option value="resolution">by resolution</option>
                    <option value="tag">by distortion tag</option>
                  </select>
                </header>
                {subsetBy ? (
                  <MetricTable result={result} projectName={project.name} subsets />
                ) : (
                  <p className="muted">Choose a breakdown to see the metrics per subset.</p>
                )}
              </section>
            </div>
          ) : runIds && runIds.length === 0 ? (
            <p className="eval-empty">Tick at least one model run.</p>
          ) : null}
        </div>
      )}
      {importing ? (
        <ImportDialog
          initialKind="ratings"
          onImported={loadOverview}
          onClose={() => setImporting(false)}
        />
      ) : null}
    </div>
  );
});
