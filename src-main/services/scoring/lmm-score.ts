// Scoring with an in-process model folder: per segment (the key and motion frames of its time range)
// and per video (frames spread over the clip within the frame budgets, the cap recorded), each one
// prefill pass whose five level logits go through the shared level-token function. Stored as a
// model run of kind 'model' (pack id: the model's id; its name, folder and files in the settings); durable like the other score jobs (segments committed as they
// come, a killed job resumes after its last committed segment, cancel keeps what was committed).
import type { ProjectStore } from '../store/project-store';
import type { SegmentScore } from './score-store';
import { runScoreJob, type ScoreJobContext } from './score-job-runner';
import { levelOfScore, scoreFromLogits, validateLevelWeights } from '../levels/level-score';
import { isAbortError } from '../media/errors';
import type { JobProgress } from '../../../src-shared/contract';
import { inspectModelFolder, type LmmFolderInfo } from '../lmm/folder';
import type { LoadedLmm, RgbFrame } from '../lmm/runtime';
import type { LmmEp, ModelPool } from '../lmm/model-pool';
import { frameSizesFor, motionLimitFor, walkVideoFrames } from '../lmm/lmm-frames';

export const LMM_SCORER_ID = 'lmm';

export interface LmmJobParams {
  scorer: typeof LMM_SCORER_ID;
  /** The registered model (id) or a folder given by path (id null). */
  model: { id: string | null; name: string; dir: string };
  ep: LmmEp;
  segmentSec: number;
  budget: { keyFrames: number; motionFrames: number };
  runId?: number;
}

const FLUSH_SEGMENTS = 4;

/** Segments of a video of this duration. */
export function segmentCount(durationSec: number | null, segmentSec: number): number {
  return durationSec ? Math.max(1, Math.ceil(durationSec / segmentSec - 1e-9)) : 1;
}

export function runLmmScoreJob(
  store: ProjectStore,
  jobId: string,
  sessions: ModelPool,
  onProgress: (p: JobProgress) => void,
  signal?: AbortSignal,
): Promise<JobProgress> {
  return runScoreJob<LmmJobParams>(store, jobId, onProgress, signal, (params) => {
    const { dir } = params.model;
    const ep = params.ep;
    let info: LmmFolderInfo;
    let settings: Record<string, unknown>;
    let provider: { provider: 'cuda' | 'cpu'; fallbackReason: string | null };
    return {
      progress: { scorer: `lmm:${params.model.name}`, segmentsTotal: 0 },
      abortedErrorIsCancel: true,
      prepare: async (ctx) => {
        info = await inspectModelFolder(dir);
        provider = await sessions.use(
          dir,
          ep,
          async (m: LoadedLmm) => ({ provider: m.provider, fallbackReason: m.fallbackReason }),
          { signal, onQueue: queueReporter(ctx).onQueue },
        );
        ctx.progress.provider = provider.provider;
        ctx.progress.providerNote = provider.fallbackReason;
        settings = runSettings(params, info);
        return {
          kind: 'model',
          packId: params.model.id ?? params.model.name,
          packVersion: info.arch,
          provider: provider.provider,
          providerNote: provider.fallbackReason,
          settings,
        };
      },
      reuse: (ctx, runId) =>
        ctx.scores.updateRun(runId, {
          provider: provider.provider,
          providerNote: provider.fallbackReason,
        }),
      score: (ctx, runId) => scoreVideos(store, ctx, runId, sessions, info, settings),
    };
  });
}

/** The run's record of the model and the frame settings (prompt and weights follow on first use). */
function runSettings(params: LmmJobParams, info: LmmFolderInfo): Record<string, unknown> {
  const { dir } = params.model;
  const sizes = frameSizesFor(dir);
  return {
    model: {
      id: params.model.id,
      name: params.model.name,
      dir,
      arch: info.arch,
      paramCount: info.paramCount,
      dtypes: info.dtypes,
      files: info.files.map((f) => ({ path: f.path, sizeBytes: f.sizeBytes, dtype: f.dtype })),
    },
    ep: params.ep,
    frames: {
      segmentSec: params.segmentSec,
      keyFrames: 'first frame of each second (1 fps)',
      motionFrames:
        info.arch === 'vqa2'
          ? 'every frame of the range, truncated to a multiple of 4'
          : 'none (the model has no motion input)',
      keySize: sizes.key,
      motionSize: sizes.motion,
      videoBudget: params.budget,
      motionFramesPerPassMax: motionLimitFor(dir),
    },
  };
}

/** Shows a wait for the shared model (behind chats or other jobs) as the job's current step. */
function queueReporter(ctx: ScoreJobContext<LmmJobParams>) {
  const r = {
    note: null as string | null,
    onQueue: (pos: number) => {
      r.note = pos > 0 ? `waiting for the model (queue position ${pos})` : null;
      if (pos > 0) {
        ctx.progress.current = r.note;
        ctx.emit();
      }
    },
  };
  return r;
}

