/**
 * asyncjob: OpenSSL's `ASYNC_JOB` model in Node's event loop.
 *
 * A job runs until it pauses and is resumed later from its pause point; its wait context names
 * what should wake it. A `JobLoop` watches those wait handles whenever the job pauses and resumes
 * it as soon as one is readable. The contract between a job, its handles and the loop:
 *
 * - **Who owns an fd.** The application (or the engine) that created a wait fd owns it: the loop
 *   never reads, writes or closes it, and a wait context only stores it. Close an fd after the
 *   job waiting on it has finished (a wait context cleanup is the usual place), or with
 *   `closeFd()`, which also forgets the native watch. Closing a watched fd by other means never
 *   crashes the process, but the job waiting on it is then only woken by its other handles, an
 *   abort or a timeout.
 * - **Non-blocking.** Wait fds should be non-blocking: readiness is a hint, and a job resumed with
 *   nothing to read must find out without blocking the thread. `pipe()`, `socketpair()` and
 *   `eventfd()` make them so; `drainFd()` never blocks even on a blocking fd. (The portable
 *   `uv_poll` backend switches a watched fd to `O_NONBLOCK` for every holder of it.)
 * - **One watcher per fd.** Each thread has one native watch per fd, shared by every run of every
 *   loop and every `select` that waits on it. An fd that Node itself already polls (a reading
 *   `net.Socket`) cannot be watched: it gives `EEXIST`; wait on the socket as a `Readable` instead.
 * - **Readiness is level-triggered, reported once per pause.** A job is resumed at most once per
 *   pause, whichever handle fired; a job that does not clear its wake signal (`drainFd`,
 *   `WaitSignal.clear`) is simply resumed again on the next loop iteration, never in a busy loop.
 *   A resumed job re-checks what it waits for and pauses again if it is not there yet.
 * - **Nothing runs re-entrantly.** Wake-ups are queued and served from the top of the stack; a
 *   `WaitSignal` notified inside a job resumes its waiters after that job has paused or ended.
 * - **What keeps the process alive.** Armed fd watches do (unless `keepAlive: false`); waits on
 *   streams, signals, callbacks and polling do not: whatever will make the job ready must, or the
 *   loop's `holdOpen` option, which holds the process while any run is active.
 *
 * @packageDocumentation
 */
export { AsyncError, type AsyncErrorCode, type AsyncErrorOptions } from './errors.js';
export { getError, peekError, clearErrors } from './error-queue.js';
export { JobStatus, WaitStatus } from './status.js';
export { Job, type JobBody } from './job.js';
export { initPool, cleanupPool, poolStats, MAX_POOL_SIZE } from './job-pool.js';
export { getCurrentJob } from './current-job.js';
export { pauseJob, blockPause, unblockPause, type PauseRequest } from './pause.js';
export { startJob, throwIntoJob } from './start-job.js';
export {
  WaitContext,
  type WaitFdCleanup,
  type WaitCallback,
  type WaitFdEntry,
  type ChangedWaitFds,
  type WaitContextObserver,
} from './wait-context.js';
export { WaitSignal } from './wait-signal.js';
export { type WaitFd } from './wait-handle.js';
export type { Ref } from './ref.js';
export { JobLoop, type RunOptions, type JobLoopEvents } from './loop/job-loop.js';
export { type JobLoopStats } from './loop/loop-stats.js';
export { type JobLoopOptions } from './loop/job-loop-options.js';
export { type LoopTimers } from './loop/timers.js';
export { type WakeReason } from './loop/loop-run.js';
export { select, type SelectOptions } from './loop/select.js';
export {
  pipe,
  socketpair,
  eventfd,
  notifyFd,
  drainFd,
  closeFd,
  isFdReadable,
  watchedFdCount,
} from '../adapters/index.js';
