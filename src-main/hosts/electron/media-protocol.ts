// The vqa2-media: protocol handler: serves thumbnails, videos, proxies and thumbnail strips of the open project only,
// with Range support so <video> can seek. Pure fetch-API code, tested without Electron.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { ProjectStore } from '../../services/store/project-store';
import { parseRange, resolveMediaRequest } from '../../api/media-files';

export function handleMediaRequest(request: Request, store: ProjectStore | null): Response {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return new Response('Bad URL', { status: 400 });
  }
  // vqa2-media://<kind>/<id> (kind: thumb, video, proxy, strip): the host is the kind, the path is the id;
  // nothing else is accepted.
  const kind = url.hostname;
  const id = url.pathname.replace(/^\//, '');
  const r = resolveMediaRequest(store, kind, id);
  if ('status' in r) return new Response(r.message, { status: r.status });
  let size: number;
  try {
    size = fs.statSync(r.file).size;
  } catch {
    return new Response('Not found', { status: 404 });
  }
  const range = parseRange(request.headers.get('range'), size);
  const headers = new Headers({ 'Content-Type': r.mime, 'Accept-Ranges': 'bytes' });
  if (range === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  const { start, end } = range ?? { start: 0, end: Math.max(0, size - 1) };
  headers.set('Content-Length', String(size === 0 ? 0 : end - start + 1));
  if (range) headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
  const body = size === 0 ? null : (Readable.toWeb(fs.createReadStream(r.file, { start, end })) as ReadableStream);
  return new Response(body, { status: range ? 206 : 200, headers });
}
