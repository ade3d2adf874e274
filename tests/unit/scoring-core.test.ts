import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  levelLogitsFromQuality,
  levelScoreFromQuality,
  qualityFromMeasures,
  SEGMENT_MEASURES,
  type HeadCoefficients,
} from '../../src-main/services/scoring/quality-head';
import {
  FreezeDetector,
  freezeBar,
  temporalMeasures,
  noiseDbToMad,
} from '../../src-main/services/scoring/temporal';
import { fitInside } from '../../src-main/services/scoring/pack-scorer';
import {
  aggregateSegments,
  qualityDropEvents,
  videoPoolingOf,
} from '../../src-main/services/scoring/video-aggregate';
import { loadPack, manifestSchema } from '../../src-main/services/inference/packs';
import { RELEASED_LEVEL_WEIGHTS } from '../../src-main/services/levels/level-score';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { ScoreStore, type SegmentScore } from '../../src-main/services/scoring/score-store';
import { JobStore } from '../../src-main/services/jobs/job-store';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-scoring-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const frame = (v: number, n = 16) => new Uint8Array(n).fill(v);
const probs = (high: number, good: number, fair: number, poor: number, low: number) => ({
  high,
  good,
  fair,
  poor,
  low,
});

describe('quality head', () => {
  it('puts the level logits around q and gives back a score close to q in the middle', () => {
    const l = levelLogitsFromQuality(0.5);
    // centre level "fair" has logit 0; neighbours −(0.25²)/(2·0.125²) = −2
    expect(l[2]).toBeCloseTo(0, 12);
    expect(l[1]).toBeCloseTo(-2, 12);
    expect(l[3]).toBeCloseTo(-2, 12);
    expect(levelScoreFromQuality(0.5).score).toBeCloseTo(0.5, 12); // symmetric
    expect(levelScoreFromQuality(0.62).level).toBe('good');
    const scores = [0, 0.2, 0.4, 0.6, 0.8, 1].map((q) => levelScoreFromQuality(q).score);
    for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeGreaterThan(scores[i - 1]!);
    expect(levelLogitsFromQuality(7)).toEqual(levelLogitsFromQuality(1)); // clamped
    expect(() => levelLogitsFromQuality(NaN)).toThrow(/finite/);
  });
});

describe('temporal measures', () => {
  it('measures motion, repeats, brightness changes and luma', () => {
    const m = temporalMeasures([frame(10), frame(10), frame(20), frame(20)]);
    // pairs: 0, 10, 0 → motion 10/3/255, freeze 2/3, flicker same as motion for flat frames
    expect(m.motion).toBeCloseTo(10 / 3 / 255, 12);
    expect(m.freeze).toBeCloseTo(2 / 3, 12);
    expect(m.flicker).toBeCloseTo(10 / 3 / 255, 12);
    expect(m.luma).toBeCloseTo(15 / 255, 12);
    expect(temporalMeasures([frame(5)])).toEqual({
      motion: 0,
      freeze: 0,
      flicker: 0,
      luma: 5 / 255,
    });
    // the previous segment's last frame links the first pair across the boundary
    expect(temporalMeasures([frame(10)], frame(0)).motion).toBeCloseTo(10 / 255, 12);
  });

  it('reports frozen spans of at least the minimum length, like freezedetect', () => {
    expect(noiseDbToMad(-60)).toBeCloseTo(0.255, 6);
    const d = new FreezeDetector(10, 0.5);
    const seq = [1, 2, 3, 3, 3, 3, 3, 3, 4, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6];
    for (const v of seq) d.push(frame(v * 10));
    // frames 2..8 equal (0.2 s → 0.8 s = 0.6 s) → a span; 9..11 (0.3 s) too short; 12..18 open at the end
    expect(d.finish()).toEqual([
      { startSec: 0.2, endSec: 0.8 },
      { startSec: 1.2, endSec: 1.9 },
    ]);
  });
});

