// The stored facts a template may state about a video: human ratings and spans, imported MOS, the
// newest model score and its events. Each fact carries the provenance ref that proves it.
import type { DistortionTag } from '../../../src-shared/contract';
import type { ProvenanceRef } from './pair-store';
import { listVideoMos } from './pair-store';
import { AnnotationStore } from '../annotations/annotation-store';
import { ScoreStore } from '../scoring/score-store';
import { levelOfScore, type Level } from '../levels/level-score';
import type { ProjectStore } from '../store/project-store';
import type { CalibratedPredictor } from '../levels/predictor';

/** ACR 1–5 → level word (docs/formats.md §1 rating-list bins): 1 low … 5 high. */
export const ACR_LEVELS: Record<number, Level> = {
  1: 'low',
  2: 'poor',
  3: 'fair',
  4: 'good',
  5: 'high',
};

export interface LevelFact {
  level: Level;
  from: 'mos' | 'model';
  /** MOS (as given) or model score: written as gt_score. */
  value: number;
  refs: ProvenanceRef[];
}

export interface RangeFact {
  tag: DistortionTag;
  startSec: number;
  endSec: number;
  ref: ProvenanceRef;
}

export interface VideoFacts {
  videoId: number;
  level: LevelFact | null;
  spans: RangeFact[];
  /** Spans plus scorer events mapped to tags (freeze/stall → freeze, flicker, dark → exposure). */
  ranges: RangeFact[];
}

const EVENT_TAGS: Record<string, DistortionTag> = {
  freeze: 'freeze',
  stall: 'freeze',
  flicker: 'flicker',
  dark: 'exposure',
};

/** Seconds as templates write them: one decimal, no trailing ".0" dropped (2.0 s stays "2.0"). */
export function fmtSec(sec: number): string {
  return (Math.round(sec * 10) / 10).toFixed(1);
}

export class FactReader {
  private readonly annotations: AnnotationStore;
  private readonly scores: ScoreStore;
  private readonly db: ProjectStore['connection'];
  private readonly importedMos: Map<
    number,
    { listName: string; mos: number; scale: string; level: number | null }
  >;

  /** `calibrated`: unrated videos take the level of the MOS a run's calibration predicts, not the raw score's. */
  constructor(
    store: ProjectStore,
    private readonly calibrated?: CalibratedPredictor,
  ) {
    this.annotations = new AnnotationStore(store);
    this.db = store.connection;
    this.scores = new ScoreStore(store.connection);
    this.importedMos = new Map();
    for (const m of listVideoMos(store))
      if (!this.importedMos.has(m.videoId)) this.importedMos.set(m.videoId, m);
  }

  /** People's ACR votes on a video, from review and from rating studies alike. */
  private mosVotes(
    videoId: number,
  ): { id: number; annotator: string; rating: number; studyId: number | null }[] {
    return this.db
      .prepare(
        `SELECT id, annotator, rating, study_id AS studyId FROM annotations
         WHERE video_id = ? AND kind = 'mos' AND rating IS NOT NULL AND deleted_at IS NULL ORDER BY id`,
      )
      .all(videoId) as { id: number; annotator: string; rating: number; studyId: number | null }[];
  }

  facts(videoId: number): VideoFacts {
    const anns = this.annotations.list(videoId);
    const spans: RangeFact[] = anns
      .filter((a) => a.kind === 'span' && a.tag && a.startSec != null && a.endSec != null)
      .map((a) => ({
        tag: a.tag!,
        startSec: a.startSec!,
        endSec: a.endSec!,
        ref: { kind: 'annotation', id: a.id, detail: 'span' },
      }));
    const runId = this.scores.latestRunFor(videoId);
    const events: RangeFact[] = runId
      ? this.scores
          .events(runId, videoId)
          .filter((e) => EVENT_TAGS[e.kind])
          .map((e) => ({
            tag: EVENT_TAGS[e.kind]!,
            startSec: e.startSec,
            endSec: e.endSec,
            ref: { kind: 'event', id: `${runId}:${e.kind}@${e.startSec}`, detail: e.kind },
          }))
      : [];
    return {
      videoId,
      level: this.levelOf(videoId, runId),
      spans,
      ranges: [...spans, ...events].sort((a, b) => a.startSec - b.startSec),
    };
  }

  private levelOf(videoId: number, runId: number | undefined): LevelFact | null {
    const votes = this.mosVotes(videoId);
    if (votes.length) {
      // one vote per observer (repeats averaged), then the mean: the MOS Evaluation computes
      const byObserver = new Map<string, number[]>();
      for (const v of votes)
        byObserver.set(v.annotator, [...(byObserver.get(v.annotator) ?? []), v.rating]);
      const perObserver = [...byObserver.values()].map(
        (rs) => rs.reduce((s, r) => s + r, 0) / rs.length,
      );
      const mos = perObserver.reduce((s, r) => s + r, 0) / perObserver.length;
      return {
        level: ACR_LEVELS[Math.min(5, Math.max(1, Math.round(mos)))]!,
        from: 'mos',
        value: mos,
        refs: votes.map((v) => ({
          kind: 'annotation',
          id: v.id,
          detail: `mos ${v.rating}${v.studyId != null ? ` (study ${v.studyId})` : ''}`,
        })),
      };
    }
    const imported = this.importedMos.get(videoId);
    const acr =
      imported && (imported.level ?? (imported.scale === '1-5' ? Math.round(imported.mos) : null));
    if (imported && acr && ACR_LEVELS[acr]) {
      return {
        level: ACR_LEVELS[acr]!,
        from: 'mos',
        value: imported.mos,
        refs: [
          { kind: 'mos', id: imported.listName, detail: `mos ${imported.mos} (${imported.scale})` },
        ],
      };
    }
    if (this.calibrated) {
      const p = this.calibrated.predict(videoId);
      if (!p?.level) return null;
      const { runId: run, calibrationId, scale } = this.calibrated;
      return {
        level: p.level,
        from: 'model',
        value: p.mos,
        refs: [
          {
            kind: 'video_score',
            id: run,
            detail: `MOS ${p.mos.toFixed(2)} (${scale}) predicted by calibration #${calibrationId}`,
          },
        ],
      };
    }
    const vs = runId ? this.scores.videoScore(runId, videoId) : undefined;
    if (vs)
      return {
        level: levelOfScore(vs.score),
        from: 'model',
        value: vs.score,
        refs: [{ kind: 'video_score', id: runId, detail: `score ${vs.score}` }],
      };
    return null;
  }
}
