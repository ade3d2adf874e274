// VQA²'s prompts (docs/formats.md §1, §5, §6), word for word.
import type { QbenchQuestion } from './engine';

export const SYSTEM_PROMPT = 'You are a helpful assistant.';
export const CHAT_TEMPERATURE = 0.2;
export const CHAT_MAX_TOKENS = 1024;

/** UGC scorer prompt with the visual placeholders removed (frames travel as image parts). */
export const RATING_QUESTION = 'How would you rate the quality of this video?';
export const RATING_PREFILL = 'The quality of the video is';
export const KEY_FRAMES_INTRO = 'The key frames of this video are:';

export const CHOICE_SUFFIX =
  "Please answer the question in the following format: the uppercase letter of the correct answer option itself +'.'. Please do not add any other answers beyond this.";
export const OPEN_SUFFIX = 'Please directly answer the question.';

/** §5 prefix for a single video of n key frames (frameNum = all frames of the video). */
export function qbenchPrefix(n: number, frameNum: number): string {
  return `You will receive ${n} distinct frames that have been uniformly sampled in each second from a video sequence, arranged in the same temporal order as they appear in the video. In addition, you will also obtain motion features extracted from all ${frameNum} frames of the video. Please analyze these images and answer the questions based on your observations.`;
}

export const isChoiceQuestion = (q: Pick<QbenchQuestion, 'questionType' | 'answers'>): boolean =>
  !q.questionType.includes('open_ended') && q.answers.length > 0;

/** §5 question text: choices as "A. opt" lines plus the format instruction, or the open-ended suffix. */
export function qbenchQuestionText(
  q: Pick<QbenchQuestion, 'questionType' | 'question' | 'answers'>,
): string {
  if (!isChoiceQuestion(q)) return q.question + OPEN_SUFFIX;
  const opts = q.answers.map((a, i) => `${String.fromCharCode(65 + i)}. ${a}\n`).join('');
  return q.question + '\n' + opts + CHOICE_SUFFIX;
}

/** §5 scoring: the first character of the stripped answer. */
export function parseChoice(answer: string): string | null {
  const c = answer.trim().charAt(0);
  return c ? c : null;
}

/** A stored time as `m:ss` / `h:mm:ss`, with one decimal when it is not a whole second. */
export function fmtTime(sec: number): string {
  const whole = Math.abs(sec - Math.round(sec)) < 0.05;
  const t = whole ? Math.round(sec) : Math.round(sec * 10) / 10;
  const h = Math.floor(t / 3600);
  const m = Math.floor((t - h * 3600) / 60);
  const s = t - h * 3600 - m * 60;
  const ss = whole ? String(Math.round(s)).padStart(2, '0') : s.toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
