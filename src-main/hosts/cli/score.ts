// `vqa2 score`: scores a project (resuming an unfinished job first) or plain video files (through a
// temporary project), printing the JSON shape documented in the README with --json or a table otherwise.
import { StudioError } from '../../../src-shared/contract';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { ProjectStore, PROJECT_EXT } from '../../services/store/project-store';
import { importVideos } from '../../services/library/import';
import { ScoreJobs, type ScoreProgress } from '../../services/scoring/score-job';
import { levelOfScore } from '../../services/levels/level-score';
import { findAppRoot } from '../../services/settings/app-root';
import type { ProviderName } from '../../services/inference/packs';
import { EXIT, UsageError, renderTable } from './output';
import { ENGINE_OPTIONS, engineConfigFromFlags } from './assistant';
import { ENGINE_SCORER_ID, type EngineJobParams } from '../../services/scoring/engine-score';
import { resolveEngine } from '../../api/scoring-api';
import { LMM_SCORER_ID, type LmmJobParams } from '../../services/scoring/lmm-score';
import { MODEL_OPTIONS, epFromFlag, modelFromFlag, registry, releaseModels } from './models';
import { throttle } from '../../services/util/throttle';
import { ScoreQueue } from '../../services/scoring/score-queue';

export interface ScoreJson {
  path: string;
  status: 'ok' | 'failed';
  error: string | null;
  videoScore: number | null;
  level: string | null;
  levelProbs: Record<string, number> | null;
  provider: string | null;
  segments: { startSec: number; endSec: number; score: number }[];
  events: { kind: string; startSec: number; endSec: number }[];
  /** In-process model runs: the model, its files' dtypes and the provider that ran (and why not CUDA). */
  model?: {
    id: string | null;
    name: string;
    dir: string;
    arch: string;
    dtypes: string[];
    provider: string | null;
    fallbackReason: string | null;
  };
}

/** The `model` field of a result, from an in-process model run's stored settings. */
function modelOfRun(
  run:
    | {
        kind: string;
        provider: string | null;
        providerNote: string | null;
        settings: Record<string, unknown>;
      }
    | undefined,
): ScoreJson['model'] {
  if (run?.kind !== 'model') return undefined;
  const m = run.settings.model as {
    id: string | null;
    name: string;
    dir: string;
    arch: string;
    dtypes: string[];
  };
  return {
    id: m.id,
    name: m.name,
    dir: m.dir,
    arch: m.arch,
    dtypes: m.dtypes,
    provider: run.provider,
    fallbackReason: run.providerNote,
  };
}

function progressLine(p: ScoreProgress, quiet: boolean) {
  if (quiet) return;
  const eta = p.etaSec != null && p.status === 'running' ? `, ~${Math.ceil(p.etaSec)} s left` : '';
  const line = `${p.status} ${p.segmentsDone}/${p.segmentsTotal} segments, ${p.videosDone}/${p.videosTotal} videos${p.videosFailed ? `, ${p.videosFailed} failed` : ''}${eta}${p.current ? ` · ${p.current}` : ''}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line.slice(0, 120).padEnd(120)}`);
  else process.stderr.write(line + '\n');
}

