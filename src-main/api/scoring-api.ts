// Scoring calls of the API: lists scorers, queues score jobs (one runs at a time), resumes jobs a
// killed process left unfinished when a project opens, and answers per-video score queries.
import fs from 'node:fs';
import path from 'node:path';
import {
  ApiError,
  type CallInput,
  type CallOutput,
  type JobProgress,
  type ScorerInfo,
} from '../../src-shared/contract';
import type { ProjectStore } from '../services/store/project-store';
import { ScoreJobs, type ScoreJobParams } from '../services/scoring/score-job';
import { ScoreQueue } from '../services/scoring/score-queue';
import { loadPack } from '../services/inference/packs';
import {
  STREAMING_SCORER_ID,
  STREAMING_SCORER_VERSION,
} from '../services/scoring/streaming-scorer';
import { levelOfScore } from '../services/levels/level-score';
import { ChatStore } from '../services/assistant/chat-store';
import { engineConfigOf, toEngineView } from '../services/assistant/engines';
import { ENGINE_SCORER_ID, type EngineResolver } from '../services/scoring/engine-score';
import { secretStore } from '../services/assistant/secrets';
import type { ModelsApi } from './models-api';

/** Score-job scorer id of a configured OpenAI-compatible engine: `engine.<engine id>`. */
export const ENGINE_SCORER_PREFIX = 'engine.';

/** Resolves a stored engine job's engine, fetching its key from the host's secret store now. */
export const resolveEngine: EngineResolver = (p) => ({
  baseUrl: p.baseUrl,
  model: p.model,
  apiKey: p.keyRef ? secretStore().get(p.keyRef) : null,
  timeoutMs: p.timeoutMs,
  frames: p.frames,
  prefill: p.prefill,
  replicaUrls: p.replicaUrls,
  concurrency: p.concurrency,
});

export class ScoringApi {
  private jobs: ScoreJobs | null = null;
  private queue: ScoreQueue | null = null;
  private last = new Map<string, JobProgress>();

  constructor(
    private readonly appRoot: string,
    private readonly emitProgress: (p: JobProgress) => void,
    private readonly onVideoScored: () => void,
    /** Registered in-process models: offered as scorers `lmm.<id>`. */
    private readonly models?: ModelsApi,
  ) {}

  /** Attach to a newly opened project and resume its unfinished jobs. */
  attach(store: ProjectStore): void {
    this.detach();
    this.jobs = new ScoreJobs(
      store,
      this.appRoot,
      (p) => {
        this.last.set(p.jobId, p);
        this.emitProgress(p);
      },
      resolveEngine,
    );
    this.queue = new ScoreQueue(this.jobs, { onSettled: () => this.onVideoScored() });
    for (const { done } of this.queue.resumeUnfinished()) void done.catch(() => undefined);
  }

  detach(): void {
    this.queue?.stop();
    this.queue = null;
    this.jobs = null;
    this.last.clear();
  }

  /** Resolves when no job is queued or running (tests, CLI). */
  async idle(): Promise<void> {
    await this.queue?.idle();
  }

