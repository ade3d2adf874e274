// The annotations lane: the annotator's distortion spans. Drag on an empty part to create one,
// drag a span's body to move it or an edge to resize it, click to select (Delete removes it,
// T or the tag menu tags it). The preview of a drag is local state; one call saves it on release.
import { memo, useMemo, useRef, useState } from 'react';
import type { Annotation } from '../../../../src-shared/contract';
import { visibleSpans } from './logic/lanes';
import { dragSpan, hitSpan, isDrag, sameSpan, type DragMode } from './logic/spans';
import type { TimeSpan } from './logic/time';
import { timeToX, xToTime, type TimelineView } from './logic/zoom';

interface AnnotationLaneProps {
  top: number;
  height: number;
  width: number;
  view: TimelineView;
  durationSec: number;
  spans: Annotation[];
  selectedId: number | null;
  onSelect(id: number | null): void;
  onCreate(range: TimeSpan): void;
  onEdit(span: Annotation, range: TimeSpan): void;
  onSeek(sec: number): void;
}

interface Drag {
  mode: DragMode;
  span: Annotation | null;
  origin: TimeSpan;
  fromSec: number;
  fromX: number;
  moved: boolean;
}

const rangeOf = (a: Annotation): TimeSpan => ({ startSec: a.startSec ?? 0, endSec: a.endSec ?? 0 });

/** A span annotation with its times non-null (spans always have both), for the pure helpers. */
interface LaneSpan extends TimeSpan {
  a: Annotation;
}

export const AnnotationLane = memo(function AnnotationLane(p: AnnotationLaneProps) {
  const drag = useRef<Drag | null>(null);
  const [preview, setPreview] = useState<{ id: number | null; range: TimeSpan } | null>(null);
  const [cursor, setCursor] = useState('crosshair');
  const items = useMemo<LaneSpan[]>(() => p.spans.map((a) => ({ ...rangeOf(a), a })), [p.spans]);

  const xOf = (e: React.PointerEvent<SVGSVGElement>) =>
    e.clientX - e.currentTarget.getBoundingClientRect().left;

  const onPointerDown = (e: React.PointerEvent<SVGSVGElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const x = xOf(e);
    const sec = xToTime(x, p.view);
    const hit = hitSpan(items, x, p.view);
    drag.current = hit
      ? {
          mode: hit.part === 'body' ? 'move' : hit.part,
          span: hit.span.a,
          origin: rangeOf(hit.span.a),
          fromSec: sec,
          fromX: x,
          moved: false,
        }
      : {
          mode: 'create',
          span: null,
          origin: { startSec: sec, endSec: sec },
          fromSec: sec,
          fromX: x,
          moved: false,
        };
    if (hit) p.onSelect(hit.span.a.id);
  };

  const onPointerMove = (e: React.PointerEvent<SVGSVGElement>) => {
    const x = xOf(e);
    const d = drag.current;
    if (!d) {
      const hit = hitSpan(items, x, p.view);
      setCursor(!hit ? 'crosshair' : hit.part === 'body' ? 'grab' : 'ew-resize');
      return;
    }
    if (!d.moved && !isDrag(d.fromX, x)) return;
    d.moved = true;
    const range = dragSpan(d.mode, d.origin, d.fromSec, xToTime(x, p.view), p.durationSec);
    setPreview({ id: d.span?.id ?? null, range });
  };

  const onPointerUp = (e: React.PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    drag.current = null;
    setPreview(null);
    if (!d) return;
    const x = xOf(e);
    if (!d.moved) {
      // A click: on a span it selected it; on empty lane it seeks and clears the selection.
      if (!d.span) {
        p.onSelect(null);
        p.onSeek(d.fromSec);
      }
      return;
    }
    const range = dragSpan(d.mode, d.origin, d.fromSec, xToTime(x, p.view), p.durationSec);
    if (d.span) {
      if (!sameSpan(range, d.origin)) p.onEdit(d.span, range);
    } else p.onCreate(range);
  };

  const shown = visibleSpans(items, p.view, p.width).map((i) => i.a);
  return (
    <svg
      className="annotation-lane"
      data-testid="annotation-lane"
      width={p.width}
      height={p.height}
      style={{ top: p.top, cursor }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => ((drag.current = null), setPreview(null))}
    >
      <rect x={0} y={0} width={p.width} height={p.height} className="lane-bg" />
      {shown.map((s) => {
        const r = preview && preview.id === s.id ? preview.range : rangeOf(s);
        const x = timeToX(r.startSec, p.view);
        const w = Math.max(2, (r.endSec - r.startSec) * p.view.pxPerSec);
        const selected = s.id === p.selectedId;
        return (
          <g
            key={s.id}
            className={`span${selected ? ' selected' : ''}${s.tag ? '' : ' untagged'}`}
            data-testid="span"
            data-span-id={s.id}
            data-tag={s.tag ?? ''}
          >
            <rect x={x} y={3} width={w} height={p.height - 6} rx={3} />
            {w > 30 ? (
              <text x={x + 5} y={p.height / 2 + 4} className="span-label">
                {s.tag ?? 'untagged'}
                {s.text ? ' ✎' : ''}
              </text>
            ) : null}
            <title>{`${s.tag ?? 'untagged'} ${r.startSec.toFixed(2)}–${r.endSec.toFixed(2)} s${s.text ? ` — ${s.text}` : ''}`}</title>
          </g>
        );
      })}
      {preview && preview.id === null ? (
        <rect
          className="span-draft"
          data-testid="span-draft"
          x={timeToX(preview.range.startSec, p.view)}
          y={3}
          width={(preview.range.endSec - preview.range.startSec) * p.view.pxPerSec}
          height={p.height - 6}
          rx={3}
        />
      ) : null}
    </svg>
  );
});
