// Sparklines of per-segment scores: the geometry of the tiny SVG, and a batching cache of the
// values (`library.sparklines`) keyed by video id. Pure (no React, no DOM) so both are unit-tested.

export interface SparkPoint {
  x: number;
  y: number;
  value: number;
}

/** Points of `values` (scores in [0, 1], clamped) inside a width×height box with `pad` margin.
 *  The y axis is the absolute 0–1 score range, not the row's own min–max: a flat good clip and
 *  a flat bad clip must not draw the same line. One value is drawn as a flat line. */
export function sparklinePoints(
  values: number[],
  width: number,
  height: number,
  pad = 2,
): SparkPoint[] {
  if (values.length === 0) return [];
  const clamp = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
  const innerW = width - 2 * pad;
  const innerH = height - 2 * pad;
  const yOf = (v: number) => round(pad + (1 - clamp(v)) * innerH);
  if (values.length === 1) {
    const y = yOf(values[0]!);
    return [
      { x: pad, y, value: clamp(values[0]!) },
      { x: width - pad, y, value: clamp(values[0]!) },
    ];
  }
  const step = innerW / (values.length - 1);
  return values.map((v, i) => ({ x: round(pad + i * step), y: yOf(v), value: clamp(v) }));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** SVG path data ("M x y L x y …") through the points. */
export function sparklinePath(points: SparkPoint[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.y}`).join(' ');
}

/** Accessible title: "segment scores 41.2–78.9" (×100, like every score in the UI). */
export function sparklineTitle(values: number[]): string {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return 'no segment scores';
  const fmt = (v: number) => (v * 100).toFixed(1);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const n = `${finite.length} segment${finite.length === 1 ? '' : 's'}`;
  return `segment scores ${fmt(min)}–${fmt(max)} (${n})`;
}

export type FetchSparklines = (ids: number[]) => Promise<Record<number, number[]>>;

/**
 * Segment scores by video id, fetched in batches for whatever the table renders. A cell asks
 * with get(id); the ids asked for within one tick go out as one request (the visible rows), so
 * the table never needs to know which rows are on screen. After invalidate() the old values
 * stay visible until fresh ones arrive, as the row cache does.
 */
export class SparklineCache {
  private values = new Map<number, number[]>();
  private stale = new Set<number>();
  private wanted = new Set<number>();
  private inFlight = new Set<number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by invalidate(); answers to older requests are kept but stay stale. */
  private gen = 0;
  private disposed = false;

  constructor(
    private readonly fetch: FetchSparklines,
    /** Called after values arrived or were invalidated: re-render and ask again. */
    private readonly onChange: () => void,
    private readonly onError: (err: unknown) => void = () => undefined,
    /** At most this many ids per request (the contract allows 1000). */
    private readonly batchSize = 500,
    /** Entries kept; the oldest go first (the table shows a few dozen at a time). */
    private readonly maxEntries = 5000,
    private readonly delayMs = 16,
  ) {}

  /** Cached values ([] = scored nothing), or undefined while unknown; schedules a fetch if needed. */
  get(id: number): number[] | undefined {
    const v = this.values.get(id);
    if ((v === undefined || this.stale.has(id)) && !this.inFlight.has(id)) this.want(id);
    return v;
  }

  /** The scores behind the cache changed (a job scored videos): refetch what is asked again. */
  invalidate(): void {
    this.gen++;
    for (const id of this.values.keys()) this.stale.add(id);
    // What is already in flight may predate the change: let the next get() ask again.
    this.inFlight.clear();
    this.onChange();
  }

  /** (Re)starts answering; React may dispose and restart the same cache (StrictMode). */
  start(): void {
    this.disposed = false;
    if (this.wanted.size) this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private want(id: number): void {
    this.wanted.add(id);
    // Render code calls get(); the fetch and its state updates must happen after render.
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  private flush(): void {
    this.timer = null;
    if (this.disposed) return;
    const ids = [...this.wanted];
    this.wanted.clear();
    for (let i = 0; i < ids.length; i += this.batchSize) {
      const batch = ids.slice(i, i + this.batchSize);
      const gen = this.gen;
      for (const id of batch) this.inFlight.add(id);
      this.fetch(batch).then(
        (res) => {
          if (this.disposed) {
            for (const id of batch) this.inFlight.delete(id);
            return;
          }
          for (const id of batch) {
            if (gen === this.gen) this.inFlight.delete(id);
            this.values.delete(id); // re-insert: Map order doubles as recency for eviction
            this.values.set(id, res[id] ?? []);
            if (gen === this.gen) this.stale.delete(id);
          }
          this.evict();
          this.onChange();
        },
        (err: unknown) => {
          if (this.disposed) {
            for (const id of batch) this.inFlight.delete(id);
            return;
          }
          // Keep what was shown (or nothing) until the next invalidate(), so a failing call is
          // not retried on every render.
          for (const id of batch) {
            if (gen === this.gen) this.inFlight.delete(id);
            if (!this.values.has(id)) this.values.set(id, []);
            this.stale.delete(id);
          }
          this.onError(err);
        },
      );
    }
  }

  private evict(): void {
    const extra = this.values.size - this.maxEntries;
    if (extra <= 0) return;
    let n = 0;
    for (const id of this.values.keys()) {
      if (n++ >= extra) break;
      this.values.delete(id);
      this.stale.delete(id);
    }
  }
}
