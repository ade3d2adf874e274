import { describe, expect, it } from 'vitest';
import {
  baseName,
  errorMessage,
  formatBitrate,
  formatCount,
  formatDuration,
  formatEta,
  formatFps,
  formatRelativeTime,
  formatResolution,
  formatScore,
  formatSize,
  joinPath,
  plural,
  projectFileName,
} from '../../src-renderer/src/common/format';
import { nextSorting } from '../../src-renderer/src/features/library/logic/table-sort';

describe('formatDuration (m:ss.s)', () => {
  it('shows minutes, zero-padded seconds and tenths', () => {
    expect(formatDuration(1.5)).toBe('0:01.5');
    expect(formatDuration(75.25)).toBe('1:15.3');
    expect(formatDuration(0)).toBe('0:00.0');
  });
  it('rounds to tenths before splitting, so 59.96 s is 1:00.0 and not 0:60.0', () => {
    expect(formatDuration(59.96)).toBe('1:00.0');
    expect(formatDuration(3599.99)).toBe('1:00:00.0');
  });
  it('adds hours past an hour', () => {
    expect(formatDuration(3723.4)).toBe('1:02:03.4');
  });
  it('shows a dash for unknown or invalid values', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });
});

describe('formatBitrate', () => {
  it('uses kbps below 1000 and Mbps above', () => {
    expect(formatBitrate(850)).toBe('850 kbps');
    expect(formatBitrate(999.4)).toBe('999 kbps');
    expect(formatBitrate(999.6)).toBe('1.0 Mbps');
    expect(formatBitrate(12_345)).toBe('12.3 Mbps');
    expect(formatBitrate(150_000)).toBe('150 Mbps');
    expect(formatBitrate(null)).toBe('—');
  });
});

describe('formatSize (decimal units)', () => {
  it('steps through B, KB, MB, GB', () => {
    expect(formatSize(850)).toBe('850 B');
    expect(formatSize(1_500)).toBe('1.5 KB');
    expect(formatSize(92_000)).toBe('92.0 KB');
    expect(formatSize(554_000)).toBe('554 KB');
    expect(formatSize(1_500_000)).toBe('1.5 MB');
    expect(formatSize(2_000_000_000)).toBe('2.0 GB');
  });
  it('never shows "1000 KB": it moves to the next unit', () => {
    expect(formatSize(999_700)).toBe('1.0 MB');
  });
  it('shows a dash for unknown sizes', () => {
    expect(formatSize(null)).toBe('—');
  });
});

describe('formatEta', () => {
  it('says "estimating" until the job has a rate', () => {
    expect(formatEta(null)).toBe('estimating…');
  });
  it('reads naturally at every scale', () => {
    expect(formatEta(0.4)).toBe('almost done');
    expect(formatEta(12.2)).toBe('about 12 s left');
    expect(formatEta(59)).toBe('about 59 s left');
    expect(formatEta(150)).toBe('about 3 min left');
    expect(formatEta(3600)).toBe('about 1 h left');
    expect(formatEta(5400)).toBe('about 1 h 30 min left');
  });
});

describe('small formatters', () => {
  it('formats fps, resolution, score and counts', () => {
    expect(formatFps(29.97)).toBe('29.97');
    expect(formatFps(25)).toBe('25.00');
    expect(formatResolution(1920, 1080)).toBe('1920×1080');
    expect(formatResolution(null, 1080)).toBe('—');
    expect(formatScore(null)).toBe('—');
    expect(formatScore(0.7512)).toBe('75.1');
    expect(formatCount(10_000)).toBe('10,000');
    expect(plural(1, 'video')).toBe('1 video');
    expect(plural(10_000, 'video')).toBe('10,000 videos');
  });
  it('handles both path separators, since the server may run on Windows', () => {
    expect(baseName('/data/clips/a.mp4')).toBe('a.mp4');
    expect(baseName('C:\\clips\\b.mkv')).toBe('b.mkv');
    expect(baseName('/data/clips/')).toBe('clips');
    expect(joinPath('/data', 'x.vqa2.sqlite')).toBe('/data/x.vqa2.sqlite');
    expect(joinPath('/', 'x')).toBe('/x');
    expect(joinPath('C:\\data', 'x')).toBe('C:\\data\\x');
  });
  it('adds the project extension once', () => {
    expect(projectFileName(' Study A ')).toBe('Study A.vqa2.sqlite');
    expect(projectFileName('s.vqa2.sqlite')).toBe('s.vqa2.sqlite');
  });
  it('reads the message of an ApiError-like value', () => {
    expect(errorMessage({ code: 'X', message: 'Readable' })).toBe('Readable');
    expect(errorMessage('plain')).toBe('plain');
  });
  it('describes recent times relative to now', () => {
    const now = new Date('2025-01-10T12:00:00Z');
    expect(formatRelativeTime('2025-01-10T11:59:30Z', now)).toBe('just now');
    expect(formatRelativeTime('2025-01-10T11:30:00Z', now)).toBe('30 min ago');
    expect(formatRelativeTime('2025-01-09T10:00:00Z', now)).toBe('yesterday');
    expect(formatRelativeTime('2024-12-01T10:00:00Z', now)).toBe('2024-12-01');
    expect(formatRelativeTime('nonsense', now)).toBe('');
  });
});

describe('nextSorting (header clicks)', () => {
  it('cycles ascending → descending → server default', () => {
    const asc = nextSorting([], 'durationSec');
    expect(asc).toEqual([{ id: 'durationSec', desc: false }]);
    const desc = nextSorting(asc, 'durationSec');
    expect(desc).toEqual([{ id: 'durationSec', desc: true }]);
    expect(nextSorting(desc, 'durationSec')).toEqual([]);
  });
  it('starts ascending when another column is clicked', () => {
    expect(nextSorting([{ id: 'name', desc: true }], 'sizeBytes')).toEqual([
      { id: 'sizeBytes', desc: false },
    ]);
  });
});
