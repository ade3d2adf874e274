// Poster thumbnails: one decoded frame near the start, 320 px wide JPEG, written atomically.
// Decoding a real frame is also how the import finds files that probe fine but cannot be played.
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { MediaError } from './errors';
import { lastErrorLine, runMediaTool } from './run';

export interface ThumbnailOptions {
  durationSec: number | null;
  signal?: AbortSignal;
  /** Stream to decode (from probe); defaults to the first video stream. */
  streamIndex?: number;
  /** Decoder threads; the importer passes 1 because it runs several files in parallel instead. */
  threads?: number;
}

export const THUMB_WIDTH = 320;
const THUMB_TIMEOUT_MS = 60_000;

/** ~10 % in, capped at 5 s, so the poster shows content rather than a fade-in; 0 for very short clips. */
export function posterTime(durationSec: number | null): number {
  if (!durationSec || durationSec < 1) return 0;
  return Math.min(5, durationSec * 0.1);
}

function decodeFailureReason(stderr: string): string {
  const raw = lastErrorLine(stderr) || 'no error message';
  const noDecoder = /Decoder \(codec (\S+)\) not found/i.exec(stderr);
  if (noDecoder)
    return `The video codec ${noDecoder[1]} cannot be decoded by this ffmpeg build. (${raw})`;
  return `No frame could be decoded: the video data is damaged or truncated. (${raw})`;
}

async function extractFrame(absPath: string, tmp: string, atSec: number, opts: ThumbnailOptions) {
  const map = opts.streamIndex === undefined ? '0:v:0' : `0:${opts.streamIndex}`;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    ...(opts.threads ? ['-threads', String(opts.threads)] : []),
    // Input seeking jumps to the keyframe before atSec and decodes only from there.
    ...(atSec > 0 ? ['-ss', atSec.toFixed(3)] : []),
    '-i',
    `file:${absPath}`,
    '-map',
    map,
    '-an',
    '-sn',
    '-dn',
    '-frames:v',
    '1',
    // Width 320, height from the display aspect ratio (honours non-square pixels), kept even.
    '-vf',
    `scale=${THUMB_WIDTH}:trunc(${THUMB_WIDTH}/dar/2)*2,setsar=1`,
    ...(opts.threads ? ['-filter_threads', String(opts.threads)] : []),
    '-c:v',
    'mjpeg',
    '-q:v',
    '4',
    '-pix_fmt',
    'yuvj420p',
    // -update 1: a single image, so '%' in the cache path is never read as a sequence pattern.
    '-f',
    'image2',
    '-update',
    '1',
    '-y',
    `file:${tmp}`,
  ];
  const r = await runMediaTool('ffmpeg', args, {
    signal: opts.signal,
    timeoutMs: THUMB_TIMEOUT_MS,
    mediaPath: absPath,
  });
  const size = await fs.stat(tmp).then(
    (s) => s.size,
    () => 0,
  );
  return { ok: r.exitCode === 0 && size > 0, stderr: r.stderr };
}

/** Write a poster JPEG for absPath to outJpg. Throws MediaError('MEDIA_NO_FRAME') with a human reason if no frame decodes. */
export async function makePosterThumbnail(
  absPath: string,
  outJpg: string,
  opts: ThumbnailOptions,
): Promise<void> {
  await fs.mkdir(path.dirname(outJpg), { recursive: true });
  const tmp = `${outJpg}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const at = posterTime(opts.durationSec);
    let attempt = await extractFrame(absPath, tmp, at, opts);
    // A wrong duration in the header can put the seek past the end; the first frame is the fallback.
    if (!attempt.ok && at > 0) attempt = await extractFrame(absPath, tmp, 0, opts);
    if (!attempt.ok)
      throw new MediaError('MEDIA_NO_FRAME', decodeFailureReason(attempt.stderr), absPath);
    await fs.rename(tmp, outJpg);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
