// Playback proxies: whether Chromium can play a source directly, and if not an H.264/AAC mp4
// (libx264 veryfast, CRF 23, yuv420p, at most 1280 px wide, faststart) in
// <project cache>/proxies/<videoId>.mp4. The proxy keeps the source's frame timestamps (no seek,
// -fps_mode passthrough) so a time on the proxy is the same time on the source. Written to a temp
// file and renamed; a JSON sidecar names the source it was made from, so a proxy is never reused
// for a different video that later got the same id.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { VideoRow } from '../../../src-shared/contract';
import type { ProjectStore } from '../store/project-store';
import { MediaError } from './errors';
import { resolveMediaTools } from './ffmpeg-path';
import { lastErrorLine, runMediaTool, terminate } from './run';
import { spawnMedia } from './spawner';

export const PROXY_MAX_WIDTH = 1280;
const STDERR_KEEP = 8 * 1024;

import type { ProbeJson } from './playability';

export { playabilityOf, probeJsonFor, type Playability, type ProbeJson } from './playability';

// ---------- proxy files ----------

export interface ProxyMeta {
  /** Identity of the source the proxy was made from. */
  source: { path: string; sizeBytes: number; importedAt: string };
  width: number;
  height: number;
  codec: 'h264';
  durationSec: number | null;
  createdAt: string;
}

export function proxyDir(store: ProjectStore): string {
  return path.join(store.cacheDir, 'proxies');
}
export function proxyPath(store: ProjectStore, videoId: number): string {
  return path.join(proxyDir(store), `${videoId}.mp4`);
}
function metaPath(store: ProjectStore, videoId: number): string {
  return path.join(proxyDir(store), `${videoId}.json`);
}
function sourceKey(video: VideoRow): ProxyMeta['source'] {
  return { path: video.path, sizeBytes: video.sizeBytes, importedAt: video.importedAt };
}

/** The finished proxy of this video (made from this very source), or null. */
export function readyProxy(
  store: ProjectStore,
  video: VideoRow,
): { file: string; meta: ProxyMeta } | null {
  const file = proxyPath(store, video.id);
  let meta: ProxyMeta;
  try {
    meta = JSON.parse(fs.readFileSync(metaPath(store, video.id), 'utf8')) as ProxyMeta;
  } catch {
    return null;
  }
  const key = sourceKey(video);
  if (
    !meta.source ||
    meta.source.path !== key.path ||
    meta.source.sizeBytes !== key.sizeBytes ||
    meta.source.importedAt !== key.importedAt ||
    !fs.existsSync(file)
  ) {
    return null;
  }
  return { file, meta };
}

/** Proxy frame size: at most 1280 px wide, aspect kept, both even (what the scale filter below makes). */
export function proxySize(width: number, height: number): { width: number; height: number } {
  const w = Math.max(2, Math.floor(Math.min(PROXY_MAX_WIDTH, width) / 2) * 2);
  const h = Math.max(2, Math.round((w * height) / width / 2) * 2);
  return { width: w, height: h };
}

export interface ProxyProgressInfo {
  /** 0–1 of the source duration */
  fraction: number;
  etaSec: number | null;
}

export interface MakeProxyOptions {
  durationSec: number | null;
  signal?: AbortSignal;
  onProgress?: (p: ProxyProgressInfo) => void;
}

/** ffmpeg arguments for a proxy of `src` written to `out` (mp4 whatever the name). */
export function proxyArgs(src: string, out: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-nostats',
    '-progress',
    'pipe:1',
    '-i',
    `file:${src}`,
    '-map',
    '0:v:0',
    '-map',
    '0:a:0?',
    '-sn',
    '-dn',
    '-map_chapters',
    '-1',
    '-vf',
    `scale=w='trunc(min(${PROXY_MAX_WIDTH},iw)/2)*2':h=-2`,
    // one output frame per input frame at the input's timestamps: proxy time = source time
    '-fps_mode',
    'passthrough',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '160k',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    '-y',
    `file:${out}`,
  ];
}

/**
 * Make the proxy of `video` (replacing a stale one). Resolves with its metadata; rejects with
 * MediaError (MEDIA_ABORTED when cancelled). No partial file is left behind in any case.
 */
