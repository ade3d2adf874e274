// Distortion ladders: the built-in pack's VIDEO score (mean of the 2 s segment scores, each the
// level-token function of segment.onnx's level logits) must fall strictly along every ladder but
// the known limits listed below (synthetic content, where BRISQUE is out of its depth) —
// gaussian blur, noise, x264 CRF, frame freezing, darkening — on every content: lavfi testsrc2,
// mandelbrot, life and cellauto (the last two drawn with 4x4-pixel cells, see the pack README),
// plus two real clips from Debian's opencv-doc (vtest.avi: a street scene; Megamind.avi: an
// animated trailer), which the test fetches itself with scripts/fetch-opencv-doc-images.sh.
//
// Clips are 4 s at 640x360, generated with ffmpeg into os.tmpdir() once per ffmpeg build and recipe
// (content-keyed cache, like tests/helpers/fixtures.ts), then scored like the studio does: the
// frame sampler (one ffmpeg decode: key frames at 1 fps, 64x36 grey motion frames), one
// segment.onnx run per 2 s segment (previous segment's last motion frame prepended).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMediaTool } from '../../src-main/services/media/run';
import { loadPack, type LoadedPack } from '../../src-main/services/inference/packs';
import { PackScorer } from '../../src-main/services/scoring/pack-scorer';
import { aggregateSegments } from '../../src-main/services/scoring/video-aggregate';
import type { SegmentScore } from '../../src-main/services/scoring/score-store';
import { runFetchScript } from '../helpers/fetch-data';

const ROOT = path.resolve(__dirname, '../..');
const PACK = path.join(ROOT, 'resources/models/builtin-nr');
const OPENCV_DATA = path.join(ROOT, '.cache/opencv-doc/usr/share/doc/opencv-doc/examples/data');
const RECIPE_VERSION = 1;
const DURATION = 4;
const W = 640;
const H = 360;

interface Content {
  name: string;
  fps: number;
  input: string[];
  /** filters before the distortion (scaling real clips to 640x360) */
  pre?: string;
}

const LAVFI = (graph: string) => ['-f', 'lavfi', '-i', graph];
const CONTENTS: Content[] = [
  { name: 'testsrc2', fps: 25, input: LAVFI(`testsrc2=s=${W}x${H}:r=25:d=${DURATION}`) },
  {
    name: 'mandelbrot',
    fps: 25,
    input: LAVFI(`mandelbrot=s=${W}x${H}:r=25,trim=duration=${DURATION}`),
  },
  {
    name: 'life',
    fps: 25,
    input: LAVFI(
      `life=s=160x90:r=25:seed=1:mold=10:ratio=0.1:death_color=#C83232:life_color=#00ff00,trim=duration=${DURATION},scale=${W}:${H}:flags=neighbor`,
    ),
  },
  {
    name: 'cellauto',
    fps: 25,
    input: LAVFI(
      `cellauto=s=160x90:r=25:rule=110:seed=1,trim=duration=${DURATION},scale=${W}:${H}:flags=neighbor`,
    ),
  },
  {
    name: 'vtest',
    fps: 10,
    input: ['-ss', '2', '-i', path.join(OPENCV_DATA, 'vtest.avi')],
    pre: 'scale=640:480:flags=bicubic,crop=640:360',
  },
  {
    name: 'megamind',
    fps: 24000 / 1001,
    input: ['-ss', '2', '-i', path.join(OPENCV_DATA, 'Megamind.avi')],
    pre: 'scale=640:-2:flags=bicubic,crop=640:360',
  },
];

interface Step {
  label: string;
  filter?: string;
  freeze?: number;
  /** where the held frame is, as a share of the clip (default 1/8) */
  freezeAt?: number;
  crf: number;
}
const clean = { label: 'clean', crf: 12 };
const LADDERS: Record<string, Step[]> = {
  blur: [
    clean,
    ...[1.5, 3, 6].map((s) => ({ label: `gblur ${s}`, filter: `gblur=sigma=${s}`, crf: 12 })),
  ],
  noise: [
    clean,
    ...[10, 25, 50].map((a) => ({
      label: `noise ${a}`,
      filter: `noise=alls=${a}:allf=t`,
      crf: 12,
    })),
  ],
  crf: [18, 28, 38, 51].map((c) => ({ label: `crf ${c}`, crf: c })),
  freeze: [
    clean,
    ...[0.25, 0.5, 0.75].map((f) => ({ label: `frozen ${f * 100}%`, freeze: f, crf: 12 })),
  ],
  dark: [
    clean,
    ...[-0.15, -0.3, -0.45].map((b) => ({
      label: `brightness ${b}`,
      filter: `eq=brightness=${b}`,
      crf: 12,
    })),
  ],
};