describe('frozen spans with the relative pair rule', () => {
  it('a calm shot (small steady change) gives no span; a repeated frame in it does', () => {
    const calm = (t: number) => {
      const f = frame(100, 64 * 36); // a 64x36 motion frame
      for (let i = t % 40; i < f.length; i += 40) f[i] = 101; // 2.5 % of pixels, a different set each frame
      return f;
    };
    const abs = new FreezeDetector(10, 0.5);
    const rel = new FreezeDetector(10, 0.5, null);
    for (let t = 0; t < 20; t++) {
      abs.push(calm(t));
      rel.push(calm(t));
    }
    expect(abs.finish().length).toBe(1); // freezedetect's absolute bar calls the calm shot frozen
    expect(rel.finish()).toEqual([]);
    const rep = new FreezeDetector(10, 0.5, null);
    for (let t = 0; t < 20; t++) rep.push(calm(t < 8 ? t : t < 15 ? 8 : t));
    expect(rep.finish()).toEqual([{ startSec: 0.8, endSec: 1.5 }]);
  });
});

describe('the repeat bar of a segment', () => {
  it('takes the mean change of the pairs that move, so a freeze does not lower its own bar', () => {
    // 5 pairs of motion (MAD 1) and a 14-pair hold touched by the encoder (MAD 0.009-0.06)
    const touches = [138, 69, 46, 115, 92, 30, 28, 69, 46, 23, 21, 46, 28, 21].map((k) => k / 2304);
    const diffs = [1, 1, 1, 1, ...touches, 1];
    const all = diffs.reduce((a, d) => a + d, 0) / diffs.length;
    const oldBar = Math.max(0.005, 0.05 * all); // the former rule: mean of all pairs
    expect(touches.filter((d) => d <= oldBar)).toHaveLength(6);
    // the pairs above the first bar (0.0140) move; 1/20 of their mean is the bar (0.0203)
    const bar = freezeBar(diffs);
    const moving = diffs.filter((d) => d > oldBar);
    expect(bar).toBeCloseTo(0.05 * (moving.reduce((a, d) => a + d, 0) / moving.length), 12);
    expect(bar).toBeCloseTo(0.0203, 4);
    expect(touches.filter((d) => d <= bar)).toHaveLength(9);
    // no motion at all: the floor
    expect(freezeBar([0, 0.001, 0.002])).toBe(0.005);
    expect(freezeBar([])).toBe(0.005);
    // a calm shot (small steady change) keeps every pair as motion
    expect(freezeBar([0.04, 0.05, 0.036, 0.09, 0.06]) < 0.036).toBe(true);
  });
});

