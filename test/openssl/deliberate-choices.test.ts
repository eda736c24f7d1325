/**
 * The six deliberate choices of CONTRACT.md, where OpenSSL 3.0.19 crashes, leaks or is
 * undefined. Each test names the oracle scenario whose C result it replaces:
 *
 * 1. nested_start_fresh / _after_resume / _reused: a start from inside a running job gives
 *    ASYNC_ERR with ERR_R_INTERNAL_ERROR and changes nothing (C: SIGSEGV or FINISH with a
 *    stale value, depending on the outer object's history).
 * 2. null_waitctx_resume: a job with a null wait ctx pauses and resumes (C: SIGSEGV).
 * 3. stale_handle_restart: resuming a finished handle gives ASYNC_ERR with
 *    ERR_R_PASSED_INVALID_ARGUMENT, runs nothing, pool intact (C: FINISH with the stale
 *    value and a double push onto the idle stack).
 * 4. block_persists_across_jobs: the block counter ends with the job (C: it leaks to the
 *    thread's next jobs).
 * 5. pool_init_twice / cleanup_thread with paused jobs: those jobs stay resumable, finish
 *    normally and are discarded, never counted against the new pool (C: returned to the new
 *    pool, which can then exceed its max; or undefined after cleanup_thread).
 * 6. misuse never crashes: see misuse.test.ts.
 */
import t from 'tap';
import * as O from '../../src/openssl.js';
import {
  KINDS,
  Trace,
  drainErrors,
  go,
  goScript,
  onlyPause,
  poolStillWorks,
  ref,
  reset,
  rname,
  type Job,
  type Script,
} from './helpers.js';

t.beforeEach(reset);
t.afterEach(reset);

