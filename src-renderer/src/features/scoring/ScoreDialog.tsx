// "Score…": what to score (selection or all readable videos), with which scorer, on which
// execution provider, with what segment length. Starting queues a job on the server.
import { useEffect, useMemo, useState } from 'react';
import type { ScorerInfo } from '../../../../src-shared/contract';
import type { EngineView } from '../../../../src-shared/contract-assistant';
import { withErrorScope } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';
import { plural } from '../../common/format';
import { scorerNote } from '../jobs/logic/jobs';
import { Modal } from '../../common/ui/Modal';

type Scope = 'selected' | 'all';
type ProviderChoice = 'auto' | 'cpu';

interface ScoreDialogProps {
  scorers: ScorerInfo[];
  selectedIds: ReadonlySet<number>;
  /** Readable (status ok) videos in the project: what "all" scores. */
  readableCount: number;
  onStarted(jobId: string): void;
  onClose(): void;
}

/** Score-job scorer id of a configured OpenAI-compatible engine (see scoring-api.ts). */
const ENGINE_PREFIX = 'engine.';

/** Configured OpenAI-compatible engines as scorer choices (level tokens from log-probabilities). */
function engineScorers(engines: EngineView[]): ScorerInfo[] {
  return engines.map((e) => ({
    id: `${ENGINE_PREFIX}${e.id}`,
    name: `OpenAI-compatible engine: ${e.name}`,
    kind: 'streaming',
    version: e.model,
    description: `VQA²'s rating prompt sent to ${e.model} at ${e.baseUrl}; the score comes from the log-probabilities of the five level words. A server that returns no log-probabilities gives an error and no score.`,
    segmentSec: 0,
    providers: [],
  }));
}

const NO_ENGINES: EngineView[] = [];

