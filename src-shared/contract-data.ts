// The data shapes the contract's calls and events carry (videos, projects, import and job
// progress, scores, annotations, media, settings) and the library's sortable columns.

export type VideoStatus = 'ok' | 'failed';

export interface VideoRow {
  id: number;
  /** Path as stored: relative to the project folder when inside it, else absolute. */
  path: string;
  name: string;
  status: VideoStatus;
  error: string | null;
  durationSec: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  codec: string | null;
  bitrateKbps: number | null;
  sizeBytes: number;
  hasThumb: boolean;
  importedAt: string;
  /** The library's chosen run's video score (null where that run did not score the video). */
  videoScore: number | null;
  /** That run's level for the video. */
  level: string | null;
  /** The project's MOS for the video (people's votes, else the first rating list); null when unrated. */
  mos: number | null;
  /** MOS predicted by the run's calibration for an unrated video, with its 95 % interval. */
  predictedMos: { mos: number; lo: number; hi: number } | null;
}

export interface ProjectInfo {
  path: string;
  name: string;
  cacheDir: string;
  videoCount: number;
  schemaVersion: number;
}

export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
  exists: boolean;
}

export interface DirEntry {
  name: string;
  path: string;
  kind: 'dir' | 'video' | 'project' | 'file';
}

export interface ImportProgress {
  jobId: string;
  phase: 'scanning' | 'probing' | 'done';
  done: number;
  total: number;
  added: number;
  failed: number;
  skipped: number;
  etaSec: number | null;
  current: string | null;
}

/** The progress of an import before its first file is looked at. */
export function initialImportProgress(jobId: string): ImportProgress {
  return {
    jobId,
    phase: 'scanning',
    done: 0,
    total: 0,
    added: 0,
    failed: 0,
    skipped: 0,
    etaSec: null,
    current: null,
  };
}

/** Why a path was not imported: not a video type, already there, same content, or unreadable. */
export type ImportSkipKind = 'not-video' | 'in-project' | 'duplicate' | 'unreadable';
export interface ImportSkip {
  path: string;
  kind: ImportSkipKind;
  reason: string;
}

export interface ImportSummary {
  jobId: string;
  added: number;
  failed: number;
  skipped: number;
  cancelled: boolean;
  skippedItems: ImportSkip[];
  elapsedSec: number;
  /** Set when the import stopped on a project-level failure. */
  error?: string;
}

export type LevelName = 'high' | 'good' | 'fair' | 'poor' | 'low';
export type LevelProbs = Record<LevelName, number>;

export interface ScorerInfo {
  id: string;
  name: string;
  /** 'model': an in-process model folder (scorer id `lmm.<model id>`). */
  kind: 'pack' | 'streaming' | 'model';
  version: string;
  description: string;
  segmentSec: number;
  /** Execution providers the pack prefers, best first. */
  providers: string[];
}

export interface JobProgress {
  jobId: string;
  runId: number | null;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  scorer: string;
  provider: string | null;
  providerNote: string | null;
  segmentsDone: number;
  segmentsTotal: number;
  videosDone: number;
  videosFailed: number;
  videosTotal: number;
  etaSec: number | null;
  current: string | null;
  errors: { videoId: number; name: string; error: string }[];
  /** Engine jobs spread over several servers: each replica's load, answers and errors. */
  replicas?: ReplicaStats[];
}

export interface ReplicaStats {
  url: string;
  inFlight: number;
  ok: number;
  failed: number;
  /** Marked down after repeated failures; tried again after a cool-down. */
  down: boolean;
  /** Answers per minute since the job started. */
  perMin: number;
  avgMs: number | null;
  lastError: string | null;
}

/**
 * A model run: which scorer (pack, streaming model, OpenAI-compatible engine, or in-process model
 * folder) scored with which settings, where.
 */
export interface ModelRunInfo {
  id: number;
  kind: 'pack' | 'streaming' | 'engine' | 'model';
  /** The pack's id, the engine's, or for kind 'model' the registered model's id. */
  packId: string;
  /** What to call the scorer on screen: the model's name for kind 'model', else the pack id. */
  name: string;
  packVersion: string;
  provider: string | null;
  providerNote: string | null;
  settings: Record<string, unknown>;
  createdAt: string;
}

export interface VideoScores {
  videoId: number;
  run: ModelRunInfo | null;
  score: number | null;
  level: LevelName | null;
  probs: LevelProbs | null;
  features: Record<string, number>;
  segments: {
    idx: number;
    startSec: number;
    endSec: number;
    score: number;
    probs: LevelProbs;
    features: Record<string, number>;
  }[];
  events: { kind: string; startSec: number; endSec: number; data?: Record<string, unknown> }[];
}

export const DISTORTION_TAGS = [
  'blur',
  'noise',
  'blocking',
  'banding',
  'freeze',
  'flicker',
  'exposure',
  'colour',
  'shake',
  'other',
] as const;
export type DistortionTag = (typeof DISTORTION_TAGS)[number];

/** A human annotation (ACR ratings per ITU-T P.910, distortion spans, notes), per annotator. */
export interface Annotation {
  id: number;
  videoId: number;
  annotator: string;
  kind: 'mos' | 'segment_rating' | 'span' | 'note';
  /** ACR 1–5 for mos and segment_rating */
  rating: number | null;
  segmentIdx: number | null;
  startSec: number | null;
  endSec: number | null;
  tag: DistortionTag | null;
  text: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Settings {
  annotator: string;
}

export interface MediaInfo {
  videoId: number;
  /** Whether Chromium can play the source directly (H.264/VP8/VP9/AV1 in mp4/webm/mov/mkv). */
  playable: boolean;
  reason: string | null;
  proxy: { ready: boolean; width: number; height: number; codec: string } | null;
}

/** A video's thumbnail sprite (`mediaUrl('strip', id)`): `count` tiles of tileWidth × tileHeight,
 *  `columns` per row, tile i showing the frame near i × intervalSec. */
export interface ThumbStrip {
  ready: boolean;
  count: number;
  intervalSec: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
}

export interface ProxyProgress {
  videoId: number;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  /** 0–1 of the source duration */
  fraction: number;
  etaSec: number | null;
  error: string | null;
}

export interface AppInfo {
  version: string;
  host: 'electron' | 'web';
  platform: string;
  ffmpeg: { ffmpeg: string; ffprobe: string; source: string } | { error: string };
}

export const SORTABLE_COLUMNS = [
  'name',
  'durationSec',
  'width',
  'height',
  'fps',
  'codec',
  'bitrateKbps',
  'sizeBytes',
  'status',
  'importedAt',
  'videoScore',
  'mos',
] as const;
export type SortColumn = (typeof SORTABLE_COLUMNS)[number];
