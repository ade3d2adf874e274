import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from '../../src-main/services/util/throttle';

describe('throttle', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets the first call through, then at most one per interval', () => {
    const t = throttle(200);
    expect(t.pass()).toBe(true);
    vi.advanceTimersByTime(199);
    expect(t.pass()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(t.pass()).toBe(true);
    // a refused call does not restart the interval; a pass does
    vi.advanceTimersByTime(150);
    expect(t.pass()).toBe(false);
    vi.advanceTimersByTime(50);
    expect(t.pass()).toBe(true);
    expect(t.pass()).toBe(false);
  });

  it('always passes with force, and force restarts the interval', () => {
    const t = throttle(1000);
    expect(t.pass()).toBe(true);
    expect(t.pass(true)).toBe(true);
    vi.advanceTimersByTime(999);
    expect(t.pass()).toBe(false);
  });

  it('can start closed: nothing passes during the first interval', () => {
    const t = throttle(1000, { closedAtStart: true });
    expect(t.pass()).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(t.pass()).toBe(true);
  });

  it('passOrLater delivers the last refused state once, when the interval is over', () => {
    const t = throttle(100);
    const later = vi.fn();
    expect(t.passOrLater(later)).toBe(true);
    vi.advanceTimersByTime(30);
    expect(t.passOrLater(later)).toBe(false);
    vi.advanceTimersByTime(30);
    expect(t.passOrLater(later)).toBe(false); // still one pending call, not two
    vi.advanceTimersByTime(39);
    expect(later).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(later).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(later).toHaveBeenCalledTimes(1);
  });

  it('a pass or cancel drops the pending call', () => {
    const t = throttle(100);
    const later = vi.fn();
    t.pass();
    t.passOrLater(later);
    expect(t.pass(true)).toBe(true);
    t.passOrLater(later);
    t.cancel();
    vi.advanceTimersByTime(500);
    expect(later).not.toHaveBeenCalled();
  });

  it('uses the clock it is given', () => {
    let ms = 0;
    const t = throttle(10, { now: () => ms });
    expect(t.pass()).toBe(true);
    ms = 9;
    expect(t.pass()).toBe(false);
    ms = 10;
    expect(t.pass()).toBe(true);
  });
});
