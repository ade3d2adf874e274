// Streaming-quality scorer: ITU-T P.1203 mode 0 on a recorded stream. Per-segment bitrate comes
// from packet sizes, resolution from key frames (switches), stalls from frozen spans detected by
// frame differences; P.1203.1 gives per-segment Pv, P.1203.3 the session score O46.
import { sampleFrames } from '../media/frames';
import { lastErrorLine, runMediaTool } from '../media/run';
import { MediaError } from '../media/errors';
import { videoQualityMode0, type P1203Segment } from './p1203';
import { integrateSession } from './p1203-integration';
import { detectSwitches } from './p1203-switches';
import { levelScoreFromQuality } from './quality-head';
import {
  validateLevelWeights,
  type LevelWeights,
  DEFAULT_LEVEL_WEIGHTS,
} from '../levels/level-score';
import { FreezeDetector, FREEZE_MIN_SEC } from './temporal';
import type { ScoreEvent, SegmentScore } from './score-store';
import type { VideoInfo } from './pack-scorer';

export const STREAMING_SCORER_ID = 'p1203-mode0';
export const STREAMING_SCORER_VERSION = '1.0.0';

export interface StreamingOptions {
  segmentSec?: number;
  weights?: ArrayLike<number>;
  signal?: AbortSignal;
  onSegment?: (s: SegmentScore) => void;
  displayWidth?: number;
  displayHeight?: number;
}

export interface StreamingResult {
  segments: SegmentScore[];
  events: ScoreEvent[];
  video: {
    score: number;
    level: string;
    probs: SegmentScore['probs'];
    features: Record<string, number>;
  };
}

async function csvLines(args: string[], path: string, signal?: AbortSignal): Promise<string[][]> {
  const r = await runMediaTool('ffprobe', ['-v', 'error', ...args, '-of', 'csv=p=0', path], {
    signal,
    mediaPath: path,
    maxStdoutBytes: 512 * 1024 * 1024,
  });
  if (r.exitCode !== 0)
    throw new MediaError(
      'MEDIA_PROCESS_FAILED',
      `ffprobe failed: ${lastErrorLine(r.stderr)}`,
      path,
    );
  return r.stdout
    .toString('utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.split(','));
}

/** Per-segment bitrate (kbps) from the video stream's packet sizes. */
export async function segmentBitrates(
  path: string,
  durationSec: number,
  segmentSec: number,
  signal?: AbortSignal,
): Promise<number[]> {
  const n = Math.max(1, Math.ceil(durationSec / segmentSec - 1e-9));
  const bytes = new Array<number>(n).fill(0);
  for (const [pts, size] of await csvLines(
    ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,size'],
    path,
    signal,
  )) {
    const t = Number(pts);
    const s = Number(size);
    if (!Number.isFinite(t) || !Number.isFinite(s)) continue;
    bytes[Math.min(n - 1, Math.max(0, Math.floor(t / segmentSec)))]! += s;
  }
  return bytes.map((b, i) => {
    const dur = Math.min(segmentSec, durationSec - i * segmentSec);
    return (b * 8) / 1000 / Math.max(dur, 1e-3);
  });
}

/** Resolution at each key frame (switches happen at key frames in adaptive streams). */
export async function keyFrameResolutions(
  path: string,
  signal?: AbortSignal,
): Promise<{ t: number; width: number; height: number }[]> {
  return (
    await csvLines(
      [
        '-select_streams',
        'v:0',
        '-skip_frame',
        'nokey',
        '-show_entries',
        'frame=pts_time,width,height',
      ],
      path,
      signal,
    )
  )
    .map(([t, w, h]) => ({ t: Number(t), width: Number(w), height: Number(h) }))
    .filter((r) => Number.isFinite(r.t) && r.width > 0 && r.height > 0);
}

export async function scoreStreaming(
  v: VideoInfo & { codec: string | null },
  opts: StreamingOptions = {},
): Promise<StreamingResult> {
  if (v.codec !== 'h264') {
    throw new MediaError(
      'MEDIA_UNREADABLE',
      `P.1203 mode 0 is specified for H.264 streams only; this video is ${v.codec ?? 'of unknown codec'}`,
      v.absPath,
    );
  }
  if (!v.durationSec || v.durationSec <= 0)
    throw new MediaError('MEDIA_UNREADABLE', 'The video has no known duration', v.absPath);
  const S = opts.segmentSec ?? 2;
  const weights: LevelWeights = validateLevelWeights(opts.weights ?? DEFAULT_LEVEL_WEIGHTS);
  const [bitrates, resolutions] = await Promise.all([
    segmentBitrates(v.absPath, v.durationSec, S, opts.signal),
    keyFrameResolutions(v.absPath, opts.signal),
  ]);
  // Frozen spans = stalls in a recorded session (the player showed the same picture). A pair repeats
  // by the pack's relative rule (at most 1/20 of the change so far, or the re-encoding floor), not
  // freezedetect's absolute −50 dB bar, under which a calm shot's small steady change reads as frozen.
  const freeze = new FreezeDetector(v.fps, FREEZE_MIN_SEC, null);
  for await (const sec of sampleFrames(
    v.absPath,
    { keyWidth: 16, keyHeight: 16, motionWidth: 64, motionHeight: 36 },
    { fps: v.fps, signal: opts.signal },
  )) {
    for (const m of sec.motion) freeze.push(m);
  }
  const stalls = freeze.finish();

  const p1203Segments: P1203Segment[] = bitrates.map((kbps, i) => {
    const start = i * S;
    const res = [...resolutions].reverse().find((r) => r.t <= start + 1e-6) ??
      resolutions[0] ?? { width: v.width, height: v.height };
    return {
      startSec: start,
      durationSec: Math.min(S, v.durationSec! - start),
      bitrateKbps: Math.max(kbps, 1),
      width: res.width,
      height: res.height,
      fps: v.fps,
    };
  });
  const display = {
    displayWidth: opts.displayWidth ?? 1920,
    displayHeight: opts.displayHeight ?? 1080,
  };
  const segments: SegmentScore[] = p1203Segments.map((s, idx) => {
    const pv = videoQualityMode0({ ...s, ...display });
    const ls = levelScoreFromQuality((pv - 1) / 4, weights);
    const seg: SegmentScore = {
      idx,
      startSec: s.startSec,
      endSec: s.startSec + s.durationSec,
      score: ls.score,
      probs: ls.probs,
      features: { pv, bitrateKbps: s.bitrateKbps, width: s.width, height: s.height, fps: s.fps },
    };
    opts.onSegment?.(seg);
    return seg;
  });
  const session = integrateSession({
    segments: p1203Segments,
    stalls: stalls.map((s) => ({ startSec: s.startSec, durationSec: s.endSec - s.startSec })),
    ...display,
  });
  const video = levelScoreFromQuality(session.O46Normalized, weights);
  const events: ScoreEvent[] = [
    ...stalls.map((s) => ({ kind: 'stall', startSec: s.startSec, endSec: s.endSec })),
    ...detectSwitches(p1203Segments, display).map((e) => ({
      kind: 'switch',
      startSec: e.startSec,
      endSec: e.endSec,
      data: { changes: e.changes, from: e.from, to: e.to, direction: e.direction },
    })),
  ];
  return {
    segments,
    events,
    video: {
      score: video.score,
      level: video.level,
      probs: video.probs,
      features: {
        O46: session.O46,
        O23: session.O23,
        O35: session.O35,
        stalls: stalls.length,
        stallSec: stalls.reduce((a, s) => a + s.endSec - s.startSec, 0),
      },
    },
  };
}
