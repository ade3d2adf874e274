// Contract calls and events of the evaluation against MOS, subjective-study statistics, rating studies (issue 8).
// Names are listed in contract-names.ts (EVALUATION_CALL_NAMES / EVALUATION_EVENT_NAMES).
import { call } from './contract-core';

void call;

export const evaluationCalls = {} as const;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EvaluationEvents {}
