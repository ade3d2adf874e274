// A video's result from its segments: level probabilities averaged over the video's time, with the
// penalties a pack declares as judging the whole video (`scoring.videoPooled`) taken from the whole
// video; and the quality-drop events of the segment curve.
import type { PackManifest } from '../inference/packs';
import { scoreFromLogits, LEVELS, type LevelWeights } from '../levels/level-score';
import {
  headLevelLogits,
  penaltyFactor,
  type HeadCoefficients,
  type HeadPenalty,
} from './quality-head';
import type { ScoreEvent, SegmentScore } from './score-store';

/** A segment as the video-level pooling sees it: its share of the video's time, its q and its measures. */
export interface PooledSegment {
  /** share of the video's time (the shares of a video add up to 1) */
  share: number;
  quality: number;
  measures: Readonly<Record<string, number>>;
}

/**
 * Video-pooled penalties. A penalty named in `pooled` judges the whole video, not each segment on
 * its own: its excess over the threshold, direction · (m − t) floored at 0, is averaged over the
 * video's time (each segment weighted by its duration) and that mean excess E gives one factor
 * 1 − w (1 − exp(−E / s)) for every segment, in place of the segment's own factor.
 *
 * Why (freeze): the penalty saturates, so applied per segment the same frozen time costs less when
 * it is split across segments than when one segment holds it — a 2 s hold in a 4 s clip kept 62 %
 * of q when it filled one 2 s segment and 51 % when it straddled two. Pooled, a hold costs the same
 * wherever it falls on the 2 s grid, and a stall lowers the whole video, as stalling models of
 * streaming quality (ITU-T P.1203.3) apply it to the session. Each segment keeps its own, local
 * score for the timeline; only the video score uses the pooled factor.
 *
 * Returns each segment's q with the pooled factors; a segment whose own factor is 0 (a weight of 1)
 * cannot be unfolded and keeps its q.
 */
export function videoPooledQualities(
  segments: readonly PooledSegment[],
  penalties: readonly HeadPenalty[],
  pooled: readonly string[],
): number[] {
  const terms = pooled.map((name) => {
    const p = penalties.find((x) => x.name === name);
    if (!p) throw new Error(`video-pooled penalty "${name}" is not one of the head's penalties`);
    return p;
  });
  const measure = (s: PooledSegment, p: HeadPenalty) => {
    const v = s.measures[p.measure];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new Error(
        `segment has no "${p.measure}" measure for the video-pooled penalty "${p.name}"`,
      );
    return v;
  };
  const pooledFactor = terms.map((p) => {
    const meanExcess = segments.reduce(
      (a, s) => a + s.share * Math.max(0, (measure(s, p) - p.threshold) * p.direction),
      0,
    );
    // the factor at a value whose excess is the mean excess
    return penaltyFactor(p, p.threshold + p.direction * meanExcess);
  });
  return segments.map((s) => {
    let q = s.quality;
    terms.forEach((p, k) => {
      const own = penaltyFactor(p, measure(s, p));
      if (own > 0) q = (q / own) * pooledFactor[k]!;
    });
    return Math.min(1, Math.max(0, q));
  });
}

/**
 * Penalties of a pack's head that judge the whole video (`scoring.videoPooled` in the manifest):
 * see `videoPooledQualities`. Null when the pack has none (or no head to apply them with).
 */
export interface VideoPooling {
  head: HeadCoefficients;
  pooled: readonly string[];
}

/** The manifest's video pooling (validated with the manifest when the pack is loaded). */
export function videoPoolingOf(manifest: PackManifest): VideoPooling | null {
  const sc = manifest.scoring;
  if (!sc?.videoPooled?.length || !sc.head) return null;
  return { head: sc.head as HeadCoefficients, pooled: sc.videoPooled };
}

/**
 * Aggregate segment results into the video's result: level probabilities averaged over the video's
 * time (each segment weighs as long as it lasts) → level-token score. Every second of the video
 * counts alike: a short last segment (a 10.4 s video in 2 s segments ends on 0.4 s) stands for its
 * 0.4 s, not for a sixth of the video. Segments without a positive duration all weigh alike.
 *
 * With `pooling` (the pack's video-pooled penalties), each segment's probabilities are first taken
 * from its q with the video's pooled factor in place of its own (`videoPooledQualities`); the
 * segments keep their own scores, the video score is no longer their plain weighted mean.
 */
export function aggregateSegments(
  segments: SegmentScore[],
  weights: LevelWeights,
  pooling: VideoPooling | null = null,
) {
  if (!segments.length) throw new Error('No segments were scored');
  const durations = segments.map((s) => Math.max(0, s.endSec - s.startSec));
  const total = durations.reduce((a, d) => a + d, 0);
  const share =
    total > 0 && durations.every(Number.isFinite)
      ? durations.map((d) => d / total)
      : segments.map(() => 1 / segments.length);
  const pooledQ = pooling?.pooled.length
    ? videoPooledQualities(
        segments.map((s, i) => {
          const quality = s.features.quality;
          if (typeof quality !== 'number' || !Number.isFinite(quality))
            throw new Error(
              `segment ${s.idx} has no quality feature to pool the video's penalties on`,
            );
          return { share: share[i]!, quality, measures: s.features };
        }),
        pooling.head.penalties,
        pooling.pooled,
      )
    : null;
  const segProbs = pooledQ
    ? pooledQ.map((q) => scoreFromLogits(headLevelLogits(q, pooling!.head), weights).probs)
    : segments.map((s) => s.probs);
  const mean = (f: (s: SegmentScore, i: number) => number) =>
    segments.reduce((a, s, i) => a + share[i]! * f(s, i), 0);
  const probs = Object.fromEntries(
    LEVELS.map((l) => [l, mean((_, i) => segProbs[i]![l])]),
  ) as SegmentScore['probs'];
  // Σ mean(p)ᵢ wᵢ = time-weighted mean of the segment scores: VQA²'s formula on mean probabilities.
  const logits = LEVELS.map((l) => Math.log(Math.max(probs[l], 1e-12)));
  const ls = scoreFromLogits(logits, weights);
  const features: Record<string, number> = {};
  for (const k of Object.keys(segments[0]!.features)) features[k] = mean((s) => s.features[k] ?? 0);
  // the video's quality estimate is the one its score was made from
  if (pooledQ) features.quality = mean((_, i) => pooledQ![i]!);
  features.minSegmentScore = Math.min(...segments.map((s) => s.score));
  return { score: ls.score, level: ls.level, probs: ls.probs, features };
}

/** Events derived from the score curve: spans where segments fall well below the video's median. */
export function qualityDropEvents(segments: SegmentScore[], drop = 0.15): ScoreEvent[] {
  if (segments.length < 3) return [];
  const sorted = segments.map((s) => s.score).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const out: ScoreEvent[] = [];
  let start: SegmentScore | null = null;
  let last: SegmentScore | null = null;
  for (const s of segments) {
    if (s.score < median - drop) {
      start ??= s;
      last = s;
    } else if (start) {
      out.push({
        kind: 'quality_drop',
        startSec: start.startSec,
        endSec: last!.endSec,
        data: { median },
      });
      start = null;
    }
  }
  if (start)
    out.push({
      kind: 'quality_drop',
      startSec: start.startSec,
      endSec: last!.endSec,
      data: { median },
    });
  return out;
}
