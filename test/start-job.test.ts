/**
 * src/start-job.ts: startJob / throwIntoJob — the kinds of body, their statuses, arguments
 * passed as given, errors thrown into and out of jobs.
 */
import t from 'tap';
import {
  JobStatus,
  WaitContext,
  clearErrors,
  getCurrentJob,
  getError,
  pauseJob,
  poolStats,
  startJob,
  throwIntoJob,
  type Job,
  type Ref,
} from '../src/index.js';

const ref = <V>(value: V): Ref<V> => ({ value });

t.beforeEach(() => clearErrors());
t.afterEach(() => clearErrors());

t.test('startJob - args are passed as given: the same object, methods and closures work', async (t) => {
  let counter = 0;
  const args = {
    bump: () => ++counter,
    nested: {
      fn() {
        return 'method';
      },
    },
    buf: new Uint8Array([1, 2]),
  };
  const seen: unknown[] = [];
  const ret = ref<unknown>(null);
  t.equal(
    startJob(
      ref<Job | null>(null),
      null,
      ret,
      function* (a: typeof args) {
        seen.push(a);
        a.bump();
        return a.nested.fn();
      },
      args,
    ),
    JobStatus.FINISH,
  );
  t.equal(ret.value, 'method');
  t.equal(
    await startJob(
      ref<Job | null>(null),
      null,
      null,
      async (a: typeof args) => {
        seen.push(a);
        a.bump();
      },
      args,
    ),
    JobStatus.FINISH,
  );
  t.equal(
    startJob(
      ref<Job | null>(null),
      null,
      null,
      (a: typeof args) => {
        seen.push(a);
        a.bump();
        a.buf[0] = 9;
      },
      args,
    ),
    JobStatus.FINISH,
  );
  t.equal(seen.length, 3);
  for (const s of seen) t.equal(s, args, 'same object, no copy');
  t.equal(counter, 3, 'the closure ran in every job');
  t.equal(args.buf[0], 9, 'a byte view is not copied either');
  const got: unknown[] = [];
  startJob(ref<Job | null>(null), null, null, (a: unknown) => void got.push(a));
  startJob(ref<Job | null>(null), null, null, (a: unknown) => void got.push(a), null);
  startJob(ref<Job | null>(null), null, null, (a: unknown) => void got.push(a), 0);
  t.same(got, [undefined, null, 0], 'undefined, null and 0 are passed as they are');
});

t.test('generator body - statuses are numbers returned at once; result written only on FINISH', (t) => {
  const j = ref<Job | null>(null);
  const ret = ref<unknown>('untouched');
  const ctx = new WaitContext();
  let s = startJob(j, ctx, ret, function* () {
    yield* pauseJob();
    yield* pauseJob();
    return 'r';
  });
  t.equal(s, JobStatus.PAUSE);
  t.ok(j.value !== null && j.value.paused, 'the handle is the paused job');
  t.equal(j.value!.waitCtx, ctx);
  t.equal(ret.value, 'untouched');
  const job = j.value;
  s = startJob(j, null, ret, null);
  t.equal(s, JobStatus.PAUSE);
  t.equal(j.value, job, 'same job');
  t.equal(j.value!.waitCtx, ctx, 'the ctx given at the first start is kept (resume ignores its ctx)');
  s = startJob(j, null, ret, null);
  t.equal(s, JobStatus.FINISH);
  t.equal(j.value, null);
  t.equal(ret.value, 'r');
  t.equal(job!.paused, false);
  t.equal(job!.waitCtx, null, 'a finished job has no ctx');
  ctx.free();
  t.end();
});

t.test('async body - statuses are promises; result written only on FINISH', async (t) => {
  const j = ref<Job | null>(null);
  const ret = ref<unknown>('untouched');
  const p = startJob(j, null, ret, async () => {
    await pauseJob();
    return 'r';
  });
  t.type(p, Promise);
  t.equal(await p, JobStatus.PAUSE);
  t.equal(ret.value, 'untouched');
  t.ok(j.value?.paused);
  const p2 = startJob(j, null, ret, null);
  t.type(p2, Promise);
  t.equal(await p2, JobStatus.FINISH);
  t.equal(ret.value, 'r');
  t.equal(j.value, null);
});

t.test('plain body - finishes in its one call with a number status', (t) => {
  const j = ref<Job | null>(null);
  const ret = ref<unknown>(null);
  const obj = { notAnIterator: true, next: 'not a function' };
  t.equal(
    startJob(j, null, ret, () => obj),
    JobStatus.FINISH,
  );
  t.equal(ret.value, obj);
  t.equal(
    startJob(j, null, null, () => 5),
    JobStatus.FINISH,
    'a null result ref is fine',
  );
  t.equal(j.value, null);
  t.end();
});

