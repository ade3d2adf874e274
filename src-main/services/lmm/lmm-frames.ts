// Frames for an in-process model, from one ffmpeg decode per video: per segment, the key frames
// (first frame of each second) and the motion frames (every frame, truncated to a multiple of 4) of
// its time range; per video, key and motion frames spread evenly over the whole clip, capped by the
// frame budgets. Only the frames a pass needs are kept, so memory stays flat on long videos.
import fs from 'node:fs';
import path from 'node:path';
import { sampleFrames } from '../media/frames';
import { extractKeyFrames, type KeyFrameRange } from './key-frame-range';
import type { RgbFrame } from './runtime';

export interface LmmFrameSizes {
  key: { width: number; height: number };
  motion: { width: number; height: number };
}

const DEFAULT_KEY_SIDE = 384;
/** The VQA² motion branch (SlowFast fast pathway) reads 224×224 frames. */
const DEFAULT_MOTION_SIDE = 224;

function readJson(file: string): Record<string, unknown> {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function sizeOf(v: unknown): { width: number; height: number } | null {
  if (typeof v === 'number' && v > 0) return { width: v, height: v };
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && x > 0))
    return { height: v[0] as number, width: v[1] as number };
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.height === 'number' && typeof o.width === 'number')
      return { width: o.width, height: o.height };
    if (typeof o.shortest_edge === 'number')
      return { width: o.shortest_edge, height: o.shortest_edge };
  }
  return null;
}

/** The folder's vqa2.json, or {} for the other architectures. */
function vqa2Config(dir: string): Record<string, unknown> {
  return readJson(path.join(dir, 'vqa2.json'));
}

/**
 * Frame sizes handed to the model's processor: vqa2.json's key and motion frame sizes, else the
 * processor config's image size (for Qwen, the square within max_pixels, at most 384). Decoding
 * straight to these sizes keeps the processor's own resize a no-op and the frames small.
 */
export function frameSizesFor(dir: string): LmmFrameSizes {
  const pre = readJson(path.join(dir, 'preprocessor_config.json'));
  const vqa2 = vqa2Config(dir);
  const kf = vqa2.keyFrames as Record<string, unknown> | undefined;
  const mf = vqa2.motionFrames as Record<string, unknown> | undefined;
  let qwen: { width: number; height: number } | null = null;
  if (typeof pre.max_pixels === 'number') {
    const unit = (Number(pre.patch_size) || 14) * (Number(pre.merge_size) || 2);
    const side = Math.max(
      unit,
      Math.floor(Math.min(DEFAULT_KEY_SIDE, Math.sqrt(pre.max_pixels)) / unit) * unit,
    );
    qwen = { width: side, height: side };
  }
  const key = sizeOf(kf) ??
    sizeOf(pre.size) ??
    qwen ??
    sizeOf(pre.crop_size) ?? { width: DEFAULT_KEY_SIDE, height: DEFAULT_KEY_SIDE };
  const motion = sizeOf(mf) ?? { width: DEFAULT_MOTION_SIDE, height: DEFAULT_MOTION_SIDE };
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  return {
    key: { width: even(key.width), height: even(key.height) },
    motion: { width: even(motion.width), height: even(motion.height) },
  };
}

/** The most motion frames one pass of this model takes (vqa2.json), or null when unstated. */
export function motionLimitFor(dir: string): number | null {
  const mf = vqa2Config(dir).motionFrames as Record<string, unknown> | undefined;
  const n = mf?.maxFrames;
  return typeof n === 'number' && n >= 4 ? n - (n % 4) : null;
}

/** Motion frames truncated to a multiple of 4 (VQA²'s sampling); fewer than 4 are kept as they are. */
export function truncateMotion<T>(frames: T[]): T[] {
  const n = frames.length - (frames.length % 4);
  return n > 0 ? frames.slice(0, n) : frames;
}

/** `count` indices spread evenly over [0, total) (all of them when total ≤ count). */
export function evenIndices(total: number, count: number): Set<number> {
  if (total <= count) return new Set(Array.from({ length: Math.max(0, total) }, (_, i) => i));
  return new Set(Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * total) / count)));
}

export interface SegmentFrames {
  idx: number;
  startSec: number;
  endSec: number;
  keyFrames: RgbFrame[];
  motionFrames: RgbFrame[];
}

export interface VideoFrames {
  keyFrames: RgbFrame[];
  motionFrames: RgbFrame[];
  /** Frames the clip has in all, and whether the budget left some out. */
  keyTotal: number;
  motionTotal: number;
  capped: boolean;
}

const rgb = (buf: Buffer, size: { width: number; height: number }, copy: boolean): RgbFrame => ({
  width: size.width,
  height: size.height,
  // a kept frame is copied out of ffmpeg's read buffer so that buffer can be freed
  data: copy ? new Uint8Array(buf) : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength),
});

