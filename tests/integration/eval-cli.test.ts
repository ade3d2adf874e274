// `vqa2 eval` as a user runs it (built CLI, real project file): metrics equal scipy's on the
// reference data, CIs are reproducible, too little data exits 2 naming both sides' counts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectStore, type NewVideo } from '../../src-main/services/store/project-store';
import { ScoreStore } from '../../src-main/services/scoring/score-store';
import { putVideoMos } from '../../src-main/services/pairs/pair-store';
import { videoRow } from '../helpers/api';
import { runVqa2 } from '../helpers/cli';
import { addScoredRun, writeScore } from '../helpers/runs';

const root = path.resolve(__dirname, '../..');
const ref = JSON.parse(
  fs.readFileSync(path.join(root, 'tests/golden/eval/reference.json'), 'utf8'),
) as {
  datasets: {
    name: string;
    x: number[];
    y: number[];
    srcc: number;
    krcc: number;
    plcc: number;
    plccLogistic: number;
    rmseLogistic: number;
  }[];
};
const data = ref.datasets.find((d) => d.name === 'ugc-200-rounded')!;
let dir: string;
let project: string;
let runFull: number;
let runSmall: number;

const vqa2 = (...args: string[]) => runVqa2(path.join(dir, 'home'), args);

const video = (i: number): NewVideo =>
  videoRow(path.join(dir, 'videos', `v${String(i).padStart(3, '0')}.mp4`), {
    durationSec: 8,
    width: 1280,
    height: 720,
    fps: 30,
    bitrateKbps: 2000,
    sizeBytes: 1000 + i,
  });

beforeAll(() => {
  if (!fs.existsSync(path.join(root, 'out', 'main', 'cli.js')))
    throw new Error('The CLI is not built: run `npm run build` first.');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-eval-cli-'));
  const store = ProjectStore.create(path.join(dir, 'p'));
  project = store.path;
  const ids = store.insertVideos(data.x.map((_, i) => video(i)));
  const scores = new ScoreStore(store.connection);
  const write = (runId: number, videoId: number, score: number) =>
    writeScore(scores, runId, videoId, score);
  const mk = () => addScoredRun(scores, [], { packId: 'builtin-nr' });
  runFull = mk();
  data.x.forEach((x, i) => write(runFull, ids[i]!, x));
  runSmall = mk(); // the latest run: only 2 videos scored
  write(runSmall, ids[0]!, 0.5);
  write(runSmall, ids[1]!, 0.6);
  putVideoMos(
    store,
    'lab',
    '1-5',
    data.y.map((mos, i) => ({ videoId: ids[i]!, mos })),
  );
  store.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('vqa2 eval', () => {
  it('prints {n, srcc, krcc, plcc, plccLogistic, rmseLogistic} equal to scipy, with CIs', () => {
    const r = vqa2(
      'eval',
      project,
      '--run',
      String(runFull),
      '--json',
      '--bootstrap',
      '300',
      '--seed',
      '5',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown> & {
      ci: Record<string, [number, number]>;
    };
    expect(out.n).toBe(200);
    expect(Math.abs((out.srcc as number) - data.srcc)).toBeLessThan(1e-9);
    expect(Math.abs((out.krcc as number) - data.krcc)).toBeLessThan(1e-9);
    expect(Math.abs((out.plcc as number) - data.plcc)).toBeLessThan(1e-9);
    expect(Math.abs((out.plccLogistic as number) - data.plccLogistic)).toBeLessThan(1e-4);
    expect(Math.abs((out.rmseLogistic as number) - data.rmseLogistic)).toBeLessThan(1e-4);
    expect(out.mosSource).toMatchObject({ id: 'list:lab', scale: '1-5' });
    expect(out.fit).toMatchObject({ converged: true, message: null });
    expect(out.bootstrap).toMatchObject({ resamples: 300, seed: 5 });
    for (const k of ['srcc', 'krcc', 'plcc', 'plccLogistic', 'rmseLogistic']) {
      const [lo, hi] = out.ci[k]!;
      expect(lo).toBeLessThanOrEqual(out[k] as number);
      expect(hi).toBeGreaterThanOrEqual(out[k] as number);
    }
    // same seed, same intervals
    expect(
      JSON.parse(
        vqa2(
          'eval',
          project,
          '--run',
          String(runFull),
          '--json',
          '--bootstrap',
          '300',
          '--seed',
          '5',
        ).stdout,
      ).ci,
    ).toEqual(out.ci);
  });

  it('defaults to the latest run and exits 2 when fewer than 3 videos have both values, saying how many each side has', () => {
    const r = vqa2('eval', project, '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(`only 2 video\\(s\\) have both a MOS and a score from run ${runSmall}`),
    );
    expect(r.stderr).toMatch(/list:lab: 200 video\(s\); run \d+: 2 scored video\(s\)/);
  });

  it('names bad input: unknown run, unknown MOS source, bad numbers', () => {
    expect(vqa2('eval', project, '--run', '99')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no model run 99/),
    });
    expect(vqa2('eval', project, '--mos', 'list:x')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no MOS source "list:x".*list:lab/),
    });
    expect(vqa2('eval', project, '--bootstrap', 'many')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--bootstrap must be a whole number/),
    });
    expect(vqa2('eval')).toMatchObject({ code: 1 });
  });

  it('prints a table for people', () => {
    const r = vqa2('eval', project, '--run', String(runFull), '--bootstrap', '50');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/against Rating list “lab” \(scale 1-5\), n = 200/);
    expect(r.stdout).toMatch(new RegExp(`srcc\\s+${data.srcc.toFixed(4)}`));
  });
});
