// Row selection by video id: click, ctrl/cmd-click, shift-click ranges over the current order,
// and "select all matching" through library.ids (which knows rows the renderer never loaded).
import { useCallback, useMemo, useRef, useState } from 'react';
import type { LibraryFilter } from '../../../../src-shared/contract';
import { useApi } from '../../common/api/api-context';

export interface Selection {
  ids: ReadonlySet<number>;
  isSelected(id: number): boolean;
  /** Plain click selects one; toggle adds/removes one; range extends from the last anchor. */
  click(index: number, id: number, how: 'only' | 'toggle' | 'range'): void;
  /** 'all' only right after select-all for this filter, until anything changes. */
  headerState: 'all' | 'some' | 'none';
  toggleAll(): Promise<void>;
  clear(): void;
}

export function useSelection(
  filter: LibraryFilter,
  idAt: (index: number) => number | undefined,
): Selection {
  const api = useApi();
  const [ids, setIds] = useState<ReadonlySet<number>>(new Set());
  const [allForFilter, setAllForFilter] = useState<string | null>(null);
  const anchor = useRef<number | null>(null);
  const filterKey = JSON.stringify(filter);

  const click = useCallback(
    (index: number, id: number, how: 'only' | 'toggle' | 'range') => {
      setAllForFilter(null);
      if (how === 'range' && anchor.current !== null) {
        const [a, b] = [Math.min(anchor.current, index), Math.max(anchor.current, index)];
        setIds((prev) => {
          const next = new Set(prev);
          // Rows not loaded in the range are skipped; ranges are made on screen, where rows are loaded.
          for (let i = a; i <= b; i++) {
            const rid = idAt(i);
            if (rid !== undefined) next.add(rid);
          }
          return next;
        });
        return;
      }
      anchor.current = index;
      if (how === 'only') {
        setIds(new Set([id]));
      } else {
        setIds((prev) => {
          const next = new Set(prev);
          if (!next.delete(id)) next.add(id);
          return next;
        });
      }
    },
    [idAt],
  );

  const clear = useCallback(() => {
    setIds(new Set());
    setAllForFilter(null);
    anchor.current = null;
  }, []);

  const headerState: Selection['headerState'] =
    ids.size === 0 ? 'none' : allForFilter === filterKey ? 'all' : 'some';

  const toggleAll = useCallback(async () => {
    if (headerState === 'all') return clear();
    const all = await api.call('library.ids', { filter });
    setIds(new Set(all));
    setAllForFilter(filterKey);
  }, [api, clear, filter, filterKey, headerState]);

  const isSelected = useCallback((id: number) => ids.has(id), [ids]);

  return useMemo(
    () => ({ ids, isSelected, click, headerState, toggleAll, clear }),
    [ids, isSelected, click, headerState, toggleAll, clear],
  );
}
