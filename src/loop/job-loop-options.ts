/**
 * `JobLoop` options: documented defaults, spread then validated once.
 */
import { invalidArgType, outOfRange } from '../errors.js';
import { systemTimers, type LoopTimers } from './timers.js';

/** Options of `new JobLoop(options)`. */
export interface JobLoopOptions {
  /**
   * How many runs may be started and not yet settled at once; further runs wait in a queue
   * (p-queue). The per-thread pool limit applies too: a run that finds the pool full waits.
   * @default Infinity
   */
  concurrency?: number;
  /**
   * Whether armed fd watches keep the process alive. Waits on streams, signals, callbacks and
   * polling never do.
   * @default true
   */
  keepAlive?: boolean;
  /**
   * Keep the process alive while the loop has runs that have not settled, whatever they wait on
   * (also a `WaitSignal`, a stream, a callback or the polling timer, which keep nothing alive of
   * their own). Use it when the loop's own runs are the reason for the process to stay up.
   * @default false
   */
  holdOpen?: boolean;
  /**
   * Fallback polling: the first retry delay, in milliseconds, for a job that paused with nothing
   * to watch (or with status `EAGAIN`).
   * @default 1
   */
  pollInitialDelay?: number;
  /**
   * Fallback polling: each retry without progress multiplies the delay by this.
   * @default 2
   */
  pollFactor?: number;
  /**
   * Fallback polling: the cap on the delay, in milliseconds; it bounds the extra latency.
   * @default 100
   */
  pollMaxDelay?: number;
  /**
   * Fallback polling: random spread of each delay, as a fraction (0.1 = ±10 %), still capped.
   * @default 0
   */
  pollJitter?: number;
  /**
   * The clock and timers (injectable for tests).
   * @default real time and unref'd Node timers
   */
  timers?: LoopTimers;
}

/** @internal Options with every default filled in. */
export type ResolvedJobLoopOptions = Required<JobLoopOptions>;

const defaults: ResolvedJobLoopOptions = {
  concurrency: Infinity,
  keepAlive: true,
  holdOpen: false,
  pollInitialDelay: 1,
  pollFactor: 2,
  pollMaxDelay: 100,
  pollJitter: 0,
  timers: systemTimers,
};

/** @internal Spread the defaults, then validate once. */
export function resolveOptions(options: JobLoopOptions | undefined): ResolvedJobLoopOptions {
  if (options !== undefined && (options === null || typeof options !== 'object'))
    throw invalidArgType('options', 'an object', options);
  const o = { ...defaults, ...stripUndefined(options) };
  positive('concurrency', o.concurrency, 1);
  if (o.concurrency !== Infinity && !Number.isInteger(o.concurrency))
    throw outOfRange('options.concurrency', 'an integer >= 1 or Infinity', o.concurrency);
  if (typeof o.keepAlive !== 'boolean') throw invalidArgType('options.keepAlive', 'a boolean', o.keepAlive);
  if (typeof o.holdOpen !== 'boolean') throw invalidArgType('options.holdOpen', 'a boolean', o.holdOpen);
  positive('pollInitialDelay', o.pollInitialDelay, 0);
  positive('pollFactor', o.pollFactor, 1);
  positive('pollMaxDelay', o.pollMaxDelay, o.pollInitialDelay);
  if (o.pollMaxDelay === Infinity) throw outOfRange('options.pollMaxDelay', 'a finite number', o.pollMaxDelay);
  positive('pollJitter', o.pollJitter, 0);
  if (o.pollJitter > 1) throw outOfRange('options.pollJitter', 'a number from 0 to 1', o.pollJitter);
  const t = o.timers;
  if (
    t === null ||
    typeof t !== 'object' ||
    typeof t.now !== 'function' ||
    typeof t.setTimeout !== 'function' ||
    typeof t.clearTimeout !== 'function'
  ) {
    throw invalidArgType('options.timers', 'an object with now, setTimeout and clearTimeout', t);
  }
  return o;
}

function positive(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number') throw invalidArgType(`options.${name}`, 'a number', value);
  if (Number.isNaN(value) || value < min) throw outOfRange(`options.${name}`, `a number >= ${min}`, value);
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (o === undefined) return {};
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