t.test('bound and wrapped generator functions are still generator bodies', (t) => {
  function* gen(this: unknown, prefix: string, a: string): Generator<unknown, string, unknown> {
    yield* pauseJob();
    return `${prefix}:${a}`;
  }
  const bound = gen.bind(null, 'bound') as unknown as (a: string) => Generator<unknown, string, unknown>;
  const wrapped = (a: string) => gen('wrapped', a);
  for (const [name, body] of [
    ['bound', bound],
    ['wrapped', wrapped],
  ] as const) {
    const j = ref<Job | null>(null);
    const ret = ref<unknown>(null);
    const s = startJob(j, null, ret, body, 'x');
    t.equal(s, JobStatus.PAUSE, `${name}: a number status at once`);
    t.equal(startJob(j, null, ret, null), JobStatus.FINISH, name);
    t.equal(ret.value, `${name}:x`);
  }
  t.end();
});

t.test('startJob - argument errors throw TypeError; a freed ctx gives ERR', (t) => {
  const j = ref<Job | null>(null);
  t.throws(() => startJob(null as unknown as Ref<Job | null>, null, null, () => 0), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
  });
  t.throws(() => startJob(j, null, 5 as unknown as Ref<unknown>, () => 0), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => startJob(j, null, null, 'nope' as unknown as () => void), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => startJob(j, {} as WaitContext, null, () => 0), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => startJob({ value: {} as Job }, null, null, () => 0), { code: 'ERR_INVALID_ARG_TYPE' });
  t.equal(getError(), null);
  const ctx = new WaitContext();
  ctx.free();
  let ran = false;
  t.equal(
    startJob(j, ctx, null, () => (ran = true)),
    JobStatus.ERR,
  );
  t.equal(getError()?.code, 'ERR_R_PASSED_INVALID_ARGUMENT');
  t.equal(ran, false);
  t.end();
});

t.test('startJob - from inside a running job gives ERR with ERR_R_INTERNAL_ERROR', async (t) => {
  const inner: unknown[] = [];
  startJob(ref<Job | null>(null), null, null, function* () {
    inner.push(startJob(ref<Job | null>(null), null, null, () => 0));
  });
  await startJob(ref<Job | null>(null), null, null, async () => {
    await Promise.resolve();
    inner.push(startJob(ref<Job | null>(null), null, null, () => 0));
  });
  t.same(inner, [JobStatus.ERR, JobStatus.ERR]);
  t.equal(getError()?.code, 'ERR_R_INTERNAL_ERROR');
  t.equal(getError()?.code, 'ERR_R_INTERNAL_ERROR');
});

t.test('a body that throws synchronously - ERR at once with ASYNC_R_JOB_FAILED, cause = the error', (t) => {
  const before = poolStats();
  const boom = new Error('boom');
  const j = ref<Job | null>(null);
  const ret = ref<unknown>('untouched');
  t.equal(
    startJob(j, null, ret, () => {
      throw boom;
    }),
    JobStatus.ERR,
    'plain body',
  );
  let e = getError();
  t.equal(e?.code, 'ASYNC_R_JOB_FAILED');
  t.equal(e?.cause, boom);
  t.equal(
    startJob(j, null, ret, function* () {
      throw boom;
    }),
    JobStatus.ERR,
    'generator body throwing in its first segment',
  );
  e = getError();
  t.equal(e?.code, 'ASYNC_R_JOB_FAILED');
  t.equal(e?.cause, boom);
  t.equal(ret.value, 'untouched');
  t.equal(j.value, null);
  t.equal(getError(), null);
  t.equal(poolStats().idle, Math.max(before.idle, 1), 'the job went back to the pool');
  t.end();
});

t.test('an async body that rejects gives ERR (never a rejected promise)', async (t) => {
  const boom = new Error('async boom');
  const j = ref<Job | null>(null);
  t.equal(
    await startJob(j, null, null, async () => {
      throw boom;
    }),
    JobStatus.ERR,
    'before any await',
  );
  t.equal(getError()?.cause, boom);
  t.equal(
    await startJob(j, null, null, async () => {
      await pauseJob();
      throw boom;
    }),
    JobStatus.PAUSE,
  );
  t.equal(await startJob(j, null, null, null), JobStatus.ERR, 'after a resume');
  const e = getError();
  t.equal(e?.code, 'ASYNC_R_JOB_FAILED');
  t.equal(e?.cause, boom);
  t.equal(j.value, null);
});