describe('segment aggregation', () => {
  const seg = (idx: number, score: number, p: SegmentScore['probs']): SegmentScore => ({
    idx,
    startSec: idx * 2,
    endSec: idx * 2 + 2,
    score,
    probs: p,
    features: { brisque: 10 * idx },
  });

  it('scores the video from the mean level probabilities (= mean segment score)', () => {
    const a = seg(0, 1, probs(1, 0, 0, 0, 0));
    const b = seg(1, 0.5, probs(0, 0, 1, 0, 0));
    const agg = aggregateSegments([a, b], RELEASED_LEVEL_WEIGHTS);
    expect(agg.score).toBeCloseTo(0.75, 9);
    expect(agg.probs.high).toBeCloseTo(0.5, 9);
    expect(agg.level).toBe('good');
    expect(agg.features.brisque).toBe(5);
    expect(agg.features.minSegmentScore).toBe(0.5);
  });

  it('weighs each segment by its duration: a short last segment counts for its seconds only', () => {
    const a = seg(0, 1, probs(1, 0, 0, 0, 0));
    const b = seg(1, 1, probs(1, 0, 0, 0, 0));
    // a 4.5 s video: two full 2 s segments and a 0.5 s tail that is all "low"
    const tail: SegmentScore = { ...seg(2, 0, probs(0, 0, 0, 0, 1)), endSec: 4.5 };
    const agg = aggregateSegments([a, b, tail], RELEASED_LEVEL_WEIGHTS);
    expect(agg.score).toBeCloseTo(4 / 4.5, 9); // an unweighted mean would give 2/3
    expect(agg.probs.low).toBeCloseTo(0.5 / 4.5, 9);
    expect(agg.features.brisque).toBeCloseTo((0 * 2 + 10 * 2 + 20 * 0.5) / 4.5, 9);
    expect(agg.level).toBe('high');
    expect(agg.features.minSegmentScore).toBe(0);
  });

  it('weighs segments alike when none has a duration', () => {
    const a = { ...seg(0, 1, probs(1, 0, 0, 0, 0)), endSec: 0 };
    const b = { ...seg(1, 0.5, probs(0, 0, 1, 0, 0)), startSec: 0, endSec: 0 };
    expect(aggregateSegments([a, b], RELEASED_LEVEL_WEIGHTS).score).toBeCloseTo(0.75, 9);
  });

  describe('video-pooled freeze (the built-in pack)', () => {
    const pack = loadPack(path.resolve(__dirname, '../../resources/models/builtin-nr'));
    const pooling = videoPoolingOf(pack.manifest)!;
    const head = pooling.head as HeadCoefficients;
    /** A 2 s segment of a clean natural clip (BRISQUE 30, nothing else abnormal) with a freeze share. */
    const frozenSeg = (idx: number, freeze: number): SegmentScore => {
      const m: Record<string, number> = Object.fromEntries(SEGMENT_MEASURES.map((k) => [k, 0]));
      Object.assign(m, { brisque_mean: 30, blur: 0.3, noise: 0.5, compression: 0.2, freeze });
      const quality = qualityFromMeasures(
        SEGMENT_MEASURES.map((k) => m[k]!),
        head,
      );
      const ls = levelScoreFromQuality(quality, RELEASED_LEVEL_WEIGHTS, head.tau);
      const { brisque_mean: brisque, ...rest } = m;
      return {
        idx,
        startSec: 2 * idx,
        endSec: 2 * idx + 2,
        score: ls.score,
        probs: ls.probs,
        features: { quality, brisque: brisque!, ...rest },
      };
    };
    const score = (freezes: number[], p = pooling) =>
      aggregateSegments(
        freezes.map((f, i) => frozenSeg(i, f)),
        RELEASED_LEVEL_WEIGHTS,
        p,
      ).score;

    it('pools the freeze term: the pack declares it, with the head it belongs to', () => {
      expect(pooling.pooled).toEqual(['freeze']);
      expect(head.penalties.some((p) => p.name === 'freeze')).toBe(true);
    });

    it('costs a hold the same wherever it falls on the segment grid', () => {
      // the same frozen time, held within one segment, straddling two, or spread evenly
      const held = score([0.8, 0.3]);
      const even = score([0.55, 0.55]);
      expect(held).toBeCloseTo(even, 9);
      // per segment (the penalty saturates) the split placement cost less than the even one
      const local = (f: number[]) => score(f, { ...pooling, pooled: [] });
      expect(local([0.8, 0.3]) - local([0.55, 0.55])).toBeGreaterThan(0.01);
      // a whole-segment hold next to a moving one: pooled, it lowers the whole video more than
      // per segment, where the moving segment kept its full score
      expect(score([1, 0])).toBeLessThan(local([1, 0]) - 0.02);
    });

    it("leaves clips without repeats, and each segment's own score, as they were", () => {
      const clean = [0, 0.02, 0.05].map((f, i) => frozenSeg(i, f));
      const pooled = aggregateSegments(clean, RELEASED_LEVEL_WEIGHTS, pooling);
      const plain = aggregateSegments(clean, RELEASED_LEVEL_WEIGHTS);
      expect(pooled.score).toBeCloseTo(plain.score, 9);
      // the segments' own scores and the video's measures do not change with pooling
      const segs = [frozenSeg(0, 0.9), frozenSeg(1, 0)];
      const before = segs.map((s) => s.score);
      const agg = aggregateSegments(segs, RELEASED_LEVEL_WEIGHTS, pooling);
      expect(segs.map((s) => s.score)).toEqual(before);
      expect(agg.features.freeze).toBeCloseTo(0.45, 9);
      // the video's quality estimate is the pooled one its score was made from, not the segments' mean
      const own = (segs[0]!.features.quality! + segs[1]!.features.quality!) / 2;
      expect(agg.features.quality).toBeLessThan(own - 0.02);
      expect(
        levelScoreFromQuality(agg.features.quality!, RELEASED_LEVEL_WEIGHTS).score,
      ).toBeCloseTo(agg.score, 1);
      expect(agg.features.minSegmentScore).toBe(Math.min(...before));
    });

    it('refuses a pooled name that is not a penalty of the head, and a segment without q', () => {
      const bad = manifestSchema.safeParse({
        ...pack.manifest,
        scoring: { ...pack.manifest.scoring!, videoPooled: ['stall'] },
      });
      expect(bad.success).toBe(false);
      expect(bad.error?.issues[0]?.message).toMatch(
        /videoPooled must be a penalty of scoring\.head/,
      );
      const seg = frozenSeg(0, 0.5);
      delete seg.features.quality;
      expect(() => aggregateSegments([seg], RELEASED_LEVEL_WEIGHTS, pooling)).toThrow(
        /no quality feature/,
      );
    });
  });

  it('marks spans that fall well below the median as quality drops', () => {
    const p = probs(0, 0, 1, 0, 0);
    const s = [0.8, 0.8, 0.4, 0.3, 0.8, 0.8].map((v, i) => seg(i, v, p));
    expect(qualityDropEvents(s)).toEqual([
      { kind: 'quality_drop', startSec: 4, endSec: 8, data: { median: 0.8 } },
    ]);
  });

  it('fits key frames inside the box without upscaling', () => {
    expect(fitInside(1920, 1080, 640, 640)).toEqual({ width: 640, height: 360 });
    expect(fitInside(320, 240, 640, 640)).toEqual({ width: 320, height: 240 });
    expect(fitInside(1080, 1920, 640, 640)).toEqual({ width: 360, height: 640 });
  });
});

