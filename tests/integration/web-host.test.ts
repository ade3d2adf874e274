import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioApi } from '../../src-main/api/api';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/server';
import { makeClip } from '../helpers/fixtures';

let dir: string;
let api: StudioApi;
let host: WebHost;
let base: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-web-'));
  const renderer = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
  api = new StudioApi({ host: 'web', version: 'test', home: path.join(dir, 'home') });
  host = await startWebHost({ api, rendererDir: renderer });
  base = `http://127.0.0.1:${host.port}`;
});

afterAll(async () => {
  await host.close();
  api.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Reply = {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
};

function connect(query = `?token=${host.token}`): Promise<{
  call: (name: string, input: unknown) => Promise<Reply>;
  events: { event: string; payload: Record<string, unknown> }[];
  close: () => void;
}> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api${query}`);
    const waiting = new Map<number, (r: Reply) => void>();
    const events: { event: string; payload: Record<string, unknown> }[] = [];
    let next = 1;
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      if ('event' in m) events.push(m);
      else waiting.get(m.id)?.(m);
    });
    ws.on('open', () =>
      resolve({
        call: (name, input) =>
          new Promise((r) => {
            const id = next++;
            waiting.set(id, r);
            ws.send(JSON.stringify({ id, call: name, input }));
          }),
        events,
        close: () => ws.close(),
      }),
    );
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('web host', () => {
  it('listens on 127.0.0.1 only and prints a token URL', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('answers 401 without the token, and sets an HttpOnly cookie with it', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(401);
    const ok = await fetch(`${base}/?token=${host.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    const viaCookie = await fetch(`${base}/assets/app.js`, {
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(viaCookie.status).toBe(200);
    expect(await viaCookie.text()).toBe('console.log(1)');
  });

  it('never serves files outside the renderer folder', async () => {
    const r = await fetch(`${base}/..%2fsecret.txt?token=${host.token}`);
    expect(await r.text()).not.toMatch(/do not serve/);
  });

  it('refuses the WebSocket without the token or from another origin', async () => {
    await expect(connect('')).rejects.toThrow(/401/);
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, {
          origin: 'http://evil.example',
        });
        ws.on('open', resolve);
        ws.on('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      }),
    ).rejects.toThrow(/401/);
  });

  it('carries calls, schema errors and events; serves project media with ranges', async () => {
    const c = await connect();
    expect(await c.call('library.list', { offset: -5, limit: 1 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(await c.call('no.such', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CALL' },
    });
    const created = await c.call('project.create', { path: path.join(dir, 'proj') });
    expect(created).toMatchObject({ ok: true, result: { name: 'proj' } });

    const videos = path.join(dir, 'videos');
    await makeClip({ durationSec: 1, out: path.join(videos, 'a.mp4') });
    await makeClip({ durationSec: 2, out: path.join(videos, 'nested', 'b.mp4') });
    const started = (await c.call('library.import', { paths: [videos] })) as Reply & {
      result: { jobId: string };
    };
    expect(started.ok).toBe(true);
    await api.idle();
    await new Promise((r) => setTimeout(r, 100));
    const done = c.events.find((e) => e.event === 'import.done');
    expect(done?.payload).toMatchObject({ jobId: started.result.jobId, added: 2, failed: 0 });
    expect(c.events.some((e) => e.event === 'import.progress')).toBe(true);

    const list = (await c.call('library.list', {
      offset: 0,
      limit: 10,
      sort: { column: 'durationSec', desc: true },
    })) as Reply & {
      result: {
        total: number;
        rows: { id: number; name: string; path: string; hasThumb: boolean }[];
      };
    };
    expect(list.result.total).toBe(2);
    expect(list.result.rows.map((r) => r.name)).toEqual(['b.mp4', 'a.mp4']);
    expect(list.result.rows[0]!.path).toBe('videos/nested/b.mp4');

    const id = list.result.rows[1]!.id;
    const size = fs.statSync(path.join(videos, 'a.mp4')).size;
    const part = await fetch(`${base}/media/${id}?token=${host.token}`, {
      headers: { Range: 'bytes=0-99' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${size}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const thumb = await fetch(`${base}/thumb/${id}?token=${host.token}`);
    expect(thumb.status).toBe(200);
    expect(Buffer.from(await thumb.arrayBuffer()).subarray(0, 2)).toEqual(
      Buffer.from([0xff, 0xd8]),
    );
    expect((await fetch(`${base}/media/${id}`)).status).toBe(401);
    expect((await fetch(`${base}/media/424242?token=${host.token}`)).status).toBe(404);
    expect((await fetch(`${base}/media/..%2f..%2fsecret.txt?token=${host.token}`)).status).toBe(
      404,
    );

    // browser drag-and-drop uploads land in the project's uploads/ folder, nowhere else
    const body = fs.readFileSync(path.join(videos, 'a.mp4'));
    const put = await fetch(`${base}/upload/dropped/a%20copy.mp4?token=${host.token}`, {
      method: 'PUT',
      body,
    });
    expect(put.status).toBe(201);
    const saved = ((await put.json()) as { path: string }).path;
    expect(saved).toBe(path.join(dir, 'uploads', 'dropped', 'a copy.mp4'));
    expect(fs.readFileSync(saved).equals(body)).toBe(true);
    for (const bad of ['..%2Fescape.mp4', '.hidden.mp4', 'a/%2E%2E%2Fb.mp4', 'a%5C..%5Cb.mp4']) {
      expect(
        (await fetch(`${base}/upload/${bad}?token=${host.token}`, { method: 'PUT', body: 'x' }))
          .status,
      ).toBe(400);
    }
    // a literal ../ is normalised away by the URL parser and never reaches the upload route
    expect(
      (
        await fetch(`${base}/upload/x/../../escape.mp4?token=${host.token}`, {
          method: 'PUT',
          body: 'x',
        })
      ).status,
    ).toBe(405);
    expect(
      (
        await fetch(`${base}/upload/dropped/a%20copy.mp4?token=${host.token}`, {
          method: 'PUT',
          body: 'x',
        })
      ).status,
    ).toBe(409);
    expect((await fetch(`${base}/upload/z.mp4`, { method: 'PUT', body: 'x' })).status).toBe(401);
    expect(fs.existsSync(path.join(dir, 'escape.mp4'))).toBe(false);
    c.close();
  });
});
