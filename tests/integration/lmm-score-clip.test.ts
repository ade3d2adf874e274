// A clip through the whole VQA² scoring path: one ffmpeg walk samples key frames (1 fps) and motion
// frames from the video, per segment and for the whole clip, the tiny VQA² model scores them in one prefill pass, and the level-token score
// equals the one computed from the NumPy reference's logits for the same frames.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLmm, type LoadedLmm } from '../../src-main/services/lmm/runtime';
import {
  frameSizesFor,
  motionLimitFor,
  walkVideoFrames,
  type SegmentFrames,
} from '../../src-main/services/lmm/lmm-frames';
import { scoreFromLogits } from '../../src-main/services/levels/level-score';
import { makeClip } from '../helpers/fixtures';
import { generateTinyModels, maxAbsDiff, runReference } from './lmm-fixture';

let root = '';
let clip = '';
let lmm: LoadedLmm;
beforeAll(async () => {
  root = generateTinyModels();
  clip = await makeClip({ source: 'mandelbrot', durationSec: 5, width: 96, height: 64, fps: 25 });
  lmm = await loadLmm(path.join(root, 'vqa2'), { ep: 'cpu' });
});
afterAll(async () => {
  await lmm?.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

/** One walk over the clip: the segments' frames and the whole clip's frames within the budget. */
async function walk(budget = { keyFrames: 16, motionFrames: 512 }, segmentSec = 2) {
  const segments: SegmentFrames[] = [];
  const whole = await walkVideoFrames(
    clip,
    { fps: 25, durationSec: 5 },
    {
      sizes: frameSizesFor(lmm.info.dir),
      segmentSec,
      startSegment: 0,
      budget,
      motion: true,
      motionLimit: motionLimitFor(lmm.info.dir),
      onSegment: async (s) => {
        segments.push(s);
        return Promise.resolve();
      },
    },
  );
  return { segments, whole };
}

describe('VQA² scoring of a clip with the tiny model', () => {
  it('samples 1 fps key frames and all-frame motion frames (multiple of 4) per vqa2.json', async () => {
    const v = lmm.info.vqa2!;
    const { segments, whole } = await walk();
    expect(whole.keyFrames).toHaveLength(5);
    expect(whole.motionFrames).toHaveLength(124); // 125 frames truncated to a multiple of 4
    expect(whole.capped).toBe(false);
    expect(whole.keyFrames[0]!.width).toBe(v.keyFrames.width);
    expect(whole.motionFrames[0]!.height).toBe(v.motionFrames.height);
    // segments of 2 s: 2 + 2 + 1 key frames, 50 + 50 + 25 motion frames each cut to a multiple of 4
    expect(segments.map((s) => [s.idx, s.keyFrames.length, s.motionFrames.length])).toEqual([
      [0, 2, 48],
      [1, 2, 48],
      [2, 1, 24],
    ]);
    // the second segment's first key frame is the video's third
    expect(maxAbsDiff(segments[1]!.keyFrames[0]!.data, whole.keyFrames[2]!.data)).toBe(0);
    const capped = await walk({ keyFrames: 3, motionFrames: 32 });
    expect(capped.whole.keyFrames).toHaveLength(3);
    expect(capped.whole.keyTotal).toBe(5);
    expect(capped.whole.motionFrames).toHaveLength(32);
    expect(capped.whole.capped).toBe(true);
  });

  it('scores the clip as the reference logits say, and the same clip twice identically', async () => {
    const v = lmm.info.vqa2!;
    const frames = (await walk()).whole;
    const a = await lmm.scoreLevels(frames);
    const again = (await walk()).whole;
    const b = await lmm.scoreLevels(again);
    expect(b.levelLogits).toEqual(a.levelLogits);
    expect(a.motionFramesUsed).toBe(124);
    const ref = runReference(lmm.info.dir, a.prompt, frames.keyFrames, frames.motionFrames);
    const refLevels = lmm.info.levelTokenIds.map((id) => ref.logits[0]![id]!);
    const ours = scoreFromLogits(a.levelLogits, a.weights);
    const theirs = scoreFromLogits(refLevels, v.levelWeights);
    expect(Math.abs(ours.score - theirs.score)).toBeLessThan(1e-5);
    expect(ours.score).toBeGreaterThanOrEqual(0);
    expect(ours.score).toBeLessThanOrEqual(1);
  });
});