/**
 * Ladders on which the video score is NOT strictly monotonic, stated here instead of tuned away
 * (pack README, "Known limits"). Since 2.0.0 the head reads BRISQUE as LIVE's predicted DMOS with
 * its full weight (what it means on natural footage); on synthetic frames, outside what LIVE's
 * photographs taught it, BRISQUE itself is not monotonic (light noise or moderate compression makes
 * such frames look more natural to it) or saturates at 100 (life, cellauto: q is then ~0 whatever
 * else happens). The coding-artefact model (2.1.0), fitted on natural JPEG images, is likewise out
 * of its depth on flat synthetic areas. For these the test checks only that every score is a finite number in [0, 1];
 * every other ladder must fall strictly.
 */
const KNOWN_NOT_MONOTONIC: Record<string, string> = {
  'testsrc2/blur':
    "the coding-artefact model (natural JPEG images) reads the pattern's grid-aligned sharp edges as block steps; blur 1.5 softens them",
  'testsrc2/noise': 'BRISQUE 64 → 32 with noise 10 on a synthetic pattern',
  'testsrc2/crf': 'BRISQUE lower at CRF 28 than at CRF 18',
  'testsrc2/dark': 'BRISQUE not monotonic with brightness on a synthetic pattern',
  'mandelbrot/crf': 'BRISQUE lower at CRF 28 than at CRF 18',
  'mandelbrot/dark': 'BRISQUE lower at brightness −0.15; no pixel is clipped yet',
  'life/blur': 'BRISQUE ~100 (saturated) on a 1-bit source',
  'life/noise': 'BRISQUE ~100 (saturated) on a 1-bit source',
  'life/crf': 'BRISQUE ~100 (saturated) on a 1-bit source',
  'life/dark': 'BRISQUE ~100 (saturated) on a 1-bit source',
  'cellauto/blur': 'BRISQUE 100 on every frame: q is 0 whatever else happens',
  'cellauto/noise': 'BRISQUE 100 on every frame: q is 0 whatever else happens',
  'cellauto/crf': 'BRISQUE 100 on every frame: q is 0 whatever else happens',
  'cellauto/freeze': 'BRISQUE 100 on every frame: q is 0 whatever else happens',
  'cellauto/dark': 'BRISQUE 100 on every frame: q is 0 whatever else happens',
  'megamind/noise':
    'noise 10 lowers BRISQUE on this dark film and its flattest blocks are clipped black (no noise measured)',
};

function ffmpegArgs(c: Content, s: Step, ladder: string, out: string): string[] {
  const frames = Math.round(c.fps * DURATION);
  const f: string[] = [];
  if (c.pre) f.push(c.pre);
  // freeze: repeat one frame (at 1/8 of the clip) for the given share of the frames, then go on
  if (s.freeze)
    f.push(
      `loop=loop=${Math.round(s.freeze * frames)}:size=1:start=${Math.round(frames * (s.freezeAt ?? 1 / 8))}`,
      'setpts=N/FRAME_RATE/TB',
    );
  if (s.filter) f.push(s.filter);
  f.push(`trim=end_frame=${frames}`, 'format=yuv420p');
  // ultrafast at CRF 12 is visually lossless and quick to encode/decode; the CRF ladder uses a
  // realistic preset
  const preset = ladder === 'crf' ? 'veryfast' : 'ultrafast';
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-y',
    ...c.input,
    '-vf',
    f.join(','),
    '-c:v',
    'libx264',
    '-preset',
    preset,
    '-crf',
    String(s.crf),
    '-pix_fmt',
    'yuv420p',
    '-f',
    'mp4',
    out,
  ];
}

