import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioApi } from '../../src-main/api/api';
import { runMediaTool } from '../../src-main/services/media/run';
import { makeProxy, playabilityOf, proxyDir, proxyPath } from '../../src-main/services/media/proxy';
import type { CallName, MediaInfo, ProxyProgress, VideoRow } from '../../src-shared/contract';
import { makeClip } from '../helpers/fixtures';
import { callApi } from '../helpers/api';

let dir: string;
let api: StudioApi;
const progress: ProxyProgress[] = [];
const ids: Record<string, number> = {};

const call = <T = unknown>(name: CallName, input: unknown) => callApi<T>(api, name, input);

async function probe(file: string) {
  const r = await runMediaTool('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,pix_fmt,width,height,nb_read_frames:format=duration:frame=best_effort_timestamp_time',
    '-of',
    'json',
    `file:${file}`,
  ]);
  expect(r.exitCode).toBe(0);
  const j = JSON.parse(r.stdout.toString('utf8')) as {
    streams: {
      codec_name: string;
      pix_fmt: string;
      width: number;
      height: number;
      nb_read_frames: string;
    }[];
    format: { duration: string };
    frames: { best_effort_timestamp_time: string }[];
  };
  return {
    ...j.streams[0]!,
    frames: Number(j.streams[0]!.nb_read_frames),
    duration: Number(j.format.duration),
    times: j.frames.map((f) => Number(f.best_effort_timestamp_time)),
  };
}

