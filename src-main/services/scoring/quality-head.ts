// The level head shared by the classical scorers: a quality estimate q ∈ [0, 1] becomes five level
// logits lᵢ = −(q − cᵢ)² / (2τ²) around the level centres c = (1, .75, .5, .25, 0), so that
// VQA²'s level-token function (softmax over the five, Σ pᵢwᵢ) turns it back into a score. The
// built-in ONNX pack computes the same formula in its graph; this is the reference and the
// streaming scorer's head.
import { DEFAULT_LEVEL_WEIGHTS, scoreFromLogits, type LevelScore } from '../levels/level-score';

export const LEVEL_CENTRES = [1, 0.75, 0.5, 0.25, 0] as const;
/** Half the spacing of the level centres: neighbouring levels share probability, far ones do not. */
export const DEFAULT_TAU = 0.125;

export function levelLogitsFromQuality(q: number, tau = DEFAULT_TAU): number[] {
  if (!Number.isFinite(q)) throw new Error(`quality must be finite, got ${q}`);
  return headLevelLogits(Math.min(1, Math.max(0, q)), { tau, levelCentres: LEVEL_CENTRES });
}

export function levelScoreFromQuality(
  q: number,
  weights: ArrayLike<number> = DEFAULT_LEVEL_WEIGHTS,
  tau = DEFAULT_TAU,
): LevelScore {
  return scoreFromLogits(levelLogitsFromQuality(q, tau), weights);
}

// ---------------------------------------------------------------------------------------------
// The built-in pack's segment head (resources/models/builtin-nr/segment.onnx): TypeScript
// reference of the measures the graph computes besides BRISQUE and temporal.ts, and of the fixed
// mapping from the measures to q. The coefficients live in the pack's manifest (`scoring.head`),
// written from one constant in scripts/gen-builtin-pack.mjs that also builds the graph.
// ---------------------------------------------------------------------------------------------

/** Order of segment.onnx's `measures` output. */
export const SEGMENT_MEASURES = [
  'brisque_mean',
  'motion',
  'freeze',
  'flicker',
  'luma',
  'contrast',
  'blur',
  'noise',
  'clip_dark',
  'clip_bright',
  'compression',
] as const;
export type SegmentMeasure = (typeof SEGMENT_MEASURES)[number];

export interface HeadPenalty {
  name: string;
  measure: SegmentMeasure;
  /** +1: higher values are worse; −1: lower values are worse. */
  direction: 1 | -1;
  threshold: number;
  scale: number;
  /** Largest share of quality this penalty can remove (< 1). */
  weight: number;
  description?: string;
}

export interface HeadCoefficients {
  tau: number;
  levelCentres: readonly number[];
  brisque: { weight: number; description?: string };
  penalties: readonly HeadPenalty[];
}

/**
 * q = clamp(S · Πₖ (1 − Pₖ), 0, 1) with S = 1 − brisque.weight · clamp(brisque_mean / 100, 0, 1)
 * and Pₖ = weightₖ · (1 − exp(−max(0, directionₖ · (mₖ − thresholdₖ) / scaleₖ))).
 * Every penalty is zero below its threshold, grows strictly above it and saturates softly at its
 * weight, so q falls strictly as any measure gets worse and never leaves [0, 1].
 */
export function qualityFromMeasures(measures: ArrayLike<number>, coeffs: HeadCoefficients): number {
  if (measures.length !== SEGMENT_MEASURES.length) {
    throw new Error(
      `expected ${SEGMENT_MEASURES.length} measures (${SEGMENT_MEASURES.join(', ')}), got ${measures.length}`,
    );
  }
  const m = (name: SegmentMeasure) => measures[SEGMENT_MEASURES.indexOf(name)]!;
  let q = 1 - (coeffs.brisque.weight / 100) * Math.min(100, Math.max(0, m('brisque_mean')));
  for (const p of coeffs.penalties) q *= penaltyFactor(p, m(p.measure));
  return Math.min(1, Math.max(0, q));
}

