// The virtualized library grid: react-table renders columns, headers and cells and tracks
// visibility; the server sorts; the virtualizer decides which rows exist in the DOM;
// useLibraryRows supplies them page by page.
import { memo, useEffect, useMemo, useRef } from 'react';
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type Row,
  type SortingState,
  type TableMeta,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LibraryRows } from './useLibraryRows';
import { nextSorting } from './logic/table-sort';
import { libraryColumns, type LibraryItem } from './libraryColumns';

export const ROW_HEIGHT = 44;

interface LibraryTableProps {
  rows: LibraryRows;
  sorting: SortingState;
  onSortingChange(s: SortingState): void;
  columnVisibility: VisibilityState;
  meta: TableMeta<LibraryItem>;
  onRowClick(item: LibraryItem, e: React.MouseEvent): void;
  /** Double-click: open the video in the review view. */
  onRowOpen(item: LibraryItem): void;
  emptyMessage: string;
}

export function LibraryTable({
  rows,
  sorting,
  onSortingChange,
  columnVisibility,
  meta,
  onRowClick,
  onRowOpen,
  emptyMessage,
}: LibraryTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const total = rows.total ?? 0;
  const { setVisibleRange } = rows;

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer's API is not memo-safe; this component re-renders on every scroll anyway
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    // A scroll event would otherwise render the rows synchronously inside the browser's frame,
    // making React's work and the style, layout and paint of the new rows one long task. As a
    // normal update it runs in its own task and several scroll events share one render.
    useFlushSync: false,
    estimateSize: () => ROW_HEIGHT,
    // Six rows (264 px) of margin cover a frame of fast scrolling; more would only make a far
    // jump build more rows at once.
    overscan: 6,
    onChange: (v) => {
      const r = v.range;
      if (r) setVisibleRange(r.startIndex, r.endIndex);
    },
  });
  const virtualRows = virtualizer.getVirtualItems();
  const firstIndex = virtualRows[0]?.index ?? 0;
  const lastIndex = virtualRows[virtualRows.length - 1]?.index ?? 0;
  // onChange covers scrolling; this covers the first render and count changes.
  useEffect(() => setVisibleRange(firstIndex, lastIndex), [setVisibleRange, firstIndex, lastIndex]);
  // Only the on-screen window is handed to react-table, so its row model stays tiny at any total.
  const data: LibraryItem[] = virtualRows.map((v) => ({
    index: v.index,
    row: rows.rowAt(v.index),
  }));

  const table = useReactTable({
    data,
    columns: libraryColumns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (item) => String(item.index),
    manualSorting: true,
    manualFiltering: true,
    manualPagination: true,
    // `data` is a new window on every scroll; react-table's default reset of its (unused)
    // pagination state on data change would set state on every render, an endless loop.
    autoResetAll: false,
    state: { sorting, columnVisibility },
    meta,
  });

  // Row handlers are read at event time, so memoized rows never call a stale one.
  const handlers = useRef({ onRowClick, onRowOpen });
  useEffect(() => {
    handlers.current = { onRowClick, onRowOpen };
  });
  // What every row's cells show beyond the row itself: a change re-renders all rows, nothing else does.
  const { run, calibration, mosSource } = meta;
  const shared = useMemo(() => ({ run, calibration, mosSource }), [run, calibration, mosSource]);
  const columnsKey = table
    .getVisibleLeafColumns()
    .map((c) => c.id)
    .join(' ');
  const minWidth = table.getVisibleLeafColumns().reduce((w, c) => w + c.getSize(), 0);

  return (
    <div
      className="table-scroll"
      ref={scrollRef}
      role="grid"
      aria-rowcount={total + 1}
      aria-colcount={table.getVisibleLeafColumns().length}
      aria-multiselectable="true"
      data-testid="library-table"
      data-total={rows.total ?? ''}
    >
      <div className="table-head" role="rowgroup" style={{ minWidth }}>
        {table.getHeaderGroups().map((group) => (
          <div key={group.id} role="row" aria-rowindex={1} className="table-row head-row">
            {group.headers.map((h) => {
              const m = h.column.columnDef.meta;
              const sortDir = h.column.getIsSorted();
              const className = `cell head-cell cell-${h.column.id}${m?.numeric ? ' numeric' : ''}`;
              return (
                <div
                  key={h.id}
                  role="columnheader"
                  className={className}
                  style={columnStyle(h.getSize(), m?.grow)}
                  data-testid={`col-${h.column.id}`}
                  aria-sort={
                    sortDir === 'asc' ? 'ascending' : sortDir === 'desc' ? 'descending' : undefined
                  }
                >
                  {m?.sortColumn ? (
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() => onSortingChange(nextSorting(sorting, h.column.id))}
                    >
                      <span>{flexRender(h.column.columnDef.header, h.getContext())}</span>
                      <span
                        className={`sort-indicator${sortDir ? ' active' : ''}`}
                        aria-hidden="true"
                      >
                        {sortDir === 'desc' ? '↓' : '↑'}
                      </span>
                    </button>
                  ) : (
                    flexRender(h.column.columnDef.header, h.getContext())
                  )}
                </div>
              );
            })}
          </div>
        ))}
      </div>

      <div
        className="table-body"
        role="rowgroup"
        style={{ height: virtualizer.getTotalSize(), minWidth }}
      >
        {table.getRowModel().rows.map((row, i) => {
          const v = virtualRows[i]!;
          const r = row.original.row;
          return (
            <BodyRow
              key={r ? `v${r.id}` : `i${v.index}`}
              row={row}
              item={row.original}
              start={v.start}
              selected={r ? meta.isSelected(r.id) : false}
              spark={r ? meta.sparkline(r.id) : undefined}
              shared={shared}
              columnsKey={columnsKey}
              handlers={handlers}
            />
          );
        })}
      </div>

      {rows.total === 0 ? (
        <div className="table-empty" data-testid="table-empty">
          {emptyMessage}
        </div>
      ) : null}
    </div>
  );
}

