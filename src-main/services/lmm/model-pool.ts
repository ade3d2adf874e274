// Loaded models shared by scoring, chat and question sets: a model stays loaded while it is used and
// is released after an idle time; one pass (prefill or generation) runs per model at a time and
// other callers wait in a first-come queue whose position is reported to them.
import { StudioError } from '../../../src-shared/contract-errors';
import { loadLmm, type LoadedLmm } from './runtime';

export type LmmEp = 'cuda' | 'cpu' | 'auto';
export type LmmLoader = (dir: string, opts: { ep?: LmmEp }) => Promise<LoadedLmm>;

export interface UseOptions {
  signal?: AbortSignal;
  /** Called with 1 (next), 2, … while waiting; 0 when this caller's turn starts. */
  onQueue?: (position: number) => void;
}

interface Waiter {
  start: () => void;
  fail: (e: Error) => void;
  onQueue?: (position: number) => void;
}

interface Slot {
  model: Promise<LoadedLmm> | null;
  busy: boolean;
  waiters: Waiter[];
  timer: NodeJS.Timeout | null;
  lastUsed: number;
}

function abortError(): Error {
  return Object.assign(new StudioError('CANCELLED', 'Cancelled.'), { name: 'AbortError' });
}

export class ModelPool {
  private readonly slots = new Map<string, Slot>();
  private idleMs: number;
  private readonly loader: LmmLoader;

  constructor(opts: { idleMs: number; loader?: LmmLoader }) {
    this.idleMs = opts.idleMs;
    this.loader = opts.loader ?? loadLmm;
  }

  setIdleMs(ms: number): void {
    this.idleMs = ms;
  }

  private key(dir: string, ep: LmmEp): string {
    return `${ep}\u0000${dir}`;
  }

  /** Models loaded now (for the UI and tests). */
  loaded(): { dir: string; ep: LmmEp; busy: boolean; waiting: number }[] {
    return [...this.slots.entries()]
      .filter(([, s]) => s.model !== null)
      .map(([k, s]) => {
        const [ep, dir] = k.split('\u0000') as [LmmEp, string];
        return { dir, ep, busy: s.busy, waiting: s.waiters.length };
      });
  }

  /** Run `fn` with the model loaded from `dir`; waits its turn behind earlier callers. */
  async use<T>(
    dir: string,
    ep: LmmEp,
    fn: (m: LoadedLmm) => Promise<T>,
    opts: UseOptions = {},
  ): Promise<T> {
    const key = this.key(dir, ep);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { model: null, busy: false, waiters: [], timer: null, lastUsed: Date.now() };
      this.slots.set(key, slot);
    }
    if (slot.timer) {
      clearTimeout(slot.timer);
      slot.timer = null;
    }
    if (opts.signal?.aborted) throw abortError();
    if (slot.busy) await this.wait(slot, opts);
    slot.busy = true;
    opts.onQueue?.(0);
    try {
      if (!slot.model) {
        slot.model = this.loader(dir, { ep });
        // a failed load is not kept: the next caller tries again
        slot.model.catch(() => {
          if (this.slots.get(key) === slot) slot.model = null;
        });
      }
      const model = await slot.model;
      if (opts.signal?.aborted) throw abortError();
      return await fn(model);
    } finally {
      slot.lastUsed = Date.now();
      this.release(key, slot);
    }
  }

  private wait(slot: Slot, opts: UseOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = slot.waiters.indexOf(w);
        if (i >= 0) slot.waiters.splice(i, 1);
        this.renumber(slot);
        reject(abortError());
      };
      const w: Waiter = {
        start: () => {
          opts.signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        fail: reject,
        onQueue: opts.onQueue,
      };
      slot.waiters.push(w);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      opts.onQueue?.(slot.waiters.length);
    });
  }

  private renumber(slot: Slot): void {
    slot.waiters.forEach((w, i) => w.onQueue?.(i + 1));
  }

  private release(key: string, slot: Slot): void {
    slot.busy = false;
    const next = slot.waiters.shift();
    if (next) {
      // the turn passes straight to the next caller: the slot stays busy, so no newcomer jumps the queue
      slot.busy = true;
      this.renumber(slot);
      next.start();
      return;
    }
    slot.timer = setTimeout(() => void this.evict(key, slot), this.idleMs);
    slot.timer.unref?.();
  }

  private async evict(key: string, slot: Slot): Promise<void> {
    if (slot.busy || slot.waiters.length || this.slots.get(key) !== slot) return;
    this.slots.delete(key);
    const m = await slot.model?.catch(() => null);
    await m?.dispose();
  }

  /** Release every loaded model now (process exit, tests); waiting callers are refused. */
  async disposeAll(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    for (const s of slots) {
      if (s.timer) clearTimeout(s.timer);
      for (const w of s.waiters.splice(0))
        w.fail(new StudioError('CANCELLED', 'The model was released'));
      const m = await s.model?.catch(() => null);
      await m?.dispose();
    }
  }
}

let shared: ModelPool | null = null;

/** The process's one session manager (the API and the CLI configure its idle time). */
export function modelPool(idleMs?: number): ModelPool {
  shared ??= new ModelPool({ idleMs: idleMs ?? 300_000 });
  if (idleMs !== undefined) shared.setIdleMs(idleMs);
  return shared;
}
