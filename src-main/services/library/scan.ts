// Expands the paths a user dropped or typed into the list of files to import: folders are
// walked recursively for video extensions, explicit files are taken as given (ffprobe decides).
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ImportSkip } from '../../../src-shared/contract';

/**
 * Extensions a folder scan picks up: the containers and raw video streams ffmpeg demuxes that
 * people actually store video in. Anything else in a scanned folder is reported as skipped, with
 * its reason; a file passed by itself is always handed to the prober whatever its name.
 */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  // MPEG-4 / QuickTime family
  'mp4',
  'm4v',
  'mov',
  'qt',
  '3gp',
  '3gpp',
  '3g2',
  '3gp2',
  'f4v',
  'mj2',
  // Matroska / WebM / Ogg video
  'mkv',
  'mk3d',
  'webm',
  'ogv',
  'ogm',
  // AVI / ASF (Windows Media) / Flash / RealMedia
  'avi',
  'divx',
  'asf',
  'wmv',
  'flv',
  'rm',
  'rmvb',
  'amv',
  // MPEG program and transport streams (DVD, Blu-ray/AVCHD, broadcast, camcorders)
  'mpg',
  'mpeg',
  'mpe',
  'm1v',
  'm2v',
  'mpv',
  'vob',
  'evo',
  'vro',
  'mod',
  'tod',
  'ts',
  'm2ts',
  'mts',
  'm2t',
  'trp',
  'tp',
  // Broadcast / production and raw streams
  'mxf',
  'dv',
  'gxf',
  'nut',
  'ivf',
  'y4m',
  'h264',
  '264',
  'h265',
  '265',
  'hevc',
  'mjpeg',
  'mjpg',
  'wtv',
  'dvr-ms',
]);

export type ScanSkip = ImportSkip;

export interface ScanResult {
  /** Absolute paths, in a stable order, without repeats. */
  files: string[];
  skipped: ScanSkip[];
}

export function hasVideoExtension(p: string): boolean {
  return VIDEO_EXTENSIONS.has(path.extname(p).slice(1).toLowerCase());
}

/** Hidden entries (.git, macOS "._x.mp4" resource forks) and project cache folders are never videos to import. */
function isIgnoredName(name: string, isDir: boolean): boolean {
  if (name.startsWith('.')) return true;
  return isDir && name.endsWith('.vqa2-cache');
}

/** Why a file found in a folder was not imported; says how to import it anyway. */
function notVideoReason(name: string): string {
  const ext = path.extname(name).toLowerCase();
  const what = ext ? `a video file type (${ext})` : 'a video file type (no extension)';
  return `Not ${what}; import the file by itself to have ffmpeg try it.`;
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'symbolic link loop';
  return `cannot be read (${code ?? (e as Error).message})`;
}

export async function scanPaths(
  inputs: readonly string[],
  opts: { signal?: AbortSignal } = {},
): Promise<ScanResult> {
  const files: string[] = [];
  const seenFiles = new Set<string>();
  // Directories by device+inode: a symlink back to an ancestor is visited once, never looped.
  const seenDirs = new Set<string>();
  const skipped: ScanSkip[] = [];

  const addFile = (abs: string) => {
    if (seenFiles.has(abs)) return;
    seenFiles.add(abs);
    files.push(abs);
  };

  const walk = async (dir: string, st: { dev: number; ino: number }) => {
    const key = `${st.dev}:${st.ino}`;
    if (seenDirs.has(key) || opts.signal?.aborted) return;
    seenDirs.add(key);
    let entries: Dirent[];
    try {
      entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) =>
        a.name.localeCompare(b.name),
      );
    } catch (e) {
      skipped.push({ path: dir, kind: 'unreadable', reason: `Folder ${describeFsError(e)}.` });
      return;
    }
    for (const entry of entries) {
      const { name } = entry;
      if (name.startsWith('.')) continue;
      const abs = path.join(dir, name);
      // Plain files are judged by name alone: no stat per file in folders with thousands of them.
      if (entry.isFile()) {
        if (hasVideoExtension(name)) addFile(abs);
        else skipped.push({ path: abs, kind: 'not-video', reason: notVideoReason(name) });
        continue;
      }
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
      let target;
      try {
        target = await fs.stat(abs); // follows symlinks; loops are caught by seenDirs
      } catch (e) {
        // A dangling link is worth reporting only if it looks like a video.
        if (hasVideoExtension(name))
          skipped.push({ path: abs, kind: 'unreadable', reason: `File ${describeFsError(e)}.` });
        continue;
      }
      if (target.isDirectory()) {
        if (!isIgnoredName(name, true)) await walk(abs, target);
      } else if (target.isFile()) {
        if (hasVideoExtension(name)) addFile(abs);
        else skipped.push({ path: abs, kind: 'not-video', reason: notVideoReason(name) });
      }
    }
  };

  for (const input of inputs) {
    const abs = path.resolve(input);
    let st;
    try {
      st = await fs.stat(abs);
    } catch (e) {
      skipped.push({ path: abs, kind: 'unreadable', reason: `Path ${describeFsError(e)}.` });
      continue;
    }
    if (st.isDirectory()) await walk(abs, st);
    else if (st.isFile()) addFile(abs);
    else skipped.push({ path: abs, kind: 'unreadable', reason: 'Not a regular file or folder.' });
  }
  return { files, skipped };
}
