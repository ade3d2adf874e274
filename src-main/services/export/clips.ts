// Clip extraction for time-range pairs: stream copy when the range starts on a key frame (exact
// and fast), otherwise a libx264 re-encode so the clip starts exactly at the range.
import { runMediaTool, lastErrorLine } from '../media/run';
import { ExportError } from './records';

const KEYFRAME_TOLERANCE_SEC = 0.05;

/** Key-frame times near `startSec` (ffprobe reads from the key frame before it). */
export async function keyFramesNear(
  absPath: string,
  startSec: number,
  signal?: AbortSignal,
): Promise<number[]> {
  const r = await runMediaTool(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-skip_frame',
      'nokey',
      '-show_entries',
      'frame=pts_time',
      '-of',
      'csv=p=0',
      '-read_intervals',
      `${startSec}%+1`,
      absPath,
    ],
    { signal, mediaPath: absPath, timeoutMs: 60_000 },
  );
  return r.stdout
    .toString('utf8')
    .split('\n')
    .map((l) => Number(l.trim().replace(/,$/, '')))
    .filter((n) => Number.isFinite(n));
}

export async function startsOnKeyFrame(
  absPath: string,
  startSec: number,
  signal?: AbortSignal,
): Promise<boolean> {
  if (startSec === 0) return true;
  return (await keyFramesNear(absPath, startSec, signal)).some(
    (t) => Math.abs(t - startSec) <= KEYFRAME_TOLERANCE_SEC,
  );
}

/** Extract [startSec, endSec) of a video into `outPath` (.mp4); returns how it was made. */
export async function extractClip(
  absPath: string,
  startSec: number,
  endSec: number,
  outPath: string,
  signal?: AbortSignal,
): Promise<'copy' | 'reencode'> {
  const copy = await startsOnKeyFrame(absPath, startSec, signal);
  const dur = String(endSec - startSec);
  const head = [
    '-y',
    '-v',
    'error',
    '-ss',
    String(startSec),
    '-i',
    absPath,
    '-t',
    dur,
    '-map',
    '0:v:0',
    '-map',
    '0:a?',
  ];
  const codec = copy
    ? ['-c', 'copy', '-avoid_negative_ts', 'make_zero']
    : [
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-crf',
        '18',
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
      ];
  const r = await runMediaTool('ffmpeg', [...head, ...codec, '-movflags', '+faststart', outPath], {
    signal,
    mediaPath: absPath,
    timeoutMs: 600_000,
  });
  if (r.exitCode !== 0)
    throw new ExportError(
      'EXPORT_FAILED',
      `clip ${startSec}–${endSec} s of ${absPath}: ${lastErrorLine(r.stderr)}`,
    );
  return copy ? 'copy' : 'reencode';
}
