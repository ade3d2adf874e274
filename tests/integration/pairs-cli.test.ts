// `vqa2 import-pairs` and `vqa2 export` as a user runs them (requires `npm run build`), with real
// clips: clip extraction by stream copy on a key frame and by re-encode elsewhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../helpers/fixtures';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { insertPairs } from '../../src-main/services/pairs/pair-store';
import { runMediaTool } from '../../src-main/services/media/run';
import { runVqa2 } from '../helpers/cli';

const root = path.resolve(__dirname, '../..');
const GOLDEN = path.join(root, 'tests/golden/pairs');
let dir: string;
let project: string;

const vqa2 = (...args: string[]) => runVqa2(path.join(dir, 'home'), args);

async function durationOf(file: string): Promise<number> {
  const r = await runMediaTool('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration',
    '-of',
    'csv=p=0',
    file,
  ]);
  return Number(r.stdout.toString().trim());
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'out', 'main', 'cli.js')))
    throw new Error('The CLI is not built: run `npm run build` first.');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-pairs-cli-'));
  await makeClip({ durationSec: 6, fps: 25, out: path.join(dir, 'videos', 'a.mp4') });
  await makeClip({ durationSec: 2, source: 'mandelbrot', out: path.join(dir, 'videos', 'b.mp4') });
  project = path.join(dir, 'p.vqa2.sqlite');
  expect(vqa2('project', 'create', project).code).toBe(0);
  expect(vqa2('import', project, path.join(dir, 'videos')).code).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('vqa2 import-pairs / export', () => {
  it('exits 2 on a malformed file, naming the item and field, and imports nothing', () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify([
        {
          id: 'x',
          image: 'a.mp4',
          conversations: [
            { from: 'human', value: '<image><image> ok' },
            { from: 'gpt', value: 5 },
          ],
        },
      ]),
    );
    const r = vqa2('import-pairs', project, bad, '--kind', 'llava');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'vqa2: error BAD_INPUT: item 1: conversations[1].value: must be a string, found number',
    );
    expect(vqa2('import-pairs', project, bad, '--kind', 'nope').code).toBe(1);
    const tooSmall = vqa2('import-pairs', project, bad, '--kind', 'llava', '--max-mb', '0');
    expect(tooSmall.code).toBe(1);
    expect(tooSmall.stderr).toMatch(/--max-mb must be a whole number of MiB/);
    // a raised limit still checks the content
    expect(vqa2('import-pairs', project, bad, '--kind', 'llava', '--max-mb', '64').code).toBe(2);
    expect(
      vqa2('export', project, '--format', 'llava', '--out', path.join(dir, 'empty')).stdout,
    ).toMatch(/Exported 0 sample/);
  });

  it('imports a LLaVA file (approved, unmatched reported) and exports it verbatim with the default status', () => {
    const r = vqa2(
      'import-pairs',
      project,
      path.join(GOLDEN, 'llava-input.json'),
      '--kind',
      'llava',
      '--json',
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      imported: number;
      unmatched: { index: number; path: string }[];
    };
    // only a.mp4 and b.mp4 exist in this project
    expect(report.imported).toBe(2);
    expect(report.unmatched.map((u) => u.path)).toEqual(['videos/sub/c.mp4', 'videos/missing.mp4']);
    const out = path.join(dir, 'llava');
    const e = vqa2('export', project, '--format', 'llava', '--out', out, '--json');
    expect(e.code).toBe(0);
    const samples = JSON.parse(fs.readFileSync(path.join(out, 'train.json'), 'utf8')) as {
      id: string;
      conversations: unknown;
    }[];
    const input = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'llava-input.json'), 'utf8')) as {
      id: string;
      conversations: unknown;
    }[];
    expect(samples.map((s) => [s.id, s.conversations])).toEqual(
      input.slice(0, 2).map((s) => [s.id, s.conversations]),
    );
    expect(fs.statSync(path.join(out, 'videos', 'a.mp4')).size).toBe(
      fs.statSync(path.join(dir, 'videos', 'a.mp4')).size,
    );
    expect(JSON.parse(e.stdout)).toMatchObject({ outDir: out, counts: { samples: 2, videos: 2 } });
  });

  it('extracts clips for time-range pairs: stream copy from a key frame, re-encode elsewhere', async () => {
    const store = ProjectStore.open(project);
    const a = (
      store.connection.prepare(`SELECT id FROM videos WHERE name = 'a.mp4'`).get() as { id: number }
    ).id;
    const turns = (q: string) => [
      { from: 'human' as const, value: `<video>\n${q}` },
      { from: 'gpt' as const, value: 'Fine.' },
    ];
    insertPairs(store, [
      {
        uid: 'from-zero',
        videoId: a,
        startSec: 0,
        endSec: 2,
        source: 'manual',
        status: 'draft',
        extra: { style: 'qwen' },
        conversations: turns('Start?'),
      },
      {
        uid: 'mid',
        videoId: a,
        startSec: 1.3,
        endSec: 3.3,
        source: 'manual',
        status: 'draft',
        extra: { style: 'qwen' },
        conversations: turns('Middle?'),
      },
    ]);
    store.close();
    const out = path.join(dir, 'clips');
    const r = vqa2(
      'export',
      project,
      '--format',
      'qwen2.5vl',
      '--out',
      out,
      '--status',
      'draft',
      '--ranges',
      'clip',
      '--json',
    );
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as {
      counts: { clips: number; videos: number };
      settings: { clipModes: Record<string, number> };
    };
    expect(m.counts).toMatchObject({ clips: 2, videos: 0 });
    expect(m.settings.clipModes).toEqual({ copy: 1, reencode: 1 });
    const samples = JSON.parse(fs.readFileSync(path.join(out, 'train.json'), 'utf8')) as {
      video: string;
      conversations: { value: string }[];
    }[];
    expect(samples.map((s) => s.video)).toEqual([
      'videos/clips/from-zero.mp4',
      'videos/clips/mid.mp4',
    ]);
    expect(samples[1]!.conversations[0]!.value).toBe('<video>\nMiddle?');
    expect(await durationOf(path.join(out, 'videos/clips/mid.mp4'))).toBeCloseTo(2, 0);
    expect(await durationOf(path.join(out, 'videos/clips/from-zero.mp4'))).toBeCloseTo(2, 0);
    expect(fs.existsSync(path.join(out, 'videos', 'a.mp4'))).toBe(false);
  });
});
