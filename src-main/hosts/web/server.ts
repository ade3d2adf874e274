// Web host: serves the built renderer and the contract over a WebSocket, on 127.0.0.1 only,
// behind a random connection token (URL ?token= once, then an HttpOnly cookie).
import { StudioError } from '../../../src-shared/contract';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { StudioApi } from '../../api/api';
import { dispatch } from '../../api/dispatch';
import { toApiError } from '../../api/errors';
import { parseClientMessage } from './messages';
import { mimeOf, rangeResponse, resolveMediaRequest } from '../../api/media-files';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export interface WebHostOptions {
  api: StudioApi;
  rendererDir: string;
  port?: number;
  /** Fixed token (tests); random otherwise. */
  token?: string;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'vqa2_token';

function tokenOk(expected: Buffer, given: string | null | undefined): boolean {
  if (!given) return false;
  const g = Buffer.from(given);
  return g.length === expected.length && timingSafeEqual(g, expected);
}

function cookieToken(req: http.IncomingMessage): string | null {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
) {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

/** Stream a file with Range support (206 partial content for media seeking). */
export function serveFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  file: string,
  mime: string,
  extraHeaders: Record<string, string> = {},
): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    send(res, 404, 'Not found');
    return;
  }
  const { status, headers, body } = rangeResponse(req.headers.range, stat.size, mime);
  res.writeHead(status, { ...headers, 'X-Content-Type-Options': 'nosniff', ...extraHeaders });
  if (req.method === 'HEAD' || !body) {
    res.end();
    return;
  }
  // A file removed or unreadable mid-response ends this response only.
  fs.createReadStream(file, body)
    .on('error', () => res.destroy())
    .pipe(res);
}

/**
 * Browser drag-and-drop: a dropped file is PUT to /upload/<relative path> and written into the
 * open project's `uploads/` folder (temp + rename), then imported like any other file. Only plain
 * path segments are accepted, so nothing can be written outside that folder.
 */
async function receiveUpload(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  api: StudioApi,
  rawPath: string,
) {
  const store = api.project;
  if (!store) return send(res, 409, 'No project is open');
  let segments: string[];
  try {
    segments = rawPath.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return send(res, 400, 'Bad upload path');
  }
  if (
    !segments.length ||
    segments.length > 16 ||
    segments.some(
      (s) => !/^[^/\\\0]{1,255}$/.test(s) || s === '.' || s === '..' || s.startsWith('.'),
    )
  ) {
    return send(res, 400, 'Bad upload path');
  }
  const dest = path.join(store.dir, 'uploads', ...segments);
  if (fs.existsSync(dest))
    return send(res, 409, `${path.relative(store.dir, dest)} already exists`);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.part`;
  const out = fs.createWriteStream(tmp, { flags: 'wx' });
  req.pipe(out);
  await new Promise<void>((resolve) => {
    out.on('finish', () => {
      fs.renameSync(tmp, dest);
      send(res, 201, JSON.stringify({ path: dest }), 'application/json');
      resolve();
    });
    const fail = (e: Error) => {
      fs.rmSync(tmp, { force: true });
      if (!res.headersSent) send(res, 500, `Upload failed: ${e.message}`);
      resolve();
    };
    out.on('error', fail);
    req.on('aborted', () => fail(new Error('the browser aborted the upload')));
  });
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const expected = Buffer.from(token);
  const rendererDir = path.resolve(opts.rendererDir);
  const indexHtml = path.join(rendererDir, 'index.html');
  if (!fs.existsSync(indexHtml)) {
    throw new StudioError(
      'RENDERER_NOT_BUILT',
      `The renderer is not built (${indexHtml} is missing). Run \`npm run build\`.`,
    );
  }

  const server = http.createServer((req, res) => {
    try {
      handleRequest(req, res);
    } catch (e) {
      // A malformed request must cost only its own response, never the host.
      console.error('web host: request failed:', e);
      if (!res.headersSent) send(res, 400, 'Bad request');
      else res.destroy();
    }
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  function handleRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const queryToken = url.searchParams.get('token');
    const authed = tokenOk(expected, queryToken) || tokenOk(expected, cookieToken(req));
    if (!authed) {
      send(
        res,
        401,
        'Unauthorized: open the URL printed by `vqa2 serve` (it carries the connection token).',
      );
      return;
    }
    if (req.method === 'PUT' && url.pathname.startsWith('/upload/')) {
      void receiveUpload(req, res, opts.api, url.pathname.slice('/upload/'.length));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'Method not allowed');
      return;
    }
    const cookie = `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    const media = /^\/(media|thumb|proxy|strip)\/([^/]+)$/.exec(url.pathname);
    if (media) {
      const r = resolveMediaRequest(opts.api.project, media[1]!, media[2]!);
      if ('status' in r) send(res, r.status, r.message);
      else serveFile(req, res, r.file, r.mime, { 'Cache-Control': 'private, max-age=60' });
      return;
    }
    // Static renderer files; any unknown path falls back to index.html (single-page app).
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      send(res, 400, 'Bad path');
      return;
    }
    let file = path.join(rendererDir, path.normalize(rel));
    if (
      !file.startsWith(rendererDir + path.sep) ||
      !fs.existsSync(file) ||
      fs.statSync(file).isDirectory()
    ) {
      file = indexHtml;
    }
    const isHtml = file === indexHtml;
    serveFile(req, res, file, mimeOf(file), {
      'Cache-Control': isHtml ? 'no-store' : 'private, max-age=3600',
      ...(isHtml
        ? { 'Content-Security-Policy': CSP, 'Set-Cookie': cookie, 'Referrer-Policy': 'no-referrer' }
        : {}),
    });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      socket.destroy();
      return;
    }
    const origin = req.headers.origin;
    const host = req.headers.host;
    const sameOrigin = !origin || origin === `http://${host}`;
    const authed =
      tokenOk(expected, url.searchParams.get('token')) || tokenOk(expected, cookieToken(req));
    if (url.pathname !== '/api' || !authed || !sameOrigin) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const clients = new Set<WebSocket>();
  const offEvents = opts.api.onEvent((event, payload) => {
    const msg = JSON.stringify({ event, payload });
    for (const c of clients) if (c.readyState === c.OPEN) c.send(msg);
  });
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    // Protocol errors (a frame over maxPayload, invalid UTF-8) close only this socket; without a
    // listener the 'error' event would be thrown and end the process for every tab.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      void answer(ws, data, isBinary).catch((e: unknown) => {
        // A reply that cannot be sent (socket gone, result not serialisable) must not take the host down.
        console.error('web host: could not answer a message:', e);
      });
    });
  });

  async function answer(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    const parsed = parseClientMessage(data, isBinary);
    if ('error' in parsed) {
      if (ws.readyState === ws.OPEN)
        ws.send(JSON.stringify({ id: parsed.id, ok: false, error: parsed.error }));
      return;
    }
    const reply = await dispatch(opts.api.handlers, parsed.call, parsed.input);
    if (ws.readyState !== ws.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify({ id: parsed.id, ...reply });
    } catch (e) {
      text = JSON.stringify({ id: parsed.id, ok: false, error: toApiError(e) });
    }
    ws.send(text);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      offEvents();
      for (const c of clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
