// How ffmpeg/ffprobe are found: env override → ffmpeg-static → PATH, and the errors when they are not.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { MediaError } from '../../src-main/services/media/errors';
import { clearMediaToolsCache, resolveMediaTools } from '../../src-main/services/media/ffmpeg-path';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-ffpath-'));

function fakeExe(dir: string, name: string, mode = 0o755): string {
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, name);
  fs.writeFileSync(p, '#!/bin/sh\nexit 0\n', { mode });
  fs.chmodSync(p, mode);
  return p;
}

function catchError(fn: () => unknown): MediaError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MediaError);
    return e as MediaError;
  }
  throw new Error('expected a MediaError');
}

// ffmpeg-static is an optional dependency that is not installed here, so it never answers.
describe.skipIf(process.platform === 'win32')('resolveMediaTools', () => {
  beforeEach(() => clearMediaToolsCache());
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('uses FFMPEG_PATH and FFPROBE_PATH when they point at executables', () => {
    const ffmpeg = fakeExe(path.join(tmp, 'env-a'), 'my-ffmpeg');
    const ffprobe = fakeExe(path.join(tmp, 'env-b'), 'my-ffprobe');
    const onPath = path.join(tmp, 'path-ignored');
    fakeExe(onPath, 'ffmpeg');
    fakeExe(onPath, 'ffprobe');
    expect(resolveMediaTools({ FFMPEG_PATH: ffmpeg, FFPROBE_PATH: ffprobe, PATH: onPath })).toEqual(
      {
        ffmpeg,
        ffprobe,
        source: 'env',
      },
    );
  });

  it('takes ffprobe from beside FFMPEG_PATH when only FFMPEG_PATH is set', () => {
    const dir = path.join(tmp, 'env-pair');
    const ffmpeg = fakeExe(dir, 'ffmpeg');
    const ffprobe = fakeExe(dir, 'ffprobe');
    expect(resolveMediaTools({ FFMPEG_PATH: ffmpeg, PATH: '' })).toEqual({
      ffmpeg,
      ffprobe,
      source: 'env',
    });
  });

  it('refuses an env path that does not exist, naming the variable', () => {
    const missing = path.join(tmp, 'nope', 'ffprobe');
    const err = catchError(() => resolveMediaTools({ FFPROBE_PATH: missing, PATH: '' }));
    expect(err.code).toBe('FFMPEG_PATH_INVALID');
    expect(err.message).toContain('FFPROBE_PATH');
    expect(err.message).toContain(missing);
    expect(err.message).toMatch(/does not exist/);
  });

  it('refuses an env path that is not executable', () => {
    const notExec = fakeExe(path.join(tmp, 'noexec'), 'ffmpeg', 0o644);
    const err = catchError(() => resolveMediaTools({ FFMPEG_PATH: notExec, PATH: '' }));
    expect(err.code).toBe('FFMPEG_PATH_INVALID');
    expect(err.message).toMatch(/FFMPEG_PATH .* is not an executable file/);
  });

  it('searches PATH in order and skips entries that are not executable', () => {
    const first = path.join(tmp, 'p1');
    const second = path.join(tmp, 'p2');
    fakeExe(first, 'ffmpeg', 0o644); // present but not executable: must be passed over
    const ffprobe = fakeExe(first, 'ffprobe');
    const ffmpeg = fakeExe(second, 'ffmpeg');
    fakeExe(second, 'ffprobe');
    const PATH = [path.join(tmp, 'absent'), first, second].join(path.delimiter);
    expect(resolveMediaTools({ PATH })).toEqual({ ffmpeg, ffprobe, source: 'PATH' });
  });

  it('caches per environment', () => {
    const dir = path.join(tmp, 'cache');
    fakeExe(dir, 'ffmpeg');
    fakeExe(dir, 'ffprobe');
    const env = { PATH: dir };
    const a = resolveMediaTools(env);
    fs.rmSync(dir, { recursive: true });
    expect(resolveMediaTools(env)).toBe(a);
    expect(() => resolveMediaTools({ PATH: path.join(tmp, 'other') })).toThrow(MediaError);
  });

  it('names all three options when nothing is found', () => {
    const err = catchError(() => resolveMediaTools({ PATH: path.join(tmp, 'empty') }));
    expect(err.code).toBe('FFMPEG_NOT_FOUND');
    expect(err.message).toMatch(/ffmpeg and ffprobe/);
    expect(err.message).toMatch(/FFMPEG_PATH/);
    expect(err.message).toMatch(/FFPROBE_PATH/);
    expect(err.message).toMatch(/ffmpeg-static/);
    expect(err.message).toMatch(/PATH \(e\.g\. apt-get install ffmpeg/);
  });

  it('names only the missing tool when one of the two is found', () => {
    const dir = path.join(tmp, 'only-ffmpeg');
    fakeExe(dir, 'ffmpeg');
    const err = catchError(() => resolveMediaTools({ PATH: dir }));
    expect(err.message).toMatch(/^Could not find ffprobe\./);
  });
});
