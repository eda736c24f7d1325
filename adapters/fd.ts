/**
 * The fd adapter: OS file descriptors watched through libuv by the native addon, without ever
 * being read. One native watch per fd, shared by every waiter of the thread (runs of any loop,
 * `select` calls); each watch is one-shot, so a ready fd that its job does not drain is reported
 * once per pause and cannot spin the CPU. Reports for an fd nobody waits on any more are dropped.
 *
 * Handles stay cached while waiters come and go within one event-loop turn (a job that reads its
 * fd and pauses on it again re-arms the cached handle); a handle with no waiter is closed at the
 * end of the turn, so the owner may close the fd after its job has finished.
 */
import { constants } from 'node:os';
import { drainReadyQueue } from '../src/loop/ready-queue.js';
import { ARMED, type WaitAdapter, type Waiter } from '../src/loop/wait-adapter.js';
import { getFdWatcher, isFdReadable, systemError, type FdWatcher } from './native.js';

/** @internal The waiters of one fd. */
class FdEntry {
  waiters: Waiter[] = [];
  /** How many waiters want the watch to keep the process alive. */
  keepAlive = 0;
  /** What the native handle was last told. */
  ref = true;
  constructor(readonly fd: number) {}
}

const { EBADF } = constants.errno;
const entries = new Map<number, FdEntry>();
/** Entries that lost their last waiter this turn: closed at its end unless re-armed. */
const idle: FdEntry[] = [];
/** Scratch: the entries reported in the batch being delivered. */
const fired: FdEntry[] = [];
let watcher: FdWatcher | null = null;
let spare: Waiter[] = [];
let sweepScheduled = false;

function getWatcher(): FdWatcher {
  if (watcher === null) {
    watcher = getFdWatcher();
    watcher.onReady = onReady;
  }
  return watcher;
}

function onReady(fds: Int32Array, errors: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const entry = entries.get(fds[i]!);
    if (entry === undefined || entry.waiters.length === 0) continue; // stale: dropped
    const waiters = entry.waiters;
    entry.waiters = spare;
    entry.keepAlive = 0;
    const err = errors[i]!;
    const error = err === 0 ? null : systemError(err, 'uv_poll');
    for (let j = 0; j < waiters.length; j++) waiters[j]!.onHandleReady(entry.fd, error);
    while (waiters.length > 0) waiters.pop(); // keeps the backing store (`length = 0` would drop it)
    spare = waiters;
    fired.push(entry);
  }
  drainReadyQueue(); // resume the woken jobs now, in this one crossing from native code
  while (fired.length > 0) {
    const entry = fired.pop()!;
    if (entry.waiters.length === 0) idle.push(entry); // not re-armed (yet: async bodies re-arm in microtasks)
  }
  if (idle.length > 0) scheduleSweep();
}

function updateRef(w: FdWatcher, entry: FdEntry): void {
  const ref = entry.keepAlive > 0;
  if (ref !== entry.ref) {
    w.setRef(entry.fd, ref);
    entry.ref = ref;
  }
}

function scheduleSweep(): void {
  if (sweepScheduled) return;
  sweepScheduled = true;
  setImmediate(sweep);
}

/** Close the handles that no waiter re-armed during the turn. */
function sweep(): void {
  sweepScheduled = false;
  const w = watcher!;
  while (idle.length > 0) {
    const entry = idle.pop()!;
    if (entry.waiters.length > 0 || entries.get(entry.fd) !== entry) continue; // re-armed, or already gone
    entries.delete(entry.fd);
    w.forget(entry.fd);
  }
}

/** The adapter for fd handles. */
export const fdAdapter: WaitAdapter<number> = {
  arm(fd: number, waiter: Waiter): number {
    if (fd < 0 || fd > 0x7fffffff) throw systemError(-EBADF, 'uv_poll_init'); // like select(2)
    const w = getWatcher();
    let entry = entries.get(fd);
    if (entry === undefined) {
      entry = new FdEntry(fd);
      entries.set(fd, entry);
    }
    if (entry.waiters.includes(waiter)) return ARMED;
    // A further waiter re-arms too (one syscall): the owner may have closed the fd and its number
    // may now denote a new file, which the native side re-validates only when arming.
    if (entry.waiters.length > 0) w.unwatch(fd);
    try {
      w.watch(fd);
    } catch (error) {
      if (entry.waiters.length === 0) {
        entries.delete(fd);
        w.forget(fd);
      }
      throw error;
    }
    entry.waiters.push(waiter);
    if (waiter.keepAlive) entry.keepAlive++;
    updateRef(w, entry);
    return ARMED;
  },
  disarm(fd: number, waiter: Waiter): void {
    const entry = entries.get(fd);
    if (entry === undefined) return;
    const waiters = entry.waiters;
    const i = waiters.indexOf(waiter);
    if (i < 0) return;
    const last = waiters.pop()!;
    if (i < waiters.length) waiters[i] = last;
    if (waiter.keepAlive) entry.keepAlive--;
    const w = getWatcher();
    if (waiters.length === 0) {
      w.unwatch(fd);
      idle.push(entry);
      scheduleSweep();
    } else updateRef(w, entry);
  },
  readableNow(fd: number): boolean {
    try {
      return isFdReadable(fd); // one poll(2): used by select, never on the pause path
    } catch {
      return false;
    }
  },
};

/** How many fds have a native handle in this thread (for diagnostics). */
export function watchedFdCount(): number {
  return entries.size;
}
