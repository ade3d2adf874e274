// The coding-artefact measure of the built-in pack (Wang, Sheikh & Bovik 2002, as published): the
// TypeScript reference equals the authors' vectorised formulation (re-stated in numpy), block
// averaging lowers the predicted quality, the block grid is the coded picture's, and frames without
// any variation stay finite.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wsbQuality, WSB_MODEL } from '../../src-main/services/scoring/quality-head';

const W = 96;
const H = 72;

/** A smooth picture with fine texture (deterministic). */
function natural(w = W, h = H): Uint8Array {
  const g = new Uint8Array(w * h);
  let s = 7;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const v = 128 + 60 * Math.sin(x / 9) * Math.cos(y / 7) + 25 * Math.sin((x + y) / 3);
      g[y * w + x] = Math.max(0, Math.min(255, Math.round(v + ((s >>> 24) % 9) - 4)));
    }
  }
  return g;
}

/** Each 8×8 block (from the origin shifted by (ox, oy)) replaced by its rounded mean. */
function blockAverage(src: Uint8Array, w: number, h: number, ox = 0, oy = 0): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let by = -oy; by < h; by += 8) {
    for (let bx = -ox; bx < w; bx += 8) {
      let sum = 0;
      let n = 0;
      for (let y = Math.max(0, by); y < Math.min(h, by + 8); y++)
        for (let x = Math.max(0, bx); x < Math.min(w, bx + 8); x++) {
          sum += src[y * w + x]!;
          n++;
        }
      for (let y = Math.max(0, by); y < Math.min(h, by + 8); y++)
        for (let x = Math.max(0, bx); x < Math.min(w, bx + 8); x++)
          out[y * w + x] = Math.round(sum / n);
    }
  }
  return out;
}

const PY = '/usr/bin/python3';
const hasNumpy = (() => {
  try {
    execFileSync(PY, ['-c', 'import numpy'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

describe('compression measure (Wang, Sheikh & Bovik 2002)', () => {
  it.runIf(fs.existsSync(PY) && hasNumpy)(
    'equals the published vectorised formulation on the same pixels',
    () => {
      // block averages keep some texture inside the blocks (flat blocks make the published
      // activity negative, where the formula has no real value and the reference floors it)
      const pic = natural();
      const blocky = blockAverage(pic, W, H).map((v, i) => v + (pic[i]! % 3));
      const frames = [pic, blocky, natural(80, 64)];
      const sizes = [
        [W, H],
        [W, H],
        [80, 64],
      ] as const;
      const { alpha, beta, g1, g2, g3 } = WSB_MODEL;
      const script = `
import sys, json, numpy as np
d = json.load(sys.stdin)
out = []
for f in d['frames']:
    x = np.array(f['px'], dtype=float).reshape(f['h'], f['w'])
    M, N = x.shape
    dh = x[:, 1:] - x[:, :-1]
    Bh = np.abs(dh[:, 7:8 * (N // 8) - 1:8]).mean()
    Ah = (8 * np.abs(dh).mean() - Bh) / 7
    sh = np.sign(dh); Zh = ((sh[:, :-1] * sh[:, 1:]) < 0).mean()
    dv = x[1:, :] - x[:-1, :]
    Bv = np.abs(dv[7:8 * (M // 8) - 1:8, :]).mean()
    Av = (8 * np.abs(dv).mean() - Bv) / 7
    sv = np.sign(dv); Zv = ((sv[:-1, :] * sv[1:, :]) < 0).mean()
    B, A, Z = (Bh + Bv) / 2, (Ah + Av) / 2, (Zh + Zv) / 2
    out.append(${alpha} + ${beta} * B ** (${g1}) * A ** (${g2}) * Z ** (${g3}))
print(json.dumps(out))
`;
      const input = JSON.stringify({
        frames: frames.map((f, i) => ({ px: Array.from(f), w: sizes[i]![0], h: sizes[i]![1] })),
      });
      const oracle = JSON.parse(execFileSync(PY, ['-c', script], { input }).toString()) as number[];
      frames.forEach((f, i) => {
        const [w, h] = sizes[i]!;
        expect(Math.abs(wsbQuality(f, w, h) - oracle[i]!)).toBeLessThanOrEqual(1e-9);
      });
      expect(oracle[1]!).toBeLessThan(oracle[0]!);
    },
  );

  it('block averaging lowers the predicted quality, on the coded grid only', () => {
    const pic = natural();
    const blocky = blockAverage(pic, W, H);
    const clean = wsbQuality(pic, W, H);
    const coded = wsbQuality(blocky, W, H);
    expect(coded).toBeLessThan(clean - 1);
    // the same blocks read 4 pixels off their grid: the boundary steps fall inside the blocks
    expect(wsbQuality(blocky, W, H, 4, 4)).toBeGreaterThan(coded + 1);
    // a picture cropped by 3 columns and 5 rows keeps its grid when the offset is given
    const cw = W - 3;
    const ch = H - 5;
    const cropped = new Uint8Array(cw * ch);
    for (let y = 0; y < ch; y++)
      cropped.set(blocky.subarray((y + 5) * W + 3, (y + 5) * W + W), y * cw);
    expect(wsbQuality(cropped, cw, ch, 3, 5)).toBeCloseTo(coded, 1);
  });

  it('stays finite on a frame without any variation', () => {
    const v = wsbQuality(new Uint8Array(W * H).fill(90), W, H);
    expect(Number.isFinite(v)).toBe(true);
  });
});
