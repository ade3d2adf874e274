// ITU-T P.1203 mode 0 streaming QoE: per-segment video quality from bitrate/resolution/frame rate
// (P.1203.1), integrated with stalling into a session score O.46 (P.1203.3). Pure math, no I/O.
//
// Implemented from the equations of ITU-T P.1203.1 (2017, with Corr./Amd.) and P.1203.3 (2017,
// with Amd. 1). Coefficients are the Recommendations' values as also documented by the open
// reference implementation "itu-p1203" (Robitza, Göring et al.), which is what the conformance
// values in tests/unit/p1203.test.ts come from. No code of that implementation is used here.
// Clause and equation numbers below refer to P.1203.3 (11/2017) as annotated by that project.
//
// Deliberate deviations, all documented where they occur:
//  * The random-forest part of P.1203.3 (the 0.25-weighted RF prediction in O.46) is omitted; its
//    place is taken by the parametric MOS itself (see `integrateSession`).
//  * Audio (P.1203.2): by default O.21 = 5 for every second (no audio impairment), because the
//    studio assesses pictures; a constant, or codec + bitrate through P.1203.2, can be given.

/* ----------------------------------------------------------------------------------------------
 * Errors and input types
 * -------------------------------------------------------------------------------------------- */

export type P1203ErrorCode = 'INVALID_INPUT' | 'UNSUPPORTED_CODEC' | 'EMPTY_SESSION';

/** Typed error: API and CLI map `code` to a "bad input" answer naming `message`'s field. */
export class P1203Error extends Error {
  readonly code: P1203ErrorCode;
  constructor(code: P1203ErrorCode, message: string) {
    super(message);
    this.name = 'P1203Error';
    this.code = code;
  }
}

/** P.1203.1 distinguishes PC/TV viewing from handheld devices (clause on handheld adjustment). */
export type P1203Device = 'pc' | 'handheld' | 'mobile';

export interface VideoQualityInput {
  bitrateKbps: number;
  width: number;
  height: number;
  fps: number;
  /** P.1203.1 is specified for H.264 only; anything else is refused rather than mis-scored. */
  codec?: 'h264';
  displayWidth?: number;
  displayHeight?: number;
  /** `'mobile'` is accepted as an alias of `'handheld'`. */
  device?: P1203Device;
}

export interface P1203Segment {
  /** Media time, seconds. */
  startSec: number;
  durationSec: number;
  bitrateKbps: number;
  width: number;
  height: number;
  fps: number;
  codec?: 'h264';
}

export interface P1203Stall {
  /** Media time at which playback froze (0 = initial loading), seconds. */
  startSec: number;
  durationSec: number;
}

export type P1203AudioCodec = 'aaclc' | 'heaac' | 'mp2' | 'ac3';

export interface IntegrateSessionInput {
  segments: readonly P1203Segment[];
  stalls?: readonly P1203Stall[];
  /**
   * Constant per-second audio quality O.21 in [1, 5]. Default 5: the studio rates video, and with
   * no audio information the integration must not invent an audio impairment. Mutually exclusive
   * with `audio`.
   */
  audioQuality?: number;
  /** Audio codec and bitrate, scored with P.1203.2 (see `audioQualityP1203_2`). */
  audio?: { codec: P1203AudioCodec; bitrateKbps: number };
  displayWidth?: number;
  displayHeight?: number;
  device?: P1203Device;
  /**
   * P.1203.3 Amendment 1 options, off by default so results match the original integration:
   * `audiovisual` (low audio quality pulls O.34 down harder) and `stalling` (long total stalling
   * caps O.46).
   */
  amendment1?: { audiovisual?: boolean; stalling?: boolean };
}

