// The review view's keyboard map, as data: a key press becomes an action (or nothing). Pure, so
// the bindings are unit-tested and listed in one place.
import { DISTORTION_TAGS, type DistortionTag } from '../../../../../src-shared/contract';

export type ReviewAction =
  | { type: 'togglePlay' }
  | { type: 'pause' }
  | { type: 'forward' }
  | { type: 'reverse' }
  | { type: 'frame'; delta: -1 | 1 }
  | { type: 'seekBy'; sec: number }
  | { type: 'segment'; dir: -1 | 1 }
  | { type: 'event'; dir: -1 | 1 }
  | { type: 'loop' }
  | { type: 'mos'; rating: number }
  | { type: 'segmentRating'; rating: number }
  | { type: 'deleteSpan' }
  | { type: 'tagMenu' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'video'; dir: -1 | 1 }
  | { type: 'back' };

export interface KeyLike {
  key: string;
  code: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** Digit1–Digit5 by code: with Shift, `key` is "!" "@"… and depends on the keyboard layout. */
function digit(code: string): number | null {
  const m = /^(?:Digit|Numpad)([1-5])$/.exec(code);
  return m ? Number(m[1]) : null;
}

export function reviewKeyAction(e: KeyLike): ReviewAction | null {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey) {
    const k = e.key.toLowerCase();
    if (k === 'z') return { type: e.shiftKey ? 'redo' : 'undo' };
    if (k === 'y') return { type: 'redo' };
    return null;
  }
  if (e.altKey || mod) return null;
  const d = digit(e.code);
  if (d !== null)
    return e.shiftKey ? { type: 'segmentRating', rating: d } : { type: 'mos', rating: d };
  switch (e.key) {
    case ' ':
      return { type: 'togglePlay' };
    case 'ArrowLeft':
      return { type: 'seekBy', sec: e.shiftKey ? -5 : -1 };
    case 'ArrowRight':
      return { type: 'seekBy', sec: e.shiftKey ? 5 : 1 };
    case ',':
    case '<':
      return { type: 'frame', delta: -1 };
    case '.':
    case '>':
      return { type: 'frame', delta: 1 };
    case '[':
      return { type: 'segment', dir: -1 };
    case ']':
      return { type: 'segment', dir: 1 };
    case '{':
      return { type: 'event', dir: -1 };
    case '}':
      return { type: 'event', dir: 1 };
    case 'Delete':
    case 'Backspace':
      return { type: 'deleteSpan' };
    case 'Escape':
      return { type: 'back' };
  }
  switch (e.key.toLowerCase()) {
    case 'k':
      return { type: 'pause' };
    case 'j':
      return { type: 'reverse' };
    case 'l':
      return { type: 'forward' };
    case 'o':
      return { type: 'loop' };
    case 't':
      return { type: 'tagMenu' };
    case 'n':
      return { type: 'video', dir: 1 };
    case 'p':
      return { type: 'video', dir: -1 };
  }
  return null;
}

/** One letter per distortion tag while the tag menu is open (first letter unless taken). */
export const TAG_KEYS: Record<DistortionTag, string> = {
  blur: 'b',
  noise: 'n',
  blocking: 'k',
  banding: 'd',
  freeze: 'f',
  flicker: 'l',
  exposure: 'e',
  colour: 'c',
  shake: 's',
  other: 'o',
};

export function tagForKey(key: string): DistortionTag | null {
  const k = key.toLowerCase();
  return DISTORTION_TAGS.find((t) => TAG_KEYS[t] === k) ?? null;
}

/** J/K/L as in editing tools: L plays forward, each further L faster; J plays backwards, each
 *  further J faster backwards; K pauses. Browsers cannot play backwards, so the player steps back
 *  on a timer for negative speeds. */
export const SPEEDS = [1, 1.5, 2, 4, 8] as const;

/** Signed speed after a J (-1) or L (+1) press: 0 paused, negative reverse. Pressing the other
 *  direction's key turns playback round at 1×; from a rate between ladder steps (0.5×), L goes to
 *  the next step up. */
export function nextSpeed(current: number, dir: -1 | 1): number {
  const magnitude = dir * current;
  if (magnitude <= 0) return dir;
  const faster = SPEEDS.find((s) => s > magnitude + 1e-9) ?? SPEEDS[SPEEDS.length - 1]!;
  return dir * faster;
}