/** Score every readable video of an open store (resume first); returns per-video results. */
export async function scoreStore(
  store: ProjectStore,
  opts: {
    scorer: string;
    providers: ProviderName[];
    segmentSec?: number;
    concurrency?: number;
    signal?: AbortSignal;
    quiet?: boolean;
    onlyIds?: number[];
    engine?: EngineJobParams['engine'];
    lmm?: Omit<LmmJobParams, 'scorer'>;
  },
): Promise<{ results: ScoreJson[]; cancelled: boolean }> {
  const gate = throttle(process.stderr.isTTY ? 200 : 2000);
  const jobs = new ScoreJobs(
    store,
    findAppRoot(),
    (p) => {
      if (!gate.pass(p.status !== 'running')) return;
      progressLine(p, !!opts.quiet);
    },
    resolveEngine,
  );
  let cancelled = false;
  const runIds: number[] = [];
  let resuming = true;
  const queue = new ScoreQueue(jobs, {
    stopOnError: true,
    onStart: (id) => {
      if (resuming)
        process.stderr.write(
          `Resuming unfinished score job ${id} (${String(jobs.jobs.get(id)?.params.scorer)})\n`,
        );
    },
  });
  const ids = opts.onlyIds ?? store.videoIds();
  try {
    for (const { done } of queue.resumeUnfinished(opts.signal)) {
      const p = await done;
      if (p?.runId) runIds.push(p.runId);
      cancelled ||= p?.status === 'cancelled';
    }
    // A resumed job already covers what the user asked for last time: finish it, don't start over.
    if (!cancelled && ids.length && runIds.length === 0) {
      const job = jobs.create(
        ids,
        opts.lmm
          ? { scorer: LMM_SCORER_ID, ...opts.lmm }
          : {
              scorer: opts.scorer,
              providers: opts.providers,
              segmentSec: opts.segmentSec,
              concurrency: opts.concurrency,
              ...(opts.engine ? { engine: opts.engine } : {}),
            },
      );
      resuming = false;
      const p = (await queue.enqueue(job.id, opts.signal))!;
      if (p.runId) runIds.push(p.runId);
      cancelled ||= p.status === 'cancelled';
      if (!opts.quiet && process.stderr.isTTY) process.stderr.write('\n');
      if (p.providerNote && !opts.quiet) process.stderr.write(`provider: ${p.providerNote}\n`);
    }
  } finally {
    queue.stop();
  }
  const runId = runIds.at(-1);
  const run = runId ? jobs.scores.getRun(runId) : undefined;
  const provider = run?.provider ?? null;
  const model = modelOfRun(run);
  // the run's job items, read once (not once per video)
  const runJobId = runId ? jobs.scores.getRun(runId)?.jobId : undefined;
  const itemByVideo = new Map(
    (runJobId ? jobs.jobs.items(runJobId) : []).map((i) => [i.videoId, i]),
  );
  const results: ScoreJson[] = ids.map((id) => {
    const v = store.getVideo(id)!;
    const item = itemByVideo.get(id);
    const vs = runId ? jobs.scores.videoScore(runId, id) : undefined;
    return {
      path: store.toAbsPath(v.path),
      status: vs ? 'ok' : 'failed',
      error: vs ? null : (item?.error ?? v.error ?? 'not scored'),
      videoScore: vs?.score ?? null,
      level: vs ? levelOfScore(vs.score) : null,
      levelProbs: vs?.probs ?? null,
      provider: vs ? provider : null,
      segments: vs
        ? jobs.scores
            .segments(runId!, id)
            .map((s) => ({ startSec: s.startSec, endSec: s.endSec, score: s.score }))
        : [],
      events: vs
        ? jobs.scores
            .events(runId!, id)
            .map((e) => ({ kind: e.kind, startSec: e.startSec, endSec: e.endSec }))
        : [],
      ...(model ? { model } : {}),
    };
  });
  return { results, cancelled };
}

export function scoreTable(results: ScoreJson[]): string {
  return renderTable(
    [
      'video',
      'score',
      'level',
      'high',
      'good',
      'fair',
      'poor',
      'low',
      'segments',
      'events',
      'note',
    ],
    results.map((r) => [
      path.basename(r.path),
      r.videoScore != null ? (r.videoScore * 100).toFixed(1) : '—',
      r.level ?? '—',
      ...(['high', 'good', 'fair', 'poor', 'low'] as const).map((l) =>
        r.levelProbs ? r.levelProbs[l]!.toFixed(2) : '—',
      ),
      String(r.segments.length),
      r.events.length
        ? r.events
            .map((e) => `${e.kind}@${e.startSec.toFixed(1)}s`)
            .slice(0, 3)
            .join(' ')
        : '',
      r.error ?? '',
    ]),
    new Set([1, 3, 4, 5, 6, 7, 8]),
  );
}

