// Zoom and scroll math of the timeline: a view is a visible window [startSec, startSec + width /
// pxPerSec]. Pure, so zooming around the cursor and clamping are unit-tested.

export interface TimelineView {
  startSec: number;
  pxPerSec: number;
}

/** Zooming in past this shows single frames wider than ~10 px at 25–60 fps. */
export const MAX_PX_PER_SEC = 600;

/** Scale at which the whole duration fits the width. */
export function fitPxPerSec(durationSec: number, widthPx: number): number {
  if (!(durationSec > 0) || !(widthPx > 0)) return 100;
  return widthPx / durationSec;
}

/** Keeps the scale between "whole video fits" and MAX_PX_PER_SEC, and the window inside the video. */
export function clampView(v: TimelineView, durationSec: number, widthPx: number): TimelineView {
  const minPx = Math.min(fitPxPerSec(durationSec, widthPx), MAX_PX_PER_SEC);
  const pxPerSec = Math.min(MAX_PX_PER_SEC, Math.max(minPx, v.pxPerSec));
  const visible = widthPx / pxPerSec;
  const maxStart = Math.max(0, durationSec - visible);
  return { pxPerSec, startSec: Math.min(maxStart, Math.max(0, v.startSec)) };
}

/**
 * The view after the timeline's width changed from `oldWidthPx` to `newWidthPx`: a view that showed
 * the whole video keeps showing all of it (a narrower window would otherwise cut its end off);
 * a zoomed-in view keeps its scale and start, clamped to the new width.
 */
export function resizeView(
  v: TimelineView,
  durationSec: number,
  oldWidthPx: number,
  newWidthPx: number,
): TimelineView {
  const wasWhole =
    oldWidthPx > 0 && v.startSec <= 0 && oldWidthPx / v.pxPerSec >= durationSec - 1e-6;
  return clampView(
    wasWhole ? { startSec: 0, pxPerSec: fitPxPerSec(durationSec, newWidthPx) } : v,
    durationSec,
    newWidthPx,
  );
}

/** Zoom by `factor` keeping the time under `anchorPx` (cursor x) in place. */
export function zoomAt(
  v: TimelineView,
  factor: number,
  anchorPx: number,
  durationSec: number,
  widthPx: number,
): TimelineView {
  const anchorSec = v.startSec + anchorPx / v.pxPerSec;
  const pxPerSec = v.pxPerSec * factor;
  return clampView({ pxPerSec, startSec: anchorSec - anchorPx / pxPerSec }, durationSec, widthPx);
}

export function timeToX(sec: number, v: TimelineView): number {
  return (sec - v.startSec) * v.pxPerSec;
}

export function xToTime(x: number, v: TimelineView): number {
  return v.startSec + x / v.pxPerSec;
}

/** Window that keeps `sec` visible: unchanged when it already is, else a page turn that puts it
 *  near the left edge (so continuous playback does not scroll on every frame). */
export function followPlayhead(
  v: TimelineView,
  sec: number,
  durationSec: number,
  widthPx: number,
): TimelineView {
  const visible = widthPx / v.pxPerSec;
  if (sec >= v.startSec && sec <= v.startSec + visible * 0.98) return v;
  return clampView({ ...v, startSec: sec - visible * 0.05 }, durationSec, widthPx);
}

const TICK_STEPS = [
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600,
];

/** Seconds between labelled ticks so that labels are at least `minGapPx` apart. */
export function tickStep(pxPerSec: number, minGapPx = 70): number {
  for (const s of TICK_STEPS) if (s * pxPerSec >= minGapPx) return s;
  return TICK_STEPS[TICK_STEPS.length - 1]!;
}

/** Tick times in the visible window (multiples of the step). */
export function ticks(v: TimelineView, widthPx: number, durationSec: number): number[] {
  const step = tickStep(v.pxPerSec);
  const end = Math.min(durationSec, v.startSec + widthPx / v.pxPerSec);
  const out: number[] = [];
  // Integer multiples avoid accumulating float error over thousands of steps.
  for (let i = Math.ceil(v.startSec / step - 1e-9); i * step <= end + 1e-9; i++) out.push(i * step);
  return out;
}

/** Tick label: seconds under a minute ("12 s", "0.5 s"), else m:ss / h:mm:ss. */
export function formatTick(sec: number, step: number): string {
  if (step < 60 && sec < 60) {
    const digits = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
    return `${sec.toFixed(digits)} s`;
  }
  const total = Math.round(sec);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
