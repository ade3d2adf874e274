import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioApi } from '../../src-main/api/api';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/server';
import { handleMediaRequest } from '../../src-main/hosts/electron/media-protocol';
import type { ProxyProgress, VideoRow } from '../../src-shared/contract';
import { makeClip } from '../helpers/fixtures';

let dir: string;
let api: StudioApi;
let host: WebHost;
let base: string;
let t: string;
let id: number;
let aviId: number;
let bytes: Buffer;
const progress: ProxyProgress[] = [];

/** A raw GET whose path is sent as written (fetch would normalise `..` away). */
function rawGet(
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: host.port, path: rawPath, method: 'GET', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-serve-'));
  const renderer = path.join(dir, 'renderer');
  fs.mkdirSync(renderer, { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
  const videos = path.join(dir, 'proj', 'videos');
  await makeClip({ codec: 'h264', durationSec: 1, out: path.join(videos, 'a.mp4') });
  await makeClip({ codec: 'mpeg4', durationSec: 1, out: path.join(videos, 'b.avi') });
  api = new StudioApi({
    host: 'web',
    version: 'test',
    home: path.join(dir, 'home'),
    appRoot: process.cwd(),
  });
  api.onEvent((name, payload) => {
    if (name === 'proxy.progress') progress.push(payload as ProxyProgress);
  });
  host = await startWebHost({ api, rendererDir: renderer });
  base = `http://127.0.0.1:${host.port}`;
  t = `token=${host.token}`;
  await api.handlers['project.create']({ path: path.join(dir, 'proj', 'p') });
  await api.handlers['library.import']({ paths: [videos] });
  await api.idle();
  const { rows } = await api.handlers['library.list']({ offset: 0, limit: 10 });
  id = rows.find((r: VideoRow) => r.name === 'a.mp4')!.id;
  aviId = rows.find((r: VideoRow) => r.name === 'b.avi')!.id;
  bytes = fs.readFileSync(path.join(videos, 'a.mp4'));
});

afterAll(async () => {
  await host.close();
  api.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('web host media route', () => {
  it('serves the whole file, and ranges with 206 and the right bytes', async () => {
    const size = bytes.length;
    const whole = await fetch(`${base}/media/${id}?${t}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const mid = await fetch(`${base}/media/${id}?${t}`, { headers: { Range: 'bytes=100-199' } });
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    expect(mid.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await mid.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    const open = await fetch(`${base}/media/${id}?${t}`, {
      headers: { Range: `bytes=${size - 50}-` },
    });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-range')).toBe(`bytes ${size - 50}-${size - 1}/${size}`);
    expect(Buffer.from(await open.arrayBuffer()).equals(bytes.subarray(size - 50))).toBe(true);

    const suffix = await fetch(`${base}/media/${id}?${t}`, { headers: { Range: 'bytes=-30' } });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe(`bytes ${size - 30}-${size - 1}/${size}`);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(size - 30))).toBe(true);

    // an end past the file is clipped to it
    const over = await fetch(`${base}/media/${id}?${t}`, {
      headers: { Range: `bytes=${size - 10}-${size + 1000}` },
    });
    expect(over.status).toBe(206);
    expect(over.headers.get('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    expect((await over.arrayBuffer()).byteLength).toBe(10);
  });

  it('answers 416 for unsatisfiable ranges', async () => {
    const size = bytes.length;
    for (const range of [
      `bytes=${size}-`,
      `bytes=${size + 5}-${size + 10}`,
      'bytes=50-10',
      'bytes=-0',
    ]) {
      const r = await fetch(`${base}/media/${id}?${t}`, { headers: { Range: range } });
      expect(r.status, range).toBe(416);
      expect(r.headers.get('content-range')).toBe(`bytes */${size}`);
    }
  });

  it('answers HEAD with the headers and no body', async () => {
    const head = await fetch(`${base}/media/${id}?${t}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const part = await fetch(`${base}/media/${id}?${t}`, {
      method: 'HEAD',
      headers: { Range: 'bytes=0-9' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-length')).toBe('10');
  });

  it('needs the token, by query or cookie', async () => {
    expect((await fetch(`${base}/media/${id}`)).status).toBe(401);
    expect((await fetch(`${base}/media/${id}?token=nope`)).status).toBe(401);
    expect((await fetch(`${base}/proxy/${aviId}`)).status).toBe(401);
    expect(
      (await fetch(`${base}/media/${id}`, { headers: { Cookie: 'vqa2_token=wrong' } })).status,
    ).toBe(401);
    const viaCookie = await fetch(`${base}/media/${id}`, {
      headers: {
        Cookie: `other=1; vqa2_token=${encodeURIComponent(host.token)}`,
        Range: 'bytes=0-3',
      },
    });
    expect(viaCookie.status).toBe(206);
    expect(Buffer.from(await viaCookie.arrayBuffer()).equals(bytes.subarray(0, 4))).toBe(true);
  });

  it('answers 404 for unknown ids and refuses traversal', async () => {
    expect((await fetch(`${base}/media/424242?${t}`)).status).toBe(404);
    expect((await fetch(`${base}/media/0?${t}`)).status).toBe(404);
    expect((await fetch(`${base}/media/-1?${t}`)).status).toBe(404);
    expect((await fetch(`${base}/media/${id}.0?${t}`)).status).toBe(404);
    expect((await fetch(`${base}/thumb/424242?${t}`)).status).toBe(404);
    const attempts = [
      `/media/..%2f..%2fsecret.txt?${t}`,
      `/media/%2e%2e%2fsecret.txt?${t}`,
      `/media/%2e%2e%2f%2e%2e%2fsecret.txt?${t}`,
      `/media/..%5c..%5csecret.txt?${t}`,
      `/media/../../secret.txt?${t}`,
      `/media/${id}/../../secret.txt?${t}`,
      `/proxy/..%2f..%2fsecret.txt?${t}`,
      `/proxy/%2e%2e?${t}`,
      `/thumb/%2e%2e%2fsecret.txt?${t}`,
      `/media/${id}%00?${t}`,
      `/media/%2fetc%2fpasswd?${t}`,
      `/secret.txt?${t}`,
      `/..%2fsecret.txt?${t}`,
      `/%2e%2e/secret.txt?${t}`,
    ];
    for (const p of attempts) {
      const r = await rawGet(p);
      expect([200, 400, 401, 404], p).toContain(r.status);
      expect(r.body.toString('latin1'), p).not.toContain('do not serve');
      // a path the router does not know falls back to the app page, never to a file outside it
      if (r.status === 200) expect(r.body.toString('utf8'), p).toContain('<title>studio</title>');
    }
  });

  it('serves a proxy only once it is made: 404 before, 206 after', async () => {
    expect((await fetch(`${base}/proxy/${aviId}?${t}`)).status).toBe(404);
    expect((await fetch(`${base}/proxy/424242?${t}`)).status).toBe(404);
    await api.handlers['media.makeProxy']({ videoId: aviId });
    await api.idle();
    expect(progress.filter((p) => p.videoId === aviId).at(-1)).toMatchObject({ status: 'done' });
    const file = path.join(api.project!.cacheDir, 'proxies', `${aviId}.mp4`);
    const proxyBytes = fs.readFileSync(file);
    const r = await fetch(`${base}/proxy/${aviId}?${t}`, { headers: { Range: 'bytes=0-1023' } });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-type')).toBe('video/mp4');
    expect(r.headers.get('content-range')).toBe(`bytes 0-1023/${proxyBytes.length}`);
    expect(Buffer.from(await r.arrayBuffer()).equals(proxyBytes.subarray(0, 1024))).toBe(true);
    // the Electron protocol resolves the same proxy
    const viaProtocol = handleMediaRequest(
      new Request(`vqa2-media://proxy/${aviId}`, { headers: { Range: 'bytes=4-11' } }),
      api.project,
    );
    expect(viaProtocol.status).toBe(206);
    expect(Buffer.from(await viaProtocol.arrayBuffer()).equals(proxyBytes.subarray(4, 12))).toBe(
      true,
    );
    expect(handleMediaRequest(new Request(`vqa2-media://proxy/${id}`), api.project).status).toBe(
      404,
    );
    expect(
      handleMediaRequest(new Request('vqa2-media://proxy/..%2f..%2fsecret.txt'), api.project)
        .status,
    ).toBe(404);
    // a proxy whose sidecar names another source (an id reused after a removal) is not served
    const sidecar = path.join(api.project!.cacheDir, 'proxies', `${aviId}.json`);
    const meta = JSON.parse(fs.readFileSync(sidecar, 'utf8')) as { source: { importedAt: string } };
    fs.writeFileSync(
      sidecar,
      JSON.stringify({ ...meta, source: { ...meta.source, importedAt: 'another time' } }),
    );
    expect((await fetch(`${base}/proxy/${aviId}?${t}`)).status).toBe(404);
    // with no project open nothing is served
    await api.handlers['project.close']({});
    expect((await fetch(`${base}/media/${id}?${t}`)).status).toBe(404);
  });
});
