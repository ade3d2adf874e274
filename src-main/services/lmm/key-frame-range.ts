// Key frames of a time range from one ffmpeg run, shared by the in-process models (raw RGB at the
// model's size) and the OpenAI-compatible engines (JPEG within a square box): 1 fps, or fewer
// frames spread evenly when the range is longer than the cap, scaled by the caller's filter and
// written to a pipe in the caller's format, never to disk.
import { MediaError } from '../media/errors';
import { lastErrorLine, runMediaTool } from '../media/run';

export interface KeyFrameRange {
  startSec?: number;
  endSec?: number;
  /** At most this many frames. */
  maxFrames: number;
  signal?: AbortSignal;
}

/**
 * Runs ffmpeg over the range with `fps=…,<scale>` and `output` (codec/format arguments ending in
 * the pipe), and splits its output into frames with `split`; no frame is an error.
 */
export async function extractKeyFrames<T>(
  absPath: string,
  durationSec: number | null,
  range: KeyFrameRange,
  scale: string,
  output: string[],
  split: (stdout: Buffer) => T[],
): Promise<T[]> {
  const start = Math.max(0, range.startSec ?? 0);
  const end = range.endSec ?? durationSec ?? start + range.maxFrames;
  const span = Math.max(0.001, end - start);
  const fps = span > range.maxFrames ? range.maxFrames / span : 1;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    ...(start > 0 ? ['-ss', String(start)] : []),
    '-i',
    absPath,
    '-t',
    String(span),
    '-vf',
    `fps=${fps},${scale}`,
    '-frames:v',
    String(range.maxFrames),
    ...output,
  ];
  const r = await runMediaTool('ffmpeg', args, {
    signal: range.signal,
    timeoutMs: 120_000,
    mediaPath: absPath,
  });
  if (r.exitCode !== 0)
    throw new MediaError(
      'MEDIA_PROCESS_FAILED',
      `Could not extract key frames: ${lastErrorLine(r.stderr)}`,
      absPath,
    );
  const frames = split(r.stdout);
  if (!frames.length)
    throw new MediaError(
      'MEDIA_NO_FRAME',
      'No key frame could be extracted from the video',
      absPath,
    );
  return frames;
}
