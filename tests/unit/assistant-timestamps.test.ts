import { describe, expect, it } from 'vitest';
import { clock, splitTimestamps } from '../../src-renderer/src/lib/assistant/timestamps';

describe('splitTimestamps', () => {
  it('finds m:ss, h:mm:ss, decimals and "12.0 s" and keeps the rest as text', () => {
    const parts = splitTimestamps('Frozen from 0:06 to 0:07.5; drop at 1:02:03 and 12.0 s. Score 53.8.');
    expect(parts.filter((p) => p.kind === 'time').map((p) => [p.text, p.kind === 'time' ? p.sec : 0])).toEqual([
      ['0:06', 6],
      ['0:07.5', 7.5],
      ['1:02:03', 3723],
      ['12.0 s', 12],
    ]);
    expect(parts.map((p) => p.text).join('')).toBe('Frozen from 0:06 to 0:07.5; drop at 1:02:03 and 12.0 s. Score 53.8.');
  });

  it('leaves ratios and plain numbers alone', () => {
    expect(splitTimestamps('ratio 16:9 is not 3:75 and 53.8 is a score').every((p) => p.kind === 'text' || p.text === '16:9')).toBe(true);
    expect(splitTimestamps('3:75').every((p) => p.kind === 'text')).toBe(true);
    expect(splitTimestamps('no times here')).toEqual([{ kind: 'text', text: 'no times here' }]);
  });

  it('formats a clock', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(62.9)).toBe('1:02');
    expect(clock(3723)).toBe('1:02:03');
  });
});
