// Whether Chromium can play a source directly (container, codecs, pixel format), from the ffprobe
// JSON stored at import or a fresh probe; the review view makes a proxy when it cannot.
import path from 'node:path';
import type { VideoRow } from '../../../src-shared/contract';
import type { ProjectStore } from '../store/project-store';
import { runMediaTool } from './run';

interface ProbeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  disposition?: { attached_pic?: number };
}
export interface ProbeJson {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string };
}

export interface Playability {
  playable: boolean;
  /** Why not, in words; null when playable. */
  reason: string | null;
  width: number | null;
  height: number | null;
  hasAudio: boolean;
}

const CODEC_NAMES: Record<string, string> = {
  h264: 'H.264',
  hevc: 'HEVC (H.265)',
  vp8: 'VP8',
  vp9: 'VP9',
  av1: 'AV1',
  mpeg4: 'MPEG-4 Part 2',
  mpeg2video: 'MPEG-2',
  mpeg1video: 'MPEG-1',
  prores: 'ProRes',
  mjpeg: 'Motion JPEG',
  dnxhd: 'DNxHD/DNxHR',
  msmpeg4v3: 'MS MPEG-4 v3 (DivX 3)',
  wmv3: 'WMV 9',
  vc1: 'VC-1',
  theora: 'Theora',
  ffv1: 'FFV1',
  rawvideo: 'uncompressed video',
};
const codecLabel = (c: string) => CODEC_NAMES[c] ?? c;

type Container = 'mp4' | 'webm' | 'mkv' | 'other';
const PLAYABLE: Record<Exclude<Container, 'other' | 'mkv'>, Set<string>> = {
  mp4: new Set(['h264', 'vp9', 'av1']),
  webm: new Set(['vp8', 'vp9', 'av1']),
};
const CONTAINER_NAMES: Record<string, string> = {
  avi: 'AVI',
  mpegts: 'MPEG-TS',
  flv: 'FLV',
  asf: 'ASF/WMV',
  mpeg: 'MPEG-PS',
};

function containerOf(fileName: string, formatName: string | undefined): Container {
  const ext = path.extname(fileName).toLowerCase();
  const fmt = formatName ?? '';
  if (fmt.includes('mp4') || fmt.includes('mov')) return 'mp4';
  if (fmt.includes('matroska') || fmt.includes('webm')) return ext === '.webm' ? 'webm' : 'mkv';
  if (!fmt) {
    if (['.mp4', '.m4v', '.mov'].includes(ext)) return 'mp4';
    if (ext === '.webm') return 'webm';
    if (ext === '.mkv') return 'mkv';
  }
  return 'other';
}

/**
 * Whether Chromium's <video> plays this source as it is: H.264 (8-bit 4:2:0), VP9 or AV1 in
 * mp4/mov, VP8/VP9/AV1 in WebM. Matroska (.mkv) plays poorly in Chromium, so it always gets a proxy.
 */
export function playabilityOf(probe: ProbeJson, fileName: string): Playability {
  const streams = probe.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const hasAudio = streams.some((s) => s.codec_type === 'audio');
  const base = { width: v?.width ?? null, height: v?.height ?? null, hasAudio };
  if (!v || !v.codec_name)
    return { ...base, playable: false, reason: 'The file has no readable video stream.' };
  const codec = v.codec_name;
  const container = containerOf(fileName, probe.format?.format_name);
  const no = (reason: string): Playability => ({ ...base, playable: false, reason });
  if (container === 'other') {
    const fmt = (probe.format?.format_name ?? '').split(',')[0] ?? '';
    return no(
      `${codecLabel(codec)} in ${CONTAINER_NAMES[fmt] ?? (fmt || 'this container')} cannot be played by the browser engine; it needs a proxy.`,
    );
  }
  if (container === 'mkv')
    return no('Matroska (.mkv) files play unreliably in the browser engine; they get a proxy.');
  if (!PLAYABLE[container].has(codec)) {
    return no(
      `${codecLabel(codec)} video ${container === 'webm' ? 'in WebM' : 'in mp4/mov'} cannot be played by the browser engine; it needs a proxy.`,
    );
  }
  const pix = v.pix_fmt ?? '';
  const eightBit420 = pix === 'yuv420p' || (codec === 'h264' && pix === 'yuvj420p');
  if (!eightBit420) {
    const what = /1[0246](le|be)$/.test(pix)
      ? 'high bit depth'
      : /42[24]|444|gbr|rgb/.test(pix)
        ? 'chroma format'
        : 'pixel format';
    return no(
      `${codecLabel(codec)} with ${what} ${pix || '(unknown)'} cannot be played by the browser engine; it needs a proxy.`,
    );
  }
  return { ...base, playable: true, reason: null };
}

/** The video's stored ffprobe JSON (from import), or a fresh probe when there is none. */
export async function probeJsonFor(
  store: ProjectStore,
  video: VideoRow,
): Promise<ProbeJson | null> {
  const r = store.connection.prepare('SELECT probe_json FROM videos WHERE id = ?').get(video.id) as
    { probe_json: string | null } | undefined;
  if (r?.probe_json) {
    try {
      return JSON.parse(r.probe_json) as ProbeJson;
    } catch {
      // fall through to a fresh probe
    }
  }
  const abs = store.toAbsPath(video.path);
  const res = await runMediaTool(
    'ffprobe',
    [
      '-hide_banner',
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      `file:${abs}`,
    ],
    { timeoutMs: 60_000, mediaPath: abs },
  );
  if (res.exitCode !== 0) return null;
  try {
    return JSON.parse(res.stdout.toString('utf8')) as ProbeJson;
  } catch {
    return null;
  }
}
