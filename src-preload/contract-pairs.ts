// Contract calls and events of the instruction pairs, templates, dataset export and import (issue 6).
// Names are listed in contract-names.ts (PAIRS_CALL_NAMES / PAIRS_EVENT_NAMES).
import { call } from './contract-core';

void call;

export const pairsCalls = {} as const;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PairsEvents {}
