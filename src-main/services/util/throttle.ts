// Progress events and progress lines are rate-limited: a job may finish thousands of items a second,
// but a window or a terminal needs a handful of updates a second. One helper so every producer
// limits the same way (monotonic clock, first call passes, `force` for the final state).

export interface Throttle {
  /** True when `intervalMs` has passed since the last pass (always with `force`); a pass restarts it. */
  pass(force?: boolean): boolean;
  /**
   * Like `pass`; when it is too early, `later` runs once when the interval is over (one pending call
   * at a time), so the last state before a quiet spell is still delivered. A pass cancels it.
   */
  passOrLater(later: () => void, force?: boolean): boolean;
  /** Drop a pending `later` call (the work is over). */
  cancel(): void;
}

export interface ThrottleOptions {
  /** The clock in ms (default `performance.now`). */
  now?: () => number;
  /** When true, the first interval starts at creation instead of the first call passing at once. */
  closedAtStart?: boolean;
}

export function throttle(intervalMs: number, opts: ThrottleOptions = {}): Throttle {
  const now = opts.now ?? (() => performance.now());
  let last = opts.closedAtStart ? now() : -Infinity;
  let pending: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    clearTimeout(pending);
    pending = undefined;
  };
  const pass = (force = false): boolean => {
    const t = now();
    if (!force && t - last < intervalMs) return false;
    cancel();
    last = t;
    return true;
  };
  return {
    pass,
    passOrLater(later, force = false) {
      if (pass(force)) return true;
      pending ??= setTimeout(
        () => {
          pending = undefined;
          later();
        },
        last + intervalMs - now(),
      );
      return false;
    },
    cancel,
  };
}
