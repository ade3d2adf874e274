// One stored pair → one dataset sample per format (docs/formats.md §3, §4), and each format's check
// that runs on every sample before anything is written.
import { StudioError } from '../../../src-shared/contract-errors';
import type { PairTurn, PlaceholderStyle } from '../../../src-shared/contract-pairs';
import { LLAVA_PREAMBLE, QWEN_PREAMBLE, turnProblems } from '../../../src-shared/contract-pairs';
import type { PairRecord } from '../pairs/pair-store';
import { extraOf, styleOf } from '../pairs/pair-queries';
import { fmtSec } from '../pairs/facts';

export type PairFormat = 'llava' | 'qwen2.5vl' | 'sharegpt-jsonl';

export class ExportError extends StudioError<
  'BAD_INPUT' | 'EXPORT_INVALID' | 'EXPORT_CANCELLED' | 'EXPORT_FAILED'
> {
  constructor(
    code: 'BAD_INPUT' | 'EXPORT_INVALID' | 'EXPORT_CANCELLED' | 'EXPORT_FAILED',
    message: string,
  ) {
    super(code, message);
    this.name = 'ExportError';
  }
}

/** Rewrite the first human turn's visual placeholders from one style to the other (inverse on the preambles). */
export function convertStyle(
  turns: readonly PairTurn[],
  from: PlaceholderStyle,
  to: PlaceholderStyle,
): PairTurn[] {
  if (from === to || turns.length === 0) return turns.map((t) => ({ ...t }));
  const [first, ...rest] = turns;
  let v = first!.value;
  if (to === 'qwen') {
    v = v.startsWith(LLAVA_PREAMBLE)
      ? QWEN_PREAMBLE + v.slice(LLAVA_PREAMBLE.length)
      : QWEN_PREAMBLE + v.replace(/<image>\n?/g, '');
  } else {
    v = v.startsWith(QWEN_PREAMBLE)
      ? LLAVA_PREAMBLE + v.slice(QWEN_PREAMBLE.length)
      : LLAVA_PREAMBLE + v.replace(/<video>\n?/g, '');
  }
  return [{ from: 'human', value: v }, ...rest.map((t) => ({ ...t }))];
}

/** State a pair's time range in its first human turn (after the visual preamble, if any). */
export function withRangeInPrompt(turns: PairTurn[], startSec: number, endSec: number): PairTurn[] {
  const note = `Consider only the part of the video from ${fmtSec(startSec)} s to ${fmtSec(endSec)} s. `;
  const [first, ...rest] = turns;
  const v = first!.value;
  const pre = [LLAVA_PREAMBLE, QWEN_PREAMBLE].find((p) => v.startsWith(p)) ?? '';
  return [{ from: 'human', value: pre + note + v.slice(pre.length) }, ...rest];
}

export interface SampleInput {
  pair: PairRecord;
  /** Dataset-relative path(s) of the video(s) (or the extracted clip). */
  paths: string[];
  /** State the range in the prompt (the sample shows the whole video). */
  rangeInPrompt: boolean;
}

function turnsFor(s: SampleInput, style: PlaceholderStyle): PairTurn[] {
  let turns = convertStyle(s.pair.conversations, styleOf(s.pair), style);
  if (s.rangeInPrompt && s.pair.startSec != null && s.pair.endSec != null)
    turns = withRangeInPrompt(turns, s.pair.startSec, s.pair.endSec);
  return turns;
}

/** Keys written in the sample's imported order, then any the studio adds. */
function ordered(known: Record<string, unknown>, pair: PairRecord): Record<string, unknown> {
  const extra = extraOf(pair);
  const out: Record<string, unknown> = {};
  if (!extra.keyOrder && !extra.sampleKeys) {
    for (const k in known) if (known[k] !== undefined) out[k] = known[k];
    return out;
  }
  const keys = extra.keyOrder ?? Object.keys(known);
  for (const k of keys) {
    if (k in known) {
      if (known[k] !== undefined) out[k] = known[k];
    } else if (extra.sampleKeys && k in extra.sampleKeys) out[k] = extra.sampleKeys[k];
  }
  for (const k of Object.keys(known))
    if (!(k in out) && known[k] !== undefined && !keys.includes(k)) out[k] = known[k];
  return out;
}

