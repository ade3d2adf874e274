// Reads a video's technical metadata — in-process (MediaInfo in WebAssembly) when the file is clean
// and common, else with ffprobe — and turns every failure into a sentence a person understands
// (empty, truncated, not a video, audio only, undecodable codec).
import fs from 'node:fs/promises';
import { probeInProcess } from './media-info';
import { lastErrorLine, runMediaTool } from './run';

export interface VideoMeta {
  durationSec: number | null;
  width: number;
  height: number;
  fps: number | null;
  codec: string;
  bitrateKbps: number | null;
  sizeBytes: number;
  /**
   * ffmpeg's index of the video stream the metadata describes (thumbnails decode this one);
   * undefined when the file has one video stream and no cover art (the first is the one).
   */
  streamIndex?: number;
}

export type ProbeOutcome =
  { ok: true; meta: VideoMeta; probeJson: string } | { ok: false; reason: string };

interface FfprobeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  codec_tag_string?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  bit_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
}
interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { duration?: string; bit_rate?: string; size?: string; format_name?: string };
}

const PROBE_TIMEOUT_MS = 60_000;

/** Parse "30000/1001" or "25"; ffprobe writes "0/0" when it does not know. */
export function parseRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const [num, den = '1'] = rate.split('/');
  const v = Number(num) / Number(den);
  return Number.isFinite(v) && v > 0 ? v : null;
}

function positive(v: string | number | undefined): number | null {
  const n = typeof v === 'number' ? v : v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : null;
}

// ISO-BMFF (mp4/mov) files start with a box whose type is one of these.
const ISO_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'uuid', 'styp']);
function looksLikeIsoBmff(head: Buffer): boolean {
  return head.length >= 8 && ISO_BOXES.has(head.toString('latin1', 4, 8));
}
function looksLikeKnownContainer(head: Buffer): boolean {
  if (looksLikeIsoBmff(head)) return true;
  const hex = head.subarray(0, 4).toString('hex');
  return (
    hex === '1a45dfa3' /* Matroska/WebM */ ||
    head.toString('latin1', 0, 4) === 'RIFF' ||
    head[0] === 0x47
  ); /* MPEG-TS sync byte */
}

