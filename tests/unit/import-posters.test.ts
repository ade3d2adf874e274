// The import's poster pass takes rows on screen first, then the oldest committed, a batch at a time.
import { describe, expect, it } from 'vitest';
import { POSTER_BATCH, takeBatch } from '../../src-main/services/library/import-posters';

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

describe('poster batches', () => {
  it('takes the oldest committed rows when nothing is on screen', () => {
    const waiting = rows(POSTER_BATCH + 5);
    const batch = takeBatch(waiting, new Set());
    expect(batch.map((r) => r.id)).toEqual(rows(POSTER_BATCH).map((r) => r.id));
    expect(waiting.map((r) => r.id)).toEqual([1, 2, 3, 4, 5].map((i) => POSTER_BATCH + i));
  });

  it('puts rows on screen first, fills up with the oldest, and leaves the rest waiting in order', () => {
    const waiting = rows(3 * POSTER_BATCH);
    const last = 3 * POSTER_BATCH;
    const shown = new Set([last, last - 1, 7]);
    const batch = takeBatch(waiting, shown);
    expect(batch).toHaveLength(POSTER_BATCH);
    expect(batch.slice(0, 3).map((r) => r.id)).toEqual([7, last - 1, last]);
    expect(batch.slice(3).map((r) => r.id)).toEqual(
      rows(POSTER_BATCH - 2)
        .map((r) => r.id)
        .filter((id) => id !== 7),
    );
    expect(waiting).toHaveLength(2 * POSTER_BATCH);
    expect(waiting.some((r) => shown.has(r.id))).toBe(false);
    const ids = waiting.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});
