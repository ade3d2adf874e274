// What the built-in analyst may say about a video: everything the store holds for it (latest
// model run's video and segment scores, level probabilities, measurements, events, annotations),
// read in one place. The grounding test reads the store independently and checks every number.
import type { Annotation, LevelName, LevelProbs } from '../../../src-shared/contract';
import type { ProjectStore } from '../store/project-store';
import { ScoreStore, type ScoreEvent, type SegmentScore } from '../scoring/score-store';
import { AnnotationStore } from '../annotations/annotation-store';
import { fmtTime } from '../engines/prompts';
import { levelOfScore } from '../levels/level-score';

export interface VideoFacts {
  videoId: number;
  durationSec: number | null;
  run: { id: number; kind: string; packId: string } | null;
  score: number | null;
  level: LevelName | null;
  probs: LevelProbs | null;
  features: Record<string, number>;
  segments: SegmentScore[];
  events: ScoreEvent[];
  annotations: Annotation[];
}

export function loadVideoFacts(store: ProjectStore, videoId: number): VideoFacts | null {
  const video = store.getVideo(videoId);
  if (!video) return null;
  const scores = new ScoreStore(store.connection);
  // the newest run with segment measurements (a pack run), else the newest run (e.g. an engine's)
  const withSegments = store.connection
    .prepare('SELECT max(run_id) AS id FROM segment_scores WHERE video_id = ?')
    .get(videoId) as { id: number | null };
  const runId = withSegments.id ?? scores.latestRunFor(videoId);
  const run = runId !== undefined ? scores.getRun(runId) : undefined;
  const vs = runId !== undefined ? scores.videoScore(runId, videoId) : undefined;
  return {
    videoId,
    durationSec: video.durationSec,
    run: run ? { id: run.id, kind: run.kind, packId: run.packId } : null,
    score: vs?.score ?? null,
    level: vs ? levelOfScore(vs.score) : null,
    probs: vs?.probs ?? null,
    features: vs?.features ?? {},
    segments: runId !== undefined ? scores.segments(runId, videoId) : [],
    events: runId !== undefined ? scores.events(runId, videoId) : [],
    annotations: new AnnotationStore(store).list(videoId),
  };
}

// ---------- formatting: every number the analyst prints goes through one of these ----------

// fmtTime lives with the chat prompts (the engines print times too); the analyst gets it from here.
export { fmtTime };

/** A stored score in [0, 1] on the studio's 0–100 display scale, one decimal. */
export const fmtScore = (score: number): string => (score * 100).toFixed(1);
/** A stored probability as a whole percentage. */
export const fmtPct = (p: number): string => `${Math.round(p * 100)}%`;
/** A stored measurement, three significant digits. */
export const fmtMeasure = (v: number): string =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
