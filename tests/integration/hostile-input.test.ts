import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioApi } from '../../src-main/api/api';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/server';
import { registerIpcHandlers, type IpcMainLike } from '../../src-main/hosts/electron/ipc';
import { handleMediaRequest } from '../../src-main/hosts/electron/media-protocol';
import { CALL_NAMES } from '../../src-shared/contract';
import { callChannel } from '../../src-preload/bridge';
import { callApi, videoRow } from '../helpers/api';
import {
  garbageInputJson,
  malformedMessage,
  mediaPath,
  rangeHeader,
  rng,
} from '../helpers/hostile';

let dir: string;
let api: StudioApi;
let host: WebHost;
let projectFile: string;
let videoId: number;

type Reply = {
  id: number | null;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
};

/** A WebSocket client that sends raw text and hands back replies (not events) in order. */
function connect(): Promise<{
  ws: WebSocket;
  send: (text: string) => Promise<Reply>;
  closed: Promise<number>;
}> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, {
      maxPayload: 64 * 1024 * 1024,
    });
    const queue: ((r: Reply) => void)[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      if (!('event' in m)) queue.shift()?.(m);
    });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('open', () =>
      resolve({
        ws,
        closed,
        send: (text) =>
          new Promise((r, j) => {
            const timer = setTimeout(
              () => j(new Error(`no reply to ${text.slice(0, 120)}`)),
              15_000,
            );
            queue.push((m) => (clearTimeout(timer), r(m)));
            ws.send(text);
          }),
      }),
    );
    ws.on('error', reject);
  });
}

/** Every table of the project file, as rows: "unchanged" means this is byte-for-byte the same JSON. */
function snapshot(): string {
  const db = new Database(projectFile, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as { name: string }[];
    return JSON.stringify(
      tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()]),
    );
  } finally {
    db.close();
  }
}

function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
  expect(typeof Object.prototype.toString).toBe('function');
}

