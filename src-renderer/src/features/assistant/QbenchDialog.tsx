// Q-Bench-Video-style question sets: run one against an engine (progress, cancel) and read the
// accuracy table — overall, by question type and by category — of this and earlier runs.
import { useEffect, useState } from 'react';
import type { EngineView } from '../../../../src-shared/contract-assistant';
import type { ModelView } from '../../../../src-shared/contract-models';
import { useApi } from '../../common/api/api-context';
import { withErrorScope } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';
import { formatEta } from '../../common/format';
import { Modal } from '../../common/ui/Modal';

const NONE: never[] = [];
const pct = (a: number | null) => (a == null ? '—' : `${(a * 100).toFixed(1)}%`);

export const QbenchDialog = withErrorScope(function QbenchDialog({
  engines,
  models = [],
  onClose,
}: {
  engines: EngineView[];
  models?: ModelView[];
  onClose(): void;
}) {
  const api = useApi();
  const sets = useCall('assistant.qbenchSets', {}).data ?? NONE;
  const [chosenSet, setSetName] = useState('');
  const setName = chosenSet || (sets[0]?.setName ?? '');
  // like the set: the first engine or model until one is chosen (the lists may load after opening)
  const [chosenEngine, setEngineId] = useState('');
  const engineId = chosenEngine || (engines[0]?.id ?? models[0]?.id ?? 'analyst');
  const runsCall = useCall('assistant.qbenchRuns', {});
  const runs = runsCall.data ?? NONE;
  const [progress, setProgress] = useState<{
    runId: number;
    done: number;
    total: number;
    etaSec: number | null;
    status: string;
  } | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const startCall = useAction('assistant.qbenchStart');
  const cancelCall = useAction('assistant.qbenchCancel');

  const reload = runsCall.refetch;
  useEffect(
    () =>
      api.on('assistant.qbench', (p) => {
        setProgress(p);
        if (p.status !== 'running') reload();
      }),
    [api, reload],
  );

  const answersCall = useCall(
    'assistant.qbenchAnswers',
    { runId: shown ?? 0 },
    { enabled: shown != null },
  );
  const answers = answersCall.data ?? NONE;
  // a finished run's figures change its answers: read them again with each new run list
  const reloadAnswers = answersCall.refetch;
  useEffect(() => reloadAnswers(), [runsCall.data, reloadAnswers]);

  const running = progress?.status === 'running';
  const start = async () => {
    const r = await startCall.run({ engineId, ...(setName ? { setName } : {}) });
    if (r.ok) setShown(r.value.runId);
  };

  const shownRun = runs.find((r) => r.runId === shown);
  return (
    <Modal
      title="Question sets (Q-Bench-Video style)"
      onClose={onClose}
      testId="qbench-dialog"
      className="qbench-dialog"
    >
      <div className="modal-body">
        {sets.length === 0 ? (
          <p className="muted">
            No question set in this project. Import one with{' '}
            <code>vqa2 import-pairs &lt;project&gt; &lt;file&gt; --kind qbench</code>.
          </p>
        ) : null}
        <div className="field-row">
          <label className="field">
            <span className="section-label">Set</span>
            <select
              value={setName}
              onChange={(e) => setSetName(e.target.value)}
              data-testid="qbench-set"
            >
              {sets.map((s) => (
                <option key={s.setName} value={s.setName}>
                  {s.setName} ({s.count})
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="section-label">Engine</span>
            <select
              value={engineId}
              onChange={(e) => setEngineId(e.target.value)}
              data-testid="qbench-engine"
            >
              {engines.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name} · {e.model}
                </option>
              ))}
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} · in-process model
                </option>
              ))}
              <option value="analyst">Built-in analyst (cannot answer; reports unanswered)</option>
            </select>
          </label>
          {running ? (
            <button
              type="button"
              onClick={() => progress && void cancelCall.run({ runId: progress.runId })}
            >
              Cancel
            </button>
          ) : (
            <button
              type="button"
              className="primary"
              disabled={!sets.length}
              onClick={() => void start()}
              data-testid="qbench-run"
            >
              Run
            </button>
          )}
        </div>
        {progress ? (
          <p className="muted" data-testid="qbench-progress">
            Run {progress.runId}: {progress.status} {progress.done}/{progress.total} questions
            {running && progress.etaSec != null ? `, ${formatEta(progress.etaSec)}` : ''}
          </p>
        ) : null}
        <table className="qbench-table" data-testid="qbench-runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Set</th>
              <th>Engine</th>
              <th>Status</th>
              <th className="num">n</th>
              <th className="num">Accuracy</th>
              <th>By type</th>
              <th>By category</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr
                key={r.runId}
                className={r.runId === shown ? 'active' : ''}
                onClick={() => setShown(r.runId)}
              >
                <td>{r.runId}</td>
                <td>{r.setName ?? 'all'}</td>
                <td>{r.engine}</td>
                <td>{r.status}</td>
                <td className="num">{r.n}</td>
                <td className="num">{pct(r.accuracy)}</td>
                <td>
                  {Object.entries(r.byType)
                    .map(([k, v]) => `${k} ${pct(v.accuracy)} (${v.n})`)
                    .join(' · ')}
                </td>
                <td>
                  {Object.entries(r.byCategory)
                    .map(([k, v]) => `${k} ${pct(v.accuracy)} (${v.n})`)
                    .join(' · ') || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {shownRun ? (
          <>
            <p className="muted">
              Run {shownRun.runId}: {shownRun.correct}/{shownRun.n} correct, {shownRun.unanswered}{' '}
              unanswered, {shownRun.openEnded} open-ended kept unscored.
            </p>
            <div className="qbench-answers">
              <table className="qbench-table">
                <thead>
                  <tr>
                    <th>Video</th>
                    <th>Type</th>
                    <th>Question</th>
                    <th>Answer</th>
                    <th>Correct</th>
                  </tr>
                </thead>
                <tbody>
                  {answers.map((a) => (
                    <tr key={a.questionId}>
                      <td>{a.videoName}</td>
                      <td>{a.questionType}</td>
                      <td>{a.question}</td>
                      <td>{a.answer ?? <span className="muted">{a.note ?? '—'}</span>}</td>
                      <td>
                        {a.correct == null
                          ? '—'
                          : a.correct
                            ? `✓ ${a.choice}`
                            : `✗ ${a.choice ?? ''} (${a.correctChoice})`}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
      </div>
    </Modal>
  );
});
