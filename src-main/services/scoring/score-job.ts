// Score jobs: durable (job + items in the project file), resumable after a crash, cancellable,
// with progress in segments and an ETA. Each video's final result, events and job item are
// committed in one transaction; segment scores are committed in batches as they come.
import type { ProjectStore } from '../store/project-store';
import { JobStore, type JobRecord } from '../jobs/job-store';
import { ScoreStore, type SegmentScore } from './score-store';
import { PackScorer, resolvePackDir } from './pack-scorer';
import { aggregateSegments, qualityDropEvents } from './video-aggregate';
import { STREAMING_SCORER_ID, STREAMING_SCORER_VERSION, scoreStreaming } from './streaming-scorer';
import { isAbortError } from '../media/errors';
import { levelOfScore, validateLevelWeights, DEFAULT_LEVEL_WEIGHTS } from '../levels/level-score';
import type { ProviderName } from '../inference/packs';
import type { JobProgress } from '../../../src-shared/contract';
import { StudioError } from '../../../src-shared/contract-errors';
import {
  ENGINE_SCORER_ID,
  runEngineScoreJob,
  type EngineJobParams,
  type EngineResolver,
} from './engine-score';
import { LMM_SCORER_ID, runLmmScoreJob, type LmmJobParams } from './lmm-score';
import { modelPool } from '../lmm/model-pool';
import { throttle } from '../util/throttle';

export const SCORE_JOB = 'score';

export interface ScoreJobParams {
  scorer: string; // a pack id (e.g. 'builtin-nr'), 'p1203-mode0', 'engine' (OpenAI-compatible LMM) or 'lmm' (LmmJobParams)
  providers: ProviderName[];
  segmentSec?: number;
  runId?: number;
  concurrency?: number;
  /** For scorer 'engine': the engine (no key; keyRef names where it lives). */
  engine?: EngineJobParams['engine'];
  weights?: number[];
}

/** Progress of a score job: the contract's JobProgress, emitted as the `job.progress` event. */
export type ScoreProgress = JobProgress;

const FLUSH_SEGMENTS = 8;
const FLUSH_MS = 1000;
const PROGRESS_MS = 200;

export class ScoreJobs {
  readonly jobs: JobStore;
  readonly scores: ScoreStore;

  constructor(
    private readonly store: ProjectStore,
    private readonly appRoot: string,
    private readonly onProgress: (p: ScoreProgress) => void = () => undefined,
    /** Resolves an engine job's engine (and key); without one, engine jobs fail with a clear error. */
    private readonly engineResolver?: EngineResolver,
  ) {
    this.jobs = new JobStore(store.connection);
    this.scores = new ScoreStore(store.connection);
  }

  create(videoIds: number[], params: ScoreJobParams | LmmJobParams): JobRecord {
    if (!videoIds.length) throw new StudioError('BAD_INPUT', 'No videos to score');
    return this.jobs.create(SCORE_JOB, { ...params }, videoIds);
  }

  unfinished(): JobRecord[] {
    return this.jobs.unfinished(SCORE_JOB);
  }

