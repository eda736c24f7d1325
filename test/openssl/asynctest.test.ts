/**
 * OpenSSL's own test/asynctest.c, tests 1–6 (spec section 17), ported once with generator
 * bodies and once with async bodies, written side by side as a user would write them.
 *
 * Not ported: test 7 (test_ASYNC_start_job_ex: per-job default OSSL_LIB_CTX, no TS
 * equivalent) and test 8 (test_ASYNC_set_mem_functions: not in 3.0, no stack allocator in TS).
 */
import t, { type Test } from 'tap';
import * as O from '../../src/openssl.js';
import type { ASYNC_JOB, ASYNC_WAIT_CTX } from '../../src/openssl.js';

t.beforeEach(() => {
  O.ASYNC_cleanup_thread();
  O.ERR_clear_error();
});

type Kind = 'generator' | 'async';
const KINDS: readonly Kind[] = ['generator', 'async'];

/** Start/resume, checking generator bodies answer synchronously. */
async function start(
  t: Test,
  kind: Kind,
  job: { value: ASYNC_JOB | null },
  ctx: ASYNC_WAIT_CTX | null,
  ret: { value: number },
  fns: { generator: () => Generator<unknown, number, unknown>; async: () => Promise<number> },
): Promise<number> {
  const r = O.ASYNC_start_job(job, ctx, ret, fns[kind]);
  if (kind === 'generator' && typeof r !== 'number') t.fail('generator body: status must be returned synchronously');
  return await r;
}

// Job functions of asynctest.c, each in both forms.
const onlyPause = {
  *generator() {
    yield* O.ASYNC_pause_job();
    return 1;
  },
  async async() {
    await O.ASYNC_pause_job();
    return 1;
  },
};

let ctr = 0;
const addTwo = {
  *generator() {
    ctr++;
    yield* O.ASYNC_pause_job();
    ctr++;
    return 2;
  },
  async async() {
    ctr++;
    await O.ASYNC_pause_job();
    ctr++;
    return 2;
  },
};

let currjob: ASYNC_JOB | null = null;
const saveCurrent = {
  *generator() {
    currjob = O.ASYNC_get_current_job();
    yield* O.ASYNC_pause_job();
    return 1;
  },
  async async() {
    currjob = O.ASYNC_get_current_job();
    await O.ASYNC_pause_job();
    return 1;
  },
};

const MAGIC_WAIT_FD = 99;
const waitfd = {
  *generator() {
    const job = O.ASYNC_get_current_job();
    if (job === null) return 0;
    const waitctx = O.ASYNC_get_wait_ctx(job);
    if (waitctx === null) return 0;
    // First run: no fds.
    yield* O.ASYNC_pause_job();
    // Second run: one fd, keyed by the ctx itself.
    if (!O.ASYNC_WAIT_CTX_set_wait_fd(waitctx, waitctx, MAGIC_WAIT_FD)) return 0;
    yield* O.ASYNC_pause_job();
    // Third run: fd cleared.
    if (!O.ASYNC_WAIT_CTX_clear_fd(waitctx, waitctx)) return 0;
    yield* O.ASYNC_pause_job();
    // Last run: set and clear in one segment, then finish.
    if (!O.ASYNC_WAIT_CTX_set_wait_fd(waitctx, waitctx, MAGIC_WAIT_FD)) return 0;
    if (!O.ASYNC_WAIT_CTX_clear_fd(waitctx, waitctx)) return 0;
    return 1;
  },
  async async() {
    const job = O.ASYNC_get_current_job();
    if (job === null) return 0;
    const waitctx = O.ASYNC_get_wait_ctx(job);
    if (waitctx === null) return 0;
    await O.ASYNC_pause_job();
    if (!O.ASYNC_WAIT_CTX_set_wait_fd(waitctx, waitctx, MAGIC_WAIT_FD)) return 0;
    await O.ASYNC_pause_job();
    if (!O.ASYNC_WAIT_CTX_clear_fd(waitctx, waitctx)) return 0;
    await O.ASYNC_pause_job();
    if (!O.ASYNC_WAIT_CTX_set_wait_fd(waitctx, waitctx, MAGIC_WAIT_FD)) return 0;
    if (!O.ASYNC_WAIT_CTX_clear_fd(waitctx, waitctx)) return 0;
    return 1;
  },
};

const blockpause = {
  *generator() {
    O.ASYNC_block_pause();
    yield* O.ASYNC_pause_job();
    O.ASYNC_unblock_pause();
    yield* O.ASYNC_pause_job();
    return 1;
  },
  async async() {
    O.ASYNC_block_pause();
    await O.ASYNC_pause_job();
    O.ASYNC_unblock_pause();
    await O.ASYNC_pause_job();
    return 1;
  },
};

