// The one typed contract between the renderer and the main process: every call (zod input
// schema + output type) and every event. Hosts validate inputs with these schemas.
import { z } from 'zod';
import { EVENT_NAMES, type EventName } from './contract-names';
import { call, emptyInput } from './contract-core';
import { ApiError } from './contract-errors';
import { pairsCalls, type PairsEvents } from './contract-pairs';
import { assistantCalls, type AssistantEvents } from './contract-assistant';
import { modelsCalls } from './contract-models';
import {
  evaluationCalls,
  type CalibrationInfo,
  type EvalRunInfo,
  type EvaluationEvents,
} from './contract-evaluation';
import {
  type Annotation,
  type AppInfo,
  type DirEntry,
  DISTORTION_TAGS,
  type ImportProgress,
  type ImportSummary,
  type JobProgress,
  type MediaInfo,
  type ProjectInfo,
  type ProxyProgress,
  type RecentProject,
  type ScorerInfo,
  type Settings,
  SORTABLE_COLUMNS,
  type ThumbStrip,
  type VideoRow,
  type VideoScores,
} from './contract-data';

export { EVENT_NAMES };
export type { EventName };

// ---------- shared data shapes: contract-data.ts ----------

export * from './contract-data';

// ---------- input schemas ----------

const absPath = z
  .string()
  .min(1, 'path is empty')
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

export const librarySortSchema = z.object({
  column: z.enum(SORTABLE_COLUMNS),
  desc: z.boolean(),
});

export const libraryFilterSchema = z.object({
  text: z.string().max(500).optional(),
  status: z.enum(['ok', 'failed']).optional(),
  codec: z.string().max(100).optional(),
});

export const libraryQuerySchema = z.object({
  offset: z.number().int().min(0),
  limit: z.number().int().min(1).max(1000),
  sort: librarySortSchema.optional(),
  filter: libraryFilterSchema.optional(),
  /** The run whose scores the Score/Level columns show and sort by (default: library.runs' defaultRunId). */
  runId: z.number().int().positive().optional(),
});
export type LibraryQuery = z.infer<typeof libraryQuerySchema>;
export type LibraryFilter = z.infer<typeof libraryFilterSchema>;
export type LibrarySort = z.infer<typeof librarySortSchema>;

const empty = emptyInput;

export interface LibraryRuns {
  runs: (EvalRunInfo & { calibrated: boolean })[];
  /** The latest finished run that scored most videos; null when nothing is scored. */
  defaultRunId: number | null;
  /** Where the MOS column comes from; null when the project has no MOS. */
  mosSource: { id: string; label: string; scale: string } | null;
  /** The calibration behind the Predicted MOS column, per run id. */
  calibrations: Record<number, CalibrationInfo>;
}

// ---------- the contract ----------

const pathInput = z.object({ path: absPath }).strict();

