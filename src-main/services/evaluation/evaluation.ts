// Model runs against MOS on one project. MOS sources:
//  - 'annotations': people's ACR votes (annotations of kind 'mos', 1–5, not deleted; study ratings
//    included — or only one study's with studyId). One vote per observer and video: an observer's
//    repeated ratings of a clip are averaged. Optionally without the observers BT.500 screening rejects.
//  - 'list:<name>': an imported rating list (video_mos), on the scale it was imported with.
// Metrics are computed over videos having both a MOS and a score from the run.
import { StudioError } from '../../../src-shared/contract-errors';
import type { ProjectStore } from '../store/project-store';
import type { EvalRunInfo } from '../../../src-shared/contract-evaluation';
import { ScoreStore } from '../scoring/score-store';
import { listVideoMos } from '../pairs/pair-store';
import {
  DEFAULT_BOOTSTRAP,
  evaluateScoresAsync,
  pointMetrics,
  type EvaluationMetrics,
  type MetricValues,
} from './metrics';
import { logistic4 } from './logistic';
import { listRuns } from '../scoring/run-list';
import {
  krippendorffAlphaInterval,
  mosStats,
  screenObservers,
  type ObserverScreening,
  type Rating,
} from './subjective';

export type SubsetBy = 'codec' | 'resolution' | 'tag';

export interface MosSource {
  id: string;
  label: string;
  scale: string;
  videos: number;
}

export interface VideoMosValue {
  videoId: number;
  mos: number;
  n: number;
  sd: number | null;
  ci95: [number, number] | null;
}

export interface MosTable {
  source: MosSource;
  values: Map<number, VideoMosValue>;
  ratings: number;
  observers: number;
  screening: ObserverScreening[];
  excluded: string[];
  alpha: number | null;
}

export interface RunEvaluation {
  run: EvalRunInfo;
  metrics: EvaluationMetrics;
  points: {
    videoId: number;
    name: string;
    score: number;
    mos: number;
    mosCi95: [number, number] | null;
  }[];
  curve: { x: number; y: number }[];
  subsets: ({ by: SubsetBy; key: string; n: number } & MetricValues)[];
}

export class EvaluationInputError extends StudioError<'BAD_INPUT' | 'NOT_FOUND'> {}

export function listMosSources(store: ProjectStore): MosSource[] {
  const db = store.connection;
  const ann = db
    .prepare(
      `SELECT count(DISTINCT video_id) AS n FROM annotations WHERE kind = 'mos' AND deleted_at IS NULL`,
    )
    .get() as { n: number };
  const lists = db
    .prepare(
      `SELECT list_name AS name, min(scale) AS scale, count(*) AS n FROM video_mos GROUP BY list_name ORDER BY list_name`,
    )
    .all() as { name: string; scale: string; n: number }[];
  const out: MosSource[] = [];
  if (ann.n > 0)
    out.push({
      id: 'annotations',
      label: 'Annotators’ ACR votes (mean per video)',
      scale: '1-5',
      videos: ann.n,
    });
  for (const l of lists)
    out.push({
      id: `list:${l.name}`,
      label: `Rating list “${l.name}”`,
      scale: l.scale,
      videos: l.n,
    });
  return out;
}

/** Individual votes: one per observer and video (repeats averaged). */
export function collectRatings(store: ProjectStore, studyId?: number): Rating[] {
  return store.connection
    .prepare(
      `SELECT video_id AS videoId, annotator AS observer, avg(rating) AS rating FROM annotations
       WHERE kind = 'mos' AND deleted_at IS NULL ${studyId !== undefined ? 'AND study_id = ?' : ''}
       GROUP BY video_id, annotator ORDER BY video_id, annotator`,
    )
    .all(...(studyId !== undefined ? [studyId] : [])) as Rating[];
}

