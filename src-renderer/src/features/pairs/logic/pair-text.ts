// Small text helpers of the pairs view: range labels, one-line excerpts of a conversation, and
// the editor's live check (the same rules the main process applies before writing).
import type { PairRow, PairTurn } from '../../../../../src-shared/contract-pairs';
import {
  LLAVA_PREAMBLE,
  QWEN_PREAMBLE,
  turnProblems,
} from '../../../../../src-shared/contract-pairs';

export function rangeLabel(startSec: number | null, endSec: number | null): string {
  if (startSec == null || endSec == null) return 'whole video';
  return `${startSec.toFixed(1)}–${endSec.toFixed(1)} s`;
}

/** The first question without the visual preamble, on one line. */
export function questionExcerpt(turns: readonly PairTurn[], max = 90): string {
  const first = turns[0]?.value ?? '';
  const q = first
    .replace(LLAVA_PREAMBLE, '')
    .replace(/^(<video>\n)+/, '')
    .replace(QWEN_PREAMBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
  return q.length > max ? `${q.slice(0, max - 1)}…` : q;
}

export function answerExcerpt(turns: readonly PairTurn[], max = 70): string {
  const a = (turns[1]?.value ?? '').replace(/\s+/g, ' ').trim();
  return a.length > max ? `${a.slice(0, max - 1)}…` : a;
}

/** Problems of an edited conversation against the pair's format (placeholders, turn order). */
export function editProblems(
  pair: Pick<PairRow, 'style' | 'video2Id'>,
  turns: readonly PairTurn[],
): string[] {
  return turnProblems(turns, pair.style, pair.video2Id ? 2 : 1);
}

export function basisLabel(levelFrom: PairRow['levelFrom']): string {
  return levelFrom === 'mos' ? 'MOS' : levelFrom === 'model' ? 'model' : '';
}
