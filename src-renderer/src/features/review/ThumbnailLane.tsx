// The thumbnails lane: tiles of the video's thumbnail sprite (media.thumbStrip, asked for when the
// review opens) laid out at their times along the visible window. Zoomed out, tiles that would
// overlap are skipped (every k-th one shown); only tiles inside the window are rendered. A click
// seeks like the other lanes.
import { memo, useEffect, useState } from 'react';
import type { ThumbStrip } from '../../../../src-shared/contract';
import { useApi } from '../../common/api/api-context';
import { useCall } from '../../common/data/useCall';
import { timeToX, xToTime, type TimelineView } from './logic/zoom';

interface ThumbnailLaneProps {
  videoId: number;
  top: number;
  height: number;
  width: number;
  view: TimelineView;
  onSeek(sec: number): void;
}

type StripState =
  | { status: 'loading' }
  | { status: 'ready'; strip: ThumbStrip; url: string }
  | { status: 'failed'; message: string };

export interface TileBox {
  index: number;
  left: number;
  width: number;
}

/**
 * The tiles to draw for this view: each at the x of its time, as wide as its interval (at most a
 * whole tile scaled to the lane height), every `stride`-th one when intervals are narrower than a tile.
 */
export function visibleTiles(
  strip: ThumbStrip,
  view: TimelineView,
  widthPx: number,
  tileW: number,
): TileBox[] {
  if (!(strip.count > 0) || !(strip.intervalSec > 0) || !(widthPx > 0)) return [];
  const spanPx = strip.intervalSec * view.pxPerSec;
  const stride = Math.max(1, Math.ceil(tileW / spanPx));
  const endSec = view.startSec + widthPx / view.pxPerSec;
  const first = Math.max(0, Math.floor(view.startSec / strip.intervalSec / stride) * stride);
  const last = Math.min(strip.count - 1, Math.floor(endSec / strip.intervalSec));
  const out: TileBox[] = [];
  for (let i = first; i <= last; i += stride) {
    out.push({
      index: i,
      left: timeToX(i * strip.intervalSec, view),
      width: Math.min(tileW, stride * spanPx),
    });
  }
  return out;
}

export const ThumbnailLane = memo(function ThumbnailLane(p: ThumbnailLaneProps) {
  const api = useApi();
  // a missing strip is said in the lane itself, not as a view error
  const stripCall = useCall(
    'media.thumbStrip',
    { videoId: p.videoId },
    { quiet: true, keepPrevious: false },
  );
  const strip = stripCall.data;
  const [sprite, setSprite] = useState<StripState>({ status: 'loading' });

  useEffect(() => {
    setSprite({ status: 'loading' });
    if (!strip) return;
    const url = api.mediaUrl('strip', p.videoId);
    // Tiles appear once the sprite has loaded, never as empty boxes.
    const img = new Image();
    img.onload = () => setSprite({ status: 'ready', strip, url });
    img.onerror = () =>
      setSprite({ status: 'failed', message: 'The thumbnail strip could not be loaded.' });
    img.src = url;
    return () => {
      // a later video's strip replaces this one: its load must not land
      img.onload = null;
      img.onerror = null;
    };
  }, [api, p.videoId, strip]);
  const state: StripState =
    !strip && stripCall.error && !stripCall.loading
      ? { status: 'failed', message: stripCall.error }
      : sprite;

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    p.onSeek(xToTime(e.clientX - e.currentTarget.getBoundingClientRect().left, p.view));
  };

  let body: React.ReactNode = null;
  if (state.status === 'ready') {
    const { strip, url } = state;
    const scale = p.height / strip.tileHeight;
    const tileW = strip.tileWidth * scale;
    const rows = Math.ceil(strip.count / strip.columns);
    const size = `${strip.columns * tileW}px ${rows * p.height}px`;
    body = visibleTiles(strip, p.view, p.width, tileW).map((t) => (
      <div
        key={t.index}
        className="thumb-tile"
        data-testid="thumb-tile"
        style={{
          left: t.left,
          width: t.width,
          backgroundImage: `url("${url}")`,
          backgroundSize: size,
          backgroundPosition: `${-(t.index % strip.columns) * tileW}px ${-Math.floor(t.index / strip.columns) * p.height}px`,
        }}
      />
    ));
  } else {
    body = (
      <span
        className="thumb-lane-note"
        title={state.status === 'failed' ? state.message : undefined}
      >
        {state.status === 'loading' ? 'Making thumbnails…' : 'No thumbnails'}
      </span>
    );
  }

  return (
    <div
      className="thumb-lane"
      data-testid="thumb-lane"
      data-status={state.status}
      style={{ top: p.top, height: p.height, width: p.width }}
      onPointerDown={onPointerDown}
    >
      {body}
    </div>
  );
});
