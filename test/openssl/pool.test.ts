/**
 * Pool behaviour of `asyncjob/openssl`: limits, NO_JOBS, LIFO reuse, pre-allocation, the
 * default unlimited pool and ASYNC_cleanup_thread — oracle scenarios pool_limits,
 * pool_lifo_reuse, pool_prealloc, pool_default_unlimited, cleanup_thread.
 *
 * pool_init_twice (a second init_thread while a job is paused) is deliberate choice 5 and is
 * tested in deliberate-choices.test.ts; pool_init_errors is in errors.test.ts.
 */
import t from 'tap';
import * as O from '../../src/openssl.js';
import { KINDS, Trace, onlyPause, ref, reset, rname, yesno, type Job } from './helpers.js';

t.beforeEach(reset);
t.afterEach(reset);

for (const kind of KINDS) {
  t.test(
    `[oracle pool_limits] ASYNC_init_thread(2,0): third job gets NO_JOBS until one finishes (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit, j } = o;
      const j1 = ref<Job | null>(null);
      const j2 = ref<Job | null>(null);
      const j3 = ref<Job | null>(null);
      const ctx = O.ASYNC_WAIT_CTX_new();
      const r1 = ref(-1);
      const r2 = ref(-1);
      const r3 = ref(-1);
      emit(`init_thread(2,0) -> ${O.ASYNC_init_thread(2, 0)}`);
      let r = await o.start(j1, ctx, r1, onlyPause);
      emit(`start job1 -> ${rname(r)} job1=${j(j1.value)}`);
      r = await o.start(j2, ctx, r2, onlyPause);
      emit(`start job2 -> ${rname(r)} job2=${j(j2.value)}`);
      r = await o.start(j3, ctx, r3, onlyPause);
      emit(`start job3 -> ${rname(r)} job3=${j(j3.value)} ret3=${r3.value} (untouched)`);
      o.errq();
      r = await o.start(j3, ctx, r3, onlyPause);
      emit(`start job3 again -> ${rname(r)} job3=${j(j3.value)}`);
      const old1 = j1.value;
      r = await o.start(j1, ctx, r1, onlyPause);
      emit(`resume job1 -> ${rname(r)} ret1=${r1.value} job1=${j(j1.value)}`);
      r = await o.start(j3, ctx, r3, onlyPause);
      emit(`start job3 -> ${rname(r)} job3=${j(j3.value)} (same object as finished job1: ${yesno(j3.value === old1)})`);
      r = await o.start(j2, ctx, r2, onlyPause);
      emit(`resume job2 -> ${rname(r)} ret2=${r2.value}`);
      r = await o.start(j3, ctx, r3, onlyPause);
      emit(`resume job3 -> ${rname(r)} ret3=${r3.value}`);
      O.ASYNC_WAIT_CTX_free(ctx);
      O.ASYNC_cleanup_thread();
      emit('cleanup_thread done');
      o.errq('end: ');
      o.check(`
init_thread(2,0) -> 1
start job1 -> PAUSE job1=J1
start job2 -> PAUSE job2=J2
start job3 -> NO_JOBS job3=NULL ret3=-1 (untouched)
errq empty
start job3 again -> NO_JOBS job3=NULL
resume job1 -> FINISH ret1=1 job1=NULL
start job3 -> PAUSE job3=J1 (same object as finished job1: yes)
resume job2 -> FINISH ret2=1
resume job3 -> FINISH ret3=1
cleanup_thread done
end: errq empty
`);
    },
  );

  t.test(
    `[oracle pool_lifo_reuse] ASYNC_start_job reuses finished jobs most-recently-released first (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit, j } = o;
      const ctx = O.ASYNC_WAIT_CTX_new();
      const [a, b, c, x, y, z] = [0, 1, 2, 3, 4, 5].map(() => ref<Job | null>(null)) as Ref6;
      const ret = ref(-1);
      await o.start(a, ctx, ret, onlyPause);
      await o.start(b, ctx, ret, onlyPause);
      await o.start(c, ctx, ret, onlyPause);
      j(a.value);
      j(b.value);
      j(c.value);
      emit(`three paused jobs: a=${j(a.value)} b=${j(b.value)} c=${j(c.value)}`);
      let r = await o.start(b, ctx, ret, onlyPause);
      emit(`finish b -> ${rname(r)}`);
      r = await o.start(a, ctx, ret, onlyPause);
      emit(`finish a -> ${rname(r)}`);
      await o.start(x, ctx, ret, onlyPause);
      await o.start(y, ctx, ret, onlyPause);
      await o.start(z, ctx, ret, onlyPause);
      j(x.value);
      j(y.value);
      j(z.value);
      emit(
        `three new paused jobs: x=${j(x.value)} y=${j(y.value)} z=${j(z.value)} (pool is LIFO: last released reused first)`,
      );
      await o.start(x, ctx, ret, onlyPause);
      await o.start(y, ctx, ret, onlyPause);
      await o.start(z, ctx, ret, onlyPause);
      r = await o.start(c, ctx, ret, onlyPause);
      emit(`all finished, last -> ${rname(r)}`);
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      o.check(`
three paused jobs: a=J1 b=J2 c=J3
finish b -> FINISH
finish a -> FINISH
three new paused jobs: x=J1 y=J2 z=J4 (pool is LIFO: last released reused first)
all finished, last -> FINISH
end: errq empty
`);
    },
  );

  t.test(
    `[oracle pool_prealloc] ASYNC_init_thread(3,3): pre-created jobs count toward max (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit, j } = o;
      const ctx = O.ASYNC_WAIT_CTX_new();
      const jobs = [0, 1, 2, 3].map(() => ref<Job | null>(null));
      const ret = ref(-1);
      emit(`init_thread(3,3) -> ${O.ASYNC_init_thread(3, 3)}`);
      for (let i = 0; i < 4; i++) {
        const r = await o.start(jobs[i]!, ctx, ret, onlyPause);
        emit(`start #${i + 1} -> ${rname(r)} job=${j(jobs[i]!.value)}`);
      }
      for (let i = 0; i < 3; i++) {
        const r = await o.start(jobs[i]!, ctx, ret, onlyPause);
        emit(`resume #${i + 1} -> ${rname(r)} ret=${ret.value}`);
      }
      O.ASYNC_WAIT_CTX_free(ctx);
      O.ASYNC_cleanup_thread();
      o.errq('end: ');
      o.check(`
init_thread(3,3) -> 1
start #1 -> PAUSE job=J1
start #2 -> PAUSE job=J2
start #3 -> PAUSE job=J3
start #4 -> NO_JOBS job=NULL
resume #1 -> FINISH ret=1
resume #2 -> FINISH ret=1
resume #3 -> FINISH ret=1
end: errq empty
`);
    },
  );

  t.test(
    `[oracle pool_default_unlimited] ASYNC_start_job without ASYNC_init_thread: pool is unlimited (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit } = o;
      const N = 64;
      const ctx = O.ASYNC_WAIT_CTX_new();
      const ret = ref(-1);
      const jobs = Array.from({ length: N }, () => ref<Job | null>(null));
      const first: (Job | null)[] = [];
      let npause = 0;
      for (let i = 0; i < N; i++) {
        if ((await o.start(jobs[i]!, ctx, ret, onlyPause)) === O.ASYNC_PAUSE) npause++;
        first.push(jobs[i]!.value);
      }
      const ndistinct = new Set(first).size;
      emit(`no init_thread: started ${N} jobs, PAUSE=${npause} distinct handles=${ndistinct}`);
      let nfin = 0;
      for (let i = 0; i < N; i++) if ((await o.start(jobs[i]!, ctx, ret, onlyPause)) === O.ASYNC_FINISH) nfin++;
      emit(`resumed all: FINISH=${nfin}`);
      npause = 0;
      let nreused = 0;
      for (let i = 0; i < N; i++) {
        jobs[i]!.value = null;
        if ((await o.start(jobs[i]!, ctx, ret, onlyPause)) === O.ASYNC_PAUSE) npause++;
        if (first.includes(jobs[i]!.value)) nreused++;
      }
      emit(`second batch: PAUSE=${npause} handles reused from first batch=${nreused}`);
      nfin = 0;
      for (let i = 0; i < N; i++) if ((await o.start(jobs[i]!, ctx, ret, onlyPause)) === O.ASYNC_FINISH) nfin++;
      emit(`resumed all: FINISH=${nfin}`);
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      o.check(`
no init_thread: started 64 jobs, PAUSE=64 distinct handles=64
resumed all: FINISH=64
second batch: PAUSE=64 handles reused from first batch=64
resumed all: FINISH=64
end: errq empty
`);
    },
  );

  t.test(
    `[oracle cleanup_thread] ASYNC_cleanup_thread frees the pool; next use re-inits defaults (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit } = o;
      const ctx = O.ASYNC_WAIT_CTX_new();
      const a = ref<Job | null>(null);
      const b = ref<Job | null>(null);
      const ret = ref(-1);
      emit('cleanup_thread before any use (no-op)');
      O.ASYNC_cleanup_thread();
      emit(`init_thread(1,0) -> ${O.ASYNC_init_thread(1, 0)}`);
      let r = await o.start(a, ctx, ret, onlyPause);
      emit(`start a -> ${rname(r)}`);
      r = await o.start(b, ctx, ret, onlyPause);
      emit(`start b -> ${rname(r)}`);
      r = await o.start(a, ctx, ret, onlyPause);
      emit(`resume a -> ${rname(r)} ret=${ret.value}`);
      O.ASYNC_cleanup_thread();
      emit('cleanup_thread (no outstanding jobs)');
      r = await o.start(a, ctx, ret, onlyPause);
      emit(`start a -> ${rname(r)} (pool lazily re-created with defaults)`);
      r = await o.start(b, ctx, ret, onlyPause);
      emit(`start b -> ${rname(r)} (max is now unlimited)`);
      r = await o.start(a, ctx, ret, onlyPause);
      emit(`resume a -> ${rname(r)}`);
      r = await o.start(b, ctx, ret, onlyPause);
      emit(`resume b -> ${rname(r)}`);
      O.ASYNC_cleanup_thread();
      O.ASYNC_cleanup_thread();
      emit('cleanup_thread x2 (idempotent)');
      o.errq();
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      o.check(`
cleanup_thread before any use (no-op)
init_thread(1,0) -> 1
start a -> PAUSE
start b -> NO_JOBS
resume a -> FINISH ret=1
cleanup_thread (no outstanding jobs)
start a -> PAUSE (pool lazily re-created with defaults)
start b -> PAUSE (max is now unlimited)
resume a -> FINISH
resume b -> FINISH
cleanup_thread x2 (idempotent)
errq empty
end: errq empty
`);
    },
  );

  t.test(`ASYNC_start_job NO_JOBS leaves job and ret refs untouched and queues nothing (${kind} body)`, async (t) => {
    const o = new Trace(t, kind);
    t.equal(O.ASYNC_init_thread(1, 0), 1);
    const ctx = O.ASYNC_WAIT_CTX_new();
    const a = ref<Job | null>(null);
    const ret = ref<any>(-1);
    t.equal(await o.start(a, ctx, ret, onlyPause), O.ASYNC_PAUSE);
    const b = ref<Job | null>(null);
    let ran = false;
    const r = O.ASYNC_start_job(b, ctx, ret, function* () {
      ran = true;
      return 1;
    });
    t.equal(r, O.ASYNC_NO_JOBS, 'NO_JOBS is a plain number');
    t.equal(b.value, null, 'job ref untouched');
    t.equal(ret.value, -1, 'ret ref untouched');
    t.equal(ran, false, 'body not run');
    t.equal(O.ERR_peek_error(), null, 'nothing queued');
    t.equal(await o.start(a, ctx, ret, onlyPause), O.ASYNC_FINISH);
    O.ASYNC_WAIT_CTX_free(ctx);
  });
}

type Ref6 = [
  { value: Job | null },
  { value: Job | null },
  { value: Job | null },
  { value: Job | null },
  { value: Job | null },
  { value: Job | null },
];
