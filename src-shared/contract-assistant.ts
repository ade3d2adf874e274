// Contract calls and events of the assistant chat, OpenAI-compatible engines, LMM scoring, Q-Bench-Video runs.
// Call names are the keys of the map below; event names are listed in contract-names.ts (ASSISTANT_EVENT_NAMES).
// API keys travel renderer → main only (putEngine's write-only `apiKey`); no output carries one.
import { z } from 'zod';
import { call, emptyInput, videoIdSchema } from './contract-core';

const sec = z.number().min(0).max(1e7);

export const attachmentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('time'), sec }).strict(),
  z
    .object({
      kind: z.literal('segment'),
      idx: z.number().int().min(0).max(1e6),
      startSec: sec,
      endSec: sec,
    })
    .strict(),
  z.object({ kind: z.literal('span'), startSec: sec, endSec: sec }).strict(),
]);
export type AttachmentInput = z.infer<typeof attachmentSchema>;

export const engineIdSchema = z
  .string()
  .regex(/^[a-z0-9]{1,40}$/, 'engine id is letters and digits');
/** 'analyst' (the built-in analyst) or the id of a configured engine. */
const engineRef = z.union([z.literal('analyst'), engineIdSchema]);

export interface EngineView {
  id: string;
  name: string;
  baseUrl: string;
  model: string;
  /** Whether a key is stored for it (the key itself never leaves the main process). */
  hasKey: boolean;
  maxFrames: number;
  maxSide: number;
  timeoutSec: number;
  videoMode: 'frames' | 'video_url';
  prefill: 'continue_final_message' | 'assistant';
  /** Further replicas besides baseUrl (empty for one server), and requests in flight per replica. */
  replicaUrls: string[];
  concurrency: number;
}

export interface ChatMessageView {
  id: number;
  chatId: number;
  role: 'user' | 'assistant';
  text: string;
  engine: string;
  attachment: AttachmentInput | null;
  status: 'done' | 'error' | 'cancelled';
  error: string | null;
  timings: Record<string, number | null>;
  createdAt: string;
}

/** How the built-in analyst's refusals begin ("cannot answer that", "not scored yet"): such a
 *  reply is no answer, nor is an empty one (a model that ends its reply at once), so neither is
 *  offered, nor accepted, as an instruction pair. */
const NON_ANSWER_OPENINGS = [
  "I can't answer that from this video's measurements.",
  'This video has not been scored yet',
];

export function isNonAnswer(text: string): boolean {
  const t = text.trim();
  return !t || NON_ANSWER_OPENINGS.some((o) => t.startsWith(o));
}

export interface QbenchAccuracy {
  correct: number;
  /** Choice questions answered or not (the denominator). */
  n: number;
  accuracy: number | null;
}

export interface QbenchRunView {
  runId: number;
  setName: string | null;
  engine: string;
  status: 'running' | 'done' | 'cancelled' | 'failed';
  createdAt: string;
  /** Over choice questions; unanswered ones count as wrong. */
  accuracy: number | null;
  n: number;
  correct: number;
  unanswered: number;
  openEnded: number;
  byType: Record<string, QbenchAccuracy>;
  byCategory: Record<string, QbenchAccuracy>;
}

export interface QbenchAnswerView {
  questionId: number;
  videoName: string;
  questionType: string;
  question: string;
  correctChoice: string | null;
  answer: string | null;
  choice: string | null;
  correct: boolean | null;
  note: string | null;
}

const engineUrl = z
  .string()
  .trim()
  .url('base URL must be a URL like http://127.0.0.1:8000/v1')
  .max(2000)
  .refine((u) => /^https?:\/\//i.test(u), 'base URL must start with http:// or https://');

const engineInput = z
  .object({
    id: engineIdSchema.optional(),
    name: z.string().trim().min(1, 'engine name is empty').max(100),
    baseUrl: engineUrl,
    /** Further replicas of the same model (more vLLM instances); requests are spread over all. */
    replicaUrls: z.array(engineUrl).max(32).optional(),
    /** Requests in flight per replica. */
    concurrency: z.number().int().min(1).max(64).optional(),
    model: z.string().trim().min(1, 'model is empty').max(300),
    /** Write-only: stored in the host's secret store, never returned. */
    apiKey: z.string().max(4000).optional(),
    clearKey: z.boolean().optional(),
    maxFrames: z.number().int().min(1).max(64).optional(),
    maxSide: z.number().int().min(64).max(1536).optional(),
    timeoutSec: z.number().int().min(1).max(3600).optional(),
    videoMode: z.enum(['frames', 'video_url']).optional(),
    prefill: z.enum(['continue_final_message', 'assistant']).optional(),
  })
  .strict();

export const assistantCalls = {
  /** Configured engines (no keys) and where keys are kept on this host. */
  'assistant.engines': call<{ engines: EngineView[]; secretStore: string }>()(emptyInput),
  'assistant.putEngine': call<EngineView>()(engineInput),
  'assistant.deleteEngine': call<{ deleted: boolean }>()(z.object({ id: engineIdSchema }).strict()),
  /** The video's newest chat (created empty when there is none). */
  'assistant.chat': call<{ chatId: number; messages: ChatMessageView[] }>()(
    z.object({ videoId: videoIdSchema }).strict(),
  ),
  'assistant.newChat': call<{ chatId: number }>()(z.object({ videoId: videoIdSchema }).strict()),
  /** Ask; the answer streams as assistant.chunk events and ends with assistant.done. */
  'assistant.ask': call<{ requestId: string; chatId: number; question: ChatMessageView }>()(
    z
      .object({
        videoId: videoIdSchema,
        question: z.string().trim().min(1, 'the question is empty').max(4000),
        engineId: engineRef.optional(),
        attachment: attachmentSchema.nullable().optional(),
      })
      .strict(),
  ),
  'assistant.cancel': call<{ cancelled: boolean }>()(
    z.object({ requestId: z.string().min(1).max(100) }).strict(),
  ),
  /** Save an assistant answer and its question as an instruction pair (source assistant, draft). */
  'assistant.savePair': call<{ pairId: number; uid: string }>()(
    z.object({ messageId: z.number().int().positive() }).strict(),
  ),
  'assistant.qbenchSets': call<{ setName: string; count: number }[]>()(emptyInput),
  'assistant.qbenchStart': call<{ runId: number }>()(
    z.object({ engineId: engineRef, setName: z.string().min(1).max(200).optional() }).strict(),
  ),
  'assistant.qbenchCancel': call<{ cancelled: boolean }>()(
    z.object({ runId: z.number().int().positive() }).strict(),
  ),
  'assistant.qbenchRuns': call<QbenchRunView[]>()(emptyInput),
  'assistant.qbenchAnswers': call<QbenchAnswerView[]>()(
    z.object({ runId: z.number().int().positive() }).strict(),
  ),
} as const;

export interface AssistantEvents {
  'assistant.chunk': { requestId: string; videoId: number; text: string };
  'assistant.done': { requestId: string; videoId: number; message: ChatMessageView };
  /** An in-process model is busy: the question waits at this place in its queue (0: it runs now). */
  'assistant.queue': { requestId: string; videoId: number; position: number };
  'assistant.qbench': {
    runId: number;
    done: number;
    total: number;
    etaSec: number | null;
    status: 'running' | 'done' | 'cancelled' | 'failed';
  };
}
