import { describe, expect, it } from 'vitest';
import {
  scoreGeometry,
  stackRows,
  visibleSpans,
} from '../../src-renderer/src/features/review/logic/lanes';
import { placeMenu } from '../../src-renderer/src/common/place-menu';
import {
  dragSpan,
  hitSpan,
  MIN_SPAN_SEC,
  sameSpan,
} from '../../src-renderer/src/features/review/logic/spans';
import {
  clampView,
  fitPxPerSec,
  resizeView,
  followPlayhead,
  formatTick,
  MAX_PX_PER_SEC,
  tickStep,
  ticks,
  timeToX,
  xToTime,
  zoomAt,
} from '../../src-renderer/src/features/review/logic/zoom';

describe('zoom math', () => {
  it('zooms around the cursor: the time under it stays under it', () => {
    const v = { startSec: 10, pxPerSec: 20 };
    const anchorPx = 300;
    const before = xToTime(anchorPx, v);
    const z = zoomAt(v, 2, anchorPx, 600, 1000);
    expect(z.pxPerSec).toBe(40);
    expect(xToTime(anchorPx, z)).toBeCloseTo(before, 10);
    expect(timeToX(before, z)).toBeCloseTo(anchorPx, 10);
  });

  it('never zooms out past "whole video fits" nor in past MAX_PX_PER_SEC, and keeps the window inside', () => {
    expect(zoomAt({ startSec: 0, pxPerSec: 10 }, 0.01, 0, 100, 1000)).toEqual({
      startSec: 0,
      pxPerSec: 10,
    });
    expect(zoomAt({ startSec: 0, pxPerSec: 500 }, 10, 0, 100, 1000).pxPerSec).toBe(MAX_PX_PER_SEC);
    expect(clampView({ startSec: 95, pxPerSec: 100 }, 100, 1000).startSec).toBe(90);
    expect(clampView({ startSec: -5, pxPerSec: 100 }, 100, 1000).startSec).toBe(0);
    expect(fitPxPerSec(7200, 1200)).toBeCloseTo(1 / 6, 10);
  });

  it('turns a page when the playhead leaves the window, and leaves it alone otherwise', () => {
    const v = { startSec: 0, pxPerSec: 100 };
    expect(followPlayhead(v, 5, 100, 1000)).toBe(v);
    const next = followPlayhead(v, 10.5, 100, 1000);
    expect(next.startSec).toBeCloseTo(10, 5);
  });

  it('picks tick steps at least ~70 px apart and labels them with units', () => {
    expect(tickStep(100)).toBe(1);
    expect(tickStep(1000 / 6)).toBe(0.5);
    expect(tickStep(1200 / 7200)).toBe(600);
    const t = ticks({ startSec: 0.3, pxPerSec: 100 }, 500, 100);
    expect(t).toEqual([1, 2, 3, 4, 5]);
    expect(formatTick(2, 1)).toBe('2 s');
    expect(formatTick(0.5, 0.5)).toBe('0.5 s');
    expect(formatTick(3600, 600)).toBe('1:00:00');
    expect(formatTick(90, 30)).toBe('1:30');
  });
});

describe('resizing the timeline', () => {
  it('keeps a whole-video view whole when the window gets narrower or wider', () => {
    const whole = { startSec: 0, pxPerSec: fitPxPerSec(4, 1300) };
    const narrower = resizeView(whole, 4, 1300, 1100);
    expect(1100 / narrower.pxPerSec).toBeCloseTo(4, 9);
    expect(narrower.startSec).toBe(0);
    // clamping alone keeps the old scale: the last 0.6 s would be cut off
    expect(1100 / clampView(whole, 4, 1100).pxPerSec).toBeCloseTo(4 * (1100 / 1300), 9);
    const wider = resizeView(whole, 4, 1300, 1500);
    expect(1500 / wider.pxPerSec).toBeCloseTo(4, 9);
  });

  it('keeps the scale and start of a zoomed-in view', () => {
    const zoomed = { startSec: 10, pxPerSec: 200 };
    expect(resizeView(zoomed, 100, 1300, 1100)).toEqual({ startSec: 10, pxPerSec: 200 });
    // clamped to the new width: the window cannot run past the end
    expect(resizeView({ startSec: 94, pxPerSec: 200 }, 100, 1000, 1400).startSec).toBe(93);
  });
});

