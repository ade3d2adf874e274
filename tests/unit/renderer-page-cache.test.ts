import { describe, expect, it } from 'vitest';
import { PageCache } from '../../src-renderer/src/features/library/logic/page-cache';
import { RowLoader } from '../../src-renderer/src/features/library/logic/row-loader';

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('PageCache', () => {
  it('asks for page 0 first, while the total is unknown', () => {
    const c = new PageCache<number>(100);
    expect(c.total).toBeNull();
    expect(c.pagesToFetch(0, 30)).toEqual([0]);
  });

  it('maps row indexes to pages and serves rows once stored', () => {
    const c = new PageCache<number>(100);
    const g = c.markLoading(0);
    expect(c.setPage(0, rows(0, 100), 10_000, g)).toBe(true);
    expect(c.rowAt(42)).toBe(42);
    expect(c.rowAt(150)).toBeUndefined();
    expect(c.pagesToFetch(80, 250)).toEqual([1, 2]);
  });

  it('does not fetch a page twice while it is in flight, and retries after a failure', () => {
    const c = new PageCache<number>(100);
    c.setPage(0, rows(0, 100), 1000, c.markLoading(0));
    const g = c.markLoading(3);
    expect(c.pagesToFetch(300, 399)).toEqual([]);
    c.failPage(3, g);
    expect(c.pagesToFetch(300, 399)).toEqual([3]);
  });

  it('clamps to the known total', () => {
    const c = new PageCache<number>(100);
    c.setPage(0, rows(0, 100), 150, c.markLoading(0));
    expect(c.pagesFor(0, 10_000)).toEqual([0, 1]);
  });

  it('still refreshes page 0 of an empty result, which is how new rows are discovered', () => {
    const c = new PageCache<number>(100);
    c.setPage(0, [], 0, c.markLoading(0));
    expect(c.pagesToFetch(0, 20)).toEqual([]);
    c.invalidate();
    expect(c.pagesToFetch(0, 20)).toEqual([0]);
  });

  it('drops answers to an outdated query after reset', () => {
    const c = new PageCache<number>(100);
    const old = c.markLoading(0);
    c.reset();
    expect(c.setPage(0, rows(0, 100), 100, old)).toBe(false);
    expect(c.rowAt(0)).toBeUndefined();
    expect(c.total).toBeNull();
  });

  it('keeps showing stale rows after invalidate until fresh ones arrive', () => {
    const c = new PageCache<number>(100);
    c.setPage(0, rows(0, 100), 100, c.markLoading(0));
    c.invalidate();
    expect(c.rowAt(5)).toBe(5);
    expect(c.pagesToFetch(0, 50)).toEqual([0]);
    c.setPage(0, rows(1000, 100), 100, c.markLoading(0));
    expect(c.rowAt(5)).toBe(1005);
  });

  it('forgets pages past a shrunken total', () => {
    const c = new PageCache<number>(10);
    for (const p of [0, 1, 2]) c.setPage(p, rows(p * 10, 10), 30, c.markLoading(p));
    c.invalidate();
    c.setPage(0, rows(0, 10), 12, c.markLoading(0));
    expect(c.rowAt(25)).toBeUndefined();
    expect(c.loadedPageCount).toBe(2);
  });

  it('evicts the pages farthest from the visible window beyond maxPages', () => {
    const c = new PageCache<number>(10, 3);
    for (const p of [0, 1, 2, 8, 9]) c.setPage(p, rows(p * 10, 10), 100, c.markLoading(p));
    c.evictAround(80, 95); // looking at pages 8–9
    expect(c.loadedPageCount).toBe(3);
    expect(c.rowAt(85)).toBe(85);
    expect(c.rowAt(95)).toBe(95);
    expect(c.rowAt(5)).toBeUndefined(); // page 0 was farthest
  });
});

describe('RowLoader', () => {
  type Query = { text: string };
  function setup(total: number, pageSize = 10) {
    const calls: { offset: number; query: Query; resolve: () => void }[] = [];
    let changes = 0;
    const loader = new RowLoader<number, Query>(
      (offset, limit, query) =>
        new Promise((resolve) =>
          calls.push({
            offset,
            query,
            resolve: () => resolve({ total, rows: rows(offset, Math.min(limit, total - offset)) }),
          }),
        ),
      () => changes++,
      (err) => {
        throw err;
      },
      pageSize,
    );
    return { loader, calls, changes: () => changes };
  }
  const flush = () => new Promise((r) => setTimeout(r, 0));

  it('fetches page 0, then the pages the visible window needs once the total is known', async () => {
    const { loader, calls } = setup(1000);
    loader.setVisible(0, 25);
    loader.setQuery({ text: '' });
    expect(calls.map((c) => c.offset)).toEqual([0]);
    calls[0]!.resolve();
    await flush();
    // rows 0–25 plus half a page of margin → pages 1, 2, 3
    expect(calls.map((c) => c.offset)).toEqual([0, 10, 20, 30]);
  });

  it('ignores a late answer for a previous filter', async () => {
    const { loader, calls } = setup(1000);
    loader.setQuery({ text: 'a' });
    loader.setQuery({ text: 'b' });
    expect(calls.map((c) => c.query.text)).toEqual(['a', 'b']);
    calls[0]!.resolve();
    await flush();
    expect(loader.cache.total).toBeNull();
    calls[1]!.resolve();
    await flush();
    expect(loader.cache.total).toBe(1000);
  });

  it('does not refetch for an equal query', () => {
    const { loader, calls } = setup(10);
    loader.setQuery({ text: 'x' });
    loader.setQuery({ text: 'x' });
    expect(calls).toHaveLength(1);
  });

  it('refetches what is on screen after invalidate, keeping the old rows meanwhile', async () => {
    const { loader, calls, changes } = setup(5);
    loader.setQuery({ text: '' });
    calls[0]!.resolve();
    await flush();
    const before = changes();
    loader.invalidate();
    expect(calls).toHaveLength(2);
    expect(loader.cache.rowAt(0)).toBe(0);
    calls[1]!.resolve();
    await flush();
    expect(changes()).toBe(before + 1);
  });
});
