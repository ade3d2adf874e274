// Frame-difference measures on small grey frames: motion (mean absolute difference), freeze
// (share of repeated frames), flicker (frame-to-frame change of mean brightness) and frozen spans
// as events. The thresholds follow ffmpeg's freezedetect (a frame repeats when its mean absolute
// difference to the previous one is below `noise`), so the two can be cross-checked.

/** Mean absolute difference of two equally sized 8-bit frames (0–255). */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`frame sizes differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

export function meanLuma(a: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

/** freezedetect's default noise is −60 dB of full scale; the streaming cross-check uses −50 dB. */
export const FREEZE_NOISE_DB = -50;
export const FREEZE_MIN_SEC = 0.5;

/**
 * A pair of (64×36 grey) motion frames is a repeat when its MAD is at most
 * max(FREEZE_FLOOR_MAD, FREEZE_REL × the mean MAD of the pairs that move). The floor is what
 * re-encoding leaves of a repeated frame in the best case (a few pixels off by one level at 64×36);
 * the relative part follows the clip's own change, so a calm handheld or locked-off shot, whose
 * frames change little but steadily, does not read as frozen, while a repeated frame amid motion
 * does. The reference leaves the repeats out: a mean over all pairs would fall with every frozen
 * pair, so a long freeze would lower its own bar and the encoder's later touches to the held frame
 * (MAD up to ~0.1 at CRF 18 amid motion of ~1) would read as motion.
 */
export const FREEZE_FLOOR_MAD = 0.005;
export const FREEZE_REL = 0.05;

export function freezeThreshold(meanMad: number): number {
  return Math.max(FREEZE_FLOOR_MAD, FREEZE_REL * meanMad);
}

/**
 * The repeat bar of a sequence of pair differences: the bar from the mean of all pairs finds the
 * clear repeats; the bar is then taken again from the mean of the pairs above it, the ones that
 * move. One such step, not a search for a fixed point: repeated steps would keep raising the bar
 * and could eat into a calm part that sits next to fast motion.
 */
export function freezeBar(diffs: readonly number[]): number {
  if (!diffs.length) return FREEZE_FLOOR_MAD;
  const first = freezeThreshold(diffs.reduce((a, d) => a + d, 0) / diffs.length);
  let sum = 0;
  let n = 0;
  for (const d of diffs) {
    if (d > first) {
      sum += d;
      n++;
    }
  }
  return n ? freezeThreshold(sum / n) : first;
}

export function noiseDbToMad(db: number): number {
  return 255 * 10 ** (db / 20);
}

export interface TemporalMeasures {
  /** mean absolute frame difference, 0–1 (of full scale) */
  motion: number;
  /** share of frame pairs that repeat (diff below the freeze threshold), 0–1 */
  freeze: number;
  /** mean absolute change of mean brightness between frames, 0–1 */
  flicker: number;
  /** mean brightness, 0–1 */
  luma: number;
}

/** Measures over consecutive frames; `prev` is the last frame of the previous segment (continuity). */
export function temporalMeasures(frames: Uint8Array[], prev?: Uint8Array): TemporalMeasures {
  const seq = prev ? [prev, ...frames] : frames;
  let motion = 0;
  let flicker = 0;
  let pairs = 0;
  let luma = 0;
  const lumas = seq.map(meanLuma);
  for (const l of frames.map(meanLuma)) luma += l;
  const diffs: number[] = [];
  for (let i = 1; i < seq.length; i++) {
    const d = meanAbsDiff(seq[i - 1]!, seq[i]!);
    diffs.push(d);
    motion += d;
    flicker += Math.abs(lumas[i]! - lumas[i - 1]!);
    pairs++;
  }
  const thr = freezeBar(diffs);
  const frozen = diffs.filter((d) => d <= thr).length;
  return {
    motion: pairs ? motion / pairs / 255 : 0,
    freeze: pairs ? frozen / pairs : 0,
    flicker: pairs ? flicker / pairs / 255 : 0,
    luma: frames.length ? luma / frames.length / 255 : 0,
  };
}

/** Streams frame differences and reports frozen spans of at least `minSec` (like freezedetect). */
export class FreezeDetector {
  private prev: Uint8Array | null = null;
  private frameIndex = 0;
  private runStart: number | null = null;
  readonly spans: { startSec: number; endSec: number }[] = [];
  private readonly thr: number;
  private madSum = 0;
  private pairs = 0;

  /**
   * `noiseDb` null: the segment model's pair rule, as it streams: a repeat is at most FREEZE_REL of
   * the mean change of all pairs so far, or FREEZE_FLOOR_MAD, so a calm shot yields no frozen spans;
   * a number: freezedetect's absolute bar (for cross-checks with ffmpeg). Unlike the segment measure
   * (freezeBar), the running mean keeps the repeats: over a whole video, a mean of the moving pairs
   * only would never come down after fast action, and a calm scene that follows would read as
   * frozen to the end. The price: a long hold slowly lowers the bar it is judged by.
   */
  constructor(
    private readonly fps: number,
    private readonly minSec = FREEZE_MIN_SEC,
    noiseDb: number | null = FREEZE_NOISE_DB,
    startFrame = 0,
  ) {
    this.thr = noiseDb === null ? Number.NaN : noiseDbToMad(noiseDb);
    this.frameIndex = startFrame;
  }

  push(frame: Uint8Array): void {
    if (this.prev) {
      const d = meanAbsDiff(this.prev, frame);
      this.madSum += d;
      this.pairs++;
      const frozen = Number.isNaN(this.thr)
        ? d <= freezeThreshold(this.madSum / this.pairs)
        : d < this.thr;
      if (frozen && this.runStart === null) this.runStart = this.frameIndex - 1;
      if (!frozen && this.runStart !== null) this.close(this.frameIndex);
    }
    this.prev = frame;
    this.frameIndex++;
  }

  /** Close any open span at the end of the video. */
  finish(): { startSec: number; endSec: number }[] {
    if (this.runStart !== null) this.close(this.frameIndex);
    return this.spans;
  }

  private close(endFrame: number): void {
    const start = this.runStart!;
    this.runStart = null;
    // The frozen span runs from the first repeated frame's predecessor to the first changed frame.
    const startSec = start / this.fps;
    const endSec = endFrame / this.fps;
    if (endSec - startSec >= this.minSec) this.spans.push({ startSec, endSec });
  }
}
