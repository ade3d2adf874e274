// Posters for many files from one ffmpeg run, with the single-file path as the fallback that
// names why a file has no poster.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePosterThumbnails } from '../../src-main/services/media/thumbnail-batch';
import { runMediaTool } from '../../src-main/services/media/run';
import { makeFixtureSet, type FixtureSet } from '../helpers/fixtures';

let fixtures: FixtureSet;
let tmp: string;

beforeAll(async () => {
  fixtures = await makeFixtureSet();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-posters-'));
}, 120_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function jpegWidth(file: string): Promise<number> {
  const r = await runMediaTool('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=width',
    '-of',
    'csv=p=0',
    file,
  ]);
  return Number(r.stdout.toString().trim());
}

describe('batched posters', () => {
  it('makes a 320 px poster for every good clip in one batch', async () => {
    const jobs = fixtures.good.map((g, i) => ({
      absPath: g.path,
      outJpg: path.join(tmp, 'good', `${i}.jpg`),
      durationSec: 2,
    }));
    const outcomes = await makePosterThumbnails(jobs);
    expect(outcomes).toEqual(jobs.map(() => ({ ok: true })));
    for (const j of jobs) expect(await jpegWidth(j.outJpg)).toBe(320);
    expect(fs.readdirSync(path.join(tmp, 'good')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('gives good clips their posters and broken files a reason when both are in one batch', async () => {
    const all = [...fixtures.good, ...fixtures.broken];
    const jobs = all.map((f, i) => ({
      absPath: f.path,
      outJpg: path.join(tmp, 'mixed', `${i}.jpg`),
      durationSec: 2,
    }));
    const outcomes = await makePosterThumbnails(jobs);
    outcomes.forEach((o, i) => {
      const good = i < fixtures.good.length;
      expect(o.ok, all[i]!.name).toBe(good);
      expect(fs.existsSync(jobs[i]!.outJpg), all[i]!.name).toBe(good);
      if (!o.ok) expect(o.reason.length, all[i]!.name).toBeGreaterThan(10);
    });
    expect(fs.readdirSync(path.join(tmp, 'mixed')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 120_000);
});
