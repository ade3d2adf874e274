// Scores one video with an ONNX model pack: frames are streamed segment by segment (bounded
// memory), each segment's key + motion frames go through the pack's segment model, its level
// logits through VQA²'s level-token function. Segments are handed out in batches for commit.
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { sampleFrames, type SecondOfFrames } from '../media/frames';
import {
  createSession,
  describeProvider,
  loadPack,
  type LoadedPack,
  type ProviderName,
  type SessionInfo,
} from '../inference/packs';
import { WorkerSession, type Feeds, type FloatFeeds } from '../inference/session-worker';
import { scoreFromLogits, validateLevelWeights, type LevelWeights } from '../levels/level-score';
import { FreezeDetector } from './temporal';
import { SEGMENT_MEASURES } from './quality-head';
import type { ScoreEvent, SegmentScore } from './score-store';
import { videoPoolingOf, type VideoPooling } from './video-aggregate';

export const BUILTIN_PACK_DIR = 'resources/models/builtin-nr';
export const SEGMENT_MODEL = 'segment.onnx';
/** Feature keys of the segment model's measures, in output order (stored as `brisque`, not `brisque_mean`). */
export const MEASURE_NAMES = SEGMENT_MEASURES.map((m) => (m === 'brisque_mean' ? 'brisque' : m));

export interface VideoInfo {
  absPath: string;
  width: number;
  height: number;
  fps: number;
  durationSec: number | null;
}

export interface PackScorerOptions {
  segmentSec?: number;
  weights?: ArrayLike<number>;
  signal?: AbortSignal;
  /** First segment to compute (resume); earlier ones are already committed. */
  startSegment?: number;
  /** Called with each finished segment, in order; the caller commits (in batches). */
  onSegment?: (s: SegmentScore) => void;
}

export interface PackVideoResult {
  events: ScoreEvent[];
  segmentsComputed: number;
  timings: { decodeWaitMs: number; inferMs: number; totalMs: number };
}

/** Segments handed to the model before the oldest one's result is awaited. */
const MAX_IN_FLIGHT = 2;