t.test('asynctest: ASYNC_is_capable', async (t) => {
  t.equal(O.ASYNC_is_capable(), 1, 'capable: the other tests are not skipped');
});

for (const kind of KINDS) {
  t.test(`asynctest test_ASYNC_init_thread: init_thread(2,0) allows two live jobs (${kind} body)`, async (t) => {
    const job1 = { value: null as ASYNC_JOB | null };
    const job2 = { value: null as ASYNC_JOB | null };
    const job3 = { value: null as ASYNC_JOB | null };
    const ret1 = { value: 0 };
    const ret2 = { value: 0 };
    const ret3 = { value: 0 };
    t.equal(O.ASYNC_init_thread(2, 0), 1);
    const waitctx = O.ASYNC_WAIT_CTX_new();
    t.ok(waitctx);
    t.equal(await start(t, kind, job1, waitctx, ret1, onlyPause), O.ASYNC_PAUSE, 'job1 -> PAUSE');
    t.equal(await start(t, kind, job2, waitctx, ret2, onlyPause), O.ASYNC_PAUSE, 'job2 -> PAUSE');
    t.equal(await start(t, kind, job3, waitctx, ret3, onlyPause), O.ASYNC_NO_JOBS, 'job3 -> NO_JOBS');
    t.equal(await start(t, kind, job1, waitctx, ret1, onlyPause), O.ASYNC_FINISH, 'job1 -> FINISH');
    t.equal(await start(t, kind, job3, waitctx, ret3, onlyPause), O.ASYNC_PAUSE, 'job3 -> PAUSE');
    t.equal(await start(t, kind, job2, waitctx, ret2, onlyPause), O.ASYNC_FINISH, 'job2 -> FINISH');
    t.equal(await start(t, kind, job3, waitctx, ret3, onlyPause), O.ASYNC_FINISH, 'job3 -> FINISH');
    t.same([ret1.value, ret2.value, ret3.value], [1, 1, 1], 'all return 1');
    O.ASYNC_WAIT_CTX_free(waitctx);
    O.ASYNC_cleanup_thread();
    t.equal(O.ERR_peek_error(), null);
  });
}

t.test('asynctest test_ASYNC_callback_status: set/get callback and status', async (t) => {
  const arg = { v: 100 };
  let cbArg: unknown = null;
  const testCallback = (a: unknown): number => {
    cbArg = a;
    return 1;
  };
  t.equal(O.ASYNC_init_thread(1, 0), 1);
  const waitctx = O.ASYNC_WAIT_CTX_new();
  t.equal(O.ASYNC_WAIT_CTX_set_callback(waitctx, testCallback, arg), 1, 'set_callback -> 1');
  const getCallback = { value: null as ((a: unknown) => number) | null };
  const getArg = { value: null as unknown };
  t.equal(O.ASYNC_WAIT_CTX_get_callback(waitctx, getCallback as any, getArg), 1, 'get_callback -> 1');
  t.equal(getCallback.value, testCallback, 'same callback');
  t.equal(getArg.value, arg, 'same arg');
  t.equal(getCallback.value!(getArg.value), 1, 'callback returns 1');
  t.equal(cbArg, arg);
  t.equal(O.ASYNC_WAIT_CTX_set_status(waitctx, 1), 1, 'set_status(1) -> 1');
  t.equal(O.ASYNC_WAIT_CTX_get_status(waitctx), 1, 'get_status -> 1');
  O.ASYNC_WAIT_CTX_free(waitctx);
  O.ASYNC_cleanup_thread();
});

