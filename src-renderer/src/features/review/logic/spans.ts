// Editing annotation spans on the timeline: creating by dragging, moving, resizing by an edge,
// hit-testing under the pointer. Pure: the lane component only turns pointer events into calls.
import { clamp, type TimeSpan } from './time';
import { timeToX, type TimelineView } from './zoom';

/** Shorter spans are a click, not a drag (and would be impossible to grab again). */
export const MIN_SPAN_SEC = 0.1;
/** How close (px) to a span's edge the pointer grabs the edge instead of the body. */
export const EDGE_GRAB_PX = 6;

export type DragMode = 'create' | 'move' | 'start' | 'end';

/** The span a drag produces: `origin` is the span before the drag (for create, the press time
 *  as a zero-length span), `fromSec`/`toSec` where the pointer went down and is now. The result
 *  stays inside [0, duration], ordered, and at least MIN_SPAN_SEC long. */
export function dragSpan(
  mode: DragMode,
  origin: TimeSpan,
  fromSec: number,
  toSec: number,
  durationSec: number,
): TimeSpan {
  const d = Math.max(MIN_SPAN_SEC, durationSec);
  const to = clamp(toSec, 0, d);
  if (mode === 'move') {
    const len = origin.endSec - origin.startSec;
    const start = clamp(origin.startSec + (toSec - fromSec), 0, d - len);
    return { startSec: start, endSec: start + len };
  }
  if (mode === 'start') {
    return { startSec: clamp(to, 0, origin.endSec - MIN_SPAN_SEC), endSec: origin.endSec };
  }
  if (mode === 'end') {
    return { startSec: origin.startSec, endSec: clamp(to, origin.startSec + MIN_SPAN_SEC, d) };
  }
  const from = clamp(fromSec, 0, d);
  let start = Math.min(from, to);
  let end = Math.max(from, to);
  if (end - start < MIN_SPAN_SEC) {
    end = Math.min(d, start + MIN_SPAN_SEC);
    start = Math.max(0, end - MIN_SPAN_SEC);
  }
  return { startSec: start, endSec: end };
}

/** Whether a drag moved far enough to be a drag rather than a click. */
export function isDrag(fromPx: number, toPx: number): boolean {
  return Math.abs(toPx - fromPx) >= 3;
}

export interface SpanHit<T> {
  span: T;
  part: 'start' | 'end' | 'body';
}

/** The span under x (topmost = last drawn), preferring edges within EDGE_GRAB_PX. */
export function hitSpan<T extends TimeSpan>(
  spans: readonly T[],
  x: number,
  v: TimelineView,
): SpanHit<T> | null {
  for (let i = spans.length - 1; i >= 0; i--) {
    const s = spans[i]!;
    const x0 = timeToX(s.startSec, v);
    const x1 = timeToX(s.endSec, v);
    if (x < x0 - EDGE_GRAB_PX || x > x1 + EDGE_GRAB_PX) continue;
    // Narrow spans: the nearer edge wins so both stay grabbable.
    if (Math.abs(x - x0) <= EDGE_GRAB_PX && Math.abs(x - x0) <= Math.abs(x - x1))
      return { span: s, part: 'start' };
    if (Math.abs(x - x1) <= EDGE_GRAB_PX) return { span: s, part: 'end' };
    if (x >= x0 && x <= x1) return { span: s, part: 'body' };
  }
  return null;
}

/** Same span within float noise: an edit that changed nothing makes no call. */
export function sameSpan(a: TimeSpan, b: TimeSpan): boolean {
  return Math.abs(a.startSec - b.startSec) < 1e-4 && Math.abs(a.endSec - b.endSec) < 1e-4;
}
