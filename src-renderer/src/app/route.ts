// The view kept in the URL hash, so a reload (or the browser's Back button) returns to it:
// `#pairs`, `#evaluation`, `#review/12`, `#pairs/review/12` (a video opened from the pairs view
// reviews over it). The library is the empty hash. Pure, so it is unit-tested without a DOM.

export const PANELS = ['pairs', 'evaluation'] as const;
export type Panel = (typeof PANELS)[number];

export interface Route {
  /** a project-wide view over the library, or null for the library itself */
  panel: Panel | null;
  /** the video the review view shows above it, or null */
  reviewId: number | null;
}

export const LIBRARY: Route = { panel: null, reviewId: null };

export function parseRoute(hash: string): Route {
  const m = /^#?(?:(pairs|evaluation)(?:\/|$))?(?:review\/([1-9]\d{0,14}))?$/.exec(hash);
  if (!m) return LIBRARY;
  return { panel: (m[1] as Panel | undefined) ?? null, reviewId: m[2] ? Number(m[2]) : null };
}

export function formatRoute({ panel, reviewId }: Route): string {
  const parts = [panel, reviewId !== null ? `review/${reviewId}` : null].filter(Boolean);
  return parts.length ? `#${parts.join('/')}` : '';
}
