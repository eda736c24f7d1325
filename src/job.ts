/**
 * The job object: OpenSSL's four-state machine, driven by generators or promises instead of
 * stack switching.
 */
import type { Ref } from './ref.js';
import type { WaitContext } from './wait-context.js';

/** @internal The job's body is running (from a start or resume until its next pause or its end). */
export const RUNNING = 0;
/** @internal The job is paused: its handle may be passed back to resume it. */
export const PAUSED = 2;
/** @internal The job is idle in a pool (finished, or never started). */
export const STOPPING = 3;

/** A job body: a generator function, an async function, or a plain function. */
export type JobBody<R = unknown, A = unknown> =
  ((args: A) => Generator<unknown, R, unknown>) | ((args: A) => PromiseLike<R>) | ((args: A) => R);

/**
 * @internal One run of an async body: the token `getCurrentJob` finds across the body's awaits,
 * and the promise plumbing of its segments. Generator jobs never allocate one.
 */
export class AsyncRun {
  /** Settles the promise the current start/resume returned. */
  settle: ((status: number) => void) | null = null;
  /** Continues `await pauseJob()` with 1. */
  cont: ((value: number) => void) | null = null;
  /** Throws at `await pauseJob()`. */
  thrower: ((error: unknown) => void) | null = null;
  /** The body ended while paused: its outcome, reported at the next resume. */
  ended: { ok: boolean; value: unknown } | null = null;
  /** @param job - the job, until the run ends (then `null`: stale callbacks find no job) */
  constructor(public job: Job | null) {}
}

/** @internal The owner of a job object (the per-thread pool that built it). */
export interface JobOwner {
  readonly max: number;
}

/**
 * A job: a body that runs until it pauses, and is resumed later from the pause point.
 *
 * Job objects come from the thread's pool and are reused, last released first, as in C: a handle
 * kept after the job finished may later denote another job. Only {@link Job.waitCtx} and
 * {@link Job.paused} are public; everything else is driven through `startJob` (or a `JobLoop`).
 */
export class Job {
  /** @internal RUNNING, PAUSED or STOPPING. */
  _state: number = STOPPING;
  /** @internal */
  _waitCtx: WaitContext | null = null;
  /** @internal The generator of a generator body (set exactly for generator bodies). */
  _iterator: Iterator<unknown, unknown, unknown> | null = null;
  /** @internal Pause-block nesting depth; belongs to this job and ends with it. */
  _blocked = 0;
  /** @internal The job ref of the start/resume call now running. */
  _jobRef: Ref<Job | null> | null = null;
  /** @internal The result ref of the start/resume call now running. */
  _retRef: Ref<unknown> | null = null;
  /** @internal The promise plumbing of an async body (set exactly for async bodies, and while the kind is not known yet). */
  _async: AsyncRun | null = null;
  /** @internal The pool that built this object. */
  readonly _owner: JobOwner;

  /** @internal Jobs are made by the pool. */
  constructor(owner: JobOwner) {
    this._owner = owner;
  }

  /** The wait context the job was first started with (`null` if none, or once it finished). */
  get waitCtx(): WaitContext | null {
    return this._waitCtx;
  }

  /** Whether the job is paused, waiting to be resumed. */
  get paused(): boolean {
    return this._state === PAUSED;
  }
}
