// Runs the built `vqa2` binary as a user would (requires `npm run build`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../helpers/fixtures';
import { runVqa2 } from '../helpers/cli';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin', 'vqa2.js');
let dir: string;

const vqa2 = (...args: string[]) => runVqa2(path.join(dir, 'home'), args);

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'out', 'main', 'cli.js'))) {
    throw new Error('The CLI is not built: run `npm run build` first (npm test does).');
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-cli-'));
  await makeClip({ durationSec: 1, out: path.join(dir, 'videos', 'one.mp4') });
  await makeClip({
    durationSec: 2,
    codec: 'vp9',
    source: 'mandelbrot',
    out: path.join(dir, 'videos', 'sub', 'two.webm'),
  });
  fs.writeFileSync(path.join(dir, 'videos', 'notes.mp4'), 'just some text, not a video\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('vqa2 CLI', () => {
  it('prints help, and exits 1 on usage errors with one line on stderr', () => {
    expect(vqa2('--help')).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/vqa2 import <project>/),
    });
    const bad = vqa2('frobnicate');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^vqa2: error USAGE: unknown command "frobnicate"/);
    expect(vqa2('import').code).toBe(1);
  });

  it('creates a project, imports a folder and lists it as JSON with the stable fields', () => {
    const created = vqa2('project', 'create', path.join(dir, 'p'));
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toBe(path.join(dir, 'p.vqa2.sqlite'));
    expect(vqa2('project', 'create', path.join(dir, 'p'))).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/PROJECT_EXISTS/),
    });

    const imported = vqa2(
      'import',
      path.join(dir, 'p.vqa2.sqlite'),
      path.join(dir, 'videos'),
      '--json',
    );
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      added: 2,
      failed: 1,
      skipped: 0,
      cancelled: false,
    });

    const listed = vqa2('list', path.join(dir, 'p.vqa2.sqlite'), '--json');
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(
        [
          'codec',
          'durationSec',
          'error',
          'fps',
          'height',
          'id',
          'path',
          'status',
          'videoScore',
          'width',
          'runId',
          'level',
          'mos',
          'predictedMos',
        ].sort(),
      );
    }
    const byName = Object.fromEntries(rows.map((r) => [path.basename(String(r.path)), r]));
    expect(byName['one.mp4']).toMatchObject({
      status: 'ok',
      codec: 'h264',
      width: 320,
      height: 240,
      error: null,
    });
    expect(byName['two.webm']).toMatchObject({
      status: 'ok',
      codec: 'vp9',
      path: path.join(dir, 'videos', 'sub', 'two.webm'),
    });
    expect(byName['notes.mp4']).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/not a video|could not recognise/i),
    });

    const table = vqa2('list', path.join(dir, 'p.vqa2.sqlite'));
    expect(table.stdout).toMatch(/one\.mp4\s+ok\s+0:01\.0\s+320x240/);
  });

  it('exits 2 naming the file for a missing or invalid project', () => {
    const missing = vqa2('list', path.join(dir, 'nope.vqa2.sqlite'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/PROJECT_NOT_FOUND: No project at .*nope\.vqa2\.sqlite/);
    fs.writeFileSync(path.join(dir, 'junk.vqa2.sqlite'), 'x'.repeat(5000));
    expect(vqa2('import', path.join(dir, 'junk.vqa2.sqlite'), dir)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/PROJECT_INVALID/),
    });
  });

  it('refuses a second writer process with a clear message while `serve` holds the project', async () => {
    const project = path.join(dir, 'p.vqa2.sqlite');
    const server = spawn(process.execPath, [bin, 'serve', project, '--port', '0'], {
      env: { ...process.env, VQA2_HOME: path.join(dir, 'home') },
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (d) => {
          out += d;
          const m = /VQA2_URL (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        server.on('exit', (c) => reject(new Error(`serve exited ${c}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      const second = vqa2('import', project, path.join(dir, 'videos'));
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(
        /PROJECT_LOCKED: .*open for writing by another process \(pid \d+/,
      );
      // read-only listing still works while the studio has it open
      expect(vqa2('list', project, '--json').code).toBe(0);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    // a clean shutdown releases the lock
    expect(fs.existsSync(`${project}.lock`)).toBe(false);
  });
});