/** The share of q that one penalty keeps at a measure value: 1 − P (1 on the good side of its threshold). */
export function penaltyFactor(p: HeadPenalty, value: number): number {
  const excess = Math.max(0, (value - p.threshold) * (p.direction / p.scale));
  return 1 - p.weight * (1 - Math.exp(-excess));
}

/** Level logits of a quality q under a head's level centres and τ: lᵢ = −(q − cᵢ)² / (2τ²). */
export function headLevelLogits(
  q: number,
  coeffs: Pick<HeadCoefficients, 'tau' | 'levelCentres'>,
): number[] {
  return coeffs.levelCentres.map((c) => -((q - c) ** 2) / (2 * coeffs.tau * coeffs.tau));
}

/** Level logits of a segment from its measures (what segment.onnx outputs as `level_logits`). */
export function levelLogitsFromMeasures(
  measures: ArrayLike<number>,
  coeffs: HeadCoefficients,
): number[] {
  return headLevelLogits(qualityFromMeasures(measures, coeffs), coeffs);
}

/** OpenCV's 8-bit BGR2GRAY of interleaved rgb24 (the grey BRISQUE and the detail measures use). */
export function openCvGrey(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const g = new Uint8Array(width * height);
  for (let i = 0; i < g.length; i++) {
    g[i] = (9798 * rgb[3 * i]! + 19235 * rgb[3 * i + 1]! + 3735 * rgb[3 * i + 2]! + 16384) >> 15;
  }
  return g;
}

/**
 * Blur (Crété-Roffet, Dolmiere, Ladret, Nicolas, "The blur effect: perception and estimation with a
 * new no-reference perceptual blur metric", SPIE 6492, 2007): re-blur with a 9-tap mean (replicated
 * border) along each axis; b = (Σ D_F − Σ max(0, D_F − D_B)) / Σ D_F with D the absolute neighbour
 * differences of the frame (F) and of the re-blurred frame (B); blur = max of the two axes. 0 sharp,
 * 1 no detail (a frame with no variation at all counts as 1).
 */
export function creteBlur(grey: Uint8Array, width: number, height: number, taps = 9): number {
  const half = (taps - 1) / 2;
  const axis = (vertical: boolean): number => {
    const at = (x: number, y: number) => grey[y * width + x]!;
    const box = new Float64Array(width * height); // the 9-tap SUM (9 × the mean)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let t = -half; t <= half; t++) {
          s += vertical
            ? at(x, Math.min(height - 1, Math.max(0, y + t)))
            : at(Math.min(width - 1, Math.max(0, x + t)), y);
        }
        box[y * width + x] = s;
      }
    }
    let sF = 0;
    let sV = 0;
    for (let y = vertical ? 1 : 0; y < height; y++) {
      for (let x = vertical ? 0 : 1; x < width; x++) {
        const i = y * width + x;
        const j = vertical ? i - width : i - 1;
        const dF = taps * Math.abs(grey[i]! - grey[j]!);
        const dB = Math.abs(box[i]! - box[j]!);
        sF += dF;
        sV += Math.max(0, dF - dB);
      }
    }
    return sF > 0 ? (sF - sV) / sF : -1;
  };
  const b = Math.max(axis(true), axis(false));
  return b < 0 ? 1 : b;
}

/**
 * Noise in grey levels: the finest diagonal Haar sub-band HH = (x₀₀ − x₀₁ − x₁₀ + x₁₁)/2 over
 * non-overlapping 2×2 blocks (an odd last row/column dropped), ~N(0, σ²) for white noise of std σ
 * (Donoho & Johnstone 1994); mean |HH| per 16×16-pixel block (partial blocks dropped); the
 * ⌈0.1·B⌉-th smallest block mean (the flattest 10 %, so edges and texture stay out) × √(π/2).
 */
