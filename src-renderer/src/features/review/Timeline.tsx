// The zoomable, scrollable timeline under the player: seconds axis, score lane (heat-map band +
// step curve, 0–100 axis), events lane, annotations lane, thumbnails lane, a playhead and a hover
// readout.
// Lanes are memoized on the view only; the playhead moves through a ref on the player clock,
// so playback costs no React renders. Only the visible window is drawn (logic/lanes.ts).
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Annotation, VideoScores } from '../../../../src-shared/contract';
import type { PlayerController } from './logic/player';
import type { TimeSpan } from './logic/time';
import {
  clampView,
  fitPxPerSec,
  timeToX,
  xToTime,
  zoomAt,
  followPlayhead,
  resizeView,
  type TimelineView,
} from './logic/zoom';
import { AnnotationLane } from './AnnotationLane';
import { HoverTip } from './HoverTip';
import { AXIS_H, EVENTS_H, Lanes, SCORE_H } from './Lanes';
import { ThumbnailLane } from './ThumbnailLane';

export const SPANS_H = 30;
export const THUMBS_H = 40;
const STAGE_H = AXIS_H + SCORE_H + EVENTS_H + SPANS_H + THUMBS_H;

type Segment = VideoScores['segments'][number];
type Event = VideoScores['events'][number];

interface TimelineProps {
  videoId: number;
  durationSec: number;
  segments: Segment[];
  events: Event[];
  spans: Annotation[];
  controller: PlayerController;
  selectedSpanId: number | null;
  onSelectSpan(id: number | null): void;
  onCreateSpan(range: TimeSpan): void;
  onEditSpan(span: Annotation, range: TimeSpan): void;
  /** The tag menu, positioned over its span by the timeline. */
  tagMenu: { spanId: number; node: React.ReactNode } | null;
}

