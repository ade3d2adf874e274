// A small popover with one video's score from the run the library shows (the run picker's
// choice; the newest run when none is chosen): level probabilities, provider, main measurements
// and events. The full review view (timeline, frames) is a separate screen.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { VideoRow, VideoScores } from '../../../../src-shared/contract';
import { useCall } from '../../common/data/useCall';
import { levelColor, levelOfScore } from '../../common/scores/score-colors';
import { formatSpan, levelBars, measurementRows, scoreExplanation } from './logic/score-details';
import { LevelChip, ScoreValue, Sparkline } from '../../common/scores/ScoreCells';

interface ScoreDetailProps {
  row: VideoRow;
  /** The run whose Score column was clicked: the popover must explain that number, not another run's. */
  runId: number | undefined;
  anchor: DOMRect;
  onClose(): void;
}

const WIDTH = 360;
/** Events listed; a long stream can have hundreds of stalls. */
const MAX_EVENTS = 8;

export function ScoreDetail({ row, runId, anchor, onClose }: ScoreDetailProps) {
  const ref = useRef<HTMLDivElement>(null);
  // quiet: the popover shows its own failure, where the user is looking
  const scores = useCall('video.scores', { videoId: row.id, runId }, { quiet: true });
  const data = scores.data ?? null;
  const error = scores.error;
  const [top, setTop] = useState(anchor.bottom + 6);

  useEffect(() => {
    // Close on a click elsewhere or Escape, like the column menu.
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    // Placed in fixed coordinates: once the table scrolls or the window resizes it would
    // point at another row.
    const onScroll = (e: Event) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    document.addEventListener('scroll', onScroll, true);
    window.addEventListener('resize', onClose);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('scroll', onScroll, true);
      window.removeEventListener('resize', onClose);
    };
  }, [onClose]);

  // Below the score when it fits, else above it: measured after the content arrived.
  useLayoutEffect(() => {
    const h = ref.current?.offsetHeight ?? 0;
    const below = anchor.bottom + 6;
    setTop(below + h > window.innerHeight - 8 ? Math.max(8, anchor.top - 6 - h) : below);
  }, [anchor, data, error]);

  const left = Math.max(8, Math.min(anchor.left, window.innerWidth - WIDTH - 8));
  const level = data?.level ?? levelOfScore(row.videoScore);

  return (
    <div
      ref={ref}
      className="score-popover"
      role="dialog"
      aria-label={`Score of ${row.name}`}
      data-testid="score-detail"
      style={{ top, left, width: WIDTH }}
    >
      <header className="score-popover-head">
        <span className="score-big">
          <ScoreValue score={data?.score ?? row.videoScore} />
        </span>
        <LevelChip level={level} />
        <span className="truncate muted" title={row.path}>
          {row.name}
        </span>
        <div className="spacer" />
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {error ? <p className="error-text">{error}</p> : null}
      {!data && !error ? <p className="muted">Loading…</p> : null}
      {data ? <Details data={data} /> : null}
    </div>
  );
}

function Details({ data }: { data: VideoScores }) {
  const run = data.run;
  const measurements = measurementRows(data.features);
  const why = scoreExplanation(data.features);
  return (
    <>
      {run ? (
        <p className="score-run" data-testid="detail-run" data-run-id={run.id}>
          <span className="mono">
            #{run.id} {run.name} {run.packVersion}
          </span>
          {' · '}
          <span data-testid="detail-provider">{run.provider ?? 'cpu'}</span>
          {/* the provider's full note (e.g. why CUDA fell back to CPU) is said once, in the jobs panel */}
          {run.providerNote ? (
            <span className="muted" data-testid="detail-provider-note">
              {' '}
              (fallback, see Jobs)
            </span>
          ) : null}
        </p>
      ) : null}
      {run ? null : <p className="muted">Not scored yet.</p>}
      {run && data.score === null ? (
        <p className="muted" data-testid="detail-not-scored">
          This run did not score this video.
        </p>
      ) : null}
      {data.probs ? (
        <div className="level-bars" aria-label="Level probabilities" data-testid="level-bars">
          {levelBars(data.probs).map(({ level, p }) => (
            <div key={level} className="level-bar-row">
              <span className="level-bar-label">{level}</span>
              <span className="level-bar-track">
                <span
                  className="level-bar-fill"
                  style={{ width: `${p * 100}%`, background: levelColor(level) }}
                />
              </span>
              <span className="level-bar-value mono">{(p * 100).toFixed(0)} %</span>
            </div>
          ))}
        </div>
      ) : null}
      {data.segments.length ? (
        <div className="score-segments">
          <span className="section-label">Segments</span>
          <Sparkline values={data.segments.map((s) => s.score)} width={300} height={36} />
        </div>
      ) : null}
      {why ? (
        <p className="score-why" data-testid="detail-why">
          {why}
        </p>
      ) : null}
      {measurements.length ? (
        <dl className="measurements">
          {measurements.map((m) => (
            <div
              key={m.key}
              className={m.abnormal ? 'abnormal' : undefined}
              data-abnormal={m.abnormal || undefined}
            >
              <dt>{m.label}</dt>
              <dd className="mono">{m.value}</dd>
              <dd className="measure-meaning">{m.hint}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <div className="score-events">
        <span className="section-label">Events</span>
        {data.events.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul>
            {data.events.slice(0, MAX_EVENTS).map((e, i) => (
              <li key={i}>
                <span className="event-kind">{e.kind}</span>
                <span className="mono muted">{formatSpan(e.startSec, e.endSec)}</span>
              </li>
            ))}
            {data.events.length > MAX_EVENTS ? (
              <li className="muted">and {data.events.length - MAX_EVENTS} more</li>
            ) : null}
          </ul>
        )}
      </div>
    </>
  );
}
