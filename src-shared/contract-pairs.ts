// Contract calls and events of the instruction pairs, templates, dataset export and import,
// and the conversation rules both sides check (the editor live, the main process before writing).
// Call names are the keys of the map below; event names are listed in contract-names.ts (PAIRS_EVENT_NAMES).
import { z } from 'zod';
import { call, emptyInput, seedSchema, videoIdSchema } from './contract-core';

/** The highest size limit (MiB) an import may ask for. */
export const MAX_IMPORT_MB = 1024;

export const PAIR_SOURCE_VALUES = ['template', 'assistant', 'manual', 'import'] as const;
export const PAIR_STATUS_VALUES = ['draft', 'approved', 'rejected'] as const;
export const EXPORT_FORMATS = [
  'llava',
  'qwen2.5vl',
  'sharegpt-jsonl',
  'csv-mos',
  'scores-json',
] as const;
export const IMPORT_KINDS = ['llava', 'qwen2.5vl', 'ratings', 'qbench'] as const;
export const MOS_SCALES = ['0-1', '1-5', '0-100', 'other'] as const;
export const TEMPLATE_KINDS = ['rating', 'distortion', 'temporal', 'qbench', 'comparison'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type ImportKind = (typeof IMPORT_KINDS)[number];
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
/** How the visual input is marked in a stored conversation: LLaVA's two `<image>` or Qwen's one `<video>`. */
export type PlaceholderStyle = 'llava' | 'qwen';

export interface PairTurn {
  from: 'human' | 'gpt';
  value: string;
}

export interface PairRow {
  id: number;
  uid: string;
  videoId: number;
  videoName: string;
  video2Id: number | null;
  video2Name: string | null;
  startSec: number | null;
  endSec: number | null;
  conversations: PairTurn[];
  source: (typeof PAIR_SOURCE_VALUES)[number];
  status: (typeof PAIR_STATUS_VALUES)[number];
  templateId: string | null;
  taskMark: string | null;
  gtScore: number | null;
  /** Where the level of a rating answer came from (the UI marks it). */
  levelFrom: 'mos' | 'model' | null;
  style: PlaceholderStyle;
  provenance: { kind: string; id?: number | string; detail?: string }[];
  updatedAt: string;
}

export interface TemplateBody {
  question: string;
  answer: string;
  /** Generate one time-range pair per tagged span too (distortion). */
  perSpan?: boolean;
}

export interface TemplateRow {
  id: string;
  kind: TemplateKind;
  name: string;
  body: TemplateBody;
  builtin: boolean;
  /** The body differs from the shipped default. */
  edited: boolean;
  placeholders: { question: string[]; answer: string[] };
}

export interface GeneratedPairPreview {
  videoId: number;
  video2Id: number | null;
  startSec: number | null;
  endSec: number | null;
  conversations: PairTurn[];
  levelFrom: 'mos' | 'model' | null;
  provenance: { kind: string; id?: number | string; detail?: string }[];
}

export interface ExportProgress {
  jobId: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  phase: 'collecting' | 'videos' | 'clips' | 'writing' | 'done';
  done: number;
  total: number;
  etaSec: number | null;
  outDir: string;
  error: string | null;
  manifest: ExportManifest | null;
}

export interface ExportManifest {
  format: ExportFormat;
  project: string;
  createdAt: string;
  settings: Record<string, unknown>;
  counts: {
    samples: number;
    train: number;
    val: number;
    videos: number;
    clips: number;
    skipped: Record<string, number>;
    /** Pair formats: how many written pairs a person approved, how many are drafts, and how many drafts state a level taken from a model score. */
    pairs?: { approved: number; draft: number; draftLevelFromModel: number };
  };
  files: string[];
}

export interface ImportReport {
  kind: ImportKind;
  file: string;
  items: number;
  imported: number;
  unmatched: { index: number; path: string; reason: string }[];
  scale?: string;
  setName?: string;
}

// ---------- conversation rules ----------

export const LLAVA_PREAMBLE =
  'The key frames of this video are:\n<image>. And the motion feature of the video is\n<image>. ';
export const QWEN_PREAMBLE = '<video>\n';

function countOf(text: string, token: string): number {
  let n = 0;
  for (let i = text.indexOf(token); i !== -1; i = text.indexOf(token, i + token.length)) n++;
  return n;
}

/**
 * Problems with a conversation, each naming the turn: turns alternate human/gpt starting with
 * human and ending with gpt, no empty value; with a style, the visual placeholders: LLaVA two
 * `<image>` (one per video, two videos: four) in the first human turn, Qwen one `<video>` per video,
 * none anywhere else, and never the other style's token.
 */
export function turnProblems(
  turns: readonly PairTurn[],
  style?: PlaceholderStyle,
  videos = 1,
): string[] {
  const out: string[] = [];
  if (turns.length === 0) return ['conversation has no turns'];
  turns.forEach((t, i) => {
    const want = i % 2 === 0 ? 'human' : 'gpt';
    if (t.from !== want) out.push(`turn ${i + 1}: expected "${want}", found "${String(t.from)}"`);
    if (typeof t.value !== 'string' || t.value.trim() === '')
      out.push(`turn ${i + 1}: empty value`);
  });
  if (turns.length % 2 !== 0) out.push('conversation must end with a gpt turn');
  if (!style) return out;
  const token = style === 'llava' ? '<image>' : '<video>';
  const other = style === 'llava' ? '<video>' : '<image>';
  const want = (style === 'llava' ? 2 : 1) * videos;
  turns.forEach((t, i) => {
    if (typeof t.value !== 'string') return;
    const n = countOf(t.value, token);
    if (i === 0 && n !== want)
      out.push(`turn 1: needs ${want} ${token} placeholder${want > 1 ? 's' : ''}, found ${n}`);
    if (i > 0 && n > 0)
      out.push(`turn ${i + 1}: ${token} placeholders belong in the first human turn only`);
    if (countOf(t.value, other) > 0)
      out.push(`turn ${i + 1}: ${other} is not a placeholder of this format (use ${token})`);
  });
  return out;
}

/** `{name}` placeholders of a template text. */
export function templatePlaceholders(text: string): string[] {
  return [...text.matchAll(/\{([a-zA-Z0-9_]*)\}/g)].map((m) => m[1] ?? '');
}

// ---------- calls ----------

const turnSchema = z
  .object({ from: z.enum(['human', 'gpt']), value: z.string().max(20_000) })
  .strict();
const conversationSchema = z.array(turnSchema).min(2).max(200);
const idsSchema = z.array(z.number().int().positive()).min(1).max(1_000_000);
const templateIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/)
  .max(64);
