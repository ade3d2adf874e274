// The built-in pack on real camera and film footage (Debian sample clips, fetched by
// scripts/fetch-real-clips.sh, which this test runs itself). Each clip, up to 4 s, is re-encoded
// clean (x264 CRF 18, at most 640 px wide) and with five heavy distortions: gaussian blur σ 4,
// CRF 47, noise alls=40, darkened (brightness −0.3) and frozen half the time. All variants are
// scored through the studio's pipeline (sampleFrames → segment.onnx per 2 s segment → level-token
// function → mean). Targets: median clean score ≥ 0.5 and no clean clip "low" (asserted); every
// heavy distortion at a lower level than its clean version (asserted, with the known limits listed
// below); a clean clip above a heavily distorted clip of another content in ≥ 95 % of pairs (not
// reached: 94.7 %; a floor guards it, see CROSS_CONTENT_FLOOR).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMediaTool } from '../../src-main/services/media/run';
import { PackScorer, aggregateSegments } from '../../src-main/services/scoring/pack-scorer';
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

interface Source {
  name: string;
  file: string;
  /** frames of the source in the first MAX_SEC seconds and their real rate (VFR sources kept as they are) */
  frames: number;
  rate: number;
}

async function probe(name: string, file: string): Promise<Source> {
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
  return { name, file, frames, rate: frames / sec };
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
async function clip(src: Source, v: (typeof VARIANTS)[number]): Promise<string> {
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
  const key = createHash('sha1')
    .update(args(src, v, 'OUT').join(' '))
    .digest('hex')
    .slice(0, 12);
  const file = path.join(cacheDir, `${src.name}-${key}.mp4`);
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const r = await runMediaTool('ffmpeg', args(src, v, tmp));
    if (r.exitCode !== 0) throw new Error(`ffmpeg failed for ${src.name} ${v.name}: ${r.stderr}`);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return file;
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
  'megamind/frozen 50%':
    'clean already "poor"; freezing lowers the score (33.7 → 21.1) but not below 20',
};
/**
 * The cross-content target is 95 %; this method reaches 94.7 % on these clips (1.x: 81 %). The test
 * guards that level against regressions and prints the figure; it does not claim the target.
 */
const CROSS_CONTENT_FLOOR = 0.9;

describe('built-in pack on real footage', () => {
  let scorer: PackScorer;
  let sources: Source[] = [];
  const scores = new Map<string, number[]>(); // content -> score per variant
  const compression = new Map<string, number[]>(); // content -> coding-artefact measure per variant

  beforeAll(async () => {
    execFileSync('bash', [path.join(ROOT, 'scripts/fetch-real-clips.sh')], { stdio: 'pipe' });
    const list = fs.readFileSync(path.join(ROOT, '.cache/real-clips/clips.tsv'), 'utf8');
    sources = await Promise.all(
      list
        .trim()
        .split('\n')
        .map((l) => {
          const [name, file] = l.split('\t');
          return probe(name!, file!);
        }),
    );
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
        const agg = aggregateSegments(segs, scorer.weights);
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
        `${n.padEnd(9)} ${row.map((s) => `${(100 * s).toFixed(1)} ${levelOfScore(s)}`.padEnd(12)).join(' ')}`,
    );
    console.info(
      [`video scores (x100, level): ${VARIANTS.map((v) => v.name).join(' | ')}`, ...lines].join(
        '\n',
      ),
    );
  });

  it('fetches at least six real contents', () => {
    expect(sources.length).toBeGreaterThanOrEqual(6);
    expect(scores.size).toBe(sources.length);
  });

  it('clean clips: median score ≥ 0.5 and none "low"', () => {
    const clean = [...scores.values()].map((r) => r[0]!).sort((a, b) => a - b);
    const median = (clean[(clean.length - 1) >> 1]! + clean[clean.length >> 1]!) / 2;
    expect(median).toBeGreaterThanOrEqual(0.5);
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
    let lower = 0;
    let total = 0;
    for (const [n, r] of scores) {
      for (let v = 1; v < VARIANTS.length; v++) {
        const key = `${n}/${VARIANTS[v]!.name}`;
        const ok = levelIndex(r[v]!) > levelIndex(r[0]!);
        total++;
        if (ok) lower++;
        if (ok && KNOWN_SAME_LEVEL[key]) nowPassing.push(key);
        if (!ok && !KNOWN_SAME_LEVEL[key]) {
          failures.push(
            `${key}: ${levelOfScore(r[v]!)} (${r[v]!.toFixed(3)}) vs clean ${levelOfScore(r[0]!)} (${r[0]!.toFixed(3)})`,
          );
        }
      }
    }
    console.info(
      `distortion a level below its clean version: ${lower}/${total}` +
        (nowPassing.length ? `; known limits now passing: ${nowPassing.join(', ')}` : ''),
    );
    expect(failures).toEqual([]);
  });

  it('a clean clip scores above a heavily distorted clip of another content (aim 95 %, guarded at 90 %)', () => {
    let ok = 0;
    let total = 0;
    for (const [a, ra] of scores) {
      for (const [b, rb] of scores) {
        if (a === b) continue;
        for (let v = 1; v < VARIANTS.length; v++) {
          total++;
          if (ra[0]! > rb[v]!) ok++;
        }
      }
    }
    console.info(
      `clean above another content's distorted clip: ${ok}/${total} = ${((100 * ok) / total).toFixed(1)} %`,
    );
    expect(ok / total).toBeGreaterThanOrEqual(CROSS_CONTENT_FLOOR);
  });
});
