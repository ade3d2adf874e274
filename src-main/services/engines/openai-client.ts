// HTTP client for OpenAI-compatible servers (vLLM, Ollama, LM Studio, …): POST {base}/chat/completions,
// streamed (SSE parsed by eventsource-parser) or not, with timeouts, retries with backoff on 429/5xx
// (Retry-After respected), cancel through an AbortSignal and readable errors. The API key goes only
// into the Authorization header; it is never part of an error message.
import { createParser } from 'eventsource-parser';
import { EngineError } from './engine';

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string | null;
  /** Time to the response headers (and, streaming, between two chunks). Default 60 s. */
  timeoutMs?: number;
  /** Retries on 429 / 5xx / network errors before any answer text arrived. Default 3. */
  retries?: number;
  /** First backoff; doubles each retry (capped at 8 s). Default 500 ms. */
  backoffMs?: number;
  /** Longest Retry-After honoured. Default 30 s. */
  maxRetryAfterMs?: number;
}

export type ChatMessage =
  | { role: 'system' | 'assistant'; content: string }
  | { role: 'user'; content: string | ContentPart[] };

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'video_url'; video_url: { url: string } };

export interface CompletionBody {
  model: string;
  messages: ChatMessage[];
  [k: string]: unknown;
}

/** Base URL without a trailing slash; must be http(s). */
export function normalizeBaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new EngineError('BAD_INPUT', `Engine URL "${url}" is not a valid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new EngineError('BAD_INPUT', `Engine URL must be http or https; got ${u.protocol}`);
  return u.toString().replace(/\/+$/, '');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new EngineError('ENGINE_CANCELLED', 'Cancelled.'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new EngineError('ENGINE_CANCELLED', 'Cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After as milliseconds (seconds or an HTTP date), or null. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const d = Date.parse(header);
  return Number.isFinite(d) ? Math.max(0, d - now) : null;
}

/** The server's own error text: `{error:{message}}`, `{error:"..."}`, `{message}` or the body's start. */
export function serverErrorText(status: number, statusText: string, body: string): string {
  let detail = body.trim().slice(0, 300);
  try {
    const j = JSON.parse(body) as {
      error?: { message?: string } | string;
      message?: string;
      detail?: string;
    };
    detail =
      (typeof j.error === 'string' ? j.error : j.error?.message) ?? j.message ?? j.detail ?? detail;
  } catch {
    // not JSON: keep the text
  }
  return `The engine answered HTTP ${status}${statusText ? ` ${statusText}` : ''}${detail ? `: ${detail}` : ''}`;
}

export class OpenAiClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxRetryAfterMs: number;

  constructor(private readonly opts: ClientOptions) {
    this.baseUrl = normalizeBaseUrl(opts.baseUrl);
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.retries = opts.retries ?? 3;
    this.backoffMs = opts.backoffMs ?? 500;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 30_000;
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    if (this.opts.apiKey) h.authorization = `Bearer ${this.opts.apiKey}`;
    return h;
  }

  /** POST with retries; resolves with an ok Response whose body is not yet read. */
  private async post(
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    timer: Timer,
  ): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new EngineError('ENGINE_CANCELLED', 'Cancelled.');
      let res: Response;
      timer.arm();
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: this.headers(),
          body: JSON.stringify(body),
          signal: timer.signal,
        });
      } catch (e) {
        const err = this.translate(e, signal, timer);
        if (err.code === 'ENGINE_NETWORK' && attempt < this.retries) {
          await sleep(this.backoff(attempt), signal);
          continue;
        }
        throw err;
      }
      if (res.ok) return res;
      const text = await res.text().catch(() => '');
      const retriable = res.status === 429 || res.status >= 500;
      if (retriable && attempt < this.retries) {
        const ra = retryAfterMs(res.headers.get('retry-after'));
        await sleep(
          ra != null ? Math.min(ra, this.maxRetryAfterMs) : this.backoff(attempt),
          signal,
        );
        continue;
      }
      throw new EngineError(
        'ENGINE_HTTP',
        serverErrorText(res.status, res.statusText, text) +
          (retriable && attempt ? ` (after ${attempt + 1} attempts)` : ''),
        res.status,
      );
    }
  }

  private backoff(attempt: number): number {
    return Math.min(8000, this.backoffMs * 2 ** attempt);
  }

  private translate(e: unknown, signal: AbortSignal | undefined, timer: Timer): EngineError {
    if (e instanceof EngineError) return e;
    if (signal?.aborted) return new EngineError('ENGINE_CANCELLED', 'Cancelled.');
    if (timer.fired)
      return new EngineError(
        'ENGINE_TIMEOUT',
        `The engine at ${this.baseUrl} did not answer within ${Math.round(this.timeoutMs / 1000)} s`,
      );
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    return new EngineError(
      'ENGINE_NETWORK',
      `Could not reach the engine at ${this.baseUrl} (${why})`,
    );
  }

  /** A non-streamed completion (used for log-probability scoring and multiple-choice answers). */
  async complete(body: CompletionBody, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const timer = new Timer(this.timeoutMs, signal);
    try {
      const res = await this.post('/chat/completions', { ...body, stream: false }, signal, timer);
      const text = await res.text();
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new EngineError(
          'ENGINE_PROTOCOL',
          `The engine's answer is not JSON: ${text.slice(0, 200)}`,
        );
      }
    } catch (e) {
      throw this.translate(e, signal, timer);
    } finally {
      timer.clear();
    }
  }

  /** A streamed completion: calls onDelta with each piece of text; resolves with the whole text. */
  async stream(
    body: CompletionBody,
    onDelta: (text: string) => void,
    signal?: AbortSignal,
  ): Promise<{ text: string; finishReason: string | null }> {
    const timer = new Timer(this.timeoutMs, signal);
    let text = '';
    let finishReason: string | null = null;
    let done = false;
    let protocolError: EngineError | null = null;
    let streaming = false;
    try {
      const res = await this.post('/chat/completions', { ...body, stream: true }, signal, timer);
      streaming = true;
      if (!res.body) throw new EngineError('ENGINE_PROTOCOL', 'The engine sent an empty response');
      const parser = createParser({
        onEvent: (ev) => {
          if (done || protocolError) return;
          if (ev.data === '[DONE]') {
            done = true;
            return;
          }
          let chunk: {
            choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
            error?: { message?: string } | string;
          };
          try {
            chunk = JSON.parse(ev.data) as typeof chunk;
          } catch {
            protocolError = new EngineError(
              'ENGINE_PROTOCOL',
              `The engine sent a malformed stream chunk: ${ev.data.slice(0, 120)}`,
            );
            return;
          }
          if (chunk.error) {
            protocolError = new EngineError(
              'ENGINE_HTTP',
              `The engine reported an error mid-answer: ${typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? 'unknown')}`,
            );
            return;
          }
          const c = chunk.choices?.[0];
          const delta = c?.delta?.content;
          if (delta) {
            text += delta;
            onDelta(delta);
          }
          if (c?.finish_reason) finishReason = c.finish_reason;
        },
      });
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      for (;;) {
        timer.arm();
        const { value, done: eof } = await reader.read();
        if (eof) break;
        parser.feed(decoder.decode(value, { stream: true }));
        if (protocolError) {
          await reader.cancel().catch(() => undefined);
          throw protocolError;
        }
        if (done) {
          await reader.cancel().catch(() => undefined);
          break;
        }
      }
      if (!done && !finishReason)
        throw new EngineError(
          'ENGINE_NETWORK',
          'The engine closed the connection before the answer was complete' +
            (text ? ` (after ${text.length} characters)` : ''),
        );
      return { text, finishReason };
    } catch (e) {
      const err = this.translate(e, signal, timer);
      if (err.code === 'ENGINE_NETWORK' && streaming) {
        throw new EngineError(
          'ENGINE_NETWORK',
          'The engine closed the connection before the answer was complete' +
            (text ? ` (after ${text.length} characters)` : ''),
        );
      }
      throw err;
    } finally {
      timer.clear();
    }
  }
}

/** An abort signal that fires when the caller aborts or when `ms` pass after the last arm(). */
class Timer {
  private readonly ctrl = new AbortController();
  private t: NodeJS.Timeout | null = null;
  fired = false;
  readonly signal: AbortSignal;

  constructor(
    private readonly ms: number,
    outer?: AbortSignal,
  ) {
    this.signal = outer ? AbortSignal.any([outer, this.ctrl.signal]) : this.ctrl.signal;
  }

  arm(): void {
    if (this.t) clearTimeout(this.t);
    this.t = setTimeout(() => {
      this.fired = true;
      this.ctrl.abort();
    }, this.ms);
  }

  clear(): void {
    if (this.t) clearTimeout(this.t);
  }
}
