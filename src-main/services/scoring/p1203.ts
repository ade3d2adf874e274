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
import { StudioError } from '../../../src-shared/contract-errors';

// P.1203.3 integration lives in p1203-integration.ts, switch detection in p1203-switches.ts; the
// helpers they share with the video module below are exported for them (not part of the API).

/* ----------------------------------------------------------------------------------------------
 * Errors and input types
 * -------------------------------------------------------------------------------------------- */

export type P1203ErrorCode = 'INVALID_INPUT' | 'UNSUPPORTED_CODEC' | 'EMPTY_SESSION';

/** Typed error: API and CLI map `code` to a "bad input" answer naming `message`'s field. */
export class P1203Error extends StudioError<P1203ErrorCode> {
  constructor(code: P1203ErrorCode, message: string) {
    super(code, message);
    this.name = 'P1203Error';
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

export const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

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

export function requirePositive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new P1203Error(
      'INVALID_INPUT',
      `${name} must be a positive finite number; got ${String(value)}`,
    );
  }
  return value;
}

export function requireNonNegative(value: unknown, name: string): number {
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

export function normalizeDevice(device: unknown): 'pc' | 'handheld' {
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
export function mode0(p: VideoParams): number {
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

export function videoParamsOf(
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