for (const kind of KINDS) {
  // ---------------------------------------------------------------- choice 1
  /**
   * Outer job whose segment `nestAt` (1 = first run) tries a nested start; then it pauses
   * once more and returns 7.
   */
  const nestedScenario = async (t: Parameters<typeof go>[0], nestAt: 1 | 2, reused: boolean) => {
    const o = new Trace(t, kind);
    const { emit, j } = o;
    const ctx = O.ASYNC_WAIT_CTX_new();
    let innerRan = 0;
    const inner =
      kind === 'generator'
        ? function* () {
            innerRan++;
            return 11;
          }
        : async () => {
            innerRan++;
            return 11;
          };
    const doNested = () => {
      const me = O.ASYNC_get_current_job();
      emit(`outer job: current_job=${j(me)}, calling nested ASYNC_start_job(&inner=NULL)`);
      const innerRef = ref<Job | null>(null);
      const iret = ref(-555);
      const r = O.ASYNC_start_job(innerRef, O.ASYNC_get_wait_ctx(me!), iret, inner);
      emit(
        `outer job: nested start -> ${typeof r === 'number' ? rname(r) : 'a Promise'} inner=${j(innerRef.value)} iret=${iret.value} inner_func_ran=${innerRan}`,
      );
      o.errq('outer job: ');
      emit(`outer job: current_job after nested start -> ${j(O.ASYNC_get_current_job())}`);
    };
    const outer: Script = function* (_a, pause) {
      if (nestAt === 2) {
        const r = yield* pause();
        emit(`outer job: first pause -> ${r} seg=${o.seg}`);
      }
      doNested();
      const r = yield* pause();
      emit(`outer job: pause -> ${r} seg=${o.seg}`);
      emit('outer job: returning 7');
      return 7;
    };
    const job = ref<Job | null>(null);
    const ret = ref(-1);
    if (reused) {
      const r = await o.start(job, ctx, ret, function* () {
        return 42;
      });
      emit(`start(job returning 42) -> ${rname(r)} ret=${ret.value}`);
    }
    for (let i = 0; i < 4; i++) {
      const r = await o.start(job, ctx, ret, outer);
      emit(`start(seg=${o.seg}) -> ${rname(r)} ret=${r === O.ASYNC_FINISH ? ret.value : -1} job=${j(job.value)}`);
      if (r !== O.ASYNC_PAUSE) break;
    }
    O.ASYNC_WAIT_CTX_free(ctx);
    o.errq('end: ');
    return o;
  };

  t.test(
    `[oracle nested_start_fresh] choice 1: ASYNC_start_job inside a job's first run gives ERR + ERR_R_INTERNAL_ERROR, no state change (${kind} body)`,
    async (t) => {
      const o = await nestedScenario(t, 1, false);
      o.check(`
outer job: current_job=J1, calling nested ASYNC_start_job(&inner=NULL)
outer job: nested start -> ERR inner=NULL iret=-555 inner_func_ran=0
outer job: errq ERR_R_INTERNAL_ERROR
outer job: current_job after nested start -> J1
start(seg=1) -> PAUSE ret=-1 job=J1
outer job: pause -> 1 seg=2
outer job: returning 7
start(seg=2) -> FINISH ret=7 job=NULL
end: errq empty
`);
      await poolStillWorks(t, kind);
    },
  );

  t.test(
    `[oracle nested_start_after_resume] choice 1: ASYNC_start_job inside a resumed job gives ERR + ERR_R_INTERNAL_ERROR (${kind} body)`,
    async (t) => {
      const o = await nestedScenario(t, 2, false);
      // C 3.0.19 adds no error on this path; the contract makes every nested start the same.
      o.check(`
start(seg=1) -> PAUSE ret=-1 job=J1
outer job: first pause -> 1 seg=2
outer job: current_job=J1, calling nested ASYNC_start_job(&inner=NULL)
outer job: nested start -> ERR inner=NULL iret=-555 inner_func_ran=0
outer job: errq ERR_R_INTERNAL_ERROR
outer job: current_job after nested start -> J1
start(seg=2) -> PAUSE ret=-1 job=J1
outer job: pause -> 1 seg=3
outer job: returning 7
start(seg=3) -> FINISH ret=7 job=NULL
end: errq empty
`);
      await poolStillWorks(t, kind);
    },
  );

  t.test(
    `[oracle nested_start_reused] choice 1: ASYNC_start_job inside a job on a recycled object gives ERR, no stale FINISH (${kind} body)`,
    async (t) => {
      const o = await nestedScenario(t, 1, true);
      o.check(`
start(job returning 42) -> FINISH ret=42
outer job: current_job=J1, calling nested ASYNC_start_job(&inner=NULL)
outer job: nested start -> ERR inner=NULL iret=-555 inner_func_ran=0
outer job: errq ERR_R_INTERNAL_ERROR
outer job: current_job after nested start -> J1
start(seg=2) -> PAUSE ret=-1 job=J1
outer job: pause -> 1 seg=3
outer job: returning 7
start(seg=3) -> FINISH ret=7 job=NULL
end: errq empty
`);
      await poolStillWorks(t, kind);
    },
  );

  t.test(
    `choice 1: nested ASYNC_start_job is ERR even when the pool is full (init_thread(1,0)) (${kind} body)`,
    async (t) => {
      t.equal(O.ASYNC_init_thread(1, 0), 1);
      const job = ref<Job | null>(null);
      const ret = ref<any>(-1);
      let nested: unknown;
      const script: Script = function* (_a, pause) {
        nested = O.ASYNC_start_job(ref<Job | null>(null), null, ref(0), function* () {
          return 1;
        });
        yield* pause();
        return 3;
      };
      t.equal(await goScript(t, kind, job, null, ret, script), O.ASYNC_PAUSE);
      t.equal(nested, O.ASYNC_ERR, 'nested start -> ASYNC_ERR (not NO_JOBS)');
      t.same(drainErrors(), ['ERR_R_INTERNAL_ERROR']);
      t.equal(await goScript(t, kind, job, null, ret, script), O.ASYNC_FINISH);
      t.equal(ret.value, 3);
      await poolStillWorks(t, kind);
    },
  );

  t.test(
    `choice 1: nested ASYNC_start_job with another paused job's handle gives ERR and leaves that job paused (${kind} body)`,
    async (t) => {
      const other = ref<Job | null>(null);
      const oret = ref<any>(-1);
      const otherSteps: string[] = [];
      const otherScript: Script = function* (_a, pause) {
        otherSteps.push('seg1');
        yield* pause();
        otherSteps.push('seg2');
        return 22;
      };
      t.equal(await goScript(t, kind, other, null, oret, otherScript), O.ASYNC_PAUSE);
      const otherHandle = other.value;
      const job = ref<Job | null>(null);
      const ret = ref<any>(-1);
      let nested: unknown;
      const nestedRef = ref<Job | null>(otherHandle);
      const nestedRet = ref<any>(-555);
      let currentAfter: unknown;
      const script: Script = function* (_a, pause) {
        const me = O.ASYNC_get_current_job();
        nested = O.ASYNC_start_job(nestedRef, null, nestedRet, function* () {
          return 1;
        });
        currentAfter = O.ASYNC_get_current_job() === me;
        yield* pause();
        return 3;
      };
      t.equal(await goScript(t, kind, job, null, ret, script), O.ASYNC_PAUSE);
      t.equal(nested, O.ASYNC_ERR, 'nested resume of another job -> ASYNC_ERR');
      t.same(drainErrors(), ['ERR_R_INTERNAL_ERROR']);
      t.same(otherSteps, ['seg1'], 'the other job did not run');
      t.equal(nestedRet.value, -555, 'ret untouched');
      t.equal(currentAfter, true, 'current job still the outer one');
      t.equal(await goScript(t, kind, job, null, ret, script), O.ASYNC_FINISH);
      t.equal(ret.value, 3);
      t.equal(await goScript(t, kind, other, null, oret, otherScript), O.ASYNC_FINISH, 'the other job still resumes');
      t.equal(oret.value, 22);
      t.same(otherSteps, ['seg1', 'seg2']);
    },
  );

  // ---------------------------------------------------------------- choice 2
  t.test(
    `[oracle null_waitctx_resume] choice 2: a job started with a null wait ctx pauses and resumes (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit } = o;
      const nwc: Script = function* (_a, pause) {
        emit(
          `job: pausing (job has NULL wait ctx: ${O.ASYNC_get_wait_ctx(O.ASYNC_get_current_job()!) === null ? 'yes' : 'no'})`,
        );
        const r = yield* pause();
        emit(`job: resumed, pause -> ${r}`);
        emit(`job: wait ctx still NULL: ${O.ASYNC_get_wait_ctx(O.ASYNC_get_current_job()!) === null ? 'yes' : 'no'}`);
        yield* pause();
        return 1;
      };
      const job = ref<Job | null>(null);
      const ret = ref(-1);
      let r = await o.start(job, null, ret, nwc);
      emit(`start(wait ctx NULL) -> ${rname(r)}`);
      emit(`main: get_wait_ctx(paused job) is NULL: ${O.ASYNC_get_wait_ctx(job.value!) === null ? 'yes' : 'no'}`);
      r = await o.start(job, null, ret, nwc);
      emit(`restart -> ${rname(r)}`);
      r = await o.start(job, null, ret, nwc);
      emit(`restart -> ${rname(r)} ret=${ret.value}`);
      o.errq('end: ');
      o.check(`
job: pausing (job has NULL wait ctx: yes)
start(wait ctx NULL) -> PAUSE
main: get_wait_ctx(paused job) is NULL: yes
job: resumed, pause -> 1
job: wait ctx still NULL: yes
restart -> PAUSE
restart -> FINISH ret=1
end: errq empty
`);
    },
  );

  // ---------------------------------------------------------------- choice 3
  t.test(
    `[oracle stale_handle_restart] choice 3: resuming a finished handle gives ERR + ERR_R_PASSED_INVALID_ARGUMENT, runs nothing (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit } = o;
      const ctx = O.ASYNC_WAIT_CTX_new();
      const pauseThenReturnArg: Script = function* (a, pause) {
        yield* pause();
        return a;
      };
      const wrong: Script = function* () {
        emit('job: WRONG FUNCTION RAN');
        return -999;
      };
      const job = ref<Job | null>(null);
      const ret = ref(-1);
      let r = await o.start(job, ctx, ret, pauseThenReturnArg, 5);
      const stale = job.value;
      r = await o.start(job, ctx, ret, pauseThenReturnArg, 5);
      emit(`job finished -> ${rname(r)} ret=${ret.value}`);
      job.value = stale;
      ret.value = -1;
      r = await o.start(job, ctx, ret, wrong);
      emit(`start(&stale_finished_handle) -> ${rname(r)} ret=${ret.value} (func not run)`);
      o.errq();
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      o.check(`
job finished -> FINISH ret=5
start(&stale_finished_handle) -> ERR ret=-1 (func not run)
errq ERR_R_PASSED_INVALID_ARGUMENT
end: errq empty
`);
    },
  );

  t.test(
    `choice 3: after a stale-handle resume the pool is intact: two new jobs are distinct objects (${kind} body)`,
    async (t) => {
      const job = ref<Job | null>(null);
      const ret = ref<any>(-1);
      t.equal(await goScript(t, kind, job, null, ret, onlyPause), O.ASYNC_PAUSE);
      const stale = job.value;
      t.equal(await goScript(t, kind, job, null, ret, onlyPause), O.ASYNC_FINISH);
      for (let i = 0; i < 2; i++) {
        t.equal(
          await goScript(t, kind, ref<Job | null>(stale), null, ret, onlyPause),
          O.ASYNC_ERR,
          `stale resume #${i + 1} -> ERR`,
        );
        t.same(drainErrors(), ['ERR_R_PASSED_INVALID_ARGUMENT']);
      }
      const a = ref<Job | null>(null);
      const b = ref<Job | null>(null);
      t.equal(await goScript(t, kind, a, null, ret, onlyPause), O.ASYNC_PAUSE);
      t.equal(await goScript(t, kind, b, null, ret, onlyPause), O.ASYNC_PAUSE);
      t.not(a.value, b.value, 'LIFO reuse gives each idle object once (no double push)');
      t.equal(a.value, stale, 'the first new job reuses the finished object');
      t.equal(await goScript(t, kind, a, null, ret, onlyPause), O.ASYNC_FINISH);
      t.equal(await goScript(t, kind, b, null, ret, onlyPause), O.ASYNC_FINISH);
    },
  );

  t.test(`choice 3: a stale resume with init_thread(1,0) does not add capacity (${kind} body)`, async (t) => {
    t.equal(O.ASYNC_init_thread(1, 0), 1);
    const job = ref<Job | null>(null);
    const ret = ref<any>(-1);
    t.equal(await goScript(t, kind, job, null, ret, onlyPause), O.ASYNC_PAUSE);
    const stale = job.value;
    t.equal(await goScript(t, kind, job, null, ret, onlyPause), O.ASYNC_FINISH);
    t.equal(await goScript(t, kind, ref<Job | null>(stale), null, ret, onlyPause), O.ASYNC_ERR);
    O.ERR_clear_error();
    const a = ref<Job | null>(null);
    t.equal(await goScript(t, kind, a, null, ret, onlyPause), O.ASYNC_PAUSE);
    t.equal(
      await goScript(t, kind, ref<Job | null>(null), null, ret, onlyPause),
      O.ASYNC_NO_JOBS,
      'still only one job',
    );
    t.equal(await goScript(t, kind, a, null, ret, onlyPause), O.ASYNC_FINISH);
  });

  // ---------------------------------------------------------------- choice 4
  t.test(
    `[oracle block_persists_across_jobs] choice 4: the block counter ends with the job (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit, j } = o;
      const blockAndReturn: Script = function* () {
        O.ASYNC_block_pause();
        emit('job A: block_pause, returning without unblock');
        return 1;
      };
      const tryPause: Script = function* (_a, pause) {
        const r = yield* pause();
        emit(`job B: pause -> ${r} seg=${o.seg}`);
        return 2;
      };
      const unblockThenPause: Script = function* (_a, pause) {
        O.ASYNC_unblock_pause();
        emit('job C: unblock_pause');
        const r = yield* pause();
        emit(`job C: pause -> ${r} seg=${o.seg}`);
        return 3;
      };
      const job = ref<Job | null>(null);
      const ctx = O.ASYNC_WAIT_CTX_new();
      const ret = ref(-1);
      let r = await o.start(job, ctx, ret, blockAndReturn);
      emit(`start A -> ${rname(r)} ret=${ret.value}`);
      emit('main: unblock_pause outside job (ignored)');
      O.ASYNC_unblock_pause();
      r = await o.start(job, ctx, ret, tryPause);
      emit(`start B(seg=${o.seg}) -> ${rname(r)} job=${j(job.value)}`);
      r = await o.start(job, ctx, ret, tryPause);
      emit(`start B(seg=${o.seg}) -> ${rname(r)} ret=${ret.value}`);
      r = await o.start(job, ctx, ret, unblockThenPause);
      emit(`start C(seg=${o.seg}) -> ${rname(r)} job=${j(job.value)}`);
      r = await o.start(job, ctx, ret, unblockThenPause);
      emit(`start C(seg=${o.seg}) -> ${rname(r)} ret=${ret.value}`);
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      // C: "start B(seg=2) -> FINISH ret=2 (block counter is per thread, leaked from A)".
      o.check(`
job A: block_pause, returning without unblock
start A -> FINISH ret=1
main: unblock_pause outside job (ignored)
start B(seg=2) -> PAUSE job=J1
job B: pause -> 1 seg=3
start B(seg=3) -> FINISH ret=2
job C: unblock_pause
start C(seg=4) -> PAUSE job=J1
job C: pause -> 1 seg=5
start C(seg=5) -> FINISH ret=3
end: errq empty
`);
    },
  );

  t.test(
    `choice 4: a job that throws while blocked does not stop later jobs from pausing (${kind} body)`,
    async (t) => {
      const job = ref<Job | null>(null);
      const ret = ref<any>(-1);
      const thrower: Script = function* () {
        O.ASYNC_block_pause();
        O.ASYNC_block_pause();
        throw new Error('boom');
      };
      t.equal(await goScript(t, kind, job, null, ret, thrower), O.ASYNC_ERR);
      t.same(drainErrors(), ['ASYNC_R_JOB_FAILED']);
      t.equal(await goScript(t, kind, job, null, ret, onlyPause), O.ASYNC_PAUSE, 'next job pauses');
      t.equal(await goScript(t, kind, job, null, ret, onlyPause), O.ASYNC_FINISH);
    },
  );

  t.test(
    `choice 4: a job blocked in its own segment does not block another paused job's pause (${kind} body)`,
    async (t) => {
      // A pauses unblocked; B blocks and finishes without unblocking; A resumes and can pause again.
      const a = ref<Job | null>(null);
      const b = ref<Job | null>(null);
      const ret = ref<any>(-1);
      const twoPauses: Script = function* (_a, pause) {
        yield* pause();
        yield* pause();
        return 1;
      };
      t.equal(await goScript(t, kind, a, null, ret, twoPauses), O.ASYNC_PAUSE);
      t.equal(
        await goScript(t, kind, b, null, ret, function* () {
          O.ASYNC_block_pause();
          return 2;
        }),
        O.ASYNC_FINISH,
      );
      t.equal(await goScript(t, kind, a, null, ret, twoPauses), O.ASYNC_PAUSE, 'A still pauses');
      t.equal(await goScript(t, kind, a, null, ret, twoPauses), O.ASYNC_FINISH);
    },
  );

  // ---------------------------------------------------------------- choice 5
  t.test(
    `[oracle pool_init_twice] choice 5: a job paused across ASYNC_init_thread finishes and is discarded (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit, j } = o;
      const ctx = O.ASYNC_WAIT_CTX_new();
      const [a, b, c] = [ref<Job | null>(null), ref<Job | null>(null), ref<Job | null>(null)];
      const ret = ref(-1);
      emit(`init_thread(1,0) -> ${O.ASYNC_init_thread(1, 0)}`);
      let r = await o.start(a, ctx, ret, onlyPause);
      emit(`start a -> ${rname(r)} a=${j(a.value)}`);
      r = await o.start(b, ctx, ret, onlyPause);
      emit(`start b -> ${rname(r)} (pool of 1 exhausted)`);
      emit(`init_thread(1,0) again -> ${O.ASYNC_init_thread(1, 0)} (old pool replaced, not merged)`);
      r = await o.start(b, ctx, ret, onlyPause);
      emit(`start b -> ${rname(r)} b=${j(b.value)}`);
      r = await o.start(c, ctx, ret, onlyPause);
      emit(`start c -> ${rname(r)}`);
      const olda = a.value;
      r = await o.start(a, ctx, ret, onlyPause);
      emit(`resume a -> ${rname(r)} ret=${ret.value} (discarded, not added to the new pool)`);
      r = await o.start(c, ctx, ret, onlyPause);
      emit(`start c -> ${rname(r)} (max 1 still holds)`);
      r = await o.start(b, ctx, ret, onlyPause);
      emit(`resume b -> ${rname(r)}`);
      r = await o.start(c, ctx, ret, onlyPause);
      emit(`start c -> ${rname(r)} c=${j(c.value)} (reuses a's object: ${c.value === olda ? 'yes' : 'no'})`);
      r = await o.start(c, ctx, ret, onlyPause);
      emit(`resume c -> ${rname(r)}`);
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      // C: after "resume a", start c -> PAUSE reusing a's object => 2 live jobs under max 1.
      o.check(`
init_thread(1,0) -> 1
start a -> PAUSE a=J1
start b -> NO_JOBS (pool of 1 exhausted)
init_thread(1,0) again -> 1 (old pool replaced, not merged)
start b -> PAUSE b=J2
start c -> NO_JOBS
resume a -> FINISH ret=1 (discarded, not added to the new pool)
start c -> NO_JOBS (max 1 still holds)
resume b -> FINISH
start c -> PAUSE c=J2 (reuses a's object: no)
resume c -> FINISH
end: errq empty
`);
    },
  );

  t.test(
    `[oracle cleanup_thread] choice 5: a job paused across ASYNC_cleanup_thread stays resumable and is not counted against the new pool (${kind} body)`,
    async (t) => {
      const ctx = O.ASYNC_WAIT_CTX_new();
      const key = {};
      const a = ref<Job | null>(null);
      const ret = ref<any>(-1);
      const seen: unknown[] = [];
      const script: Script = function* (_x, pause) {
        const me = O.ASYNC_get_current_job();
        O.ASYNC_WAIT_CTX_set_wait_fd(O.ASYNC_get_wait_ctx(me!)!, key, 5);
        const r = yield* pause();
        seen.push(r, O.ASYNC_get_current_job() === me, O.ASYNC_get_wait_ctx(me!) === ctx);
        const n = ref(-1);
        const d = ref(-1);
        O.ASYNC_WAIT_CTX_get_changed_fds(ctx, null, n, null, d);
        seen.push(n.value);
        return 9;
      };
      t.equal(O.ASYNC_init_thread(2, 0), 1);
      t.equal(await goScript(t, kind, a, ctx, ret, script), O.ASYNC_PAUSE);
      const aHandle = a.value;
      O.ASYNC_cleanup_thread();
      t.equal(O.ASYNC_init_thread(1, 0), 1);
      t.equal(await goScript(t, kind, a, ctx, ret, script), O.ASYNC_FINISH, 'the old job resumes and finishes');
      t.equal(ret.value, 9);
      t.same(seen, [1, true, true, 0], 'pause -> 1, same current job and wait ctx, counters reset on resume');
      t.equal(O.ERR_peek_error(), null, 'nothing queued');
      const x = ref<Job | null>(null);
      t.equal(await goScript(t, kind, x, null, ret, onlyPause), O.ASYNC_PAUSE, 'exactly one new job can start');
      t.not(x.value, aHandle, "the discarded job's object is not reused");
      t.equal(await goScript(t, kind, ref<Job | null>(null), null, ret, onlyPause), O.ASYNC_NO_JOBS, 'then NO_JOBS');
      t.equal(await goScript(t, kind, x, null, ret, onlyPause), O.ASYNC_FINISH);
      O.ASYNC_WAIT_CTX_free(ctx);
    },
  );

  t.test(
    `choice 5: a job paused across ASYNC_cleanup_thread and finished before ASYNC_init_thread is not counted either (${kind} body)`,
    async (t) => {
      const a = ref<Job | null>(null);
      const ret = ref<any>(-1);
      t.equal(O.ASYNC_init_thread(1, 0), 1);
      t.equal(await goScript(t, kind, a, null, ret, onlyPause), O.ASYNC_PAUSE);
      O.ASYNC_cleanup_thread();
      t.equal(await goScript(t, kind, a, null, ret, onlyPause), O.ASYNC_FINISH);
      t.equal(ret.value, 1);
      t.equal(O.ASYNC_init_thread(1, 0), 1);
      const x = ref<Job | null>(null);
      t.equal(await goScript(t, kind, x, null, ret, onlyPause), O.ASYNC_PAUSE);
      t.equal(await goScript(t, kind, ref<Job | null>(null), null, ret, onlyPause), O.ASYNC_NO_JOBS);
      t.equal(await goScript(t, kind, x, null, ret, onlyPause), O.ASYNC_FINISH);
    },
  );

  t.test(
    `choice 5: several jobs paused across two ASYNC_init_thread calls all finish in any order (${kind} body)`,
    async (t) => {
      const ret = ref<any>(-1);
      const jobs = [ref<Job | null>(null), ref<Job | null>(null), ref<Job | null>(null)];
      const rets = [ref<any>(-1), ref<any>(-1), ref<any>(-1)];
      const script: Script = function* (a: number, pause) {
        yield* pause();
        return a * 10;
      };
      t.equal(O.ASYNC_init_thread(1, 0), 1);
      t.equal(await goScript(t, kind, jobs[0]!, null, rets[0]!, script, 1), O.ASYNC_PAUSE);
      t.equal(O.ASYNC_init_thread(1, 0), 1);
      t.equal(await goScript(t, kind, jobs[1]!, null, rets[1]!, script, 2), O.ASYNC_PAUSE);
      t.equal(O.ASYNC_init_thread(1, 0), 1);
      t.equal(await goScript(t, kind, jobs[2]!, null, rets[2]!, script, 3), O.ASYNC_PAUSE);
      for (const i of [1, 0, 2]) t.equal(await goScript(t, kind, jobs[i]!, null, rets[i]!, script), O.ASYNC_FINISH);
      t.same(
        rets.map((r) => r.value),
        [10, 20, 30],
      );
      // Only the last pool's job came back: max 1 → one start, then NO_JOBS.
      const x = ref<Job | null>(null);
      t.equal(await goScript(t, kind, x, null, ret, onlyPause), O.ASYNC_PAUSE);
      t.equal(await goScript(t, kind, ref<Job | null>(null), null, ret, onlyPause), O.ASYNC_NO_JOBS);
      t.equal(await goScript(t, kind, x, null, ret, onlyPause), O.ASYNC_FINISH);
    },
  );
}

