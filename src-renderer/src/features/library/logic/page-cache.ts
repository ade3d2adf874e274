// Sparse, paged cache of server-sorted library rows. The server sorts and filters; the table asks
// for the pages under the visible window, so 10,000+ rows never sit in the renderer at once.
// Pure (no React, no API) so its bookkeeping is unit-tested directly.

interface Page<T> {
  rows: T[];
  /** Data changed on the server since this page was fetched: show it, but fetch it again. */
  stale: boolean;
}

export class PageCache<T> {
  private pages = new Map<number, Page<T>>();
  private loading = new Set<number>();
  /** Bumped on every reset/invalidate; answers tagged with an older generation are dropped. */
  private gen = 0;
  private knownTotal: number | null = null;

  constructor(
    readonly pageSize: number,
    /** Pages kept in memory; the ones farthest from the visible window go first. */
    readonly maxPages = 50,
  ) {
    if (pageSize < 1) throw new RangeError('pageSize must be ≥ 1');
  }

  get generation(): number {
    return this.gen;
  }

  /** Row count for the current query; null until the first page arrives. */
  get total(): number | null {
    return this.knownTotal;
  }

  get loadedPageCount(): number {
    return this.pages.size;
  }

  rowAt(index: number): T | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.rows[index % this.pageSize];
  }

  isLoading(pageIndex: number): boolean {
    return this.loading.has(pageIndex);
  }

  /** Page indexes covering rows [first, last] (inclusive), clamped to the known total. While
   *  the total is unknown only page 0 is asked for: its answer says how many pages exist. */
  pagesFor(first: number, last: number): number[] {
    if (this.knownTotal === null) return [0];
    // Page 0 always counts, even for an empty result: it is how a changed total is learned.
    const lastRow = Math.min(last, Math.max(1, this.knownTotal) - 1);
    if (lastRow < first || lastRow < 0) return [0];
    const out: number[] = [];
    for (
      let p = Math.floor(Math.max(0, first) / this.pageSize);
      p <= Math.floor(lastRow / this.pageSize);
      p++
    ) {
      out.push(p);
    }
    return out;
  }

  /** Pages under [first, last] that are absent or stale and not already being fetched. */
  pagesToFetch(first: number, last: number): number[] {
    return this.pagesFor(first, last).filter((p) => {
      if (this.loading.has(p)) return false;
      const page = this.pages.get(p);
      return !page || page.stale;
    });
  }

  /** Records that a fetch started; returns the generation to hand back with the answer. */
  markLoading(pageIndex: number): number {
    this.loading.add(pageIndex);
    return this.gen;
  }

  /** Stores a fetched page. Returns false (and stores nothing) when the answer is outdated. */
  setPage(pageIndex: number, rows: T[], total: number, generation: number): boolean {
    if (generation !== this.gen) return false;
    this.loading.delete(pageIndex);
    this.knownTotal = total;
    this.pages.set(pageIndex, { rows, stale: false });
    // A shrunken total leaves pages past the end that would otherwise linger.
    const lastPage = Math.max(0, Math.ceil(total / this.pageSize) - 1);
    for (const p of this.pages.keys()) if (p > lastPage) this.pages.delete(p);
    return true;
  }

  /** A fetch failed: forget that it is in flight so a later scroll can retry. */
  failPage(pageIndex: number, generation: number): void {
    if (generation === this.gen) this.loading.delete(pageIndex);
  }

  /** New sort or filter: nothing cached applies any more. */
  reset(): void {
    this.gen++;
    this.pages.clear();
    this.loading.clear();
    this.knownTotal = null;
  }

  /** Same query, changed data (import, remove): keep showing old rows until fresh ones arrive. */
  invalidate(): void {
    this.gen++;
    this.loading.clear();
    for (const page of this.pages.values()) page.stale = true;
  }

  /** Drops the pages farthest from the visible window once more than maxPages are held. */
  evictAround(first: number, last: number): void {
    if (this.pages.size <= this.maxPages) return;
    const lo = Math.floor(first / this.pageSize);
    const hi = Math.floor(last / this.pageSize);
    const distance = (p: number) => (p < lo ? lo - p : p > hi ? p - hi : 0);
    const byDistance = [...this.pages.keys()].sort((a, b) => distance(b) - distance(a));
    for (const p of byDistance.slice(0, this.pages.size - this.maxPages)) this.pages.delete(p);
  }
}
