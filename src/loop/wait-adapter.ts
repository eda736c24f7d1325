/**
 * The one small contract between the loop and the adapters of each kind of wait handle:
 * arm on pause, disarm on fire, report readiness at most once per arming.
 *
 * The adapters live in `adapters/` and register themselves here, so the core never imports them.
 */
import type { Readable } from 'node:stream';
import { WaitSignal } from '../wait-signal.js';

/** Someone waiting for wait handles: a paused run of a `JobLoop`, or a `select` call. */
export interface Waiter {
  /**
   * A handle this waiter armed became readable, or failed (`error`). Never called from inside
   * `arm`; it may come while other code runs (a signal notified by a job), so the waiter only
   * records it and queues its work. The waiter then disarms every handle it armed (disarming is
   * idempotent), so each arming reports at most once.
   */
  onHandleReady(handle: unknown, error: Error | null): void;
  /** Whether armed fd watches should keep the process alive. */
  readonly keepAlive: boolean;
}

/** What `arm` answers. */
export const ARMED = 0;
/** `arm` found the handle readable already and registered nothing. */
export const READY_NOW = 1;

/** An adapter for one kind of wait handle. */
export interface WaitAdapter<H> {
  /**
   * Start watching `handle` for `waiter`.
   *
   * @returns `ARMED`, or `READY_NOW` when the handle is readable already (nothing registered)
   * @throws an error with a `code` when the handle cannot be watched (nothing registered)
   */
  arm(handle: H, waiter: Waiter): number;
  /** Stop watching `handle` for `waiter`; a no-op if it is not armed. */
  disarm(handle: H, waiter: Waiter): void;
  /** Whether `handle` is readable now (for an fd: one zero-timeout `poll`); `false` when it cannot tell. */
  readableNow(handle: H): boolean;
}

/** The adapters of the three kinds of wait handle. */
export interface WaitAdapters {
  fd: WaitAdapter<number>;
  stream: WaitAdapter<Readable>;
  signal: WaitAdapter<WaitSignal>;
}

let adapters: WaitAdapters | null = null;

/** @internal Called once by `adapters/index.ts`. */
export function registerAdapters(set: WaitAdapters): void {
  adapters = set;
}

/** @internal The registered adapters; importing `asyncjob` registers them. */
export function getAdapters(): WaitAdapters {
  if (adapters === null)
    throw new Error('asyncjob: no wait adapters registered (import "asyncjob", not its internals)');
  return adapters;
}

/** @internal The adapter for a handle's kind. */
export function adapterFor(h: unknown): WaitAdapter<unknown> {
  const a = getAdapters();
  if (typeof h === 'number') return a.fd as WaitAdapter<unknown>;
  if (h instanceof WaitSignal) return a.signal as WaitAdapter<unknown>;
  return a.stream as WaitAdapter<unknown>;
}