// ------------------------------------------------------------------ choice 6
t.test('choice 6: misuse never crashes — covered in misuse.test.ts', async (t) => {
  t.pass('see test/openssl/misuse.test.ts');
});

t.test(
  'choice 1: a nested start in an async body after a non-pause await is still ERR + ERR_R_INTERNAL_ERROR',
  async (t) => {
    const job = ref<Job | null>(null);
    const ret = ref<any>(-1);
    let nested: unknown;
    let innerRan = false;
    const body = async (): Promise<number> => {
      await new Promise((r) => setImmediate(r));
      nested = O.ASYNC_start_job(ref<Job | null>(null), null, ref(0), function* () {
        innerRan = true;
        return 1;
      });
      await O.ASYNC_pause_job();
      return 4;
    };
    t.equal(await go(t, 'async', job, null, ret, body), O.ASYNC_PAUSE);
    t.equal(nested, O.ASYNC_ERR);
    t.equal(innerRan, false);
    t.same(drainErrors(), ['ERR_R_INTERNAL_ERROR']);
    t.equal(await go(t, 'async', job, null, ret, body), O.ASYNC_FINISH);
    t.equal(ret.value, 4);
  },
);

t.test(
  'choice 4: an async job blocked while its segment awaits does not block another job started meanwhile',
  async (t) => {
    const a = ref<Job | null>(null);
    const ret = ref<any>(-1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const bodyA = async (): Promise<number> => {
      O.ASYNC_block_pause();
      await gate;
      O.ASYNC_unblock_pause();
      await O.ASYNC_pause_job();
      return 1;
    };
    const pa = O.ASYNC_start_job(a, null, ret, bodyA);
    await new Promise((r) => setImmediate(r));
    const b = ref<Job | null>(null);
    const bret = ref<any>(-1);
    const bodyB = function* () {
      yield* O.ASYNC_pause_job();
      return 2;
    };
    t.equal(O.ASYNC_start_job(b, null, bret, bodyB), O.ASYNC_PAUSE, "B pauses: A's block is A's");
    t.equal(O.ASYNC_start_job(b, null, bret, bodyB), O.ASYNC_FINISH);
    release();
    t.equal(await pa, O.ASYNC_PAUSE, 'A, unblocked, pauses');
    t.equal(await go(t, 'async', a, null, ret, bodyA), O.ASYNC_FINISH);
  },
);
