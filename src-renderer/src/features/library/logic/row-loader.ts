// Drives a PageCache for one table: remembers the query and the visible window, fetches the
// missing pages and drops answers to an outdated query. No React here; the hook wires it up.
import { PageCache } from './page-cache';

export type FetchPage<T, Q> = (
  offset: number,
  limit: number,
  query: Q,
) => Promise<{ total: number; rows: T[] }>;

export class RowLoader<T, Q> {
  readonly cache: PageCache<T>;
  private query: Q | null = null;
  private queryKey: string | null = null;
  private first = 0;
  private last = 40;

  constructor(
    private readonly fetchPage: FetchPage<T, Q>,
    /** Called after cached content changed (a page arrived, or the query reset). */
    private readonly onChange: () => void,
    private readonly onError: (err: unknown) => void,
    pageSize = 100,
    maxPages = 60,
  ) {
    this.cache = new PageCache<T>(pageSize, maxPages);
  }

  /** A different sort/filter (compared by key) starts from an empty cache. */
  setQuery(query: Q, key = JSON.stringify(query)): void {
    this.query = query;
    if (key === this.queryKey) return;
    this.queryKey = key;
    this.cache.reset();
    this.onChange();
    this.fetchMissing();
  }

  /** Rows [first, last] (inclusive) are on screen. */
  setVisible(first: number, last: number): void {
    if (first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    this.fetchMissing();
  }

  /** The data behind the query changed: keep old rows on screen, refetch them. */
  invalidate(): void {
    this.cache.invalidate();
    this.fetchMissing();
  }

  private fetchMissing(): void {
    if (this.query === null) return;
    const size = this.cache.pageSize;
    // Half a page of margin either side so a steady scroll rarely shows placeholders.
    const pages = this.cache.pagesToFetch(Math.max(0, this.first - size / 2), this.last + size / 2);
    for (const page of pages) {
      const generation = this.cache.markLoading(page);
      this.fetchPage(page * size, size, this.query).then(
        (res) => {
          if (!this.cache.setPage(page, res.rows, res.total, generation)) return;
          this.cache.evictAround(this.first, this.last);
          this.onChange();
          // The first answer reveals the total, which may call for more pages.
          if (page === 0) this.fetchMissing();
        },
        (err: unknown) => {
          this.cache.failPage(page, generation);
          this.onError(err);
        },
      );
    }
  }
}
