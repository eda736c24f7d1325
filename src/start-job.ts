/**
 * Starting and resuming jobs: OpenSSL's `ASYNC_start_job` loop, with generator bodies driven
 * synchronously and async bodies driven by promises.
 */
import { AsyncError, invalidArgType } from './errors.js';
import { pushError } from './error-queue.js';
import { AsyncRun, Job, PAUSED, RUNNING, type JobBody } from './job.js';
import { releaseJob, takeJob } from './job-pool.js';
import { enterJob, getCurrentJob, runWithToken } from './current-job.js';
import { checkArgsSize, copyArgs } from './job-args.js';
import { JobStatus } from './status.js';
import { WaitContext } from './wait-context.js';
import type { Ref } from './ref.js';

const { ERR, NO_JOBS, PAUSE, FINISH } = JobStatus;
const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor;

/**
 * Start a job, or resume a paused one (`ASYNC_start_job` without the argument copy).
 *
 * When `job.value` is `null`, a job object is taken from the thread's pool and `body(args)` runs
 * in it with `args` as given. When `job.value` is a paused job, that job resumes from its pause
 * point and `waitCtx`, `body` and `args` are ignored. The kind of body is decided by what its
 * first call returns: an iterator (generator body, driven synchronously: the status comes back at
 * once), a thenable (async body: a `Promise` of the status, settled when the job pauses, finishes
 * or fails), anything else (a plain body that finished in that call).
 *
 * @param job - in: `null` to start, or a paused job to resume; out: the job on `PAUSE`, `null` on
 *   `FINISH` and on a failed body
 * @param waitCtx - the job's wait context (may be `null`); kept for the job's whole life
 * @param result - written with the body's return value only by the call that returns `FINISH`
 * @param body - the job's body (ignored on resume)
 * @param args - passed to the body (ignored on resume)
 * @returns `PAUSE`, `FINISH`, `NO_JOBS` (pool full; nothing changed) or `ERR` (see the error
 *   queue: `ASYNC_R_JOB_FAILED` when the body threw, with the thrown value as `cause`;
 *   `ERR_R_INTERNAL_ERROR` when called from inside a running job; `ERR_R_PASSED_INVALID_ARGUMENT`
 *   when `job.value` is not a paused job, or `waitCtx` was freed) — or a `Promise` of one of
 *   them for an async body
 * @throws TypeError for a `job` that is not a ref, a `body` that is not a function, or a
 *   `waitCtx` that is not a {@link WaitContext}
 * @example
 * ```ts
 * const job: Ref<Job | null> = { value: null };
 * const result: Ref<number> = { value: 0 };
 * let status = startJob(job, ctx, result, function* () { yield* pauseJob(); return 42; });
 * while (status === JobStatus.PAUSE) status = startJob(job, ctx, result, null);
 * ```
 */
export function startJob<R, A>(
  job: Ref<Job | null>,
  waitCtx: WaitContext | null,
  result: Ref<R> | null,
  body: JobBody<R, A> | null,
  args?: A,
): number | Promise<number> {
  return start(job, waitCtx, result as Ref<unknown> | null, body, args, NO_COPY);
}

/**
 * Resume a paused job with `error` thrown at its pause point (so its `finally` blocks run).
 *
 * @param job - in: the paused job; out as for {@link startJob}
 * @param result - as for {@link startJob}
 * @param error - thrown at the pause point
 * @returns as for {@link startJob}; a job that does not catch `error` gives `ERR` with a queued
 *   `ASYNC_R_JOB_FAILED` whose `cause` is `error`
 */
export function throwIntoJob<R>(job: Ref<Job | null>, result: Ref<R> | null, error: unknown): number | Promise<number> {
  checkRefs(job, result);
  const j = job.value;
  if (!(j instanceof Job)) throw invalidArgType('job.value', 'a paused Job', j);
  if (getCurrentJob() !== null) return nestedStart();
  return resume(j, job, result as Ref<unknown> | null, error, true);
}

/** @internal `size` meaning "pass the arguments as given" (the idiomatic API); no caller can forge it. */
export const NO_COPY: unique symbol = Symbol('asyncjob.noCopy');

/**
 * @internal The whole algorithm. Unless `size` is `NO_COPY`, the arguments are copied by the
 * OpenSSL-named API's rule (`size` undefined = the whole byte view); `ASYNC_start_job` is this
 * function itself, so resuming through it costs no extra call.
 */
