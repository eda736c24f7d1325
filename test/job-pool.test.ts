/**
 * src/job-pool.ts through the idiomatic names: initPool / cleanupPool / poolStats, limits,
 * last-released-first reuse, prebuilt jobs and the MAX_POOL_SIZE boundary.
 */
import t, { type Test } from 'tap';
import {
  JobStatus,
  MAX_POOL_SIZE,
  cleanupPool,
  clearErrors,
  getCurrentJob,
  getError,
  initPool,
  pauseJob,
  poolStats,
  startJob,
  type Job,
  type Ref,
} from '../src/index.js';

const ref = <V>(value: V): Ref<V> => ({ value });

function* pauseOnce(): Generator<unknown, string, unknown> {
  yield* pauseJob();
  return 'done';
}

/** Start a generator job that pauses once; returns its handle. */
function startPaused(t: Test): Ref<Job | null> {
  const j = ref<Job | null>(null);
  t.equal(startJob(j, null, null, pauseOnce), JobStatus.PAUSE);
  return j;
}

function finish(t: Test, j: Ref<Job | null>): void {
  t.equal(startJob(j, null, null, null), JobStatus.FINISH);
}

t.beforeEach(() => {
  cleanupPool();
  clearErrors();
});
t.teardown(() => {
  cleanupPool();
  clearErrors();
});

t.test('poolStats - no pool before the first start or initPool', (t) => {
  t.same(poolStats(), { max: 0, created: 0, idle: 0 });
  t.end();
});

t.test('initPool(2, 0) - two jobs at most; a third start gets NO_JOBS and changes nothing', (t) => {
  t.equal(initPool(2, 0), 1);
  t.same(poolStats(), { max: 2, created: 0, idle: 0 });
  const a = startPaused(t);
  const b = startPaused(t);
  t.same(poolStats(), { max: 2, created: 2, idle: 0 });
  const c = ref<Job | null>(null);
  const ret = ref<unknown>('untouched');
  let ran = false;
  t.equal(
    startJob(c, null, ret, function* () {
      ran = true;
    }),
    JobStatus.NO_JOBS,
  );
  t.equal(c.value, null);
  t.equal(ret.value, 'untouched');
  t.equal(ran, false, 'the body did not run');
  t.equal(getError(), null, 'NO_JOBS queues no error');
  finish(t, a);
  t.same(poolStats(), { max: 2, created: 2, idle: 1 });
  t.equal(
    startJob(c, null, ret, function* () {
      ran = true;
      return 7;
    }),
    JobStatus.FINISH,
  );
  t.equal(ran, true);
  t.equal(ret.value, 7);
  finish(t, b);
  t.same(poolStats(), { max: 2, created: 2, idle: 2 });
  t.end();
});

t.test('reuse - the job released last is reused first (observed through Job identity)', (t) => {
  t.equal(initPool(0, 0), 1, 'unlimited');
  const a = startPaused(t);
  const b = startPaused(t);
  const c = startPaused(t);
  const [ja, jb, jc] = [a.value, b.value, c.value];
  t.ok(ja !== jb && jb !== jc && ja !== jc, 'three distinct objects');
  finish(t, b);
  finish(t, a);
  finish(t, c);
  // idle stack, top first: c, a, b
  const seen: (Job | null)[] = [];
  const x = startPaused(t);
  const y = startPaused(t);
  startJob(ref<Job | null>(null), null, null, function* () {
    seen.push(getCurrentJob());
  });
  t.equal(x.value, jc, 'first reuse: released last');
  t.equal(y.value, ja);
  t.equal(seen[0], jb, 'the job sees itself as the object released first');
  t.same(poolStats(), { max: 0, created: 3, idle: 1 });
  finish(t, x);
  finish(t, y);
  t.end();
});

t.test('initPool(3, 3) - prebuilt jobs are idle and count toward the limit', (t) => {
  t.equal(initPool(3, 3), 1);
  t.same(poolStats(), { max: 3, created: 3, idle: 3 });
  const js = [startPaused(t), startPaused(t), startPaused(t)];
  t.same(poolStats(), { max: 3, created: 3, idle: 0 }, 'no job built on demand');
  t.equal(startJob(ref<Job | null>(null), null, null, pauseOnce), JobStatus.NO_JOBS);
  for (const j of js) finish(t, j);
  t.end();
});

t.test('initPool - a size outside the rules returns 0 with ASYNC_R_INVALID_POOL_SIZE and keeps the pool', (t) => {
  t.equal(initPool(4, 1), 1);
  const cases: [number, number][] = [
    [2, 3],
    [0, 1],
    [-1, 0],
    [1, -1],
    [MAX_POOL_SIZE + 1, 0],
  ];
  for (const [max, init] of cases) {
    t.equal(initPool(max, init), 0, `initPool(${max}, ${init})`);
    t.equal(getError()?.code, 'ASYNC_R_INVALID_POOL_SIZE');
  }
  t.equal(getError(), null, 'one error per refusal');
  t.same(poolStats(), { max: 4, created: 1, idle: 1 }, 'the pool is unchanged');
  t.end();
});

t.test('initPool - MAX_POOL_SIZE is 2^31-1 and is accepted', (t) => {
  t.equal(MAX_POOL_SIZE, 2 ** 31 - 1);
  t.equal(initPool(MAX_POOL_SIZE, 0), 1);
  t.same(poolStats(), { max: MAX_POOL_SIZE, created: 0, idle: 0 });
  t.equal(initPool(MAX_POOL_SIZE, 2), 1);
  t.same(poolStats(), { max: MAX_POOL_SIZE, created: 2, idle: 2 });
  t.equal(getError(), null);
  t.end();
});

t.test('initPool - non-numbers throw TypeError, non-integers RangeError (nothing queued)', (t) => {
  t.throws(() => initPool('2' as unknown as number, 0), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => initPool(2, null as unknown as number), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => initPool(2.5, 0), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => initPool(2, NaN), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => initPool(Infinity, 0), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  t.equal(getError(), null);
  t.same(poolStats(), { max: 0, created: 0, idle: 0 });
  t.end();
});

t.test('cleanupPool - drops the pool; the next start builds a fresh unlimited one', (t) => {
  t.equal(initPool(1, 1), 1);
  const old = startPaused(t);
  const oldJob = old.value;
  cleanupPool();
  t.same(poolStats(), { max: 0, created: 0, idle: 0 });
  const fresh = startPaused(t);
  t.not(fresh.value, oldJob, 'a new object');
  t.same(poolStats(), { max: 0, created: 1, idle: 0 });
  finish(t, old);
  t.same(poolStats(), { max: 0, created: 1, idle: 0 }, "the old pool's job is discarded when it finishes");
  finish(t, fresh);
  t.same(poolStats(), { max: 0, created: 1, idle: 1 });
  t.end();
});

t.test("initPool - a replaced pool's paused job is never counted in the new pool", (t) => {
  t.equal(initPool(1, 0), 1);
  const old = startPaused(t);
  t.equal(initPool(1, 0), 1, 'replace while a job is paused');
  const fresh = startPaused(t);
  t.not(fresh.value, old.value);
  finish(t, old);
  t.same(poolStats(), { max: 1, created: 1, idle: 0 });
  t.equal(startJob(ref<Job | null>(null), null, null, pauseOnce), JobStatus.NO_JOBS, 'still full');
  finish(t, fresh);
  t.same(poolStats(), { max: 1, created: 1, idle: 1 });
  t.end();
});
