// LMM scoring through an OpenAI-compatible engine: VQA²'s rating prompt, the next token's top
// log-probabilities, the shared level-token function; stored as a model run of kind 'engine' like
// any other run. A video whose answer carries no level log-probabilities fails with a clear error
// and gets no score: nothing is guessed.
import type { ProjectStore } from '../store/project-store';
import { runScoreJob, type ScoreJobContext } from './score-job-runner';
import {
  DEFAULT_LEVEL_WEIGHTS,
  LevelScoreError,
  type LevelWeights,
  levelOfScore,
  validateLevelWeights,
} from '../levels/level-score';
import type { JobProgress } from '../../../src-shared/contract';
import { OpenAiEngine, type EngineConfig } from '../engines/openai-engine';
import { EngineError, isCancel } from '../engines/engine';

export const ENGINE_SCORER_ID = 'engine';

/** What a score job stores about its engine (no key: `keyRef` names where the key lives). */
export interface EngineJobParams {
  scorer: typeof ENGINE_SCORER_ID;
  engine: {
    baseUrl: string;
    model: string;
    keyRef: string | null;
    prefill?: EngineConfig['prefill'];
    frames?: EngineConfig['frames'];
    timeoutMs?: number;
    /** Further replicas of the model, and requests in flight per replica. */
    replicaUrls?: string[];
    concurrency?: number;
  };
  weights?: number[];
  runId?: number;
}

/** Turns a job's engine params into an engine (resolving the key); null when it cannot. */
export type EngineResolver = (p: EngineJobParams['engine']) => EngineConfig;

export function runEngineScoreJob(
  store: ProjectStore,
  jobId: string,
  resolve: EngineResolver,
  onProgress: (p: JobProgress) => void,
  signal?: AbortSignal,
): Promise<JobProgress> {
  return runScoreJob<EngineJobParams>(store, jobId, onProgress, signal, (params) => {
    let pool: OpenAiEngine['pool'] | null = null;
    let engine: OpenAiEngine;
    let weights: LevelWeights;
    return {
      progress: {
        scorer: `engine:${params.engine.model}`,
        provider: 'engine',
        providerNote: params.engine.baseUrl,
      },
      decorate: (p) => (pool && pool.urls.length > 1 ? { ...p, replicas: pool.stats() } : p),
      prepare: () => {
        weights = validateLevelWeights(params.weights ?? DEFAULT_LEVEL_WEIGHTS);
        const config = resolve(params.engine);
        engine = new OpenAiEngine(store, config);
        pool = engine.pool;
        return Promise.resolve({
          kind: 'engine' as const,
          packId: engine.id,
          packVersion: '1',
          provider: 'engine',
          providerNote: config.baseUrl,
          settings: {
            baseUrl: config.baseUrl,
            model: config.model,
            weights: [...weights],
            prefill: config.prefill ?? 'continue_final_message',
            topLogprobs: 20,
            frames: { ...config.frames },
          },
        });
      },
      score: (ctx, runId) => scoreVideos(store, ctx, runId, engine, weights),
    };
  });
}

/** Scores the pending videos, one worker per request the engine's replicas can take at once. */
async function scoreVideos(
  store: ProjectStore,
  ctx: ScoreJobContext<EngineJobParams>,
  runId: number,
  engine: OpenAiEngine,
  weights: LevelWeights,
): Promise<Record<string, number>> {
  const { items, jobs, scores, progress, emit, signal, jobId } = ctx;
  for (const it of items) {
    if (it.status !== 'pending') {
      progress.segmentsDone++;
      if (it.status === 'done') progress.videosDone++;
      if (it.status === 'failed') progress.videosFailed++;
    }
  }
  emit();
  const t0 = performance.now();
  const startDone = progress.segmentsDone;
  const timings = { totalMs: 0, videos: 0 };
  const pending = items.filter((i) => i.status === 'pending');
  // Videos are scored in parallel, each result committed as it arrives.
  const scoreOne = async (it: (typeof pending)[number]): Promise<'stop' | void> => {
    const video = store.getVideo(it.videoId);
    progress.current = video?.name ?? `#${it.videoId}`;
    emit();
    const v0 = performance.now();
    try {
      if (!video || video.status !== 'ok')
        throw new Error(
          video
            ? `Not scored: the video could not be read at import (${video.error ?? 'no metadata'})`
            : 'The video was removed from the project',
        );
      const r = await engine.scoreVideo(it.videoId, { weights, signal });
      store.connection.transaction(() => {
        scores.writeVideoResult(
          {
            runId,
            videoId: it.videoId,
            score: r.score,
            level: levelOfScore(r.score),
            probs: r.probs,
            features: {},
          },
          [],
        );
        jobs.markItem(jobId, it.videoId, 'done');
      })();
      progress.videosDone++;
      timings.totalMs += performance.now() - v0;
      timings.videos++;
    } catch (e) {
      if (isCancel(e, signal)) return 'stop';
      const msg =
        e instanceof EngineError || e instanceof LevelScoreError
          ? `${e.message}${e instanceof LevelScoreError ? ' No score was stored.' : ''}`
          : (e as Error).message;
      ctx.failItem(it.videoId, video?.name ?? `#${it.videoId}`, msg);
    }
    progress.segmentsDone++;
    progress.etaSec = ctx.eta(t0, startDone);
    emit();
  };
  let next = 0;
  const worker = async () => {
    while (!signal?.aborted) {
      const it = pending[next++];
      if (!it || (await scoreOne(it)) === 'stop') return;
    }
  };
  // Replica figures (requests in flight) change between videos too: refresh them every second.
  const ticker = engine.pool.urls.length > 1 ? setInterval(emit, 1000) : null;
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(engine.pool.capacity, pending.length)) }, worker),
    );
  } finally {
    if (ticker) clearInterval(ticker);
  }
  return timings;
}
