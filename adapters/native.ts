/**
 * The native addon (`build/Release/asyncjob_native.node`): readiness watches
 * on OS fds through libuv, and the fd helpers that make and clear wake
 * signals. This is the only module that loads the addon.
 *
 * Contract of the fds handled here:
 *
 * - **Ownership.** The caller owns every fd it passes in. The watcher never
 *   reads, writes or closes it, and libuv never sees it directly, so closing
 *   a watched fd cannot crash the process; still call
 *   {@link FdWatcher.forget} first (or use {@link closeFd}) so no stale
 *   state is kept for the fd number.
 * - **Backends.** On Linux (`backend === 'epoll'`) fds are registered
 *   `EPOLLONESHOT` in one epoll set per thread that libuv watches as a single
 *   fd: one syscall per arm, no extra fd, the fd's flags untouched.
 *   Elsewhere (or with `ASYNCJOB_FD_BACKEND=uv_poll` in the environment when
 *   the watcher is created) each fd gets a libuv `uv_poll_t` on a `dup()` of
 *   it; `uv_poll_init` then switches the open file description to
 *   `O_NONBLOCK` for every holder of it, and each watched fd costs a second
 *   fd.
 * - **Non-blocking.** Read your fds non-blocking: readiness is a hint. The
 *   fds from {@link pipe}, {@link socketpair} and {@link eventfd} are
 *   non-blocking and close-on-exec from the start.
 * - **One watch per fd per thread.** One libuv poll handle per fd, shared by
 *   every waiter: the JS side multiplexes waiters. An fd that Node itself
 *   polls (a reading `net.Socket`) cannot be watched (`EEXIST`).
 * - **Readiness is a hint.** A report means "try the operation now"; it may
 *   find nothing to do (`EAGAIN`), and then the caller simply watches again.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import util from 'node:util';

/** The raw addon; every failure comes back as a negative errno. @internal */
interface NativeBinding {
  init(dispatch: FdReadyHandler): number;
  watch(fd: number): number;
  unwatch(fd: number): void;
  forget(fd: number): void;
  setRef(fd: number, ref: number): number;
  backend(): string;
  size(): number;
  armed(): number;
  pipe(): [number, number] | number;
  socketpair(): [number, number] | number;
  eventfd(initial: number): number;
  notify(fd: number): number;
  drain(fd: number): number;
  close(fd: number): number;
  readable(fd: number): number;
}

const ADDON = path.join('build', 'Release', 'asyncjob_native.node');

function loadBinding(): NativeBinding {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Compiled: dist/adapters/native.js -> ../../build; from source:
  // adapters/native.ts -> ../build.
  const compiled = path.resolve(here, '..', '..', ADDON);
  const source = path.resolve(here, '..', ADDON);
  const inDist = path.basename(path.dirname(here)) === 'dist';
  const candidates = inDist ? [compiled, source] : [source, compiled];
  const file = candidates.find((f) => existsSync(f));
  if (file === undefined) {
    const err = new Error(
      `asyncjob: the native addon is not built (looked for ${candidates.join(', ')}); ` +
        'run `npm install` or `node scripts/build-native.mjs` in the package directory',
    ) as NodeJS.ErrnoException;
    err.code = 'ERR_ASYNCJOB_NATIVE_NOT_BUILT';
    throw err;
  }
  return createRequire(import.meta.url)(file) as NativeBinding;
}

const binding: NativeBinding = loadBinding();

// ---- errors -------------------------------------------------------------

type ArgError = (TypeError | RangeError) & { code: string };

