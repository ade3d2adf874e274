// Memory while scoring a 10-minute clip with a tiny in-process model: the score job decodes the
// clip once and keeps only the frames a pass needs, so RSS stays flat. Peak RSS growth from the
// point the model is loaded, and the time per segment against the first minute's (same run).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { runMediaTool } from '../src-main/services/media/run';
import { ProjectStore } from '../src-main/services/store/project-store';
import { importVideos } from '../src-main/services/library/import';
import { ScoreJobs } from '../src-main/services/scoring/score-job';
import { modelPool } from '../src-main/services/lmm/model-pool';
import { LMM_SCORER_ID } from '../src-main/services/scoring/lmm-score';

const MB = 2 ** 20;

async function makeClip(file: string, seconds: number) {
  const r = await runMediaTool('ffmpeg', [
    '-hide_banner',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25',
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
  if (r.exitCode !== 0) throw new Error(`ffmpeg failed: ${r.stderr.slice(-300)}`);
}

export async function runLmmRssBench() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-lmm-rss-'));
  try {
    execFileSync(
      process.execPath,
      [
        path.resolve(__dirname, '../scripts/gen-tiny-models.mjs'),
        '--out',
        path.join(dir, 'models'),
      ],
      { stdio: 'pipe' },
    );
    const folder = path.join(dir, 'models', 'vqa2');
    const clip = path.join(dir, 'long-640x360-600s.mp4');
    await makeClip(clip, 600);
    const store = ProjectStore.create(path.join(dir, 'bench'));
    await importVideos(store, [clip], { jobId: randomUUID() });
    const pool = modelPool(60_000);
    // load the model first: the baseline is a loaded model, so the growth is what scoring adds
    await pool.use(folder, 'cpu', async (m) =>
      m.scoreLevels({ keyFrames: [], motionFrames: [] }).catch(() => null),
    );
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const samples: number[] = [];
    const timer = setInterval(() => {
      const r = process.memoryUsage().rss;
      peak = Math.max(peak, r);
      samples.push(r);
    }, 250);
    const segTimes: number[] = [];
    let last = performance.now();
    const jobs = new ScoreJobs(store, path.resolve(__dirname, '..'), (p) => {
      if (p.segmentsDone > segTimes.length) {
        const now = performance.now();
        segTimes.push(now - last);
        last = now;
      }
    });
    const t0 = performance.now();
    const job = jobs.create(store.videoIds(), {
      scorer: LMM_SCORER_ID,
      model: { id: null, name: 'tiny-vqa2', dir: folder },
      ep: 'cpu',
      segmentSec: 2,
      budget: { keyFrames: 32, motionFrames: 64 },
    });
    const p = await jobs.run(job.id);
    const totalSec = (performance.now() - t0) / 1000;
    clearInterval(timer);
    await pool.disposeAll();
    store.close();
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
    const firstMinute = mean(segTimes.slice(1, 30));
    const lastMinute = mean(segTimes.slice(-30));
    return {
      model: 'tiny vqa2 (generated), cpu',
      clipSec: 600,
      status: p.status,
      segments: p.segmentsDone,
      totalSec: +totalSec.toFixed(1),
      segmentsPerSec: +(p.segmentsDone / totalSec).toFixed(1),
      rssStartMB: Math.round(rss0 / MB),
      rssPeakMB: Math.round(peak / MB),
      rssGrowthMB: Math.round((peak - rss0) / MB),
      rssEndMB: Math.round((samples.at(-1) ?? rss0) / MB),
      // ≈ 1: the last minute's segments take as long as the first minute's (nothing accumulates)
      lastVsFirstMinutePerSegment: +(lastMinute / firstMinute).toFixed(2),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