async function scoreVideos(
  store: ProjectStore,
  ctx: ScoreJobContext<LmmJobParams>,
  runId: number,
  sessions: ModelPool,
  info: LmmFolderInfo,
  settings: Record<string, unknown>,
): Promise<Record<string, number>> {
  const { params, items, jobs, scores, progress, emit, signal, jobId } = ctx;
  const { dir } = params.model;
  const queue = queueReporter(ctx);
  /** One prefill pass on the shared session (in turn with chats and other jobs on this model). */
  const pass = (keyFrames: RgbFrame[], motionFrames: RgbFrame[]) =>
    sessions.use(dir, params.ep, (m) => m.scoreLevels({ keyFrames, motionFrames, signal }), {
      signal,
      onQueue: queue.onQueue,
    });
  const sizes = frameSizesFor(dir);
  const videos = items.map((it) => ({ it, video: store.getVideo(it.videoId) }));
  for (const { it, video } of videos) {
    const n = segmentCount(video?.durationSec ?? null, params.segmentSec);
    progress.segmentsTotal += n;
    if (it.status === 'done' || it.status === 'failed') {
      progress.segmentsDone += n;
      if (it.status === 'done') progress.videosDone++;
      else progress.videosFailed++;
    } else progress.segmentsDone += Math.min(n, scores.nextSegmentIndex(runId, it.videoId));
  }
  emit();
  const t0 = performance.now();
  const startDone = progress.segmentsDone;
  const timings = { passes: 0, passMs: 0, videos: 0 };
  let promptRecorded = false;
  const scorePass = async (keyFrames: RgbFrame[], motionFrames: RgbFrame[]) => {
    const p0 = performance.now();
    const r = await pass(keyFrames, motionFrames);
    timings.passes++;
    timings.passMs += performance.now() - p0;
    const weights = validateLevelWeights(r.weights);
    if (!promptRecorded) {
      // the prompt and weights come from the model's own files: record them once, as they were used
      scores.updateRun(runId, {
        settings: { ...settings, prompt: r.prompt, weights: [...weights] },
      });
      promptRecorded = true;
    }
    return {
      ...scoreFromLogits(r.levelLogits, weights),
      levelLogits: r.levelLogits,
      promptTokens: r.promptTokens,
    };
  };
  for (const { it, video } of videos) {
    if (it.status !== 'pending') continue;
    if (signal?.aborted) break;
    const n = segmentCount(video?.durationSec ?? null, params.segmentSec);
    const committed = Math.min(n, scores.nextSegmentIndex(runId, it.videoId));
    let settled = 0;
    const fail = (error: string) => {
      progress.segmentsDone += Math.max(0, n - committed - settled);
      ctx.failItem(it.videoId, video?.name ?? `#${it.videoId}`, error);
      emit();
    };
    if (!video) {
      fail('The video was removed from the project');
      continue;
    }
    if (video.status !== 'ok' || !video.fps) {
      fail(`Not scored: the video could not be read at import (${video.error ?? 'no metadata'})`);
      continue;
    }
    progress.current = video.name;
    emit();
    let pending: SegmentScore[] = [];
    const flush = () => {
      if (pending.length) scores.insertSegments(runId, video.id, pending);
      pending = [];
    };
    try {
      const whole = await walkVideoFrames(
        store.toAbsPath(video.path),
        { fps: video.fps, durationSec: video.durationSec },
        {
          sizes,
          segmentSec: params.segmentSec,
          startSegment: committed,
          budget: params.budget,
          motion: info.arch === 'vqa2',
          motionLimit: motionLimitFor(dir),
          signal,
          onSegment: async (s) => {
            const r = await scorePass(s.keyFrames, s.motionFrames);
            pending.push({
              idx: s.idx,
              startSec: s.startSec,
              endSec: s.endSec,
              score: r.score,
              probs: r.probs,
              features: {
                keyFrames: s.keyFrames.length,
                motionFrames: s.motionFrames.length,
                promptTokens: r.promptTokens,
              },
            });
            settled++;
            progress.segmentsDone++;
            progress.current = queue.note ?? video.name;
            progress.etaSec = ctx.eta(t0, startDone);
            if (pending.length >= FLUSH_SEGMENTS) flush();
            emit();
          },
        },
      );
      flush();
      const v = await scorePass(whole.keyFrames, whole.motionFrames);
      const features = {
        keyFrames: whole.keyFrames.length,
        motionFrames: whole.motionFrames.length,
        keyFramesInVideo: whole.keyTotal,
        motionFramesInVideo: whole.motionTotal,
        frameBudgetCapped: whole.capped ? 1 : 0,
        promptTokens: v.promptTokens,
      };
      store.connection.transaction(() => {
        scores.writeVideoResult(
          {
            runId,
            videoId: video.id,
            score: v.score,
            level: levelOfScore(v.score),
            probs: v.probs,
            features,
          },
          [],
        );
        jobs.markItem(jobId, video.id, 'done');
      })();
      progress.videosDone++;
      timings.videos++;
      emit();
    } catch (e) {
      flush(); // keep what was computed: a resume continues from here
      if (isAbortError(e) || signal?.aborted || (e as Error).name === 'AbortError') break;
      fail((e as Error).message);
    }
  }
  return timings;
}
