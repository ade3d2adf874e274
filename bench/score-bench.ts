// Scoring speed against ffmpeg decode alone (the same sampled frames through the same pipe, no
// model), segments per second, and RSS growth while scoring a ≥ 10-minute clip.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMediaTool } from '../src-main/services/media/run';
import { sampleFrames } from '../src-main/services/media/frames';
import { PackScorer, fitInside, resolvePackDir } from '../src-main/services/scoring/pack-scorer';
import { findAppRoot } from '../src-main/services/settings/app-root';

async function makeClip(file: string, seconds: number, size: string) {
  if (fs.existsSync(file)) return;
  const r = await runMediaTool('ffmpeg', [
    '-hide_banner',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=25`,
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '23',
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
  if (r.exitCode !== 0) throw new Error(r.stderr);
}

async function decodeOnly(file: string, w: number, h: number, fps: number) {
  const t0 = performance.now();
  let n = 0;
  for await (const s of sampleFrames(
    file,
    { keyWidth: w, keyHeight: h, motionWidth: 64, motionHeight: 36 },
    { fps },
  ))
    n += s.motion.length;
  return { ms: performance.now() - t0, frames: n };
}

export async function runScoreBench() {
  const dir = path.join(os.tmpdir(), 'vqa2-score-bench');
  fs.mkdirSync(dir, { recursive: true });
  const short = path.join(dir, 'short-640x360-60s.mp4');
  const long = path.join(dir, 'long-640x360-600s.mp4');
  await makeClip(short, 60, '640x360');
  await makeClip(long, 600, '640x360');
  const scorer = await PackScorer.create(resolvePackDir(findAppRoot()), { providers: ['cpu'] });
  const key = fitInside(640, 360, 640, 640);
  try {
    // warm-up (first session run allocates)
    await scorer.scoreVideo(
      { absPath: short, width: 640, height: 360, fps: 25, durationSec: 4 },
      {},
    );
    const decode = await decodeOnly(short, key.width, key.height, 25);
    const t0 = performance.now();
    let segments = 0;
    const r = await scorer.scoreVideo(
      { absPath: short, width: 640, height: 360, fps: 25, durationSec: 60 },
      { onSegment: () => segments++ },
    );
    const scoreMs = performance.now() - t0;

    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
    const t1 = performance.now();
    let longSegments = 0;
    await scorer.scoreVideo(
      { absPath: long, width: 640, height: 360, fps: 25, durationSec: 600 },
      { onSegment: () => longSegments++ },
    );
    const longMs = performance.now() - t1;
    clearInterval(timer);
    return {
      provider: scorer.provider,
      clip60s: {
        decodeOnlyMs: Math.round(decode.ms),
        scoreMs: Math.round(scoreMs),
        ratio: +(scoreMs / decode.ms).toFixed(3),
        segments,
        segmentsPerSec: +(segments / (scoreMs / 1000)).toFixed(2),
        inferMs: Math.round(r.timings.inferMs),
      },
      clip600s: {
        scoreMs: Math.round(longMs),
        segments: longSegments,
        segmentsPerSec: +(longSegments / (longMs / 1000)).toFixed(2),
        rssStartMB: Math.round(rss0 / 2 ** 20),
        rssPeakMB: Math.round(peak / 2 ** 20),
        rssGrowthMB: Math.round((peak - rss0) / 2 ** 20),
      },
    };
  } finally {
    await scorer.release();
  }
}
