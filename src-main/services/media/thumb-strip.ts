// Thumbnail strips for the review timeline: one JPEG sprite of N = min(120, ceil(duration))
// tiles, 160 px wide, 10 per row, tile i showing the frame near i × intervalSec (intervalSec =
// duration / N), made by a single ffmpeg run into <project cache>/strips/<videoId>.jpg. Written to
// a temp file and renamed, with a JSON record naming the source (as the proxies do), so a strip
// is never reused for a different video that later got the same id.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { VideoRow } from '../../../src-shared/contract';
import type { ProjectStore } from '../store/project-store';
import { MediaError } from './errors';
import type { ProbeJson } from './proxy';
import { lastErrorLine, runMediaTool } from './run';

export const STRIP_TILE_WIDTH = 160;
export const STRIP_MAX_TILES = 120;
export const STRIP_COLUMNS = 10;
/** From this duration on only keyframes are decoded (see stripArgs). */
export const STRIP_KEYFRAMES_FROM_SEC = 600;
const STRIP_TIMEOUT_MS = 10 * 60_000;

export interface StripLayout {
  count: number;
  intervalSec: number;
  columns: number;
  rows: number;
}

export interface StripMeta extends StripLayout {
  source: { path: string; sizeBytes: number; importedAt: string };
  tileWidth: number;
  tileHeight: number;
  createdAt: string;
}

export function stripDir(store: ProjectStore): string {
  return path.join(store.cacheDir, 'strips');
}
export function stripPath(store: ProjectStore, videoId: number): string {
  return path.join(stripDir(store), `${videoId}.jpg`);
}
function recordPath(store: ProjectStore, videoId: number): string {
  return path.join(stripDir(store), `${videoId}.json`);
}
function sourceKey(video: VideoRow): StripMeta['source'] {
  return { path: video.path, sizeBytes: video.sizeBytes, importedAt: video.importedAt };
}

/** Tile count, spacing and grid for a video of this duration (fewer than 10 tiles: one row). */
export function stripLayout(durationSec: number): StripLayout {
  const count = Math.max(1, Math.min(STRIP_MAX_TILES, Math.ceil(durationSec)));
  const columns = Math.min(STRIP_COLUMNS, count);
  return { count, intervalSec: durationSec / count, columns, rows: Math.ceil(count / columns) };
}

/** The finished strip of this video (made from this very source), or null. */
export function readyStrip(
  store: ProjectStore,
  video: VideoRow,
): { file: string; meta: StripMeta } | null {
  const file = stripPath(store, video.id);
  let meta: StripMeta;
  try {
    meta = JSON.parse(fs.readFileSync(recordPath(store, video.id), 'utf8')) as StripMeta;
  } catch {
    return null;
  }
  const key = sourceKey(video);
  const same =
    meta.source?.path === key.path &&
    meta.source.sizeBytes === key.sizeBytes &&
    meta.source.importedAt === key.importedAt;
  return same && fs.existsSync(file) ? { file, meta } : null;
}

/**
 * ffmpeg arguments for the sprite of `src` written to `out`. The fps filter picks, for tile i,
 * the frame nearest i × intervalSec; scaling comes after it so only N frames are scaled. For long
 * videos (≥ STRIP_KEYFRAMES_FROM_SEC) decoding every frame is what costs, so only keyframes are
 * decoded (-skip_frame nokey): the fps filter then sees only keyframes and gives each tile the
 * keyframe nearest its time (repeating the previous one where none is near), so a tile is off
 * by up to about one GOP — at intervals of ≥ 5 s and typical GOPs of 1–10 s a faithful overview.
 * Measured on a 2-hour 640×360 H.264 file (GOP 10 s): 18 s instead of 103 s decoding every frame.
 * Short videos decode every frame, so their tiles land on the frame nearest i × intervalSec.
 */