for (const kind of KINDS) {
  t.test(`asynctest test_ASYNC_start_job: add_two pauses between its increments (${kind} body)`, async (t) => {
    const job = { value: null as ASYNC_JOB | null };
    const ret = { value: 0 };
    ctr = 0;
    t.equal(O.ASYNC_init_thread(1, 0), 1);
    const waitctx = O.ASYNC_WAIT_CTX_new();
    t.equal(await start(t, kind, job, waitctx, ret, addTwo), O.ASYNC_PAUSE);
    t.equal(ctr, 1, 'counter is 1 after the first segment');
    t.equal(await start(t, kind, job, waitctx, ret, addTwo), O.ASYNC_FINISH);
    t.equal(ctr, 2, 'counter is 2');
    t.equal(ret.value, 2, 'ret is 2');
    O.ASYNC_WAIT_CTX_free(waitctx);
    O.ASYNC_cleanup_thread();
  });

  t.test(`asynctest test_ASYNC_get_current_job: the job sees its own handle (${kind} body)`, async (t) => {
    const job = { value: null as ASYNC_JOB | null };
    const ret = { value: 0 };
    currjob = null;
    t.equal(O.ASYNC_init_thread(1, 0), 1);
    const waitctx = O.ASYNC_WAIT_CTX_new();
    t.equal(await start(t, kind, job, waitctx, ret, saveCurrent), O.ASYNC_PAUSE);
    t.not(currjob, null);
    t.equal(currjob, job.value, 'saved current job equals the returned handle');
    t.equal(await start(t, kind, job, waitctx, ret, saveCurrent), O.ASYNC_FINISH);
    t.equal(ret.value, 1);
    O.ASYNC_WAIT_CTX_free(waitctx);
    O.ASYNC_cleanup_thread();
  });

  t.test(`asynctest test_ASYNC_WAIT_CTX_get_all_fds: fds and changes per run (${kind} body)`, async (t) => {
    const job = { value: null as ASYNC_JOB | null };
    const ret = { value: 0 };
    const numfds = { value: -1 };
    const numdel = { value: -1 };
    const fd: number[] = [];
    const delfd: number[] = [];
    t.equal(O.ASYNC_init_thread(1, 0), 1);
    const waitctx = O.ASYNC_WAIT_CTX_new();
    const all = () => {
      fd.length = 0;
      O.ASYNC_WAIT_CTX_get_all_fds(waitctx, null, numfds);
      const n = numfds.value;
      O.ASYNC_WAIT_CTX_get_all_fds(waitctx, fd, numfds);
      return [n, fd.slice(0, numfds.value)];
    };
    const changed = () => {
      fd.length = 0;
      delfd.length = 0;
      O.ASYNC_WAIT_CTX_get_changed_fds(waitctx, null, numfds, null, numdel);
      const c = [numfds.value, numdel.value];
      O.ASYNC_WAIT_CTX_get_changed_fds(waitctx, fd, numfds, delfd, numdel);
      return [...c, fd.slice(0, numfds.value), delfd.slice(0, numdel.value)];
    };
    // On the first run we're not expecting any wait fds.
    t.equal(await start(t, kind, job, waitctx, ret, waitfd), O.ASYNC_PAUSE, 'run 1 -> PAUSE');
    t.same(all(), [0, []], 'run 1: no fds');
    t.same(changed(), [0, 0, [], []], 'run 1: no changes');
    // On the second run we're expecting one added fd.
    t.equal(await start(t, kind, job, waitctx, ret, waitfd), O.ASYNC_PAUSE, 'run 2 -> PAUSE');
    t.same(all(), [1, [MAGIC_WAIT_FD]], 'run 2: fd 99');
    t.same(changed(), [1, 0, [MAGIC_WAIT_FD], []], 'run 2: fd 99 added');
    // On the third run we're expecting one deleted fd.
    t.equal(await start(t, kind, job, waitctx, ret, waitfd), O.ASYNC_PAUSE, 'run 3 -> PAUSE');
    t.same(all(), [0, []], 'run 3: no fds');
    t.same(changed(), [0, 1, [], [MAGIC_WAIT_FD]], 'run 3: fd 99 deleted');
    // On the last run, set and clear cancel out.
    t.equal(await start(t, kind, job, waitctx, ret, waitfd), O.ASYNC_FINISH, 'run 4 -> FINISH');
    t.same(all(), [0, []], 'run 4: no fds');
    t.same(changed(), [0, 0, [], []], 'run 4: no changes');
    t.equal(ret.value, 1);
    O.ASYNC_WAIT_CTX_free(waitctx);
    O.ASYNC_cleanup_thread();
  });

  t.test(`asynctest test_ASYNC_block_pause: a blocked pause is skipped (${kind} body)`, async (t) => {
    const job = { value: null as ASYNC_JOB | null };
    const ret = { value: 0 };
    t.equal(O.ASYNC_init_thread(1, 0), 1);
    const waitctx = O.ASYNC_WAIT_CTX_new();
    t.equal(
      await start(t, kind, job, waitctx, ret, blockpause),
      O.ASYNC_PAUSE,
      'first start -> PAUSE (the unblocked pause)',
    );
    t.equal(await start(t, kind, job, waitctx, ret, blockpause), O.ASYNC_FINISH, 'restart -> FINISH');
    t.equal(ret.value, 1);
    O.ASYNC_WAIT_CTX_free(waitctx);
    O.ASYNC_cleanup_thread();
  });
}
