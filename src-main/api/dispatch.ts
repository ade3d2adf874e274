// Validates a call against the contract's schema and runs its handler; never throws.
import { parseCallInput, type CallName } from '../../src-shared/contract';
import type { BridgeResult } from '../../src-preload/bridge';
import type { Handlers } from './api';
import { toApiError } from './errors';

export async function dispatch(
  handlers: Handlers,
  name: string,
  input: unknown,
): Promise<BridgeResult> {
  try {
    const parsed = parseCallInput(name, input);
    const handler = handlers[name as CallName] as (i: unknown) => Promise<unknown>;
    const result = await handler(parsed);
    return { ok: true, result: result ?? null };
  } catch (e) {
    return { ok: false, error: toApiError(e) };
  }
}
