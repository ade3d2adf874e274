// Time ↔ frame ↔ segment mapping for the review view. Pure, so the player, the timeline and the
// segment table agree on "which frame / segment is this" and unit tests pin the edge cases.

export interface TimeSpan {
  startSec: number;
  endSec: number;
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Frames are counted from 0; a time inside a frame's interval belongs to that frame. The small
 *  epsilon keeps `timeOfFrame(n)` (an exact boundary, after float rounding) in frame n. */
export function frameAt(sec: number, fps: number): number {
  if (!(fps > 0) || !Number.isFinite(sec) || sec <= 0) return 0;
  return Math.floor(sec * fps + 1e-6);
}

/** Seek target for frame n: its middle, not its start — browsers decode the frame whose
 *  presentation interval contains currentTime, and a boundary time can land on the previous one. */
export function timeOfFrame(frame: number, fps: number): number {
  if (!(fps > 0)) return 0;
  return (Math.max(0, frame) + 0.5) / fps;
}

/** Where a step of `frames` from `sec` lands, kept inside [0, duration]. */
export function stepFrames(sec: number, frames: number, fps: number, durationSec: number): number {
  const last = durationSec > 0 ? Math.max(0, Math.ceil(durationSec * fps) - 1) : Infinity;
  const target = clamp(frameAt(sec, fps) + frames, 0, last);
  return clamp(timeOfFrame(target, fps), 0, durationSec > 0 ? durationSec : Infinity);
}

/** Index (into `spans`, sorted by start and not overlapping) of the span containing `sec`:
 *  the last one starting at or before it, or -1 when `sec` is before the first / after the last
 *  one's end. Binary search: a 2-hour video has thousands of segments and this runs per frame. */
export function spanIndexAt(spans: readonly TimeSpan[], sec: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.startSec <= sec) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return -1;
  // The last segment includes its end so the very end of the video still has a segment.
  const s = spans[found]!;
  const isLast = found === spans.length - 1;
  return sec < s.endSec || (isLast && sec <= s.endSec) ? found : -1;
}

/** First index whose span ends after `sec` (for drawing only what is visible). */
export function firstEndingAfter(spans: readonly TimeSpan[], sec: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.endSec <= sec) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Start of the previous / next span relative to `sec` (for [ ] and { }). A press just after a
 *  span's start (within `slack`) goes to the one before it, like a media player's "previous". */
export function adjacentStart(
  spans: readonly TimeSpan[],
  sec: number,
  dir: -1 | 1,
  slack = 0.25,
): number | null {
  if (dir > 0) {
    for (const s of spans) if (s.startSec > sec + 1e-3) return s.startSec;
    return null;
  }
  let best: number | null = null;
  for (const s of spans) {
    if (s.startSec < sec - slack) best = s.startSec;
    else break;
  }
  return best;
}

/** "12.34 s" with the frame number, for the player's readout. */
export function formatTimeReadout(sec: number, fps: number | null): string {
  const t = Number.isFinite(sec) ? Math.max(0, sec) : 0;
  const frame = fps && fps > 0 ? ` · frame ${frameAt(t, fps)}` : '';
  return `${t.toFixed(2)} s${frame}`;
}
