/**
 * Misuse (spec section 15) and arguments of the wrong type (deliberate choice 6): every case
 * gets ASYNC_ERR/0 with a queued error (string `.code`) or a thrown TypeError/RangeError,
 * and the pool still works afterwards.
 */
import t from 'tap';
import * as O from '../../src/openssl.js';
import {
  KINDS,
  drainErrors,
  expectCleanMisuse,
  go,
  goScript,
  onlyPause,
  poolStillWorks,
  ref,
  reset,
  type Job,
  type Script,
} from './helpers.js';

t.beforeEach(reset);
t.afterEach(reset);

const anyO = O as any;

t.test('ASYNC_init_thread with wrong argument types and ranges', async (t) => {
  t.throws(() => anyO.ASYNC_init_thread('a', 0), TypeError, "('a', 0) -> TypeError");
  t.throws(() => anyO.ASYNC_init_thread(0, 'a'), TypeError, "(0, 'a') -> TypeError");
  t.throws(() => anyO.ASYNC_init_thread({}, 0), TypeError, '({}, 0) -> TypeError');
  t.throws(() => O.ASYNC_init_thread(1.5, 0), RangeError, '(1.5, 0) -> RangeError');
  t.throws(() => O.ASYNC_init_thread(2, 0.5), RangeError, '(2, 0.5) -> RangeError');
  t.equal(O.ERR_peek_error(), null, 'thrown argument errors queue nothing');
  for (const [max, init] of [
    [-1, 0],
    [2 ** 31, 0],
    [1, 2],
  ] as const) {
    t.equal(O.ASYNC_init_thread(max, init), 0, `(${max}, ${init}) -> 0`);
    t.same(drainErrors(), ['ASYNC_R_INVALID_POOL_SIZE'], `(${max}, ${init}) queues ASYNC_R_INVALID_POOL_SIZE`);
  }
  for (const [max, init] of [
    [NaN, 0],
    [Infinity, 0],
    [0, -1],
  ] as const)
    await expectCleanMisuse(t, `ASYNC_init_thread(${max}, ${init})`, () => O.ASYNC_init_thread(max, init));
  for (const kind of KINDS) await poolStillWorks(t, kind);
});

t.test('ASYNC_start_job with a func that is not a function throws TypeError', async (t) => {
  for (const func of [42, null, undefined, {}, 'f', Symbol.iterator]) {
    const job = ref<Job | null>(null);
    const ret = ref(-1);
    t.throws(() => anyO.ASYNC_start_job(job, null, ret, func), TypeError, `func=${String(func)}`);
    t.equal(job.value, null);
    t.equal(ret.value, -1);
  }
  for (const kind of KINDS) await poolStillWorks(t, kind);
});

t.test('ASYNC_start_job with a job ref that is not a ref throws TypeError', async (t) => {
  let ran = false;
  const body = function* () {
    ran = true;
    return 1;
  };
  for (const job of [null, undefined, 5, 'x'])
    t.throws(() => anyO.ASYNC_start_job(job, null, ref(0), body), TypeError, `job=${String(job)}`);
  t.equal(ran, false, 'body never ran');
  await expectCleanMisuse(t, 'job ref holding a non-job object', () =>
    anyO.ASYNC_start_job({ value: { not: 'a job' } }, null, ref(0), body),
  );
  await expectCleanMisuse(t, 'ret that is not a ref', () => anyO.ASYNC_start_job(ref(null), null, 5, body));
  await expectCleanMisuse(t, 'ctx that is not a wait ctx', () =>
    anyO.ASYNC_start_job(ref(null), { not: 'a ctx' }, ref(0), body),
  );
  for (const kind of KINDS) await poolStillWorks(t, kind);
});

t.test('ASYNC_start_job with a byte view and size larger than it throws RangeError', async (t) => {
  let ran = false;
  const body = function* () {
    ran = true;
    return 1;
  };
  const job = ref<Job | null>(null);
  t.throws(() => O.ASYNC_start_job(job, null, ref(0), body, new Uint8Array(4), 5), RangeError, 'Uint8Array(4), size 5');
  t.throws(() => O.ASYNC_start_job(job, null, ref(0), body, Buffer.alloc(2), 3), RangeError, 'Buffer(2), size 3');
  t.throws(
    () => O.ASYNC_start_job(job, null, ref(0), body, new ArrayBuffer(1), 2),
    RangeError,
    'ArrayBuffer(1), size 2',
  );
  t.throws(
    () => O.ASYNC_start_job(job, null, ref(0), body, new Uint8Array(8).subarray(6), 3),
    RangeError,
    'subarray of 2 bytes, size 3',
  );
  t.equal(ran, false);
  t.equal(job.value, null);
  for (const kind of KINDS) await poolStillWorks(t, kind);
});

