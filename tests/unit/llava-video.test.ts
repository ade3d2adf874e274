// LLaVA-OneVision's video pooling: each frame's patch grid shrunk to ceil(g/2)² by bilinear
// interpolation with half-pixel centres (PyTorch's rule), frames in order, one newline row last.
import { describe, expect, it } from 'vitest';
import { LmmError } from '../../src-main/services/lmm/errors';
import { bilinearTaps, poolVideoFeatures } from '../../src-main/services/lmm/llava-video';

/** Features of `frames` frames whose value at (frame, row, col, k) is a plane in row and col. */
function plane(frames: number, grid: number, hidden: number): Float32Array {
  const out = new Float32Array(frames * grid * grid * hidden);
  for (let f = 0; f < frames; f++)
    for (let y = 0; y < grid; y++)
      for (let x = 0; x < grid; x++)
        for (let k = 0; k < hidden; k++)
          out[((f * grid + y) * grid + x) * hidden + k] = 100 * f + 10 * y + x + k;
  return out;
}

describe('bilinearTaps', () => {
  it('halves an even axis as 2-sample means and samples an odd one at (o + ½)·in/out − ½', () => {
    expect(bilinearTaps(4, 2)).toEqual([
      { i0: 0, i1: 1, w1: 0.5 },
      { i0: 2, i1: 3, w1: 0.5 },
    ]);
    // 27 → 14 (the 384-pixel SigLIP grid): first sample clamped to 0, last one between 25 and 26
    const t = bilinearTaps(27, 14);
    expect(t).toHaveLength(14);
    expect(t[0]).toEqual({ i0: 0, i1: 1, w1: expect.closeTo(0.4643, 3) as number });
    expect(t[13]!.i0).toBe(25);
    expect(t[13]!.i0 + t[13]!.w1).toBeCloseTo(13.5 * (27 / 14) - 0.5, 10);
  });
});

describe('poolVideoFeatures', () => {
  it('interpolates a plane exactly at the sample points, frames in order, newline last', () => {
    const grid = 5;
    const hidden = 3;
    const newline = Float32Array.from([7, 8, 9]);
    const rows = poolVideoFeatures(plane(2, grid, hidden), 2, grid, hidden, newline);
    expect(rows.length).toBe((2 * 9 + 1) * hidden);
    const at = (s: number) => Math.max((s + 0.5) * (5 / 3) - 0.5, 0);
    for (let f = 0; f < 2; f++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 3; x++)
          for (let k = 0; k < hidden; k++)
            expect(rows[((f * 3 + y) * 3 + x) * hidden + k]).toBeCloseTo(
              100 * f + 10 * at(y) + at(x) + k,
              4,
            );
    expect(Array.from(rows.subarray(18 * hidden))).toEqual([7, 8, 9]);
    // without a newline output the block is the pooled frames only
    expect(poolVideoFeatures(plane(2, grid, hidden), 2, grid, hidden, null).length).toBe(
      18 * hidden,
    );
  });

  it('refuses features whose row count does not match the grid, naming both', () => {
    const e = (() => {
      try {
        poolVideoFeatures(new Float32Array(2 * 16 * 3), 2, 5, 3, null);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(LmmError);
    expect((e as LmmError).message).toMatch(/32 rows for 2 frame\(s\).*5×5 = 25 per frame/);
  });
});