export function start(
  jobRef: Ref<Job | null>,
  ctx: WaitContext | null,
  retRef: Ref<unknown> | null,
  body: JobBody<unknown, never> | null,
  args?: unknown,
  size?: number | typeof NO_COPY,
): number | Promise<number> {
  checkRefs(jobRef, retRef);
  const paused = jobRef.value;
  if (paused !== null && paused !== undefined) {
    if (!(paused instanceof Job)) throw invalidArgType('job.value', 'a Job or null', paused);
    if (getCurrentJob() !== null) return nestedStart();
    return resume(paused, jobRef, retRef, undefined, false);
  }
  if (typeof body !== 'function') throw invalidArgType('func', 'a function', body);
  if (ctx === undefined) ctx = null;
  if (ctx !== null && !(ctx instanceof WaitContext)) throw invalidArgType('ctx', 'a WaitContext or null', ctx);
  const copy = size !== NO_COPY;
  if (copy) checkArgsSize(args, size);
  if (getCurrentJob() !== null) return nestedStart();
  if (ctx !== null && ctx._freed) return fail(NO_CAUSE, 'ERR_R_PASSED_INVALID_ARGUMENT', 'The wait context was freed');
  const job = takeJob();
  if (job === null) return NO_JOBS;
  if (copy) {
    try {
      args = copyArgs(args, size);
    } catch (cause) {
      releaseJob(job);
      return fail(cause, 'ERR_R_PASSED_INVALID_ARGUMENT', 'The job arguments cannot be copied');
    }
  }
  job._state = RUNNING;
  job._waitCtx = ctx;
  job._blocked = 0;
  job._jobRef = jobRef;
  job._retRef = retRef;
  if (body.constructor === GeneratorFunction)
    return startGenerator(job, body as (a: unknown) => Iterator<unknown>, args);
  return startOther(job, body as (a: unknown) => unknown, args);
}

function startGenerator(job: Job, body: (a: unknown) => Iterator<unknown>, args: unknown): number {
  const prev = enterJob(job);
  let it: Iterator<unknown>;
  try {
    it = body(args);
  } catch (error) {
    enterJob(prev);
    return failJob(job, error);
  }
  enterJob(prev);
  job._iterator = it;
  return step(job, undefined, false);
}

function startOther(job: Job, body: (a: unknown) => unknown, args: unknown): number | Promise<number> {
  const token = new AsyncRun(job);
  job._async = token; // before the call: lets a synchronous `pauseJob().then()` in the body pause
  const segment = new Promise<number>((resolve) => {
    token.settle = resolve;
  });
  const prev = enterJob(job);
  let value: unknown;
  try {
    value = runWithToken(token, body, args);
  } catch (error) {
    enterJob(prev);
    return failJob(job, error);
  }
  enterJob(prev);
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    const v = value as { next?: unknown; then?: unknown };
    if (typeof v.next === 'function' && job._state === RUNNING) {
      dropAsync(job);
      job._iterator = value as Iterator<unknown>;
      return step(job, undefined, false);
    }
    if (typeof v.then === 'function') {
      (value as PromiseLike<unknown>).then(
        (result) => asyncEnded(job, token, true, result),
        (error) => asyncEnded(job, token, false, error),
      );
      return segment;
    }
  }
  dropAsync(job);
  return finishJob(job, value);
}

/** @internal Resume `job` (paused): with 1, or with `error` thrown at its pause point. */
function resume(
  job: Job,
  jobRef: Ref<Job | null>,
  retRef: Ref<unknown> | null,
  error: unknown,
  throwing: boolean,
): number | Promise<number> {
  if (job._state !== PAUSED)
    return fail(NO_CAUSE, 'ERR_R_PASSED_INVALID_ARGUMENT', 'The job handle does not denote a paused job');
  job._state = RUNNING;
  job._jobRef = jobRef;
  job._retRef = retRef;
  const ctx = job._waitCtx;
  if (ctx !== null && (ctx._numAdd !== 0 || ctx._numDel !== 0)) ctx._reset(); // the common case stays inline
  if (job._iterator !== null) return step(job, throwing ? error : 1, throwing);
  return resumeAsync(job, error, throwing);
}

