// Q-Bench-Video-style question sets: run one against an engine (progress, cancel) and read the
// accuracy table — overall, by question type and by category — of this and earlier runs.
import { useCallback, useEffect, useState } from 'react';
import type {
  EngineView,
  QbenchAnswerView,
  QbenchRunView,
} from '../../../../src-shared/contract-assistant';
import type { ModelView } from '../../../../src-shared/contract-models';
import { useApi } from '../../shared/api/api-context';
import { errorMessage, formatEta } from '../../shared/format';
import { Modal } from '../../shared/ui/Modal';

const pct = (a: number | null) => (a == null ? '—' : `${(a * 100).toFixed(1)}%`);

export function QbenchDialog({
  engines,
  models = [],
  onClose,
}: {
  engines: EngineView[];
  models?: ModelView[];
  onClose(): void;
}) {
  const api = useApi();
  const [sets, setSets] = useState<{ setName: string; count: number }[]>([]);
  const [setName, setSetName] = useState('');
  const [engineId, setEngineId] = useState(engines[0]?.id ?? models[0]?.id ?? 'analyst');
  const [runs, setRuns] = useState<QbenchRunView[]>([]);
  const [progress, setProgress] = useState<{
    runId: number;
    done: number;
    total: number;
    etaSec: number | null;
    status: string;
  } | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const [answers, setAnswers] = useState<QbenchAnswerView[]>([]);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    api
      .call('assistant.qbenchRuns', {})
      .then(setRuns)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [api]);

  useEffect(() => {
    api
      .call('assistant.qbenchSets', {})
      .then((s) => {
        setSets(s);
        setSetName((cur) => cur || (s[0]?.setName ?? ''));
      })
      .catch((e: unknown) => setError(errorMessage(e)));
    reload();
    return api.on('assistant.qbench', (p) => {
      setProgress(p);
      if (p.status !== 'running') reload();
    });
  }, [api, reload]);

  useEffect(() => {
    if (shown == null) return;
    api
      .call('assistant.qbenchAnswers', { runId: shown })
      .then(setAnswers)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [api, shown, runs]);

  const running = progress?.status === 'running';
  const start = async () => {
    setError(null);
    try {
      const r = await api.call('assistant.qbenchStart', {
        engineId,
        ...(setName ? { setName } : {}),
      });
      setShown(r.runId);
    } catch (e) {
      setError(errorMessage(e));
    }
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
              onClick={() =>
                progress && void api.call('assistant.qbenchCancel', { runId: progress.runId })
              }
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
        {error ? (
          <p className="error-text" role="alert">
            {error}
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
}
