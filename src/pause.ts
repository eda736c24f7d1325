/**
 * Pausing a job, and blocking pauses.
 */
import { getCurrentJob, syncJob } from './current-job.js';
import { pauseAsyncJob } from './start-job.js';

/** The value a paused generator body yields to its driver (any yielded value pauses). */
const PAUSE_REQUEST = Symbol('asyncjob.pause');
const DONE: IteratorReturnResult<1> = Object.freeze({ done: true, value: 1 });
const YIELD_PAUSE: IteratorYieldResult<symbol> = Object.freeze({ done: false, value: PAUSE_REQUEST });

/**
 * What {@link pauseJob} returns: consumed with `yield*` in a generator body, or with `await` in
 * an async body; either way it evaluates to `1`.
 */
export interface PauseRequest extends Iterator<unknown, 1, unknown>, Iterable<unknown, 1, unknown>, PromiseLike<1> {}

/**
 * One object, shared by every pause: iterable for generator bodies, thenable for async bodies.
 * Whether it pauses is decided when it is consumed. It keeps no state: `yield*` calls `next()`
 * first with `undefined` (decide now), and the driver resumes a paused job with `next(1)`
 * (resumed: done, evaluating to 1), so it allocates nothing per pause.
 */
const pauseRequest: PauseRequest = {
  [Symbol.iterator]() {
    return pauseRequest;
  },
  next(resumed?: unknown): IteratorResult<unknown, 1> {
    if (resumed === 1) return DONE;
    const job = syncJob();
    if (job === null || job._iterator === null || job._blocked > 0) return DONE;
    return YIELD_PAUSE;
  },
  return(value?: unknown): IteratorResult<unknown, 1> {
    return { done: true, value: value as 1 };
  },
  throw(error?: unknown): IteratorResult<unknown, 1> {
    throw error;
  },
  then<T1 = 1, T2 = never>(
    onfulfilled?: ((value: 1) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): PromiseLike<T1 | T2> {
    const job = getCurrentJob();
    if (job === null || job._async === null || job._blocked > 0 || typeof onfulfilled !== 'function') {
      if (typeof onfulfilled === 'function') onfulfilled(1);
    } else {
      pauseAsyncJob(job, onfulfilled as (v: number) => void, typeof onrejected === 'function' ? onrejected : rethrow);
    }
    return undefined as unknown as PromiseLike<T1 | T2>;
  },
};

function rethrow(error: unknown): never {
  throw error;
}

/**
 * Pause the running job: control goes back to whoever started or resumed it (which gets
 * `PAUSE`), and the job continues here when it is resumed.
 *
 * In a generator body write `yield* pauseJob()`; in an async body `await pauseJob()`. Both
 * evaluate to `1`. Outside a job, or while pauses are blocked ({@link blockPause}), it completes
 * at once with `1` and does not pause. A job resumed this way should re-check what it waits for:
 * readiness is a hint, and pausing again is normal.
 *
 * The returned object is for `yield*` or `await` only; its `then` returns nothing to chain on.
 *
 * @returns a pause request (the same object every time)
 * @example
 * ```ts
 * function* body() {
 *   while (!engine.ready()) yield* pauseJob();
 *   return engine.result();
 * }
 * ```
 */
export function pauseJob(): PauseRequest {
  return pauseRequest;
}

/**
 * Stop the running job from pausing until a matching {@link unblockPause}; calls nest. Outside a
 * job it does nothing (and is not remembered). The count belongs to the running job and ends
 * with it.
 */
export function blockPause(): void {
  const job = getCurrentJob();
  if (job !== null) job._blocked++;
}

/** Undo one {@link blockPause}; extra calls are ignored (the count never goes below 0). */
export function unblockPause(): void {
  const job = getCurrentJob();
  if (job !== null && job._blocked > 0) job._blocked--;
}
