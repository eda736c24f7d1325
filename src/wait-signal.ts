/**
 * An in-process wake-up handle, like an eventfd that never leaves JavaScript.
 */

/** Someone waiting for a {@link WaitSignal} (a paused run of a `JobLoop`, or `select`). */
export interface WaitSignalListener {
  /** Called each time the signal goes from not readable to readable. */
  onHandleReady(signal: WaitSignal, error: null): void;
}

/**
 * An in-process, level-triggered wait handle: readable from {@link WaitSignal.notify} until
 * {@link WaitSignal.clear}, like an eventfd whose counter is read to zero.
 *
 * Register it in a job's wait context as its wait handle; an engine (or any code in the same
 * thread) calls `notify()` when the job can go on, and the job calls `clear()` when it has
 * consumed the wake-up. It costs a few dozen bytes, so a million paused jobs can each have one.
 * It keeps nothing alive and holds no OS resource.
 *
 * @example
 * ```ts
 * const done = new WaitSignal();
 * setTimeout(() => done.notify(), 10);
 * await loop.run(function* () {
 *   getCurrentJob()!.waitCtx!.setWaitFd('done', done);
 *   while (!done.readable) yield* pauseJob();
 *   done.clear();
 * });
 * ```
 */
export class WaitSignal {
  /** How many times {@link WaitSignal.notify} was called since the last {@link WaitSignal.clear}. */
  count = 0;
  /** @internal The first listener; most signals have at most one. */
  _listener: WaitSignalListener | null = null;
  /** @internal Further listeners, rare. */
  _moreListeners: WaitSignalListener[] | null = null;

  /** Whether the signal is readable (notified and not yet cleared). */
  get readable(): boolean {
    return this.count > 0;
  }

  /** Make the signal readable and wake whoever waits on it. Calling it again adds to {@link WaitSignal.count}. */
  notify(): void {
    if (this.count++ > 0) return;
    const first = this._listener;
    const more = this._moreListeners;
    const rest = more !== null && more.length > 0 ? more.slice() : null; // listeners remove themselves
    if (first !== null) first.onHandleReady(this, null);
    if (rest !== null) for (let i = 0; i < rest.length; i++) rest[i]!.onHandleReady(this, null);
  }

  /**
   * Make the signal not readable again (consume the wake-up).
   *
   * @returns how many notifications were consumed (0 if it was not readable)
   */
  clear(): number {
    const n = this.count;
    this.count = 0;
    return n;
  }

  /**
   * @internal Start telling `listener` when the signal becomes readable.
   * @param listener - the waiter
   */
  _addListener(listener: WaitSignalListener): void {
    if (this._listener === null) this._listener = listener;
    else (this._moreListeners ??= []).push(listener);
  }

  /**
   * @internal Stop telling `listener`.
   * @param listener - the waiter
   */
  _removeListener(listener: WaitSignalListener): void {
    if (this._listener === listener) {
      const more = this._moreListeners;
      this._listener = more !== null && more.length > 0 ? more.shift()! : null;
      return;
    }
    const more = this._moreListeners;
    if (more === null) return;
    const i = more.indexOf(listener);
    if (i >= 0) more.splice(i, 1);
  }
}