function waitFor(
  videoId: number,
  status: ProxyProgress['status'][] = ['done', 'failed', 'cancelled'],
  timeoutMs = 90_000,
): Promise<ProxyProgress> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      const hit = progress.find((p) => p.videoId === videoId && status.includes(p.status));
      if (hit) resolve(hit);
      else if (Date.now() - t0 > timeoutMs)
        reject(new Error(`no ${status.join('/')} progress for ${videoId}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-proxy-'));
  const videos = path.join(dir, 'videos');
  await makeClip({ codec: 'mpeg4', durationSec: 2, fps: 25, out: path.join(videos, 'old.avi') });
  await makeClip({ codec: 'h264', durationSec: 1, out: path.join(videos, 'web.mp4') });
  await makeClip({
    codec: 'mjpeg',
    durationSec: 1,
    width: 1302,
    height: 734,
    out: path.join(videos, 'wide.mov'),
  });
  // long enough (about 8 s to encode here) to be cancelled mid-way
  await makeClip({
    codec: 'mpeg4',
    durationSec: 12,
    width: 1920,
    height: 1080,
    out: path.join(videos, 'long.avi'),
  });
  api = new StudioApi({
    host: 'web',
    version: 'test',
    home: path.join(dir, 'home'),
    appRoot: process.cwd(),
  });
  api.onEvent((name, payload) => {
    if (name === 'proxy.progress') progress.push(payload as ProxyProgress);
  });
  await call('project.create', { path: path.join(dir, 'p') });
  await call('library.import', { paths: [videos] });
  await api.idle();
  const { rows } = await call<{ rows: VideoRow[] }>('library.list', { offset: 0, limit: 10 });
  for (const r of rows) ids[r.name] = r.id;
  expect(Object.keys(ids).sort()).toEqual(['long.avi', 'old.avi', 'web.mp4', 'wide.mov']);
});

afterAll(() => {
  api.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('playability', () => {
  it('knows what Chromium plays', () => {
    const s = (codec_name: string, pix_fmt = 'yuv420p') => ({
      streams: [{ codec_type: 'video', codec_name, pix_fmt, width: 640, height: 360 }],
    });
    const mp4 = { format_name: 'mov,mp4,m4a,3gp,3g2,mj2' };
    const mkv = { format_name: 'matroska,webm' };
    expect(playabilityOf({ ...s('h264'), format: mp4 }, 'a.mp4').playable).toBe(true);
    expect(playabilityOf({ ...s('av1'), format: mp4 }, 'a.mp4').playable).toBe(true);
    expect(playabilityOf({ ...s('vp9'), format: mkv }, 'a.webm').playable).toBe(true);
    expect(playabilityOf({ ...s('vp8'), format: mkv }, 'a.webm').playable).toBe(true);
    expect(playabilityOf({ ...s('h264'), format: mkv }, 'a.mkv')).toMatchObject({
      playable: false,
      reason: expect.stringMatching(/Matroska/),
    });
    expect(playabilityOf({ ...s('hevc'), format: mp4 }, 'a.mp4')).toMatchObject({
      playable: false,
      reason: expect.stringMatching(/HEVC/),
    });
    expect(playabilityOf({ ...s('prores', 'yuv422p10le'), format: mp4 }, 'a.mov')).toMatchObject({
      playable: false,
      reason: expect.stringMatching(/ProRes/),
    });
    expect(playabilityOf({ ...s('h264', 'yuv420p10le'), format: mp4 }, 'a.mp4')).toMatchObject({
      playable: false,
      reason: expect.stringMatching(/high bit depth/),
    });
    expect(playabilityOf({ ...s('h264', 'yuv444p'), format: mp4 }, 'a.mp4')).toMatchObject({
      playable: false,
      reason: expect.stringMatching(/chroma/),
    });
    expect(playabilityOf({ ...s('h264'), format: { format_name: 'avi' } }, 'a.avi')).toMatchObject({
      playable: false,
      reason: expect.stringMatching(/AVI/),
    });
    expect(
      playabilityOf({ ...s('h264'), format: { format_name: 'mpegts' } }, 'a.ts').playable,
    ).toBe(false);
  });
});

describe('proxies', () => {
  it('an H.264 mp4 plays without a proxy', async () => {
    const info = await call<MediaInfo>('media.info', { videoId: ids['web.mp4'] });
    expect(info).toEqual({ videoId: ids['web.mp4'], playable: true, reason: null, proxy: null });
  });

  it('makes an H.264 proxy of an MPEG-4 Part 2 AVI with progress, frame-exact timing, and reuses it', async () => {
    const id = ids['old.avi']!;
    const before = await call<MediaInfo>('media.info', { videoId: id });
    expect(before.playable).toBe(false);
    expect(before.reason).toMatch(/MPEG-4 Part 2 in AVI/);
    expect(before.proxy).toEqual({ ready: false, width: 320, height: 240, codec: 'h264' });

    expect(await call('media.makeProxy', { videoId: id })).toEqual({ started: true });
    const end = await waitFor(id);
    expect(end).toMatchObject({ status: 'done', fraction: 1, error: null });
    const mine = progress.filter((p) => p.videoId === id);
    expect(mine[0]).toMatchObject({ status: 'running', fraction: 0 });
    const fractions = mine.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));

    const after = await call<MediaInfo>('media.info', { videoId: id });
    expect(after.proxy).toEqual({ ready: true, width: 320, height: 240, codec: 'h264' });

    const file = proxyPath(api.project!, id);
    expect(file).toBe(path.join(api.project!.cacheDir, 'proxies', `${id}.mp4`));
    const src = await probe(path.join(dir, 'videos', 'old.avi'));
    const px = await probe(file);
    expect(src.codec_name).toBe('mpeg4');
    expect(px).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: 320, height: 240 });
    expect(px.frames).toBe(src.frames);
    expect(px.frames).toBe(50);
    expect(px.duration).toBeCloseTo(src.duration, 3);
    // every frame at the same time as in the source
    expect(px.times).toHaveLength(src.times.length);
    px.times.forEach((t, i) => expect(t).toBeCloseTo(src.times[i]!, 3));
    // faststart: the index comes before the media data
    const head = fs
      .readFileSync(file)
      .subarray(0, 64 * 1024)
      .toString('latin1');
    expect(head.indexOf('moov')).toBeGreaterThan(0);
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat'));
    expect(fs.readdirSync(proxyDir(api.project!)).filter((n) => n.endsWith('.part'))).toEqual([]);

    // reused: no new ffmpeg run, an immediate done
    const mtime = fs.statSync(file).mtimeMs;
    progress.length = 0;
    expect(await call('media.makeProxy', { videoId: id })).toEqual({ started: false });
    expect(progress).toEqual([
      { videoId: id, status: 'done', fraction: 1, etaSec: 0, error: null },
    ]);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
  });

  it('scales wide sources to 1280 px keeping the aspect with even sizes', async () => {
    const id = ids['wide.mov']!;
    const info = await call<MediaInfo>('media.info', { videoId: id });
    expect(info).toMatchObject({
      playable: false,
      proxy: { ready: false, width: 1280, height: 722 },
    });
    await call('media.makeProxy', { videoId: id });
    expect(await waitFor(id)).toMatchObject({ status: 'done' });
    const px = await probe(proxyPath(api.project!, id));
    expect(px).toMatchObject({
      codec_name: 'h264',
      pix_fmt: 'yuv420p',
      width: 1280,
      height: 722,
      frames: 25,
    });
    expect((await call<MediaInfo>('media.info', { videoId: id })).proxy).toEqual({
      ready: true,
      width: 1280,
      height: 722,
      codec: 'h264',
    });
  });

  it('cancels mid-way without leaving a partial file', async () => {
    const store = api.project!;
    const video = store.getVideo(ids['long.avi']!)!;
    const controller = new AbortController();
    const seen: number[] = [];
    const run = makeProxy(store, video, {
      durationSec: video.durationSec,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.fraction);
        if (p.fraction > 0) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'MEDIA_ABORTED' });
    expect(seen.some((f) => f > 0 && f < 1)).toBe(true);
    const left = fs.readdirSync(proxyDir(store)).filter((n) => n.startsWith(`${video.id}.`));
    expect(left).toEqual([]);
  });

  it('closing the project cancels a running proxy and removes its temp file', async () => {
    const id = ids['long.avi']!;
    const cache = api.project!.cacheDir;
    progress.length = 0;
    expect(await call('media.makeProxy', { videoId: id })).toEqual({ started: true });
    expect((await call<MediaInfo>('media.info', { videoId: id })).proxy).toMatchObject({
      ready: false,
      width: 1280,
      height: 720,
    });
    await waitFor(id, ['running']);
    await new Promise((r) => setTimeout(r, 700));
    await call('project.close', {});
    expect(await waitFor(id, ['cancelled', 'done', 'failed'])).toMatchObject({
      status: 'cancelled',
    });
    await api.idle();
    expect(
      fs.readdirSync(path.join(cache, 'proxies')).filter((n) => n.startsWith(`${id}.`)),
    ).toEqual([]);
  });
});
