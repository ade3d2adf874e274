// ITU-T P.1203.3 integration: per-second O.22 (from p1203.ts's mode-0 video module), stalling and
// audio into the session score O.46. Pure math; see p1203.ts for the sources and deviations.
import {
  P1203Error,
  P1203_3_COEFFS,
  audioQualityP1203_2,
  clamp,
  mode0,
  normalizeDevice,
  requireNonNegative,
  requirePositive,
  videoParamsOf,
  type IntegrateSessionInput,
  type IntegrateSessionResult,
  type P1203Stall,
} from './p1203';

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
