// Per-video exports: csv-mos (MOS with its scale, rating count, model score, level) and scores-json
// (model score, level probabilities, segments, events), for the project's readable videos.
import { stringify } from 'csv-stringify/sync';
import { AnnotationStore } from '../annotations/annotation-store';
import { ScoreStore } from '../scoring/score-store';
import { levelOfScore } from '../levels/level-score';
import { listVideoMos } from '../pairs/pair-store';
import { ACR_LEVELS } from '../pairs/facts';
import type { ProjectStore } from '../store/project-store';
import { levelOfMos, type CalibratedPredictor } from '../evaluation/calibrated-levels';

/** Which run's scores a per-video export writes, and optionally its calibration's predictions. */
export interface VideoTableOptions {
  /** One run for every video (default: each video's newest run). */
  runId?: number;
  calibrated?: CalibratedPredictor;
}

export interface VideoTableRow {
  path: string;
  mos: number | null;
  mos_scale: string | null;
  n_ratings: number;
  model_score: number | null;
  level: string | null;
  /** with calibrated levels: the MOS the calibration predicts, and its 95 % interval */
  predicted_mos?: number | null;
  predicted_lo?: number | null;
  predicted_hi?: number | null;
}

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** Rows for the given videos (dataset paths by id); MOS from the studio's ACR votes, else an imported list. */
export function mosRows(
  store: ProjectStore,
  videos: { id: number; path: string }[],
  opts: VideoTableOptions = {},
): VideoTableRow[] {
  const anns = new AnnotationStore(store);
  const scores = new ScoreStore(store.connection);
  const imported = new Map<number, { mos: number; scale: string }>();
  for (const m of listVideoMos(store)) if (!imported.has(m.videoId)) imported.set(m.videoId, m);
  return videos.map(({ id, path }) => {
    const votes = anns.list(id).filter((a) => a.kind === 'mos' && a.rating != null);
    const runId = opts.calibrated?.runId ?? opts.runId ?? scores.latestRunFor(id);
    const vs = runId ? scores.videoScore(runId, id) : undefined;
    const mean = votes.length ? votes.reduce((s, a) => s + a.rating!, 0) / votes.length : null;
    const imp = imported.get(id);
    const mos = mean ?? imp?.mos ?? null;
    const predicted = opts.calibrated?.predict(id) ?? null;
    // people's MOS first (votes; with calibrated levels also an imported list's MOS on its scale);
    // then the calibrated prediction when chosen; else the raw score's level
    const listLevel = opts.calibrated && imp ? levelOfMos(imp.mos, imp.scale) : null;
    const level =
      mean != null
        ? ACR_LEVELS[Math.round(mean)]!
        : opts.calibrated
          ? (listLevel ?? predicted?.level ?? null)
          : vs
            ? levelOfScore(vs.score)
            : null;
    const row: VideoTableRow = {
      path,
      mos: mos == null ? null : r4(mos),
      mos_scale: mean != null ? '1-5' : (imp?.scale ?? null),
      n_ratings: votes.length,
      model_score: vs ? Math.round(vs.score * 1e6) / 1e6 : null,
      level,
    };
    if (opts.calibrated) {
      row.predicted_mos = predicted && r4(predicted.mos);
      row.predicted_lo = predicted && r4(predicted.lo);
      row.predicted_hi = predicted && r4(predicted.hi);
    }
    return row;
  });
}

export function mosCsv(rows: VideoTableRow[], calibrated = false): string {
  const columns = [
    'path',
    'mos',
    'mos_scale',
    'n_ratings',
    'model_score',
    'level',
    ...(calibrated ? ['predicted_mos', 'predicted_lo', 'predicted_hi'] : []),
  ];
  return stringify(rows, { header: true, columns });
}

export interface VideoScoreSample {
  path: string;
  score: number;
  level: string;
  probs: Record<string, number>;
  segments: { start_sec: number; end_sec: number; score: number }[];
  events: { kind: string; start_sec: number; end_sec: number }[];
  /** with calibrated levels: MOS predicted by the run's calibration (level above is then its level) */
  predicted_mos?: { mos: number; lo: number; hi: number; scale: string } | null;
}

/** Scores of one run (or the newest run per video); videos without a score are left out (counted by the caller). */
export function scoreSamples(
  store: ProjectStore,
  videos: { id: number; path: string }[],
  opts: VideoTableOptions = {},
): VideoScoreSample[] {
  const scores = new ScoreStore(store.connection);
  const out: VideoScoreSample[] = [];
  for (const { id, path } of videos) {
    const runId = opts.calibrated?.runId ?? opts.runId ?? scores.latestRunFor(id);
    const vs = runId ? scores.videoScore(runId, id) : undefined;
    if (!runId || !vs) continue;
    const predicted = opts.calibrated?.predict(id) ?? null;
    out.push({
      path,
      score: vs.score,
      level: (opts.calibrated ? predicted?.level : undefined) ?? levelOfScore(vs.score),
      ...(opts.calibrated
        ? {
            predicted_mos: predicted && {
              mos: r4(predicted.mos),
              lo: r4(predicted.lo),
              hi: r4(predicted.hi),
              scale: opts.calibrated.scale,
            },
          }
        : {}),
      probs: vs.probs,
      segments: scores
        .segments(runId, id)
        .map((s) => ({ start_sec: s.startSec, end_sec: s.endSec, score: s.score })),
      events: scores
        .events(runId, id)
        .map((e) => ({ kind: e.kind, start_sec: e.startSec, end_sec: e.endSec })),
    });
  }
  return out;
}
