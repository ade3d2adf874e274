// Key frames for an engine: 1 fps (fewer, evenly spread, when the range is longer than the cap),
// resized to fit a square box, JPEG, from one ffmpeg run piped as MJPEG (never written to disk);
// the range and frame-rate rule are shared with the in-process models (lmm/key-frame-range.ts).
import { extractKeyFrames } from '../lmm/key-frame-range';

export interface FrameOptions {
  /** At most this many frames (default 16). */
  maxFrames?: number;
  /** Frames fit inside maxSide × maxSide (default 384, VQA²'s vision-tower size). */
  maxSide?: number;
  startSec?: number;
  endSec?: number;
  signal?: AbortSignal;
}

export interface FrameSettings {
  maxFrames: number;
  maxSide: number;
}

export const DEFAULT_FRAME_SETTINGS: FrameSettings = { maxFrames: 16, maxSide: 384 };

/** Split a concatenation of JPEG files (SOI FFD8 … EOI FFD9) into the files. */
export function splitJpegs(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = -1;
  for (let i = 0; i + 1 < buf.length; i++) {
    if (buf[i] !== 0xff) continue;
    const m = buf[i + 1];
    if (m === 0xd8 && start < 0) start = i;
    else if (m === 0xd9 && start >= 0) {
      out.push(buf.subarray(start, i + 2));
      start = -1;
      i++;
    }
  }
  return out;
}

/** JPEG key frames of `absPath` as data URLs, in time order. */
export async function keyFrameDataUrls(
  absPath: string,
  durationSec: number | null,
  opts: FrameOptions = {},
): Promise<string[]> {
  const maxFrames = Math.max(1, opts.maxFrames ?? DEFAULT_FRAME_SETTINGS.maxFrames);
  const side = Math.max(16, opts.maxSide ?? DEFAULT_FRAME_SETTINGS.maxSide);
  const jpegs = await extractKeyFrames(
    absPath,
    durationSec,
    { ...opts, maxFrames },
    `scale=${side}:${side}:force_original_aspect_ratio=decrease`,
    ['-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '4', 'pipe:1'],
    splitJpegs,
  );
  return jpegs.map((j) => `data:image/jpeg;base64,${j.toString('base64')}`);
}