let cacheDir: Promise<string> | null = null;
function ladderCacheDir(): Promise<string> {
  cacheDir ??= runMediaTool('ffmpeg', ['-hide_banner', '-version']).then((r) => {
    const version = r.stdout.toString('utf8').split('\n')[0] ?? '';
    const key = createHash('sha1')
      .update(`${version}|ladders|${RECIPE_VERSION}`)
      .digest('hex')
      .slice(0, 12);
    const dir = path.join(os.tmpdir(), `vqa2-ladders-${key}`);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  });
  return cacheDir;
}

/** The clip for (content, step), generated once (content-keyed; atomic rename). */
async function clip(c: Content, s: Step, ladder: string): Promise<string> {
  const recipe = ffmpegArgs(c, s, ladder, 'OUT').join(' ');
  const key = createHash('sha1').update(recipe).digest('hex').slice(0, 12);
  const file = path.join(await ladderCacheDir(), `${c.name}-${key}.mp4`);
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const r = await runMediaTool('ffmpeg', ffmpegArgs(c, s, ladder, tmp));
    if (r.exitCode !== 0) throw new Error(`ffmpeg failed for ${c.name} ${s.label}: ${r.stderr}`);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return file;
}

interface Scored {
  score: number;
  segments: number;
  segmentMs: number[];
  decodeMs: number;
}

