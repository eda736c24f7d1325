/**
 * `asyncjob/openssl`: OpenSSL 3.0's async API under its C names, over the same objects as the
 * idiomatic API. Out-parameters are {@link Ref} objects; statuses and return values are C's.
 * This module only maps names and shapes: every behaviour lives in the core.
 *
 * @packageDocumentation
 */
import { AsyncError } from './errors.js';
import { clearErrors, getError, peekError } from './error-queue.js';
import { cleanupPool, initPool } from './job-pool.js';
import { getCurrentJob } from './current-job.js';
import { blockPause, pauseJob, unblockPause, type PauseRequest } from './pause.js';
import { start } from './start-job.js';
import { JobStatus, WaitStatus } from './status.js';
import { WaitContext, type WaitCallback, type WaitFdCleanup } from './wait-context.js';
import { invalidArgType } from './errors.js';
import type { Job, JobBody } from './job.js';
import type { Ref } from './ref.js';
import type { WaitFd } from './wait-handle.js';

export type { Ref, WaitFd, AsyncError };
/** `ASYNC_JOB`: a {@link Job}. */
export type ASYNC_JOB = Job;
/** `ASYNC_WAIT_CTX`: a {@link WaitContext}. */
export type ASYNC_WAIT_CTX = WaitContext;

/** `ASYNC_start_job` failed: see the error queue. */
export const ASYNC_ERR = JobStatus.ERR;
/** No job available in the pool: retry later. */
export const ASYNC_NO_JOBS = JobStatus.NO_JOBS;
/** The job paused. */
export const ASYNC_PAUSE = JobStatus.PAUSE;
/** The job finished; `*ret` holds its return value. */
export const ASYNC_FINISH = JobStatus.FINISH;
/** Wait-ctx status: the engine does not use the callback (default). */
export const ASYNC_STATUS_UNSUPPORTED = WaitStatus.UNSUPPORTED;
/** Wait-ctx status: fatal engine error. */
export const ASYNC_STATUS_ERR = WaitStatus.ERR;
/** Wait-ctx status: request submitted, expect the callback. */
export const ASYNC_STATUS_OK = WaitStatus.OK;
/** Wait-ctx status: temporary problem, resume the job to retry. */
export const ASYNC_STATUS_EAGAIN = WaitStatus.EAGAIN;

/**
 * Size this thread's job pool.
 *
 * @param maxSize - most job objects ever built by the pool; 0 = unlimited
 * @param initSize - jobs built now (count toward `maxSize`)
 * @returns 1, or 0 with `ASYNC_R_INVALID_POOL_SIZE` queued
 * @throws TypeError / RangeError for non-integer sizes
 */
export function ASYNC_init_thread(maxSize: number, initSize: number): 0 | 1 {
  return initPool(maxSize, initSize);
}

/** Free this thread's pool; the next start uses a fresh unlimited pool. Paused jobs stay resumable. */
export function ASYNC_cleanup_thread(): void {
  cleanupPool();
}

/**
 * Start a job or resume a paused one. Arguments are copied once at the first start: a byte view
 * gives a fresh `Uint8Array` of `size` bytes (whole view when omitted), other values are
 * `structuredClone`d, `null`/`undefined`/`size === 0` give `null`.
 *
 * @param job - in: `null` to start, a paused job to resume; out: the job on PAUSE, null on FINISH
 * @param ctx - the job's wait context (ignored on resume)
 * @param ret - written with the body's return value by the call that returns FINISH
 * @param func - the body: generator function (status returned at once), async function
 *   (a Promise of the status) or plain function
 * @param args - copied for the job
 * @param size - bytes of a byte view to copy
 * @returns ASYNC_PAUSE, ASYNC_FINISH, ASYNC_NO_JOBS or ASYNC_ERR (error queued:
 *   `ASYNC_R_JOB_FAILED`, `ERR_R_INTERNAL_ERROR` for a nested start,
 *   `ERR_R_PASSED_INVALID_ARGUMENT` for a handle that is not paused or arguments that cannot be copied)
 * @throws TypeError / RangeError for arguments of the wrong type or a `size` too large
 */
export const ASYNC_start_job: <R = unknown>(
  job: Ref<ASYNC_JOB | null>,
  ctx: ASYNC_WAIT_CTX | null,
  ret: Ref<R> | null,
  func: JobBody<R, never> | null,
  args?: unknown,
  size?: number,
) => number | Promise<number> = start as never;

/**
 * Pause the running job: `yield* ASYNC_pause_job()` in a generator body, `await
 * ASYNC_pause_job()` in an async body; evaluates to 1. Outside a job or while blocked it
 * completes at once with 1.
 *
 * @returns the pause request
 */
export function ASYNC_pause_job(): PauseRequest {
  return pauseJob();
}

/** @returns the job running on this thread (as seen by the caller), or null */
export function ASYNC_get_current_job(): ASYNC_JOB | null {
  return getCurrentJob();
}

/**
 * @param job - a job handle
 * @returns the wait context it was started with, or null
 */
export function ASYNC_get_wait_ctx(job: ASYNC_JOB): ASYNC_WAIT_CTX | null {
  if (job === null || typeof job !== 'object' || !('waitCtx' in job)) throw invalidArgType('job', 'an ASYNC_JOB', job);
  return job.waitCtx;
}

