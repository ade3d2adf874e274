// The pairs grid: react-table columns with a selection checkbox per row; clicking a row opens it
// in the editor. The server filters and pages; this renders one page.
import { useMemo } from 'react';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
} from '@tanstack/react-table';
import type { PairRow } from '../../../../src-shared/contract-pairs';
import { answerExcerpt, basisLabel, questionExcerpt, rangeLabel } from './logic/pair-text';

const col = createColumnHelper<PairRow>();

interface PairsTableProps {
  rows: PairRow[];
  selected: ReadonlySet<number>;
  activeId: number | null;
  onToggle(id: number): void;
  onToggleAll(on: boolean): void;
  onOpen(row: PairRow): void;
}

export function PairsTable({
  rows,
  selected,
  activeId,
  onToggle,
  onToggleAll,
  onOpen,
}: PairsTableProps) {
  const columns = useMemo(
    () => [
      col.display({
        id: 'select',
        header: () => (
          <input
            type="checkbox"
            aria-label="Select all on this page"
            checked={rows.length > 0 && rows.every((r) => selected.has(r.id))}
            onChange={(e) => onToggleAll(e.target.checked)}
          />
        ),
        cell: (c) => (
          <input
            type="checkbox"
            aria-label={`Select ${c.row.original.uid}`}
            checked={selected.has(c.row.original.id)}
            onClick={(e) => e.stopPropagation()}
            onChange={() => onToggle(c.row.original.id)}
          />
        ),
      }),
      col.accessor('status', {
        header: 'Status',
        cell: (c) => (
          <span className={`pair-status pair-status-${c.getValue()}`}>{c.getValue()}</span>
        ),
      }),
      col.accessor('videoName', {
        header: 'Video',
        cell: (c) => (
          <span className="truncate">
            {c.getValue()}
            {c.row.original.video2Name ? ` + ${c.row.original.video2Name}` : ''}
          </span>
        ),
      }),
      col.accessor((r) => rangeLabel(r.startSec, r.endSec), { id: 'range', header: 'Range' }),
      col.accessor((r) => r.templateId ?? '—', { id: 'template', header: 'Template' }),
      col.accessor('source', { header: 'Source' }),
      col.accessor('levelFrom', {
        header: 'Level from',
        cell: (c) =>
          c.getValue() ? (
            <span className={`basis basis-${c.getValue()}`}>{basisLabel(c.getValue())}</span>
          ) : null,
      }),
      col.accessor((r) => questionExcerpt(r.conversations), {
        id: 'question',
        header: 'Question',
        cell: (c) => <span title={c.getValue()}>{c.getValue()}</span>,
      }),
      col.accessor((r) => answerExcerpt(r.conversations), {
        id: 'answer',
        header: 'Answer',
        cell: (c) => <span title={c.getValue()}>{c.getValue()}</span>,
      }),
    ],
    [rows, selected, onToggle, onToggleAll],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- one page of rows; the table re-renders with it
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => String(r.id),
  });
  return (
    <div className="pairs-table-scroll">
      <table className="pairs-table" data-testid="pairs-table">
        <thead>
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id}>
              {g.headers.map((h) => (
                <th key={h.id} className={`pairs-col-${h.column.id}`}>
                  {flexRender(h.column.columnDef.header, h.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((r) => (
            <tr
              key={r.id}
              data-testid="pair-row"
              data-uid={r.original.uid}
              className={r.original.id === activeId ? 'active' : undefined}
              onClick={() => onOpen(r.original)}
            >
              {r.getVisibleCells().map((c) => (
                <td key={c.id} className={`pairs-col-${c.column.id}`}>
                  {flexRender(c.column.columnDef.cell, c.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? (
        <p className="muted pairs-empty">
          No pairs match. Generate some from templates, or import a dataset.
        </p>
      ) : null}
    </div>
  );
}