export function blockNoise(
  grey: Uint8Array,
  width: number,
  height: number,
  block = 16,
  percentile = 0.1,
): number {
  const w2 = Math.floor(width / 2);
  const h2 = Math.floor(height / 2);
  const b = block / 2;
  const bw = Math.floor(w2 / b);
  const bh = Math.floor(h2 / b);
  const means: number[] = [];
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      let s = 0;
      for (let y = by * b; y < (by + 1) * b; y++) {
        for (let x = bx * b; x < (bx + 1) * b; x++) {
          const i = 2 * y * width + 2 * x;
          s += Math.abs(grey[i]! - grey[i + 1]! - grey[i + width]! + grey[i + width + 1]!) / 2;
        }
      }
      means.push(s / (b * b));
    }
  }
  if (!means.length)
    throw new Error(`frame ${width}x${height} is smaller than one ${block}x${block} block`);
  means.sort((x, y) => x - y);
  const k = Math.max(1, Math.ceil(means.length * percentile - 1e-9));
  return means[k - 1]! * Math.sqrt(Math.PI / 2);
}

/**
 * Coding artefacts (Z. Wang, H. R. Sheikh, A. C. Bovik, "No-reference perceptual quality assessment
 * of JPEG compressed images", ICIP 2002), with the constants of the authors' reference code:
 * S = α + β·B^γ₁·A^γ₂·Z^γ₃, a predicted quality on their 1 (worst) … 10 (best) scale. Along each
 * axis, with d the neighbour differences: B = mean |d| across the boundaries of the 8-pixel block
 * grid, A = (8·mean |d| − B)/7 (activity inside blocks), Z = share of neighbouring d with opposite
 * signs; B, A, Z are the means of the two axes, floored at 1e-6 (finite on frames without steps).
 * The grid is the original frame's: `gridX`/`gridY` are where the (cropped) grey starts in it, so
 * column x of the grey sits at x + gridX of the coded picture.
 */
export const WSB_MODEL = {
  alpha: -245.8909,
  beta: 261.9373,
  g1: -239.8886 / 1e4,
  g2: 160.1664 / 1e4,
  g3: 64.2859 / 1e4,
} as const;
export const WSB_BLOCK = 8;
/** The `compression` measure is 10 − S (floored at 0): the predicted impairment, 0 at the top of the scale. */
export const WSB_TOP = 10;

export function wsbQuality(
  grey: Uint8Array,
  width: number,
  height: number,
  gridX = 0,
  gridY = 0,
): number {
  const axis = (vertical: boolean, start: number) => {
    const len = vertical ? height : width; // along the differences
    const lines = vertical ? width : height;
    const at = (line: number, k: number) =>
      vertical ? grey[k * width + line]! : grey[line * width + k]!;
    let sumAll = 0;
    let sumGrid = 0;
    let onGrid = 0;
    let crossings = 0;
    for (let k = 0; k + 1 < len; k++) if ((k + 1 + start) % WSB_BLOCK === 0) onGrid++;
    for (let line = 0; line < lines; line++) {
      let prev = 0;
      for (let k = 0; k + 1 < len; k++) {
        const d = at(line, k + 1) - at(line, k);
        sumAll += Math.abs(d);
        if ((k + 1 + start) % WSB_BLOCK === 0) sumGrid += Math.abs(d);
        if (k > 0 && Math.sign(d) * Math.sign(prev) < 0) crossings++;
        prev = d;
      }
    }
    const b = sumGrid / (Math.max(1, onGrid) * lines);
    const a = ((WSB_BLOCK * sumAll) / ((len - 1) * lines) - b) / (WSB_BLOCK - 1);
    const z = crossings / (Math.max(0, len - 2) * lines);
    return { b, a, z };
  };
  const v = axis(true, gridY);
  const h = axis(false, gridX);
  const floor = (x: number) => Math.max(1e-6, x);
  const { alpha, beta, g1, g2, g3 } = WSB_MODEL;
  return (
    alpha +
    beta *
      floor((v.b + h.b) / 2) ** g1 *
      floor((v.a + h.a) / 2) ** g2 *
      floor((v.z + h.z) / 2) ** g3
  );
}