t.test(
  'ASYNC_start_job with a negative, fractional or non-number size fails cleanly and never shares args',
  async (t) => {
    let seen: unknown = 'not run';
    const body = function* (a: unknown) {
      seen = a;
      return 1;
    };
    for (const [what, args, size] of [
      ['Uint8Array, size -1', new Uint8Array(4), -1],
      ['object, size -1', { n: 1 }, -1],
      ['Uint8Array, size -2', new Uint8Array(4), -2],
      ['Uint8Array, size 1.5', new Uint8Array(4), 1.5],
      ["Uint8Array, size 'x'", new Uint8Array(4), 'x'],
    ] as const) {
      seen = 'not run';
      await expectCleanMisuse(t, what, () => anyO.ASYNC_start_job(ref(null), null, ref(0), body, args, size));
      t.not(seen, args, `${what}: the job never gets the caller's own object`);
    }
    for (const kind of KINDS) await poolStillWorks(t, kind);
  },
);

for (const kind of KINDS) {
  t.test(
    `ASYNC_start_job with an uncloneable arg gives ERR + ERR_R_PASSED_INVALID_ARGUMENT with the clone error as cause (${kind} body)`,
    async (t) => {
      t.equal(O.ASYNC_init_thread(1, 0), 1);
      let ran = false;
      const script: Script = function* () {
        ran = true;
        return 1;
      };
      for (const [what, arg] of [
        ['a function', () => 1],
        ['an object with a method', { m() {} }],
        ['a nested symbol', { s: Symbol('x') }],
      ] as const) {
        const job = ref<Job | null>(null);
        const ret = ref(-1);
        const r = await goScript(t, kind, job, null, ret, script, arg);
        t.equal(r, O.ASYNC_ERR, `${what}: ASYNC_ERR`);
        t.equal(ran, false, `${what}: body not run`);
        t.equal(ret.value, -1, `${what}: ret untouched`);
        const e = O.ERR_get_error();
        t.ok(e instanceof Error, `${what}: an Error is queued`);
        t.equal(e?.code, 'ERR_R_PASSED_INVALID_ARGUMENT', `${what}: code`);
        t.ok(
          e?.cause instanceof Error || (e?.cause as any)?.name === 'DataCloneError',
          `${what}: cause is the clone error`,
        );
        t.equal((e?.cause as any)?.name, 'DataCloneError', `${what}: cause is a DataCloneError`);
        t.equal(O.ERR_get_error(), null, `${what}: only one error`);
      }
      // With max 1, the failed starts did not consume the one job.
      await poolStillWorks(t, kind);
    },
  );

  t.test(
    `ASYNC_start_job: a body that throws gives ERR + ASYNC_R_JOB_FAILED with the thrown value as cause; the job goes back to the pool (${kind} body)`,
    async (t) => {
      t.equal(O.ASYNC_init_thread(1, 0), 1);
      const thrown = [new Error('first run'), 'a string', { plain: 'object' }, new TypeError('after a pause')];
      for (const [i, value] of thrown.entries()) {
        const afterPause = i === 3;
        const script: Script = function* (_a, pause) {
          if (afterPause) yield* pause();
          throw value;
        };
        const job = ref<Job | null>(null);
        const ret = ref(-1);
        let r = await goScript(t, kind, job, null, ret, script);
        if (afterPause) {
          t.equal(r, O.ASYNC_PAUSE);
          r = await goScript(t, kind, job, null, ret, script);
        }
        t.equal(r, O.ASYNC_ERR, `throw #${i}: ASYNC_ERR`);
        t.equal(ret.value, -1, `throw #${i}: ret untouched`);
        const e = O.ERR_get_error();
        t.ok(e instanceof Error);
        t.equal(e?.code, 'ASYNC_R_JOB_FAILED', `throw #${i}: code`);
        t.equal(e?.cause, value, `throw #${i}: cause is the thrown value`);
        t.equal(O.ERR_get_error(), null);
        t.equal(O.ASYNC_get_current_job(), null);
      }
      // init_thread(1,0): the failed jobs went back to the pool, so one more start works.
      await poolStillWorks(t, kind);
    },
  );
}

