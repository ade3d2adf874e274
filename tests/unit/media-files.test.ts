import { describe, expect, it } from 'vitest';
import { parseRange, rangeResponse } from '../../src-main/api/media-files';

describe('parseRange', () => {
  it.each([
    ['bytes=0-99', 1000, { start: 0, end: 99 }],
    ['bytes=500-', 1000, { start: 500, end: 999 }],
    ['bytes=-100', 1000, { start: 900, end: 999 }],
    ['bytes=900-5000', 1000, { start: 900, end: 999 }],
    ['bytes=-5000', 1000, { start: 0, end: 999 }],
  ])('%s of %i bytes', (h, size, want) => {
    expect(parseRange(h, size)).toEqual(want);
  });

  it('is unsatisfiable past the end or reversed, and absent/garbled headers mean the whole file', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseRange(undefined, 1000)).toBeNull();
    expect(parseRange('items=0-1', 1000)).toBeNull();
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeNull();
  });
});

describe('rangeResponse', () => {
  it('answers a plain GET with the whole file', () => {
    expect(rangeResponse(undefined, 1000, 'video/mp4')).toEqual({
      status: 200,
      headers: { 'Content-Type': 'video/mp4', 'Accept-Ranges': 'bytes', 'Content-Length': '1000' },
      body: { start: 0, end: 999 },
    });
  });

  it('answers one range with 206, its Content-Range and its length', () => {
    expect(rangeResponse('bytes=100-199', 1000, 'video/webm')).toEqual({
      status: 206,
      headers: {
        'Content-Type': 'video/webm',
        'Accept-Ranges': 'bytes',
        'Content-Range': 'bytes 100-199/1000',
        'Content-Length': '100',
      },
      body: { start: 100, end: 199 },
    });
    expect(rangeResponse('bytes=-10', 1000, 'video/mp4')).toMatchObject({
      status: 206,
      body: { start: 990, end: 999 },
    });
  });

  it('answers a range past the end with 416 and no body', () => {
    expect(rangeResponse('bytes=5000-', 1000, 'video/mp4')).toEqual({
      status: 416,
      headers: {
        'Content-Type': 'video/mp4',
        'Accept-Ranges': 'bytes',
        'Content-Range': 'bytes */1000',
      },
      body: null,
    });
  });

  it('answers an empty file with 200, length 0 and no body', () => {
    expect(rangeResponse(null, 0, 'image/jpeg')).toEqual({
      status: 200,
      headers: { 'Content-Type': 'image/jpeg', 'Accept-Ranges': 'bytes', 'Content-Length': '0' },
      body: null,
    });
  });
});