export async function makeProxy(
  store: ProjectStore,
  video: VideoRow,
  opts: MakeProxyOptions,
): Promise<ProxyMeta> {
  const dir = proxyDir(store);
  fs.mkdirSync(dir, { recursive: true });
  // temp files of this video left by a killed process
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(`${video.id}.`) && name.endsWith('.part'))
      fs.rmSync(path.join(dir, name), { force: true });
  }
  const src = store.toAbsPath(video.path);
  const out = proxyPath(store, video.id);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = `${out}.${tag}.part`;
  const tmpMeta = `${metaPath(store, video.id)}.${tag}.part`;
  try {
    await runFfmpegWithProgress(proxyArgs(src, tmp), src, opts);
    const probe = await runMediaTool(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=width,height,codec_name:format=duration',
        '-of',
        'json',
        `file:${tmp}`,
      ],
      { timeoutMs: 60_000, signal: opts.signal, mediaPath: tmp },
    );
    const parsed = JSON.parse(probe.stdout.toString('utf8') || '{}') as ProbeJson;
    const s = parsed.streams?.[0];
    if (probe.exitCode !== 0 || !s?.width || !s.height || s.codec_name !== 'h264') {
      throw new MediaError(
        'MEDIA_PROCESS_FAILED',
        `The proxy ffmpeg wrote is not readable (${lastErrorLine(probe.stderr) || 'no video stream'}).`,
        src,
      );
    }
    const dur = Number(parsed.format?.duration);
    const meta: ProxyMeta = {
      source: sourceKey(video),
      width: s.width,
      height: s.height,
      codec: 'h264',
      durationSec: Number.isFinite(dur) && dur > 0 ? dur : null,
      createdAt: new Date().toISOString(),
    };
    if (opts.signal?.aborted) throw new MediaError('MEDIA_ABORTED', 'Cancelled.', src);
    // sidecar last: a proxy without its sidecar is never served and is remade
    fs.rmSync(metaPath(store, video.id), { force: true });
    fs.renameSync(tmp, out);
    fs.writeFileSync(tmpMeta, JSON.stringify(meta, null, 2));
    fs.renameSync(tmpMeta, metaPath(store, video.id));
    return meta;
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(tmpMeta, { force: true });
  }
}

/** Remove a video's proxy and sidecar (the source changed or the video left the project). */
export function removeProxy(store: ProjectStore, videoId: number): void {
  fs.rmSync(metaPath(store, videoId), { force: true });
  fs.rmSync(proxyPath(store, videoId), { force: true });
}

/** Parse ffmpeg `-progress` key=value blocks as they stream in; calls back once per block. */
export function progressParser(
  onBlock: (kv: Record<string, string>) => void,
): (chunk: string) => void {
  let buf = '';
  let block: Record<string, string> = {};
  return (chunk) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const k = line.slice(0, eq);
      block[k] = line.slice(eq + 1);
      if (k === 'progress') {
        onBlock(block);
        block = {};
      }
    }
  };
}

/**
 * Run ffmpeg (arguments as an array, never a shell) reporting progress from `-progress pipe:1`;
 * abort kills it by pid (SIGTERM, then SIGKILL after a grace period) and waits for it to exit.
 */
function runFfmpegWithProgress(
  args: string[],
  mediaPath: string,
  opts: MakeProxyOptions,
): Promise<void> {
  const { signal, onProgress, durationSec } = opts;
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new MediaError('MEDIA_ABORTED', 'Cancelled.', mediaPath));
      return;
    }
    const bin = resolveMediaTools().ffmpeg;
    const child = spawnMedia(bin, args, [1, 2]);
    const started = Date.now();
    let errTail = '';
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (aborted || child.exitCode !== null) return;
      aborted = true;
      killTimer = terminate(child) ?? undefined;
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.stdio[1]!.setEncoding('utf8');
    child.stdio[1]!.on(
      'data',
      progressParser((kv) => {
        if (!onProgress) return;
        if (kv.progress === 'end') {
          onProgress({ fraction: 1, etaSec: 0 });
          return;
        }
        const us = Number(kv.out_time_us);
        if (!durationSec || !Number.isFinite(us) || us < 0) return;
        const fraction = Math.min(0.999, us / 1e6 / durationSec);
        const elapsed = (Date.now() - started) / 1000;
        const etaSec =
          fraction > 0.01 ? Math.max(0, Math.round((elapsed * (1 - fraction)) / fraction)) : null;
        onProgress({ fraction, etaSec });
      }),
    );
    child.stdio[2]!.setEncoding('utf8');
    child.stdio[2]!.on('data', (c: string) => {
      errTail += c;
      if (errTail.length > STDERR_KEEP * 2) errTail = errTail.slice(-STDERR_KEEP);
    });
    const cleanup = () => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
    };
    child.once('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      reject(
        new MediaError(
          'MEDIA_SPAWN_FAILED',
          `Could not start ${bin}: ${e.code ?? e.message}`,
          mediaPath,
        ),
      );
    });
    child.once('close', (code: number | null) => {
      cleanup();
      if (aborted) reject(new MediaError('MEDIA_ABORTED', 'Cancelled.', mediaPath));
      else if (code !== 0) {
        reject(
          new MediaError(
            'MEDIA_PROCESS_FAILED',
            `ffmpeg could not make the proxy: ${lastErrorLine(errTail) || `exit code ${code}`}`,
            mediaPath,
          ),
        );
      } else resolve();
    });
  });
}
