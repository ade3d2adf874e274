// The assistant's engine interface: the built-in analyst (offline, answers from the store) and an
// OpenAI-compatible server both implement it. Answers stream as text chunks.
import { StudioError } from '../../../src-shared/contract-errors';

import type { AttachmentInput } from '../../../src-shared/contract-assistant';

/** What a question is attached to: a time, a segment or a span of the video (none: whole video). */
export type Attachment = AttachmentInput;

export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
}

export interface AskRequest {
  videoId: number;
  question: string;
  attachment?: Attachment | null;
  /** Earlier turns of the chat, oldest first (the question itself not included). */
  history?: ChatTurn[];
  signal?: AbortSignal;
  /** Each piece of the answer as it comes. */
  onChunk?: (text: string) => void;
  /** Engines that run one request at a time (in-process models): the place in line, 0 when it runs. */
  onQueue?: (position: number) => void;
}

export interface AskResult {
  text: string;
  /** 'analyst' or 'openai:<model>'. */
  engine: string;
  timings: { firstTokenMs: number | null; totalMs: number; frames?: number };
}

/** A multiple-choice answer; `null` text with a note when the engine cannot answer. */
export interface ChoiceAnswer {
  text: string | null;
  note?: string;
}

export interface Engine {
  /** 'analyst' or 'openai:<model>'. */
  readonly id: string;
  /** For the UI: "Built-in analyst (not an LMM)" or the model name. */
  readonly label: string;
  ask(req: AskRequest): Promise<AskResult>;
}

/** An error an engine reports to the user, with an upper-case code for the API boundary. */
export type EngineErrorCode =
  | 'ENGINE_HTTP'
  | 'ENGINE_NETWORK'
  | 'ENGINE_TIMEOUT'
  | 'ENGINE_PROTOCOL'
  | 'NO_LOGPROBS'
  | 'ENGINE_CANCELLED'
  | 'BAD_INPUT';

export class EngineError extends StudioError<EngineErrorCode> {
  constructor(
    code: EngineErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(code, message);
    this.name = 'EngineError';
  }
}

export function isCancel(e: unknown, signal?: AbortSignal): boolean {
  return (
    !!signal?.aborted ||
    (e instanceof EngineError && e.code === 'ENGINE_CANCELLED') ||
    (e instanceof Error && e.name === 'AbortError')
  );
}

/** A stored benchmark question (one item of a question set) as an engine receives it. */
export interface QbenchQuestion {
  id: number;
  setName: string;
  itemIndex: number;
  videoId: number;
  video2Id: number | null;
  videoName: string;
  questionType: string;
  question: string;
  answers: string[];
  correctChoice: string | null;
  context: string;
  extra: Record<string, unknown> | null;
}