for (const kind of ['generator', 'async'] as const) {
  t.test(`throwIntoJob (${kind}) - the error appears at the pause point; caught, the job continues`, async (t) => {
    const err = new Error('thrown in');
    const log: unknown[] = [];
    const body =
      kind === 'generator'
        ? function* () {
            try {
              yield* pauseJob();
              log.push('not reached');
            } catch (e) {
              log.push(e);
              log.push(getCurrentJob() !== null);
            }
            yield* pauseJob();
            return 'after';
          }
        : async function () {
            try {
              await pauseJob();
              log.push('not reached');
            } catch (e) {
              log.push(e);
              log.push(getCurrentJob() !== null);
            }
            await pauseJob();
            return 'after';
          };
    const j = ref<Job | null>(null);
    const ret = ref<unknown>(null);
    t.equal(await startJob(j, null, ret, body), JobStatus.PAUSE);
    const s = throwIntoJob(j, ret, err);
    t.type(s, kind === 'generator' ? 'number' : Promise);
    t.equal(await s, JobStatus.PAUSE, 'caught: the job went on and paused again');
    t.same(log, [err, true]);
    t.equal(log[0], err, 'the same error object');
    t.equal(await startJob(j, null, ret, null), JobStatus.FINISH);
    t.equal(ret.value, 'after');
    t.equal(getError(), null);
  });

  t.test(
    `throwIntoJob (${kind}) - uncaught: ERR with ASYNC_R_JOB_FAILED whose cause is the error; finally runs`,
    async (t) => {
      const err = { notAnError: true };
      const log: string[] = [];
      const body =
        kind === 'generator'
          ? function* () {
              try {
                yield* pauseJob();
              } finally {
                log.push('finally');
              }
            }
          : async function () {
              try {
                await pauseJob();
              } finally {
                log.push('finally');
              }
            };
      const j = ref<Job | null>(null);
      const ret = ref<unknown>('untouched');
      t.equal(await startJob(j, null, ret, body), JobStatus.PAUSE);
      const job = j.value;
      t.equal(await throwIntoJob(j, ret, err), JobStatus.ERR);
      t.same(log, ['finally']);
      const e = getError();
      t.equal(e?.code, 'ASYNC_R_JOB_FAILED');
      t.equal(e?.cause, err);
      t.equal(j.value, null);
      t.equal(ret.value, 'untouched');
      t.equal(job!.paused, false);
      t.equal(await throwIntoJob({ value: job }, null, err), JobStatus.ERR, 'the finished handle is stale');
      t.equal(getError()?.code, 'ERR_R_PASSED_INVALID_ARGUMENT');
    },
  );
}

t.test('throwIntoJob - a value that is not a Job throws TypeError', (t) => {
  t.throws(() => throwIntoJob({ value: null }, null, new Error()), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => throwIntoJob({ value: 1 as unknown as Job }, null, new Error()), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => throwIntoJob(null as unknown as Ref<Job | null>, null, new Error()), { code: 'ERR_INVALID_ARG_TYPE' });
  t.end();
});

t.test('resuming a finished (stale) handle gives ERR, runs nothing', (t) => {
  const j = ref<Job | null>(null);
  startJob(j, null, null, function* () {
    yield* pauseJob();
  });
  const job = j.value!;
  t.equal(startJob(j, null, null, null), JobStatus.FINISH);
  t.equal(
    startJob({ value: job }, null, null, () => t.fail('must not run')),
    JobStatus.ERR,
  );
  t.equal(getError()?.code, 'ERR_R_PASSED_INVALID_ARGUMENT');
  t.end();
});

t.test('resuming an async job whose segment has not settled gives ERR', async (t) => {
  const j = ref<Job | null>(null);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  t.equal(
    await startJob(j, null, null, async () => {
      await pauseJob();
      await gate;
    }),
    JobStatus.PAUSE,
  );
  const job = j.value!;
  const running = startJob(j, null, null, null);
  t.equal(startJob({ value: job }, null, null, null), JobStatus.ERR, 'still running: not paused');
  t.equal(getError()?.code, 'ERR_R_PASSED_INVALID_ARGUMENT');
  release();
  t.equal(await running, JobStatus.FINISH, 'the running segment is unaffected');
});

t.test('an async body that ends while paused without awaiting its pause - reported at the next resume', async (t) => {
  const j = ref<Job | null>(null);
  const ret = ref<unknown>('untouched');
  let continued = false;
  t.equal(
    await startJob(j, null, ret, async () => {
      void pauseJob().then(() => {
        continued = true;
      });
      return 'early';
    }),
    JobStatus.PAUSE,
    'the pause request was consumed: PAUSE',
  );
  await new Promise((r) => setImmediate(r));
  t.ok(j.value?.paused, 'still paused although the body returned');
  t.equal(ret.value, 'untouched');
  t.equal(await startJob(j, null, ret, null), JobStatus.FINISH);
  t.equal(ret.value, 'early');
  t.equal(j.value, null);
  t.equal(continued, false, 'the abandoned continuation is never called');
});

t.test('an async body that throws while paused without awaiting its pause - ERR at the next resume', async (t) => {
  const j = ref<Job | null>(null);
  const boom = new Error('late');
  t.equal(
    await startJob(j, null, null, async () => {
      void pauseJob().then(() => {});
      await Promise.resolve();
      throw boom;
    }),
    JobStatus.PAUSE,
  );
  await new Promise((r) => setImmediate(r));
  t.equal(getError(), null, 'nothing reported while paused');
  t.equal(await startJob(j, null, null, null), JobStatus.ERR);
  const e = getError();
  t.equal(e?.code, 'ASYNC_R_JOB_FAILED');
  t.equal(e?.cause, boom);
});