t.test(
  'ASYNC_start_job: a plain function that throws gives ERR + ASYNC_R_JOB_FAILED; the job goes back to the pool',
  async (t) => {
    t.equal(O.ASYNC_init_thread(1, 0), 1);
    const boom = new RangeError('plain');
    const r = await go(t, 'plain', ref(null), null, ref(-1), () => {
      throw boom;
    });
    t.equal(r, O.ASYNC_ERR);
    const e = O.ERR_get_error();
    t.equal(e?.code, 'ASYNC_R_JOB_FAILED');
    t.equal(e?.cause, boom);
    await poolStillWorks(t, 'generator');
  },
);

t.test('ASYNC_start_job: an async body that rejects after a pause resolves ASYNC_ERR (does not reject)', async (t) => {
  t.equal(O.ASYNC_init_thread(1, 0), 1);
  const boom = new Error('rejected');
  const body = async (): Promise<number> => {
    await O.ASYNC_pause_job();
    await new Promise((r) => setImmediate(r));
    throw boom;
  };
  const job = ref<Job | null>(null);
  const ret = ref<any>(-1);
  t.equal(await go(t, 'async', job, null, ret, body), O.ASYNC_PAUSE);
  const p = O.ASYNC_start_job(job, null, ret, body);
  t.ok(p instanceof Promise, 'resume of an async body gives a Promise');
  let status: unknown;
  let rejected: unknown = null;
  try {
    status = await p;
  } catch (e) {
    rejected = e;
  }
  t.equal(rejected, null, 'the promise does not reject');
  t.equal(status, O.ASYNC_ERR, 'it resolves ASYNC_ERR');
  const e = O.ERR_get_error();
  t.equal(e?.code, 'ASYNC_R_JOB_FAILED');
  t.equal(e?.cause, boom);
  t.equal(ret.value, -1, 'ret untouched');
  await poolStillWorks(t, 'async');
});

t.test('ASYNC_start_job: an async body that rejects before its first pause resolves ASYNC_ERR', async (t) => {
  const boom = new Error('early');
  const r = await go(t, 'async', ref(null), null, ref(-1), async () => {
    throw boom;
  });
  t.equal(r, O.ASYNC_ERR);
  const e = O.ERR_get_error();
  t.equal(e?.code, 'ASYNC_R_JOB_FAILED');
  t.equal(e?.cause, boom);
});

t.test(
  'ASYNC_start_job: resuming an async job whose segment has not settled gives ERR with a queued error; the job still finishes',
  async (t) => {
    const steps: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const body = async (): Promise<number> => {
      steps.push('seg1');
      await O.ASYNC_pause_job();
      steps.push('seg2 start');
      await gate;
      steps.push('seg2 end');
      await O.ASYNC_pause_job();
      steps.push('seg3');
      return 5;
    };
    const job = ref<Job | null>(null);
    const ret = ref<any>(-1);
    t.equal(await go(t, 'async', job, null, ret, body), O.ASYNC_PAUSE);
    const handle = job.value;
    const p2 = O.ASYNC_start_job(job, null, ret, body);
    await new Promise((r) => setImmediate(r));
    t.same(steps, ['seg1', 'seg2 start'], 'segment 2 is running (waiting on the gate)');
    const again = O.ASYNC_start_job(ref<Job | null>(handle), null, ref(-1), body);
    t.equal(await again, O.ASYNC_ERR, 'a second resume while the segment runs -> ASYNC_ERR');
    const e = O.ERR_get_error();
    t.ok(e instanceof Error, 'an error is queued');
    t.type(e?.code, 'string');
    O.ERR_clear_error();
    t.same(steps, ['seg1', 'seg2 start'], 'the second resume ran nothing');
    release();
    t.equal(await p2, O.ASYNC_PAUSE, 'the running segment pauses normally');
    t.equal(job.value, handle);
    t.equal(await go(t, 'async', job, null, ret, body), O.ASYNC_FINISH);
    t.equal(ret.value, 5);
    t.same(steps, ['seg1', 'seg2 start', 'seg2 end', 'seg3']);
    await poolStillWorks(t, 'async');
  },
);

