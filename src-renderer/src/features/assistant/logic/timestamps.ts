// Finds timestamps in assistant answers (`0:12`, `1:02:03`, `0:07.5`, `12.0 s`) so they can be
// rendered as links that seek the player. Pure: unit-tested.

export type TextPart = { kind: 'text'; text: string } | { kind: 'time'; text: string; sec: number };

const TIME_RE = /\b(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)\b|\b(\d+(?:\.\d+)?)\s?s\b/g;

export function splitTimestamps(text: string): TextPart[] {
  const out: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(TIME_RE)) {
    const i = m.index;
    let sec: number;
    if (m[4] !== undefined) sec = Number(m[4]);
    else {
      const mm = Number(m[2]);
      const ss = Number(m[3]);
      if (ss >= 60 || (m[1] !== undefined && mm >= 60)) continue;
      sec = (m[1] !== undefined ? Number(m[1]) * 3600 : 0) + mm * 60 + ss;
    }
    if (i > last) out.push({ kind: 'text', text: text.slice(last, i) });
    out.push({ kind: 'time', text: m[0], sec });
    last = i + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** `m:ss` (or `h:mm:ss`) of a time, for attachment labels. */
export function clock(sec: number): string {
  const t = Math.max(0, Math.floor(sec));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A time range for labels: whole seconds when both ends are whole, else tenths on both ends, so
 *  a 0.5–1.5 s span reads "0:00.5–0:01.5" rather than a misleading "0:00–0:01". */
export function clockRange(startSec: number, endSec: number): string {
  const tenths = (x: number) => Math.round(x * 10);
  if (tenths(startSec) % 10 === 0 && tenths(endSec) % 10 === 0)
    return `${clock(Math.round(startSec))}–${clock(Math.round(endSec))}`;
  const fine = (x: number) => `${clock(Math.floor(tenths(x) / 10))}.${tenths(x) % 10}`;
  return `${fine(startSec)}–${fine(endSec)}`;
}
