// A generated project for calibration and run-choice tests: N videos with a built-in-style run
// whose stored measurement vector includes `blur`; people's MOS (an imported 1–5 rating list) is a
// known monotone function of blur plus noise, while the run's raw score mixes blur with measures
// that have nothing to do with MOS. A second run (a streaming-style scorer without measurement
// vectors) scores only some videos. Everything goes through the real stores into real SQLite.
import path from 'node:path';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { ScoreStore } from '../../src-main/services/scoring/score-store';
import { levelOfScore } from '../../src-main/services/levels/level-score';
import { putVideoMos } from '../../src-main/services/pairs/pair-store';
import { mulberry32 } from '../../src-main/services/util/prng';

export interface CalibrationProject {
  file: string;
  videoIds: number[];
  /** the built-in-style run (scores every video, stores measurement vectors) */
  builtinRun: number;
  /** the second run, newer, scoring only `partialVideos` */
  partialRun: number;
  partialVideos: number[];
  /** videos with a MOS */
  rated: number[];
  mos: Map<number, number>;
  score: Map<number, number>;
}

/** The known truth: MOS falls smoothly (logistic) with blur, on a 1–5 scale. */
export const mosOfBlur = (blur: number) => 1 + 4 / (1 + Math.exp(8 * (blur - 0.5)));

export function makeCalibrationProject(
  dir: string,
  opts: { videos?: number; rated?: number; seed?: number; noise?: number } = {},
): CalibrationProject {
  const n = opts.videos ?? 40;
  const nRated = opts.rated ?? 32;
  const rand = mulberry32(opts.seed ?? 7);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const store = ProjectStore.create(path.join(dir, 'calib'));
  try {
    const videoIds = store.insertVideos(
      Array.from({ length: n }, (_, i) => ({
        absPath: path.join(dir, 'videos', `clip-${String(i + 1).padStart(2, '0')}.mp4`),
        status: 'ok' as const,
        error: null,
        durationSec: 4,
        width: 640,
        height: 360,
        fps: 25,
        codec: 'h264',
        bitrateKbps: 1000,
        sizeBytes: 1000 + i,
        partialHash: null,
        probeJson: null,
      })),
    );
    const scores = new ScoreStore(store.connection);
    const builtin = scores.createRun({
      kind: 'pack',
      packId: 'builtin-nr',
      packVersion: '1.0.0',
      provider: 'cpu',
      providerNote: null,
      settings: {},
      jobId: null,
    });
    const mos = new Map<number, number>();
    const score = new Map<number, number>();
    for (const id of videoIds) {
      const blur = rand();
      const motion = rand();
      const brisque = 20 + 40 * rand();
      // the raw score: blur counts a little, unrelated measures a lot
      const s = Math.min(1, Math.max(0, 0.9 - 0.2 * blur - 0.5 * motion - 0.004 * (brisque - 20)));
      score.set(id, s);
      mos.set(id, Math.min(5, Math.max(1, mosOfBlur(blur) + (opts.noise ?? 0.15) * gauss())));
      scores.writeVideoResult(
        {
          runId: builtin.id,
          videoId: id,
          score: s,
          level: levelOfScore(s),
          probs: { high: 0.2, good: 0.2, fair: 0.2, poor: 0.2, low: 0.2 },
          features: { blur, motion, brisque_mean: brisque, quality: s },
        },
        [],
      );
      scores.insertSegments(builtin.id, id, [
        {
          idx: 0,
          startSec: 0,
          endSec: 2,
          score: s,
          probs: { high: 0.2, good: 0.2, fair: 0.2, poor: 0.2, low: 0.2 },
          features: {},
        },
        {
          idx: 1,
          startSec: 2,
          endSec: 4,
          score: s * 0.9,
          probs: { high: 0.2, good: 0.2, fair: 0.2, poor: 0.2, low: 0.2 },
          features: {},
        },
      ]);
    }
    scores.updateRun(builtin.id, { finished: true });
    // a newer run that skipped every third video (as P.1203 skips non-H.264 files)
    const partial = scores.createRun({
      kind: 'streaming',
      packId: 'p1203-mode0',
      packVersion: '1.0.0',
      provider: 'cpu',
      providerNote: null,
      settings: {},
      jobId: null,
    });
    const partialVideos = videoIds.filter((_, i) => i % 3 !== 0);
    partialVideos.forEach((id) => {
      // deliberately the reverse order of the built-in run's scores
      const s = 1 - score.get(id)!;
      scores.writeVideoResult(
        {
          runId: partial.id,
          videoId: id,
          score: s,
          level: levelOfScore(s),
          probs: { high: 0, good: 0, fair: 1, poor: 0, low: 0 },
          features: {},
        },
        [],
      );
    });
    scores.updateRun(partial.id, { finished: true });
    const rated = videoIds.slice(0, nRated);
    putVideoMos(
      store,
      'lab',
      '1-5',
      rated.map((id) => ({ videoId: id, mos: mos.get(id)! })),
    );
    return {
      file: store.path,
      videoIds,
      builtinRun: builtin.id,
      partialRun: partial.id,
      partialVideos,
      rated,
      mos,
      score,
    };
  } finally {
    store.close();
  }
}
