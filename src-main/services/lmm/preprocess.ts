// Frames → the vision encoders' input tensors: resizing, rescale + mean/std normalisation, the
// NCHW layout of LLaVA-OneVision, Qwen2-VL's flattened patches (two frames per temporal patch,
// merge groups contiguous), and Qwen2-VL / Qwen2.5-VL multimodal rotary position ids.
import { LmmError } from './errors';

export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array; /* RGB24 */
}
export interface Normalisation {
  rescale: number;
  mean: number[];
  std: number[];
}

function checkFrame(f: RgbFrame, i: number): void {
  if (!(f.width > 0 && f.height > 0) || f.data.length !== f.width * f.height * 3) {
    throw new LmmError(
      'MODEL_INPUT_INVALID',
      `frame ${i}: ${f.width}×${f.height} needs ${f.width * f.height * 3} RGB bytes, got ${f.data.length}`,
    );
  }
}

/** Bilinear resize with half-pixel centres (edges clamped); a frame already at size is returned as is. */
export function resizeRgb(f: RgbFrame, width: number, height: number): RgbFrame {
  if (f.width === width && f.height === height) return f;
  const out = new Uint8Array(width * height * 3);
  const sx = f.width / width;
  const sy = f.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), f.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, f.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), f.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, f.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a =
          f.data[(y0 * f.width + x0) * 3 + c]! * (1 - wx) +
          f.data[(y0 * f.width + x1) * 3 + c]! * wx;
        const b =
          f.data[(y1 * f.width + x0) * 3 + c]! * (1 - wx) +
          f.data[(y1 * f.width + x1) * 3 + c]! * wx;
        out[(y * width + x) * 3 + c] = Math.round(a * (1 - wy) + b * wy);
      }
    }
  }
  return { width, height, data: out };
}

/** Frames → float32 [N, 3, H, W], each resized to width×height and normalised. */
export function framesToNchw(
  frames: RgbFrame[],
  width: number,
  height: number,
  norm: Normalisation,
): Float32Array {
  const plane = width * height;
  const out = new Float32Array(frames.length * 3 * plane);
  frames.forEach((frame, n) => {
    checkFrame(frame, n);
    const f = resizeRgb(frame, width, height);
    for (let c = 0; c < 3; c++) {
      const base = (n * 3 + c) * plane;
      const m = norm.mean[c]!;
      const s = norm.std[c]!;
      for (let i = 0; i < plane; i++) out[base + i] = (f.data[i * 3 + c]! * norm.rescale - m) / s;
    }
  });
  return out;
}

/** Qwen2-VL's smart_resize: sides multiples of `factor`, pixel count within [minPixels, maxPixels]. */
export function smartResize(
  height: number,
  width: number,
  factor: number,
  minPixels: number,
  maxPixels: number,
): { height: number; width: number } {
  let h = Math.max(factor, Math.round(height / factor) * factor);
  let w = Math.max(factor, Math.round(width / factor) * factor);
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.max(factor, Math.floor(height / beta / factor) * factor);
    w = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = Math.ceil((height * beta) / factor) * factor;
    w = Math.ceil((width * beta) / factor) * factor;
  }
  return { height: h, width: w };
}

export interface QwenPatches {
  /** [gt·gh·gw, 3·tp·p·p] float32 */
  data: Float32Array;
  grid: [number, number, number];
}

/**
 * Frames of one video → Qwen2-VL patches. The frame count is padded to a multiple of the temporal
 * patch by repeating the last frame; patches are ordered (t, h/m, w/m, m, m) so that each merge
 * group is contiguous, each patch flattened as (channel, temporal, row, col).
 */
export function qwenPatches(
  frames: RgbFrame[],
  size: { width: number; height: number },
  norm: Normalisation,
  p: { patch: number; temporal: number; merge: number },
): QwenPatches {
  const { width: W, height: H } = size;
  const padded = [...frames];
  while (padded.length % p.temporal) padded.push(frames[frames.length - 1]!);
  const chw = framesToNchw(padded, W, H, norm);
  const gt = padded.length / p.temporal;
  const gh = H / p.patch;
  const gw = W / p.patch;
  const m = p.merge;
  const patchLen = 3 * p.temporal * p.patch * p.patch;
  const out = new Float32Array(gt * gh * gw * patchLen);
  let o = 0;
  for (let t = 0; t < gt; t++)
    for (let bh = 0; bh < gh / m; bh++)
      for (let bw = 0; bw < gw / m; bw++)
        for (let mh = 0; mh < m; mh++)
          for (let mw = 0; mw < m; mw++)
            for (let c = 0; c < 3; c++)
              for (let tt = 0; tt < p.temporal; tt++) {
                const frame = t * p.temporal + tt;
                for (let py = 0; py < p.patch; py++) {
                  const y = (bh * m + mh) * p.patch + py;
                  const row = ((frame * 3 + c) * H + y) * W + (bw * m + mw) * p.patch;
                  for (let px = 0; px < p.patch; px++) out[o++] = chw[row + px]!;
                }
              }
  return { data: out, grid: [gt, gh, gw] };
}

/**
 * Multimodal rotary position ids [3, s] (rows t, h, w) of a prompt with at most one video block of
 * `videoTokenId`s: text counts on in all three rows; the block gets (t·tScale, h, w) over its merged
 * grid, offset by the position after the preceding text; text after it continues from max + 1.
 * tScale is 1 for Qwen2-VL; for Qwen2.5-VL it is seconds per temporal patch × tokens_per_second.
 */
export function qwenPositionIds(
  ids: number[],
  videoTokenId: number,
  grid: [number, number, number] | null,
  merge: number,
  tScale: number,
): { positions: BigInt64Array; next: number } {
  const s = ids.length;
  const pos = new BigInt64Array(3 * s);
  let next = 0;
  for (let i = 0; i < s;) {
    if (grid && ids[i] === videoTokenId) {
      const [gt, gh, gw] = [grid[0], grid[1] / merge, grid[2] / merge];
      let max = next;
      let k = i;
      for (let t = 0; t < gt; t++)
        for (let h = 0; h < gh; h++)
          for (let w = 0; w < gw; w++, k++) {
            const vals = [next + t * tScale, next + h, next + w];
            vals.forEach((v, r) => (pos[r * s + k] = BigInt(v)));
            max = Math.max(max, ...vals);
          }
      i = k;
      next = max + 1;
    } else {
      for (let r = 0; r < 3; r++) pos[r * s + i] = BigInt(next);
      next++;
      i++;
    }
  }
  return { positions: pos, next };
}
