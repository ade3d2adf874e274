// The timeline's seconds axis, score lane (heat-map band + step curve on a 0–100 grid) and
// events lane, as one SVG. Memoized on the view and data: playback never re-renders it.
import { memo, useMemo } from 'react';
import type { VideoScores } from '../../../../src-shared/contract';
import { scoreGeometry, stackRows, visibleSpans } from './logic/lanes';
import { formatTick, tickStep, ticks, timeToX, type TimelineView } from './logic/zoom';
import { scoreColor } from '../../common/scores/score-colors';

export const AXIS_H = 22;
export const SCORE_H = 76;
export const EVENTS_H = 22;

interface LanesProps {
  view: TimelineView;
  width: number;
  durationSec: number;
  segments: VideoScores['segments'];
  events: VideoScores['events'];
}

const EVENT_CLASS: Record<string, string> = {
  freeze: 'ev-freeze',
  stall: 'ev-stall',
  switch: 'ev-switch',
  quality_drop: 'ev-drop',
};

/** Axis, score and events lanes: re-rendered when the view or data change, not on playback. */
export const Lanes = memo(function Lanes({
  view,
  width,
  durationSec,
  segments,
  events,
}: LanesProps) {
  const geom = useMemo(
    () => scoreGeometry(segments, view, width, SCORE_H - 8),
    [segments, view, width],
  );
  const tickTimes = useMemo(() => ticks(view, width, durationSec), [view, width, durationSec]);
  const step = tickStep(view.pxPerSec);
  const shownEvents = useMemo(() => visibleSpans(events, view, width), [events, view, width]);
  // overlapping events (a freeze inside a quality drop) get rows of their own instead of hiding each other
  const stack = useMemo(() => stackRows(shownEvents), [shownEvents]);
  const rowH = (EVENTS_H - 4) / Math.max(1, stack.count);
  const endX = timeToX(durationSec, view);
  const scoreTop = AXIS_H + 4;
  return (
    <svg
      width={width}
      height={AXIS_H + SCORE_H + EVENTS_H}
      className="lanes"
      data-testid="timeline-lanes"
    >
      <rect
        x={Math.min(endX, width)}
        y={0}
        width={Math.max(0, width - endX)}
        height={AXIS_H + SCORE_H + EVENTS_H}
        className="past-end"
      />
      <g className="axis">
        {tickTimes.map((t) => {
          const x = timeToX(t, view);
          return (
            <g key={t} transform={`translate(${x.toFixed(1)},0)`}>
              <line y1={AXIS_H - 6} y2={AXIS_H + SCORE_H + EVENTS_H} className="tick-grid" />
              <text x={3} y={AXIS_H - 8} className="tick-label">
                {formatTick(t, step)}
              </text>
            </g>
          );
        })}
      </g>
      <g transform={`translate(0,${scoreTop})`} data-testid="score-lane">
        {[0, 0.5, 1].map((s) => (
          <line
            key={s}
            x1={0}
            x2={width}
            y1={(1 - s) * (SCORE_H - 8)}
            y2={(1 - s) * (SCORE_H - 8)}
            className="score-grid"
          />
        ))}
        {geom.bands.map((b, i) => (
          <rect
            key={i}
            x={b.x}
            width={Math.max(1, b.w)}
            y={SCORE_H - 8 - 6}
            height={6}
            fill={scoreColor(b.score)}
            className="heat-band"
          />
        ))}
        {geom.bands.map((b, i) => (
          <rect
            key={`a${i}`}
            x={b.x}
            width={Math.max(1, b.w)}
            y={0}
            height={SCORE_H - 14}
            fill={scoreColor(b.score)}
            opacity={0.1}
          />
        ))}
        <path d={geom.path} className="score-curve" />
        {segments.length === 0 ? (
          <text x={8} y={(SCORE_H - 8) / 2} className="lane-empty">
            Not scored yet — score this video from the library to see per-segment quality.
          </text>
        ) : null}
      </g>
      <g transform={`translate(0,${AXIS_H + SCORE_H})`} data-testid="events-lane">
        {shownEvents.map((e, i) => {
          const x = timeToX(e.startSec, view);
          const w = Math.max(2, (e.endSec - e.startSec) * view.pxPerSec);
          const y = 2 + stack.rows[i]! * rowH;
          return (
            <g
              key={i}
              className={`event ${EVENT_CLASS[e.kind] ?? 'ev-other'}`}
              data-row={stack.rows[i]}
            >
              <rect x={x} y={y + 0.5} width={w} height={rowH - 1} rx={2} />
              {w > 40 && rowH >= 12 ? (
                <text x={x + 4} y={y + rowH - 5} className="event-label">
                  {e.kind}
                </text>
              ) : null}
              <title>{`${e.kind} ${e.startSec.toFixed(2)}–${e.endSec.toFixed(2)} s`}</title>
            </g>
          );
        })}
      </g>
    </svg>
  );
});
