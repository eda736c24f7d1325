/**
 * asyncjob: OpenSSL's `ASYNC_JOB` model in Node's event loop.
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
