/**
 * One `JobLoop.run`: its job, its wait context, and where it stands. A plain monomorphic object:
 * it is the job's out-parameter (`value`), the waiter the adapters report to, the observer of its
 * context, the polling item and the ready-queue item, so a pause allocates nothing.
 */
import type { Job, JobBody } from '../job.js';
import type { Ref } from '../ref.js';
import type { WaitCallback, WaitContext, WaitContextObserver } from '../wait-context.js';
import type { Pollable } from './poll-scheduler.js';
import type { Resumable } from './ready-queue.js';
import type { Waiter } from './wait-adapter.js';

/** Waiting in the concurrency queue. */
export const QUEUED = 0;
/** Waiting for the pool to have a job. */
export const WAITING_JOB = 1;
/** Its body is running (a start or resume is in progress). */
export const RUNNING = 2;
/** Paused, its wait handles armed. */
export const PAUSED = 3;
/** Woken, queued to be resumed. */
export const READY = 4;
/** Settled. */
export const DONE = 5;

/** Why a job was resumed (the keys of the wake-up counters). */
export type WakeReason = 'fd' | 'stream' | 'signal' | 'callback' | 'poll' | 'error';

/** @internal What the run's loop does for it. */
export interface RunOwner {
  _resume(run: LoopRun): void;
  _onHandleReady(run: LoopRun, handle: unknown, error: Error | null): void;
  _onWaitFdsChanged(run: LoopRun): void;
  _onPollDue(run: LoopRun): void;
  _onEngineCallback(run: LoopRun): void;
}

/** @internal */
export class LoopRun implements Ref<Job | null>, Waiter, WaitContextObserver, Pollable, Resumable {
  /** The job, as the core's out-parameter. */
  value: Job | null = null;
  readonly result: Ref<unknown> = { value: undefined };
  state = QUEUED;
  started = false;
  /** Handles armed during this pause. */
  readonly armed: unknown[] = [];
  /** Throw this at the pause point on the next resume. */
  hasThrow = false;
  throwValue: unknown = undefined;
  /** The engine called back while the job was running: do not wait at the next pause. */
  callbackFired = false;
  /** The callback and argument the application had set on the context. */
  appCallback: WaitCallback | null = null;
  appCallbackArg: unknown = undefined;
  /** The status seen at the last pause (a change counts as progress). */
  lastStatus = 0;
  /** Fallback polling: the current delay (0 = start over). */
  pollDelay = 0;
  pollDue = 0;
  pollIndex = -1;
  /** Why the job will be resumed. */
  wakeReason: WakeReason = 'poll';
  aborted = false;
  abortReason: unknown = undefined;
  abortThrows = 0;
  timer: unknown = null;
  onAbort: (() => void) | null = null;
  resolve: (value: unknown) => void = noop;
  reject: (reason: unknown) => void = noop;

  constructor(
    readonly owner: RunOwner,
    readonly id: number,
    readonly body: JobBody<unknown, never>,
    readonly args: unknown,
    readonly ctx: WaitContext,
    readonly ownsCtx: boolean,
    readonly keepAlive: boolean,
    readonly signal: AbortSignal | null,
  ) {}

  onHandleReady(handle: unknown, error: Error | null): void {
    this.owner._onHandleReady(this, handle, error);
  }

  onWaitFdsChanged(): void {
    this.owner._onWaitFdsChanged(this);
  }

  onPollDue(): void {
    this.owner._onPollDue(this);
  }

  resumeFromQueue(): void {
    this.owner._resume(this);
  }
}

function noop(): void {}

/**
 * The callback the loop installs in a run's context (OpenSSL 3's callback mode): an engine
 * fetches it with `ASYNC_WAIT_CTX_get_callback` and calls it with its argument, the run.
 *
 * @internal
 */
export const engineCallback: WaitCallback = (arg: unknown): number => {
  const run = arg as LoopRun;
  let r = 1;
  if (run.appCallback !== null) r = run.appCallback(run.appCallbackArg);
  run.owner._onEngineCallback(run);
  return r;
};
