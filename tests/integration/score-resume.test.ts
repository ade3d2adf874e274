// A score job killed with SIGKILL mid-run resumes when the project is reopened, and no committed
// score is lost or duplicated. Uses the built CLI (npm run build) as a real separate process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../helpers/fixtures';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin', 'vqa2.js');
let dir: string;
let project: string;

function count(sql: string): number {
  const db = new Database(project, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-resume-'));
  project = path.join(dir, 'p.vqa2.sqlite');
  for (let i = 0; i < 6; i++) {
    await makeClip({
      durationSec: 4 + i,
      width: 320,
      height: 180,
      out: path.join(dir, 'videos', `clip${i}.mp4`),
    });
  }
  expect(spawnSync(process.execPath, [bin, 'project', 'create', project]).status).toBe(0);
  expect(
    spawnSync(process.execPath, [bin, 'import', project, path.join(dir, 'videos')]).status,
  ).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('score job resume after SIGKILL', () => {
  it('keeps committed results, resumes the rest, and duplicates nothing', async () => {
    const child = spawn(process.execPath, [bin, 'score', project, '--pack', 'p1203-mode0'], {
      stdio: 'ignore',
    });
    const t0 = Date.now();
    // kill it as soon as at least two videos are committed, while others are still pending
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      let done = 0;
      try {
        done = count('SELECT count(*) AS n FROM video_scores');
      } catch {
        // schema not there yet
      }
      if (done >= 2) break;
      if (Date.now() - t0 > 90_000) throw new Error('scoring made no progress');
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const committed = count('SELECT count(*) AS n FROM video_scores');
    expect(committed).toBeGreaterThanOrEqual(2);
    expect(committed).toBeLessThan(6);
    expect(count(`SELECT count(*) AS n FROM jobs WHERE status = 'running'`)).toBe(1);
    // the killed process left its lock behind; the next open takes it over as stale
    const again = spawnSync(
      process.execPath,
      [bin, 'score', project, '--pack', 'p1203-mode0', '--json'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(again.stderr).toMatch(/Resuming unfinished score job/);
    expect(again.status).toBe(0);
    const results = JSON.parse(again.stdout) as {
      path: string;
      status: string;
      videoScore: number;
      segments: unknown[];
    }[];
    expect(results).toHaveLength(6);
    expect(results.every((r) => r.status === 'ok' && r.videoScore > 0 && r.videoScore <= 1)).toBe(
      true,
    );
    // one run, one score per video, segments unique, job done
    expect(count('SELECT count(*) AS n FROM model_runs')).toBe(1);
    expect(count('SELECT count(*) AS n FROM video_scores')).toBe(6);
    expect(
      count(
        'SELECT count(*) AS n FROM (SELECT video_id, idx FROM segment_scores GROUP BY run_id, video_id, idx HAVING count(*) > 1)',
      ),
    ).toBe(0);
    expect(count(`SELECT count(*) AS n FROM jobs WHERE status = 'done'`)).toBe(1);
    expect(count(`SELECT count(*) AS n FROM job_items WHERE status != 'done'`)).toBe(0);
  });
});

describe('built-in pack: resume inside a video', () => {
  it('continues from the next uncommitted segment after SIGKILL, with no gap and no duplicate', async () => {
    const long = path.join(dir, 'long', 'long.mp4');
    await makeClip({ durationSec: 60, width: 320, height: 180, out: long });
    const p2 = path.join(dir, 'p2.vqa2.sqlite');
    expect(spawnSync(process.execPath, [bin, 'project', 'create', p2]).status).toBe(0);
    expect(spawnSync(process.execPath, [bin, 'import', p2, long]).status).toBe(0);
    const q = (sql: string) => {
      const db = new Database(p2, { readonly: true });
      try {
        return (db.prepare(sql).get() as { n: number }).n;
      } catch {
        return 0;
      } finally {
        db.close();
      }
    };
    const child = spawn(process.execPath, [bin, 'score', p2, '--ep', 'cpu'], { stdio: 'ignore' });
    const t0 = Date.now();
    while (q('SELECT count(*) AS n FROM segment_scores') < 8) {
      await new Promise((r) => setTimeout(r, 50));
      if (Date.now() - t0 > 90_000) throw new Error('scoring made no progress');
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = q('SELECT count(*) AS n FROM segment_scores');
    expect(before).toBeGreaterThanOrEqual(8);
    expect(before).toBeLessThan(30);
    expect(q('SELECT count(*) AS n FROM video_scores')).toBe(0);

    const again = spawnSync(process.execPath, [bin, 'score', p2, '--json'], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/Resuming unfinished score job/);
    const [result] = JSON.parse(again.stdout) as {
      segments: { startSec: number; endSec: number; score: number }[];
      videoScore: number;
      provider: string;
      level: string;
    }[];
    expect(result!.segments).toHaveLength(30);
    result!.segments.forEach((s, i) => {
      expect(s.startSec).toBe(i * 2);
      expect(s.score).toBeGreaterThan(0);
    });
    expect(result!.provider).toBe('cpu');
    expect(['high', 'good', 'fair', 'poor', 'low']).toContain(result!.level);
    expect(q('SELECT count(*) AS n FROM segment_scores')).toBe(30);
    expect(q('SELECT count(DISTINCT idx) AS n FROM segment_scores')).toBe(30);
    expect(q('SELECT count(*) AS n FROM video_scores')).toBe(1);
  });

  it('scores plain video files without a project, in the documented JSON shape', () => {
    const r = spawnSync(
      process.execPath,
      [
        bin,
        'score',
        path.join(dir, 'videos', 'clip0.mp4'),
        path.join(dir, 'videos', 'clip1.mp4'),
        '--json',
        '--ep',
        'cpu',
      ],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(out.map((o) => o.path)).toEqual([
      path.join(dir, 'videos', 'clip0.mp4'),
      path.join(dir, 'videos', 'clip1.mp4'),
    ]);
    for (const o of out) {
      expect(o).toMatchObject({
        status: 'ok',
        provider: 'cpu',
        level: expect.stringMatching(/^(high|good|fair|poor|low)$/),
      });
      const probs = o.levelProbs as Record<string, number>;
      expect(Object.keys(probs).sort()).toEqual(['fair', 'good', 'high', 'low', 'poor']);
      expect(Object.values(probs).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
    // 4 s and 5 s clips at 2 s per segment → 2 and 3 segments
    expect(out.map((o) => (o.segments as unknown[]).length)).toEqual([2, 3]);
  });
});
