// A clip through the whole VQA² scoring path: ffmpeg samples key frames (1 fps) and motion frames
// from the video, the tiny VQA² model scores them in one prefill pass, and the level-token score
// equals the one computed from the NumPy reference's logits for the same frames.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLmm, type LoadedLmm } from '../../src-main/services/lmm/runtime';
import { sampleLmmFrames } from '../../src-main/services/lmm/video-frames';
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

describe('VQA² scoring of a clip with the tiny model', () => {
  it('samples 1 fps key frames and all-frame motion frames (multiple of 4) per vqa2.json', async () => {
    const v = lmm.info.vqa2!;
    const spec = { key: v.keyFrames, motion: v.motionFrames };
    const whole = await sampleLmmFrames(clip, spec, { fps: 25, endSec: 5 });
    expect(whole.keyFrames).toHaveLength(5);
    expect(whole.motionFrames).toHaveLength(124); // 125 frames truncated to a multiple of 4
    expect(whole.keyFrames[0]!.width).toBe(v.keyFrames.width);
    expect(whole.motionFrames[0]!.height).toBe(v.motionFrames.height);
    const segment = await sampleLmmFrames(clip, spec, { fps: 25, startSec: 2, endSec: 4 });
    expect(segment.keyFrames).toHaveLength(2);
    expect(segment.motionFrames).toHaveLength(48);
    // the segment's first key frame is the video's third
    expect(maxAbsDiff(segment.keyFrames[0]!.data, whole.keyFrames[2]!.data)).toBeLessThanOrEqual(2);
    const capped = await sampleLmmFrames(
      clip,
      { key: v.keyFrames, motion: { ...v.motionFrames, maxFrames: 32 } },
      { fps: 25, endSec: 5, maxKeyFrames: 3 },
    );
    expect(capped.keyFrames).toHaveLength(3);
    expect(capped.keyFramesSampled).toBe(5);
    expect(capped.motionFrames).toHaveLength(32);
  });

  it('scores the clip as the reference logits say, and the same clip twice identically', async () => {
    const v = lmm.info.vqa2!;
    const frames = await sampleLmmFrames(
      clip,
      { key: v.keyFrames, motion: v.motionFrames },
      { fps: 25, endSec: 5 },
    );
    const a = await lmm.scoreLevels(frames);
    const again = await sampleLmmFrames(
      clip,
      { key: v.keyFrames, motion: v.motionFrames },
      { fps: 25, endSec: 5 },
    );
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