export const calls = {
  'app.info': call<AppInfo>()(empty),
  'project.create': call<ProjectInfo>()(pathInput),
  'project.open': call<ProjectInfo>()(pathInput),
  'project.close': call<null>()(empty),
  'project.current': call<ProjectInfo | null>()(empty),
  'project.recent': call<RecentProject[]>()(empty),
  /** Remove entries from the recent list (the files stay); returns the new list. */
  'project.forgetRecent': call<RecentProject[]>()(
    z.object({ paths: z.array(absPath).min(1).max(100) }).strict(),
  ),
  'library.list': call<{ total: number; rows: VideoRow[]; runId: number | null }>()(
    libraryQuerySchema,
  ),
  /** Runs the library can show (newest first, empty runs left out), its default, and the MOS column's source. */
  'library.runs': call<LibraryRuns>()(empty),
  'library.ids': call<number[]>()(z.object({ filter: libraryFilterSchema.optional() }).strict()),
  'library.facets': call<{ codecs: string[]; ok: number; failed: number }>()(empty),
  'library.import': call<{ jobId: string }>()(
    z.object({ paths: z.array(absPath).min(1).max(10_000) }).strict(),
  ),
  'library.cancelImport': call<{ cancelled: boolean }>()(
    z.object({ jobId: z.string().min(1).max(100) }).strict(),
  ),
  'library.remove': call<{ removed: number }>()(
    z.object({ ids: z.array(z.number().int().positive()).min(1).max(100_000) }).strict(),
  ),
  'fs.listDir': call<{ path: string; parent: string | null; entries: DirEntry[] }>()(
    z.object({ path: absPath.optional() }).strict(),
  ),
  'score.scorers': call<ScorerInfo[]>()(empty),
  'score.start': call<{ jobId: string }>()(
    z
      .object({
        videoIds: z.array(z.number().int().positive()).min(1).max(1_000_000).optional(),
        all: z.boolean().optional(),
        scorer: z
          .string()
          .regex(/^[a-z0-9][a-z0-9._-]*$/)
          .max(100),
        providers: z
          .array(z.enum(['cuda', 'cpu']))
          .min(1)
          .max(2)
          .optional(),
        segmentSec: z.number().int().min(1).max(600).optional(),
        /** Videos scored in parallel (default 1). */
        concurrency: z.number().int().min(1).max(16).optional(),
      })
      .strict()
      .refine((v) => v.all || (v.videoIds && v.videoIds.length), 'give videoIds or all: true'),
  ),
  'jobs.list': call<JobProgress[]>()(empty),
  'jobs.cancel': call<{ cancelled: boolean }>()(
    z.object({ jobId: z.string().min(1).max(100) }).strict(),
  ),
  'video.scores': call<VideoScores>()(
    z
      .object({
        videoId: z.number().int().positive(),
        runId: z.number().int().positive().optional(),
      })
      .strict(),
  ),
  'library.neighbors': call<{
    prev: number | null;
    next: number | null;
    index: number;
    total: number;
  }>()(
    z
      .object({
        videoId: z.number().int().positive(),
        sort: librarySortSchema.optional(),
        filter: libraryFilterSchema.optional(),
        runId: z.number().int().positive().optional(),
      })
      .strict(),
  ),
  'settings.get': call<Settings>()(empty),
  'settings.set': call<Settings>()(
    z.object({ annotator: z.string().trim().min(1, 'annotator name is empty').max(100) }).strict(),
  ),
  'annotations.list': call<Annotation[]>()(
    z
      .object({ videoId: z.number().int().positive(), annotator: z.string().max(100).optional() })
      .strict(),
  ),
  /** Create (no id) or replace (id) one annotation; mos and segment ratings are one per annotator. */
  'annotations.put': call<Annotation>()(
    z
      .object({
        id: z.number().int().positive().optional(),
        videoId: z.number().int().positive(),
        kind: z.enum(['mos', 'segment_rating', 'span', 'note']),
        rating: z.number().int().min(1).max(5).nullable().optional(),
        segmentIdx: z.number().int().min(0).nullable().optional(),
        startSec: z.number().min(0).max(1e7).nullable().optional(),
        endSec: z.number().min(0).max(1e7).nullable().optional(),
        tag: z.enum(DISTORTION_TAGS).nullable().optional(),
        text: z.string().max(20_000).nullable().optional(),
      })
      .strict()
      .refine(
        (a) => (a.kind === 'mos' || a.kind === 'segment_rating' ? a.rating != null : true),
        'a rating needs a value 1–5',
      )
      .refine(
        (a) => (a.kind === 'segment_rating' ? a.segmentIdx != null : true),
        'a segment rating needs segmentIdx',
      )
      .refine(
        (a) =>
          a.kind === 'span'
            ? a.startSec != null && a.endSec != null && a.endSec > a.startSec
            : true,
        'a span needs startSec < endSec',
      ),
  ),
  'annotations.delete': call<{ deleted: boolean }>()(
    z.object({ id: z.number().int().positive() }).strict(),
  ),
  'annotations.restore': call<Annotation>()(z.object({ id: z.number().int().positive() }).strict()),
  'media.info': call<MediaInfo>()(z.object({ videoId: z.number().int().positive() }).strict()),
  'media.makeProxy': call<{ started: boolean }>()(
    z.object({ videoId: z.number().int().positive() }).strict(),
  ),
  /** The video's thumbnail strip, made on the first call (one ffmpeg run) and cached. */
  'media.thumbStrip': call<ThumbStrip>()(
    z.object({ videoId: z.number().int().positive() }).strict(),
  ),
  'library.sparklines': call<Record<number, number[]>>()(
    z
      .object({
        ids: z.array(z.number().int().positive()).max(1000),
        points: z.number().int().min(2).max(200).optional(),
        /** The library's run (default: each video's newest run). */
        runId: z.number().int().positive().optional(),
      })
      .strict(),
  ),
  ...pairsCalls,
  ...assistantCalls,
  ...evaluationCalls,
  ...modelsCalls,
} as const satisfies Record<string, { input: z.ZodType; output: unknown }>;

export type Calls = typeof calls;
/** Call names are the keys of `calls`: a call is added in one place, its schema. */
export type CallName = keyof Calls;
export const CALL_NAMES = Object.keys(calls) as CallName[];
export type CallInput<K extends CallName> = z.input<Calls[K]['input']>;
export type CallOutput<K extends CallName> = Calls[K]['output'];

export interface Events extends PairsEvents, AssistantEvents, EvaluationEvents {
  'import.progress': ImportProgress;
  'import.done': ImportSummary;
  'library.changed': { reason: 'import' | 'remove' | 'score' };
  'project.changed': { project: ProjectInfo | null };
  'job.progress': JobProgress;
  'proxy.progress': ProxyProgress;
  'annotations.changed': { videoId: number };
}
// Every event name has a payload type and vice versa.
type _EventsComplete = [EventName] extends [keyof Events]
  ? [keyof Events] extends [EventName]
    ? true
    : never
  : never;
export const EVENTS_COMPLETE: _EventsComplete = true;

export * from './contract-errors';

/** Project media the hosts serve: /<kind>/<id> (web, `video` as /media) and vqa2-media://<kind>/<id>. */
export type MediaKind = 'thumb' | 'video' | 'proxy' | 'strip';

/** The interface the renderer talks to: window.studio in Electron, a WebSocket client in a browser. */
export interface ApiClient {
  readonly host: 'electron' | 'web';
  call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>>;
  on<E extends EventName>(name: E, listener: (payload: Events[E]) => void): () => void;
  /** URL for a project media resource the renderer may put in <img>/<video>. */
  mediaUrl(kind: MediaKind, videoId: number): string;
  /** Absolute paths of dropped files where the host can know them (Electron); null in a browser. */
  pathForFile?(file: File): string | null;
}

/** Validate a call's input; throws ApiError('BAD_INPUT') naming the field. */
export function parseCallInput<K extends CallName>(name: string, input: unknown): CallInput<K> {
  if (!Object.prototype.hasOwnProperty.call(calls, name)) {
    throw new ApiError('UNKNOWN_CALL', `Unknown call "${name}"`);
  }
  const schema = calls[name as K].input as z.ZodType;
  // Only a missing input means "no arguments"; an explicit null is as wrong as any other non-object.
  const r = schema.safeParse(input === undefined ? {} : input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue && issue.path.length ? issue.path.join('.') : 'input';
    throw new ApiError('BAD_INPUT', `${name}: ${where}: ${issue?.message ?? 'invalid input'}`);
  }
  return r.data as CallInput<K>;
}
