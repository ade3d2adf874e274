// Poster thumbnails for many files from one ffmpeg run: each file is an input (seeked like the
// single-file path) mapped to its own one-frame JPEG output. Process start-up (~90 ms for
// Debian's ffmpeg) is paid once per batch instead of once per file. A file whose poster is missing
// after the run (no frame decoded, or the whole run failed because of one input) goes through the
// single-file path, which retries from the first frame and names the reason.
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { MediaError } from './errors';
import { runMediaTool } from './run';
import { makePosterThumbnail, posterTime, THUMB_WIDTH } from './thumbnail';

export interface PosterJob {
  absPath: string;
  outJpg: string;
  durationSec: number | null;
  streamIndex?: number;
}

export type PosterOutcome = { ok: true } | { ok: false; reason: string };

const BATCH_TIMEOUT_MS = 120_000;

async function nonEmpty(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.size > 0,
    () => false,
  );
}

/** Posters for `jobs` (one ffmpeg run, then single-file fallbacks); outcome per job, same order. */
export async function makePosterThumbnails(
  jobs: readonly PosterJob[],
  opts: { signal?: AbortSignal; threads?: number } = {},
): Promise<PosterOutcome[]> {
  if (!jobs.length) return [];
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmps = jobs.map((j) => `${j.outJpg}.${tag}.tmp`);
  await Promise.all(jobs.map((j) => fs.mkdir(path.dirname(j.outJpg), { recursive: true })));
  const args = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    ...(opts.threads ? ['-threads', String(opts.threads)] : []),
  ];
  jobs.forEach((j) => {
    const at = posterTime(j.durationSec);
    args.push(...(at > 0 ? ['-ss', at.toFixed(3)] : []), '-i', `file:${j.absPath}`);
  });
  jobs.forEach((j, i) => {
    args.push(
      '-map',
      j.streamIndex === undefined ? `${i}:v:0` : `${i}:${j.streamIndex}`,
      '-an',
      '-sn',
      '-dn',
      '-frames:v',
      '1',
      '-vf',
      `scale=${THUMB_WIDTH}:trunc(${THUMB_WIDTH}/dar/2)*2,setsar=1`,
      '-c:v',
      'mjpeg',
      '-q:v',
      '4',
      '-pix_fmt',
      'yuvj420p',
      '-f',
      'image2',
      '-update',
      '1',
      '-y',
      `file:${tmps[i]}`,
    );
  });
  const outcomes: PosterOutcome[] = [];
  try {
    if (jobs.length > 1) {
      await runMediaTool('ffmpeg', args, {
        signal: opts.signal,
        timeoutMs: BATCH_TIMEOUT_MS,
      }).catch((e: unknown) => {
        // A cancel stops the batch; any other failure leaves it to the single-file path below.
        if (e instanceof MediaError && e.code === 'MEDIA_ABORTED') throw e;
      });
    }
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      if (jobs.length > 1 && (await nonEmpty(tmps[i]!))) {
        await fs.rename(tmps[i]!, job.outJpg);
        outcomes.push({ ok: true });
        continue;
      }
      try {
        await makePosterThumbnail(job.absPath, job.outJpg, {
          durationSec: job.durationSec,
          streamIndex: job.streamIndex,
          signal: opts.signal,
          threads: opts.threads,
        });
        outcomes.push({ ok: true });
      } catch (e) {
        if (!(e instanceof MediaError) || e.code === 'MEDIA_ABORTED') throw e;
        outcomes.push({ ok: false, reason: e.message });
      }
    }
    return outcomes;
  } finally {
    await Promise.all(tmps.map((t) => fs.rm(t, { force: true })));
  }
}