async function readHead(absPath: string): Promise<Buffer> {
  const fh = await fs.open(absPath, 'r');
  try {
    const buf = Buffer.alloc(16);
    const { bytesRead } = await fh.read(buf, 0, 16, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Map ffprobe's stderr to a friendly sentence, with the raw ffprobe line in parentheses. */
export function explainProbeFailure(stderr: string, absPath: string, head: Buffer): string {
  const stripPath = (l: string) =>
    l.split(`file:${absPath}: `).join('').split(`${absPath}: `).join('');
  const lineMatching = (re: RegExp) =>
    stripPath(
      lastErrorLine(
        stderr
          .split(/\r?\n/)
          .filter((l) => re.test(l))
          .join('\n'),
      ),
    );
  const raw = stripPath(lastErrorLine(stderr)) || 'no error message';
  if (/moov atom not found/i.test(stderr)) {
    const line = lineMatching(/moov atom not found/i);
    return looksLikeIsoBmff(head)
      ? `The file is truncated or incomplete: its index (moov atom) is missing. (${line})`
      : `Not a video: ffprobe could not recognise the format (${line}).`;
  }
  if (/No such file or directory/i.test(stderr))
    return 'The file does not exist (it may have been moved or deleted).';
  if (/Permission denied/i.test(stderr))
    return `The file cannot be read: permission denied. (${raw})`;
  if (/Invalid data found when processing input/i.test(stderr)) {
    return looksLikeKnownContainer(head)
      ? `The file is damaged: its container could not be read. (${raw})`
      : `Not a video: ffprobe could not recognise the format (${raw}).`;
  }
  if (/end of file|truncat/i.test(stderr)) return `The file is truncated or incomplete. (${raw})`;
  return `ffprobe could not read the file. (${raw})`;
}

let decodableCodecs: Promise<Set<string> | null> | null = null;

/** Names of the video codecs this ffmpeg build can decode (from `ffprobe -codecs`), fetched once. */
export function decodableVideoCodecs(): Promise<Set<string> | null> {
  decodableCodecs ??= runMediaTool('ffprobe', ['-hide_banner', '-codecs'])
    .then((r) => {
      const set = new Set<string>();
      // Lines look like " DEV.LS h264   H.264 / AVC …": flags D(ecode) E(ncode) V(ideo).
      for (const line of r.stdout.toString('utf8').split('\n')) {
        const m = /^\s([D.])([E.])([VAS.])\S*\s+(\S+)/.exec(line);
        if (m && m[1] === 'D' && m[3] === 'V' && m[4]) set.add(m[4]);
      }
      return set.size ? set : null;
    })
    .catch(() => null); // not knowing only weakens the early check; thumbnailing still catches it
  return decodableCodecs;
}

export function undecodableReason(codec: string): string {
  return `The video codec ${codec} cannot be decoded by this ffmpeg build.`;
}

/**
 * Probe one file. Never throws for a bad file; throws MediaError only when ffprobe is unusable, on
 * abort or timeout. `inProcess: false` forces ffprobe (the in-process reader is tried first otherwise).
 */
export async function probeVideo(
  absPath: string,
  opts: { signal?: AbortSignal; inProcess?: boolean } = {},
): Promise<ProbeOutcome> {
  let sizeBytes: number;
  try {
    const st = await fs.stat(absPath);
    if (!st.isFile()) return { ok: false, reason: 'Not a file.' };
    sizeBytes = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason:
        code === 'ENOENT'
          ? 'The file does not exist (it may have been moved or deleted).'
          : `The file cannot be read (${code}).`,
    };
  }
  if (sizeBytes === 0) return { ok: false, reason: 'The file is empty (0 bytes).' };

  if (opts.inProcess !== false) {
    const fast = await probeInProcess(absPath, sizeBytes);
    if (fast) {
      // The same early codec check as below: a codec this ffmpeg cannot decode fails here.
      const decodable = await decodableVideoCodecs();
      if (decodable && !decodable.has(fast.meta.codec))
        return { ok: false, reason: undecodableReason(fast.meta.codec) };
      return { ok: true, meta: fast.meta, probeJson: fast.probeJson };
    }
  }

  const result = await runMediaTool(
    'ffprobe',
    [
      '-hide_banner',
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      `file:${absPath}`,
    ],
    { signal: opts.signal, timeoutMs: PROBE_TIMEOUT_MS, mediaPath: absPath },
  );
  const probeJson = result.stdout.toString('utf8');
  let parsed: FfprobeOutput | null = null;
  try {
    parsed = JSON.parse(probeJson) as FfprobeOutput;
  } catch {
    parsed = null;
  }
  if (result.exitCode !== 0 || !parsed || !parsed.format) {
    const head = await readHead(absPath).catch(() => Buffer.alloc(0));
    return { ok: false, reason: explainProbeFailure(result.stderr, absPath, head) };
  }

  const streams = parsed.streams ?? [];
  // Cover art in audio files is a one-picture "video" stream; it does not make the file a video.
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!video) {
    const hasAudio = streams.some((s) => s.codec_type === 'audio');
    return {
      ok: false,
      reason: hasAudio
        ? 'No video stream: the file has only audio.'
        : 'No video stream: the file contains no audio or video.',
    };
  }
  const codecName =
    video.codec_name && video.codec_name !== 'none' && video.codec_name !== 'unknown'
      ? video.codec_name
      : null;
  if (!codecName) {
    const tag =
      video.codec_tag_string && !video.codec_tag_string.startsWith('[')
        ? `"${video.codec_tag_string}"`
        : '(unidentified)';
    return { ok: false, reason: undecodableReason(tag) };
  }
  const decodable = await decodableVideoCodecs();
  if (decodable && !decodable.has(codecName))
    return { ok: false, reason: undecodableReason(codecName) };

  const width = video.width ?? 0;
  const height = video.height ?? 0;
  if (!width || !height)
    return {
      ok: false,
      reason: `The video stream (${codecName}) has no frame size; it is probably damaged.`,
    };

  const durationSec = positive(parsed.format.duration) ?? positive(video.duration);
  const bitsPerSec =
    positive(video.bit_rate) ??
    positive(parsed.format.bit_rate) ??
    (durationSec ? (sizeBytes * 8) / durationSec : null);
  const meta: VideoMeta = {
    durationSec,
    width,
    height,
    fps: parseRate(video.avg_frame_rate) ?? parseRate(video.r_frame_rate),
    codec: codecName,
    bitrateKbps: bitsPerSec === null ? null : bitsPerSec / 1000,
    sizeBytes,
    streamIndex: video.index,
  };
  return { ok: true, meta, probeJson };
}
