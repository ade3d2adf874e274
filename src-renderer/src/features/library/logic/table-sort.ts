// Sorting state helpers for the library table (pure, unit-tested).
import type { SortingState } from '@tanstack/react-table';

/** Header click cycle: ascending → descending → server default. (Display columns have no
 *  accessor, so react-table's own toggle refuses them; the server sorts anyway.) */
export function nextSorting(current: SortingState, columnId: string): SortingState {
  const s = current[0];
  if (!s || s.id !== columnId) return [{ id: columnId, desc: false }];
  return s.desc ? [] : [{ id: columnId, desc: true }];
}
