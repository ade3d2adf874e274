// Scoring speed against ffmpeg decode alone (the same sampled frames through the same pipe, with
// the same ffmpeg threads, no model), segments per second, and RSS growth while scoring a
// ≥ 10-minute clip. Two scorer set-ups in the same run: "before" (model on the calling thread,
// ONNX Runtime's and ffmpeg's default threads) and "after" (model in a worker thread, the cores
// split between ffmpeg and ONNX Runtime, no spinning), measured in turns (decode as each set-up
// decodes, then that set-up, repeated) so that other load on the machine hits all alike; the
// ratio per set-up is the median over the turns, each against its own decode.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMediaTool } from '../src-main/services/media/run';
import { sampleFrames } from '../src-main/services/media/frames';
import { PackScorer, fitInside, resolvePackDir } from '../src-main/services/scoring/pack-scorer';
import type { SegmentScore } from '../src-main/services/scoring/score-store';
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

async function decodeOnly(file: string, w: number, h: number, fps: number, threads: number) {
  const t0 = performance.now();
  let n = 0;
  for await (const s of sampleFrames(
    file,
    { keyWidth: w, keyHeight: h, motionWidth: 64, motionHeight: 36 },
    { fps, threads: threads || undefined },
  ))
    n += s.motion.length;
  return { ms: performance.now() - t0, frames: n };
}

const REPEATS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Setup {
  name: 'before' | 'after';
  scorer: PackScorer;
}

async function timedScore(scorer: PackScorer, absPath: string, sec: number) {
  const segments: SegmentScore[] = [];
  const t0 = performance.now();
  let firstMs = 0;
  const r = await scorer.scoreVideo(
    { absPath, width: 640, height: 360, fps: 25, durationSec: sec },
    {
      onSegment: (s) => {
        if (!segments.length) firstMs = performance.now() - t0;
        segments.push(s);
      },
    },
  );
  return { ms: performance.now() - t0, segments, inferMs: r.timings.inferMs, firstMs };
}

async function longRun(scorer: PackScorer, long: string) {
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
  try {
    const r = await timedScore(scorer, long, 600);
    return {
      scoreMs: Math.round(r.ms),
      segments: r.segments.length,
      segmentsPerSec: +(r.segments.length / (r.ms / 1000)).toFixed(2),
      rssStartMB: Math.round(rss0 / 2 ** 20),
      rssPeakMB: Math.round(peak / 2 ** 20),
      rssGrowthMB: Math.round((peak - rss0) / 2 ** 20),
    };
  } finally {
    clearInterval(timer);
  }
}

export async function runScoreBench() {
  const dir = path.join(os.tmpdir(), 'vqa2-score-bench');
  fs.mkdirSync(dir, { recursive: true });
  const short = path.join(dir, 'short-640x360-60s.mp4');
  const long = path.join(dir, 'long-640x360-600s.mp4');
  await makeClip(short, 60, '640x360');
  await makeClip(long, 600, '640x360');
  const packDir = resolvePackDir(findAppRoot());
  const setups: Setup[] = [
    {
      name: 'before',
      // threads 0: ONNX Runtime's own default (one per physical core, spinning)
      scorer: await PackScorer.create(packDir, {
        providers: ['cpu'],
        worker: false,
        threads: 0,
        decodeThreads: 0,
      }),
    },
    { name: 'after', scorer: await PackScorer.create(packDir, { providers: ['cpu'] }) },
  ];
  const key = fitInside(640, 360, 640, 640);
  try {
    // warm-up (first session run allocates)
    for (const s of setups)
      await s.scorer.scoreVideo(
        { absPath: short, width: 640, height: 360, fps: 25, durationSec: 4 },
        {},
      );
    const runs = new Map<
      string,
      { ms: number[]; ratio: number[]; inferMs: number[]; decodeMs: number[]; firstMs: number[] }
    >(setups.map((s) => [s.name, { ms: [], ratio: [], inferMs: [], decodeMs: [], firstMs: [] }]));
    const outputs = new Map<string, SegmentScore[]>();
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const s of setups) {
        const decode = await decodeOnly(short, key.width, key.height, 25, s.scorer.decodeThreads);
        const r = await timedScore(s.scorer, short, 60);
        const m = runs.get(s.name)!;
        m.decodeMs.push(decode.ms);
        m.ms.push(r.ms);
        m.ratio.push(r.ms / decode.ms);
        m.inferMs.push(r.inferMs);
        m.firstMs.push(r.firstMs);
        outputs.set(s.name, r.segments);
      }
    }
    // Same frames, same model: the two set-ups must agree (thread count changes summation order only).
    const a = outputs.get('before')!;
    const b = outputs.get('after')!;
    let maxDiff = 0;
    a.forEach((s, i) => {
      const t = b[i]!;
      maxDiff = Math.max(maxDiff, Math.abs(s.score - t.score));
      for (const [k, v] of Object.entries(s.features))
        maxDiff = Math.max(maxDiff, Math.abs(v - t.features[k]!) / Math.max(1, Math.abs(v)));
    });
    const clip60 = (name: string) => {
      const m = runs.get(name)!;
      const ms = median(m.ms);
      return {
        decodeThreads: setups.find((s) => s.name === name)!.scorer.decodeThreads,
        decodeOnlyMs: Math.round(median(m.decodeMs)),
        scoreMs: Math.round(ms),
        ratio: +median(m.ratio).toFixed(3),
        ratios: m.ratio.map((x) => +x.toFixed(3)),
        segments: a.length,
        segmentsPerSec: +(a.length / (ms / 1000)).toFixed(2),
        inferMs: Math.round(median(m.inferMs)),
        /** from the call to the first segment's result: ffmpeg's start-up and one segment */
        firstSegmentMs: Math.round(median(m.firstMs)),
      };
    };
    const before = clip60('before');
    const after = clip60('after');
    const beforeLong = await longRun(setups[0]!.scorer, long);
    const afterLong = await longRun(setups[1]!.scorer, long);
    return {
      provider: setups[1]!.scorer.provider,
      clip60s: { ...after, before },
      /** before / after for time; after / before for throughput. */
      speedup: +(before.scoreMs / after.scoreMs).toFixed(2),
      maxOutputDiff: maxDiff,
      clip600s: {
        ...afterLong,
        before: beforeLong,
        segmentsPerSecRatio: +(afterLong.segmentsPerSec / beforeLong.segmentsPerSec).toFixed(2),
        rssPeakRatio: +(afterLong.rssPeakMB / beforeLong.rssPeakMB).toFixed(2),
      },
    };
  } finally {
    for (const s of setups) await s.scorer.release();
  }
}
