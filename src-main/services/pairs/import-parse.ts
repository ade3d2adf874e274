// Reading dataset files for import: a size cap, strict UTF-8, JSON, then a per-kind check of every
// item that names the item (1-based) and the field of the first problem.
import { StudioError } from '../../../src-shared/contract-errors';
import fs from 'node:fs';
import type { ImportKind, PairTurn } from '../../../src-shared/contract-pairs';
import { turnProblems } from '../../../src-shared/contract-pairs';
import type { QbenchQuestion } from './pair-store';

/** Largest file import reads: the released VQA² sets are ≤ 15 MB; a 50 MB file is refused. */
/** Default size limit of an import file (the whole file is parsed in memory); raised per import with maxMB. */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;

export class ImportError extends StudioError<'BAD_INPUT'> {
  constructor(message: string) {
    super('BAD_INPUT', message);
    this.name = 'ImportError';
  }
}

export interface PairItem {
  index: number;
  id: string | null;
  videoPath: string;
  conversations: PairTurn[];
  framesPerSec?: number;
  gtScore?: number;
  taskMark?: string;
  sampleKeys: Record<string, unknown>;
  keyOrder: string[];
}

export interface RatingItem {
  index: number;
  videoPath: string;
  mos: number;
  level: number | null;
}

/** A question-set item as read: the stored question's fields, before its videos are matched. */
export interface QbenchItem extends Pick<
  QbenchQuestion,
  'videoName' | 'questionType' | 'question' | 'answers' | 'correctChoice' | 'context' | 'extra'
> {
  index: number;
  /** One name, or two for `A.mp4_cat_B.mp4`. */
  videoNames: string[];
}

