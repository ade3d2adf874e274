// The review view's keyboard: one window listener that turns presses into actions
// (logic/keys.ts), and the strip of key hints at the bottom of the screen.
import { useEffect } from 'react';
import { reviewKeyAction, type ReviewAction } from './logic/keys';

/** Keys typed into fields are text, not commands. */
function isTextTarget(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return (
    !!el &&
    (el.tagName === 'INPUT' ||
      el.tagName === 'TEXTAREA' ||
      el.tagName === 'SELECT' ||
      el.isContentEditable)
  );
}

/** `run` gets each action and whether focus is in the segment table (digits then rate it). */
export function useReviewKeys(run: (a: ReviewAction, focusInSegments: boolean) => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTextTarget(e.target)) return;
      const target = e.target as HTMLElement;
      // A focused button keeps Space/Enter for itself (it is what a keyboard user aimed at).
      if ((e.key === ' ' || e.key === 'Enter') && target.tagName === 'BUTTON') return;
      const action = reviewKeyAction(e);
      if (!action) return;
      e.preventDefault();
      run(action, !!target.closest?.('[data-testid="segment-table"]'));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [run]);
}

/** Each hint, and what a hover over it explains. */
const HINTS: [string, string?][] = [
  ['Space play/pause', 'Plays at the rate shown in the Rate menu'],
  [
    'J/L play back/forward, again: faster',
    'J plays backwards, L forwards; each further press of the same key is faster (1.5×, 2×, 4×, 8×); the other key turns round at 1×',
  ],
  ['K pause'],
  [', . frame'],
  ['←/→ 1 s (Shift 5 s)'],
  ['[ ] segment'],
  ['{ } event'],
  ['O loop'],
  ['1–5 MOS · Shift segment'],
  ['T tag · Del delete'],
  ['Ctrl+Z undo'],
  ['N/P video'],
  ['Esc back'],
];

export function KeyHints() {
  return (
    <footer
      className="status-bar review-keys"
      aria-label="Keyboard shortcuts"
      data-testid="key-hints"
    >
      {HINTS.map(([h, title]) => (
        <span key={h} title={title}>
          {h}
        </span>
      ))}
    </footer>
  );
}
