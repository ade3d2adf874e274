// Contract calls and events of the evaluation against MOS, subjective-study statistics, rating studies.
// Call names are the keys of the map below; event names are listed in contract-names.ts (EVALUATION_EVENT_NAMES).
import { z } from 'zod';
import { call, emptyInput, seedSchema } from './contract-core';

export type EvalMetricKey = 'srcc' | 'krcc' | 'plcc' | 'plccLogistic' | 'rmseLogistic';
export type EvalSubsetBy = 'codec' | 'resolution' | 'tag';

export interface EvalMosSource {
  /** 'annotations' or 'list:<name>' */
  id: string;
  label: string;
  /** '1-5', '0-1', '0-100', 'other' */
  scale: string;
  videos: number;
}

export interface EvalRunInfo {
  id: number;
  label: string;
  kind: 'pack' | 'streaming' | 'engine' | 'model';
  createdAt: string;
  /** false while the run's job has not finished (cancelled, failed or running) */
  finished: boolean;
  scoredVideos: number;
}

/** One calibration model and its k-fold cross-validated agreement with MOS (never in-sample). */
export interface CalibrationModelInfo {
  method: 'logistic' | 'ridge';
  srcc: number | null;
  plcc: number | null;
  rmse: number | null;
  /** logistic: [β1, β2, β3, β4]; ridge: intercept, λ and a coefficient per standardised feature */
  params: number[] | { intercept: number; lambda: number; coefficients: Record<string, number> };
}

/** A run's calibration to the project's MOS, as stored with the run and the ratings it used. */
export interface CalibrationInfo {
  id: number;
  runId: number;
  source: { id: string; label: string; scale: string };
  createdAt: string;
  n: number;
  folds: number;
  seed: number;
  /** The model the library predicts MOS with; srcc/plcc/rmse/params are its cross-validated figures. */
  method: 'logistic' | 'ridge';
  srcc: number | null;
  plcc: number | null;
  rmse: number | null;
  params: CalibrationModelInfo['params'];
  /** SRCC of the run's raw scores with the same MOS (no fitting involved), for comparison. */
  rawSrcc: number | null;
  /** Half-width of the 95 % interval of a predicted MOS. */
  interval95: number | null;
  models: CalibrationModelInfo[];
  /** The rated videos the calibration was fitted on. */
  videoIds: number[];
}

export type EvalMetricValues = Record<EvalMetricKey, number | null>;

export interface EvalRunResult {
  run: EvalRunInfo;
  n: number;
  metrics: EvalMetricValues;
  ci: Record<EvalMetricKey, [number, number] | null>;
  fit: {
    converged: boolean;
    iterations: number;
    message: string | null;
    params: [number, number, number, number];
  };
  bootstrap: { resamples: number; seed: number; level: number; skipped: number };
  points: {
    videoId: number;
    name: string;
    score: number;
    mos: number;
    mosCi95: [number, number] | null;
  }[];
  /** The fitted logistic over the run's score range, for the plot. */
  curve: { x: number; y: number }[];
  subsets: ({ by: EvalSubsetBy; key: string; n: number } & EvalMetricValues)[];
  /** The run's latest calibration to this MOS source; null when it has none. */
  calibration: CalibrationInfo | null;
}

export interface EvalObserver {
  observer: string;
  rated: number;
  p: number;
  q: number;
  rejected: boolean;
}

export interface EvalResult {
  source: EvalMosSource;
  mos: {
    videos: number;
    ratings: number;
    observers: number;
    /** Krippendorff's alpha (interval) over the kept votes; null for a rating list or too few votes. */
    alpha: number | null;
    screening: EvalObserver[];
    excluded: string[];
    perVideo: {
      videoId: number;
      name: string;
      mos: number;
      n: number;
      sd: number | null;
      ci95: [number, number] | null;
    }[];
  };
  runs: EvalRunResult[];
}