const absPath = z
  .string()
  .min(1, 'path is empty')
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');
const timeSec = z.number().min(0).max(1e7);

export const pairsFilterSchema = z
  .object({
    status: z.enum(PAIR_STATUS_VALUES).optional(),
    source: z.enum(PAIR_SOURCE_VALUES).optional(),
    videoId: videoIdSchema.optional(),
    templateId: templateIdSchema.optional(),
    text: z.string().max(500).optional(),
  })
  .strict();
export type PairsFilter = z.infer<typeof pairsFilterSchema>;

export const templateBodySchema = z
  .object({
    question: z.string().min(1).max(4000),
    answer: z.string().min(1).max(4000),
    perSpan: z.boolean().optional(),
  })
  .strict();

export const exportOptionsSchema = z
  .object({
    format: z.enum(EXPORT_FORMATS),
    outDir: absPath,
    status: z.enum(['approved', 'draft', 'all']).optional(),
    videos: z.enum(['copy', 'hardlink', 'reference']).optional(),
    ranges: z.enum(['clip', 'prompt']).optional(),
    valFraction: z.number().min(0).max(0.9).optional(),
    seed: seedSchema.optional(),
    /** csv-mos / scores-json: 'calibrated' adds MOS predicted by the run's calibration and takes levels from it (default 'model'). */
    levels: z.enum(['model', 'calibrated']).optional(),
    /** The run whose scores and calibration per-video exports use (default: the library's default run). */
    runId: z.number().int().positive().optional(),
  })
  .strict();