describe('score and job stores', () => {
  it('commits segments idempotently and resumes from the next index', () => {
    const store = ProjectStore.create(path.join(dir, 's'));
    const [vid] = store.insertVideos([
      {
        absPath: path.join(dir, 'a.mp4'),
        status: 'ok',
        error: null,
        durationSec: 6,
        width: 2,
        height: 2,
        fps: 25,
        codec: 'h264',
        bitrateKbps: 1,
        sizeBytes: 1,
        partialHash: null,
        probeJson: null,
      },
    ]);
    const jobs = new JobStore(store.connection);
    const job = jobs.create('score', { scorer: 'x' }, [vid!, vid!]);
    expect(jobs.items(job.id)).toEqual([{ videoId: vid, status: 'pending', error: null }]);
    const scores = new ScoreStore(store.connection);
    const run = scores.createRun({
      kind: 'pack',
      packId: 'x',
      packVersion: '1',
      provider: 'cpu',
      providerNote: null,
      settings: {},
      jobId: job.id,
    });
    const s0: SegmentScore = {
      idx: 0,
      startSec: 0,
      endSec: 2,
      score: 0.5,
      probs: probs(0, 0, 1, 0, 0),
      features: {},
    };
    scores.insertSegments(run.id, vid!, [s0, { ...s0, idx: 1 }]);
    scores.insertSegments(run.id, vid!, [{ ...s0, idx: 1, score: 0.9 }]); // a replayed batch after a crash
    expect(scores.nextSegmentIndex(run.id, vid!)).toBe(2);
    expect(scores.segments(run.id, vid!).map((s) => s.score)).toEqual([0.5, 0.5]);
    store.connection.transaction(() => {
      scores.writeVideoResult(
        { runId: run.id, videoId: vid!, score: 0.5, level: 'fair', probs: s0.probs, features: {} },
        [{ kind: 'freeze', startSec: 1, endSec: 2 }],
      );
      jobs.markItem(job.id, vid!, 'done');
    })();
    expect(store.getVideo(vid!)!.videoScore).toBe(0.5);
    expect(scores.events(run.id, vid!)).toEqual([{ kind: 'freeze', startSec: 1, endSec: 2 }]);
    expect(jobs.counts(job.id)).toMatchObject({ done: 1, pending: 0 });
    expect(scores.sparklines([vid!])).toEqual({ [vid!]: [0.5, 0.5] });
    store.close();
  });
});
