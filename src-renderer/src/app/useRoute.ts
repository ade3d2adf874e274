// Navigation state kept in the URL hash (see route.ts): which panel is open over the library and
// which video the review shows. Opening pushes a history entry, so the browser's Back closes what
// was opened; after a reload there is no entry of ours to go back to, and closing replaces the URL.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { VideoRow } from '../../../src-shared/contract';
import { formatRoute, parseRoute, type Panel, type Route } from './route';

export interface Navigation extends Route {
  /** The library row the review was opened from, when known (saves a lookup). */
  reviewRow: VideoRow | null;
  /** Where to start playing (a pair's or an answer's time), once per open. */
  reviewAtSec: number | null;
  showPanel(panel: Panel | null): void;
  openReview(videoId: number, row: VideoRow | null, atSec?: number): void;
  closeReview(): void;
}

const here = () => parseRoute(window.location.hash);

export function useRoute(): Navigation {
  const [route, setRoute] = useState<Route>(here);
  const [extra, setExtra] = useState<{ row: VideoRow | null; atSec: number | null }>({
    row: null,
    atSec: null,
  });
  // history entries this page pushed and has not gone back over
  const pushed = useRef(0);

  useEffect(() => {
    const onPop = () => {
      pushed.current = Math.max(0, pushed.current - 1);
      setRoute(here());
      setExtra({ row: null, atSec: null });
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const go = useCallback((next: Route, how: 'push' | 'replace') => {
    const url = `${window.location.pathname}${window.location.search}${formatRoute(next)}`;
    if (how === 'push') {
      window.history.pushState(null, '', url);
      pushed.current++;
    } else window.history.replaceState(null, '', url);
    setRoute(next);
  }, []);

  /** Close the top view: a history Back when we opened it, else a replace with its parent. */
  const close = useCallback(
    (parent: Route) => {
      if (pushed.current > 0) window.history.back();
      else go(parent, 'replace');
    },
    [go],
  );

  const showPanel = useCallback(
    (panel: Panel | null) => {
      const cur = here();
      if (panel === null) close({ panel: null, reviewId: null });
      else go({ panel, reviewId: null }, cur.panel === null ? 'push' : 'replace');
    },
    [go, close],
  );

  const openReview = useCallback(
    (videoId: number, row: VideoRow | null, atSec?: number) => {
      const cur = here();
      // N/P replace the entry: Back should return to the view below, not walk through every video
      go({ panel: cur.panel, reviewId: videoId }, cur.reviewId === null ? 'push' : 'replace');
      setExtra({ row, atSec: atSec ?? null });
    },
    [go],
  );

  const closeReview = useCallback(() => close({ panel: here().panel, reviewId: null }), [close]);

  return {
    ...route,
    reviewRow: extra.row,
    reviewAtSec: extra.atSec,
    showPanel,
    openReview,
    closeReview,
  };
}
