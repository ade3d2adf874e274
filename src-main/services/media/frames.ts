// Streams sampled frames of a video out of ONE ffmpeg decode: key frames (first frame of each
// second, RGB at the model's size) on stdout and small grey motion frames (every frame) on fd 3.
// Frames arrive second by second with bounded memory: the key pipe is paused while the consumer
// is behind, which stalls ffmpeg, so a long video is never held in memory.
import { MediaError } from './errors';
import { resolveMediaTools } from './ffmpeg-path';
import { lastErrorLine } from './run';
import { spawnMedia } from './spawner';

export interface FrameSamplingSpec {
  /** Key frame size fed to the model (RGB24). */
  keyWidth: number;
  keyHeight: number;
  /** Motion frames (grey, every decoded frame) for temporal measures. */
  motionWidth: number;
  motionHeight: number;
  /** Motion frame pixels: grey (default, temporal measures) or RGB24 (a model's motion branch). */
  motionFormat?: 'gray' | 'rgb24';
}

export interface SecondOfFrames {
  /** Index of the second (0-based, from the start of the video). */
  second: number;
  /** One RGB24 key frame (keyWidth*keyHeight*3 bytes), the first frame of this second. */
  key: Buffer;
  /** The motion frames of this second, in order (motionWidth*motionHeight bytes each, ×3 for RGB24). */
  motion: Buffer[];
}

export interface SampleOptions {
  fps: number;
  /** Start at this whole second (resume); frames before it are not decoded into the model. */
  startSecond?: number;
  signal?: AbortSignal;
  /**
   * ffmpeg's decoding and filtering threads; default: ffmpeg's choice. A scorer that runs a model
   * on the CPU at the same time sets it, so that the two do not fight over the cores.
   */
  threads?: number;
}

const MAX_QUEUED_KEYS = 4;

/** Splits a byte stream into fixed-size frames. */
class FrameReader {
  private parts: Buffer[] = [];
  private bytes = 0;
  readonly frames: Buffer[] = [];
  constructor(private readonly frameBytes: number) {}
  push(chunk: Buffer): void {
    this.parts.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes < this.frameBytes) return;
    let buf = Buffer.concat(this.parts);
    while (buf.length >= this.frameBytes) {
      this.frames.push(buf.subarray(0, this.frameBytes));
      buf = buf.subarray(this.frameBytes);
    }
    this.parts = buf.length ? [Buffer.from(buf)] : [];
    this.bytes = buf.length;
  }
}

/** Frames per "second" of VQA²'s sampling: r = round(fps), key frames at n = 0, r, 2r, … */
export function framesPerSecond(fps: number): number {
  return Math.max(1, Math.round(fps));
}

export async function* sampleFrames(
  absPath: string,
  spec: FrameSamplingSpec,
  opts: SampleOptions,
): AsyncGenerator<SecondOfFrames> {
  const r = framesPerSecond(opts.fps);
  const start = opts.startSecond ?? 0;
  const { ffmpeg } = resolveMediaTools();
  const graph =
    `[0:v]split=2[k][m];` +
    `[k]select='not(mod(n\\,${r}))',scale=${spec.keyWidth}:${spec.keyHeight}:flags=bicubic+accurate_rnd+full_chroma_int,format=rgb24[ko];` +
    `[m]scale=${spec.motionWidth}:${spec.motionHeight}:flags=area,format=${spec.motionFormat ?? 'gray'}[mo]`;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    // decoder and filter threads; unset: ffmpeg's own choice (one per core)
    ...(opts.threads ? ['-threads', String(opts.threads)] : []),
    ...(opts.threads ? ['-filter_complex_threads', String(opts.threads)] : []),
    ...(start > 0 ? ['-ss', String(start)] : []),
    '-i',
    absPath,
    '-filter_complex',
    graph,
    '-map',
    '[ko]',
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    'pipe:1',
    '-map',
    '[mo]',
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    'pipe:3',
  ];
  const child = spawnMedia(ffmpeg, args, [1, 2, 3]);
  const keyStream = child.stdio[1]!;
  const motionStream = child.stdio[3]!;
  const keys = new FrameReader(spec.keyWidth * spec.keyHeight * 3);
  const motion = new FrameReader(
    spec.motionWidth * spec.motionHeight * (spec.motionFormat === 'rgb24' ? 3 : 1),
  );
  let stderr = '';
  let exited = false;
  let exitCode: number | null = null;
  let spawnError: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  keyStream.on('data', (c: Buffer) => {
    keys.push(c);
    if (keys.frames.length >= MAX_QUEUED_KEYS) keyStream.pause();
    notify();
  });
  motionStream.on('data', (c: Buffer) => {
    motion.push(c);
    notify();
  });
  child.stdio[2]!.setEncoding('utf8');
  child.stdio[2]!.on('data', (c: string) => {
    stderr = (stderr + c).slice(-8192);
  });
  child.once('error', (e) => {
    spawnError = e;
    exited = true;
    notify();
  });
  child.once('close', (code: number | null) => {
    exitCode = code;
    exited = true;
    notify();
  });
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
  };
  opts.signal?.addEventListener('abort', kill, { once: true });

  try {
    let second = start;
    let motionUsed = 0; // motion frames handed out so far
    for (;;) {
      if (opts.signal?.aborted) throw new MediaError('MEDIA_ABORTED', 'Cancelled.', absPath);
      const haveKey = keys.frames.length > 0;
      // A second is complete when its key frame and the next second's first motion frame exist,
      // or when ffmpeg has finished (the last, possibly short, second).
      const neededMotion = (second - start + 1) * r;
      const secondComplete =
        haveKey && (motion.frames.length + motionUsed >= neededMotion || exited);
      if (secondComplete) {
        const key = keys.frames.shift()!;
        if (keys.frames.length < MAX_QUEUED_KEYS && keyStream.isPaused()) keyStream.resume();
        const take = Math.min(r, motion.frames.length);
        const frames = motion.frames.splice(0, take);
        motionUsed += take;
        yield { second, key, motion: frames };
        second++;
        continue;
      }
      if (exited) break;
      // Starved of motion frames with the key pipe paused: let ffmpeg go on (no deadlock).
      if (keyStream.isPaused()) keyStream.resume();
      await new Promise<void>((res) => (wake = res));
    }
    if (spawnError)
      throw new MediaError(
        'MEDIA_SPAWN_FAILED',
        `Could not start ffmpeg: ${(spawnError as Error).message}`,
        absPath,
      );
    if (exitCode !== 0 && !opts.signal?.aborted) {
      throw new MediaError(
        'MEDIA_PROCESS_FAILED',
        `Decoding failed: ${lastErrorLine(stderr) || `ffmpeg exited with ${exitCode}`}`,
        absPath,
      );
    }
  } finally {
    opts.signal?.removeEventListener('abort', kill);
    kill();
  }
}
