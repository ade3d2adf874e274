// Geometry of the timeline's score lane for the visible window only: a 2-hour video has 3,600
// segments, more than the lane has pixels, so segments sharing a pixel column are merged (the
// worst score wins — a dip must never vanish when zoomed out). Output size is bounded by the
// lane's width, whatever the video's length. Pure.
import { firstEndingAfter, type TimeSpan } from './time';
import { timeToX, type TimelineView } from './zoom';

export interface ScoredSpan extends TimeSpan {
  score: number;
}

export interface Band {
  x: number;
  w: number;
  score: number;
}

export interface ScoreGeometry {
  /** One heat-map rectangle per drawn column or segment. */
  bands: Band[];
  /** SVG path of the score curve (0 at the bottom, 1 at the top). */
  path: string;
}

/** Bands and curve for segments in the visible window, at most ~one band per `minBandPx`. */
export function scoreGeometry(
  segments: readonly ScoredSpan[],
  v: TimelineView,
  widthPx: number,
  heightPx: number,
  minBandPx = 2,
): ScoreGeometry {
  const endSec = v.startSec + widthPx / v.pxPerSec;
  const bands: Band[] = [];
  let i = firstEndingAfter(segments, v.startSec);
  for (; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.startSec >= endSec) break;
    const x0 = timeToX(s.startSec, v);
    const x1 = timeToX(s.endSec, v);
    const last = bands[bands.length - 1];
    // Merge into the previous band while it is still narrower than minBandPx.
    if (last && last.w < minBandPx && x0 - (last.x + last.w) < 0.5) {
      last.w = x1 - last.x;
      last.score = Math.min(last.score, s.score);
    } else bands.push({ x: x0, w: x1 - x0, score: s.score });
  }
  const y = (score: number) => (1 - Math.max(0, Math.min(1, score))) * heightPx;
  // A step curve (flat across each band) is honest about per-segment values; a line through
  // centres would invent values between segments.
  let path = '';
  for (const b of bands) {
    const yy = y(b.score).toFixed(1);
    path += `${path ? 'L' : 'M'}${b.x.toFixed(1)} ${yy}L${(b.x + b.w).toFixed(1)} ${yy}`;
  }
  return { bands, path };
}

/** Visible [start, end) spans of a sorted-or-not list (events, annotations): few, so a scan. */
export function visibleSpans<T extends TimeSpan>(
  spans: readonly T[],
  v: TimelineView,
  widthPx: number,
): T[] {
  const endSec = v.startSec + widthPx / v.pxPerSec;
  return spans.filter((s) => s.endSec >= v.startSec && s.startSec <= endSec);
}

/**
 * A row for each span so that spans sharing a row never overlap (greedy interval partitioning,
 * in start order: the fewest rows). Returned in the input's order, with the row count.
 */
export function stackRows<T extends TimeSpan>(
  spans: readonly T[],
): { rows: number[]; count: number } {
  const order = spans
    .map((_, i) => i)
    .sort((a, b) => spans[a]!.startSec - spans[b]!.startSec || spans[a]!.endSec - spans[b]!.endSec);
  const rowEnds: number[] = [];
  const rows = new Array<number>(spans.length).fill(0);
  for (const i of order) {
    const s = spans[i]!;
    let r = rowEnds.findIndex((end) => end <= s.startSec);
    if (r < 0) {
      r = rowEnds.length;
      rowEnds.push(s.endSec);
    } else rowEnds[r] = s.endSec;
    rows[i] = r;
  }
  return { rows, count: rowEnds.length };
}