export const ScoreDialog = withErrorScope(function ScoreDialog({
  scorers: packScorers,
  selectedIds,
  readableCount,
  onStarted,
  onClose,
}: ScoreDialogProps) {
  // no project or no engines: packs only, and nothing to say about it
  const engines = useCall('assistant.engines', {}, { quiet: true }).data?.engines ?? NO_ENGINES;
  const scorers = [...packScorers, ...engineScorers(engines)];
  // Videos that failed to import cannot be scored: they are left out of "Selected", and said so.
  // (unknown while loading; a failed lookup leaves none out and the server refuses them)
  const failedCall = useCall('library.ids', { filter: { status: 'failed' } }, { quiet: true });
  const failedIds = useMemo<ReadonlySet<number> | null>(
    () =>
      failedCall.data
        ? new Set(failedCall.data)
        : failedCall.error && !failedCall.loading
          ? new Set()
          : null,
    [failedCall.data, failedCall.error, failedCall.loading],
  );
  const readableSelected = [...selectedIds].filter((id) => !failedIds?.has(id));
  const unreadableSelected = selectedIds.size - readableSelected.length;
  const [scope, setScope] = useState<Scope>(selectedIds.size ? 'selected' : 'all');
  useEffect(() => {
    if (failedIds && readableSelected.length === 0) setScope('all');
  }, [failedIds, readableSelected.length]);
  const [picked, setPicked] = useState<string | null>(null);
  // The list may still be loading when the dialog opens: default to its first entry.
  const scorer = scorers.find((s) => s.id === picked) ?? scorers[0];
  const scorerId = scorer?.id;
  const [provider, setProvider] = useState<ProviderChoice>('auto');
  // Text, not a number: the field may be empty or half-typed while editing.
  const [segmentText, setSegment] = useState<string | null>(null);
  const segment = segmentText ?? String(scorer?.segmentSec ?? 2);
  const startCall = useAction('score.start');
  // stays set after a start: the dialog closes with it
  const [started, setStarted] = useState(false);
  const busy = startCall.pending || started;

  const isEngine = !!scorer?.id.startsWith(ENGINE_PREFIX);
  const segmentSec = Number(segment);
  const segmentValid =
    isEngine || (Number.isInteger(segmentSec) && segmentSec >= 1 && segmentSec <= 600);
  const count = scope === 'selected' ? readableSelected.length : readableCount;
  // Only ONNX packs and in-process models run on an execution provider; the streaming scorer is plain arithmetic.
  const usesProvider = scorer?.kind === 'pack' || scorer?.kind === 'model';

  const pickScorer = (s: ScorerInfo) => {
    setPicked(s.id);
    setSegment(null); // back to the scorer's default
  };

  const start = async () => {
    if (!scorer || !segmentValid || count === 0) return;
    const r = await startCall.run({
      ...(scope === 'selected' ? { videoIds: readableSelected } : { all: true }),
      scorer: scorer.id,
      providers: usesProvider && provider === 'cpu' ? ['cpu'] : ['cuda', 'cpu'],
      segmentSec: isEngine || segmentSec === scorer.segmentSec ? undefined : segmentSec,
    });
    if (!r.ok) return;
    setStarted(true);
    onStarted(r.value.jobId);
  };

  return (
    <Modal title="Score videos" onClose={onClose} testId="score-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <div className="modal-body score-form">
          <fieldset className="field">
            <legend className="section-label">Videos</legend>
            <label className="choice">
              <input
                type="radio"
                name="scope"
                value="selected"
                checked={scope === 'selected'}
                disabled={!readableSelected.length}
                onChange={() => setScope('selected')}
              />
              Selected videos{' '}
              <span className="muted">({plural(readableSelected.length, 'video')})</span>
              {unreadableSelected ? (
                <span className="muted" data-testid="score-unreadable">
                  {' '}
                  ·{' '}
                  {unreadableSelected === 1
                    ? '1 selected video'
                    : `${unreadableSelected} selected videos`}{' '}
                  failed to import and cannot be scored
                </span>
              ) : null}
            </label>
            <label className="choice">
              <input
                type="radio"
                name="scope"
                value="all"
                checked={scope === 'all'}
                onChange={() => setScope('all')}
              />
              All readable videos <span className="muted">({plural(readableCount, 'video')})</span>
            </label>
          </fieldset>

          <fieldset className="field">
            <legend className="section-label">Scorer</legend>
            {scorers.length === 0 ? <p className="muted">Loading scorers…</p> : null}
            <div className="scorer-list" role="radiogroup" aria-label="Scorer">
              {scorers.map((s) => {
                const note = s.id.startsWith(ENGINE_PREFIX)
                  ? 'LMM through an OpenAI-compatible server (whole video, key frames at 1 fps)'
                  : scorerNote(s);
                return (
                  <label
                    key={s.id}
                    className={`scorer-option${s.id === scorerId ? ' active' : ''}`}
                    data-testid="scorer-option"
                    data-scorer={s.id}
                  >
                    <input
                      type="radio"
                      name="scorer"
                      value={s.id}
                      checked={s.id === scorerId}
                      onChange={() => pickScorer(s)}
                    />
                    <span className="scorer-text">
                      <span className="scorer-name">
                        {s.name} <span className="muted mono">{s.version}</span>
                      </span>
                      {note ? <span className="scorer-note">{note}</span> : null}
                      <span className="scorer-desc">{s.description}</span>
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>

          <div className="field-row">
            <fieldset className="field" disabled={!usesProvider}>
              <legend className="section-label">Execution provider</legend>
              <label className="choice">
                <input
                  type="radio"
                  name="provider"
                  value="auto"
                  checked={provider === 'auto'}
                  onChange={() => setProvider('auto')}
                />
                Auto: CUDA, then CPU
              </label>
              <label className="choice">
                <input
                  type="radio"
                  name="provider"
                  value="cpu"
                  checked={provider === 'cpu'}
                  onChange={() => setProvider('cpu')}
                />
                CPU only
              </label>
              <p className="hint">
                {usesProvider
                  ? 'The jobs panel shows which provider ran, and why when CUDA was not used.'
                  : isEngine
                    ? 'The engine runs on its own server.'
                    : 'This scorer always runs on the CPU.'}
              </p>
            </fieldset>
            <label className="field">
              <span className="section-label">Segment length</span>
              <span className="row">
                <input
                  type="number"
                  className="segment-input"
                  disabled={isEngine}
                  min={1}
                  max={600}
                  step={1}
                  value={isEngine ? '' : segment}
                  aria-invalid={!segmentValid}
                  data-testid="segment-sec"
                  onChange={(e) => setSegment(e.target.value)}
                />
                <span className="muted">seconds</span>
              </span>
              <span className="hint">
                {isEngine
                  ? 'An engine scores each video as a whole.'
                  : segmentValid
                    ? `Default for this scorer: ${scorer?.segmentSec ?? '—'} s.`
                    : 'A whole number of seconds, 1 to 600.'}
              </span>
            </label>
          </div>
        </div>
        <footer className="modal-footer">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="primary"
            data-testid="score-start"
            disabled={busy || !scorer || !segmentValid || count === 0}
          >
            {busy ? 'Starting…' : `Start scoring ${plural(count, 'video')}`}
          </button>
        </footer>
      </form>
    </Modal>
  );
});