/** Resume an async body: settle `await pauseJob()` and return the new segment's promise. */
function resumeAsync(job: Job, error: unknown, throwing: boolean): Promise<number> {
  const run = job._async!;
  const segment = new Promise<number>((resolve) => {
    run.settle = resolve;
  });
  const ended = run.ended;
  if (ended !== null) {
    run.ended = null;
    settle(run, ended.ok ? finishJob(job, ended.value) : failJob(job, ended.value));
    return segment;
  }
  const cont = run.cont!;
  const thrower = run.thrower!;
  run.cont = run.thrower = null;
  if (throwing) thrower(error);
  else cont(1);
  return segment;
}

/** Drive a generator body until it pauses or ends. */
function step(job: Job, input: unknown, throwing: boolean): number {
  const it = job._iterator!;
  const prev = enterJob(job);
  let r: IteratorResult<unknown>;
  try {
    r = throwing ? throwInto(it, input) : it.next(input);
    while (!r.done && job._blocked > 0) r = it.next(1); // a raw `yield` while blocked does not pause
  } catch (error) {
    enterJob(prev);
    return failJob(job, error);
  }
  enterJob(prev);
  if (r.done) return finishJob(job, r.value);
  return pauseJobHere(job);
}

function throwInto(it: Iterator<unknown>, error: unknown): IteratorResult<unknown> {
  if (typeof it.throw === 'function') return it.throw(error);
  throw error;
}

/** @internal `await pauseJob()` in an async body that may pause. */
export function pauseAsyncJob(job: Job, cont: (value: number) => void, thrower: (error: unknown) => void): void {
  const run = job._async!;
  run.cont = cont;
  run.thrower = thrower;
  settle(run, pauseJobHere(job));
}

/** The job paused: hand its handle out, and let go of this call's refs (the resume brings new ones). */
function pauseJobHere(job: Job): number {
  const ref = job._jobRef!;
  job._state = PAUSED;
  job._jobRef = null;
  job._retRef = null;
  ref.value = job;
  return PAUSE;
}

function asyncEnded(job: Job, token: AsyncRun, ok: boolean, value: unknown): void {
  if (token.job !== job) return;
  if (job._state === PAUSED) {
    token.ended = { ok, value }; // ended without waiting for its pause: reported at the next resume
    return;
  }
  settle(token, ok ? finishJob(job, value) : failJob(job, value));
}

function settle(run: AsyncRun, status: number): void {
  const s = run.settle;
  run.settle = null;
  if (s !== null) s(status);
}

/** The body turned out not to be async: drop its plumbing (the segment promise is never used). */
function dropAsync(job: Job): void {
  const run = job._async!;
  run.job = null;
  job._async = null;
}

function finishJob(job: Job, value: unknown): number {
  const ret = job._retRef;
  if (ret !== null) ret.value = value;
  job._jobRef!.value = null;
  retire(job);
  return FINISH;
}

function failJob(job: Job, error: unknown): number {
  job._jobRef!.value = null;
  retire(job);
  return fail(error, 'ASYNC_R_JOB_FAILED', 'The job body threw');
}

function retire(job: Job): void {
  job._waitCtx = null;
  job._iterator = null;
  job._blocked = 0;
  job._jobRef = null;
  job._retRef = null;
  const run = job._async;
  if (run !== null) {
    run.job = null; // callbacks the body left behind no longer find the job
    job._async = null;
  }
  releaseJob(job);
}

function nestedStart(): number {
  return fail(NO_CAUSE, 'ERR_R_INTERNAL_ERROR', 'A job cannot be started from inside a running job');
}

const NO_CAUSE = Symbol('no cause');

function fail(
  cause: unknown,
  code: 'ASYNC_R_JOB_FAILED' | 'ERR_R_INTERNAL_ERROR' | 'ERR_R_PASSED_INVALID_ARGUMENT',
  message: string,
): number {
  pushError(new AsyncError(code, message, cause === NO_CAUSE ? undefined : { cause }));
  return ERR;
}

function checkRefs(jobRef: unknown, retRef: unknown): void {
  if (jobRef === null || typeof jobRef !== 'object') throw invalidArgType('job', 'a ref object ({ value })', jobRef);
  if (retRef !== null && retRef !== undefined && typeof retRef !== 'object')
    throw invalidArgType('ret', 'a ref object ({ value }) or null', retRef);
}
