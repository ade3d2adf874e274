// The reviewed video's library row (fps, duration, name) and its neighbours in the library's
// current filter and sort, for N/P. There is no "get one row" call: library.neighbors gives
// the row's index in that order, and library.list at that index gives the row. Failures go to the
// view's error sink.
import { useEffect, useState } from 'react';
import type {
  CallOutput,
  LibraryFilter,
  LibrarySort,
  VideoRow,
} from '../../../../src-shared/contract';
import { usePostError } from '../../common/data/error-sink';
import { useCall } from '../../common/data/useCall';

export interface ReviewTarget {
  row: VideoRow | null;
  prev: number | null;
  next: number | null;
  index: number | null;
  total: number | null;
}

type Neighbors = CallOutput<'library.neighbors'>;

/**
 * The row at the video's place in one order: undefined while looking (or after a failure),
 * null when the video is not in that order.
 */
function useRowIn(
  videoId: number,
  order: { sort?: LibrarySort; filter: LibraryFilter; runId?: number },
  enabled: boolean,
): { neighbors: Neighbors | undefined; row: VideoRow | null | undefined } {
  const neighbors = useCall(
    'library.neighbors',
    { videoId, ...order },
    { enabled, keepPrevious: false },
  ).data;
  const index = neighbors?.index ?? -1;
  const page = useCall(
    'library.list',
    { offset: Math.max(0, index), limit: 1, ...order },
    { enabled: enabled && index >= 0, keepPrevious: false },
  ).data;
  if (!enabled || !neighbors) return { neighbors, row: undefined };
  if (index < 0) return { neighbors, row: null };
  if (!page) return { neighbors, row: undefined };
  return { neighbors, row: page.rows[0]?.id === videoId ? page.rows[0] : null };
}

export function useReviewTarget(
  videoId: number,
  sort: LibrarySort | undefined,
  filter: LibraryFilter,
  initialRow: VideoRow | null,
  runId?: number,
): ReviewTarget {
  const sink = usePostError();
  const inOrder = useRowIn(videoId, { sort, filter, runId }, true);
  // Opened from a link (reload) or no longer matching the filter: look in the whole library.
  const whole = useRowIn(videoId, { filter: {}, runId }, inOrder.row === null);
  const found = inOrder.row === null ? whole.row : inOrder.row;

  // the last row and neighbours stay shown while the next video's are looked up
  const [row, setRow] = useState<VideoRow | null>(() =>
    initialRow?.id === videoId ? initialRow : null,
  );
  useEffect(() => {
    if (found !== undefined) setRow(found);
  }, [found]);
  const [near, setNear] = useState<Neighbors | null>(null);
  useEffect(() => {
    if (inOrder.neighbors) setNear(inOrder.neighbors);
  }, [inOrder.neighbors]);

  useEffect(() => {
    if (found === null) sink.post(new Error('This video is no longer in the project.'), 'target');
    else if (found) sink.clear('target');
  }, [found, sink]);

  return {
    row: found !== undefined ? found : row?.id === videoId ? row : null,
    prev: near?.prev ?? null,
    next: near?.next ?? null,
    index: near?.index ?? null,
    total: near?.total ?? null,
  };
}