describe('built-in pack: video score falls along distortion ladders', () => {
  let pack: LoadedPack;
  let scorer: PackScorer;
  // the real clips are fetched (idempotent, cached) before any test looks for them
  let contents: Content[] = [];
  const table: string[] = [];
  const timings = { segments: 0, segmentMs: 0, clips: 0, clipMs: 0, wallMs: 0, generateMs: 0 };

  beforeAll(async () => {
    runFetchScript('fetch-opencv-doc-images.sh');
    contents = CONTENTS.filter((c) => !c.pre || fs.existsSync(c.input[3]!));
    pack = loadPack(PACK);
    scorer = await PackScorer.create(PACK, { providers: ['cpu'], threads: 1 });
  });
  afterAll(async () => {
    await scorer?.release();
    const missing = CONTENTS.filter((c) => !contents.includes(c)).map((c) => c.name);
    console.info(
      [
        `video scores (x100) per ladder step, ${DURATION} s clips at ${W}x${H}:`,
        ...table,
        missing.length
          ? `not run (run scripts/fetch-opencv-doc-images.sh): ${missing.join(', ')}`
          : '',
        `timings: ${timings.clips} clips scored in ${(timings.wallMs / 1000).toFixed(1)} s wall, two at a time ` +
          `(${(timings.clipMs / Math.max(1, timings.clips)).toFixed(0)} ms per clip incl. decode), ` +
          `${timings.segments} segments, ${(timings.segmentMs / Math.max(1, timings.segments)).toFixed(0)} ms per segment.onnx run; ` +
          `clip generation ${(timings.generateMs / 1000).toFixed(1)} s (0 when cached)`,
      ].join('\n'),
    );
  });

  /** The studio's own pipeline: PackScorer (sampleFrames → segment.onnx per 2 s segment → level-token score) → mean. */
  async function scoreClip(file: string, fps: number): Promise<Scored> {
    const segs: SegmentScore[] = [];
    const r = await scorer.scoreVideo(
      { absPath: file, width: W, height: H, fps, durationSec: DURATION },
      { onSegment: (x) => segs.push(x) },
    );
    const agg = aggregateSegments(segs, scorer.weights, scorer.videoPooling);
    return {
      score: agg.score,
      segments: segs.length,
      segmentMs: [r.timings.inferMs],
      decodeMs: r.timings.totalMs - r.timings.inferMs,
    };
  }

  it('vtest: a 2 s hold costs the same wherever it falls on the 2 s segment grid', async () => {
    const c = CONTENTS.find((x) => x.name === 'vtest')!;
    if (!contents.includes(c))
      throw new Error('vtest: source clip missing — run scripts/fetch-opencv-doc-images.sh');
    // the same hold (half the clip, 2 s: the loop filter repeats frame start − 1) from 0.1 s (all
    // but inside the first segment), 0.4 s and 0.9 s (straddling the two). Not from 0 s: a clip that
    // opens on a held frame has no earlier change to judge the encoder's touches by, and the freeze
    // measure reads only ~3/4 of it.
    const phases = [1 / 20, 1 / 8, 1 / 4];
    const pooled: number[] = [];
    const local: number[] = [];
    for (const at of phases) {
      const file = await clip(
        c,
        { label: `hold at ${at}`, freeze: 0.5, freezeAt: at, crf: 12 },
        'freeze',
      );
      const segs: SegmentScore[] = [];
      await scorer.scoreVideo(
        { absPath: file, width: W, height: H, fps: c.fps, durationSec: DURATION },
        { onSegment: (x) => segs.push(x) },
      );
      pooled.push(aggregateSegments(segs, scorer.weights, scorer.videoPooling).score);
      local.push(aggregateSegments(segs, scorer.weights).score);
    }
    const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
    table.push(
      `vtest hold at 0.1/0.4/0.9 s: pooled ${pooled.map((v) => (100 * v).toFixed(1)).join('/')}, ` +
        `per segment ${local.map((v) => (100 * v).toFixed(1)).join('/')}`,
    );
    // per segment, a saturating penalty makes the placement matter; pooled over the video, what is
    // left is the measure itself (right after the clip's opening frames x264 still refines the held
    // picture, and the first segment reads ~3/4 of its pairs as repeats instead of ~19/20)
    expect(spread(local)).toBeGreaterThan(0.05);
    expect(spread(pooled)).toBeLessThan(spread(local) / 2);
  }, 120_000);

  for (const c of CONTENTS) {
    it(`${c.name}: every ladder falls strictly`, async () => {
      if (!contents.includes(c)) {
        throw new Error(
          `${c.name}: source clip missing — run scripts/fetch-opencv-doc-images.sh (Debian opencv-doc)`,
        );
      }
      // generate this content's clips two at a time (2 cores), then score them one by one
      const tg = performance.now();
      const jobs = Object.entries(LADDERS).flatMap(([ladder, steps]) =>
        steps.map((s) => ({ ladder, s })),
      );
      const files = new Map<string, string>();
      for (let i = 0; i < jobs.length; i += 2) {
        await Promise.all(
          jobs
            .slice(i, i + 2)
            .map(async (j) => files.set(`${j.ladder}/${j.s.label}`, await clip(c, j.s, j.ladder))),
        );
      }
      timings.generateMs += performance.now() - tg;

      // score each distinct clip once (the clean clip is shared by four ladders), two at a time:
      // one ffmpeg decode and one single-threaded ONNX run each, on a 2-core machine
      const byFile = new Map<string, Scored>();
      const unique = [...new Set(files.values())];
      let next = 0;
      const worker = async () => {
        while (next < unique.length) {
          const file = unique[next++]!;
          const t = performance.now();
          const r = await scoreClip(file, c.fps);
          timings.clipMs += performance.now() - t;
          timings.clips++;
          timings.segments += r.segments;
          timings.segmentMs += r.segmentMs.reduce((a, b) => a + b, 0);
          byFile.set(file, r);
        }
      };
      const tw = performance.now();
      await Promise.all([worker(), worker()]);
      timings.wallMs += performance.now() - tw;
      const failures: string[] = [];
      for (const [ladder, steps] of Object.entries(LADDERS)) {
        const row: number[] = [];
        for (const s of steps) {
          const file = files.get(`${ladder}/${s.label}`)!;
          const r = byFile.get(file)!;
          expect(r.segments).toBe(DURATION / pack.manifest.scoring!.segmentSec);
          row.push(r.score);
        }
        table.push(
          `${c.name.padEnd(10)} ${ladder.padEnd(6)} ${row.map((v) => (100 * v).toFixed(1).padStart(6)).join(' ')}`,
        );
        const known = KNOWN_NOT_MONOTONIC[`${c.name}/${ladder}`];
        if (known) {
          table[table.length - 1] += `   (known limit: ${known})`;
          for (const v of row)
            if (!(Number.isFinite(v) && v >= 0 && v <= 1))
              failures.push(`${ladder}: score ${v} outside [0, 1]`);
          continue;
        }
        for (let i = 1; i < row.length; i++) {
          if (!(row[i]! < row[i - 1]!)) {
            failures.push(
              `${ladder}: "${steps[i]!.label}" scores ${row[i]!.toFixed(4)} >= "${steps[i - 1]!.label}" ${row[i - 1]!.toFixed(4)}`,
            );
          }
        }
      }
      expect(failures, `${c.name}: non-monotonic ladders`).toEqual([]);
    }, 300_000);
  }
});
