// Per-segment scores beside the player, synced with it: the current segment is highlighted and
// scrolled into view, a click seeks to the segment, headers sort (client side — one video's
// segments are all in memory). Virtualized: a 2-hour video has 3,600 rows.
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Annotation, VideoScores } from '../../../../src-shared/contract';
import { formatScore } from '../../common/format';
import { levelOfScore, scoreColor } from '../../common/scores/score-colors';
import { LevelChip } from '../../common/scores/ScoreCells';

type Segment = VideoScores['segments'][number];
interface SegmentItem extends Segment {
  rating: number | null;
}

const ROW_H = 26;
const col = createColumnHelper<SegmentItem>();

const columns = [
  col.accessor('idx', { header: '#', size: 44, cell: (c) => c.getValue() }),
  col.accessor('startSec', {
    header: 'Start',
    size: 60,
    cell: (c) => `${c.getValue().toFixed(1)} s`,
    enableSorting: false,
  }),
  col.accessor('endSec', {
    header: 'End',
    size: 60,
    cell: (c) => `${c.getValue().toFixed(1)} s`,
    enableSorting: false,
  }),
  col.accessor('score', {
    header: 'Score',
    size: 60,
    cell: (c) => (
      <span className="score-value" style={{ color: scoreColor(c.getValue()) }}>
        {formatScore(c.getValue())}
      </span>
    ),
  }),
  col.display({
    id: 'level',
    header: 'Level',
    size: 70,
    cell: (c) => <LevelChip level={levelOfScore(c.row.original.score)} />,
  }),
  col.accessor('rating', {
    header: 'Mine',
    size: 50,
    sortUndefined: 'last',
    cell: (c) =>
      c.getValue() ? (
        <span className="rating-pill">{c.getValue()}</span>
      ) : (
        <span className="muted">—</span>
      ),
  }),
];

interface SegmentTableProps {
  segments: Segment[];
  ratings: Map<number, Annotation>;
  currentIdx: number | null;
  onSeek(sec: number): void;
}

/** Memoized: the review re-renders on every segment change; the table only when its props do. */
export const SegmentTable = memo(function SegmentTable({
  segments,
  ratings,
  currentIdx,
  onSeek,
}: SegmentTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [sorting, setSorting] = useState<SortingState>([]);
  const data = useMemo<SegmentItem[]>(
    () => segments.map((s) => ({ ...s, rating: ratings.get(s.idx)?.rating ?? null })),
    [segments, ratings],
  );

  const table = useReactTable({
    data,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (s) => String(s.idx),
  });
  const rows = table.getRowModel().rows;
  /** Row position of each segment index in the current sort (scroll-follow without a scan). */
  const positions = useMemo(() => new Map(rows.map((r, i) => [r.original.idx, i])), [rows]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: 10,
    // Scroll updates re-render in React's normal batching instead of synchronously inside the
    // scroll event (the default flushSync made each followed segment a blocking render).
    useFlushSync: false,
  });

  // The current segment scrolls into view wherever sorting put it.
  useEffect(() => {
    if (currentIdx === null) return;
    const pos = positions.get(currentIdx);
    const el = scrollRef.current;
    if (pos === undefined || !el) return;
    // Rows have a fixed height, so scroll directly, from the virtualizer's cached offset and
    // viewport (no layout read). virtualizer.scrollToIndex reconciles over animation frames,
    // reading scrollHeight and re-rendering synchronously in each: long tasks while scrubbing
    // a 3,600-segment video.
    const top = pos * ROW_H;
    const offset = virtualizer.scrollOffset ?? 0;
    const height = virtualizer.scrollRect?.height ?? 0;
    if (top < offset) el.scrollTop = top;
    else if (top + ROW_H > offset + height) el.scrollTop = top + ROW_H - height;
  }, [currentIdx, positions, virtualizer]);

  if (!segments.length) return <p className="muted segment-empty">No segment scores yet.</p>;
  const widths = table.getVisibleLeafColumns().map((c) => c.getSize());
  return (
    <div
      className="segment-table"
      role="grid"
      aria-label="Segments"
      aria-rowcount={rows.length + 1}
      data-testid="segment-table"
    >
      <div className="segment-head" role="row">
        {table.getHeaderGroups()[0]!.headers.map((h, i) => {
          const dir = h.column.getIsSorted();
          return (
            <div
              key={h.id}
              role="columnheader"
              className="segment-cell"
              style={{ width: widths[i] }}
              aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}
            >
              {h.column.getCanSort() ? (
                <button
                  type="button"
                  className="sort-button"
                  data-testid={`seg-sort-${h.column.id}`}
                  onClick={h.column.getToggleSortingHandler()}
                >
                  {flexRender(h.column.columnDef.header, h.getContext())}
                  <span className={`sort-indicator${dir ? ' active' : ''}`} aria-hidden="true">
                    {dir === 'desc' ? '↓' : '↑'}
                  </span>
                </button>
              ) : (
                flexRender(h.column.columnDef.header, h.getContext())
              )}
            </div>
          );
        })}
      </div>
      <div className="segment-scroll" ref={scrollRef}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const row = rows[v.index]!;
            const current = row.original.idx === currentIdx;
            return (
              <div
                key={row.id}
                role="row"
                aria-selected={current}
                className={`segment-row${current ? ' current' : ''}`}
                data-testid="segment-row"
                data-idx={row.original.idx}
                style={{ transform: `translateY(${v.start}px)`, height: ROW_H }}
                onClick={() => onSeek(row.original.startSec)}
              >
                {row.getVisibleCells().map((cell, i) => (
                  <div
                    key={cell.id}
                    role="gridcell"
                    className="segment-cell"
                    style={{ width: widths[i] }}
                  >
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
});
