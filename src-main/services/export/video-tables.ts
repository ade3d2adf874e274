// Per-video exports: csv-mos (MOS with its scale, rating count, model score, level) and scores-json
// (model score, level probabilities, segments, events), for the project's readable videos.
import { stringify } from 'csv-stringify/sync';
import { AnnotationStore } from '../annotations/annotation-store';
import { ScoreStore } from '../scoring/score-store';
import { levelOfScore } from '../scoring/level-score';
import { listVideoMos } from '../pairs/pair-store';
import { ACR_LEVELS } from '../pairs/facts';
import type { ProjectStore } from '../store/project-store';

export interface VideoTableRow {
  path: string;
  mos: number | null;
  mos_scale: string | null;
  n_ratings: number;
  model_score: number | null;
  level: string | null;
}

/** Rows for the given videos (dataset paths by id); MOS from the studio's ACR votes, else an imported list. */
export function mosRows(store: ProjectStore, videos: { id: number; path: string }[]): VideoTableRow[] {
  const anns = new AnnotationStore(store);
  const scores = new ScoreStore(store.connection);
  const imported = new Map<number, { mos: number; scale: string }>();
  for (const m of listVideoMos(store)) if (!imported.has(m.videoId)) imported.set(m.videoId, m);
  return videos.map(({ id, path }) => {
    const votes = anns.list(id).filter((a) => a.kind === 'mos' && a.rating != null);
    const runId = scores.latestRunFor(id);
    const vs = runId ? scores.videoScore(runId, id) : undefined;
    const mean = votes.length ? votes.reduce((s, a) => s + a.rating!, 0) / votes.length : null;
    const imp = imported.get(id);
    const mos = mean ?? imp?.mos ?? null;
    const level = mean != null ? ACR_LEVELS[Math.round(mean)]! : vs ? levelOfScore(vs.score) : null;
    return {
      path,
      mos: mos == null ? null : Math.round(mos * 1e4) / 1e4,
      mos_scale: mean != null ? '1-5' : (imp?.scale ?? null),
      n_ratings: votes.length,
      model_score: vs ? Math.round(vs.score * 1e6) / 1e6 : null,
      level,
    };
  });
}

export function mosCsv(rows: VideoTableRow[]): string {
  return stringify(rows, { header: true, columns: ['path', 'mos', 'mos_scale', 'n_ratings', 'model_score', 'level'] });
}

export interface VideoScoreSample {
  path: string;
  score: number;
  level: string;
  probs: Record<string, number>;
  segments: { start_sec: number; end_sec: number; score: number }[];
  events: { kind: string; start_sec: number; end_sec: number }[];
}

/** Scores of the newest run per video; videos without a score are left out (counted by the caller). */
export function scoreSamples(store: ProjectStore, videos: { id: number; path: string }[]): VideoScoreSample[] {
  const scores = new ScoreStore(store.connection);
  const out: VideoScoreSample[] = [];
  for (const { id, path } of videos) {
    const runId = scores.latestRunFor(id);
    const vs = runId ? scores.videoScore(runId, id) : undefined;
    if (!runId || !vs) continue;
    out.push({
      path,
      score: vs.score,
      level: levelOfScore(vs.score),
      probs: vs.probs,
      segments: scores.segments(runId, id).map((s) => ({ start_sec: s.startSec, end_sec: s.endSec, score: s.score })),
      events: scores.events(runId, id).map((e) => ({ kind: e.kind, start_sec: e.startSec, end_sec: e.endSec })),
    });
  }
  return out;
}
