/**
 * `JobLoop`: runs jobs inside Node's event loop, resuming each paused job as soon as one of its
 * wait handles is readable.
 */
import { EventEmitter } from 'eventemitter3';
import PQueue from 'p-queue';
import { AsyncError, invalidArgType, outOfRange } from '../errors.js';
import { takeLastError } from '../error-queue.js';
import { getCurrentJob } from '../current-job.js';
import type { JobBody } from '../job.js';
import { startJob, throwIntoJob } from '../start-job.js';
import { JobStatus, WaitStatus } from '../status.js';
import { isLiveEntry, WaitContext } from '../wait-context.js';
import { WaitSignal } from '../wait-signal.js';
import { resolveOptions, type JobLoopOptions, type ResolvedJobLoopOptions } from './job-loop-options.js';
import {
  DONE,
  engineCallback,
  LoopRun,
  PAUSED,
  QUEUED,
  READY,
  RUNNING,
  WAITING_JOB,
  type RunOwner,
  type WakeReason,
} from './loop-run.js';
import { collectStats, type JobLoopStats } from './loop-stats.js';
import { PollScheduler } from './poll-scheduler.js';
import { enqueueResume } from './ready-queue.js';
import { adapterFor, READY_NOW } from './wait-adapter.js';

/** Options of {@link JobLoop.run}. */
export interface RunOptions {
  /**
   * The job's wait context. When given, it stays the application's (the loop never frees it);
   * when omitted, the loop makes one for the run and frees it when the run settles (running its
   * cleanups once).
   */
  waitCtx?: WaitContext;
  /** Aborts the run: the paused job gets `signal.reason` thrown at its pause point. */
  signal?: AbortSignal;
  /** Milliseconds until the run is aborted with a `TimeoutError`. */
  timeout?: number;
}

/** The events of a {@link JobLoop} (a closed map, used as the emitter's type). */
export interface JobLoopEvents {
  /** A run's job paused (`id` numbers runs of this loop from 1). */
  pause: [id: number];
  /** A run's job is about to resume, and why. */
  resume: [id: number, reason: WakeReason];
  /** A run settled. */
  settle: [id: number, ok: boolean];
  /** `close()` finished. */
  close: [];
}

/** How many times an aborted job that keeps catching the abort error and pausing again gets it thrown. */
const MAX_ABORT_THROWS = 16;

/**
 * Runs jobs in Node's event loop: whenever a job pauses, the loop watches all the wait handles of
 * its context with `select` semantics and resumes it once as soon as any is readable.
 *
 * - **fds** are watched through libuv (`uv_poll`) without being read: the job clears its own wake
 *   signal (see `drainFd`). Readiness is a hint: a job resumed with nothing to read pauses again.
 * - **`Readable` streams** are readable when they have data buffered, or have ended, errored or
 *   closed; the loop never consumes data.
 * - **`WaitSignal`s** are readable from `notify()` until `clear()`.
 * - **Callback mode**: the loop installs a callback on the job's context (wrapping one the
 *   application set); an engine fetches it and calls it when its work is done, even before the job
 *   paused. At every pause the loop reads the context's status: `ASYNC_STATUS_OK` waits for the
 *   callback (and any handles), `ASYNC_STATUS_EAGAIN` retries on the polling timer,
 *   `ASYNC_STATUS_ERR` throws an `AsyncError` with code `ASYNC_STATUS_ERR` at the pause point.
 * - **Fallback polling**: a job that paused with nothing to watch is retried on a timer with
 *   exponential backoff (`pollInitialDelay` × `pollFactor`^n, capped at `pollMaxDelay`), reset
 *   when the job makes progress: it is woken by a handle or callback, or its segment changed its
 *   context's handles or status.
 *
 * Wake-ups are never delivered re-entrantly: they are queued and served from the top of the stack.
 * Only armed fd watches keep the process alive (`keepAlive`), unless `holdOpen` keeps it alive
 * while any run is active.
 *
 * @example
 * ```ts
 * const loop = new JobLoop();
 * const [r, w] = pipe();
 * setTimeout(() => notifyFd(w), 10);
 * const n = await loop.run(function* () {
 *   getCurrentJob()!.waitCtx!.setWaitFd('wake', r);
 *   let got;
 *   while ((got = drainFd(r)) === 0) yield* pauseJob();
 *   return got;
 * });
 * await loop.close();
 * ```
 */
