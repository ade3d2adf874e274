// Resolves media requests to files of the open project only, and answers HTTP Range requests for them.
// Shared by the web host's /media, /thumb, /proxy and /strip routes and the Electron vqa2-media: protocol.
import fs from 'node:fs';
import path from 'node:path';
import type { ProjectStore } from '../services/store/project-store';
import { readyProxy } from '../services/media/proxy';
import { readyStrip } from '../services/media/thumb-strip';

const MIME: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
  '.ogv': 'video/ogg',
  '.ts': 'video/mp2t',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export function mimeOf(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type MediaLookup = { file: string; mime: string } | { status: 404; message: string };

/**
 * `kind/id` → a file registered in the open project. The id must be a plain positive integer;
 * anything else (traversal, encoded separators) is refused before touching the file system.
 */
export function resolveMediaRequest(
  store: ProjectStore | null,
  kind: string,
  idText: string,
): MediaLookup {
  if (!store) return { status: 404, message: 'No project is open' };
  if (!/^[1-9][0-9]{0,15}$/.test(idText)) return { status: 404, message: 'Unknown video' };
  const id = Number(idText);
  const video = store.getVideo(id);
  if (!video) return { status: 404, message: 'Unknown video' };
  if (kind === 'thumb') {
    const file = store.thumbPath(id);
    if (!video.hasThumb || !fs.existsSync(file)) return { status: 404, message: 'No thumbnail' };
    return { file, mime: 'image/jpeg' };
  }
  if (kind === 'video' || kind === 'media') {
    const file = store.toAbsPath(video.path);
    if (!fs.existsSync(file)) return { status: 404, message: 'Video file is missing' };
    return { file, mime: mimeOf(file) };
  }
  if (kind === 'proxy') {
    const proxy = readyProxy(store, video);
    if (!proxy) return { status: 404, message: 'No proxy for this video yet' };
    return { file: proxy.file, mime: 'video/mp4' };
  }
  if (kind === 'strip') {
    const strip = readyStrip(store, video);
    if (!strip) return { status: 404, message: 'No thumbnail strip for this video yet' };
    return { file: strip.file, mime: 'image/jpeg' };
  }
  return { status: 404, message: 'Unknown media kind' };
}

export type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

/** Parse a single-range `Range: bytes=a-b` header (RFC 9110); multi-range is served whole. */
export function parseRange(header: string | undefined | null, size: number): ByteRange {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

export interface RangeResponse {
  status: 200 | 206 | 416;
  /** Content-Type, Accept-Ranges and, as the status needs, Content-Range and Content-Length. */
  headers: Record<string, string>;
  /** The inclusive byte span to send, or null when there is no body (416, or an empty file). */
  body: { start: number; end: number } | null;
}

/**
 * Status, headers and byte span of the answer to a GET of a `size`-byte file with an optional
 * `Range` header: 200 with the whole file, 206 with one range, 416 when the range is past the end.
 * Both the web host and the Electron media protocol answer through this, so seeking behaves alike.
 */
export function rangeResponse(
  rangeHeader: string | undefined | null,
  size: number,
  mime: string,
): RangeResponse {
  const headers: Record<string, string> = { 'Content-Type': mime, 'Accept-Ranges': 'bytes' };
  const range = parseRange(rangeHeader, size);
  if (range === 'unsatisfiable') {
    headers['Content-Range'] = `bytes */${size}`;
    return { status: 416, headers, body: null };
  }
  const { start, end } = range ?? { start: 0, end: Math.max(0, size - 1) };
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  headers['Content-Length'] = String(size === 0 ? 0 : end - start + 1);
  return { status: range ? 206 : 200, headers, body: size === 0 ? null : { start, end } };
}
