// Segment-score sparklines for the rows the table renders (see common/scores/sparkline.ts), refetched
// when the library changes. `get` changes identity whenever new values arrive, so memoized
// table meta picks them up.
import { useCallback, useEffect, useMemo, useReducer } from 'react';
import { useApi } from '../../common/api/api-context';
import { usePostError } from '../../common/data/error-sink';
import { SparklineCache } from '../../common/scores/sparkline';

/** Samples per sparkline: about one per 3 px of a 64 px line. */
export const SPARKLINE_POINTS = 24;

export interface Sparklines {
  get(id: number): number[] | undefined;
  invalidate(): void;
}

/** `runId`: whose segment scores (undefined: each video's newest run). */
export function useSparklines(runId?: number): Sparklines {
  const api = useApi();
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  const sink = usePostError();

  const cache = useMemo(
    () =>
      new SparklineCache(
        (ids) => api.call('library.sparklines', { ids, points: SPARKLINE_POINTS, runId }),
        bump,
        (err) => sink.post(err, 'library.sparklines'),
      ),
    [api, runId, sink],
  );
  useEffect(() => {
    cache.start();
    return () => cache.dispose();
  }, [cache]);
  useEffect(() => api.on('library.changed', () => cache.invalidate()), [api, cache]);

  const get = useCallback(
    (id: number) => cache.get(id),
    // version: a new function after each change lets memoized consumers see new values.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [cache, version],
  );
  const invalidate = useCallback(() => cache.invalidate(), [cache]);
  return { get, invalidate };
}
