/**
 * The wait context: the wait handles a paused job asks to be woken by, plus OpenSSL 3's
 * callback and status. One object serves the idiomatic API and `ASYNC_WAIT_CTX`.
 */
import { AsyncError, invalidArgType, outOfRange } from './errors.js';
import { pushError } from './error-queue.js';
import { assertWaitFd, type WaitFd } from './wait-handle.js';

/**
 * Called by {@link WaitContext.free} for each live entry that has one, newest first.
 *
 * @param ctx - the context being freed (still readable during the call)
 * @param key - the entry's key
 * @param fd - the entry's wait handle
 * @param customData - the entry's custom data
 */
export type WaitFdCleanup = (ctx: WaitContext, key: unknown, fd: WaitFd, customData: unknown) => void;

/** The callback of OpenSSL 3's callback mode: an engine calls it when the job can be resumed. */
export type WaitCallback = (arg: unknown) => number;

/** Told when a context's wait handles change (the `JobLoop` watching a paused job). */
export interface WaitContextObserver {
  /** Called after every `setWaitFd` or successful `clearWaitFd`. */
  onWaitFdsChanged(ctx: WaitContext): void;
}

/** @internal An entry set since the last reset. */
const ADDED = 1;
/** @internal An entry cleared after the last reset (hidden, but listed as deleted until the next reset). */
const DELETED = 2;

/** @internal Whether an entry is live (not cleared). */
export function isLiveEntry(e: WaitEntry): boolean {
  return e.mark !== DELETED;
}

/** @internal One keyed entry; a singly linked list, newest first, as in C. */
class WaitEntry {
  /** `ADDED`, `DELETED` or 0 (never both: clearing an added entry removes it). */
  mark = ADDED;
  constructor(
    readonly key: unknown,
    readonly fd: WaitFd,
    readonly customData: unknown,
    readonly cleanup: WaitFdCleanup | null,
    public next: WaitEntry | null,
  ) {}
}

/** What {@link WaitContext.getWaitFd} returns. */
export interface WaitFdEntry {
  /** The wait handle. */
  fd: WaitFd;
  /** The custom data stored with it. */
  customData: unknown;
}

/** What {@link WaitContext.getChangedWaitFds} returns. */
export interface ChangedWaitFds {
  /** Handles set since the paused job last resumed, newest first. */
  added: WaitFd[];
  /** Handles cleared since then (that had been there before), newest first. */
  deleted: WaitFd[];
}

/**
 * The keyed wait handles of a job, with OpenSSL's bookkeeping of what changed.
 *
 * Entries are kept newest first; keys compare with `===` and may repeat (the newest live entry
 * with a key is the one found and cleared). The changed-handle counts cover what happened since
 * the last time a paused job on this context was resumed: they are reset then, and only then
 * (not on finish, not on a pause that was blocked).
 *
 * The context also stores OpenSSL 3's callback and status; the library never calls the callback
 * itself — an engine does, to say the job can go on.
 *
 * A context outlives the jobs that use it: whoever created it frees it with
 * {@link WaitContext.free}, which runs the cleanup of every live entry exactly once.
 *
 * @example
 * ```ts
 * const ctx = new WaitContext();
 * ctx.setWaitFd('engine', fd, state, (ctx, key, fd, state) => closeFd(fd));
 * ctx.getAllWaitFds(); // [fd]
 * ctx.free();          // runs the cleanup
 * ```
 */
export class WaitContext {
  /** @internal Newest entry first. */
  _head: WaitEntry | null = null;
  /** @internal Entries added since the last reset (and still there). */
  _numAdd = 0;
  /** @internal Entries deleted since the last reset. */
  _numDel = 0;
  /** @internal */
  _callback: WaitCallback | null = null;
  /** @internal */
  _callbackArg: unknown = undefined;
  /** @internal */
  _status = 0;
  /** @internal */
  _freed = false;
  /** @internal The loop watching a paused job on this context, if any. */
  _observer: WaitContextObserver | null = null;

  /** Whether {@link WaitContext.free} was called. A freed context refuses further use. */
  get freed(): boolean {
    return this._freed;
  }

  /**
   * Add a wait handle under `key` (at the head; duplicates allowed).
   *
   * @param key - any value; compared with `===`
   * @param fd - the wait handle (an integer is stored unchecked)
   * @param customData - stored with it, returned by {@link WaitContext.getWaitFd}
   * @param cleanup - called once by {@link WaitContext.free} if the entry is still live then
   * @returns `1`, or `0` (with a queued `ERR_R_PASSED_INVALID_ARGUMENT`) if the context was freed
   * @throws TypeError / RangeError for a value that is not a wait handle, or a cleanup that is not a function
   */
  setWaitFd(key: unknown, fd: WaitFd, customData?: unknown, cleanup?: WaitFdCleanup | null): 0 | 1 {
    assertWaitFd(fd);
    if (cleanup != null && typeof cleanup !== 'function') throw invalidArgType('cleanup', 'a function', cleanup);
    if (this._freed) return refuseFreed();
    this._head = new WaitEntry(key, fd, customData, cleanup ?? null, this._head);
    this._numAdd++;
    if (this._observer !== null) this._observer.onWaitFdsChanged(this);
    return 1;
  }

  /**
   * Find the newest live entry under `key`.
   *
   * @param key - compared with `===`
   * @returns its handle and custom data, or `undefined` if there is none
   */
  getWaitFd(key: unknown): WaitFdEntry | undefined {
    const e = this._find(key);
    return e === null ? undefined : { fd: e.fd, customData: e.customData };
  }

