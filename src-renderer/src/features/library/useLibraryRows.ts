// Feeds the virtualized table from `library.list`, page by page (see logic/row-loader.ts), and
// refetches what is on screen when the library changes.
import { useCallback, useEffect, useMemo, useReducer } from 'react';
import type { LibraryFilter, LibrarySort, VideoRow } from '../../../../src-shared/contract';
import { useApi } from '../../common/api/api-context';
import { usePostError } from '../../common/data/error-sink';
import { RowLoader } from './logic/row-loader';

export const PAGE_SIZE = 100;

export interface LibraryRows {
  /** Rows matching the current query; null before the first answer. */
  total: number | null;
  rowAt(index: number): VideoRow | undefined;
  /** Tell the loader which rows are on screen (inclusive); it fetches what is missing. */
  setVisibleRange(first: number, last: number): void;
  /** Refetch what is on screen, keeping it shown meanwhile (e.g. while a job writes scores). */
  refresh(): void;
  /** Changes whenever cached content changes. */
  version: number;
}

type Query = { sort: LibrarySort | undefined; filter: LibraryFilter; runId: number | undefined };

/** `runId`: the model run whose scores the rows carry (undefined: the library's default run). */
export function useLibraryRows(
  sort: LibrarySort | undefined,
  filter: LibraryFilter,
  runId?: number,
): LibraryRows {
  const api = useApi();
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  const sink = usePostError();

  const loader = useMemo(
    () =>
      new RowLoader<VideoRow, Query>(
        (offset, limit, q) =>
          api.call('library.list', {
            offset,
            limit,
            sort: q.sort,
            filter: q.filter,
            runId: q.runId,
          }),
        () => {
          sink.clear('library.list');
          bump();
        },
        (err) => sink.post(err, 'library.list'),
        PAGE_SIZE,
      ),
    [api, sink],
  );

  const queryKey = JSON.stringify([sort, filter, runId]);
  useEffect(() => {
    loader.setQuery({ sort, filter, runId }, queryKey);
    // queryKey stands for sort + filter + run by value, so equal objects do not refetch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loader, queryKey]);

  useEffect(() => api.on('library.changed', () => loader.invalidate()), [api, loader]);

  const setVisibleRange = useCallback(
    (first: number, last: number) => loader.setVisible(first, last),
    [loader],
  );
  const refresh = useCallback(() => loader.invalidate(), [loader]);
  const rowAt = useCallback(
    (index: number) => loader.cache.rowAt(index),
    // version: a new function after each change lets memoized consumers see new rows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [loader, version],
  );

  return { total: loader.cache.total, rowAt, setVisibleRange, refresh, version };
}