export const Timeline = memo(function Timeline(p: TimelineProps) {
  const { durationSec, controller } = p;
  /** The lanes' box (width, pointer x) and the horizontal scrollbar below it. They are separate
   *  so tooltips and the tag menu can overflow the lanes without being clipped by a scroller. */
  const mainRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const playheadRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [view, setView] = useState<TimelineView>({ startSec: 0, pxPerSec: 100 });
  const [hover, setHover] = useState<{ x: number; sec: number } | null>(null);
  const [fitted, setFitted] = useState(false);
  const viewRef = useRef(view);
  const widthRef = useRef(0);
  widthRef.current = width;
  const scrubbing = useRef(false);

  const movePlayhead = useCallback((sec: number) => {
    const el = playheadRef.current;
    if (!el) return;
    const x = timeToX(sec, viewRef.current);
    el.style.transform = `translateX(${x.toFixed(1)}px)`;
    // The width from the ResizeObserver, not clientWidth: reading layout here, right after the
    // seek changed the DOM, forced a synchronous reflow on every pointer move while scrubbing.
    el.style.visibility = x < -1 || x > widthRef.current + 1 ? 'hidden' : 'visible';
  }, []);

  useLayoutEffect(() => {
    const el = mainRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  // Start with the whole video in view; re-fit when the duration becomes known. When the window
  // is resized, a whole-video view stays whole and a zoomed-in one keeps its scale.
  const viewWidth = useRef(0);
  useLayoutEffect(() => {
    if (width > 0 && durationSec > 0) {
      const before = viewWidth.current;
      viewWidth.current = width;
      setView((v) =>
        fitted
          ? resizeView(v, durationSec, before, width)
          : clampView(
              { startSec: 0, pxPerSec: fitPxPerSec(durationSec, width) },
              durationSec,
              width,
            ),
      );
      setFitted(true);
    }
  }, [width, durationSec, fitted]);

  // The scroll position follows the view (zoom, follow, buttons)…
  useLayoutEffect(() => {
    viewRef.current = view;
    const el = scrollRef.current;
    const left = view.startSec * view.pxPerSec;
    if (el && Math.abs(el.scrollLeft - left) > 1) el.scrollLeft = left;
    movePlayhead(controller.time);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view]);

  // …and the view follows native scrolling (scrollbar, trackpad).
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const v = viewRef.current;
    const start = el.scrollLeft / v.pxPerSec;
    if (Math.abs(start - v.startSec) * v.pxPerSec > 1) setView({ ...v, startSec: start });
  };

  useEffect(
    () =>
      controller.onTime((t) => {
        movePlayhead(t);
        // Page along while playing, never while the user scrolls a paused timeline.
        if (controller.speed !== 0 && width > 0) {
          const next = followPlayhead(viewRef.current, t, durationSec, width);
          if (next !== viewRef.current) setView(next);
        }
      }),
    [controller, movePlayhead, durationSec, width],
  );

  const zoom = useCallback(
    (factor: number, anchorPx?: number) =>
      setView((v) => zoomAt(v, factor, anchorPx ?? width / 2, durationSec, width)),
    [durationSec, width],
  );

  // Ctrl+wheel zooms around the cursor, a plain wheel scrolls. Registered natively: React's
  // wheel listener is passive, and preventDefault is needed to stop the browser's page zoom.
  useEffect(() => {
    const el = mainRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey) {
        const x = e.clientX - el.getBoundingClientRect().left;
        zoom(Math.exp(-e.deltaY * 0.002), x);
      } else if (scrollRef.current) scrollRef.current.scrollLeft += e.deltaX || e.deltaY;
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [zoom]);

  const seek = useCallback((sec: number) => controller.seek(sec), [controller]);

  const localX = (e: React.PointerEvent) =>
    e.clientX - (mainRef.current?.getBoundingClientRect().left ?? 0);

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    scrubbing.current = true;
    e.currentTarget.setPointerCapture(e.pointerId);
    controller.seek(xToTime(localX(e), viewRef.current));
  };
  // Pointer moves can arrive faster than frames: apply the last one once per animation frame,
  // so a fast scrub costs one render and one seek per frame, not one per event.
  const pendingMove = useRef<{ x: number; sec: number } | null>(null);
  const moveFrame = useRef<number | null>(null);
  useEffect(
    () => () => {
      if (moveFrame.current !== null) cancelAnimationFrame(moveFrame.current);
    },
    [],
  );
  const onPointerMove = (e: React.PointerEvent<HTMLDivElement>) => {
    const x = localX(e);
    pendingMove.current = { x, sec: xToTime(x, viewRef.current) };
    if (moveFrame.current !== null) return;
    moveFrame.current = requestAnimationFrame(() => {
      moveFrame.current = null;
      const m = pendingMove.current;
      if (!m) return;
      setHover(m);
      if (scrubbing.current) controller.seek(m.sec);
    });
  };
  const endScrub = () => {
    scrubbing.current = false;
  };

  const visibleSec = width > 0 ? width / view.pxPerSec : 0;
  const tagMenuSpan = p.tagMenu ? p.spans.find((s) => s.id === p.tagMenu!.spanId) : undefined;

  return (
    <section className="timeline" aria-label="Timeline" data-testid="timeline">
      <div className="timeline-toolbar">
        <span className="section-label">Timeline</span>
        <button
          type="button"
          className="small"
          aria-label="Zoom out"
          title="Zoom out (Ctrl+wheel)"
          data-testid="zoom-out"
          onClick={() => zoom(1 / 1.6)}
        >
          −
        </button>
        <button
          type="button"
          className="small"
          aria-label="Zoom in"
          title="Zoom in (Ctrl+wheel)"
          data-testid="zoom-in"
          onClick={() => zoom(1.6)}
        >
          +
        </button>
        <button
          type="button"
          className="small"
          data-testid="zoom-fit"
          onClick={() => setView({ startSec: 0, pxPerSec: fitPxPerSec(durationSec, width) })}
        >
          Fit
        </button>
        <span className="muted mono" data-testid="zoom-window">
          {visibleSec.toFixed(visibleSec < 10 ? 2 : 0)} s visible
        </span>
        <div className="spacer" />
        <span className="hint">
          Click to seek · drag on Annotations to mark a span, then a tag key · Del removes
        </span>
      </div>
      <div className="timeline-body">
        <div className="timeline-gutter" aria-hidden="true">
          <div style={{ height: AXIS_H }} className="gutter-label">
            Time
          </div>
          <div style={{ height: SCORE_H }} className="gutter-score">
            <span>Score</span>
            <span className="axis-100">100</span>
            <span className="axis-50">50</span>
            <span className="axis-0">0</span>
          </div>
          <div style={{ height: EVENTS_H }} className="gutter-label">
            Events
          </div>
          <div style={{ height: SPANS_H }} className="gutter-label">
            Annotations
          </div>
          <div style={{ height: THUMBS_H }} className="gutter-label">
            Thumbnails
          </div>
        </div>
        <div className="timeline-main" ref={mainRef}>
          <div className="timeline-stage" style={{ height: STAGE_H }}>
            <div
              className="timeline-seek-area"
              data-testid="timeline-seek"
              style={{ height: AXIS_H + SCORE_H + EVENTS_H }}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={endScrub}
              onPointerCancel={endScrub}
              onPointerLeave={() => {
                pendingMove.current = null;
                setHover(null);
              }}
            >
              <Lanes
                view={view}
                width={width}
                durationSec={durationSec}
                segments={p.segments}
                events={p.events}
              />
            </div>
            <AnnotationLane
              top={AXIS_H + SCORE_H + EVENTS_H}
              height={SPANS_H}
              width={width}
              view={view}
              durationSec={durationSec}
              spans={p.spans}
              selectedId={p.selectedSpanId}
              onSelect={p.onSelectSpan}
              onCreate={p.onCreateSpan}
              onEdit={p.onEditSpan}
              onSeek={seek}
            />
            <ThumbnailLane
              videoId={p.videoId}
              top={AXIS_H + SCORE_H + EVENTS_H + SPANS_H}
              height={THUMBS_H}
              width={width}
              view={view}
              onSeek={seek}
            />
            <div
              className="playhead"
              ref={playheadRef}
              style={{ height: STAGE_H }}
              aria-hidden="true"
            />
            {hover ? (
              <HoverTip
                x={hover.x}
                sec={hover.sec}
                width={width}
                segments={p.segments}
                events={p.events}
              />
            ) : null}
            {p.tagMenu && tagMenuSpan ? (
              <div
                className="tag-menu-anchor"
                style={{
                  left: Math.max(
                    0,
                    Math.min(width - 200, timeToX(tagMenuSpan.startSec ?? 0, view)),
                  ),
                  top: AXIS_H,
                }}
              >
                {p.tagMenu.node}
              </div>
            ) : null}
          </div>
          <div
            className="timeline-scrollbar"
            ref={scrollRef}
            onScroll={onScroll}
            data-testid="timeline-scroll"
          >
            <div style={{ width: Math.max(width, durationSec * view.pxPerSec), height: 1 }} />
          </div>
        </div>
      </div>
    </section>
  );
});
