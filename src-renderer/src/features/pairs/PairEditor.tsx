// One pair: its turns as editable text with a live check of turn order and placeholders, save,
// approve/reject, provenance, and a jump to the video at the pair's time range.
import { useEffect, useState } from 'react';
import type { PairRow, PairTurn } from '../../../../src-shared/contract-pairs';
import { useAction } from '../../common/data/useAction';
import { basisLabel, editProblems, rangeLabel } from './logic/pair-text';
import type { OpenVideo } from '../../common/open-video';

interface PairEditorProps {
  pair: PairRow;
  onSaved(row: PairRow): void;
  onOpenVideo: OpenVideo;
}

export function PairEditor({ pair, onSaved, onOpenVideo }: PairEditorProps) {
  const [turns, setTurns] = useState<PairTurn[]>(pair.conversations);
  // a failed save shows in the pairs view's error banner; the edited turns stay
  const updateCall = useAction('pairs.update');
  const busy = updateCall.pending;
  useEffect(() => {
    setTurns(pair.conversations);
  }, [pair]);
  const problems = editProblems(pair, turns);
  const dirty = JSON.stringify(turns) !== JSON.stringify(pair.conversations);

  const save = async (status?: PairRow['status']) => {
    const r = await updateCall.run({
      id: pair.id,
      ...(dirty ? { conversations: turns } : {}),
      ...(status ? { status } : {}),
    });
    if (r.ok) onSaved(r.value);
  };
  const setTurn = (i: number, value: string) =>
    setTurns((t) => t.map((x, k) => (k === i ? { ...x, value } : x)));

  return (
    <section className="pair-editor" data-testid="pair-editor" aria-label="Pair editor">
      <header className="pair-editor-head">
        <div>
          <div className="mono">{pair.uid}</div>
          <div className="muted">
            {pair.videoName}
            {pair.video2Name ? ` + ${pair.video2Name}` : ''} ·{' '}
            {rangeLabel(pair.startSec, pair.endSec)} ·{' '}
            {pair.style === 'llava' ? 'LLaVA <image>×2' : 'Qwen <video>'}
          </div>
        </div>
        <span className={`pair-status pair-status-${pair.status}`} data-testid="pair-editor-status">
          {pair.status}
        </span>
      </header>
      {pair.levelFrom ? (
        <p className={`basis-note basis-${pair.levelFrom}`} data-testid="pair-basis">
          Level from {basisLabel(pair.levelFrom)}
          {pair.levelFrom === 'mos' ? ' (human ratings)' : ' (model score; no MOS for this video)'}
        </p>
      ) : null}
      <div className="pair-turns">
        {turns.map((t, i) => (
          <label key={i} className={`pair-turn pair-turn-${t.from}`}>
            <span className="section-label">{t.from === 'human' ? 'Human' : 'GPT'}</span>
            <textarea
              data-testid={`pair-turn-${i}`}
              value={t.value}
              rows={t.from === 'human' ? 4 : 2}
              onChange={(e) => setTurn(i, e.target.value)}
            />
          </label>
        ))}
        <div className="row">
          <button
            type="button"
            onClick={() =>
              setTurns((t) => [...t, { from: 'human', value: '' }, { from: 'gpt', value: '' }])
            }
          >
            + Turn pair
          </button>
          <button
            type="button"
            disabled={turns.length <= 2}
            onClick={() => setTurns((t) => t.slice(0, -2))}
          >
            − Last turns
          </button>
        </div>
      </div>
      {problems.length ? (
        <ul className="pair-problems" data-testid="pair-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : (
        <p className="pair-ok" data-testid="pair-valid">
          Valid: turns alternate and placeholders match the format.
        </p>
      )}
      <div className="pair-actions">
        <button
          type="button"
          className="primary"
          data-testid="pair-save"
          disabled={!dirty || problems.length > 0 || busy}
          onClick={() => void save()}
        >
          Save
        </button>
        <button
          type="button"
          data-testid="pair-approve"
          disabled={problems.length > 0 || busy}
          onClick={() => void save('approved')}
        >
          {dirty ? 'Save & approve' : 'Approve'}
        </button>
        <button
          type="button"
          className="danger-outline"
          data-testid="pair-reject"
          disabled={busy}
          onClick={() => void save('rejected')}
        >
          Reject
        </button>
        <span className="spacer" />
        <button
          type="button"
          data-testid="pair-open-video"
          onClick={() => onOpenVideo(pair.videoId, pair.startSec ?? undefined)}
        >
          ▶ Video{pair.startSec != null ? ` at ${pair.startSec.toFixed(1)} s` : ''}
        </button>
      </div>
      {pair.provenance.length ? (
        <details className="pair-provenance">
          <summary>Provenance ({pair.provenance.length})</summary>
          <ul>
            {pair.provenance.map((r, i) => (
              <li key={i} className="mono">
                {r.kind}
                {r.id !== undefined ? ` #${r.id}` : ''}
                {r.detail ? ` — ${r.detail}` : ''}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