function expectTypedError(r: Reply | { ok: boolean; error?: unknown }): void {
  expect(r.ok).toBe(false);
  const e = r.error as { code: unknown; message: unknown };
  expect(e.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
  expect(typeof e.message).toBe('string');
  expect((e.message as string).length).toBeGreaterThan(0);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-hostile-'));
  const renderer = path.join(dir, 'renderer');
  fs.mkdirSync(renderer, { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
  api = new StudioApi({ host: 'web', version: 'test', home: path.join(dir, 'home') });
  host = await startWebHost({ api, rendererDir: renderer });
  const info = await callApi<{ path: string }>(api, 'project.create', {
    path: path.join(dir, 'proj', 'p'),
  });
  projectFile = info.path;
  const clip = path.join(dir, 'proj', 'clip.mp4');
  fs.writeFileSync(clip, Buffer.alloc(4096, 7));
  videoId = api.project!.insertVideos([videoRow(clip, { sizeBytes: 4096 })])[0]!;
  await callApi(api, 'settings.set', { annotator: 'ann' });
  await callApi(api, 'annotations.put', { videoId, kind: 'mos', rating: 4 });
});

afterAll(async () => {
  await host.close();
  api.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('hostile input over the WebSocket', () => {
  it('answers `null` with a typed error and keeps serving', async () => {
    const c = await connect();
    expectTypedError(await c.send('null'));
    const ok = await c.send(JSON.stringify({ id: 7, call: 'project.current', input: {} }));
    expect(ok).toMatchObject({ id: 7, ok: true });
    c.ws.close();
  });

  it('gives each of 1,000 malformed messages a typed error; the project and prototypes stay untouched', async () => {
    const before = snapshot();
    const bystander = await connect();
    const c = await connect();
    const r = rng(20261130);
    const codes = new Map<string, number>();
    for (let i = 1; i <= 1000; i++) {
      const text = malformedMessage(r, i);
      const reply = await c.send(text);
      try {
        expectTypedError(reply);
      } catch (e) {
        throw new Error(
          `message ${i} (${text.slice(0, 200)}) got ${JSON.stringify(reply).slice(0, 300)}: ${String(e)}`,
        );
      }
      if (reply.id !== null) expect(reply.id).toBe(i);
      codes.set(reply.error!.code, (codes.get(reply.error!.code) ?? 0) + 1);
    }
    // The mix reached every layer: envelope checks, unknown names and schema validation.
    expect(codes.get('BAD_MESSAGE')).toBeGreaterThan(50);
    expect(codes.get('UNKNOWN_CALL')).toBeGreaterThan(50);
    expect(codes.get('BAD_INPUT')).toBeGreaterThan(300);
    expectNoPollution();
    expect(
      await c.send(
        JSON.stringify({ id: 5000, call: 'library.list', input: { offset: 0, limit: 10 } }),
      ),
    ).toMatchObject({ ok: true, result: { total: 1 } });
    expect(
      await bystander.send(JSON.stringify({ id: 1, call: 'app.info', input: {} })),
    ).toMatchObject({ ok: true });
    expect(snapshot()).toBe(before);
    c.ws.close();
    bystander.ws.close();
  }, 120_000);

  it('closes only the offending socket on a frame over the size limit or with invalid UTF-8', async () => {
    const bystander = await connect();
    const big = await connect();
    big.ws.send(
      JSON.stringify({ id: 1, call: 'app.info', input: { x: 'a'.repeat(17 * 1024 * 1024) } }),
    );
    expect(await big.closed).toBe(1009);
    const utf8 = await connect();
    utf8.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await utf8.closed).toBe(1007);
    const binary = await connect();
    expectTypedError(
      await binary.send(Buffer.from('{"id":1,"call":"app.info"}') as unknown as string),
    );
    expect(
      await bystander.send(JSON.stringify({ id: 2, call: 'app.info', input: {} })),
    ).toMatchObject({ id: 2, ok: true });
    binary.ws.close();
    bystander.ws.close();
  }, 60_000);
});

describe('hostile input through the Electron IPC handlers', () => {
  it('gives 1,000 garbage calls a typed error; the project and prototypes stay untouched', async () => {
    const before = snapshot();
    const handlers = new Map<
      string,
      (e: { senderFrame: { url: string } | null }, ...a: unknown[]) => unknown
    >();
    const ipcMain: IpcMainLike = {
      handle: (ch, fn) => void handlers.set(ch, fn),
      removeHandler: (ch) => void handlers.delete(ch),
    };
    const appUrl = 'file:///app/renderer/index.html';
    const unregister = registerIpcHandlers(ipcMain, api, (u) => u === appUrl);
    const r = rng(7);
    for (let i = 0; i < 1000; i++) {
      const name = CALL_NAMES[Math.floor(r() * CALL_NAMES.length)]!;
      // Structured clone (Electron's IPC) keeps `__proto__` as an own key, as JSON.parse does.
      const input: unknown = JSON.parse(garbageInputJson(r));
      const sender =
        i % 10 === 0
          ? { senderFrame: i % 20 === 0 ? null : { url: 'https://evil.example/' } }
          : { senderFrame: { url: appUrl } };
      const reply = (await handlers.get(callChannel(name))!(sender, input, 'extra', null)) as Reply;
      expectTypedError(reply);
      if (sender.senderFrame?.url !== appUrl) expect(reply.error!.code).toBe('FORBIDDEN');
    }
    expectNoPollution();
    const ok = (await handlers.get(callChannel('library.list'))!(
      { senderFrame: { url: appUrl } },
      { offset: 0, limit: 5 },
    )) as Reply;
    expect(ok).toMatchObject({ ok: true, result: { total: 1 } });
    expect(snapshot()).toBe(before);
    unregister();
  }, 120_000);
});

/** A raw HTTP request, sent byte for byte (no client-side normalisation or header checks). */
function rawRequest(target: string, headers: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(host.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', reject);
    sock.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text });
    });
    // Written, not ended: a half-closed client socket would cut off a streamed reply.
    sock.write(
      [
        `GET ${target} HTTP/1.1`,
        `Host: 127.0.0.1:${host.port}`,
        `Cookie: vqa2_token=${host.token}`,
        'Connection: close',
        ...headers,
        '',
        '',
      ].join('\r\n'),
    );
  });
}

describe('hostile input on the media routes', () => {
  it('answers 500 random paths, encodings and ranges with a status, never a crash or a foreign file', async () => {
    const before = snapshot();
    const r = rng(99);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 500; i++) {
      const target = mediaPath(r, videoId);
      const range = rangeHeader(r);
      const res = await rawRequest(target, range ? [`Range: ${range}`] : []);
      expect(
        [200, 206, 400, 404, 416, 431],
        `${target} ${range}: ${res.body.slice(0, 200)}`,
      ).toContain(res.status);
      expect(res.body).not.toContain('do not serve');
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const electron = handleMediaRequest(
        new Request(`vqa2-media:/${target.replace(/^\/(media)\b/, '/video')}`, {
          headers: range ? { Range: range } : {},
        }),
        api.project,
      );
      expect([200, 206, 400, 404, 416]).toContain(electron.status);
      await electron.body?.cancel();
    }
    // The registered video was reached (with and without ranges) and everything else refused.
    expect(statuses.get(404)).toBeGreaterThan(50);
    expect((statuses.get(200) ?? 0) + (statuses.get(206) ?? 0)).toBeGreaterThan(5);
    expect(statuses.get(416)).toBeGreaterThan(0);
    const good = await rawRequest(`/media/${videoId}`, ['Range: bytes=0-9']);
    expect(good.status).toBe(206);
    expect(snapshot()).toBe(before);
  }, 120_000);
});