export function mosTable(
  store: ProjectStore,
  sourceId: string,
  opts: { excludeRejected?: boolean; studyId?: number } = {},
): MosTable {
  const source = listMosSources(store).find((s) => s.id === sourceId);
  if (!source) {
    const known = listMosSources(store).map((s) => s.id);
    throw new EvaluationInputError(
      'NOT_FOUND',
      `No MOS source "${sourceId}" in this project (${known.length ? `has ${known.join(', ')}` : 'it has no MOS: rate videos or import a rating list'})`,
    );
  }
  const values = new Map<number, VideoMosValue>();
  if (source.id !== 'annotations') {
    for (const r of listVideoMos(store, source.id.slice('list:'.length))) {
      values.set(r.videoId, { videoId: r.videoId, mos: r.mos, n: 1, sd: null, ci95: null });
    }
    return {
      source,
      values,
      ratings: values.size,
      observers: 0,
      screening: [],
      excluded: [],
      alpha: null,
    };
  }
  if (opts.studyId !== undefined) {
    const st = store.connection
      .prepare('SELECT name FROM studies WHERE id = ?')
      .get(opts.studyId) as { name: string } | undefined;
    if (!st)
      throw new EvaluationInputError('NOT_FOUND', `No study ${opts.studyId} in this project`);
    source.label = `ACR votes of study “${st.name}” (mean per video)`;
  }
  const all = collectRatings(store, opts.studyId);
  const screening = screenObservers(all);
  const excluded = opts.excludeRejected
    ? screening.filter((s) => s.rejected).map((s) => s.observer)
    : [];
  const kept = excluded.length ? all.filter((r) => !excluded.includes(r.observer)) : all;
  const byVideo = new Map<number, number[]>();
  for (const r of kept) byVideo.set(r.videoId, [...(byVideo.get(r.videoId) ?? []), r.rating]);
  for (const [videoId, votes] of byVideo) {
    const s = mosStats(videoId, votes);
    values.set(videoId, { videoId, mos: s.mean, n: s.n, sd: s.sd, ci95: s.ci95 });
  }
  return {
    source,
    values,
    ratings: kept.length,
    observers: new Set(kept.map((r) => r.observer)).size,
    screening,
    excluded,
    alpha: krippendorffAlphaInterval(kept),
  };
}

/** The default MOS source: people's votes when there are any, else the first rating list. */
export function defaultMosSource(store: ProjectStore): string | undefined {
  return listMosSources(store)[0]?.id;
}

interface VideoMeta {
  id: number;
  name: string;
  codec: string | null;
  height: number | null;
}

