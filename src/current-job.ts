/**
 * Which job is running on this thread: the one whose code runs now, on the job's behalf.
 *
 * Generator bodies run synchronously, so a plain variable tells. Async bodies run across
 * awaits, so their code finds its job through an `AsyncLocalStorage` token, created lazily the
 * first time an async (or not-a-generator) body starts: programs that only use generator
 * bodies never enable it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { RUNNING, type AsyncRun, type Job } from './job.js';

let syncCurrent: Job | null = null;
let storage: AsyncLocalStorage<AsyncRun> | null = null;

/**
 * The job running on this thread, as seen by the code that asks.
 *
 * It returns the job only to code that runs on the job's behalf while the job is running — from
 * a start or resume until its next pause or its end, across the job's own awaits. The caller,
 * other jobs, and callbacks that fire while the job is paused get `null`.
 *
 * @returns the running job, or `null`
 */
export function getCurrentJob(): Job | null {
  if (syncCurrent !== null) return syncCurrent;
  if (storage === null) return null;
  const token = storage.getStore();
  if (token === undefined) return null;
  const job = token.job;
  return job !== null && job._state === RUNNING ? job : null;
}

/** @internal Set while a job's code runs synchronously; returns the previous value. */
export function enterJob(job: Job | null): Job | null {
  const prev = syncCurrent;
  syncCurrent = job;
  return prev;
}

/** @internal The job whose code runs synchronously right now (generator bodies). */
export function syncJob(): Job | null {
  return syncCurrent;
}

/**
 * @internal Call `body(args)` so that everything it schedules, across awaits, finds `token`.
 */
export function runWithToken<T>(token: AsyncRun, body: (args: unknown) => T, args: unknown): T {
  return (storage ??= new AsyncLocalStorage<AsyncRun>()).run(token, body, args);
}

/**
 * @internal Call `fn` outside every job's async context: work scheduled from inside an async
 * body (a `setImmediate`, a timer) inherits that job's context, and must not pass for it.
 */
export function outsideJobs(fn: () => void): void {
  if (storage === null) fn();
  else storage.exit(fn);
}