export interface IntegrateSessionResult {
  /** Overall audiovisual quality with stalling, MOS 1–5 (in practice [1.0095, 4.934], Eq. 30). */
  O46: number;
  /** (O46 − 1) / 4, clamped to [0, 1], for display next to the level-token scores. */
  O46Normalized: number;
  /** Per-second video quality O.22 (P.1203.1), after the handheld adjustment when chosen. */
  perSecondO22: number[];
  /** Per-second audio quality O.21 used by the integration. */
  perSecondO21: number[];
  /** Stalling-only quality, 1 + 4 · stalling impact. */
  O23: number;
  /** Per-second audiovisual quality. */
  O34: number[];
  /** Audiovisual quality without stalling (after oscillation/adaptation compensation). */
  O35: number;
  /** Seconds integrated (number of per-second samples). */
  durationSec: number;
  /** Intermediate features, for the UI's "why" panel and for tests. */
  details: {
    numStalls: number;
    /** Σ stall length weighted by distance to the end (recency), seconds. */
    weightedStallSec: number;
    avgStallIntervalSec: number;
    stallingImpact: number;
    O35Baseline: number;
    negativeBias: number;
    oscillationCompensation: number;
    adaptationCompensation: number;
    qualitySpread: number;
    qualityChangeRate: number;
    qDirChangesLongest: number;
    qDirChangesTotal: number;
    /** Stalls left out: zero length, or positioned after the end of the media. */
    ignoredStalls: P1203Stall[];
  };
}

/* ----------------------------------------------------------------------------------------------
 * Coefficients
 * -------------------------------------------------------------------------------------------- */

/** P.1203.1 video coefficients (mode 0 compression; upscaling u; frame rate t; quant→MOS q; handheld htv). */
export const P1203_1_COEFFS = Object.freeze({
  mode0: { a1: 11.9983519, a2: -2.99991847, a3: 41.2475074001, a4: 0.13183165961 },
  q1: 4.66,
  q2: -0.07,
  q3: 4.06,
  u1: 72.61,
  u2: 0.32,
  t1: 30.98,
  t2: 1.29,
  t3: 64.65,
  htv1: -0.60293,
  htv2: 2.12382,
  htv3: -0.36936,
  htv4: 0.03409,
});

/** P.1203.2 audio coefficients per codec: Q_cod_A = a1A · exp(a2A · bitrate) + a3A. */
export const P1203_2_COEFFS: Readonly<
  Record<P1203AudioCodec, { a1: number; a2: number; a3: number }>
> = Object.freeze({
  mp2: { a1: 100, a2: -0.02, a3: 15.48 },
  ac3: { a1: 100, a2: -0.03, a3: 15.7 },
  aaclc: { a1: 100, a2: -0.05, a3: 14.6 },
  heaac: { a1: 100, a2: -0.11, a3: 20.06 },
});

/** P.1203.3 integration coefficients (parametric part). */
export const P1203_3_COEFFS = Object.freeze({
  // stall position weighting (recency), clause 8.1.1.1
  cRef7: 0.48412879,
  cRef8: 10,
  // audiovisual per-second quality O.34
  av1: -0.00069084,
  av2: 0.15374283,
  av3: 0.97153861,
  av4: 0.02461776,
  // temporal weighting of O.34 into O.35
  t1: 0.00666620027943848,
  t2: 0.0000404018840273729,
  t3: 0.156497800436237,
  t4: 0.143179744942738,
  t5: 0.0238641564518876,
  // negative-bias (recency-weighted low percentile)
  c1: 1.87403625,
  c2: 7.85416481,
  c23: 0.0185382,
  // stalling impact
  s1: 9.35158684,
  s2: 0.91890815,
  s3: 11.0567558,
  // oscillation / adaptation compensation
  comp1: 0.6775608,
  comp2: -8.05533303,
  comp3: 0.17332553,
  comp4: -0.01035647,
  // final linear mapping of O.46
  f1: 0.02833052,
  f2: 0.98117059,
  // Amendment 1
  amd1AvThreshold: 2.0,
  amd1StallA1: -0.066667,
  amd1StallA2: 2.0,
});

/* ----------------------------------------------------------------------------------------------
 * MOS ↔ R (the 0–100 "quality rating" scale on which P.1203.1 adds degradations)
 * -------------------------------------------------------------------------------------------- */

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

const MOS_MIN = 1.05;
const MOS_MAX = 4.9;

/**
 * MOSfromR: the E-model-style cubic P.1203.1 uses to map the 0–100 scale back to MOS. R is clamped
 * to its domain first: outside [0, 100] the cubic turns back (R = 150 would give MOS 2.1, and a
 * negative R from a very low audio bitrate would rise above MOS_MIN).
 */
