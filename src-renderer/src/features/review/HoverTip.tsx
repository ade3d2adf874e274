// What is under the pointer on the timeline: time, the segment's score and level probabilities,
// its main measurements, and any event there.
import type { VideoScores } from '../../../../src-shared/contract';
import { formatScore } from '../../common/format';
import { levelColor, levelOfScore, scoreColor } from '../../common/scores/score-colors';
import { levelBars, measurementRows } from '../scoring/logic/score-details';
import { spanIndexAt } from './logic/time';

/** Measurements shown in the tooltip: the first few, in the score popover's order. */
const MAX_MEASUREMENTS = 4;
const TIP_W = 220;

interface HoverTipProps {
  x: number;
  sec: number;
  width: number;
  segments: VideoScores['segments'];
  events: VideoScores['events'];
}

export function HoverTip({ x, sec, width, segments, events }: HoverTipProps) {
  const i = spanIndexAt(segments, sec);
  const seg = i >= 0 ? segments[i]! : null;
  const event = events.find((e) => sec >= e.startSec && sec <= e.endSec);
  const left = x + 12 + TIP_W > width ? x - 12 - TIP_W : x + 12;
  return (
    <div
      className="hover-tip"
      style={{ left, width: TIP_W }}
      data-testid="hover-tip"
      aria-hidden="true"
    >
      <div className="hover-line mono">{sec.toFixed(2)} s</div>
      {seg ? (
        <>
          <div className="hover-line">
            Segment {seg.idx} ·{' '}
            <strong style={{ color: scoreColor(seg.score) }}>{formatScore(seg.score)}</strong>{' '}
            <span className="muted">{levelOfScore(seg.score)}</span>
          </div>
          <div className="hover-probs" aria-label="Level probabilities">
            {levelBars(seg.probs).map(({ level, p }) => (
              <div key={level} className="hover-prob">
                <span className="hover-prob-track">
                  <span
                    className="hover-prob-fill"
                    style={{ height: `${p * 100}%`, background: levelColor(level) }}
                  />
                </span>
                <span className="hover-prob-label">{level}</span>
                <span className="hover-prob-value mono">{(p * 100).toFixed(0)}%</span>
              </div>
            ))}
          </div>
          <dl className="hover-measures">
            {measurementRows(seg.features)
              .slice(0, MAX_MEASUREMENTS)
              .map((m) => (
                <div key={m.key}>
                  <dt>{m.label}</dt>
                  <dd className="mono">{m.value}</dd>
                </div>
              ))}
          </dl>
        </>
      ) : null}
      {event ? (
        <div className="hover-line">
          <span className="event-kind">{event.kind}</span> {event.startSec.toFixed(2)}–
          {event.endSec.toFixed(2)} s
        </div>
      ) : null}
    </div>
  );
}