/**
 * Walks a video once: calls `onSegment` for every segment from `startSegment` on (awaited, so
 * decoding waits for the model), and returns the per-video frames within the budgets.
 */
export async function walkVideoFrames(
  absPath: string,
  video: { fps: number; durationSec: number | null },
  opts: {
    sizes: LmmFrameSizes;
    segmentSec: number;
    startSegment: number;
    budget: { keyFrames: number; motionFrames: number };
    /** False for models without a motion input: no motion frames are decoded into passes. */
    motion: boolean;
    /** The most motion frames one pass takes (a multiple of 4); null: no limit. */
    motionLimit?: number | null;
    signal?: AbortSignal;
    onSegment(s: SegmentFrames): Promise<void>;
  },
): Promise<VideoFrames> {
  const seconds = Math.max(1, Math.ceil((video.durationSec ?? 1) - 1e-9));
  const motionExpected = Math.max(0, Math.round((video.durationSec ?? 0) * video.fps));
  const cap = Math.min(opts.budget.motionFrames, opts.motionLimit ?? Infinity);
  const motionBudget = Math.max(4, cap - (cap % 4));
  const keyPick = evenIndices(seconds, opts.budget.keyFrames);
  const motionPick = evenIndices(motionExpected - (motionExpected % 4), motionBudget);
  const out: VideoFrames = {
    keyFrames: [],
    motionFrames: [],
    keyTotal: 0,
    motionTotal: 0,
    capped: false,
  };
  let seg: SegmentFrames | null = null;
  let motionIndex = 0;
  const flush = async () => {
    if (seg && seg.idx >= opts.startSegment) {
      const m = truncateMotion(seg.motionFrames);
      // more motion frames than one pass takes: spread the allowed number over the segment
      seg.motionFrames =
        opts.motionLimit && m.length > opts.motionLimit
          ? [...evenIndices(m.length, opts.motionLimit)].map((i) => m[i]!)
          : m;
      await opts.onSegment(seg);
    }
    seg = null;
  };
  const frames = sampleFrames(
    absPath,
    // without a motion input the motion stream only counts frames: decode it at 2×2 grey
    opts.motion
      ? {
          keyWidth: opts.sizes.key.width,
          keyHeight: opts.sizes.key.height,
          motionWidth: opts.sizes.motion.width,
          motionHeight: opts.sizes.motion.height,
          motionFormat: 'rgb24',
        }
      : {
          keyWidth: opts.sizes.key.width,
          keyHeight: opts.sizes.key.height,
          motionWidth: 2,
          motionHeight: 2,
          motionFormat: 'gray',
        },
    { fps: video.fps, signal: opts.signal },
  );
  for await (const s of frames) {
    const idx = Math.floor(s.second / opts.segmentSec);
    if (!seg || seg.idx !== idx) {
      await flush();
      const startSec: number = idx * opts.segmentSec;
      const endSec = video.durationSec
        ? Math.min(video.durationSec, startSec + opts.segmentSec)
        : startSec + opts.segmentSec;
      seg = { idx, startSec, endSec, keyFrames: [], motionFrames: [] };
    }
    const inPass = idx >= opts.startSegment;
    if (inPass) seg.keyFrames.push(rgb(s.key, opts.sizes.key, false));
    if (keyPick.has(out.keyTotal)) out.keyFrames.push(rgb(s.key, opts.sizes.key, true));
    out.keyTotal++;
    for (const m of s.motion) {
      if (opts.motion && inPass) seg.motionFrames.push(rgb(m, opts.sizes.motion, false));
      if (opts.motion && motionPick.has(motionIndex))
        out.motionFrames.push(rgb(m, opts.sizes.motion, true));
      motionIndex++;
    }
  }
  await flush();
  out.motionTotal = motionIndex;
  out.motionFrames = truncateMotion(out.motionFrames);
  out.capped =
    out.keyTotal > out.keyFrames.length ||
    (opts.motion && out.motionTotal - (out.motionTotal % 4) > out.motionFrames.length);
  return out;
}

/**
 * Key frames of a time range as RGB at `size`, for a chat or a question: 1 fps, or fewer spread
 * evenly when the range holds more seconds than `maxFrames`; one short ffmpeg run.
 */
export async function keyFramesRgb(
  absPath: string,
  durationSec: number | null,
  opts: KeyFrameRange & { size: { width: number; height: number } },
): Promise<RgbFrame[]> {
  const { width, height } = opts.size;
  const bytes = width * height * 3;
  return extractKeyFrames(
    absPath,
    durationSec,
    opts,
    `scale=${width}:${height}:flags=bicubic,format=rgb24`,
    ['-f', 'rawvideo', 'pipe:1'],
    (buf) => {
      const out: RgbFrame[] = [];
      for (let o = 0; o + bytes <= buf.length; o += bytes)
        out.push({ width, height, data: new Uint8Array(buf.subarray(o, o + bytes)) });
      return out;
    },
  );
}