export function mosFromR(r: number): number {
  const q = clamp(r, 0, 100);
  const mos = MOS_MIN + ((MOS_MAX - MOS_MIN) * q) / 100 + q * (q - 60) * (100 - q) * 0.000007;
  return Math.min(MOS_MAX, Math.max(MOS_MIN, mos));
}

/**
 * RfromMOS, the inverse of MOSfromR. The cubic is not monotonic below R ≈ 3.2 (it dips under
 * MOS_MIN there), so the inverse is taken on a grid: R = 0 anchored at MOS_MIN, then R = 3.25 …
 * 100 in steps of 0.25 (where the cubic is increasing), with linear interpolation between grid
 * points. This is the tabulation the reference implementation uses; building it from the formula
 * keeps our O.22 within 1e-6 of its conformance values. Interpolation error vs the exact inverse
 * is < 0.002 R points.
 */
const R_GRID: readonly number[] = (() => {
  const rs = [0];
  for (let k = 13; k <= 400; k++) rs.push(k * 0.25);
  return rs;
})();
const MOS_GRID: readonly number[] = R_GRID.map((r, i) =>
  i === 0
    ? MOS_MIN
    : MOS_MIN + ((MOS_MAX - MOS_MIN) * r) / 100 + r * (r - 60) * (100 - r) * 0.000007,
);

export function rFromMos(mos: number): number {
  const m = Math.min(MOS_MAX, Math.max(MOS_MIN, mos));
  // Binary search for the grid cell containing m (MOS_GRID is strictly increasing).
  let lo = 0;
  let hi = MOS_GRID.length - 1;
  if (m <= (MOS_GRID[0] as number)) return R_GRID[0] as number;
  if (m >= (MOS_GRID[hi] as number)) return R_GRID[hi] as number;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((MOS_GRID[mid] as number) <= m) lo = mid;
    else hi = mid;
  }
  const m0 = MOS_GRID[lo] as number;
  const m1 = MOS_GRID[hi] as number;
  const r0 = R_GRID[lo] as number;
  const r1 = R_GRID[hi] as number;
  return r0 + ((r1 - r0) * (m - m0)) / (m1 - m0);
}

/* ----------------------------------------------------------------------------------------------
 * Validation
 * -------------------------------------------------------------------------------------------- */

function requirePositive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new P1203Error(
      'INVALID_INPUT',
      `${name} must be a positive finite number; got ${String(value)}`,
    );
  }
  return value;
}

function requireNonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new P1203Error(
      'INVALID_INPUT',
      `${name} must be a finite number ≥ 0; got ${String(value)}`,
    );
  }
  return value;
}

function requireCodec(codec: unknown, name: string): void {
  if (codec === undefined) return;
  if (typeof codec !== 'string' || codec.toLowerCase() !== 'h264') {
    throw new P1203Error(
      'UNSUPPORTED_CODEC',
      `${name}: P.1203.1 mode 0 is specified for H.264 only; got ${String(codec)}`,
    );
  }
}

function normalizeDevice(device: unknown): 'pc' | 'handheld' {
  if (device === undefined || device === 'pc') return 'pc';
  if (device === 'handheld' || device === 'mobile') return 'handheld';
  throw new P1203Error('INVALID_INPUT', `device must be "pc" or "handheld"; got ${String(device)}`);
}

/* ----------------------------------------------------------------------------------------------
 * P.1203.1 mode 0 video quality (O.22)
 * -------------------------------------------------------------------------------------------- */

interface VideoParams {
  bitrateKbps: number;
  codingPixels: number;
  displayPixels: number;
  fps: number;
  device: 'pc' | 'handheld';
}

