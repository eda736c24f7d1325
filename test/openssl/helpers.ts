/**
 * Shared helpers for the `asyncjob/openssl` tests.
 *
 * The oracle scenarios (`/work/shared/oracle/oracle.c`, output `expected.txt`) are ported as
 * "traces": each test prints the same lines the C oracle prints, through {@link Trace}, and
 * compares them with the oracle's lines. Job handles are labelled `J1`, `J2`, … in order of
 * first appearance, exactly like the oracle's `jname()`.
 *
 * Every scenario runs once with generator bodies and once with async bodies. A body is
 * written once as a {@link Script}: a generator function that pauses with `yield* pause()`.
 * {@link body} turns it into a real generator body (where `pause` is `ASYNC_pause_job`) or a
 * real async body (an `async function` that does `await ASYNC_pause_job()` each time the
 * script asks for a pause).
 */
import type { Test } from 'tap';
import * as O from '../../src/openssl.js';

export type Job = NonNullable<ReturnType<typeof O.ASYNC_get_current_job>>;
export type Ctx = ReturnType<typeof O.ASYNC_WAIT_CTX_new>;
export type T = Test;

/** An out-parameter, as in the contract: `{ value: T }`. */
export interface Ref<V> {
  value: V;
}
export const ref = <V>(value: V): Ref<V> => ({ value });

export type Kind = 'generator' | 'async';
export const KINDS: readonly Kind[] = ['generator', 'async'];

/** What a script calls to pause: evaluates (through `yield*`) to pause's result. */
export type Pause = () => Iterable<unknown>;
/** A job body written once for both kinds. */
export type Script = (args: any, pause: Pause) => Generator<unknown, any, any>;

const PAUSE_REQUEST = Symbol('pause request');
function* asyncPauseRequest(): Generator<unknown, any, any> {
  return yield PAUSE_REQUEST;
}

/**
 * Turn a script into a job body of the given kind.
 *
 * @param kind - `generator`: a generator function driven synchronously; `async`: an async
 *   function that awaits `ASYNC_pause_job()` where the script pauses
 * @param script - the body
 * @returns a function to pass to `ASYNC_start_job`
 */
export function body(kind: Kind, script: Script): (args: any) => any {
  if (kind === 'generator') {
    return function* generatorBody(args: any) {
      return yield* script(args, O.ASYNC_pause_job as unknown as Pause);
    };
  }
  return async function asyncBody(args: any) {
    const it = script(args, asyncPauseRequest);
    let step = it.next();
    while (!step.done) {
      const r = await O.ASYNC_pause_job();
      step = it.next(r);
    }
    return step.value;
  };
}

/**
 * Call `ASYNC_start_job` and await its status, checking the contract's sync/async shape:
 * generator bodies (and plain functions) always give a number synchronously; async bodies
 * give a Promise, except for NO_JOBS and ERR decided before the body runs.
 */
export async function go(
  t: T,
  kind: Kind | 'plain',
  job: Ref<Job | null>,
  ctx: Ctx | null,
  ret: Ref<any> | null,
  func: unknown,
  ...rest: unknown[]
): Promise<number> {
  const r = (O.ASYNC_start_job as any)(job, ctx, ret, func, ...rest);
  if (kind !== 'async') {
    if (typeof r !== 'number') t.fail(`${kind} body: ASYNC_start_job must return a number synchronously`, { found: r });
  } else if (typeof r === 'number') {
    if (r !== O.ASYNC_NO_JOBS && r !== O.ASYNC_ERR)
      t.fail('async body: a plain number is only for NO_JOBS/ERR decided before the body runs', { found: r });
  } else if (!(r instanceof Promise) && typeof r?.then !== 'function') {
    t.fail('async body: ASYNC_start_job must return a Promise', { found: r });
  }
  const status = await r;
  if (typeof status !== 'number') t.fail('status must be a number', { found: status });
  return status;
}

/** Start (or resume) with a script, building the body of `kind`. */
export function goScript(
  t: T,
  kind: Kind,
  job: Ref<Job | null>,
  ctx: Ctx | null,
  ret: Ref<any> | null,
  script: Script,
  ...rest: unknown[]
): Promise<number> {
  return go(t, kind, job, ctx, ret, body(kind, script), ...rest);
}

/** `pause once, return 1` (oracle `f_only_pause`, asynctest `only_pause`). */
export const onlyPause: Script = function* (_a, pause) {
  yield* pause();
  return 1;
};

export function rname(r: number): string {
  switch (r) {
    case 0:
      return 'ERR';
    case 1:
      return 'NO_JOBS';
    case 2:
      return 'PAUSE';
    case 3:
      return 'FINISH';
  }
  return `?${r}`;
}

export function stname(s: number): string {
  switch (s) {
    case 0:
      return 'UNSUPPORTED(0)';
    case 1:
      return 'ERR(1)';
    case 2:
      return 'OK(2)';
    case 3:
      return 'EAGAIN(3)';
  }
  return `other(${s})`;
}

export const yesno = (b: boolean): string => (b ? 'yes' : 'no');

export function fdlist(fds: readonly unknown[], n: number): string {
  return `[${fds.slice(0, n).join(',')}]`;
}

/** Drain the error queue into a list of codes. */
export function drainErrors(): string[] {
  const codes: string[] = [];
  for (let e = O.ERR_get_error(); e !== null; e = O.ERR_get_error()) codes.push(String(e.code));
  return codes;
}

/** Reset the per-thread state between subtests (every job started must be finished first). */
export function reset(): void {
  O.ASYNC_cleanup_thread();
  O.ERR_clear_error();
}

