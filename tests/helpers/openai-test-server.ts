// A test double of an OpenAI-compatible server: real node:http on 127.0.0.1, SSE chunks in
// OpenAI's format, log-probabilities, slow streams, 429 (with Retry-After) and 500, malformed
// chunks, disconnects mid-stream. It records every request (headers and parsed body) so tests
// can assert the prompt structure and where the key was sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: Record<string, unknown> | null;
}

export type Reply =
  /** Streamed text (stream: true) or one message (stream: false), split in these pieces. */
  | { kind: 'text'; pieces: string[]; delayMs?: number; finishReason?: string }
  /** Top log-probabilities of the first generated token; null sends `logprobs: null`. */
  | { kind: 'logprobs'; top: { token: string; logprob: number }[] | null; content?: string }
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** A stream whose chunk number `at` is not JSON. */
  | { kind: 'malformed'; pieces: string[]; at: number }
  /** A stream cut (socket destroyed) after `after` chunks, with no [DONE]. */
  | { kind: 'disconnect'; pieces: string[]; after: number }
  /** Headers sent, then nothing for `ms`. */
  | { kind: 'hang'; ms: number };

export interface TestServer {
  /** Base URL including /v1, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  requests: RecordedRequest[];
  /** Replies used in order, one per request; then `fallback`. */
  queue: Reply[];
  fallback: (req: RecordedRequest) => Reply;
  /** Injected delay before each reply (a model's compute time), 0 by default. */
  latencyMs: number;
  /** Requests being answered right now, and the most at once so far (settable, to reset it). */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

const chunk = (
  id: string,
  model: string,
  delta: Record<string, unknown>,
  finish: string | null = null,
) =>
  `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const defaultFallback = (req: RecordedRequest): Reply => {
  const b = req.body ?? {};
  if (b.logprobs) {
    return {
      kind: 'logprobs',
      top: [
        { token: ' good', logprob: -0.3 },
        { token: ' fair', logprob: -1.6 },
        { token: ' high', logprob: -2.5 },
        { token: 'Good', logprob: -3 },
        { token: ' the', logprob: -4 },
      ],
    };
  }
  return { kind: 'text', pieces: b.stream ? ['The picture ', 'is sharp ', 'at 0:02.'] : ['C.'] };
};

export async function startOpenAiTestServer(): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const state: Pick<TestServer, 'queue' | 'fallback' | 'latencyMs' | 'inFlight' | 'maxInFlight'> = {
    queue: [],
    fallback: defaultFallback,
    latencyMs: 0,
    inFlight: 0,
    maxInFlight: 0,
  };
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      void (async () => {
        const rawBody = Buffer.concat(parts).toString('utf8');
        let body: Record<string, unknown> | null = null;
        try {
          body = JSON.parse(rawBody) as Record<string, unknown>;
        } catch {
          body = null;
        }
        const rec: RecordedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          rawBody,
          body,
        };
        requests.push(rec);
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
          return;
        }
        if (state.latencyMs > 0) {
          state.inFlight++;
          state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
          await sleep(state.latencyMs);
          state.inFlight--;
        }
        const reply = state.queue.shift() ?? state.fallback(rec);
        const model = String(body?.model ?? 'test-model');
        const stream = body?.stream === true;
        const id = `chatcmpl-${requests.length}`;
        switch (reply.kind) {
          case 'status': {
            const h: Record<string, string> = { 'content-type': 'application/json' };
            if (reply.retryAfter !== undefined) h['retry-after'] = reply.retryAfter;
            res.writeHead(reply.status, h);
            res.end(
              reply.body ??
                JSON.stringify({
                  error: { message: `test server says ${reply.status}`, type: 'server_error' },
                }),
            );
            return;
          }
          case 'hang':
            res.writeHead(200, {
              'content-type': stream ? 'text/event-stream' : 'application/json',
            });
            res.flushHeaders();
            await sleep(reply.ms);
            res.end();
            return;
          case 'logprobs': {
            const content = reply.content ?? reply.top?.[0]?.token ?? '';
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                id,
                object: 'chat.completion',
                model,
                choices: [
                  {
                    index: 0,
                    message: { role: 'assistant', content },
                    finish_reason: 'length',
                    logprobs: reply.top
                      ? {
                          content: [
                            {
                              token: content,
                              logprob: reply.top[0]?.logprob ?? 0,
                              top_logprobs: reply.top,
                            },
                          ],
                        }
                      : null,
                  },
                ],
              }),
            );
            return;
          }
          default: {
            const pieces = reply.pieces;
            if (!stream) {
              res.writeHead(200, { 'content-type': 'application/json' });
              res.end(
                JSON.stringify({
                  id,
                  object: 'chat.completion',
                  model,
                  choices: [
                    {
                      index: 0,
                      message: { role: 'assistant', content: pieces.join('') },
                      finish_reason: 'stop',
                    },
                  ],
                }),
              );
              return;
            }
            res.writeHead(200, {
              'content-type': 'text/event-stream',
              'cache-control': 'no-cache',
              connection: 'keep-alive',
            });
            res.write(chunk(id, model, { role: 'assistant' }));
            for (let i = 0; i < pieces.length; i++) {
              if (reply.kind === 'disconnect' && i === reply.after) {
                await sleep(50); // let what was written reach the client first
                req.socket.destroy();
                return;
              }
              if (reply.kind === 'malformed' && i === reply.at)
                res.write(`data: {"choices": [not json\n\n`);
              else res.write(chunk(id, model, { content: pieces[i] }));
              if (reply.kind === 'text' && reply.delayMs) await sleep(reply.delayMs);
            }
            if (reply.kind === 'disconnect') {
              req.socket.destroy();
              return;
            }
            res.write(
              chunk(id, model, {}, reply.kind === 'text' ? (reply.finishReason ?? 'stop') : 'stop'),
            );
            res.end('data: [DONE]\n\n');
          }
        }
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get queue() {
      return state.queue;
    },
    set queue(q) {
      state.queue = q;
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(f) {
      state.fallback = f;
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(ms) {
      state.latencyMs = ms;
    },
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    set maxInFlight(n) {
      state.maxInFlight = n;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