/** Block pauses of the running job (nests); ignored outside a job. */
export function ASYNC_block_pause(): void {
  blockPause();
}

/** Undo one block; never below 0; ignored outside a job. */
export function ASYNC_unblock_pause(): void {
  unblockPause();
}

/** @returns 1: every platform Node runs on can run jobs */
export function ASYNC_is_capable(): 0 | 1 {
  return 1;
}

/** @returns a new, empty wait context */
export function ASYNC_WAIT_CTX_new(): ASYNC_WAIT_CTX {
  return new WaitContext();
}

/**
 * Free a wait context, running the cleanup of each live entry once, newest first.
 *
 * @param ctx - the context, or null (does nothing)
 */
export function ASYNC_WAIT_CTX_free(ctx: ASYNC_WAIT_CTX | null): void {
  if (ctx === null || ctx === undefined) return;
  checkCtx(ctx).free();
}

/**
 * Add a wait handle under `key` (newest first, duplicates allowed).
 *
 * @returns 1, or 0 if the context was freed
 */
export function ASYNC_WAIT_CTX_set_wait_fd(
  ctx: ASYNC_WAIT_CTX,
  key: unknown,
  fd: WaitFd,
  customData?: unknown,
  cleanup?: WaitFdCleanup | null,
): 0 | 1 {
  return checkCtx(ctx).setWaitFd(key, fd, customData, cleanup);
}

/**
 * Look up the newest live entry under `key`.
 *
 * @returns 1 and both outputs written, or 0 and outputs untouched
 */
export function ASYNC_WAIT_CTX_get_fd(
  ctx: ASYNC_WAIT_CTX,
  key: unknown,
  fd: Ref<WaitFd>,
  customData: Ref<unknown>,
): 0 | 1 {
  const e = checkCtx(ctx)._find(key);
  if (e === null) return 0;
  fd.value = e.fd;
  customData.value = e.customData;
  return 1;
}

/**
 * Count the live wait handles and, when `fds` is given, write them newest first from index 0.
 *
 * @returns 1
 */
export function ASYNC_WAIT_CTX_get_all_fds(ctx: ASYNC_WAIT_CTX, fds: WaitFd[] | null, numfds: Ref<number>): 0 | 1 {
  const c = checkCtx(ctx);
  numfds.value = c.size;
  if (fds !== null && fds !== undefined) c.getAllWaitFds(fds);
  return 1;
}

/**
 * The handles added and deleted since a paused job on the context last resumed.
 *
 * @returns 1
 */
export function ASYNC_WAIT_CTX_get_changed_fds(
  ctx: ASYNC_WAIT_CTX,
  addfd: WaitFd[] | null,
  numaddfds: Ref<number>,
  delfd: WaitFd[] | null,
  numdelfds: Ref<number>,
): 0 | 1 {
  const c = checkCtx(ctx);
  numaddfds.value = c._numAdd;
  numdelfds.value = c._numDel;
  if ((addfd === null || addfd === undefined) && (delfd === null || delfd === undefined)) return 1;
  c._fillChanged(addfd ?? null, delfd ?? null);
  return 1;
}

/**
 * Remove the newest live entry under `key` (no cleanup is called).
 *
 * @returns 1, or 0 if there is none
 */
export function ASYNC_WAIT_CTX_clear_fd(ctx: ASYNC_WAIT_CTX, key: unknown): 0 | 1 {
  return checkCtx(ctx).clearWaitFd(key);
}

/**
 * Store the engine callback and its argument (`null` removes it).
 *
 * @returns 1, or 0 if `ctx` is null or freed
 */
export function ASYNC_WAIT_CTX_set_callback(
  ctx: ASYNC_WAIT_CTX | null,
  callback: WaitCallback | null,
  arg?: unknown,
): 0 | 1 {
  if (ctx === null || ctx === undefined) return 0;
  return checkCtx(ctx).setCallback(callback, arg);
}

/**
 * Read the stored callback.
 *
 * @returns 1 and both outputs written, or 0 (outputs untouched) if no callback is stored
 */
export function ASYNC_WAIT_CTX_get_callback(
  ctx: ASYNC_WAIT_CTX,
  callback: Ref<WaitCallback | null>,
  arg: Ref<unknown>,
): 0 | 1 {
  const c = checkCtx(ctx);
  if (c.callback === null) return 0;
  callback.value = c.callback;
  arg.value = c.callbackArg;
  return 1;
}

/**
 * Store the engine status (any integer).
 *
 * @returns 1
 */
export function ASYNC_WAIT_CTX_set_status(ctx: ASYNC_WAIT_CTX, status: number): 0 | 1 {
  return checkCtx(ctx).setStatus(status);
}

/** @returns the stored status (0 by default) */
export function ASYNC_WAIT_CTX_get_status(ctx: ASYNC_WAIT_CTX): number {
  return checkCtx(ctx).status;
}

/** @returns the oldest queued error (removed), or null */
export function ERR_get_error(): AsyncError | null {
  return getError();
}

/** @returns the oldest queued error (kept), or null */
export function ERR_peek_error(): AsyncError | null {
  return peekError();
}

/** Empty the error queue. */
export function ERR_clear_error(): void {
  clearErrors();
}

function checkCtx(ctx: unknown): WaitContext {
  if (!(ctx instanceof WaitContext)) throw invalidArgType('ctx', 'an ASYNC_WAIT_CTX', ctx);
  return ctx;
}
