// Container metadata read in this process with MediaInfoLib compiled to WebAssembly (mediainfo.js),
// so that importing a clean file costs a few milliseconds instead of an ffprobe start-up (~90 ms
// for Debian's ffprobe, which loads ~200 shared libraries). It answers only when its answer is
// complete and unambiguous: a known container, exactly one video track with a codec we can name as
// ffmpeg does, a frame size, a duration and a frame rate, and nothing truncated. Everything else
// (broken, odd or unusual files) returns null and goes to ffprobe, which also words the failure
// reasons, so broken-input detection is exactly ffprobe's. Why this library: docs/import.md.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { mediaInfoFactory, type MediaInfo } from 'mediainfo.js';
import type { VideoMeta } from './probe';

type Track = Record<string, unknown> & { '@type': string };

/** MediaInfo's container name → the format_name ffprobe writes (playability reads it). */
const CONTAINERS: Record<string, string> = {
  'MPEG-4': 'mov,mp4,m4a,3gp,3g2,mj2',
  Matroska: 'matroska,webm',
  WebM: 'matroska,webm',
  AVI: 'avi',
  'MPEG-TS': 'mpegts',
  BDAV: 'mpegts',
  'MPEG-PS': 'mpeg',
  'Windows Media': 'asf',
  'Flash Video': 'flv',
  MXF: 'mxf',
  DV: 'dv',
  Ogg: 'ogg',
  RealMedia: 'rm',
  IVF: 'ivf',
};

