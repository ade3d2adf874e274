// Key frames of a time range, one ffmpeg run shared by the in-process models (RGB at the model's
// size) and the OpenAI-compatible engines (JPEG in a square box): 1 fps, fewer spread evenly past
// the cap, the same frames in both forms, and a range without frames refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { keyFrameDataUrls } from '../../src-main/services/engines/key-frames';
import { keyFramesRgb } from '../../src-main/services/lmm/lmm-frames';
import { MediaError } from '../../src-main/services/media/errors';
import { makeClip } from '../helpers/fixtures';

let clip = '';
beforeAll(async () => {
  clip = await makeClip({ source: 'mandelbrot', durationSec: 5, width: 96, height: 64, fps: 25 });
});

const size = { width: 32, height: 24 };

describe('key frames of a range', () => {
  it('takes one frame a second, or the cap spread evenly, at the requested size', async () => {
    const all = await keyFramesRgb(clip, 5, { maxFrames: 16, size });
    expect(all).toHaveLength(5);
    expect(
      all.every((f) => f.width === 32 && f.height === 24 && f.data.length === 32 * 24 * 3),
    ).toBe(true);
    const range = await keyFramesRgb(clip, 5, { startSec: 1, endSec: 3, maxFrames: 16, size });
    expect(range).toHaveLength(2);
    const capped = await keyFramesRgb(clip, 5, { maxFrames: 2, size });
    expect(capped).toHaveLength(2);
    // the frames differ over time (a moving source): not one frame repeated
    expect(Buffer.compare(Buffer.from(all[0]!.data), Buffer.from(all[4]!.data))).not.toBe(0);
  });

  it('gives the engines the same count as JPEG data URLs within the box', async () => {
    const urls = await keyFrameDataUrls(clip, 5, { maxFrames: 16, maxSide: 48 });
    expect(urls).toHaveLength(5);
    expect(urls.every((u) => u.startsWith('data:image/jpeg;base64,/9j/'))).toBe(true);
    expect(await keyFrameDataUrls(clip, 5, { maxFrames: 3, maxSide: 48 })).toHaveLength(3);
  });

  it('refuses a range past the end of the video with a media error', async () => {
    const e = await keyFramesRgb(clip, 5, { startSec: 30, endSec: 32, maxFrames: 4, size }).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(MediaError);
    expect((e as MediaError).code).toBe('MEDIA_NO_FRAME');
  });
});
