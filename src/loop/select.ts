/**
 * `select`: wait until any of some wait handles is readable — the seed program's main loop, as a
 * promise.
 */
import { invalidArgType, outOfRange } from '../errors.js';
import { assertWaitFd, type WaitFd } from '../wait-handle.js';
import { WaitSignal } from '../wait-signal.js';
import { adapterFor, READY_NOW, type Waiter } from './wait-adapter.js';

/** Options of {@link select}. */
export interface SelectOptions {
  /** Milliseconds to wait at most; then the promise resolves with `[]`. */
  timeout?: number;
  /** Rejects the promise with `signal.reason`, and stops watching. */
  signal?: AbortSignal;
  /**
   * Whether the fd watches keep the process alive while waiting.
   * @default true
   */
  keepAlive?: boolean;
}

/** @internal One pending `select`. */
class SelectCall implements Waiter {
  readonly ready = new Set<WaitFd>();
  readonly armed: WaitFd[] = [];
  done = false;
  scheduled = false;
  timer: NodeJS.Timeout | null = null;
  onAbort: (() => void) | null = null;
  resolve!: (fds: WaitFd[]) => void;
  reject!: (error: unknown) => void;

  constructor(
    readonly handles: readonly WaitFd[],
    readonly keepAlive: boolean,
    readonly signal: AbortSignal | null,
  ) {}

  onHandleReady(handle: unknown, error: Error | null): void {
    if (this.done) return;
    if (error !== null) {
      this.finish(error);
      return;
    }
    this.ready.add(handle as WaitFd);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.finish(null)); // gather the other handles of the same batch
    }
  }

  finish(error: unknown): void {
    if (this.done) return;
    this.done = true;
    for (const h of this.armed) adapterFor(h).disarm(h as never, this);
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.onAbort !== null) this.signal!.removeEventListener('abort', this.onAbort);
    if (error !== null) {
      this.reject(error);
      return;
    }
    const out: WaitFd[] = [];
    for (const h of this.handles) if (this.ready.has(h) || adapterFor(h).readableNow(h as never)) out.push(h);
    this.resolve(out);
  }
}

/**
 * Wait until at least one of `handles` is readable, with `select(2)` semantics: fds are watched
 * through libuv without being read, streams and `WaitSignal`s by their state.
 *
 * @param handles - fds, `Readable`s and `WaitSignal`s
 * @param options - `timeout`, `signal`, `keepAlive`
 * @returns the readable handles, in input order; `[]` on timeout
 * @throws (rejects) a system error (`EBADF`, `EPERM`, `EEXIST`, …) for an fd that cannot be
 *   watched, `signal.reason` when aborted; TypeError / RangeError for bad arguments
 * @example
 * ```ts
 * const [r, w] = pipe();
 * setTimeout(() => notifyFd(w), 5);
 * await select([r]); // [r]
 * ```
 */
export function select(handles: readonly WaitFd[], options?: SelectOptions): Promise<WaitFd[]> {
  try {
    if (!Array.isArray(handles)) throw invalidArgType('handles', 'an array', handles);
    handles.forEach((h, i) => assertWaitFd(h, `handles[${i}]`));
    const timeout = options?.timeout;
    if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0)))
      throw outOfRange('options.timeout', 'a number >= 0', timeout);
    const signal = options?.signal ?? null;
    if (signal !== null && !(signal instanceof AbortSignal))
      throw invalidArgType('options.signal', 'an AbortSignal', signal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const call = new SelectCall(handles, options?.keepAlive ?? true, signal);
    const promise = new Promise<WaitFd[]>((resolve, reject) => {
      call.resolve = resolve;
      call.reject = reject;
    });
    for (const h of handles) {
      if (call.armed.includes(h)) continue;
      let r: number;
      try {
        r = adapterFor(h).arm(h as never, call);
      } catch (error) {
        call.finish(error);
        return promise;
      }
      if (r === READY_NOW) call.onHandleReady(h, null);
      else call.armed.push(h);
    }
    if (timeout !== undefined && timeout !== Infinity) call.timer = setTimeout(() => call.finish(null), timeout);
    if (signal !== null) {
      call.onAbort = () => call.finish(signal.reason);
      signal.addEventListener('abort', call.onAbort, { once: true });
    }
    return promise;
  } catch (error) {
    return Promise.reject(error);
  }
}
