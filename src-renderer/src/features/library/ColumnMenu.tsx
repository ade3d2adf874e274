// "Columns" popover: checkboxes for the columns a user may hide.
import { useEffect, useRef, useState } from 'react';
import type { VisibilityState } from '@tanstack/react-table';
import { HIDEABLE_COLUMNS } from './libraryColumns';

interface ColumnMenuProps {
  visibility: VisibilityState;
  onChange(v: VisibilityState): void;
}

export function ColumnMenu({ visibility, onChange }: ColumnMenuProps) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    // Close on a click elsewhere or Escape, like a native menu.
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="menu-anchor" ref={ref}>
      <button
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        data-testid="columns-button"
        onClick={() => setOpen((o) => !o)}
      >
        Columns ▾
      </button>
      {open ? (
        <div className="menu" role="group" aria-label="Visible columns" data-testid="columns-menu">
          {HIDEABLE_COLUMNS.map((c) => (
            <label key={c.id} className="menu-item">
              <input
                type="checkbox"
                checked={visibility[c.id] !== false}
                onChange={(e) => onChange({ ...visibility, [c.id]: e.target.checked })}
              />
              {c.label}
            </label>
          ))}
        </div>
      ) : null}
    </div>
  );
}
