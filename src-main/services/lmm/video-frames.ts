// Samples the frames an LMM scorer takes from a video (or one time range of it) with ffmpeg:
// key frames = the first frame of each second, RGB at the model's key-frame size; motion frames =
// every frame (or every 8th), RGB at the motion size, truncated to a multiple of 4 and thinned
// evenly when there are more than the model takes. The caps applied are returned for the record.
import { MediaError } from '../media/errors';
import { framesPerSecond } from '../media/frames';
import { lastErrorLine, runMediaTool } from '../media/run';
import type { RgbFrame } from './preprocess';

export interface LmmFrameSpec {
  key: { width: number; height: number };
  motion?: {
    width: number;
    height: number;
    sampling: 'all' | 'every-8th';
    multipleOf: number;
    maxFrames: number;
  } | null;
}

export interface LmmFrameOptions {
  /** The video's frame rate (key frames are frames 0, r, 2r, … with r = round(fps)). */
  fps: number;
  /** Time range; defaults to the whole video. */
  startSec?: number;
  endSec?: number;
  /** Most key frames to keep (evenly thinned beyond it); the frame budget of the settings. */
  maxKeyFrames?: number;
  signal?: AbortSignal;
}

export interface LmmFrames {
  keyFrames: RgbFrame[];
  motionFrames: RgbFrame[];
  /** Key frames the range had before the budget cap. */
  keyFramesSampled: number;
  /** Take every n-th decoded frame as a motion frame (8 for every-8th, more when thinned). */
  motionStride: number;
}

function splitFrames(buf: Buffer, width: number, height: number): RgbFrame[] {
  const size = width * height * 3;
  const out: RgbFrame[] = [];
  for (let at = 0; at + size <= buf.length; at += size)
    out.push({ width, height, data: new Uint8Array(buf.subarray(at, at + size)) });
  return out;
}

async function decode(
  absPath: string,
  select: number,
  size: { width: number; height: number },
  opts: LmmFrameOptions,
  expected: number,
): Promise<RgbFrame[]> {
  const start = opts.startSec ?? 0;
  const filter = `${select > 1 ? `select='not(mod(n\\,${select}))',` : ''}scale=${size.width}:${size.height}:flags=bicubic,format=rgb24`;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    ...(start > 0 ? ['-ss', String(start)] : []),
    '-i',
    absPath,
    ...(opts.endSec !== undefined ? ['-t', String(Math.max(0, opts.endSec - start))] : []),
    '-an',
    '-vf',
    filter,
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
  const frameBytes = size.width * size.height * 3;
  const r = await runMediaTool('ffmpeg', args, {
    signal: opts.signal,
    mediaPath: absPath,
    maxStdoutBytes: Math.ceil(expected * 1.2 + 8) * frameBytes,
  });
  if (r.exitCode !== 0)
    throw new MediaError(
      'MEDIA_PROCESS_FAILED',
      `Decoding failed: ${lastErrorLine(r.stderr) || `ffmpeg exited with ${r.exitCode}`}`,
      absPath,
    );
  return splitFrames(r.stdout, size.width, size.height);
}

function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]!);
}

export async function sampleLmmFrames(
  absPath: string,
  spec: LmmFrameSpec,
  opts: LmmFrameOptions,
): Promise<LmmFrames> {
  const r = framesPerSecond(opts.fps);
  const seconds =
    opts.endSec !== undefined ? Math.max(0, opts.endSec - (opts.startSec ?? 0)) : 3600 * 24;
  const expectedFrames = Math.ceil(seconds * opts.fps) + 2;
  const key = await decode(absPath, r, spec.key, opts, Math.ceil(expectedFrames / r) + 1);
  if (!key.length)
    throw new MediaError(
      'MEDIA_NO_FRAME',
      'No frame could be decoded from this range of the video.',
      absPath,
    );
  const keyFrames = opts.maxKeyFrames ? thin(key, opts.maxKeyFrames) : key;
  let motionFrames: RgbFrame[] = [];
  let motionStride = 1;
  if (spec.motion) {
    const m = spec.motion;
    motionStride = m.sampling === 'every-8th' ? 8 : 1;
    // Thin in ffmpeg when the range has far more frames than the model takes, so a long video
    // never sits in memory at the motion size.
    if (opts.endSec !== undefined && expectedFrames / motionStride > m.maxFrames * 2)
      motionStride *= Math.ceil(expectedFrames / motionStride / m.maxFrames);
    const decoded = await decode(
      absPath,
      motionStride,
      m,
      opts,
      Math.ceil(expectedFrames / motionStride) + 1,
    );
    const whole = decoded.slice(0, decoded.length - (decoded.length % m.multipleOf));
    motionFrames = thin(whole, m.maxFrames - (m.maxFrames % m.multipleOf));
  }
  return { keyFrames, motionFrames, keyFramesSampled: key.length, motionStride };
}