function describe(value: unknown): string {
  if (value === null || value === undefined) return `Received ${value}`;
  if (typeof value === 'function') return `Received function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') return `Received an instance of ${value.constructor?.name ?? 'Object'}`;
  if (typeof value === 'number' || typeof value === 'bigint') return `Received ${util.inspect(value)}`;
  return `Received type ${typeof value} (${util.inspect(value)})`;
}

function argTypeError(name: string, expected: string, value: unknown): ArgError {
  const err = new TypeError(`The "${name}" argument must be ${expected}. ${describe(value)}`) as ArgError;
  err.code = 'ERR_INVALID_ARG_TYPE';
  return err;
}

function argRangeError(name: string, expected: string, value: unknown): ArgError {
  const err = new RangeError(`The "${name}" argument must be ${expected}. ${describe(value)}`) as ArgError;
  err.code = 'ERR_OUT_OF_RANGE';
  return err;
}

/** The error for an fd argument that failed the fast check. */
function fdArgError(value: unknown, name = 'fd'): ArgError {
  if (typeof value !== 'number') return argTypeError(name, 'of type number', value);
  return argRangeError(name, 'an integer >= 0 and <= 2147483647', value);
}

/** Fast check: a non-negative int32. */
function isFd(value: unknown): value is number {
  return typeof value === 'number' && (value | 0) === value && value >= 0;
}

let errorMap: Map<number, [string, string]> | undefined;

/**
 * A Node-style system error for a negative errno: `code` (`'EBADF'`), `errno`
 * (negative, as Node's own), `syscall`, and a message like
 * `EBADF: bad file descriptor, uv_poll_init`.
 */
export function systemError(errno: number, syscall: string): NodeJS.ErrnoException {
  errorMap ??= util.getSystemErrorMap();
  const entry = errorMap.get(errno);
  const code = entry?.[0] ?? util.getSystemErrorName(errno);
  const description = entry?.[1] ?? 'unknown error';
  const err = new Error(`${code}: ${description}, ${syscall}`) as NodeJS.ErrnoException;
  err.errno = errno;
  err.code = code;
  err.syscall = syscall;
  Error.captureStackTrace?.(err, systemError);
  return err;
}

// ---- the watcher ---------------------------------------------------------

/**
 * Receives a batch of fds that became readable (or failed) during one event
 * loop iteration: `fds[i]` and `errors[i]` for `i < count`. `errors[i]` is 0,
 * or a negative errno (for example `-9`, `EBADF`, which libuv reports for a
 * poll error such as a socket error).
 *
 * The arrays are reused between calls and may be longer than `count`: copy
 * what you keep. The handler runs as a top-level callback: microtasks and
 * `process.nextTick` callbacks run right after it; an exception it throws
 * becomes an `'uncaughtException'`.
 */
export interface FdReadyHandler {
  (fds: Int32Array, errors: Int32Array, count: number): void;
}

const CONSTRUCT = Symbol('FdWatcher');
let current: FdWatcher | null = null;

/** Calls the singleton's handler; created once, never per call. */
function dispatch(fds: Int32Array, errors: Int32Array, count: number): void {
  const handler = current?.onReady;
  if (handler) handler(fds, errors, count);
}

/**
 * The readiness watcher for OS fds of one JS environment (the main thread or
 * one worker). Get it with {@link getFdWatcher}.
 *
 * Watches are **one-shot**: {@link FdWatcher.watch} arms an fd; when it
 * becomes readable (or hangs up, or errors) the watch disarms itself before
 * the fd is reported, so an fd that nobody drains is reported once per
 * `watch()` and never spins the CPU. The watcher never reads the fd.
 *
 * All fds that became ready in one event-loop iteration are delivered to
 * {@link FdWatcher.onReady} in one call, right after libuv's poll phase.
 *
 * @example
 * ```ts
 * const watcher = getFdWatcher()
 * const fd = eventfd()
 * watcher.onReady = (fds, errors, count) => {
 *   for (let i = 0; i < count; i++) console.log('readable:', fds[i], errors[i])
 * }
 * watcher.watch(fd)
 * notifyFd(fd) // reported in the next loop iteration
 * ```
 */
export class FdWatcher {
  /**
   * Called at most once per event-loop iteration with all fds reported in
   * it; see {@link FdReadyHandler}. Reports that arrive while it is `null`
   * are dropped (the watches still disarm).
   * @default null
   */
  onReady: FdReadyHandler | null = null;

  /** @internal Use {@link getFdWatcher}. */
  constructor(token?: symbol) {
    if (token !== CONSTRUCT) {
      const err = new TypeError('Illegal constructor: use getFdWatcher()') as ArgError;
      err.code = 'ERR_ILLEGAL_CONSTRUCTOR';
      throw err;
    }
    const r = binding.init(dispatch);
    if (r < 0) throw systemError(r, 'uv_check_init');
  }

  /**
   * Arm a one-shot readability watch on `fd`: when it becomes readable (or
   * hangs up, or errors) the watch disarms itself and `fd` is reported in
   * the next {@link FdWatcher.onReady} batch. Arming an armed fd is a no-op.
   *
   * Cost: one `epoll_ctl` on the `'epoll'` backend. On `'uv_poll'`, the
   * first watch of an fd dups it and switches it to `O_NONBLOCK`; later ones
   * re-arm the cached handle after checking (one syscall) that the fd number
   * still denotes the same file.
   *
   * @param fd - an open fd that epoll can watch (pipe, socket, eventfd, tty…)
   * @throws TypeError `ERR_INVALID_ARG_TYPE` when `fd` is not a number.
   * @throws RangeError `ERR_OUT_OF_RANGE` when `fd` is not an integer in
   *   0..2^31-1 (so -1 is an argument error, as in `fs.closeSync(-1)`).
   * @throws Error system error (`syscall`: `'epoll_ctl'` or `'uv_poll_init'`
   *   by backend): `EBADF` (closed
   *   fd), `EPERM` (regular file, directory, `/dev/null`), `EEXIST` (an fd
   *   libuv already polls, e.g. a reading `net.Socket`), `ENOSPC`
   *   (`max_user_watches`), `EMFILE`, `ENOMEM`.
   */
  watch(fd: number): void {
    if (!isFd(fd)) throw fdArgError(fd);
    const r = binding.watch(fd);
    if (r !== 0) throw systemError(r, this.#syscall());
  }

  /**
   * Disarm `fd`; its handle stays cached for a cheap re-arm. A report of
   * `fd` not yet delivered is withdrawn. No-op when `fd` is not armed.
   * @throws TypeError / RangeError for a bad `fd` argument, as {@link FdWatcher.watch}.
   */
  unwatch(fd: number): void {
    if (!isFd(fd)) throw fdArgError(fd);
    binding.unwatch(fd);
  }

  /**
   * Close and forget the handle for `fd` (and the dup it watches). Call it
   * when no waiter needs `fd` any more, and before the owner closes `fd`.
   * The handle's memory is freed in libuv's close callback. No-op for an fd
   * without a handle.
   * @throws TypeError / RangeError for a bad `fd` argument, as {@link FdWatcher.watch}.
   */
  forget(fd: number): void {
    if (!isFd(fd)) throw fdArgError(fd);
    binding.forget(fd);
  }

  /**
   * Whether an armed watch on `fd` keeps the event loop (the process or the
   * worker) alive. Creates the (disarmed) handle when `fd` has none, so it
   * validates `fd` like {@link FdWatcher.watch}; the setting lasts until
   * {@link FdWatcher.forget}.
   * @default true
   * @throws the errors of {@link FdWatcher.watch}, and TypeError
   *   `ERR_INVALID_ARG_TYPE` when `ref` is not a boolean.
   */
  setRef(fd: number, ref: boolean): void {
    if (!isFd(fd)) throw fdArgError(fd);
    if (typeof ref !== 'boolean') throw argTypeError('ref', 'of type boolean', ref);
    const r = binding.setRef(fd, ref ? 1 : 0);
    if (r !== 0) throw systemError(r, this.#syscall());
  }

  /**
   * Which implementation watches the fds: `'epoll'` (Linux: one epoll set
   * with one-shot registrations, watched by libuv as one fd) or `'uv_poll'`
   * (one libuv `uv_poll_t` per fd, on a dup of it).
   */
  get backend(): 'epoll' | 'uv_poll' {
    return binding.backend() as 'epoll' | 'uv_poll';
  }

  /** What a failed watch reports as its `syscall`. */
  #syscall(): string {
    return binding.backend() === 'epoll' ? 'epoll_ctl' : 'uv_poll_init';
  }

  /** Number of fds that have a handle (armed or not). */
  get size(): number {
    return binding.size();
  }

  /** Number of armed fds. */
  get armed(): number {
    return binding.armed();
  }
}

/**
 * This environment's {@link FdWatcher}, created on first use. Each worker
 * thread has its own; a terminated worker's watches are closed with it.
 */
export function getFdWatcher(): FdWatcher {
  return (current ??= new FdWatcher(CONSTRUCT));
}

// ---- fd helpers -------------------------------------------------------------

function pair(r: [number, number] | number, syscall: string): [number, number] {
  if (typeof r === 'number') throw systemError(r, syscall);
  return r;
}

/**
 * An OS pipe, both ends `O_CLOEXEC | O_NONBLOCK`.
 * @returns `[readFd, writeFd]`; close both with {@link closeFd}.
 * @throws Error system error (`syscall: 'pipe2'`), e.g. `EMFILE`.
 */
export function pipe(): [readFd: number, writeFd: number] {
  return pair(binding.pipe(), 'pipe2');
}

/**
 * A connected pair of `AF_UNIX` `SOCK_STREAM` sockets, both `CLOEXEC` and
 * `NONBLOCK`.
 * @returns two fds; close both with {@link closeFd}.
 * @throws Error system error (`syscall: 'socketpair'`), e.g. `EMFILE`.
 */
export function socketpair(): [number, number] {
  return pair(binding.socketpair(), 'socketpair');
}

/**
 * A Linux eventfd (`EFD_CLOEXEC | EFD_NONBLOCK`): readable while its counter
 * is non-zero. The cheapest wake channel: one fd, one syscall per notify or
 * drain.
 *
 * Not available off Linux; use {@link pipe} there (no silent fallback, since
 * a pipe needs two fds and has different drain results).
 *
 * @param initial - the initial counter, an integer in 0..2^32-1.
 * @default initial 0
 * @returns the fd; close it with {@link closeFd}.
 * @throws Error `ERR_NOT_SUPPORTED` off Linux; TypeError / RangeError for a
 *   bad `initial`; a system error (`syscall: 'eventfd'`), e.g. `EMFILE`.
 */
export function eventfd(initial = 0): number {
  if (typeof initial !== 'number') throw argTypeError('initial', 'of type number', initial);
  if (!Number.isInteger(initial) || initial < 0 || initial > 0xffffffff)
    throw argRangeError('initial', 'an integer >= 0 and <= 4294967295', initial);
  if (process.platform !== 'linux') {
    const err = new Error(
      `eventfd() is only available on Linux (not ${process.platform}); use pipe()`,
    ) as NodeJS.ErrnoException;
    err.code = 'ERR_NOT_SUPPORTED';
    throw err;
  }
  const r = binding.eventfd(initial);
  if (r < 0) throw systemError(r, 'eventfd');
  return r;
}

/**
 * Make `fd` readable to wake its waiter: add 1 to an eventfd (an 8-byte
 * write), or write one byte to a pipe or socket. A full pipe or saturated
 * counter (`EAGAIN`) is success: the fd is readable already. Never blocks.
 *
 * One syscall for fds made by {@link pipe}, {@link socketpair} and
 * {@link eventfd}; other fds are inspected first (`fcntl` + `fstat`, and
 * `poll` when blocking).
 *
 * @throws TypeError / RangeError for a bad `fd` argument; a system error
 *   (`syscall: 'write'`): `EBADF`, `EPIPE` (reader closed), `EPERM` (a
 *   regular file or directory), …
 */
export function notifyFd(fd: number): void {
  if (!isFd(fd)) throw fdArgError(fd);
  const r = binding.notify(fd);
  if (r !== 0) throw systemError(r, 'write');
}

/**
 * Clear `fd`'s wake signal without blocking.
 *
 * - eventfd: one 8-byte read; returns the counter value (which it resets).
 * - pipe or socket: reads chunks of up to 4096 bytes until a short read or
 *   `EAGAIN`; returns the number of bytes read.
 * - nothing to read: returns 0.
 *
 * It never blocks: the fds from this module are non-blocking, and any other
 * fd that is in blocking mode is polled (zero timeout) first and then read at
 * most once. Counters above 2^53 lose precision.
 *
 * @returns what was read (see above), 0 if nothing.
 * @throws TypeError / RangeError for a bad `fd` argument; a system error
 *   (`syscall: 'read'`): `EBADF`, `EPERM` (regular file or directory), …
 */
export function drainFd(fd: number): number {
  if (!isFd(fd)) throw fdArgError(fd);
  const r = binding.drain(fd);
  if (r < 0) throw systemError(r, 'read');
  return r;
}

/**
 * Close `fd` (close(2)), after forgetting this thread's watch on it, so
 * closing is always safe. Use it for the fds from this module: it also
 * clears what notify/drain remember about the fd number.
 *
 * @throws TypeError / RangeError for a bad `fd` argument; a system error
 *   (`syscall: 'close'`), e.g. `EBADF`.
 */
export function closeFd(fd: number): void {
  if (!isFd(fd)) throw fdArgError(fd);
  const r = binding.close(fd);
  if (r !== 0) throw systemError(r, 'close');
}

/**
 * Whether `fd` is readable right now (or hung up, or in error), asked with a
 * zero-timeout `poll(2)`: never blocks, reads nothing. Readiness is a hint:
 * it may change before you act on it.
 * @throws TypeError / RangeError for a bad `fd` argument; a system error
 *   (`syscall: 'poll'`), e.g. `EBADF` for a closed fd.
 */
export function isFdReadable(fd: number): boolean {
  if (!isFd(fd)) throw fdArgError(fd);
  const r = binding.readable(fd);
  if (r < 0) throw systemError(r, 'poll');
  return r === 1;
}