export function llavaSample(s: SampleInput): Record<string, unknown> {
  const p = s.pair;
  return ordered(
    {
      id: p.uid,
      image: s.paths[0],
      'frames per sec': extraOf(p).framesPerSec ?? 1,
      gt_score: p.gtScore ?? undefined,
      task_mark: p.taskMark ?? undefined,
      conversations: turnsFor(s, 'llava'),
    },
    p,
  );
}

export function qwenSample(s: SampleInput): Record<string, unknown> {
  return ordered({ id: s.pair.uid, video: s.paths[0], conversations: turnsFor(s, 'qwen') }, s.pair);
}

export function sharegptSample(s: SampleInput): Record<string, unknown> {
  const messages = turnsFor(s, 'qwen').map((t) => ({
    role: t.from === 'human' ? 'user' : 'assistant',
    content: t.value,
  }));
  return { messages, videos: s.paths };
}

export function sampleFor(format: PairFormat, s: SampleInput): Record<string, unknown> {
  return format === 'llava'
    ? llavaSample(s)
    : format === 'qwen2.5vl'
      ? qwenSample(s)
      : sharegptSample(s);
}

const isTurns = (v: unknown): v is PairTurn[] =>
  Array.isArray(v) &&
  v.every(
    (t) =>
      t &&
      typeof t === 'object' &&
      typeof (t as PairTurn).value === 'string' &&
      typeof (t as PairTurn).from === 'string',
  );

/** Problems of one sample against its format, naming the field. */
export function sampleProblems(format: PairFormat, sample: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (format === 'sharegpt-jsonl') {
    const videos = sample.videos;
    const msgs = sample.messages;
    if (
      !Array.isArray(videos) ||
      !videos.length ||
      !videos.every((v) => typeof v === 'string' && v.length)
    )
      out.push('videos: needs one or more paths');
    if (!Array.isArray(msgs)) return [...out, 'messages: not an array'];
    const turns = msgs.map((m: { role?: unknown; content?: unknown }) => ({
      from: m.role === 'user' ? 'human' : m.role === 'assistant' ? 'gpt' : String(m.role),
      value: typeof m.content === 'string' ? m.content : '',
    })) as PairTurn[];
    out.push(
      ...turnProblems(turns, 'qwen', Array.isArray(videos) ? videos.length : 1).map(
        (p) => `messages: ${p.replace(/"human"/g, '"user"').replace(/"gpt"/g, '"assistant"')}`,
      ),
    );
    return out;
  }
  const pathKey = format === 'llava' ? 'image' : 'video';
  if (typeof sample.id !== 'string' || !sample.id) out.push('id: must be a non-empty string');
  if (typeof sample[pathKey] !== 'string' || !sample[pathKey])
    out.push(`${pathKey}: must be a relative video path`);
  if (format === 'llava' && typeof sample['frames per sec'] !== 'number')
    out.push('frames per sec: must be a number');
  if (!isTurns(sample.conversations))
    return [...out, 'conversations: must be an array of {from, value}'];
  out.push(
    ...turnProblems(sample.conversations, format === 'llava' ? 'llava' : 'qwen').map(
      (p) => `conversations: ${p}`,
    ),
  );
  return out;
}

export function assertSamplesValid(
  format: PairFormat,
  samples: readonly Record<string, unknown>[],
): void {
  const seen = new Set<unknown>();
  samples.forEach((s, i) => {
    const problems = sampleProblems(format, s);
    if (problems.length)
      throw new ExportError(
        'EXPORT_INVALID',
        `sample ${i + 1}${s.id ? ` (id "${String(s.id)}")` : ''}: ${problems[0]}`,
      );
    if (s.id !== undefined) {
      if (seen.has(s.id))
        throw new ExportError('EXPORT_INVALID', `sample ${i + 1}: duplicate id "${String(s.id)}"`);
      seen.add(s.id);
    }
  });
}

/** How many videos a pair's first turn must show, for the formats that hold one video per sample. */
export function oneVideoFormat(format: PairFormat): boolean {
  return format !== 'sharegpt-jsonl';
}
