// 10,000-video project: open time and a sorted page of 100 rows, against a raw SQLite baseline
// (open + count) measured in the same process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ProjectStore, type NewVideo } from '../src-main/services/store/project-store';
import { ScoreStore } from '../src-main/services/scoring/score-store';
import { putVideoMos } from '../src-main/services/pairs/pair-store';

const CODECS = ['h264', 'hevc', 'vp9', 'av1', 'mpeg4', 'prores'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, reps: number): number {
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

export async function runLibraryBench(n = 10_000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-libbench-'));
  try {
    const file = path.join(dir, 'big.vqa2.sqlite');
    const store = ProjectStore.create(file);
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const videos: NewVideo[] = [];
    for (let i = 0; i < n; i++) {
      const failed = rnd() < 0.02;
      videos.push({
        absPath: path.join(dir, 'videos', `cat${i % 50}`, `clip_${String(i).padStart(5, '0')}.mp4`),
        status: failed ? 'failed' : 'ok',
        error: failed ? 'The file is empty (0 bytes).' : null,
        durationSec: failed ? null : 1 + rnd() * 600,
        width: failed ? null : [640, 1280, 1920, 3840][i % 4]!,
        height: failed ? null : [360, 720, 1080, 2160][i % 4]!,
        fps: failed ? null : [24, 25, 30, 60][i % 4]!,
        codec: failed ? null : CODECS[i % CODECS.length]!,
        bitrateKbps: failed ? null : 200 + rnd() * 20000,
        sizeBytes: Math.floor(rnd() * 1e9),
        partialHash: null,
        probeJson: null,
      });
    }
    const tInsert0 = performance.now();
    store.insertVideos(videos);
    const insertMs = performance.now() - tInsert0;
    const ids = store.videoIds();
    for (const id of ids) if (id % 3 === 0) store.setVideoScore(id, rnd());
    // one model run that scored two thirds of the videos, and a rating list for a tenth: the
    // library's columns show that run's scores and the MOS (joined per page)
    const scores = new ScoreStore(store.connection);
    const run = scores.createRun({
      kind: 'pack',
      packId: 'bench',
      packVersion: '1',
      provider: 'cpu',
      providerNote: null,
      settings: {},
      jobId: null,
    });
    store.connection.transaction(() => {
      for (const id of ids) {
        if (id % 3 === 0) continue;
        const s = rnd();
        scores.writeVideoResult(
          {
            runId: run.id,
            videoId: id,
            score: s,
            level: 'fair',
            probs: { high: 0, good: 0, fair: 1, poor: 0, low: 0 },
            features: {},
          },
          [],
        );
      }
    })();
    scores.updateRun(run.id, { finished: true });
    putVideoMos(
      store,
      'bench',
      '1-5',
      ids.filter((id) => id % 10 === 0).map((id) => ({ videoId: id, mos: 1 + 4 * rnd() })),
    );
    store.close();

    const baselineOpenMs = time(() => {
      const db = new Database(file, { readonly: true });
      db.prepare('SELECT count(*) FROM videos').get();
      db.close();
    }, 7);
    const openMs = time(() => ProjectStore.open(file).close(), 7);

    const s = ProjectStore.open(file);
    const page = (
      column: 'durationSec' | 'name' | 'videoScore' | 'codec' | 'mos',
      offset: number,
      text?: string,
    ) =>
      time(
        () =>
          s.listVideos({
            offset,
            limit: 100,
            sort: { column, desc: true },
            filter: text ? { text } : undefined,
          }),
        9,
      );
    const mid = Math.floor(n / 2);
    const pages = {
      durationFirst: page('durationSec', 0),
      durationMiddle: page('durationSec', mid),
      nameLast: page('name', n - 100),
      scoreMiddle: page('videoScore', mid),
      codecFiltered: page('codec', 0, 'cat7/'),
      // one run's scores (joined) and the MOS column, against the plain duration page above
      runScoreMiddle: page('videoScore', 5000),
      mosMiddle: page('mos', 5000),
    };
    // A text filter as typed in the library: the first page and the total that the footer shows.
    const filterMs = time(() => {
      s.listVideos({
        offset: 0,
        limit: 100,
        sort: { column: 'name', desc: false },
        filter: { text: 'clip_0421' },
      });
    }, 9);
    // Same-run baseline: one page of the table in its stored order, no sort and no filter.
    const baselinePageMs = time(
      () => s.connection.prepare('SELECT * FROM videos LIMIT 100').all(),
      9,
    );
    s.close();
    const worstPageMs = Math.max(...Object.values(pages));
    return {
      videos: n,
      insertMs,
      baselineOpenMs,
      openMs,
      openRatio: openMs / baselineOpenMs,
      pageMs: pages,
      runScorePageRatio: pages.runScoreMiddle / pages.durationMiddle,
      mosPageRatio: pages.mosMiddle / pages.durationMiddle,
      worstPageMs,
      filterMs,
      baselinePageMs,
      worstPageRatio: worstPageMs / baselinePageMs,
      targets: { openMs: 1000, pageMs: 100, filterMs: 200 },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