export async function cmdScore(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      pack: { type: 'string' },
      ep: { type: 'string' },
      segment: { type: 'string' },
      concurrency: { type: 'string' },
      ...ENGINE_OPTIONS,
      ...MODEL_OPTIONS,
    },
  });
  if (!positionals.length)
    throw new UsageError(
      'usage: vqa2 score <project|video…> [--pack ID | --model ID|DIR | --engine-url URL… --engine-model M [--engine-concurrency N] [--api-key-env VAR]] [--ep cuda|cpu] [--segment SEC] [--json]',
    );
  const engineCfg = engineConfigFromFlags(values);
  if (engineCfg && values.pack)
    throw new UsageError('--pack and --engine-url are alternatives: give one');
  const engine: EngineJobParams['engine'] | undefined = engineCfg
    ? {
        baseUrl: engineCfg.baseUrl,
        model: engineCfg.model,
        keyRef: engineCfg.keyRef,
        timeoutMs: engineCfg.timeoutMs,
        ...(engineCfg.frames ? { frames: engineCfg.frames } : {}),
        ...(engineCfg.replicaUrls ? { replicaUrls: engineCfg.replicaUrls } : {}),
        concurrency: engineCfg.concurrency,
      }
    : undefined;
  if (values.ep && values.ep !== 'cuda' && values.ep !== 'cpu')
    throw new UsageError('--ep must be cuda or cpu');
  const segmentSec = values.segment !== undefined ? Number(values.segment) : undefined;
  if (segmentSec !== undefined && !(Number.isInteger(segmentSec) && segmentSec >= 1)) {
    throw new UsageError(
      '--segment must be a whole number of seconds ≥ 1 (key frames are sampled at 1 fps)',
    );
  }
  const concurrency = values.concurrency !== undefined ? Number(values.concurrency) : undefined;
  if (
    concurrency !== undefined &&
    !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 16)
  ) {
    throw new UsageError('--concurrency must be an integer from 1 to 16');
  }
  const providers: ProviderName[] = values.ep === 'cpu' ? ['cpu'] : ['cuda', 'cpu'];
  if (values.model && (values.pack || engineCfg))
    throw new UsageError('--model, --pack and --engine-url are alternatives: give one');
  // the model folder is validated before any project is touched: a bad folder exits 2, nothing scored
  const lmmModel = values.model ? await modelFromFlag(values.model) : null;
  const lmmSettings = lmmModel ? registry().settings() : null;
  const lmm: Omit<LmmJobParams, 'scorer'> | undefined =
    lmmModel && lmmSettings
      ? {
          model: lmmModel,
          ep: epFromFlag(values.ep),
          segmentSec: segmentSec ?? lmmSettings.segmentSec,
          budget: {
            keyFrames: lmmSettings.videoKeyFrames,
            motionFrames: lmmSettings.videoMotionFrames,
          },
        }
      : undefined;
  const scorer = lmm ? LMM_SCORER_ID : engine ? ENGINE_SCORER_ID : (values.pack ?? 'builtin-nr');
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const isProject = positionals.length === 1 && positionals[0]!.endsWith(PROJECT_EXT);
  let tmp: string | null = null;
  let store: ProjectStore;
  try {
    if (isProject) store = ProjectStore.open(positionals[0]!);
    else {
      for (const p of positionals) {
        if (!fs.existsSync(p)) throw new StudioError('PATH_NOT_FOUND', `No such file: ${p}`);
      }
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-score-'));
      store = ProjectStore.create(path.join(tmp, 'scratch'));
      await importVideos(
        store,
        positionals.map((p) => path.resolve(p)),
        { jobId: randomUUID(), signal: controller.signal },
      );
    }
    try {
      const scored = await scoreStore(store, {
        scorer,
        providers,
        segmentSec,
        concurrency,
        engine,
        lmm,
        signal: controller.signal,
        quiet: !!values.json && !process.stderr.isTTY,
      });
      const { cancelled } = scored;
      // plain files come back in the order they were given
      const order = new Map(positionals.map((p, i) => [path.resolve(p), i]));
      const results = isProject
        ? scored.results
        : [...scored.results].sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
      if (values.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
      else process.stdout.write(scoreTable(results) + '\n');
      if (cancelled) return EXIT.RUNTIME;
      return results.some((r) => r.status === 'failed') && !isProject ? EXIT.BAD_INPUT : EXIT.OK;
    } finally {
      store.close();
    }
  } finally {
    process.off('SIGINT', onSigint);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    await releaseModels();
  }
}
