// Which library columns are shown, kept in localStorage so a reload keeps the user's choice.
import { useEffect, useState } from 'react';
import type { VisibilityState } from '@tanstack/react-table';

const VISIBILITY_KEY = 'vqa2.library.columns';

function loadVisibility(): VisibilityState {
  try {
    return JSON.parse(localStorage.getItem(VISIBILITY_KEY) ?? '{}') as VisibilityState;
  } catch {
    return {};
  }
}

export function useColumnVisibility() {
  const [visibility, setVisibility] = useState<VisibilityState>(loadVisibility);
  useEffect(() => localStorage.setItem(VISIBILITY_KEY, JSON.stringify(visibility)), [visibility]);
  return [visibility, setVisibility] as const;
}