const columnStyle = (size: number, grow?: boolean): React.CSSProperties =>
  grow ? { flex: `1 0 ${size}px`, minWidth: size } : { flex: `0 0 ${size}px`, width: size };

interface BodyRowProps {
  row: Row<LibraryItem>;
  item: LibraryItem;
  start: number;
  selected: boolean;
  /** this row's sparkline values (compared by identity: the cache keeps arrays stable) */
  spark: number[] | undefined;
  shared: unknown;
  columnsKey: string;
  handlers: React.RefObject<{
    onRowClick(item: LibraryItem, e: React.MouseEvent): void;
    onRowOpen(item: LibraryItem): void;
  }>;
}

/**
 * One body row. Scrolling re-renders the table on every frame and a page arriving changes the
 * row getter; a row whose video, position, selection, sparkline and shared cell inputs are
 * unchanged skips rendering, so a frame renders only the rows that came into view. The
 * react-table row object is new each render but its cells read `row.original` (the same) and
 * the table's live options, so the previous one stays valid.
 */
const BodyRow = memo(
  function BodyRow({ row, item, start, selected, handlers }: BodyRowProps) {
    const r = item.row;
    return (
      <div
        role="row"
        aria-rowindex={item.index + 2}
        aria-selected={selected}
        className={`table-row body-row${selected ? ' selected' : ''}${r?.status === 'failed' ? ' failed' : ''}`}
        // `top`, not a transform: a row never moves once placed (rows are fixed-height and
        // scrolling only adds and removes rows), and a transform per row would give the
        // compositor one more property node to walk for each of them on every frame.
        style={{ top: start, height: ROW_HEIGHT }}
        data-testid={r ? 'library-row' : 'library-row-loading'}
        data-video-id={r?.id}
        data-index={item.index}
        onClick={(e) => handlers.current.onRowClick(item, e)}
        onDoubleClick={() => handlers.current.onRowOpen(item)}
      >
        {row.getVisibleCells().map((cell) => {
          const m = cell.column.columnDef.meta;
          return (
            <div
              key={cell.id}
              role="gridcell"
              className={`cell cell-${cell.column.id}${m?.numeric ? ' numeric' : ''}`}
              style={columnStyle(cell.column.getSize(), m?.grow)}
            >
              {flexRender(cell.column.columnDef.cell, cell.getContext())}
            </div>
          );
        })}
      </div>
    );
  },
  (a, b) =>
    a.item.row === b.item.row &&
    a.item.index === b.item.index &&
    a.start === b.start &&
    a.selected === b.selected &&
    a.spark === b.spark &&
    a.shared === b.shared &&
    a.columnsKey === b.columnsKey,
);