export function stripArgs(
  src: string,
  out: string,
  layout: StripLayout,
  durationSec: number,
): string[] {
  const keyframesOnly = durationSec >= STRIP_KEYFRAMES_FROM_SEC;
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    ...(keyframesOnly ? ['-skip_frame', 'nokey'] : []),
    '-i',
    `file:${src}`,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `fps=1/${layout.intervalSec.toFixed(6)},scale=${STRIP_TILE_WIDTH}:-2,tile=${layout.columns}x${layout.rows}`,
    '-frames:v',
    '1',
    '-q:v',
    '4',
    '-f',
    'image2',
    '-update',
    '1',
    '-y',
    `file:${out}`,
  ];
}

/**
 * Make the strip of `video` (replacing a stale one). Resolves with its record; rejects with
 * MediaError (MEDIA_ABORTED when cancelled). No partial file is left behind in any case.
 */
export async function makeStrip(
  store: ProjectStore,
  video: VideoRow,
  signal?: AbortSignal,
): Promise<StripMeta> {
  const src = store.toAbsPath(video.path);
  const durationSec = video.durationSec;
  if (!durationSec || !(durationSec > 0)) {
    throw new MediaError(
      'MEDIA_UNREADABLE',
      `${video.name} has no known duration, so no thumbnail strip can be made.`,
      src,
    );
  }
  const layout = stripLayout(durationSec);
  const dir = stripDir(store);
  fs.mkdirSync(dir, { recursive: true });
  const out = stripPath(store, video.id);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  // ffmpeg's image2 muxer picks the format from the name, so the temp name keeps .jpg
  const tmp = `${out}.${tag}.part.jpg`;
  const tmpRecord = `${recordPath(store, video.id)}.${tag}.part`;
  try {
    const run = await runMediaTool('ffmpeg', stripArgs(src, tmp, layout, durationSec), {
      signal,
      timeoutMs: STRIP_TIMEOUT_MS,
      mediaPath: src,
    });
    if (run.exitCode !== 0 || !fs.existsSync(tmp)) {
      throw new MediaError(
        'MEDIA_PROCESS_FAILED',
        `ffmpeg could not make the thumbnail strip: ${lastErrorLine(run.stderr) || `exit code ${run.exitCode}`}`,
        src,
      );
    }
    const probe = await runMediaTool(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=width,height',
        '-of',
        'json',
        `file:${tmp}`,
      ],
      { timeoutMs: 60_000, signal, mediaPath: tmp },
    );
    const s = (JSON.parse(probe.stdout.toString('utf8') || '{}') as ProbeJson).streams?.[0];
    if (
      probe.exitCode !== 0 ||
      s?.width !== layout.columns * STRIP_TILE_WIDTH ||
      !s.height ||
      s.height % layout.rows !== 0
    ) {
      throw new MediaError(
        'MEDIA_PROCESS_FAILED',
        `The thumbnail strip ffmpeg wrote is not the expected image (${s?.width ?? '?'}×${s?.height ?? '?'}).`,
        src,
      );
    }
    const meta: StripMeta = {
      ...layout,
      source: sourceKey(video),
      tileWidth: STRIP_TILE_WIDTH,
      tileHeight: s.height / layout.rows,
      createdAt: new Date().toISOString(),
    };
    if (signal?.aborted) throw new MediaError('MEDIA_ABORTED', 'Cancelled.', src);
    // record last: a sprite without its record is never served and is remade
    fs.rmSync(recordPath(store, video.id), { force: true });
    fs.renameSync(tmp, out);
    fs.writeFileSync(tmpRecord, JSON.stringify(meta, null, 2));
    fs.renameSync(tmpRecord, recordPath(store, video.id));
    return meta;
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(tmpRecord, { force: true });
  }
}

/** Remove a video's strip and record (the video left the project). */
export function removeStrip(store: ProjectStore, videoId: number): void {
  fs.rmSync(recordPath(store, videoId), { force: true });
  fs.rmSync(stripPath(store, videoId), { force: true });
}
