// The vqa2-media: protocol handler: serves thumbnails, videos, proxies and thumbnail strips of the open project only,
// with Range support so <video> can seek. Pure fetch-API code, tested without Electron.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { ProjectStore } from '../../services/store/project-store';
import { rangeResponse, resolveMediaRequest } from '../../api/media-files';

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
  const { status, headers, body } = rangeResponse(request.headers.get('range'), size, r.mime);
  const stream = body && (Readable.toWeb(fs.createReadStream(r.file, body)) as ReadableStream);
  return new Response(stream, { status, headers: new Headers(headers) });
}