  /** Run (or resume) a job until its pending items are done, it fails, or the signal aborts. */
  async run(jobId: string, signal?: AbortSignal): Promise<ScoreProgress> {
    const job = this.jobs.get(jobId);
    if (!job) throw new StudioError('BAD_INPUT', `No job ${jobId}`);
    const params = job.params as unknown as ScoreJobParams;
    if (params.scorer === ENGINE_SCORER_ID) {
      const resolve: EngineResolver =
        this.engineResolver ??
        (() => {
          throw new StudioError('BAD_INPUT', 'This host cannot reach OpenAI-compatible engines');
        });
      return runEngineScoreJob(this.store, jobId, resolve, this.onProgress, signal);
    }
    if (params.scorer === LMM_SCORER_ID)
      return runLmmScoreJob(this.store, jobId, modelPool(), this.onProgress, signal);
    const items = this.jobs.items(jobId);
    const videos = items.map((i) => ({ item: i, video: this.store.getVideo(i.videoId) }));
    const isStreaming = params.scorer === STREAMING_SCORER_ID || params.scorer === 'p1203';
    let scorer: PackScorer | null = null;
    const progress: ScoreProgress = {
      jobId,
      runId: params.runId ?? null,
      status: 'running',
      scorer: params.scorer,
      provider: null,
      providerNote: null,
      segmentsDone: 0,
      segmentsTotal: 0,
      videosDone: 0,
      videosFailed: 0,
      videosTotal: items.length,
      etaSec: null,
      current: null,
      errors: [],
    };
    const gate = throttle(PROGRESS_MS);
    const emit = (force = false) => {
      if (!gate.pass(force)) return;
      this.onProgress({ ...progress, errors: [...progress.errors] });
    };

    try {
      let segmentSec: number;
      let weights = validateLevelWeights(DEFAULT_LEVEL_WEIGHTS);
      if (isStreaming) {
        segmentSec = params.segmentSec ?? 2;
        progress.provider = 'cpu';
      } else {
        scorer = await PackScorer.create(resolvePackDir(this.appRoot, params.scorer), {
          providers: params.providers,
          segmentSec: params.segmentSec,
        });
        segmentSec = scorer.segmentSec;
        weights = scorer.weights;
        progress.provider = scorer.provider;
        progress.providerNote = scorer.providerNote;
      }
      let runId = params.runId;
      if (runId === undefined || !this.scores.getRun(runId)) {
        const run = this.scores.createRun({
          kind: isStreaming ? 'streaming' : 'pack',
          packId: isStreaming ? STREAMING_SCORER_ID : scorer!.pack.manifest.id,
          packVersion: isStreaming ? STREAMING_SCORER_VERSION : scorer!.pack.manifest.version,
          provider: progress.provider,
          providerNote: progress.providerNote,
          settings: isStreaming ? { segmentSec, weights: [...weights] } : scorer!.settings,
          jobId,
        });
        runId = run.id;
        this.jobs.setParams(jobId, { ...params, runId });
      } else {
        this.scores.updateRun(runId, {
          provider: progress.provider!,
          providerNote: progress.providerNote,
        });
      }
      progress.runId = runId;
      this.jobs.setStatus(jobId, 'running');

      for (const { item, video } of videos) {
        const n = video?.durationSec
          ? Math.max(1, Math.ceil(video.durationSec / segmentSec - 1e-9))
          : 1;
        progress.segmentsTotal += n;
        if (item.status === 'done') {
          progress.segmentsDone += n;
          progress.videosDone++;
        } else if (item.status === 'pending') {
          progress.segmentsDone += Math.min(n, this.scores.nextSegmentIndex(runId, item.videoId));
        } else if (item.status === 'failed') {
          progress.videosFailed++;
          progress.segmentsDone += n;
        }
      }
      const startDone = progress.segmentsDone;
      const t0 = performance.now();
      const updateEta = () => {
        const rate = (progress.segmentsDone - startDone) / ((performance.now() - t0) / 1000);
        progress.etaSec = rate > 0 ? (progress.segmentsTotal - progress.segmentsDone) / rate : null;
      };
      emit(true);
      const timings = { decodeWaitMs: 0, inferMs: 0, totalMs: 0, videos: 0 };

      const scoreOne = async ({ item, video }: (typeof videos)[number]): Promise<void> => {
        const segmentsOfItem = video?.durationSec
          ? Math.max(1, Math.ceil(video.durationSec / segmentSec - 1e-9))
          : 1;
        const committedBefore = Math.min(
          segmentsOfItem,
          this.scores.nextSegmentIndex(runId, item.videoId),
        );
        let segsThisVideo = 0;
        const fail = (error: string) => {
          this.store.connection.transaction(() =>
            this.jobs.markItem(jobId, item.videoId, 'failed', error),
          )();
          // a failed video's remaining segments will not come: count them as settled
          progress.segmentsDone += Math.max(0, segmentsOfItem - committedBefore - segsThisVideo);
          progress.videosFailed++;
          progress.errors.push({
            videoId: item.videoId,
            name: video?.name ?? `#${item.videoId}`,
            error,
          });
          emit(true);
        };
        if (!video) {
          fail('The video was removed from the project');
          return;
        }
        if (video.status !== 'ok' || !video.width || !video.height || !video.fps) {
          fail(
            `Not scored: the video could not be read at import (${video.error ?? 'no metadata'})`,
          );
          return;
        }
        progress.current = video.name;
        emit(true);
        const absPath = this.store.toAbsPath(video.path);
        const info = {
          absPath,
          width: video.width,
          height: video.height,
          fps: video.fps,
          durationSec: video.durationSec,
          codec: video.codec,
        };
        let pending: SegmentScore[] = [];
        let lastFlush = performance.now();
        const flush = () => {
          if (pending.length) this.scores.insertSegments(runId!, video.id, pending);
          pending = [];
          lastFlush = performance.now();
        };
        const onSegment = (s: SegmentScore) => {
          pending.push(s);
          segsThisVideo++;
          progress.segmentsDone++;
          updateEta();
          if (pending.length >= FLUSH_SEGMENTS || performance.now() - lastFlush > FLUSH_MS) flush();
          emit();
        };
        try {
          if (isStreaming) {
            const r = await scoreStreaming(info, { segmentSec, weights, signal });
            // streaming results are computed per video as a whole; commit them together
            this.store.connection.transaction(() => {
              this.scores.insertSegments(runId!, video.id, r.segments);
              this.scores.writeVideoResult(
                {
                  runId: runId!,
                  videoId: video.id,
                  score: r.video.score,
                  level: levelOfScore(r.video.score),
                  probs: r.video.probs,
                  features: r.video.features,
                },
                r.events,
              );
              this.jobs.markItem(jobId, video.id, 'done');
            })();
            progress.segmentsDone += r.segments.length;
            progress.videosDone++;
            updateEta();
            emit(true);
            return;
          }
          const startSegment = this.scores.nextSegmentIndex(runId, video.id);
          const r = await scorer!.scoreVideo(info, { startSegment, signal, onSegment });
          flush();
          timings.decodeWaitMs += r.timings.decodeWaitMs;
          timings.inferMs += r.timings.inferMs;
          timings.totalMs += r.timings.totalMs;
          timings.videos++;
          const segments = this.scores.segments(runId, video.id);
          const agg = aggregateSegments(segments, weights, scorer!.videoPooling);
          const events = [...r.events, ...qualityDropEvents(segments)];
          this.store.connection.transaction(() => {
            this.scores.writeVideoResult({ runId: runId!, videoId: video.id, ...agg }, events);
            this.jobs.markItem(jobId, video.id, 'done');
          })();
          progress.videosDone++;
          emit(true);
        } catch (e) {
          flush(); // keep what was computed: a resume continues from here
          if (isAbortError(e) || signal?.aborted) return;
          fail((e as Error).message);
        }
      };

      // Videos in parallel (setting `concurrency`, default 1): decode of one overlaps inference of another.
      const queue = videos.filter((x) => x.item.status === 'pending');
      const workers = Array.from(
        { length: Math.max(1, Math.min(params.concurrency ?? 1, queue.length)) },
        async () => {
          for (let next = queue.shift(); next && !signal?.aborted; next = queue.shift())
            await scoreOne(next);
        },
      );
      await Promise.all(workers);
      if (scorer) this.scores.updateRun(runId, { timings });
      const counts = this.jobs.counts(jobId);
      progress.current = null;
      if (signal?.aborted && counts.pending > 0) {
        this.jobs.setStatus(jobId, 'cancelled');
        progress.status = 'cancelled';
      } else {
        this.jobs.setStatus(jobId, 'done');
        this.scores.updateRun(runId, { finished: true });
        progress.status = 'done';
      }
      progress.etaSec = 0;
      emit(true);
      return progress;
    } catch (e) {
      this.jobs.setStatus(jobId, 'failed', (e as Error).message);
      progress.status = 'failed';
      progress.errors.push({ videoId: 0, name: 'job', error: (e as Error).message });
      emit(true);
      throw e;
    } finally {
      await scorer?.release();
    }
  }
}
