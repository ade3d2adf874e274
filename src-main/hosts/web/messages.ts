// Parses one WebSocket message from a browser into a call, or a typed error to send back.
// Anything may arrive here (any JSON value, binary frames, huge ids), so nothing is assumed.
import type { RawData } from 'ws';
import type { ApiErrorShape } from '../../../src-shared/contract';

export type ClientMessage =
  { id: number; call: string; input: unknown } | { id: number | null; error: ApiErrorShape };

const SHAPE = 'Expected a JSON object {id: number, call: string, input}';

function bad(id: number | null, message: string): ClientMessage {
  return { id, error: { code: 'BAD_MESSAGE', message } };
}

export function parseClientMessage(data: RawData, isBinary: boolean): ClientMessage {
  if (isBinary) return bad(null, 'Binary messages are not accepted; send JSON text');
  const text = Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.from(data as ArrayBuffer).toString('utf8');
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return bad(null, 'Message is not JSON');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return bad(null, SHAPE);
  // Own properties only: a message naming `__proto__` or `constructor` must not reach inherited values.
  const own = (key: string): unknown =>
    Object.prototype.hasOwnProperty.call(msg, key)
      ? (msg as Record<string, unknown>)[key]
      : undefined;
  const id = own('id');
  const call = own('call');
  const validId = typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
  if (validId === null || typeof call !== 'string') return bad(validId, SHAPE);
  return { id: validId, call, input: own('input') };
}
