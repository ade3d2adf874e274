// LLaVA-OneVision's video path after the vision tower: the published ONNX export's vision encoder
// returns the projector output of every 384×384 view ([views, grid², hidden]); what the language
// model sees for a `<video>` placeholder is, as in the Python model, each frame's grid shrunk to
// ceil(grid/2)² by bilinear interpolation (PyTorch `interpolate(mode='bilinear')`: half-pixel
// centres, no corner alignment, no antialiasing), the frames concatenated in order, then one
// `image_newline` row for the whole video. Frames of a video are never tiled (no anyres).
import { LmmError } from './errors';

interface Tap {
  i0: number;
  i1: number;
  w1: number;
}

/** Source taps of a 1-D bilinear resize from `from` to `to` samples (PyTorch's rule). */
export function bilinearTaps(from: number, to: number): Tap[] {
  const scale = from / to;
  return Array.from({ length: to }, (_, d) => {
    const src = Math.max((d + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(src), from - 1);
    const i1 = i0 < from - 1 ? i0 + 1 : i0;
    return { i0, i1, w1: src - i0 };
  });
}

/**
 * Per-view features [frames·grid²·hidden] (rows in (row, col) order) → the video block's rows:
 * pooled frames, then the newline row when the model has one.
 */
export function poolVideoFeatures(
  features: Float32Array,
  frames: number,
  grid: number,
  hidden: number,
  newline: Float32Array | null,
): Float32Array {
  if (features.length !== frames * grid * grid * hidden) {
    throw new LmmError(
      'MODEL_INVALID',
      `vision_encoder image_features has ${features.length / hidden} rows for ${frames} frame(s); LLaVA-OneVision needs ${grid}×${grid} = ${grid * grid} per frame (vision_config image_size / patch_size)`,
    );
  }
  const out = Math.ceil(grid / 2);
  const taps = bilinearTaps(grid, out);
  const rows = frames * out * out + (newline ? 1 : 0);
  const res = new Float32Array(rows * hidden);
  for (let f = 0; f < frames; f++) {
    const base = f * grid * grid;
    for (let y = 0; y < out; y++) {
      const ty = taps[y]!;
      for (let x = 0; x < out; x++) {
        const tx = taps[x]!;
        const o = ((f * out + y) * out + x) * hidden;
        const corners: [number, number, number][] = [
          [ty.i0, tx.i0, (1 - ty.w1) * (1 - tx.w1)],
          [ty.i0, tx.i1, (1 - ty.w1) * tx.w1],
          [ty.i1, tx.i0, ty.w1 * (1 - tx.w1)],
          [ty.i1, tx.i1, ty.w1 * tx.w1],
        ];
        for (const [r, c, w] of corners) {
          if (w === 0) continue;
          const src = (base + r * grid + c) * hidden;
          for (let k = 0; k < hidden; k++) res[o + k] = res[o + k]! + w * features[src + k]!;
        }
      }
    }
  }
  if (newline) {
    if (newline.length !== hidden)
      throw new LmmError(
        'MODEL_INVALID',
        `vision_encoder image_newline has ${newline.length} values, the language model expects ${hidden}`,
      );
    res.set(newline, frames * out * out * hidden);
  }
  return res;
}