describe('span editing', () => {
  const origin = { startSec: 2, endSec: 4 };

  it('creates from a drag in either direction, at least MIN_SPAN_SEC long, inside the video', () => {
    expect(dragSpan('create', { startSec: 3, endSec: 3 }, 3, 1, 10)).toEqual({
      startSec: 1,
      endSec: 3,
    });
    expect(dragSpan('create', { startSec: 3, endSec: 3 }, 3, 12, 10)).toEqual({
      startSec: 3,
      endSec: 10,
    });
    const tiny = dragSpan('create', { startSec: 9.99, endSec: 9.99 }, 9.99, 10, 10);
    expect(tiny.endSec - tiny.startSec).toBeCloseTo(MIN_SPAN_SEC, 10);
    expect(tiny.endSec).toBe(10);
  });

  it('moves keeping the length, stopping at either end', () => {
    expect(dragSpan('move', origin, 3, 4, 10)).toEqual({ startSec: 3, endSec: 5 });
    expect(dragSpan('move', origin, 3, -10, 10)).toEqual({ startSec: 0, endSec: 2 });
    expect(dragSpan('move', origin, 3, 30, 10)).toEqual({ startSec: 8, endSec: 10 });
  });

  it('resizes an edge without crossing the other one', () => {
    expect(dragSpan('start', origin, 2, 1, 10)).toEqual({ startSec: 1, endSec: 4 });
    expect(dragSpan('start', origin, 2, 5, 10)).toEqual({ startSec: 4 - MIN_SPAN_SEC, endSec: 4 });
    expect(dragSpan('end', origin, 4, 1, 10)).toEqual({ startSec: 2, endSec: 2 + MIN_SPAN_SEC });
    expect(dragSpan('end', origin, 4, 11, 10)).toEqual({ startSec: 2, endSec: 10 });
  });

  it('hit-tests edges before bodies, and nothing outside', () => {
    const v = { startSec: 0, pxPerSec: 100 };
    const spans = [{ startSec: 2, endSec: 4, id: 1 }];
    expect(hitSpan(spans, 201, v)).toMatchObject({ part: 'start' });
    expect(hitSpan(spans, 398, v)).toMatchObject({ part: 'end' });
    expect(hitSpan(spans, 300, v)).toMatchObject({ part: 'body', span: { id: 1 } });
    expect(hitSpan(spans, 150, v)).toBeNull();
    expect(sameSpan({ startSec: 1, endSec: 2 }, { startSec: 1.00001, endSec: 2 })).toBe(true);
  });
});

describe('score lane geometry', () => {
  const long = Array.from({ length: 3600 }, (_, i) => ({
    startSec: i * 2,
    endSec: i * 2 + 2,
    score: i === 1800 ? 0.05 : 0.8,
  }));

  it('draws at most about one band per 2 px for a 2-hour video, and never hides a dip', () => {
    const width = 1200;
    const v = { startSec: 0, pxPerSec: fitPxPerSec(7200, width) };
    const g = scoreGeometry(long, v, width, 60);
    expect(g.bands.length).toBeLessThanOrEqual(width / 2 + 1);
    expect(Math.min(...g.bands.map((b) => b.score))).toBe(0.05);
    expect(g.path.startsWith('M0.0 ')).toBe(true);
  });

  it('draws only the visible segments when zoomed in', () => {
    const v = { startSec: 1000, pxPerSec: 100 };
    const g = scoreGeometry(long, v, 1000, 60);
    expect(g.bands.length).toBe(5); // 1000–1010 s visible: segments 500–504
    expect(g.bands[0]!.x).toBe(0);
  });

  it('keeps spans that overlap the window', () => {
    const spans = [
      { startSec: 0, endSec: 1 },
      { startSec: 5, endSec: 15 },
      { startSec: 30, endSec: 31 },
    ];
    expect(visibleSpans(spans, { startSec: 10, pxPerSec: 100 }, 1000)).toEqual([spans[1]]);
  });

  it('puts overlapping events on separate rows so none hides another, and reuses rows when they are free', () => {
    const events = [
      { kind: 'quality_drop', startSec: 2, endSec: 8 },
      { kind: 'freeze', startSec: 3, endSec: 4 }, // inside the drop
      { kind: 'stall', startSec: 3.5, endSec: 5 }, // overlaps both
      { kind: 'freeze', startSec: 9, endSec: 10 }, // after all of them
      { kind: 'switch', startSec: 4, endSec: 4.5 }, // starts where the first freeze ends
    ];
    const { rows, count } = stackRows(events);
    expect(count).toBe(3);
    expect(rows).toEqual([0, 1, 2, 0, 1]);
    for (let i = 0; i < events.length; i++)
      for (let j = i + 1; j < events.length; j++)
        if (rows[i] === rows[j])
          expect(
            events[i]!.endSec <= events[j]!.startSec || events[j]!.endSec <= events[i]!.startSec,
          ).toBe(true);
    expect(
      stackRows([
        { startSec: 0, endSec: 1 },
        { startSec: 1, endSec: 2 },
      ]),
    ).toEqual({ rows: [0, 0], count: 1 });
  });

  it('places the tag menu above its anchor when it fits, else below, always inside the window', () => {
    const size = { width: 220, height: 180 };
    const vp = { width: 1280, height: 720 };
    expect(placeMenu({ left: 300, top: 500, bottom: 500 }, size, vp)).toEqual({
      left: 300,
      top: 316,
    });
    expect(placeMenu({ left: 300, top: 100, bottom: 120 }, size, vp)).toEqual({
      left: 300,
      top: 124,
    });
    expect(placeMenu({ left: 1250, top: 500, bottom: 500 }, size, vp).left).toBe(1280 - 220 - 4);
    // no room either way: it stays fully on screen
    expect(placeMenu({ left: 0, top: 100, bottom: 650 }, size, vp).top).toBe(720 - 180 - 4);
  });
});
