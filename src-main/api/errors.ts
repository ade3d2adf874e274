// Turns any thrown value into the { code, message } shape that crosses the IPC/WebSocket boundary:
// a StudioError keeps its code; anything else (a bug, a library's own error) is INTERNAL.
import { StudioError, type ApiErrorShape } from '../../src-shared/contract';

export function toApiError(e: unknown): ApiErrorShape {
  if (e instanceof StudioError) return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message };
}
