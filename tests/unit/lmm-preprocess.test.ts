// Pure pieces of the LMM runtime: frame resizing and normalisation, Qwen2-VL's smart resize, patch
// order and multimodal position ids, frame thinning, and the tiny model generator's determinism.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capFrames } from '../../src-main/services/lmm/prompt';
import { fromHalfBits, toHalfBits } from '../../src-main/services/lmm/half';
import {
  framesToNchw,
  qwenPatches,
  qwenPositionIds,
  resizeRgb,
  smartResize,
} from '../../src-main/services/lmm/preprocess';

const frame = (w: number, h: number, f: (x: number, y: number, c: number) => number) => ({
  width: w,
  height: h,
  data: Uint8Array.from({ length: w * h * 3 }, (_, i) =>
    f(Math.floor(i / 3) % w, Math.floor(i / 3 / w), i % 3),
  ),
});

describe('frame preprocessing', () => {
  it('keeps a frame already at size and averages neighbours when halving', () => {
    const f = frame(4, 2, (x) => x * 10);
    expect(resizeRgb(f, 4, 2)).toBe(f);
    const half = resizeRgb(f, 2, 1);
    expect(Array.from(half.data)).toEqual([5, 5, 5, 25, 25, 25]);
  });

  it('normalises to NCHW with rescale, mean and std per channel', () => {
    const f = frame(2, 1, (_x, _y, c) => [255, 0, 51][c]!);
    const t = framesToNchw([f], 2, 1, {
      rescale: 1 / 255,
      mean: [0.5, 0.5, 0.2],
      std: [0.5, 0.25, 0.1],
    });
    expect(Array.from(t).map((v) => +v.toFixed(5))).toEqual([1, 1, -2, -2, 0, 0]);
  });

  it('refuses a frame whose byte count does not match its size', () => {
    expect(() =>
      framesToNchw([{ width: 4, height: 4, data: new Uint8Array(10) }], 4, 4, {
        rescale: 1,
        mean: [0, 0, 0],
        std: [1, 1, 1],
      }),
    ).toThrow(/frame 0: 4×4 needs 48 RGB bytes, got 10/);
  });

  it('smart-resizes to multiples of the factor within the pixel bounds', () => {
    expect(smartResize(720, 1280, 28, 56 * 56, 28 * 28 * 1280)).toEqual({
      height: 728,
      width: 1288,
    });
    const small = smartResize(720, 1280, 8, 256, 256);
    expect(small.height % 8).toBe(0);
    expect(small.width % 8).toBe(0);
    expect(small.height * small.width).toBeLessThanOrEqual(256);
    const up = smartResize(10, 10, 8, 1024, 4096);
    expect(up.height * up.width).toBeGreaterThanOrEqual(1024);
  });

  it('orders Qwen patches by merge group and pads the time axis with the last frame', () => {
    // 3 frames of 4×4 with patch 1, temporal patch 2, merge 2: value = frame*100 + y*10 + x in channel 0
    const frames = [0, 1, 2].map((t) =>
      frame(4, 4, (x, y, c) => (c === 0 ? t * 50 + y * 10 + x : 0)),
    );
    const p = qwenPatches(
      frames,
      { width: 4, height: 4 },
      { rescale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
      { patch: 1, temporal: 2, merge: 2 },
    );
    expect(p.grid).toEqual([2, 4, 4]);
    const row = (i: number) => Array.from(p.data.subarray(i * 6, i * 6 + 6));
    // patch 0: (y0,x0), channel 0 of frames 0 and 1; patch 1 is (y0,x1), patch 2 (y1,x0): one merge group
    expect(row(0)).toEqual([0, 50, 0, 0, 0, 0]);
    expect(row(1)).toEqual([1, 51, 0, 0, 0, 0]);
    expect(row(2)).toEqual([10, 60, 0, 0, 0, 0]);
    expect(row(4)).toEqual([2, 52, 0, 0, 0, 0]);
    // second temporal patch: frame 2 and its repeat
    expect(row(16)).toEqual([100, 100, 0, 0, 0, 0]);
  });

  it('gives Qwen video tokens (t, h, w) positions and text after them max + 1', () => {
    const V = 9;
    const ids = [1, 2, V, V, V, V, V, V, V, V, 3];
    // grid (t 2, h 4, w 4) with merge 2 → 2×2×2 video tokens
    const one = qwenPositionIds(ids, V, [2, 4, 4], 2, 1);
    const rows = (r: ReturnType<typeof qwenPositionIds>) =>
      [0, 1, 2].map((k) =>
        Array.from(r.positions.subarray(k * ids.length, (k + 1) * ids.length), Number),
      );
    expect(rows(one)).toEqual([
      [0, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4],
      [0, 1, 2, 2, 3, 3, 2, 2, 3, 3, 4],
      [0, 1, 2, 3, 2, 3, 2, 3, 2, 3, 4],
    ]);
    expect(one.next).toBe(5);
    // Qwen2.5-VL: time positions step by seconds per temporal patch × tokens per second
    const scaled = qwenPositionIds(ids, V, [2, 4, 4], 2, 4);
    expect(rows(scaled)[0]).toEqual([0, 1, 2, 2, 2, 2, 6, 6, 6, 6, 7]);
    expect(scaled.next).toBe(8);
  });

  it('thins frames evenly to a cap, keeping the first', () => {
    expect(capFrames([0, 1, 2, 3, 4, 5, 6, 7], 4)).toEqual([0, 2, 4, 6]);
    expect(capFrames([0, 1, 2], 4)).toEqual([0, 1, 2]);
  });
});

describe('float16 conversion', () => {
  it('matches IEEE binary16 bit patterns and rounds to nearest even', () => {
    expect([1, -2, 0.1, 65504, 70000, 0, 2 ** -24, 1e-9].map(toHalfBits)).toEqual([
      0x3c00, 0xc000, 0x2e66, 0x7bff, 0x7c00, 0, 1, 0,
    ]);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
    for (const v of [0.5, -3.25, 1000, 2 ** -20, 12.375])
      expect(fromHalfBits(toHalfBits(v))).toBe(v);
    expect(Math.abs(fromHalfBits(toHalfBits(0.1)) - 0.1)).toBeLessThan(1e-4);
  });
});

describe('gen:tiny-models', () => {
  it('writes byte-identical folders on regeneration', () => {
    const a = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-tiny-a-'));
    const b = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-tiny-b-'));
    try {
      const script = path.resolve(__dirname, '../../scripts/gen-tiny-models.mjs');
      execFileSync(process.execPath, [script, '--out', a, '--only', 'vqa2,qwen2_5_vl']);
      execFileSync(process.execPath, [script, '--out', b, '--only', 'vqa2,qwen2_5_vl']);
      const list = (d: string): string[] =>
        fs.readdirSync(d, { recursive: true, encoding: 'utf8' }).sort();
      expect(list(a)).toEqual(list(b));
      expect(list(a)).toContain(path.join('vqa2', 'onnx', 'decoder_model_merged.onnx'));
      for (const f of list(a)) {
        const fa = path.join(a, f);
        if (fs.statSync(fa).isFile())
          expect(fs.readFileSync(fa).equals(fs.readFileSync(path.join(b, f)))).toBe(true);
      }
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
      fs.rmSync(b, { recursive: true, force: true });
    }
    // two generator runs; generous for a loaded shared machine
  }, 60_000);
});
