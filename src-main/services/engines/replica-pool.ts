// Several replicas of one model (vLLM instances, or a load balancer plus spares) behind one
// engine: each request goes to the least-busy healthy replica within a per-replica concurrency
// limit; a request that fails for a reason another server might not have (network, timeout,
// 429/5xx) is retried on another replica after a back-off; a replica that fails several times in
// a row is marked down and tried again after a cool-down that doubles while it keeps failing.
import type { ReplicaStats } from '../../../src-shared/contract';
import { EngineError } from './engine';
import { OpenAiClient, type ClientOptions } from './openai-client';

export interface ReplicaPoolOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Requests in flight per replica. Default 1. */
  concurrency?: number;
  /** Consecutive failures that mark a replica down. Default 3. */
  failuresToDown?: number;
  /** First cool-down of a down replica; doubles on each further failure, up to 16×. Default 5 s. */
  downMs?: number;
  /** First back-off before a retry on another replica; doubles per attempt (capped at 4 s). Default 200 ms. */
  retryBackoffMs?: number;
  /** Attempts per request over all replicas. Default: 2 per replica, at least 3. */
  maxAttempts?: number;
}

class Replica {
  inFlight = 0;
  ok = 0;
  failed = 0;
  consecutive = 0;
  downUntil = 0;
  coolMs: number;
  busyMs = 0;
  lastError: string | null = null;

  constructor(
    readonly client: OpenAiClient,
    readonly baseCoolMs: number,
  ) {
    this.coolMs = baseCoolMs;
  }

  isDown(now: number): boolean {
    return now < this.downUntil;
  }
}

/** Worth trying on another replica: the server, not the request, was the problem. */
export function isReplicaFailure(e: unknown): boolean {
  if (!(e instanceof EngineError)) return false;
  if (e.code === 'ENGINE_NETWORK' || e.code === 'ENGINE_TIMEOUT') return true;
  return e.code === 'ENGINE_HTTP' && (e.status === 429 || (e.status ?? 0) >= 500);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new EngineError('ENGINE_CANCELLED', 'Cancelled.'));
    const onAbort = () => {
      clearTimeout(t);
      reject(new EngineError('ENGINE_CANCELLED', 'Cancelled.'));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class ReplicaPool {
  private readonly replicas: Replica[];
  private readonly concurrency: number;
  private readonly failuresToDown: number;
  private readonly retryBackoffMs: number;
  private readonly maxAttempts: number;
  private waiters: (() => void)[] = [];
  private turn = 0;
  private readonly started = performance.now();

  constructor(urls: readonly string[], opts: ReplicaPoolOptions = {}) {
    if (!urls.length) throw new EngineError('BAD_INPUT', 'An engine needs at least one base URL');
    const unique = [...new Set(urls)];
    const single = unique.length === 1;
    this.replicas = unique.map(
      (baseUrl) =>
        // With one replica its client retries in place, as before; with several the pool retries
        // elsewhere instead, so a dead server costs one attempt, not a full retry ladder.
        new Replica(
          new OpenAiClient({ ...opts, baseUrl, retries: single ? opts.retries : 0 }),
          opts.downMs ?? 5000,
        ),
    );
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? 1));
    this.failuresToDown = Math.max(1, opts.failuresToDown ?? 3);
    this.retryBackoffMs = opts.retryBackoffMs ?? 200;
    this.maxAttempts = opts.maxAttempts ?? (single ? 1 : Math.max(3, 2 * unique.length));
  }

  /** Requests the pool can have in flight at once. */
  get capacity(): number {
    return this.replicas.length * this.concurrency;
  }

  get urls(): string[] {
    return this.replicas.map((r) => r.client.baseUrl);
  }

  stats(): ReplicaStats[] {
    const now = Date.now();
    const elapsedMin = Math.max(1e-9, (performance.now() - this.started) / 60_000);
    return this.replicas.map((r) => ({
      url: r.client.baseUrl,
      inFlight: r.inFlight,
      ok: r.ok,
      failed: r.failed,
      down: r.isDown(now),
      perMin: r.ok / elapsedMin,
      avgMs: r.ok ? r.busyMs / r.ok : null,
      lastError: r.lastError,
    }));
  }

  /** The least-busy healthy replica with a free slot, preferring ones this request has not failed on. */
  private pick(avoid: Set<Replica>): Replica | null {
    const now = Date.now();
    const free = this.replicas.filter((r) => !r.isDown(now) && r.inFlight < this.concurrency);
    const fresh = free.filter((r) => !avoid.has(r));
    const pool = fresh.length ? fresh : free;
    if (!pool.length) return null;
    const least = Math.min(...pool.map((r) => r.inFlight));
    const ties = pool.filter((r) => r.inFlight === least);
    return ties[this.turn++ % ties.length]!;
  }

  /** Waits for a free slot, or for the first down replica's cool-down to end. */
  private async acquire(avoid: Set<Replica>, signal?: AbortSignal): Promise<Replica> {
    for (;;) {
      if (signal?.aborted) throw new EngineError('ENGINE_CANCELLED', 'Cancelled.');
      const r = this.pick(avoid);
      if (r) {
        r.inFlight++;
        return r;
      }
      const now = Date.now();
      const allDown = this.replicas.every((x) => x.isDown(now));
      const wakeIn = allDown
        ? Math.max(1, Math.min(...this.replicas.map((x) => x.downUntil)) - now)
        : null;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = wakeIn === null ? undefined : setTimeout(done, wakeIn);
        signal?.addEventListener('abort', done, { once: true });
        this.waiters.push(done);
      });
    }
  }

  private release(r: Replica): void {
    r.inFlight--;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }

  private noteFailure(r: Replica, e: EngineError): void {
    r.failed++;
    r.consecutive++;
    r.lastError = e.message;
    if (r.consecutive >= this.failuresToDown) {
      r.downUntil = Date.now() + r.coolMs;
      r.coolMs = Math.min(r.baseCoolMs * 16, r.coolMs * 2);
    }
  }

  /**
   * Run one request on some replica. `retry` false (or a function answering false at the time of
   * the failure, e.g. once part of a streamed answer was shown) gives up after that attempt.
   */
  async run<T>(
    fn: (client: OpenAiClient) => Promise<T>,
    opts: { signal?: AbortSignal; retry?: boolean | (() => boolean) } = {},
  ): Promise<T> {
    const failedOn = new Set<Replica>();
    const mayRetry = () => (typeof opts.retry === 'function' ? opts.retry() : opts.retry !== false);
    for (let attempt = 1; ; attempt++) {
      const r = await this.acquire(failedOn, opts.signal);
      const t0 = performance.now();
      try {
        const out = await fn(r.client);
        r.ok++;
        r.busyMs += performance.now() - t0;
        r.consecutive = 0;
        r.coolMs = r.baseCoolMs;
        return out;
      } catch (e) {
        if (opts.signal?.aborted || !isReplicaFailure(e)) throw e;
        this.noteFailure(r, e as EngineError);
        failedOn.add(r);
        if (attempt >= this.maxAttempts || !mayRetry()) {
          const n = this.replicas.length;
          throw n > 1
            ? new EngineError(
                (e as EngineError).code,
                `${(e as Error).message} (gave up after ${attempt} attempts on ${n} replicas)`,
                (e as EngineError).status,
              )
            : e;
        }
      } finally {
        this.release(r);
      }
      await sleep(Math.min(4000, this.retryBackoffMs * 2 ** (attempt - 1)), opts.signal);
    }
  }
}
