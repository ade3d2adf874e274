// How the studio picks a model's frames: sizes from vqa2.json or the processor config, motion
// frames truncated to a multiple of 4, frame budgets spread evenly over a clip.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  evenIndices,
  frameSizesFor,
  motionLimitFor,
  truncateMotion,
} from '../../src-main/services/lmm/lmm-frames';

const dirs: string[] = [];
function folder(files: Record<string, unknown>): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-frames-'));
  dirs.push(d);
  for (const [name, v] of Object.entries(files))
    fs.writeFileSync(path.join(d, name), JSON.stringify(v));
  return d;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('model frames', () => {
  it('takes key and motion sizes from vqa2.json, and the motion limit as a multiple of 4', () => {
    const d = folder({
      'preprocessor_config.json': { size: { height: 384, width: 384 } },
      'vqa2.json': {
        keyFrames: { width: 32, height: 32 },
        motionFrames: { width: 16, height: 16, maxFrames: 510 },
      },
    });
    expect(frameSizesFor(d)).toEqual({
      key: { width: 32, height: 32 },
      motion: { width: 16, height: 16 },
    });
    expect(motionLimitFor(d)).toBe(508);
  });

  it('falls back to the processor size (LLaVA) or the square within max_pixels (Qwen)', () => {
    expect(
      frameSizesFor(folder({ 'preprocessor_config.json': { size: { height: 384, width: 384 } } }))
        .key,
    ).toEqual({ width: 384, height: 384 });
    // Qwen: max_pixels 256 → 16×16, a multiple of patch 4 × merge 2
    expect(
      frameSizesFor(
        folder({ 'preprocessor_config.json': { max_pixels: 256, patch_size: 4, merge_size: 2 } }),
      ).key,
    ).toEqual({ width: 16, height: 16 });
    // a real Qwen2-VL's huge max_pixels is held to 384 (rounded down to 28-pixel units)
    expect(
      frameSizesFor(
        folder({
          'preprocessor_config.json': { max_pixels: 12845056, patch_size: 14, merge_size: 2 },
        }),
      ).key,
    ).toEqual({ width: 364, height: 364 });
    expect(motionLimitFor(folder({}))).toBeNull();
  });

  it('truncates motion frames to a multiple of 4, keeping fewer than 4 as they are', () => {
    expect(truncateMotion([1, 2, 3, 4, 5, 6, 7])).toEqual([1, 2, 3, 4]);
    expect(truncateMotion([1, 2, 3])).toEqual([1, 2, 3]);
    expect(truncateMotion([])).toEqual([]);
  });

  it('spreads a frame budget evenly, taking everything when it fits', () => {
    expect([...evenIndices(5, 8)]).toEqual([0, 1, 2, 3, 4]);
    const picked = [...evenIndices(600, 32)];
    expect(picked).toHaveLength(32);
    expect(picked[0]).toBeLessThan(600 / 32);
    expect(picked.at(-1)).toBeGreaterThan(600 - 600 / 32);
    const gaps = picked.slice(1).map((v, i) => v - picked[i]!);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
  });
});