/** Contrast of a segment: mean over its grey frames of the per-frame standard deviation, / 255. */
export function greyContrast(frames: readonly Uint8Array[]): number {
  if (!frames.length) return 0;
  let total = 0;
  for (const f of frames) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < f.length; i++) {
      s += f[i]!;
      s2 += f[i]! * f[i]!;
    }
    const mean = s / f.length;
    total += Math.sqrt(Math.max(0, s2 / f.length - mean * mean));
  }
  return total / frames.length / 255;
}

/** Grey level at or below which a pixel counts as crushed to black, at or above which as blown to white. */
export const CLIP_DARK_MAX = 4;
export const CLIP_BRIGHT_MIN = 251;

/**
 * Clipping of one 8-bit grey frame: the share of pixels crushed to black (≤ CLIP_DARK_MAX) and blown
 * to white (≥ CLIP_BRIGHT_MIN). Clipped pixels have lost their detail for good, whereas a dark scene
 * whose shadows still vary is a choice of exposure, not a defect: exposure is judged by these shares.
 */
export function clippedShares(grey: Uint8Array): { dark: number; bright: number } {
  if (!grey.length) return { dark: 0, bright: 0 };
  let dark = 0;
  let bright = 0;
  for (let i = 0; i < grey.length; i++) {
    if (grey[i]! <= CLIP_DARK_MAX) dark++;
    else if (grey[i]! >= CLIP_BRIGHT_MIN) bright++;
  }
  return { dark: dark / grey.length, bright: bright / grey.length };
}

/** Black borders are cropped only when at least this many rows/columns of picture remain. */
export const MIN_ACTIVE = 16;

/**
 * The active picture of a segment's key frames (interleaved rgb24, all w×h): rows and columns where
 * every pixel of every frame has all channels ≤ CLIP_DARK_MAX are a black border (letterbox,
 * pillarbox) — framing, not clipped picture — and are left out of every key-frame measure. The full
 * frame when less than MIN_ACTIVE rows or columns would remain.
 */
export function activeArea(
  frames: readonly Uint8Array[],
  w: number,
  h: number,
): { x0: number; y0: number; x1: number; y1: number } {
  const rows = new Uint8Array(h);
  const cols = new Uint8Array(w);
  for (const f of frames) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = 3 * (y * w + x);
        if (f[i]! > CLIP_DARK_MAX || f[i + 1]! > CLIP_DARK_MAX || f[i + 2]! > CLIP_DARK_MAX)
          rows[y] = cols[x] = 1;
      }
    }
  }
  const span = (a: Uint8Array): [number, number] => {
    const first = a.indexOf(1);
    const last = a.lastIndexOf(1);
    if (first < 0 || last + 1 - first < MIN_ACTIVE) return [0, a.length];
    return [first, last + 1];
  };
  const [y0, y1] = span(rows);
  const [x0, x1] = span(cols);
  return { x0, y0, x1, y1 };
}

/** The rectangle [x0, x1) × [y0, y1) of an interleaved rgb24 frame of width w. */
export function cropRgb(
  frame: Uint8Array,
  w: number,
  a: { x0: number; y0: number; x1: number; y1: number },
): Uint8Array {
  const cw = a.x1 - a.x0;
  const out = new Uint8Array(cw * (a.y1 - a.y0) * 3);
  for (let y = a.y0; y < a.y1; y++)
    out.set(frame.subarray(3 * (y * w + a.x0), 3 * (y * w + a.x1)), 3 * (y - a.y0) * cw);
  return out;
}

/** Key frames whose grey standard deviation is below this many levels have no detail. */
export const MIN_DETAIL_STD = 1;

/**
 * Weights of a segment's key frames in the key-frame means: 1 for a frame with detail, 0 for one
 * without (black, a fade, a plain title card: a transition, not picture; BRISQUE scores it 100 and
 * it is all "clipped"). When no frame has detail, all count.
 */
export function keyFrameWeights(greys: readonly Uint8Array[]): number[] {
  const w = greys.map((g) => (greyContrast([g]) * 255 >= MIN_DETAIL_STD ? 1 : 0));
  return w.some((x) => x > 0) ? w : w.map(() => 1);
}
