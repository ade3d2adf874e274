// The URL hash keeps the view: a reload returns to the pairs view, the evaluation view, or the
// review of a video (over the view it was opened from); anything else is the library.
import { describe, expect, it } from 'vitest';
import { formatRoute, LIBRARY, parseRoute } from '../../src-renderer/src/app/route';

describe('the view in the URL hash', () => {
  it('reads every view, and a review over a view', () => {
    expect(parseRoute('')).toEqual(LIBRARY);
    expect(parseRoute('#pairs')).toEqual({ panel: 'pairs', reviewId: null });
    expect(parseRoute('#evaluation')).toEqual({ panel: 'evaluation', reviewId: null });
    expect(parseRoute('#review/12')).toEqual({ panel: null, reviewId: 12 });
    expect(parseRoute('#pairs/review/7')).toEqual({ panel: 'pairs', reviewId: 7 });
  });
  it('treats anything else as the library', () => {
    for (const h of [
      '#',
      '#models',
      '#review/0',
      '#review/x',
      '#pairsx',
      '#review/12/extra',
      '#review/1e3',
    ])
      expect(parseRoute(h)).toEqual(LIBRARY);
  });
  it('writes what it reads', () => {
    for (const h of ['', '#pairs', '#evaluation', '#review/3', '#evaluation/review/42'])
      expect(formatRoute(parseRoute(h))).toBe(h);
  });
});
