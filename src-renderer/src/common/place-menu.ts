// Where a floating menu goes beside its anchor, kept inside the window. Pure.

const MARGIN = 4;

/** Where a menu of `size` goes near `anchor`: above it when it fits, else below, always on screen. */
export function placeMenu(
  anchor: { left: number; top: number; bottom: number },
  size: { width: number; height: number },
  viewport: { width: number; height: number },
): { left: number; top: number } {
  const above = anchor.top - size.height - MARGIN;
  const below = anchor.bottom + MARGIN;
  const top =
    above >= MARGIN
      ? above
      : Math.min(below, Math.max(MARGIN, viewport.height - size.height - MARGIN));
  const left = Math.max(MARGIN, Math.min(anchor.left, viewport.width - size.width - MARGIN));
  return { left, top };
}