export interface EvalOverview {
  sources: EvalMosSource[];
  runs: EvalRunInfo[];
  studies: StudyInfo[];
}

export interface StudyInfo {
  id: number;
  name: string;
  seed: number;
  videoIds: number[];
  trainingIds: number[];
  repeats: number;
  createdAt: string;
  sessions: {
    annotator: string;
    status: 'active' | 'paused' | 'done';
    rated: number;
    total: number;
    /** Mean |first − repeated| rating over the repeated clips rated so far; null without any. */
    repeatDiff: number | null;
  }[];
}

export interface StudySession {
  studyId: number;
  studyName: string;
  annotator: string;
  status: 'active' | 'paused' | 'done';
  /** Index of the next clip to rate; items.length when done. */
  position: number;
  items: {
    position: number;
    videoId: number;
    name: string;
    kind: 'training' | 'test' | 'repeat';
    rating: number | null;
  }[];
}

const ids = z.array(z.number().int().positive()).max(100_000);
const studyId = z.number().int().positive();

export const evaluationCalls = {
  /** MOS sources, model runs (newest first) and rating studies of the open project. */
  'eval.overview': call<EvalOverview>()(emptyInput),
  /**
   * Metrics of model runs against one MOS source (default: annotations if any, else the first list;
   * latest run). Long for big projects (B bootstrap resamples per run): progress comes as
   * eval.progress; a new compute or eval.cancel stops the running one.
   */
  'eval.compute': call<EvalResult>()(
    z
      .object({
        source: z.string().min(1).max(300).optional(),
        runIds: z.array(z.number().int().positive()).max(20).optional(),
        excludeRejected: z.boolean().optional(),
        studyId: studyId.optional(),
        resamples: z.number().int().min(0).max(10_000).optional(),
        seed: seedSchema.optional(),
        subsetBy: z.enum(['codec', 'resolution', 'tag']).nullable().optional(),
      })
      .strict(),
  ),
  /**
   * Calibrate a run to the MOS source (needs ≥ 8 videos with both): 5-fold cross-validated
   * logistic and, where the run stores measurement vectors, ridge regression; stored with the run.
   */
  'eval.calibrate': call<CalibrationInfo>()(
    z
      .object({
        runId: z.number().int().positive(),
        source: z.string().min(1).max(300).optional(),
        method: z.enum(['logistic', 'ridge']).optional(),
        folds: z.number().int().min(2).max(20).optional(),
        seed: seedSchema.optional(),
      })
      .strict(),
  ),
  /** Stop the running eval.compute (it fails with CANCELLED); false when none was running. */
  'eval.cancel': call<{ cancelled: boolean }>()(emptyInput),
  /** A rating study: test clips (randomized per annotator), optional training clips, repeats. */
  'study.create': call<StudyInfo>()(
    z
      .object({
        name: z.string().min(1).max(200),
        videoIds: ids.min(2),
        trainingIds: ids.max(50).optional(),
        repeats: z.number().int().min(0).max(10_000).optional(),
        seed: seedSchema.optional(),
      })
      .strict(),
  ),
  /** The current annotator's session of a study (created with its randomized order on first call). */
  'study.session': call<StudySession>()(z.object({ studyId }).strict()),
  /** Rate the next clip (ACR 1–5); the rating is stored as a 'mos' annotation with the study id. */
  'study.rate': call<StudySession>()(
    z
      .object({
        studyId,
        position: z.number().int().min(0),
        rating: z.number().int().min(1).max(5),
      })
      .strict(),
  ),
  /** Pause or resume the current annotator's session (kept across reloads). */
  'study.pause': call<StudySession>()(z.object({ studyId, paused: z.boolean() }).strict()),
} as const;

export interface EvaluationEvents {
  /** Bootstrap progress of the running eval.compute (resamples over all runs). */
  'eval.progress': { done: number; total: number; etaSec: number | null };
  /** A study rating was stored (the evaluation view refreshes its MOS). */
  'study.changed': { studyId: number; annotator: string };
}