/**
 * Records a scenario's events in the oracle's line format.
 *
 * The C oracle prints error-queue entries as
 * `errq lib=51(ASYNC) reason=NAME(n) func=F text="…"`; there is no library number, function
 * name or message text to compare in TS (tests never match message text), so a queued error
 * is printed here as `errq NAME` (its `.code`), and the expected lines are written that way.
 */
export class Trace {
  readonly log: string[] = [];
  /** main-side step counter, incremented before every start (the oracle's `seg`). */
  seg = 0;
  private readonly labels = new Map<unknown, string>();

  constructor(
    readonly t: T,
    readonly kind: Kind,
  ) {}

  emit = (line: string): void => {
    this.log.push(line);
  };

  /** The oracle's `jname()`: `NULL`, or `J<n>` by order of first appearance. */
  j = (h: unknown): string => {
    if (h === null || h === undefined) return 'NULL';
    let l = this.labels.get(h);
    if (l === undefined) {
      l = `J${this.labels.size + 1}`;
      this.labels.set(h, l);
    }
    return l;
  };

  /** The oracle's `start()`: `seg++` then `ASYNC_start_job`. */
  start = (job: Ref<Job | null>, ctx: Ctx | null, ret: Ref<any> | null, script: Script, ...rest: unknown[]) => {
    this.seg++;
    return goScript(this.t, this.kind, job, ctx, ret, script, ...rest);
  };

  /** The oracle's `dump_errq()`. */
  errq = (pfx = ''): void => {
    const codes = drainErrors();
    if (codes.length === 0) this.emit(`${pfx}errq empty`);
    for (const c of codes) this.emit(`${pfx}errq ${c}`);
  };

  /** The oracle's `show_all()`. */
  showAll = (c: Ctx, pfx: string): void => {
    const n = ref(999);
    const n2 = ref(0);
    const fds: unknown[] = [];
    const r = O.ASYNC_WAIT_CTX_get_all_fds(c, null, n);
    O.ASYNC_WAIT_CTX_get_all_fds(c, fds as any, n2);
    this.emit(`${pfx}get_all_fds -> ${r} n=${n.value} fds=${fdlist(fds, n2.value)}`);
  };

  /** The oracle's `show_changed()`. */
  showChanged = (c: Ctx, pfx: string): void => {
    const na = ref(999);
    const nd = ref(999);
    const na2 = ref(0);
    const nd2 = ref(0);
    const a: unknown[] = [];
    const d: unknown[] = [];
    const r = O.ASYNC_WAIT_CTX_get_changed_fds(c, null, na, null, nd);
    O.ASYNC_WAIT_CTX_get_changed_fds(c, a as any, na2, d as any, nd2);
    this.emit(
      `${pfx}changed -> ${r} add=${na.value} del=${nd.value} addfds=${fdlist(a, na2.value)} delfds=${fdlist(d, nd2.value)}`,
    );
  };

  /** The oracle's `show_getfd()`. */
  showGetFd = (c: Ctx, key: unknown, kname: string, pfx: string): void => {
    const fd = ref<any>(-12345);
    const cd = ref<unknown>('untouched');
    const r = O.ASYNC_WAIT_CTX_get_fd(c, key as any, fd, cd);
    if (r)
      this.emit(`${pfx}get_fd(${kname}) -> 1 fd=${fd.value} custom=${cd.value === null ? 'NULL' : String(cd.value)}`);
    else
      this.emit(
        `${pfx}get_fd(${kname}) -> 0 (outputs untouched: ${yesno(fd.value === -12345 && cd.value === 'untouched')})`,
      );
  };

  /** Compare with the oracle's lines (the lines between `=== name` and `--- exit 0`). */
  check = (expected: string): void => {
    this.t.strictSame(this.log, lines(expected), 'event trace matches the oracle');
  };
}

/** Split a block of expected oracle lines (template literal) into lines. */
export function lines(block: string): string[] {
  return block.split('\n').filter((l, i, all) => !(l.trim() === '' && (i === 0 || i === all.length - 1)));
}

/**
 * Expect a misuse to be handled cleanly: either a thrown TypeError/RangeError, or a `0`
 * (ASYNC_ERR / failure) return with a queued error whose `.code` is a string.
 */
export async function expectCleanMisuse(t: T, what: string, fn: () => unknown): Promise<void> {
  O.ERR_clear_error();
  let r: unknown;
  try {
    r = await fn();
  } catch (e) {
    t.ok(e instanceof TypeError || e instanceof RangeError, `${what}: throws TypeError/RangeError`, {
      found: e,
    });
    return;
  }
  t.equal(r, 0, `${what}: returns 0 / ASYNC_ERR`);
  const e = O.ERR_get_error();
  t.ok(e instanceof Error, `${what}: queues an Error`);
  t.type(e?.code, 'string', `${what}: the queued error has a string code`);
  O.ERR_clear_error();
}

/** Start, pause and finish one job: the pool still works. */
export async function poolStillWorks(t: T, kind: Kind, ctx: Ctx | null = null): Promise<void> {
  const own = ctx === null ? O.ASYNC_WAIT_CTX_new() : ctx;
  const job = ref<Job | null>(null);
  const ret = ref<any>(-1);
  const s1 = await goScript(t, kind, job, own, ret, function* (_a, pause) {
    yield* pause();
    return 42;
  });
  t.equal(rname(s1), 'PAUSE', 'pool still works: a new job starts and pauses');
  const s2 = await goScript(t, kind, job, own, ret, onlyPause);
  t.equal(rname(s2), 'FINISH', 'pool still works: the job finishes');
  t.equal(ret.value, 42, 'pool still works: its return value comes back');
  if (ctx === null) O.ASYNC_WAIT_CTX_free(own);
}
