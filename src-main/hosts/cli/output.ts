// CLI output helpers: aligned tables for people, exit codes and one-line errors for scripts.
import type { ErrorCode, VideoRow } from '../../../src-shared/contract';

export const EXIT = { OK: 0, USAGE: 1, BAD_INPUT: 2, RUNTIME: 3 } as const;

/** Error codes that mean "the input named by the user is wrong" (exit 2); others are runtime (3). */
const BAD_INPUT_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'BAD_INPUT',
  'PROJECT_NOT_FOUND',
  'PROJECT_EXISTS',
  'PROJECT_INVALID',
  'PROJECT_TOO_NEW',
  'PROJECT_NEEDS_UPGRADE',
  'PROJECT_LOCKED',
  'PATH_NOT_FOUND',
  'DIR_UNREADABLE',
  'MODEL_INVALID',
]);

export class UsageError extends Error {
  readonly code = 'USAGE';
}

export function exitCodeFor(code: string): number {
  if (code === 'USAGE') return EXIT.USAGE;
  return BAD_INPUT_CODES.has(code) ? EXIT.BAD_INPUT : EXIT.RUNTIME;
}

export function fmtDuration(sec: number | null): string {
  if (sec == null) return '—';
  const m = Math.floor(sec / 60);
  const s = sec - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function renderTable(
  headers: string[],
  rows: string[][],
  rightAlign: Set<number> = new Set(),
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAlign.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function videoTable(rows: VideoRow[]): string {
  return renderTable(
    [
      'id',
      'name',
      'status',
      'duration',
      'resolution',
      'fps',
      'codec',
      'kbps',
      'size',
      'score',
      'note',
    ],
    rows.map((v) => [
      String(v.id),
      v.name,
      v.status,
      fmtDuration(v.durationSec),
      v.width && v.height ? `${v.width}x${v.height}` : '—',
      v.fps != null ? v.fps.toFixed(2) : '—',
      v.codec ?? '—',
      v.bitrateKbps != null ? String(Math.round(v.bitrateKbps)) : '—',
      fmtBytes(v.sizeBytes),
      v.videoScore != null ? (v.videoScore * 100).toFixed(1) : '—',
      v.error ?? '',
    ]),
    new Set([0, 3, 5, 7, 8, 9]),
  );
}

/** The stable `list --json` shape (docs/formats.md, README). */
/** `vqa2 list --json` rows; videoScore and level are the run `runId`'s (null where it did not score). */
export function listJson(rows: VideoRow[], absPath: (p: string) => string, runId: number | null) {
  return rows.map((v) => ({
    id: v.id,
    path: absPath(v.path),
    status: v.status,
    error: v.error,
    durationSec: v.durationSec,
    width: v.width,
    height: v.height,
    fps: v.fps,
    codec: v.codec,
    videoScore: v.videoScore,
    runId,
    level: v.level,
    mos: v.mos,
    predictedMos: v.predictedMos,
  }));
}