t.test('ASYNC_WAIT_CTX_set_wait_fd with a bad fd throws; the ctx is unchanged', async (t) => {
  const ctx = O.ASYNC_WAIT_CTX_new();
  const key = {};
  t.throws(() => O.ASYNC_WAIT_CTX_set_wait_fd(ctx, key, 1.5), RangeError, 'fd 1.5 -> RangeError');
  t.throws(() => O.ASYNC_WAIT_CTX_set_wait_fd(ctx, key, NaN), RangeError, 'fd NaN -> RangeError');
  t.throws(() => O.ASYNC_WAIT_CTX_set_wait_fd(ctx, key, Infinity), RangeError, 'fd Infinity -> RangeError');
  t.throws(() => anyO.ASYNC_WAIT_CTX_set_wait_fd(ctx, key, 'x'), TypeError, "fd 'x' -> TypeError");
  t.throws(() => anyO.ASYNC_WAIT_CTX_set_wait_fd(ctx, key, {}), TypeError, 'fd {} -> TypeError');
  t.throws(() => anyO.ASYNC_WAIT_CTX_set_wait_fd(ctx, key, null), TypeError, 'fd null -> TypeError');
  t.throws(() => anyO.ASYNC_WAIT_CTX_set_wait_fd(ctx, key, undefined), TypeError, 'fd undefined -> TypeError');
  t.throws(() => anyO.ASYNC_WAIT_CTX_set_wait_fd(ctx, key, 3n), TypeError, 'fd 3n -> TypeError');
  const n = ref(-1);
  O.ASYNC_WAIT_CTX_get_all_fds(ctx, null, n);
  t.equal(n.value, 0, 'nothing was added');
  const na = ref(-1);
  const nd = ref(-1);
  O.ASYNC_WAIT_CTX_get_changed_fds(ctx, null, na, null, nd);
  t.same([na.value, nd.value], [0, 0]);
  t.equal(O.ASYNC_WAIT_CTX_set_wait_fd(ctx, key, -1), 1, 'a negative integer is stored without checking');
  t.equal(O.ASYNC_WAIT_CTX_set_wait_fd(ctx, key, 2 ** 31 - 1), 1, 'any integer is stored');
  O.ASYNC_WAIT_CTX_free(ctx);
  for (const kind of KINDS) await poolStillWorks(t, kind);
});

t.test('ASYNC_WAIT_CTX functions with a null ctx throw TypeError (free and set_callback excepted)', async (t) => {
  const k = {};
  const calls: [string, () => unknown][] = [
    ['set_wait_fd', () => anyO.ASYNC_WAIT_CTX_set_wait_fd(null, k, 1)],
    ['get_fd', () => anyO.ASYNC_WAIT_CTX_get_fd(null, k, ref(0), ref(null))],
    ['get_all_fds', () => anyO.ASYNC_WAIT_CTX_get_all_fds(null, null, ref(0))],
    ['get_changed_fds', () => anyO.ASYNC_WAIT_CTX_get_changed_fds(null, null, ref(0), null, ref(0))],
    ['clear_fd', () => anyO.ASYNC_WAIT_CTX_clear_fd(null, k)],
    ['get_callback', () => anyO.ASYNC_WAIT_CTX_get_callback(null, ref(null), ref(null))],
    ['set_status', () => anyO.ASYNC_WAIT_CTX_set_status(null, 1)],
    ['get_status', () => anyO.ASYNC_WAIT_CTX_get_status(null)],
  ];
  for (const [name, fn] of calls) t.throws(fn, TypeError, `ASYNC_WAIT_CTX_${name}(null, …) -> TypeError`);
  // Not a ctx at all.
  t.throws(() => anyO.ASYNC_WAIT_CTX_set_wait_fd({}, k, 1), TypeError, 'set_wait_fd({}) -> TypeError');
  t.throws(() => anyO.ASYNC_WAIT_CTX_get_status(42), TypeError, 'get_status(42) -> TypeError');
  t.doesNotThrow(() => O.ASYNC_WAIT_CTX_free(null), 'ASYNC_WAIT_CTX_free(null) is a no-op');
  t.equal(
    anyO.ASYNC_WAIT_CTX_set_callback(null, () => 1, 1),
    0,
    'ASYNC_WAIT_CTX_set_callback(null, …) -> 0',
  );
  for (const kind of KINDS) await poolStillWorks(t, kind);
});