export function readJsonFile(file: string, maxBytes = MAX_IMPORT_BYTES): unknown {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new StudioError('PATH_NOT_FOUND', `file not found: ${file}`);
  }
  if (size > maxBytes) {
    const mb = Math.ceil(size / 1024 / 1024);
    throw new ImportError(
      `${file} is ${(size / 1024 / 1024).toFixed(1)} MB; import reads files up to ${Math.round(maxBytes / 1024 / 1024)} MB — raise the limit for this import (--max-mb ${mb}, or "Size limit" in the dialog) or split the file`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(file));
  } catch {
    throw new ImportError(`${file} is not valid UTF-8 text`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ImportError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(index: number, field: string, what: string): never {
  throw new ImportError(`item ${index + 1}: ${field}: ${what}`);
}

function str(
  item: Record<string, unknown>,
  index: number,
  key: string,
  optional = false,
): string | undefined {
  const v = item[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || (!optional && v === ''))
    fail(index, key, v === undefined ? 'missing' : `must be a string, found ${typeof v}`);
  return v;
}

function num(item: Record<string, unknown>, index: number, key: string): number | undefined {
  const v = item[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    fail(index, key, `must be a number, found ${JSON.stringify(v)}`);
  return v;
}

function turns(item: Record<string, unknown>, index: number, style: 'llava' | 'qwen'): PairTurn[] {
  const c = item.conversations;
  if (!Array.isArray(c))
    fail(index, 'conversations', c === undefined ? 'missing' : 'must be an array');
  const out = c.map((t: unknown, i: number) => {
    if (!isObj(t)) fail(index, `conversations[${i}]`, 'must be an object {from, value}');
    if (t.from !== 'human' && t.from !== 'gpt')
      fail(
        index,
        `conversations[${i}].from`,
        `must be "human" or "gpt", found ${JSON.stringify(t.from)}`,
      );
    if (typeof t.value !== 'string')
      fail(index, `conversations[${i}].value`, `must be a string, found ${typeof t.value}`);
    return { from: t.from, value: t.value } as PairTurn;
  });
  const problems = turnProblems(out, style);
  if (problems.length) fail(index, 'conversations', problems[0]!);
  return out;
}

function array(data: unknown, what: string): unknown[] {
  if (!Array.isArray(data)) throw new ImportError(`the file must hold a JSON array of ${what}`);
  return data;
}

function checkDuplicateIds(items: PairItem[]): void {
  const seen = new Map<string, number>();
  for (const it of items) {
    if (it.id == null) continue;
    const first = seen.get(it.id);
    if (first !== undefined) fail(it.index, 'id', `"${it.id}" duplicates item ${first + 1}`);
    seen.set(it.id, it.index);
  }
}

export function parsePairItems(data: unknown, kind: 'llava' | 'qwen2.5vl'): PairItem[] {
  const pathKey = kind === 'llava' ? 'image' : 'video';
  const modelled = new Set([
    'id',
    pathKey,
    'conversations',
    ...(kind === 'llava' ? ['frames per sec', 'gt_score', 'task_mark'] : []),
  ]);
  const items = array(data, 'samples').map((raw, index): PairItem => {
    if (!isObj(raw)) fail(index, 'item', 'must be an object');
    const id = raw.id;
    if (id !== undefined && (typeof id !== 'string' || id === ''))
      fail(index, 'id', `must be a non-empty string, found ${JSON.stringify(id)}`);
    const videoPath = str(raw, index, pathKey)!;
    const conversations = turns(raw, index, kind === 'llava' ? 'llava' : 'qwen');
    const sampleKeys: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) if (!modelled.has(k)) sampleKeys[k] = v;
    return {
      index,
      id: (id as string | undefined) ?? null,
      videoPath,
      conversations,
      framesPerSec: kind === 'llava' ? num(raw, index, 'frames per sec') : undefined,
      gtScore: kind === 'llava' ? num(raw, index, 'gt_score') : undefined,
      taskMark: kind === 'llava' ? str(raw, index, 'task_mark', true) : undefined,
      sampleKeys,
      keyOrder: Object.keys(raw),
    };
  });
  checkDuplicateIds(items);
  return items;
}

export function parseRatingItems(data: unknown): RatingItem[] {
  return array(data, 'ratings').map((raw, index) => {
    if (!isObj(raw)) fail(index, 'item', 'must be an object');
    const pathKey = 'video_path' in raw ? 'video_path' : 'img_path' in raw ? 'img_path' : null;
    if (!pathKey) fail(index, 'video_path', 'missing (or img_path)');
    const scoreKey = 'mos' in raw ? 'mos' : 'gt_score' in raw ? 'gt_score' : null;
    if (!scoreKey) fail(index, 'mos', 'missing (or gt_score)');
    const level = raw.level;
    if (
      level !== undefined &&
      !(Number.isInteger(level) && (level as number) >= 1 && (level as number) <= 5)
    )
      fail(index, 'level', `must be an integer 1–5, found ${JSON.stringify(level)}`);
    return {
      index,
      videoPath: str(raw, index, pathKey)!,
      mos: num(raw, index, scoreKey)!,
      level: (level as number | undefined) ?? null,
    };
  });
}

/** The scale of a rating list, as given (docs/formats.md §2): 0-1, 1-5, 0-100, else other. */
export function detectScale(values: number[]): string {
  const within = (lo: number, hi: number) => values.every((v) => v >= lo && v <= hi);
  if (!values.length) return 'other';
  if (within(0, 1)) return '0-1';
  if (within(1, 5)) return '1-5';
  if (within(0, 100)) return '0-100';
  return 'other';
}

const QBENCH_KEYS = new Set([
  'video_name',
  'question_type',
  'question',
  'answers',
  'correct_choice',
  'context',
]);

export function parseQbenchItems(data: unknown): QbenchItem[] {
  return array(data, 'questions').map((raw, index) => {
    if (!isObj(raw)) fail(index, 'item', 'must be an object');
    const videoName = str(raw, index, 'video_name')!;
    const answers = raw.answers ?? [];
    if (!Array.isArray(answers) || !answers.every((a) => typeof a === 'string'))
      fail(index, 'answers', 'must be an array of strings');
    const cc = raw.correct_choice;
    if (cc !== undefined && cc !== null && (typeof cc !== 'string' || !/^[A-Z]$/.test(cc)))
      fail(index, 'correct_choice', `must be one uppercase letter, found ${JSON.stringify(cc)}`);
    if (typeof cc === 'string' && cc.charCodeAt(0) - 65 >= answers.length)
      fail(index, 'correct_choice', `"${cc}" is past the ${answers.length} answers`);
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) if (!QBENCH_KEYS.has(k)) extra[k] = v;
    return {
      index,
      videoName,
      videoNames: videoName.split('_cat_'),
      questionType: str(raw, index, 'question_type')!,
      question: str(raw, index, 'question')!,
      answers: answers as string[],
      correctChoice: (cc as string | null | undefined) ?? null,
      context: str(raw, index, 'context', true) ?? '',
      extra: Object.keys(extra).length ? extra : null,
    };
  });
}

export function parseKind(kind: ImportKind, data: unknown) {
  return kind === 'ratings'
    ? parseRatingItems(data)
    : kind === 'qbench'
      ? parseQbenchItems(data)
      : parsePairItems(data, kind);
}
