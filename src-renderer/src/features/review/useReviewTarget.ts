// The reviewed video's library row (fps, duration, name) and its neighbours in the library's
// current filter and sort, for N/P. There is no "get one row" call: library.neighbors gives
// the row's index in that order, and library.list at that index gives the row.
import { useEffect, useState } from 'react';
import type { LibraryFilter, LibrarySort, VideoRow } from '../../../../src-shared/contract';
import { useApi } from '../../shared/api/api-context';
import { errorCode, errorMessage } from '../../shared/format';

export interface ReviewTarget {
  row: VideoRow | null;
  prev: number | null;
  next: number | null;
  index: number | null;
  total: number | null;
  error: string | null;
}

export function useReviewTarget(
  videoId: number,
  sort: LibrarySort | undefined,
  filter: LibraryFilter,
  initialRow: VideoRow | null,
  runId?: number,
): ReviewTarget {
  const api = useApi();
  const [t, setT] = useState<ReviewTarget>(() => ({
    row: initialRow?.id === videoId ? initialRow : null,
    prev: null,
    next: null,
    index: null,
    total: null,
    error: null,
  }));

  const key = JSON.stringify([videoId, sort, filter, runId]);
  useEffect(() => {
    let live = true;
    setT((old) => ({ ...old, row: old.row?.id === videoId ? old.row : null }));
    const find = async (s: LibrarySort | undefined, f: LibraryFilter) => {
      const n = await api.call('library.neighbors', { videoId, sort: s, filter: f, runId });
      if (n.index < 0) return { n, row: null };
      const page = await api.call('library.list', {
        offset: n.index,
        limit: 1,
        sort: s,
        filter: f,
        runId,
      });
      const row = page.rows[0]?.id === videoId ? page.rows[0] : null;
      return { n, row };
    };
    void (async () => {
      try {
        let r = await find(sort, filter);
        // Opened from a link (reload) or no longer matching the filter: look in the whole library.
        if (!r.row) r = { n: r.n, row: (await find(undefined, {})).row };
        if (!live) return;
        setT({
          row: r.row,
          prev: r.n.prev,
          next: r.n.next,
          index: r.n.index,
          total: r.n.total,
          error: r.row ? null : 'This video is no longer in the project.',
        });
      } catch (err) {
        if (!live) return;
        // Before neighbours exist on the server the row we were opened with still works.
        const msg = errorCode(err) === 'NOT_IMPLEMENTED' ? null : errorMessage(err);
        setT((old) => ({ ...old, error: msg }));
      }
    })();
    return () => {
      live = false;
    };
    // key stands for videoId + sort + filter by value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);

  return t;
}