t.test('ASYNC_WAIT_CTX functions with other bad arguments fail cleanly', async (t) => {
  const ctx = O.ASYNC_WAIT_CTX_new();
  const k = {};
  O.ASYNC_WAIT_CTX_set_wait_fd(ctx, k, 3);
  await expectCleanMisuse(t, 'get_fd with null out-refs', () => anyO.ASYNC_WAIT_CTX_get_fd(ctx, k, null, null));
  await expectCleanMisuse(t, 'get_all_fds with a null count ref', () =>
    anyO.ASYNC_WAIT_CTX_get_all_fds(ctx, null, null),
  );
  await expectCleanMisuse(t, 'get_all_fds with a non-array', () => anyO.ASYNC_WAIT_CTX_get_all_fds(ctx, 'x', ref(0)));
  await expectCleanMisuse(t, 'get_changed_fds with null count refs', () =>
    anyO.ASYNC_WAIT_CTX_get_changed_fds(ctx, null, null, null, null),
  );
  await expectCleanMisuse(t, 'get_callback with null refs', () => {
    O.ASYNC_WAIT_CTX_set_callback(ctx, () => 1);
    return anyO.ASYNC_WAIT_CTX_get_callback(ctx, null, null);
  });
  await expectCleanMisuse(t, 'set_callback with a non-function', () => anyO.ASYNC_WAIT_CTX_set_callback(ctx, 'nope'));
  await expectCleanMisuse(t, "set_status 'x'", () => anyO.ASYNC_WAIT_CTX_set_status(ctx, 'x'));
  await expectCleanMisuse(t, 'set_status 1.5', () => O.ASYNC_WAIT_CTX_set_status(ctx, 1.5));
  await expectCleanMisuse(t, 'set_wait_fd with a non-function cleanup', () =>
    anyO.ASYNC_WAIT_CTX_set_wait_fd(ctx, {}, 4, null, 'nope'),
  );
  t.throws(() => anyO.ASYNC_get_wait_ctx(null), TypeError, 'ASYNC_get_wait_ctx(null) -> TypeError');
  t.throws(() => anyO.ASYNC_get_wait_ctx({}), TypeError, 'ASYNC_get_wait_ctx({}) -> TypeError');
  O.ASYNC_WAIT_CTX_free(ctx);
  for (const kind of KINDS) await poolStillWorks(t, kind);
});

t.test('ASYNC_WAIT_CTX_free twice and use after free fail cleanly', async (t) => {
  let cleanups = 0;
  const ctx = O.ASYNC_WAIT_CTX_new();
  O.ASYNC_WAIT_CTX_set_wait_fd(ctx, {}, 3, null, () => {
    cleanups++;
  });
  O.ASYNC_WAIT_CTX_free(ctx);
  t.equal(cleanups, 1);
  try {
    O.ASYNC_WAIT_CTX_free(ctx);
  } catch (e) {
    t.ok(
      e instanceof TypeError || e instanceof RangeError,
      'a second free either does nothing or throws TypeError/RangeError',
    );
  }
  t.equal(cleanups, 1, 'cleanup runs once');
  O.ERR_clear_error();
  await expectCleanMisuse(t, 'set_wait_fd after free', () => O.ASYNC_WAIT_CTX_set_wait_fd(ctx, {}, 4));
  for (const kind of KINDS) await poolStillWorks(t, kind);
});

for (const kind of KINDS) {
  t.test(`ASYNC_start_job with a freed wait ctx fails cleanly (${kind} body)`, async (t) => {
    const ctx = O.ASYNC_WAIT_CTX_new();
    O.ASYNC_WAIT_CTX_free(ctx);
    const job = ref<Job | null>(null);
    let r: number | undefined;
    try {
      r = await goScript(t, kind, job, ctx, ref(-1), onlyPause);
    } catch (e) {
      t.ok(e instanceof TypeError || e instanceof RangeError, 'throws TypeError/RangeError');
    }
    if (r === O.ASYNC_PAUSE) {
      t.fail('a job started with a freed wait ctx was accepted');
      await goScript(t, kind, job, ctx, ref(-1), onlyPause);
    } else if (r !== undefined) {
      t.equal(r, O.ASYNC_ERR, 'ASYNC_ERR');
      const e = O.ERR_get_error();
      t.type(e?.code, 'string', 'with a queued error');
    }
    O.ERR_clear_error();
    await poolStillWorks(t, kind);
  });
}

t.test('ASYNC_block_pause / ASYNC_unblock_pause / ASYNC_pause_job outside a job queue nothing', async (t) => {
  O.ASYNC_unblock_pause();
  O.ASYNC_block_pause();
  O.ASYNC_unblock_pause();
  O.ASYNC_unblock_pause();
  t.equal(await O.ASYNC_pause_job(), 1);
  t.equal(O.ERR_peek_error(), null);
  await poolStillWorks(t, 'generator');
});