export type ExportOptions = z.infer<typeof exportOptionsSchema>;

export const pairsCalls = {
  'pairs.list': call<{ total: number; rows: PairRow[] }>()(
    z
      .object({
        filter: pairsFilterSchema.optional(),
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(5000),
      })
      .strict(),
  ),
  'pairs.facets': call<{
    videos: { id: number; name: string; count: number }[];
    templates: string[];
    counts: Record<string, number>;
  }>()(emptyInput),
  /** A manual pair. */
  'pairs.create': call<PairRow>()(
    z
      .object({
        videoId: videoIdSchema,
        conversations: conversationSchema,
        startSec: timeSec.nullable().optional(),
        endSec: timeSec.nullable().optional(),
      })
      .strict(),
  ),
  'pairs.update': call<PairRow>()(
    z
      .object({
        id: z.number().int().positive(),
        conversations: conversationSchema.optional(),
        status: z.enum(PAIR_STATUS_VALUES).optional(),
      })
      .strict(),
  ),
  'pairs.setStatus': call<{ updated: number }>()(
    z.object({ ids: idsSchema, status: z.enum(PAIR_STATUS_VALUES) }).strict(),
  ),
  'pairs.delete': call<{ deleted: number }>()(z.object({ ids: idsSchema }).strict()),
  'pairs.templates': call<TemplateRow[]>()(emptyInput),
  'pairs.putTemplate': call<TemplateRow>()(
    z.object({ id: templateIdSchema, body: templateBodySchema }).strict(),
  ),
  'pairs.resetTemplate': call<TemplateRow>()(z.object({ id: templateIdSchema }).strict()),
  /** What a template (optionally with an unsaved body) makes for one video; nothing is stored. */
  'pairs.preview': call<{ pairs: GeneratedPairPreview[]; problems: string[] }>()(
    z
      .object({
        templateId: templateIdSchema,
        body: templateBodySchema.optional(),
        videoId: videoIdSchema,
      })
      .strict(),
  ),
  /** Generate draft pairs; earlier drafts of the same template and video are replaced. */
  'pairs.generate': call<{ created: number; replaced: number; videos: number }>()(
    z
      .object({
        templateIds: z.array(templateIdSchema).min(1).max(20),
        videoIds: z.array(videoIdSchema).max(1_000_000).optional(),
        /** Level of unrated videos: the model score's (default) or the MOS the default run's calibration predicts. */
        levels: z.enum(['model', 'calibrated']).optional(),
      })
      .strict(),
  ),
  'pairs.export': call<{ jobId: string }>()(exportOptionsSchema),
  'pairs.cancelExport': call<{ cancelled: boolean }>()(
    z.object({ jobId: z.string().min(1).max(100) }).strict(),
  ),
  'pairs.import': call<ImportReport>()(
    z
      .object({
        path: absPath,
        kind: z.enum(IMPORT_KINDS),
        asDraft: z.boolean().optional(),
        /** A rating list's MOS scale when detection would guess wrong (default: detected from the values). */
        scale: z.enum(MOS_SCALES).optional(),
        /** Size limit for this file in MiB (default 32; the file is parsed in memory). */
        maxMB: z.number().int().min(1).max(MAX_IMPORT_MB).optional(),
      })
      .strict(),
  ),
} as const;

export interface PairsEvents {
  'pairs.exportProgress': ExportProgress;
  'pairs.changed': { reason: 'generate' | 'edit' | 'import' | 'delete' };
}
