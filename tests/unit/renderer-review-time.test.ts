import { describe, expect, it } from 'vitest';
import {
  adjacentStart,
  firstEndingAfter,
  formatTimeReadout,
  frameAt,
  spanIndexAt,
  stepFrames,
  timeOfFrame,
} from '../../src-renderer/src/features/review/logic/time';

const segs = (n: number, len = 1) =>
  Array.from({ length: n }, (_, i) => ({ startSec: i * len, endSec: (i + 1) * len }));

describe('time ↔ frame mapping', () => {
  it('puts a frame boundary in the later frame despite float rounding', () => {
    expect(frameAt(0, 25)).toBe(0);
    expect(frameAt(0.04, 25)).toBe(1);
    expect(frameAt(0.0399, 25)).toBe(0);
    expect(frameAt(100 / 29.97, 29.97)).toBe(100);
  });

  it('seeks to the middle of a frame so the decoder shows that frame', () => {
    expect(timeOfFrame(0, 25)).toBeCloseTo(0.02, 10);
    expect(frameAt(timeOfFrame(123, 30), 30)).toBe(123);
  });

  it('steps exactly one frame (1/fps) from a frame middle, and clamps to the video', () => {
    const t = timeOfFrame(10, 25);
    expect(stepFrames(t, 1, 25, 6) - t).toBeCloseTo(1 / 25, 10);
    expect(stepFrames(t, -1, 25, 6) - t).toBeCloseTo(-1 / 25, 10);
    expect(stepFrames(0.01, -1, 25, 6)).toBeCloseTo(0.02, 10);
    // 6 s at 25 fps: frames 0–149.
    expect(frameAt(stepFrames(5.99, 5, 25, 6), 25)).toBe(149);
  });

  it('reads out seconds and the frame number', () => {
    expect(formatTimeReadout(4.02, 25)).toBe('4.02 s · frame 100');
    expect(formatTimeReadout(1.5, null)).toBe('1.50 s');
  });
});

describe('time ↔ segment mapping', () => {
  it('finds the segment containing a time by binary search, the last one including its end', () => {
    const s = segs(3600);
    expect(spanIndexAt(s, 0)).toBe(0);
    expect(spanIndexAt(s, 0.999)).toBe(0);
    expect(spanIndexAt(s, 1)).toBe(1);
    expect(spanIndexAt(s, 1799.5)).toBe(1799);
    expect(spanIndexAt(s, 3600)).toBe(3599);
    expect(spanIndexAt(s, 3600.1)).toBe(-1);
    expect(spanIndexAt(s, -1)).toBe(-1);
    expect(spanIndexAt([], 1)).toBe(-1);
  });

  it('reports a gap between segments as no segment', () => {
    const s = [
      { startSec: 0, endSec: 1 },
      { startSec: 2, endSec: 3 },
    ];
    expect(spanIndexAt(s, 1.5)).toBe(-1);
  });

  it('finds the first span still visible at a time', () => {
    const s = segs(10);
    expect(firstEndingAfter(s, 0)).toBe(0);
    expect(firstEndingAfter(s, 3)).toBe(3);
    expect(firstEndingAfter(s, 3.5)).toBe(3);
    expect(firstEndingAfter(s, 20)).toBe(10);
  });

  it('jumps to the previous / next start, "previous" skipping the one just started', () => {
    const s = segs(5);
    expect(adjacentStart(s, 2.5, 1)).toBe(3);
    expect(adjacentStart(s, 3, 1)).toBe(4);
    expect(adjacentStart(s, 4.5, 1)).toBeNull();
    expect(adjacentStart(s, 2.5, -1)).toBe(2);
    expect(adjacentStart(s, 2.1, -1)).toBe(1);
    expect(adjacentStart(s, 0.1, -1)).toBeNull();
  });
});
