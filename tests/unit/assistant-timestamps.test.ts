import { describe, expect, it } from 'vitest';
import {
  clock,
  clockRange,
  splitTimestamps,
} from '../../src-renderer/src/features/assistant/logic/timestamps';

describe('splitTimestamps', () => {
  it('finds m:ss, h:mm:ss, decimals and "12.0 s" and keeps the rest as text', () => {
    const parts = splitTimestamps(
      'Frozen from 0:06 to 0:07.5; drop at 1:02:03 and 12.0 s. Score 53.8.',
    );
    expect(
      parts.filter((p) => p.kind === 'time').map((p) => [p.text, p.kind === 'time' ? p.sec : 0]),
    ).toEqual([
      ['0:06', 6],
      ['0:07.5', 7.5],
      ['1:02:03', 3723],
      ['12.0 s', 12],
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(
      'Frozen from 0:06 to 0:07.5; drop at 1:02:03 and 12.0 s. Score 53.8.',
    );
  });

  it('leaves ratios and plain numbers alone', () => {
    expect(
      splitTimestamps('ratio 16:9 is not 3:75 and 53.8 is a score').every(
        (p) => p.kind === 'text' || p.text === '16:9',
      ),
    ).toBe(true);
    expect(splitTimestamps('3:75').every((p) => p.kind === 'text')).toBe(true);
    expect(splitTimestamps('no times here')).toEqual([{ kind: 'text', text: 'no times here' }]);
  });

  it('formats a clock', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(62.9)).toBe('1:02');
    expect(clock(3723)).toBe('1:02:03');
  });

  it('labels a range with tenths when an end is not a whole second, so the label never shrinks it', () => {
    expect(clockRange(0.5, 1.5)).toBe('0:00.5–0:01.5');
    expect(clockRange(2, 4)).toBe('0:02–0:04');
    expect(clockRange(59.96, 61.04)).toBe('1:00–1:01');
    expect(clockRange(62, 63.25)).toBe('1:02.0–1:03.3');
    // the labels are read back as the same times
    const parts = splitTimestamps(clockRange(0.5, 1.5)).filter((p) => p.kind === 'time');
    expect(parts.map((p) => (p.kind === 'time' ? p.sec : 0))).toEqual([0.5, 1.5]);
  });
});