export class JobLoop extends EventEmitter<JobLoopEvents> implements RunOwner {
  /** @internal */
  readonly _options: ResolvedJobLoopOptions;
  private readonly queue: PQueue | null;
  private readonly poller: PollScheduler;
  private readonly runs = new Set<LoopRun>();
  private readonly waitingForJob: LoopRun[] = [];
  private nextId = 1;
  private closed = false;
  private closing: Promise<void> | null = null;
  private resolveClosed: (() => void) | null = null;
  private readonly wakeups: Record<WakeReason, number> = {
    fd: 0,
    stream: 0,
    signal: 0,
    callback: 0,
    poll: 0,
    error: 0,
  };
  private spurious = 0;
  private pollRetries = 0;
  /** With `holdOpen`: a ref'd timer that keeps the process alive while runs are active. */
  private hold: NodeJS.Timeout | null = null;

  /**
   * @param options - see {@link JobLoopOptions}
   * @throws TypeError / RangeError for invalid options
   */
  constructor(options?: JobLoopOptions) {
    super();
    this._options = resolveOptions(options);
    this.queue = this._options.concurrency === Infinity ? null : new PQueue({ concurrency: this._options.concurrency });
    this.poller = new PollScheduler(this._options.timers);
  }

  /** Whether {@link JobLoop.close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Run `func(args)` as a job until it finishes, resuming it whenever it pauses and one of its
   * wait handles is readable. `args` is passed as given (no copy). The job comes from the
   * thread's pool; if the pool is full the run waits for a job.
   *
   * @param func - a generator function (`yield* pauseJob()`), an async function
   *   (`await pauseJob()`) or a plain function
   * @param args - passed to `func`
   * @param options - `waitCtx`, `signal`, `timeout`
   * @returns the job's return value; rejects with what the job threw, with `signal.reason` when
   *   aborted, with a `TimeoutError` (`DOMException`) on timeout, with an `AsyncError`
   *   `ERR_LOOP_CLOSED` after `close()`, or with the error of a wait handle that cannot be watched
   *   (a Node-style system error such as `EBADF`, `EPERM` or `EEXIST`) when the
   *   job does not handle it at its pause point
   */
  run<R, A = undefined>(func: JobBody<R, A>, args?: A, options?: RunOptions): Promise<R> {
    if (typeof func !== 'function') return Promise.reject(invalidArgType('func', 'a function', func));
    let ctx: WaitContext | undefined;
    let signal: AbortSignal | null = null;
    let timeout: number | undefined;
    if (options !== undefined) {
      if (options === null || typeof options !== 'object')
        return Promise.reject(invalidArgType('options', 'an object', options));
      ctx = options.waitCtx;
      if (ctx !== undefined && !(ctx instanceof WaitContext))
        return Promise.reject(invalidArgType('options.waitCtx', 'a WaitContext', ctx));
      if (ctx !== undefined && ctx.freed)
        return Promise.reject(new AsyncError('ERR_R_PASSED_INVALID_ARGUMENT', 'The wait context was freed'));
      if (options.signal !== undefined) {
        if (!(options.signal instanceof AbortSignal))
          return Promise.reject(invalidArgType('options.signal', 'an AbortSignal', options.signal));
        signal = options.signal;
        if (signal.aborted) return Promise.reject(signal.reason);
      }
      timeout = options.timeout;
      if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0) || timeout === Infinity)) {
        return Promise.reject(
          typeof timeout === 'number'
            ? outOfRange('options.timeout', 'a finite number >= 0', timeout)
            : invalidArgType('options.timeout', 'a number', timeout),
        );
      }
    }
    if (this.closed) return Promise.reject(new AsyncError('ERR_LOOP_CLOSED', 'The JobLoop is closed'));
    const run = new LoopRun(
      this,
      this.nextId++,
      func as JobBody<unknown, never>,
      args,
      ctx ?? new WaitContext(),
      ctx === undefined,
      this._options.keepAlive,
      signal,
    );
    const promise = new Promise<R>((resolve, reject) => {
      run.resolve = resolve as (v: unknown) => void;
      run.reject = reject;
    });
    this.runs.add(run);
    if (this._options.holdOpen && this.hold === null) this.hold = setInterval(noop, 0x7fffffff);
    if (signal !== null) {
      run.onAbort = () => this._abort(run, signal.reason);
      signal.addEventListener('abort', run.onAbort, { once: true });
    }
    if (timeout !== undefined) {
      run.timer = this._options.timers.setTimeout(
        () => this._abort(run, new DOMException('The job timed out', 'TimeoutError')),
        timeout,
      );
    }
    if (this.queue === null) this.begin(run);
    else this.queue.add(() => (this.begin(run), promise)).catch(noop);
    return promise;
  }

  /**
   * Stop: reject new runs with `ERR_LOOP_CLOSED`, abort every active run the same way (a paused
   * job gets the error thrown at its pause point so its `finally` blocks run), free the contexts
   * the loop created, and leave nothing that keeps the process alive.
   *
   * @returns resolves once every run has settled
   */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closed = true;
    this.closing = new Promise<void>((resolve) => {
      this.resolveClosed = resolve;
    });
    const error = new AsyncError('ERR_LOOP_CLOSED', 'The JobLoop was closed');
    for (const run of [...this.runs]) this._abort(run, error);
    this.queue?.clear();
    this.checkClosed();
    return this.closing;
  }

  /** @returns counters of what the loop is doing and has done */
  stats(): JobLoopStats {
    return collectStats(this.runs, this.wakeups, this.spurious, this.pollRetries);
  }

  private begin(run: LoopRun): void {
    if (run.state !== QUEUED) return; // aborted while queued
    const ctx = run.ctx;
    run.appCallback = ctx._callback;
    run.appCallbackArg = ctx._callbackArg;
    ctx._callback = engineCallback;
    ctx._callbackArg = run;
    run.lastStatus = ctx._status;
    if (getCurrentJob() !== null)
      this.wake(run, 'poll'); // run() called from a job: start from the top
    else this._resume(run);
  }

  /** @internal Run the job's next segment; only ever called from the top of the stack. */
  _resume(run: LoopRun): void {
    if (run.state === DONE) return;
    run.state = RUNNING;
    let status: number | Promise<number>;
    if (!run.started) {
      run.started = true;
      status = startJob(run, run.ctx, run.result, run.body, run.args as never);
    } else if (run.hasThrow) {
      const error = run.throwValue;
      run.hasThrow = false;
      run.throwValue = undefined;
      this.emitResume(run, 'error');
      status = throwIntoJob(run, run.result, error);
    } else {
      this.emitResume(run, run.wakeReason);
      status = startJob(run, null, run.result, null);
    }
    if (typeof status === 'number') this.afterSegment(run, status);
    else
      status.then(
        (s) => this.afterSegment(run, s),
        (e) => this.settle(run, false, e),
      );
  }

  private emitResume(run: LoopRun, reason: WakeReason): void {
    this.wakeups[reason]++;
    if (reason === 'poll') this.pollRetries++;
    if (this.listenerCount('resume') > 0) this.emit('resume', run.id, reason); // emit() alone allocates
  }

  private afterSegment(run: LoopRun, status: number): void {
    switch (status) {
      case JobStatus.PAUSE:
        this.onPause(run);
        return;
      case JobStatus.FINISH:
        this.settle(run, true, run.result.value);
        return;
      case JobStatus.NO_JOBS:
        run.started = false;
        run.state = WAITING_JOB;
        this.waitingForJob.push(run);
        this.schedulePoll(run, true);
        return;
      default: {
        const err = takeLastError();
        this.settle(run, false, err !== null && err.code === 'ASYNC_R_JOB_FAILED' ? err.cause : err);
      }
    }
  }

  private onPause(run: LoopRun): void {
    this.watchPaused(run);
    if (run.state !== DONE && this.listenerCount('pause') > 0) this.emit('pause', run.id);
  }

  /** The job paused: arm its handles, or wake it at once (error status, early callback, abort). */
  private watchPaused(run: LoopRun): void {
    run.state = PAUSED;
    if (run.aborted) {
      if (++run.abortThrows > MAX_ABORT_THROWS) {
        this.settle(run, false, run.abortReason); // the job keeps swallowing the abort: abandon it
        return;
      }
      this.wakeWithError(run, run.abortReason);
      return;
    }
    const ctx = run.ctx;
    const status = ctx._status;
    if (ctx._numAdd !== 0 || ctx._numDel !== 0 || status !== run.lastStatus) run.pollDelay = 0; // progress
    run.lastStatus = status;
    if (ctx._callback !== engineCallback || ctx._callbackArg !== run) {
      run.appCallback = ctx._callback; // the application set its own since: wrap it again
      run.appCallbackArg = ctx._callbackArg;
      ctx._callback = engineCallback;
      ctx._callbackArg = run;
    }
    if (status === WaitStatus.ERR) {
      this.wakeWithError(run, new AsyncError('ASYNC_STATUS_ERR', 'The engine reported ASYNC_STATUS_ERR'));
      return;
    }
    if (run.callbackFired) {
      run.callbackFired = false;
      this.wake(run, 'callback');
      return;
    }
    if (!this.armAll(run)) return;
    ctx._observer = run;
    if (needsPolling(run)) this.schedulePoll(run, true);
  }

  /** Arm every live handle of the run's context; false if the run was woken instead. */
  private armAll(run: LoopRun): boolean {
    const armed = run.armed;
    for (let e = run.ctx._head; e !== null; e = e.next) {
      if (!isLiveEntry(e)) continue;
      const h = e.fd;
      if (armed.length > 0 && armed.includes(h)) continue;
      const adapter = adapterFor(h);
      let r: number;
      try {
        r = adapter.arm(h, run);
      } catch (error) {
        this.disarmAll(run);
        this.wakeWithError(run, error);
        return false;
      }
      if (r === READY_NOW) {
        this.disarmAll(run);
        this.wake(run, reasonOf(h));
        return false;
      }
      armed.push(h);
    }
    return true;
  }

  private disarmAll(run: LoopRun): void {
    const armed = run.armed;
    // pop(), not `length = 0`: that would drop the array's backing store, and a pause would allocate
    while (armed.length > 0) {
      const h = armed.pop();
      adapterFor(h).disarm(h as never, run);
    }
    if (run.ctx._observer === run) run.ctx._observer = null;
    if (run.pollIndex >= 0) this.poller.remove(run);
  }

  private wake(run: LoopRun, reason: WakeReason): void {
    run.state = READY;
    run.wakeReason = reason;
    if (reason !== 'poll') run.pollDelay = 0;
    enqueueResume(run);
  }

  private wakeWithError(run: LoopRun, error: unknown): void {
    run.hasThrow = true;
    run.throwValue = error;
    this.wake(run, 'error');
  }

  /** Retry the run on the polling timer; `backoff`: one more retry without progress (else keep the delay). */
  private schedulePoll(run: LoopRun, backoff: boolean): void {
    const o = this._options;
    let delay = run.pollDelay;
    if (delay === 0) delay = o.pollInitialDelay;
    else if (backoff) delay = Math.min(o.pollMaxDelay, delay * o.pollFactor);
    run.pollDelay = delay;
    if (o.pollJitter > 0) delay = Math.min(o.pollMaxDelay, delay * (1 + o.pollJitter * (2 * Math.random() - 1)));
    this.poller.add(run, delay);
  }

  /** @internal A handle of a paused run became readable (or failed). */
  _onHandleReady(run: LoopRun, handle: unknown, error: Error | null): void {
    if (run.state !== PAUSED) {
      this.spurious++;
      return;
    }
    this.disarmAll(run);
    if (error !== null) this.wakeWithError(run, error);
    else this.wake(run, reasonOf(handle));
  }

  /** @internal The paused run's context changed: watch the new set. */
  _onWaitFdsChanged(run: LoopRun): void {
    if (run.state !== PAUSED) return;
    this.disarmAll(run);
    if (!this.armAll(run)) return;
    run.ctx._observer = run;
    if (needsPolling(run)) this.schedulePoll(run, false);
  }

  /** @internal The polling timer came for the run. */
  _onPollDue(run: LoopRun): void {
    if (run.state === WAITING_JOB) {
      const i = this.waitingForJob.indexOf(run);
      if (i >= 0) this.waitingForJob.splice(i, 1);
      run.wakeReason = 'poll';
      run.state = READY;
      enqueueResume(run);
      return;
    }
    if (run.state !== PAUSED) return;
    this.disarmAll(run);
    this.wake(run, 'poll');
  }

  /** @internal An engine called the callback of the run's context. */
  _onEngineCallback(run: LoopRun): void {
    if (run.state === PAUSED) {
      this.disarmAll(run);
      this.wake(run, 'callback');
    } else if (run.state === RUNNING) run.callbackFired = true; // before the pause: not lost
  }

  /** @internal Abort a run: reject it, after throwing `reason` into its paused job. */
  _abort(run: LoopRun, reason: unknown): void {
    if (run.state === DONE || run.aborted) return;
    run.aborted = true;
    run.abortReason = reason;
    this.detach(run);
    switch (run.state) {
      case QUEUED:
      case WAITING_JOB:
        this.settle(run, false, reason);
        return;
      case PAUSED:
        this.disarmAll(run);
        this.wakeWithError(run, reason);
        return;
      case READY:
        if (run.started) {
          run.hasThrow = true;
          run.throwValue = reason;
        } else this.settle(run, false, reason);
        return;
      default: // RUNNING: thrown at its next pause
    }
  }

  private detach(run: LoopRun): void {
    if (run.timer !== null) {
      this._options.timers.clearTimeout(run.timer);
      run.timer = null;
    }
    if (run.onAbort !== null) {
      run.signal!.removeEventListener('abort', run.onAbort);
      run.onAbort = null;
    }
  }

  private settle(run: LoopRun, ok: boolean, value: unknown): void {
    if (run.state === DONE) return;
    run.state = DONE;
    this.disarmAll(run);
    this.detach(run);
    if (this.waitingForJob.length > 0) {
      const i = this.waitingForJob.indexOf(run);
      if (i >= 0) this.waitingForJob.splice(i, 1);
    }
    const ctx = run.ctx;
    if (ctx._callback === engineCallback && ctx._callbackArg === run) {
      ctx._callback = run.appCallback;
      ctx._callbackArg = run.appCallbackArg;
    }
    if (run.ownsCtx) {
      try {
        ctx.free();
      } catch (error) {
        if (ok) {
          ok = false;
          value = error;
        }
      }
    }
    this.runs.delete(run);
    if (this.hold !== null && this.runs.size === 0) {
      clearInterval(this.hold);
      this.hold = null;
    }
    if (this.listenerCount('settle') > 0) this.emit('settle', run.id, ok && !run.aborted);
    if (run.aborted) run.reject(run.abortReason);
    else if (ok) run.resolve(value);
    else run.reject(value);
    const next = this.waitingForJob.shift();
    if (next !== undefined) this._onPollDue(next);
    this.checkClosed();
  }

  private checkClosed(): void {
    if (this.resolveClosed === null || this.runs.size > 0) return;
    this.poller.clear();
    const resolve = this.resolveClosed;
    this.resolveClosed = null;
    resolve();
    this.emit('close');
  }
}

function reasonOf(h: unknown): WakeReason {
  if (typeof h === 'number') return 'fd';
  if (h instanceof WaitSignal) return 'signal';
  return 'stream';
}

/** A paused run is polled when its engine said EAGAIN, or when it has nothing to watch and no callback is expected. */
function needsPolling(run: LoopRun): boolean {
  const status = run.ctx._status;
  return status === WaitStatus.EAGAIN || (run.armed.length === 0 && status !== WaitStatus.OK);
}

function noop(): void {}