function subsetKeys(store: ProjectStore, by: SubsetBy, videos: VideoMeta[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (by === 'tag') {
    const rows = store.connection
      .prepare(
        `SELECT DISTINCT video_id AS videoId, tag FROM annotations WHERE tag IS NOT NULL AND deleted_at IS NULL`,
      )
      .all() as { videoId: number; tag: string }[];
    for (const r of rows) out.set(r.videoId, [...(out.get(r.videoId) ?? []), r.tag]);
    for (const v of videos) if (!out.has(v.id)) out.set(v.id, ['(no tag)']);
    return out;
  }
  for (const v of videos)
    out.set(v.id, [
      by === 'codec' ? (v.codec ?? '(unknown)') : v.height ? `${v.height}p` : '(unknown)',
    ]);
  return out;
}

export interface EvaluationProgress {
  /** Bootstrap resamples done over all runs. */
  done: number;
  total: number;
  etaSec: number | null;
}

export interface EvaluateRunsOptions {
  source?: string;
  runIds?: number[];
  excludeRejected?: boolean;
  studyId?: number;
  resamples?: number;
  seed?: number;
  subsetBy?: SubsetBy | null;
}

/** Metrics of each run against the MOS source; yields to the event loop, reports progress, cancellable. */
export async function evaluateRuns(
  store: ProjectStore,
  opts: EvaluateRunsOptions,
  ctl: { signal?: AbortSignal; onProgress?(p: EvaluationProgress): void } = {},
): Promise<{ mos: MosTable; runs: RunEvaluation[] }> {
  const sourceId = opts.source ?? defaultMosSource(store);
  if (!sourceId)
    throw new EvaluationInputError(
      'BAD_INPUT',
      'This project has no MOS: rate videos (review or a rating study) or import a rating list',
    );
  const mos = mosTable(store, sourceId, opts);
  const scores = new ScoreStore(store.connection);
  const allRuns = scores.runs();
  const listed = listRuns(store.connection);
  const runIds = opts.runIds?.length ? opts.runIds : listed.slice(0, 1).map((r) => r.id);
  const videos = store.connection
    .prepare(`SELECT id, name, codec, height FROM videos`)
    .all() as VideoMeta[];
  const videoById = new Map(videos.map((v) => [v.id, v]));
  for (const id of runIds) {
    if (!allRuns.some((r) => r.id === id)) {
      throw new EvaluationInputError(
        'NOT_FOUND',
        `No model run ${id} in this project (runs: ${allRuns.map((r) => r.id).join(', ') || 'none'})`,
      );
    }
  }
  const perRun = opts.resamples ?? DEFAULT_BOOTSTRAP;
  const total = perRun * runIds.length;
  const started = performance.now();
  const runs: RunEvaluation[] = [];
  for (const [runIndex, id] of runIds.entries()) {
    const run = allRuns.find((r) => r.id === id)!;
    const scored = store.connection
      .prepare(
        'SELECT video_id AS videoId, score FROM video_scores WHERE run_id = ? ORDER BY video_id',
      )
      .all(id) as {
      videoId: number;
      score: number;
    }[];
    const points = scored.flatMap((s) => {
      const m = mos.values.get(s.videoId);
      return m
        ? [
            {
              videoId: s.videoId,
              name: videoById.get(s.videoId)?.name ?? String(s.videoId),
              score: s.score,
              mos: m.mos,
              mosCi95: m.ci95,
            },
          ]
        : [];
    });
    const x = points.map((p) => p.score);
    const y = points.map((p) => p.mos);
    const metrics = await evaluateScoresAsync(x, y, {
      resamples: opts.resamples,
      seed: opts.seed,
      signal: ctl.signal,
      onProgress: ctl.onProgress
        ? ({ done }) => {
            const all = runIndex * perRun + done;
            const elapsed = (performance.now() - started) / 1000;
            ctl.onProgress!({
              done: all,
              total,
              etaSec: all > 0 ? (elapsed / all) * (total - all) : null,
            });
          }
        : undefined,
    });
    const lo = Math.min(...x);
    const hi = Math.max(...x);
    const curve =
      Number.isFinite(metrics.fit.sse) && hi > lo
        ? Array.from({ length: 61 }, (_, i) => {
            const xv = lo + ((hi - lo) * i) / 60;
            return { x: xv, y: logistic4(metrics.fit.params, xv) };
          })
        : [];
    const subsets: RunEvaluation['subsets'] = [];
    if (opts.subsetBy) {
      const keys = subsetKeys(store, opts.subsetBy, videos);
      const groups = new Map<string, number[]>();
      points.forEach((p, i) => {
        for (const k of keys.get(p.videoId) ?? []) groups.set(k, [...(groups.get(k) ?? []), i]);
      });
      for (const [key, idx] of [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
        const m = pointMetrics(
          idx.map((i) => x[i]!),
          idx.map((i) => y[i]!),
        );
        const fin = (v: number) => (Number.isFinite(v) ? v : null);
        subsets.push({
          by: opts.subsetBy,
          key,
          n: idx.length,
          srcc: fin(m.srcc),
          krcc: fin(m.krcc),
          plcc: fin(m.plcc),
          plccLogistic: fin(m.plccLogistic),
          rmseLogistic: fin(m.rmseLogistic),
        });
      }
    }
    runs.push({
      run: listed.find((r) => r.id === run.id) ?? {
        id: run.id,
        label: `#${run.id} ${run.name} ${run.packVersion} (no video scored)`,
        kind: run.kind,
        createdAt: run.createdAt,
        finished: run.finishedAt != null,
        scoredVideos: 0,
      },
      metrics,
      points,
      curve,
      subsets,
    });
  }
  return { mos, runs };
}