/** Frames back to back in a fresh array that owns its ArrayBuffer (safe to transfer). */
function concatFrames(frames: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** Fit (w, h) inside a box keeping the aspect ratio, never upscaling; even sizes for ffmpeg. */
export function fitInside(
  w: number,
  h: number,
  boxW: number,
  boxH: number,
): { width: number; height: number } {
  const s = Math.min(1, boxW / w, boxH / h);
  const even = (x: number) => Math.max(8, 2 * Math.round((x * s) / 2));
  return { width: even(w), height: even(h) };
}

export function resolvePackDir(appRoot: string, packId = 'builtin-nr'): string {
  if (packId !== 'builtin-nr' && !/^[a-z0-9][a-z0-9._-]*$/.test(packId))
    throw new Error(`Bad pack id ${packId}`);
  return path.join(appRoot, 'resources', 'models', packId);
}

/**
 * How the cores are shared when the model runs on the CPU: decoding and inference overlap, so
 * ffmpeg gets half the cores (at least one) and ONNX Runtime the rest (at least one). Left to
 * itself ffmpeg starts a thread per core for a 640x360 decode and spends a third more CPU time on
 * it than one thread does (measured in bench/score-bench.ts), time the model then lacks. With a
 * GPU provider ffmpeg keeps its own choice.
 */
export function cpuThreadSplit(cores = os.availableParallelism()): {
  decode: number;
  model: number;
} {
  const decode = Math.max(1, Math.floor(cores / 2));
  return { decode, model: Math.max(1, cores - decode) };
}

/** A loaded pack with its segment-model session; create once, score many videos, release. */
export class PackScorer {
  private constructor(
    readonly pack: LoadedPack,
    private readonly info: SessionInfo,
    readonly segmentSec: number,
    readonly weights: LevelWeights,
    /** The model in a worker thread (default), so decoding goes on while it runs. */
    private readonly worker: WorkerSession | null,
    /** ffmpeg's threads while scoring (0: ffmpeg's own choice). */
    readonly decodeThreads: number,
  ) {}

  static async create(
    packDir: string,
    opts: {
      providers?: ProviderName[];
      segmentSec?: number;
      weights?: ArrayLike<number>;
      /** ONNX Runtime intra-op threads; default: cpuThreadSplit().model (0: ONNX Runtime's own). */
      threads?: number;
      /** ffmpeg threads while scoring; default on CPU: cpuThreadSplit().decode (0: ffmpeg's own). */
      decodeThreads?: number;
      /** Whether idle intra-op threads spin; default false on CPU (ffmpeg wants the cycles). */
      spinning?: boolean;
      /** false: run the model on the calling thread (decoding then pauses while it runs). */
      worker?: boolean;
    } = {},
  ) {
    const pack = loadPack(packDir);
    const sc = pack.manifest.scoring;
    if (!sc)
      throw new Error(`Pack ${pack.manifest.id} has no "scoring" section: it cannot score videos`);
    const segmentSec = opts.segmentSec ?? sc.segmentSec;
    if (!Number.isInteger(segmentSec) || segmentSec < 1) {
      throw new Error(
        `Segment length must be a whole number of seconds ≥ 1 (key frames are sampled at 1 fps); got ${segmentSec}`,
      );
    }
    const weights = validateLevelWeights(opts.weights ?? sc.levelWeights);
    const providers = opts.providers ?? ['cuda', 'cpu'];
    const threads = opts.threads ?? cpuThreadSplit().model;
    const info = await createSession(pack, SEGMENT_MODEL, providers, threads, opts.spinning);
    const decodeThreads =
      opts.decodeThreads ?? (info.provider === 'cpu' ? cpuThreadSplit().decode : 0);
    if (opts.worker === false)
      return new PackScorer(pack, info, segmentSec, weights, null, decodeThreads);
    // The session above chose the provider and checked the model against the manifest; the
    // worker runs the same model with the same options, and the first session is let go.
    const worker = new WorkerSession(path.join(pack.dir, SEGMENT_MODEL), {
      provider: info.provider,
      threads,
      spinning: opts.spinning ?? (info.provider === 'cpu' ? false : undefined),
    });
    await info.session.release();
    return new PackScorer(pack, info, segmentSec, weights, worker, decodeThreads);
  }

  get provider(): string {
    return this.info.provider;
  }
  get providerNote(): string | null {
    return this.info.fallbacks.length ? describeProvider(this.info) : null;
  }
  /** The pack's video-pooled penalties. */
  get videoPooling(): VideoPooling | null {
    return videoPoolingOf(this.pack.manifest);
  }
  get settings() {
    return {
      segmentSec: this.segmentSec,
      weights: [...this.weights],
      keyFrame: this.pack.manifest.scoring!.keyFrame,
      motionFrame: this.pack.manifest.scoring!.motionFrame,
    };
  }

  async release(): Promise<void> {
    if (this.worker) await this.worker.release();
    else await this.info.session.release();
  }

  private async infer(feeds: Feeds): Promise<FloatFeeds> {
    if (this.worker) return this.worker.run(feeds);
    const out = await this.info.session.run(
      Object.fromEntries(
        Object.entries(feeds).map(([k, f]) => [
          k,
          f.data instanceof Float32Array
            ? new ort.Tensor('float32', f.data, f.dims)
            : new ort.Tensor('uint8', f.data, f.dims),
        ]),
      ),
    );
    return Object.fromEntries(
      Object.entries(out).map(([k, t]) => [k, { data: t.data as Float32Array, dims: t.dims }]),
    );
  }

  async scoreVideo(v: VideoInfo, opts: PackScorerOptions = {}): Promise<PackVideoResult> {
    const t0 = performance.now();
    const sc = this.pack.manifest.scoring!;
    const key = fitInside(v.width, v.height, sc.keyFrame.width, sc.keyFrame.height);
    const mo = sc.motionFrame;
    const S = this.segmentSec;
    const startSegment = opts.startSegment ?? 0;
    // the segment model's relative pair rule: a calm shot gives no frozen spans
    const freeze = new FreezeDetector(
      v.fps,
      undefined,
      null,
      Math.round(startSegment * S * Math.round(v.fps)),
    );
    let decodeWaitMs = 0;
    let inferMs = 0;
    let lastResultAt = 0;
    let computed = 0;
    let prevMotion: Buffer | null = null;
    let group: SecondOfFrames[] = [];
    const segmentScores: number[] = [];

    const runSegment = async (seconds: SecondOfFrames[]) => {
      const idx = Math.floor(seconds[0]!.second / S);
      // The model takes the frames as ffmpeg gives them (8-bit rgb24 and grey): no conversion
      // here. Each feed gets its own ArrayBuffer, as it is handed over to the worker thread.
      const keys = concatFrames(seconds.map((s) => s.key));
      const motion = [...(prevMotion ? [prevMotion] : []), ...seconds.flatMap((s) => s.motion)];
      // the next segment starts from this one's last frame (set now: it may be built before this
      // one's result is back)
      prevMotion = seconds[seconds.length - 1]!.motion.at(-1) ?? prevMotion;
      if (motion.length === 0) motion.push(Buffer.alloc(mo.width * mo.height));
      const t = performance.now();
      const out = await this.infer({
        key_frames: { data: keys, dims: [seconds.length, key.height, key.width, 3] },
        motion_frames: {
          data: concatFrames(motion),
          dims: [motion.length, mo.height, mo.width],
        },
      });
      // the model's busy time: from the hand-over, or from the previous result if this segment
      // waited behind it (results come back in order)
      const done = performance.now();
      inferMs += done - Math.max(t, lastResultAt);
      lastResultAt = done;
      const logits = out['level_logits']!.data;
      const measures = out['measures']!.data;
      const quality = out['quality']!.data[0]!;
      const ls = scoreFromLogits(logits, this.weights);
      const features: Record<string, number> = { quality };
      MEASURE_NAMES.forEach((n, i) => (features[n] = measures[i]!));
      const last = seconds[seconds.length - 1]!;
      const endSec =
        v.durationSec != null ? Math.min((idx + 1) * S, v.durationSec) : last.second + 1;
      const seg: SegmentScore = {
        idx,
        startSec: idx * S,
        endSec: Math.max(endSec, idx * S + 1 / v.fps),
        score: ls.score,
        probs: ls.probs,
        features,
      };
      segmentScores.push(ls.score);
      computed++;
      opts.onSegment?.(seg);
    };

    // Decode and inference overlap: a finished segment goes to ONNX Runtime (in its worker thread,
    // so this thread keeps draining ffmpeg's pipes) while ffmpeg decodes the next one. Up to
    // MAX_IN_FLIGHT segments are handed over, so the model finds the next one waiting when it
    // finishes one instead of waiting for this thread to be scheduled (bounded memory: a few
    // MB); the worker answers in order, so onSegment sees the segments in order.
    const inflight: Promise<void>[] = [];
    const submit = async (seconds: SecondOfFrames[]) => {
      if (inflight.length >= MAX_IN_FLIGHT) await inflight.shift();
      const run = runSegment(seconds);
      run.catch(() => undefined); // handled where it is awaited; no unhandled-rejection report meanwhile
      inflight.push(run);
    };
    let tWait = performance.now();
    try {
      for await (const sec of sampleFrames(
        v.absPath,
        {
          keyWidth: key.width,
          keyHeight: key.height,
          motionWidth: mo.width,
          motionHeight: mo.height,
        },
        {
          fps: v.fps,
          startSecond: startSegment * S,
          signal: opts.signal,
          threads: this.decodeThreads || undefined,
        },
      )) {
        decodeWaitMs += performance.now() - tWait;
        for (const m of sec.motion) freeze.push(m);
        if (group.length && Math.floor(sec.second / S) !== Math.floor(group[0]!.second / S)) {
          await submit(group);
          group = [];
        }
        group.push(sec);
        tWait = performance.now();
      }
      if (group.length) await submit(group);
    } catch (e) {
      // the segment in flight finishes (or fails) before the error leaves: nothing runs after return
      await Promise.allSettled(inflight);
      throw e;
    }
    for (const run of inflight) await run;

    const events: ScoreEvent[] = freeze
      .finish()
      .map((s) => ({ kind: 'freeze', startSec: s.startSec, endSec: s.endSec }));
    return {
      events,
      segmentsComputed: computed,
      timings: { decodeWaitMs, inferMs, totalMs: performance.now() - t0 },
    };
  }
}
