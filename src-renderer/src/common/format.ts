// Display formatting for library values. Pure functions so they are unit-tested without a DOM.

const integer = new Intl.NumberFormat('en-US');

/** "10,000" */
export function formatCount(n: number): string {
  return integer.format(n);
}

/** "3 videos" / "1 video" */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** m:ss.s (h:mm:ss.s past an hour). Rounds to tenths first so 59.96 s reads "1:00.0", not "0:60.0". */
export function formatDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec) || sec < 0) return '—';
  const tenths = Math.round(sec * 10);
  const totalSec = Math.floor(tenths / 10);
  const frac = tenths % 10;
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  const ss = `${String(s).padStart(2, '0')}.${frac}`;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "850 kbps", "12.3 Mbps" */
export function formatBitrate(kbps: number | null): string {
  if (kbps === null || !Number.isFinite(kbps) || kbps < 0) return '—';
  if (kbps < 999.5) return `${Math.round(kbps)} kbps`;
  const mbps = kbps / 1000;
  return `${mbps < 99.95 ? mbps.toFixed(1) : Math.round(mbps)} Mbps`;
}

const SIZE_UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** Decimal units, like the bitrate column: "850 B", "1.5 MB", "123 MB", "2.0 GB". */
export function formatSize(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit: string = 'B';
  for (const u of SIZE_UNITS) {
    value /= 1000;
    unit = u;
    // Switch unit only when the next one would show at least "1.0".
    if (value < 999.5) break;
  }
  return `${value < 99.95 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** "29.97" */
export function formatFps(fps: number | null): string {
  if (fps === null || !Number.isFinite(fps)) return '—';
  return fps.toFixed(2);
}

/** "1920×1080" */
export function formatResolution(width: number | null, height: number | null): string {
  if (!width || !height) return '—';
  return `${width}×${height}`;
}

/** Scores are stored in [0, 1] and shown ×100. */
export function formatScore(score: number | null): string {
  if (score === null || !Number.isFinite(score)) return '—';
  return (score * 100).toFixed(1);
}

/** "about 12 s left", "about 3 min left"; null while the job cannot estimate yet. */
export function formatEta(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec) || sec < 0) return 'estimating…';
  if (sec < 1) return 'almost done';
  if (sec < 60) return `about ${Math.round(sec)} s left`;
  const min = Math.round(sec / 60);
  if (min < 60) return `about ${min} min left`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  return rest ? `about ${h} h ${rest} min left` : `about ${h} h left`;
}

/** Last path component, for either separator (the server may run on Windows). */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return i >= 0 ? trimmed.slice(i + 1) : trimmed;
}

/** Joins a server-side folder and a name with the folder's own separator. */
export function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}

export const PROJECT_EXT = '.vqa2.sqlite';

/** "My study" → "My study.vqa2.sqlite" (keeps an extension the user already typed). */
export function projectFileName(name: string): string {
  const n = name.trim();
  return n.endsWith(PROJECT_EXT) ? n : `${n}${PROJECT_EXT}`;
}

/** The readable part of anything thrown by a call (ApiError carries code + message). */
export function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string') {
    return err.message;
  }
  return String(err);
}

export function errorCode(err: unknown): string | null {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string')
    return err.code;
  return null;
}

/** "5 min ago", "yesterday", or a date, for recent-project lists. */
export function formatRelativeTime(iso: string, now: Date = new Date()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const sec = Math.max(0, (now.getTime() - t) / 1000);
  if (sec < 60) return 'just now';
  if (sec < 3600) return `${Math.floor(sec / 60)} min ago`;
  if (sec < 86_400) return `${Math.floor(sec / 3600)} h ago`;
  if (sec < 2 * 86_400) return 'yesterday';
  if (sec < 7 * 86_400) return `${Math.floor(sec / 86_400)} days ago`;
  return new Date(t).toISOString().slice(0, 10);
}
