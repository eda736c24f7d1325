/**
 * The clock and timers the loop uses, injectable so that tests observe backoff without waiting.
 */

/** A clock and one-shot timers. */
export interface LoopTimers {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Call `fn` after `ms` milliseconds; the timer must not keep the process alive. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancel a timer made by `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** The real clock (`performance.now`) and unref'd Node timers. */
export const systemTimers: LoopTimers = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