  /**
   * All live wait handles, newest first.
   *
   * @param out - if given, filled from index 0 (and returned); otherwise a new array
   * @returns the handles
   */
  getAllWaitFds(out?: WaitFd[]): WaitFd[] {
    const fds = out ?? new Array<WaitFd>(this.size);
    let i = 0;
    for (let e = this._head; e !== null; e = e.next) if (e.mark !== DELETED) fds[i++] = e.fd;
    return fds;
  }

  /** How many live wait handles the context holds. */
  get size(): number {
    let n = 0;
    for (let e = this._head; e !== null; e = e.next) if (e.mark !== DELETED) n++;
    return n;
  }

  /**
   * What changed since a paused job on this context last resumed (or since it was created).
   *
   * @returns the added and deleted handles, newest first
   */
  getChangedWaitFds(): ChangedWaitFds {
    const added = new Array<WaitFd>(this._numAdd);
    const deleted = new Array<WaitFd>(this._numDel);
    this._fillChanged(added, deleted);
    return { added, deleted };
  }

  /**
   * Remove the newest live entry under `key`. An entry set since the last reset disappears
   * without a trace; an older one is recorded as deleted. Never calls the cleanup.
   *
   * @param key - compared with `===`
   * @returns `1`, or `0` if no live entry has that key (or the context was freed)
   */
  clearWaitFd(key: unknown): 0 | 1 {
    let prev: WaitEntry | null = null;
    for (let e = this._head; e !== null; prev = e, e = e.next) {
      if (e.mark === DELETED || e.key !== key) continue;
      if (e.mark === ADDED) {
        if (prev === null) this._head = e.next;
        else prev.next = e.next;
        this._numAdd--;
      } else {
        e.mark = DELETED;
        this._numDel++;
      }
      if (this._observer !== null) this._observer.onWaitFdsChanged(this);
      return 1;
    }
    return 0;
  }

  /**
   * Store the callback an engine calls when the job can go on (OpenSSL 3's callback mode).
   *
   * @param callback - the callback, or `null` to remove it
   * @param arg - passed to the callback
   * @returns `1`, or `0` if the context was freed
   * @throws TypeError if `callback` is neither a function nor `null`
   */
  setCallback(callback: WaitCallback | null, arg?: unknown): 0 | 1 {
    if (callback !== null && typeof callback !== 'function')
      throw invalidArgType('callback', 'a function or null', callback);
    if (this._freed) return refuseFreed();
    this._callback = callback;
    this._callbackArg = arg;
    return 1;
  }

  /** The stored callback, or `null`. */
  get callback(): WaitCallback | null {
    return this._callback;
  }

  /** The argument stored with the callback. */
  get callbackArg(): unknown {
    return this._callbackArg;
  }

  /**
   * Store the engine's status ({@link WaitStatus}); any integer is kept as it is.
   *
   * @param status - the status
   * @returns `1`, or `0` if the context was freed
   * @throws RangeError if `status` is not an integer
   */
  setStatus(status: number): 0 | 1 {
    if (typeof status !== 'number') throw invalidArgType('status', 'an integer', status);
    if (!Number.isInteger(status)) throw outOfRange('status', 'an integer', status);
    if (this._freed) return refuseFreed();
    this._status = status;
    return 1;
  }

  /** The stored status ({@link WaitStatus}); `0` (`UNSUPPORTED`) by default. */
  get status(): number {
    return this._status;
  }

  /**
   * Free the context: call the cleanup of every live entry, newest first, exactly once each,
   * then drop all entries. Entries cleared earlier get no cleanup. Calling it again does nothing.
   *
   * @throws the first error a cleanup threw (after all cleanups have run)
   */
  free(): void {
    if (this._freed) return;
    let failure: { error: unknown } | null = null;
    for (let e = this._head; e !== null; e = e.next) {
      if (e.mark === DELETED || e.cleanup === null) continue;
      try {
        e.cleanup(this, e.key, e.fd, e.customData);
      } catch (error) {
        failure ??= { error };
      }
    }
    this._freed = true;
    this._head = null;
    this._numAdd = this._numDel = 0;
    this._callback = null;
    this._callbackArg = undefined;
    if (failure !== null) throw failure.error;
  }

  /** @internal The newest live entry under `key`. */
  _find(key: unknown): WaitEntry | null {
    for (let e = this._head; e !== null; e = e.next) if (e.mark !== DELETED && e.key === key) return e;
    return null;
  }

  /** @internal Fill the change lists (either may be null), newest first. */
  _fillChanged(added: WaitFd[] | null, deleted: WaitFd[] | null): void {
    let a = 0;
    let d = 0;
    for (let e = this._head; e !== null; e = e.next) {
      if (e.mark === ADDED) {
        if (added !== null) added[a++] = e.fd;
      } else if (e.mark === DELETED && deleted !== null) deleted[d++] = e.fd;
    }
  }

  /** @internal Reset the bookkeeping: runs only when a paused job on this context resumes. */
  _reset(): void {
    if (this._numAdd === 0 && this._numDel === 0) return;
    let prev: WaitEntry | null = null;
    for (let e = this._head; e !== null; e = e.next) {
      if (e.mark === DELETED) {
        if (prev === null) this._head = e.next;
        else prev.next = e.next;
        continue;
      }
      e.mark = 0;
      prev = e;
    }
    this._numAdd = this._numDel = 0;
  }
}

function refuseFreed(): 0 {
  pushError(new AsyncError('ERR_R_PASSED_INVALID_ARGUMENT', 'The wait context was freed'));
  return 0;
}
