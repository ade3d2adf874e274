// The media.thumbStrip call: one JPEG sprite per video, made on the first call and cached, served
// by the web host's /strip route with the token (404 until made), removed with the video.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioApi } from '../../src-main/api/api';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/server';
import { runMediaTool } from '../../src-main/services/media/run';
import { stripArgs, stripLayout, stripPath } from '../../src-main/services/media/thumb-strip';
import type { CallName, ThumbStrip, VideoRow } from '../../src-shared/contract';
import { makeClip } from '../helpers/fixtures';
import { callApi } from '../helpers/api';

let dir: string;
let api: StudioApi;
let host: WebHost;
let base: string;
const ids: Record<string, number> = {};

const call = <T = unknown>(name: CallName, input: unknown) => callApi<T>(api, name, input);

async function imageSize(file: string): Promise<{ width: number; height: number; codec: string }> {
  const r = await runMediaTool('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=width,height,codec_name',
    '-of',
    'json',
    `file:${file}`,
  ]);
  expect(r.exitCode).toBe(0);
  const s = (
    JSON.parse(r.stdout.toString('utf8')) as {
      streams: { width: number; height: number; codec_name: string }[];
    }
  ).streams[0]!;
  return { width: s.width, height: s.height, codec: s.codec_name };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-strip-'));
  const renderer = path.join(dir, 'renderer');
  fs.mkdirSync(renderer, { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  const videos = path.join(dir, 'videos');
  await makeClip({ codec: 'h264', durationSec: 6, fps: 25, out: path.join(videos, 'six.mp4') });
  await makeClip({
    codec: 'h264',
    durationSec: 23,
    fps: 10,
    width: 320,
    height: 240,
    out: path.join(videos, 'long.mp4'),
  });
  api = new StudioApi({
    host: 'web',
    version: 'test',
    home: path.join(dir, 'home'),
    appRoot: process.cwd(),
  });
  host = await startWebHost({ api, rendererDir: renderer });
  base = `http://127.0.0.1:${host.port}`;
  await call('project.create', { path: path.join(dir, 'p') });
  await call('library.import', { paths: [videos] });
  await api.idle();
  const { rows } = await call<{ rows: VideoRow[] }>('library.list', { offset: 0, limit: 10 });
  for (const r of rows) ids[r.name] = r.id;
});

afterAll(async () => {
  await host.close();
  api.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('thumbnail strip layout', () => {
  it('spaces min(120, ceil(duration)) tiles evenly, 10 per row', () => {
    expect(stripLayout(6)).toEqual({ count: 6, intervalSec: 1, columns: 6, rows: 1 });
    expect(stripLayout(23)).toEqual({ count: 23, intervalSec: 1, columns: 10, rows: 3 });
    expect(stripLayout(7200)).toEqual({ count: 120, intervalSec: 60, columns: 10, rows: 12 });
    expect(stripLayout(2.5).count).toBe(3);
  });

  it('decodes only keyframes for long videos, every frame for short ones', () => {
    expect(stripArgs('/a.mp4', '/o.jpg', stripLayout(60), 60)).not.toContain('nokey');
    const long = stripArgs('/a.mp4', '/o.jpg', stripLayout(7200), 7200);
    expect(long.slice(0, long.indexOf('-i'))).toContain('nokey');
    expect(long).toContain('fps=1/60.000000,scale=160:-2,tile=10x12');
  });
});

describe('media.thumbStrip', () => {
  it('makes the strip of a 6 s clip: 6 tiles 1 s apart, a JPEG of columns × 160 by rows × tileHeight', async () => {
    const t0 = Date.now();
    const s = await call<ThumbStrip>('media.thumbStrip', { videoId: ids['six.mp4'] });
    console.log(`[thumb strip] 6 s clip: ${Date.now() - t0} ms`);
    expect(s).toEqual({
      ready: true,
      count: 6,
      intervalSec: 6 / 6,
      tileWidth: 160,
      tileHeight: expect.any(Number) as number,
      columns: 6,
    });
    const size = await imageSize(stripPath(api.project!, ids['six.mp4']!));
    expect(size.codec).toBe('mjpeg');
    expect(size.width).toBe(s.columns * 160);
    expect(size.height).toBe(Math.ceil(s.count / s.columns) * s.tileHeight);
  });

  it('lays out several rows for a longer clip', async () => {
    const s = await call<ThumbStrip>('media.thumbStrip', { videoId: ids['long.mp4'] });
    expect(s.count).toBe(23);
    expect(s.intervalSec).toBeCloseTo(1, 2);
    expect(s.columns).toBe(10);
    expect(s.tileHeight).toBe(120); // 320×240 scaled to 160 wide
    const size = await imageSize(stripPath(api.project!, ids['long.mp4']!));
    expect(size).toMatchObject({ width: 1600, height: 3 * 120 });
  });

  it('answers from the cache the second time, and one run serves concurrent calls', async () => {
    const file = stripPath(api.project!, ids['six.mp4']!);
    const mtime = fs.statSync(file).mtimeMs;
    const [a, b] = await Promise.all([
      call<ThumbStrip>('media.thumbStrip', { videoId: ids['six.mp4'] }),
      call<ThumbStrip>('media.thumbStrip', { videoId: ids['six.mp4'] }),
    ]);
    expect(a).toEqual(b);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
    expect(fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.part'))).toEqual([]);
  });

  it('serves the sprite at /strip/<id> with the token, and refuses without it or for unknown ids', async () => {
    const t = `token=${host.token}`;
    const ok = await fetch(`${base}/strip/${ids['six.mp4']}?${t}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/jpeg');
    const body = Buffer.from(await ok.arrayBuffer());
    expect(body.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).toBe(true);
    expect((await fetch(`${base}/strip/${ids['six.mp4']}`)).status).toBe(401);
    expect((await fetch(`${base}/strip/99999?${t}`)).status).toBe(404);
    expect((await fetch(`${base}/strip/..%2F1?${t}`)).status).toBe(404);
  });

  it('fails with a code for an unknown video', async () => {
    await expect(call('media.thumbStrip', { videoId: 99999 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('removes the strip with its video', async () => {
    const id = ids['long.mp4']!;
    const file = stripPath(api.project!, id);
    expect(fs.existsSync(file)).toBe(true);
    await call('library.remove', { ids: [id] });
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(file.replace(/\.jpg$/, '.json'))).toBe(false);
  });
});
