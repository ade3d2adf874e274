// Turns any thrown value into the { code, message } shape that crosses the IPC/WebSocket boundary.
import type { ApiErrorShape } from '../../src-preload/contract';

export function toApiError(e: unknown): ApiErrorShape {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const { code, message } = e as { code: unknown; message: unknown };
    if (typeof code === 'string' && typeof message === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) {
      return { code, message };
    }
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message };
}
