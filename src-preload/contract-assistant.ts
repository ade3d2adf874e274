// Contract calls and events of the assistant chat, OpenAI-compatible engines, LMM scoring, Q-Bench-Video runs (issue 7).
// Names are listed in contract-names.ts (ASSISTANT_CALL_NAMES / ASSISTANT_EVENT_NAMES).
import { call } from './contract-core';

void call;

export const assistantCalls = {} as const;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AssistantEvents {}