/** The mode-0 model on validated numbers; see `videoQualityMode0`. */
function mode0(p: VideoParams): number {
  const c = P1203_1_COEFFS;
  const { a1, a2, a3, a4 } = c.mode0;
  const br = p.bitrateKbps;
  // P.1203.1 mode 0 compression term: "quant" is a bitrate-derived stand-in for the average QP
  // (modes 2/3 measure it from the bitstream), driven by log bitrate and bits per pixel·frame.
  const quant =
    a1 + a2 * Math.log(a3 + Math.log(br) + Math.log((br * br) / (p.codingPixels * p.fps) + a4));
  const mosCod = clamp(c.q1 + c.q2 * Math.exp(c.q3 * quant), 1, 5);
  // Degradations are added on the 0–100 R scale, not on MOS, so they combine additively.
  const degCod = clamp(100 - rFromMos(mosCod), 0, 100);
  // Upscaling to the display: log of the pixel-count scale factor (no degradation when ≥ display).
  const scale = Math.max(p.displayPixels / p.codingPixels, 1);
  const degScal = clamp(c.u1 * Math.log10(c.u2 * (scale - 1) + 1), 0, 100);
  // Frame-rate reduction only counts below 24 fps, and only on the quality that is left.
  const degFr =
    p.fps < 24
      ? clamp(((100 - degCod - degScal) * (c.t1 - c.t2 * p.fps)) / (c.t3 + p.fps), 0, 100)
      : 0;
  let mos = mosFromR(100 - clamp(degCod + degScal + degFr, 0, 100));
  if (p.device === 'handheld') {
    // Handheld adjustment (cubic in the PC-viewing MOS): small screens hide some artefacts.
    mos = clamp(c.htv1 + c.htv2 * mos + c.htv3 * mos * mos + c.htv4 * mos * mos * mos, 1, 5);
  }
  return mos;
}

function videoParamsOf(
  v: { bitrateKbps: unknown; width: unknown; height: unknown; fps: unknown; codec?: unknown },
  display: { displayWidth?: unknown; displayHeight?: unknown; device?: unknown },
  where: string,
): VideoParams {
  const bitrateKbps = requirePositive(v.bitrateKbps, `${where}bitrateKbps`);
  const width = requirePositive(v.width, `${where}width`);
  const height = requirePositive(v.height, `${where}height`);
  const fps = requirePositive(v.fps, `${where}fps`);
  requireCodec(v.codec, `${where}codec`);
  const dw = requirePositive(display.displayWidth ?? 1920, 'displayWidth');
  const dh = requirePositive(display.displayHeight ?? 1080, 'displayHeight');
  return {
    bitrateKbps,
    codingPixels: width * height,
    displayPixels: dw * dh,
    fps,
    device: normalizeDevice(display.device),
  };
}

/**
 * P.1203.1 mode 0 video quality of one segment (the per-second O.22 value while that segment
 * plays), MOS in [1, 5] (in practice [1.05, 4.9] on PC). Defaults: display 1920×1080, PC.
 */
export function videoQualityMode0(input: VideoQualityInput): number {
  if (input == null || typeof input !== 'object')
    throw new P1203Error('INVALID_INPUT', 'videoQualityMode0 needs an input object');
  return mode0(videoParamsOf(input, input, ''));
}

/* ----------------------------------------------------------------------------------------------
 * P.1203.2 audio quality (O.21), for sessions that know their audio track
 * -------------------------------------------------------------------------------------------- */

/** P.1203.2 (all modes share it): audio MOS from codec and bitrate. "aac" means AAC-LC. */
export function audioQualityP1203_2(input: {
  codec: P1203AudioCodec | 'aac';
  bitrateKbps: number;
}): number {
  const codec = input?.codec === 'aac' ? 'aaclc' : input?.codec;
  const k = typeof codec === 'string' ? P1203_2_COEFFS[codec as P1203AudioCodec] : undefined;
  if (!k)
    throw new P1203Error(
      'UNSUPPORTED_CODEC',
      `audio codec must be one of aaclc, heaac, mp2, ac3; got ${String(input?.codec)}`,
    );
  const br = requirePositive(input.bitrateKbps, 'audio.bitrateKbps');
  return mosFromR(100 - (k.a1 * Math.exp(k.a2 * br) + k.a3));
}

/* ----------------------------------------------------------------------------------------------
 * P.1203.3 integration (O.46)
 * -------------------------------------------------------------------------------------------- */

/** b + (a − b)·0.5^(x / d): the anchored exponential P.1203.3 uses for recency weights (c = 0). */
function halfLifeWeight(a: number, b: number, halfLife: number, x: number): number {
  return b + (a - b) * Math.pow(0.5, x / halfLife);
}