  scorers(): ScorerInfo[] {
    const dir = path.join(this.appRoot, 'resources', 'models');
    const out: ScorerInfo[] = [];
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
      try {
        const { manifest: m } = loadPack(path.join(dir, name));
        if (!m.scoring) continue;
        out.push({
          id: m.id,
          name: m.name,
          kind: 'pack',
          version: m.version,
          description: m.description,
          segmentSec: m.scoring.segmentSec,
          providers: m.models.find((x) => x.file === 'segment.onnx')?.executionProviders ?? ['cpu'],
        });
      } catch {
        // an invalid pack is not offered; loading it explicitly reports why
      }
    }
    out.push({
      id: STREAMING_SCORER_ID,
      name: 'Streaming QoE (ITU-T P.1203 mode 0)',
      kind: 'streaming',
      version: STREAMING_SCORER_VERSION,
      description:
        'Session quality of a recorded stream from bitrate, resolution and frame rate per segment (P.1203.1 mode 0) with stalls detected as frozen spans (P.1203.3). H.264 only.',
      segmentSec: 2,
      providers: ['cpu'],
    });
    return [...out, ...(this.models?.scorers() ?? [])];
  }

  private requireJobs(): ScoreJobs {
    if (!this.jobs)
      throw new ApiError('NO_PROJECT', 'No project is open. Create or open one first.');
    return this.jobs;
  }

  start(store: ProjectStore, input: CallInput<'score.start'>): { jobId: string } {
    const jobs = this.requireJobs();
    if (input.scorer.startsWith(ENGINE_SCORER_PREFIX)) return this.startEngine(store, input);
    const lmm = this.models?.jobParams(input.scorer, input);
    if (lmm) {
      const ids = input.all ? store.videoIds({ status: 'ok' }) : input.videoIds!;
      if (!ids.length) throw new ApiError('BAD_INPUT', 'There are no readable videos to score');
      const job = jobs.create(ids, lmm);
      this.enqueue(job.id);
      return { jobId: job.id };
    }
    if (
      !this.scorers().some(
        (s) => s.id === input.scorer || (input.scorer === 'p1203' && s.id === STREAMING_SCORER_ID),
      )
    ) {
      throw new ApiError(
        'BAD_INPUT',
        `Unknown scorer "${input.scorer}" (available: ${this.scorers()
          .map((s) => s.id)
          .join(', ')})`,
      );
    }
    const ids = input.all ? store.videoIds({ status: 'ok' }) : input.videoIds!;
    if (!ids.length) throw new ApiError('BAD_INPUT', 'There are no readable videos to score');
    const params: ScoreJobParams = {
      scorer: input.scorer,
      providers: input.providers ?? ['cuda', 'cpu'],
      segmentSec: input.segmentSec,
      concurrency: input.concurrency,
    };
    const job = jobs.create(ids, params);
    this.enqueue(job.id);
    return { jobId: job.id };
  }

  /** Score with a configured OpenAI-compatible engine (level tokens from log-probabilities). */
  private startEngine(store: ProjectStore, input: CallInput<'score.start'>): { jobId: string } {
    const jobs = this.requireJobs();
    const engineId = input.scorer.slice(ENGINE_SCORER_PREFIX.length);
    const rec = new ChatStore(store).engine(engineId);
    if (!rec)
      throw new ApiError(
        'BAD_INPUT',
        `No engine "${engineId}" is configured (add one in the Assistant panel)`,
      );
    const cfg = engineConfigOf(rec);
    const view = toEngineView(rec);
    const ids = input.all ? store.videoIds({ status: 'ok' }) : input.videoIds!;
    if (!ids.length) throw new ApiError('BAD_INPUT', 'There are no readable videos to score');
    const job = jobs.create(ids, {
      scorer: ENGINE_SCORER_ID,
      providers: ['cpu'],
      engine: {
        baseUrl: cfg.baseUrl,
        model: cfg.model,
        keyRef: rec.keyRef,
        prefill: view.prefill,
        frames: { maxFrames: view.maxFrames, maxSide: view.maxSide },
        timeoutMs: view.timeoutSec * 1000,
        ...(cfg.replicaUrls?.length ? { replicaUrls: cfg.replicaUrls } : {}),
        concurrency: cfg.concurrency,
      },
    });
    this.enqueue(job.id);
    return { jobId: job.id };
  }

  cancel(jobId: string): { cancelled: boolean } {
    this.requireJobs();
    return { cancelled: this.queue?.cancel(jobId) ?? false };
  }

  list(store?: ProjectStore): JobProgress[] {
    const jobs = this.requireJobs();
    return jobs.jobs
      .list(20)
      .filter((j) => j.kind === 'score')
      .map((j) => {
        const live = this.last.get(j.id);
        if (live)
          return {
            ...live,
            status: j.status === 'running' || j.status === 'queued' ? live.status : j.status,
          };
        const c = jobs.jobs.counts(j.id);
        const total = c.pending + c.done + c.failed + c.cancelled;
        // a job this process did not run (the CLI's, or one before a restart): its run records the provider
        const runId = (j.params.runId as number) ?? null;
        const run = runId !== null ? jobs.scores.getRun(runId) : undefined;
        return {
          jobId: j.id,
          runId,
          status: j.status,
          scorer: String(j.params.scorer),
          provider: run?.provider ?? null,
          providerNote: run?.providerNote ?? null,
          segmentsDone: 0,
          segmentsTotal: 0,
          videosDone: c.done,
          videosFailed: c.failed,
          videosTotal: total,
          etaSec: null,
          current: null,
          errors: jobs.jobs.items(j.id, 'failed').map((it) => ({
            videoId: it.videoId,
            name: store?.getVideo(it.videoId)?.name ?? `#${it.videoId}`,
            error: it.error ?? '',
          })),
        };
      });
  }

  videoScores(
    store: ProjectStore,
    { videoId, runId }: CallInput<'video.scores'>,
  ): CallOutput<'video.scores'> {
    const jobs = this.requireJobs();
    if (!store.getVideo(videoId))
      throw new ApiError('NOT_FOUND', `No video ${videoId} in this project`);
    const rid = runId ?? jobs.scores.latestRunFor(videoId);
    const run = rid !== undefined ? jobs.scores.getRun(rid) : undefined;
    const v = rid !== undefined ? jobs.scores.videoScore(rid, videoId) : undefined;
    return {
      videoId,
      run: run
        ? {
            id: run.id,
            kind: run.kind,
            packId: run.packId,
            name: run.name,
            packVersion: run.packVersion,
            provider: run.provider,
            providerNote: run.providerNote,
            settings: run.settings,
            createdAt: run.createdAt,
          }
        : null,
      score: v?.score ?? null,
      level: v ? levelOfScore(v.score) : null,
      probs: v?.probs ?? null,
      features: v?.features ?? {},
      segments: rid !== undefined ? jobs.scores.segments(rid, videoId) : [],
      events: rid !== undefined ? jobs.scores.events(rid, videoId) : [],
    };
  }

  sparklines(ids: number[], points?: number, runId?: number): Record<number, number[]> {
    return this.requireJobs().scores.sparklines(ids, points, runId);
  }

  private enqueue(jobId: string): void {
    // failures are recorded on the job and reported through its progress events
    void this.queue?.enqueue(jobId).catch(() => undefined);
  }
}
