// Which video the review view shows, kept in the URL hash (#review/12) so a reload reopens it and
// the browser's Back button returns to the library.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { VideoRow } from '../../../src-preload/contract';

function idFromHash(): number | null {
  const m = /^#review\/(\d+)$/.exec(window.location.hash);
  return m ? Number(m[1]) : null;
}

export interface ReviewRoute {
  videoId: number | null;
  /** The library row it was opened from, when known (saves a lookup). */
  row: VideoRow | null;
  /** Where to start playing (a pair's or an answer's time), once per open. */
  atSec: number | null;
  open(videoId: number, row: VideoRow | null, atSec?: number): void;
  close(): void;
}

export function useReviewRoute(): ReviewRoute {
  const [state, setState] = useState<{
    videoId: number | null;
    row: VideoRow | null;
    atSec: number | null;
  }>(() => ({ videoId: idFromHash(), row: null, atSec: null }));
  // Whether this page pushed the review entry: then closing is a history Back, so the browser's
  // Forward/Back buttons stay meaningful; after a reload there is no entry of ours to go back to.
  const pushed = useRef(false);

  useEffect(() => {
    const onPop = () => {
      pushed.current = false;
      setState({ videoId: idFromHash(), row: null, atSec: null });
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const open = useCallback((videoId: number, row: VideoRow | null, atSec?: number) => {
    const url = `${window.location.pathname}${window.location.search}#review/${videoId}`;
    // N/P replace the entry: Back should return to the library, not walk through every video.
    if (idFromHash() === null) {
      window.history.pushState(null, '', url);
      pushed.current = true;
    } else window.history.replaceState(null, '', url);
    setState({ videoId, row, atSec: atSec ?? null });
  }, []);

  const close = useCallback(() => {
    if (pushed.current) {
      window.history.back();
      return;
    }
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
    setState({ videoId: null, row: null, atSec: null });
  }, []);

  return { ...state, open, close };
}