/** Percentile with linear interpolation between closest ranks (numpy's default method). */
function percentileLinear(values: readonly number[], pct: number): number {
  const s = [...values].sort((x, y) => x - y);
  const pos = (pct / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = s[lo] as number;
  const b = s[hi] as number;
  return a + (b - a) * (pos - lo);
}

/**
 * Quality-direction changes (P.1203.3 clause 8.1.2.4/8.1.2.5): O.22 is smoothed with a 5-tap
 * moving average (edges padded with the first/last value), sampled every 3 s, and each step is
 * classified up (+1), down (−1) or flat (0) with a 0.2 MOS threshold. Returns the longest span
 * without a direction change (seconds) and the number of direction runs.
 */
function qualityDirectionChanges(o22: readonly number[]): { longest: number; total: number } {
  const order = 5;
  const step = 3;
  const thresh = 0.2;
  const first = o22[0] as number;
  const last = o22[o22.length - 1] as number;
  const padded = [
    ...Array<number>(order - 1).fill(first),
    ...o22,
    ...Array<number>(order - 1).fill(last),
  ];
  const ma: number[] = [];
  for (let i = 0; i + order <= padded.length; i++) {
    let s = 0;
    for (let k = 0; k < order; k++) s += padded[i + k] as number;
    ma.push(s / order);
  }
  const qc: number[] = [];
  for (let i = 0; i + step < ma.length; i += step) {
    const d = (ma[i + step] as number) - (ma[i] as number);
    // Strict thresholds on both sides: a change of exactly ±0.2 counts as flat.
    qc.push(d > thresh ? 1 : d < -thresh ? -1 : 0);
  }
  // Indices where the (non-zero) direction starts or flips.
  const changes: number[] = [];
  let lastDir = 0;
  qc.forEach((v, i) => {
    if (v !== 0 && v !== lastDir) {
      changes.push(i);
      lastDir = v;
    }
  });
  let longest: number;
  if (changes.length > 0) {
    const marks = [0, ...changes, qc.length];
    let maxGap = 0;
    for (let i = 1; i < marks.length; i++)
      maxGap = Math.max(maxGap, (marks[i] as number) - (marks[i - 1] as number));
    longest = maxGap * step;
  } else {
    longest = qc.length * step;
  }
  // Number of runs of equal non-zero directions = number of direction changes counted above.
  return { longest, total: changes.length };
}

/** Media-time length of a session, rounded to whole seconds the way P.1203 outputs samples. */
function sessionSeconds(endSec: number): number {
  // One O.22 sample per completed second; a remainder above 0.99 s counts as a full second, so
  // that frame-duration rounding (e.g. 9.9999 s) does not drop the last sample.
  const whole = Math.floor(endSec);
  return endSec - whole > 0.99 ? whole + 1 : whole;
}

/**
 * Integrates a streaming session per P.1203 mode 0.
 *
 * 1. P.1203.1: one O.22 per second of media, from the segment playing at the end of that second
 *    (a second that falls in a gap between segments keeps the previous segment's quality). At a
 *    switch exactly on a whole second t, the second ending at t keeps the old segment: the
 *    Recommendation samples the last frame before t. (The reference implementation accumulates
 *    frame durations in floating point, so at such boundaries it picks the old or the new
 *    segment depending on rounding; we use exact media time instead.)
 * 2. O.21: constant `audioQuality` (default 5), or P.1203.2 from `audio`.
 * 3. P.1203.3 parametric part: O.34 per second, temporally weighted into O.35 with negative-bias,
 *    oscillation and adaptation compensation; stalling impact from number of stalls, total
 *    length weighted toward the end (recency), and average interval between stalls; O.23.
 * 4. O.46. The Recommendation forms 0.75 · parametric MOS + 0.25 · RF, where RF is a 20-tree
 *    random forest over stalling and quality statistics, then applies the linear mapping
 *    f1 + f2 · O.46 (Eq. 30). We omit the random forest and give its 0.25 weight to the
 *    parametric MOS (i.e. RF prediction := parametric MOS), so O.46 = f1 + f2 · MOS. On a
 *    stall-free constant-quality session with O.35 = 5 the reference (with RF) reports
 *    O.46 = 4.921; this gives f1 + 5·f2 = 4.934. Where the forest would have corrected the
 *    parametric part (it sees e.g. initial loading separately), results differ from a full
 *    P.1203.3 implementation by up to 0.25 · |RF − parametric MOS|.
 */
export function integrateSession(input: IntegrateSessionInput): IntegrateSessionResult {
  if (input == null || typeof input !== 'object')
    throw new P1203Error('INVALID_INPUT', 'integrateSession needs an input object');
  const k = P1203_3_COEFFS;
  const device = normalizeDevice(input.device);
  if (!Array.isArray(input.segments) || input.segments.length === 0) {
    throw new P1203Error('EMPTY_SESSION', 'segments must be a non-empty array');
  }

  // --- segments → per-second O.22 ------------------------------------------------------------
  const segs = input.segments
    .map((s, i) => {
      if (s == null || typeof s !== 'object')
        throw new P1203Error('INVALID_INPUT', `segments[${i}] must be an object`);
      const startSec = requireNonNegative(s.startSec, `segments[${i}].startSec`);
      const durationSec = requirePositive(s.durationSec, `segments[${i}].durationSec`);
      const params = videoParamsOf(s, { ...input, device }, `segments[${i}].`);
      return { index: i, startSec, endSec: startSec + durationSec, quality: mode0(params) };
    })
    .sort((a, b) => a.startSec - b.startSec);
  for (let i = 1; i < segs.length; i++) {
    const prev = segs[i - 1]!;
    const cur = segs[i]!;
    // 1 ms tolerance: segment times are often rounded in manifests and probe output.
    if (cur.startSec < prev.endSec - 1e-3) {
      throw new P1203Error(
        'INVALID_INPUT',
        `segments[${cur.index}] starts at ${cur.startSec} s, inside segments[${prev.index}] (${prev.startSec}–${prev.endSec} s)`,
      );
    }
  }
  const endSec = Math.max(...segs.map((s) => s.endSec));
  const T = sessionSeconds(endSec);
  if (T < 1)
    throw new P1203Error(
      'EMPTY_SESSION',
      `session is ${endSec} s long; P.1203 needs at least 1 s of media`,
    );

  const o22: number[] = [];
  let j = 0;
  for (let t = 1; t <= T; t++) {
    // Segment playing just before media time t: the last one that starts before t.
    while (j + 1 < segs.length && segs[j + 1]!.startSec < t - 1e-9) j++;
    o22.push(segs[j]!.quality);
  }

  // --- audio O.21 ----------------------------------------------------------------------------
  if (input.audio !== undefined && input.audioQuality !== undefined) {
    throw new P1203Error('INVALID_INPUT', 'give either audioQuality or audio, not both');
  }
  let a21 = 5;
  if (input.audio !== undefined) a21 = audioQualityP1203_2(input.audio);
  else if (input.audioQuality !== undefined) {
    const aq = input.audioQuality;
    if (typeof aq !== 'number' || !Number.isFinite(aq) || aq < 1 || aq > 5) {
      throw new P1203Error(
        'INVALID_INPUT',
        `audioQuality must be a MOS in [1, 5]; got ${String(aq)}`,
      );
    }
    a21 = aq;
  }
  const o21 = new Array<number>(T).fill(a21);

  // --- stalls ---------------------------------------------------------------------------------
  const ignoredStalls: P1203Stall[] = [];
  const stalls: P1203Stall[] = [];
  (input.stalls ?? []).forEach((s, i) => {
    if (s == null || typeof s !== 'object')
      throw new P1203Error('INVALID_INPUT', `stalls[${i}] must be an object`);
    const startSec = requireNonNegative(s.startSec, `stalls[${i}].startSec`);
    const durationSec = requireNonNegative(s.durationSec, `stalls[${i}].durationSec`);
    // As in P.1203.3's input definition, stalls are located in media time within the session;
    // zero-length events and events after the end carry no information and are set aside.
    if (durationSec === 0 || startSec > T) ignoredStalls.push({ startSec, durationSec });
    else stalls.push({ startSec, durationSec });
  });
  stalls.sort((a, b) => a.startSec - b.startSec);

  // Clause 8.1.1.1: stall length weighted by recency — a stall near the end counts fully, one long
  // before the end tends to cRef7 (half-life cRef8 seconds).
  const weightedStallSec = stalls.reduce(
    (acc, s) => acc + s.durationSec * halfLifeWeight(1, k.cRef7, k.cRef8, T - s.startSec),
    0,
  );
  const numStalls = stalls.length;
  const avgStallIntervalSec =
    numStalls > 1 ? (stalls[numStalls - 1]!.startSec - stalls[0]!.startSec) / (numStalls - 1) : 0;

  // --- O.34 and baseline O.35 (temporal pooling that favours the end and low scores) ----------
  const O34: number[] = [];
  let num = 0;
  let den = 0;
  for (let t = 0; t < T; t++) {
    const a = o21[t] as number;
    const v = o22[t] as number;
    let av = clamp(k.av1 + k.av2 * a + k.av3 * v + k.av4 * a * v, 1, 5);
    if (input.amendment1?.audiovisual) {
      // Amendment 1: audio below the threshold scales the audiovisual quality toward 1.
      av = (1 - Math.max(0, k.amd1AvThreshold - a)) * (av - 1) + 1;
    }
    O34.push(av);
    const w1 = k.t1 + k.t2 * Math.exp(t / T / k.t3);
    const w2 = k.t4 - k.t5 * av;
    num += w1 * w2 * av;
    den += w1 * w2;
  }
  const O35Baseline = num / den;

  // --- negative bias: recency-weighted 10th percentile of deviations below the baseline --------
  const diffs = O34.map((v, i) => (v - O35Baseline) * halfLifeWeight(1, k.c1, k.c2, T - i - 1));
  const negativeBias = Math.max(0, -percentileLinear(diffs, 10)) * k.c23;

  // --- oscillations and adaptation (clauses 8.1.2.x, 8.3) ----------------------------------------
  const qualitySpread = Math.max(...o22) - Math.min(...o22);
  let changes = 0;
  for (let i = 1; i < T; i++)
    if (Math.abs((o22[i] as number) - (o22[i - 1] as number)) > 0.2) changes++;
  const qualityChangeRate = changes / T;
  const { longest: qDirChangesLongest, total: qDirChangesTotal } = qualityDirectionChanges(o22);

  let oscillationCompensation = 0;
  if (qDirChangesLongest / T < 0.25 && qDirChangesLongest < 30) {
    const qDiff = Math.max(0, 1 + Math.log10(qualitySpread + 0.001));
    oscillationCompensation = clamp(qDiff * Math.exp(k.comp1 * qDirChangesTotal + k.comp2), 0, 1.5);
  }
  let adaptationCompensation = 0;
  if (qDirChangesLongest / T < 0.25) {
    adaptationCompensation = clamp(k.comp3 * qualitySpread * qualityChangeRate + k.comp4, 0, 0.5);
  }
  const O35 = O35Baseline - negativeBias - oscillationCompensation - adaptationCompensation;

  // --- stalling impact, O.23 and O.46 -------------------------------------------------------------
  const stallingImpact =
    Math.exp(-numStalls / k.s1) *
    Math.exp(-weightedStallSec / T / k.s2) *
    Math.exp(-avgStallIntervalSec / T / k.s3);
  const O23 = 1 + 4 * stallingImpact;
  const mos = 1 + (O35 - 1) * stallingImpact;
  // Random forest omitted: its 0.25 share goes to the parametric MOS (see the doc comment).
  let o46 = clamp(mos, 1, 5);
  if (input.amendment1?.stalling) {
    const qFac = clamp(k.amd1StallA1 * weightedStallSec + k.amd1StallA2, 0, 1);
    o46 = 1 + (o46 - 1) * qFac;
  }
  const O46 = k.f1 + k.f2 * o46;

  return {
    O46,
    O46Normalized: clamp((O46 - 1) / 4, 0, 1),
    perSecondO22: o22,
    perSecondO21: o21,
    O23,
    O34,
    O35,
    durationSec: T,
    details: {
      numStalls,
      weightedStallSec,
      avgStallIntervalSec,
      stallingImpact,
      O35Baseline,
      negativeBias,
      oscillationCompensation,
      adaptationCompensation,
      qualitySpread,
      qualityChangeRate,
      qDirChangesLongest,
      qDirChangesTotal,
      ignoredStalls,
    },
  };
}

/* ----------------------------------------------------------------------------------------------
 * Quality switches (timeline events)
 * -------------------------------------------------------------------------------------------- */

export type SwitchChange = 'resolution' | 'bitrate' | 'fps';

export interface SwitchEvent {
  kind: 'switch';
  /** Media time of the switch (start of the new segment); startSec = endSec = timeSec. */
  timeSec: number;
  startSec: number;
  endSec: number;
  changes: SwitchChange[];
  from: { width: number; height: number; bitrateKbps: number; fps: number };
  to: { width: number; height: number; bitrateKbps: number; fps: number };
  /** Mode-0 O.22 before and after, and the direction of the change in quality. */
  qualityBefore: number;
  qualityAfter: number;
  direction: 'up' | 'down' | 'flat';
}

export interface DetectSwitchesOptions {
  /**
   * Relative bitrate change that counts as a switch: max/min − 1 > threshold. Default 0.2. Mode-0
   * segment bitrates of one VBR representation wander by several percent; ABR ladders step by
   * ≳ 1.5×, so 20 % separates the two. Symmetric, so up- and down-switches are treated alike.
   */
  bitrateThreshold?: number;
  /** Frame-rate difference (fps) below which rates are equal, e.g. 29.97 vs 29.970029. Default 0.01. */
  fpsTolerance?: number;
  displayWidth?: number;
  displayHeight?: number;
  device?: P1203Device;
}

/**
 * Representation switches between consecutive segments (sorted by start time): a change of coded
 * resolution (width or height), of frame rate (beyond `fpsTolerance`), or of bitrate (beyond
 * `bitrateThreshold`, relative). Each event carries the mode-0 quality on both sides.
 */
export function detectSwitches(
  segments: readonly P1203Segment[],
  options: DetectSwitchesOptions = {},
): SwitchEvent[] {
  if (!Array.isArray(segments)) throw new P1203Error('INVALID_INPUT', 'segments must be an array');
  const bitrateThreshold = options.bitrateThreshold ?? 0.2;
  const fpsTolerance = options.fpsTolerance ?? 0.01;
  if (!Number.isFinite(bitrateThreshold) || bitrateThreshold < 0) {
    throw new P1203Error(
      'INVALID_INPUT',
      `bitrateThreshold must be a finite number ≥ 0; got ${String(bitrateThreshold)}`,
    );
  }
  if (!Number.isFinite(fpsTolerance) || fpsTolerance < 0) {
    throw new P1203Error(
      'INVALID_INPUT',
      `fpsTolerance must be a finite number ≥ 0; got ${String(fpsTolerance)}`,
    );
  }
  const segs = segments
    .map((s, i) => {
      if (s == null || typeof s !== 'object')
        throw new P1203Error('INVALID_INPUT', `segments[${i}] must be an object`);
      requireNonNegative(s.startSec, `segments[${i}].startSec`);
      requirePositive(s.durationSec, `segments[${i}].durationSec`);
      return { seg: s, quality: mode0(videoParamsOf(s, options, `segments[${i}].`)) };
    })
    .sort((a, b) => a.seg.startSec - b.seg.startSec);

  const events: SwitchEvent[] = [];
  for (let i = 1; i < segs.length; i++) {
    const a = segs[i - 1]!;
    const b = segs[i]!;
    const changes: SwitchChange[] = [];
    if (a.seg.width !== b.seg.width || a.seg.height !== b.seg.height) changes.push('resolution');
    const ratio =
      Math.max(a.seg.bitrateKbps, b.seg.bitrateKbps) /
      Math.min(a.seg.bitrateKbps, b.seg.bitrateKbps);
    if (ratio - 1 > bitrateThreshold) changes.push('bitrate');
    if (Math.abs(a.seg.fps - b.seg.fps) > fpsTolerance) changes.push('fps');
    if (changes.length === 0) continue;
    const pick = (s: P1203Segment) => ({
      width: s.width,
      height: s.height,
      bitrateKbps: s.bitrateKbps,
      fps: s.fps,
    });
    const dq = b.quality - a.quality;
    events.push({
      kind: 'switch',
      timeSec: b.seg.startSec,
      startSec: b.seg.startSec,
      endSec: b.seg.startSec,
      changes,
      from: pick(a.seg),
      to: pick(b.seg),
      qualityBefore: a.quality,
      qualityAfter: b.quality,
      direction: dq > 1e-9 ? 'up' : dq < -1e-9 ? 'down' : 'flat',
    });
  }
  return events;
}