/** MediaInfo's video format (and version/codec id where one name covers several) → ffmpeg's codec name. */
function ffmpegCodec(v: Track): string | null {
  const format = str(v.Format);
  const codecId = str(v.CodecID) ?? '';
  switch (format) {
    case 'AVC':
      return 'h264';
    case 'HEVC':
      return 'hevc';
    case 'VP8':
      return 'vp8';
    case 'VP9':
      return 'vp9';
    case 'AV1':
      return 'av1';
    case 'MPEG-4 Visual':
      return 'mpeg4';
    case 'MPEG Video':
      return str(v.Format_Version) === '1' ? 'mpeg1video' : 'mpeg2video';
    case 'H.263':
      return 'h263';
    case 'ProRes':
      return 'prores';
    case 'FFV1':
      return 'ffv1';
    case 'Theora':
      return 'theora';
    case 'JPEG':
    case 'MJPEG':
      return 'mjpeg';
    case 'DV':
      return 'dvvideo';
    case 'WMV1':
      return 'wmv1';
    case 'WMV2':
      return 'wmv2';
    case 'VC-1':
      return codecId === 'WMV3' ? 'wmv3' : 'vc1';
    case 'VC-3':
      return 'dnxhd';
    case 'RealVideo 2':
      return 'rv20';
    case 'RealVideo 4':
      return 'rv40';
    default:
      return null; // an unfamiliar name: ffprobe names it (or says it cannot be decoded)
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null;
}
function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** ffprobe's pix_fmt for the common 8-bit 4:2:0 case only; anything else stays unknown (a proxy is made). */
function pixFmt(v: Track): string | undefined {
  // VP9 in WebM states no colour space; it would say RGB when it is one.
  const yuv = v.ColorSpace === undefined || v.ColorSpace === 'YUV';
  if (yuv && v.ChromaSubsampling === '4:2:0' && num(v.BitDepth) === 8) return 'yuv420p';
  return undefined;
}

const ANALYZE_TIMEOUT_MS = 15_000;

let instance: Promise<MediaInfo<'object'>> | null = null;
let queue: Promise<unknown> = Promise.resolve();

function mediaInfo(): Promise<MediaInfo<'object'>> {
  instance ??= (async () => {
    const req = createRequire(import.meta.url);
    const dist = path.dirname(req.resolve('mediainfo.js/MediaInfoModule.wasm'));
    return mediaInfoFactory({
      format: 'object',
      full: false,
      // Electron's fs reads inside app.asar, so the file is found in a packaged app too.
      locateFile: (file) => path.join(dist, file),
    });
  })();
  return instance;
}

async function analyze(absPath: string, sizeBytes: number): Promise<Track[]> {
  const mi = await mediaInfo();
  const fh = await fs.open(absPath, 'r');
  try {
    const result = await mi.analyzeData(sizeBytes, async (size, offset) => {
      const buf = Buffer.allocUnsafe(Math.max(0, Math.min(size, sizeBytes - offset)));
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      return buf.subarray(0, bytesRead);
    });
    return (result.media?.track ?? []) as Track[];
  } finally {
    await fh.close();
  }
}

export interface InProcessProbe {
  meta: VideoMeta;
  /** The subset of ffprobe's JSON that later readers use (stream and format names, size, pix_fmt). */
  probeJson: string;
}

/**
 * Metadata of a clean video file read in-process, or null when ffprobe should look instead (an
 * incomplete or unusual answer, or the WebAssembly module failing). One file at a time: a
 * MediaInfo instance analyses one file at once, and the work is a few milliseconds of CPU.
 */
export function probeInProcess(absPath: string, sizeBytes: number): Promise<InProcessProbe | null> {
  // Any failure of the module or of reading its answer means: ask ffprobe. So does a file it is
  // still reading after ANALYZE_TIMEOUT_MS; that instance is dropped (it cannot be interrupted) and
  // the next file gets a fresh one, so one odd file never holds up the rest.
  const run = queue
    .then(() => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => {
          instance = null;
          resolve(null);
        }, ANALYZE_TIMEOUT_MS);
      });
      return Promise.race([analyze(absPath, sizeBytes).then(fromTracks), timeout]).finally(() =>
        clearTimeout(timer),
      );
    })
    .catch(() => null);
  queue = run.catch(() => null);
  return run;

  function fromTracks(tracks: Track[]): InProcessProbe | null {
    const general = tracks.find((t) => t['@type'] === 'General');
    const videos = tracks.filter((t) => t['@type'] === 'Video');
    const video = videos[0];
    if (!general || !video || videos.length !== 1) return null;
    const extra = general.extra as Record<string, unknown> | undefined;
    if (extra?.IsTruncated || general.Cover === 'Yes' || tracks.some((t) => t['@type'] === 'Image'))
      return null; // truncated, or cover art ffmpeg would count as a video stream
    const formatName = CONTAINERS[str(general.Format) ?? ''];
    const codec = ffmpegCodec(video);
    const width = num(video.Width);
    const height = num(video.Height);
    const durationSec = num(general.Duration) ?? num(video.Duration);
    const fps = num(video.FrameRate) ?? num(general.FrameRate);
    if (!formatName || !codec || !width || !height || !durationSec || !fps) return null;
    const bitsPerSec =
      num(video.BitRate) ?? num(general.OverallBitRate) ?? (sizeBytes * 8) / durationSec;
    const audio = tracks.filter((t) => t['@type'] === 'Audio');
    const pix = pixFmt(video);
    const json = {
      source: 'mediainfo',
      streams: [
        {
          index: 0,
          codec_type: 'video',
          codec_name: codec,
          width,
          height,
          ...(pix ? { pix_fmt: pix } : {}),
        },
        ...audio.map((a, i) => ({ index: i + 1, codec_type: 'audio', codec_name: str(a.Format) })),
      ],
      format: { format_name: formatName, duration: String(durationSec), size: String(sizeBytes) },
    };
    return {
      meta: {
        durationSec,
        width,
        height,
        fps,
        codec,
        bitrateKbps: bitsPerSec / 1000,
        sizeBytes,
        // Unknown as ffmpeg counts streams: posters take the first video stream, the only one here.
        streamIndex: undefined,
      },
      probeJson: JSON.stringify(json),
    };
  }
}
