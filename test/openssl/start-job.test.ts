/**
 * ASYNC_start_job, ASYNC_get_current_job and ASYNC_get_wait_ctx — oracle scenarios
 * is_capable, manpage_example, ret_pointer, job_return_values, current_job_wait_ctx,
 * round_robin_100; plus the body kinds of the contract ("Jobs and their bodies").
 *
 * Not ported: libctx_swap (TS has no OSSL_LIB_CTX), mem_functions (not in 3.0, no stack
 * allocator in TS), error_strings (library numbers and reason texts have no TS
 * equivalent: errors are matched by `.code`).
 */
import t from 'tap';
import * as O from '../../src/openssl.js';
import {
  KINDS,
  Trace,
  go,
  goScript,
  onlyPause,
  ref,
  reset,
  rname,
  yesno,
  type Ctx,
  type Job,
  type Script,
} from './helpers.js';

t.beforeEach(reset);
t.afterEach(reset);

t.test('[oracle is_capable] ASYNC_is_capable returns 1', async (t) => {
  t.equal(O.ASYNC_is_capable(), 1);
  t.same(
    [O.ASYNC_ERR, O.ASYNC_NO_JOBS, O.ASYNC_PAUSE, O.ASYNC_FINISH],
    [0, 1, 2, 3],
    'ASYNC_ERR/NO_JOBS/PAUSE/FINISH have the C values',
  );
  t.same(
    [O.ASYNC_STATUS_UNSUPPORTED, O.ASYNC_STATUS_ERR, O.ASYNC_STATUS_OK, O.ASYNC_STATUS_EAGAIN],
    [0, 1, 2, 3],
    'ASYNC_STATUS_* have the C values',
  );
});

const cstr = (u: Uint8Array): string => {
  const end = u.indexOf(0);
  return Buffer.from(u.subarray(0, end < 0 ? u.length : end)).toString('latin1');
};

for (const kind of KINDS) {
  // The C example creates a pipe, writes a wake byte and select()s on the read end; the wait
  // ctx bookkeeping does not care whether the fd is real, so this port uses an integer fd and
  // leaves out the pipe/select/read lines ("wrote wake byte", "select", "cleared wake byte").
  t.test(`[oracle manpage_example] ASYNC_start_job(3) example: wait fd + resume loop (${kind} body)`, async (t) => {
    const o = new Trace(t, kind);
    const { emit, j } = o;
    const unique = {};
    const READ_FD = 42;
    const writeEnd = { w: 43 };
    const msg = new Uint8Array(13);
    msg.set(Buffer.from('Hello world!'));
    const jobfunc: Script = function* (arg, pause) {
      const currjob = O.ASYNC_get_current_job();
      if (currjob === null) {
        emit('job: current_job == NULL (should not happen)');
        return 0;
      }
      emit(`job: current_job != NULL (${j(currjob)})`);
      emit(`job: message="${cstr(arg)}" args_is_private_copy=${yesno(arg !== msg)}`);
      const r = O.ASYNC_WAIT_CTX_set_wait_fd(
        O.ASYNC_get_wait_ctx(currjob)!,
        unique,
        READ_FD,
        writeEnd,
        (_c, key, fd, w) => {
          emit(`cleanup called key==&unique:${yesno(key === unique)} fd==pipe_read:${yesno(fd === READ_FD)}`);
          void w;
        },
      );
      emit(`job: set_wait_fd(read end) -> ${r}`);
      const p = yield* pause();
      emit(`job: pause -> ${p} (resumed)`);
      return 1;
    };
    const ctx = O.ASYNC_WAIT_CTX_new();
    emit(`WAIT_CTX_new -> ${ctx !== null ? 'non-NULL' : 'NULL'}`);
    const job = ref<Job | null>(null);
    const ret = ref(-1);
    let r: number;
    let loops = 0;
    for (;;) {
      r = await o.start(job, ctx, ret, jobfunc, msg, msg.length);
      emit(`start -> ${rname(r)} job=${j(job.value)}`);
      if (r !== O.ASYNC_PAUSE) break;
      if (++loops > 5) {
        emit('too many loops');
        break;
      }
      const numfds = ref(0);
      r = O.ASYNC_WAIT_CTX_get_all_fds(ctx, null, numfds);
      emit(`get_all_fds(count) -> ${r} n=${numfds.value}`);
      const na = ref(0);
      const nd = ref(0);
      const addfd: unknown[] = [];
      O.ASYNC_WAIT_CTX_get_changed_fds(ctx, null, na, null, nd);
      O.ASYNC_WAIT_CTX_get_changed_fds(ctx, addfd as any, na, null, nd);
      emit(`changed add=${na.value} del=${nd.value} added fd == pipe read end: ${yesno(addfd[0] === READ_FD)}`);
      const waitfd: unknown[] = [];
      O.ASYNC_WAIT_CTX_get_all_fds(ctx, waitfd as any, numfds);
      emit(`wait fd == pipe read end: ${yesno(waitfd[0] === READ_FD)}`);
    }
    if (r === O.ASYNC_FINISH) emit(`finish ret=${ret.value} job_is_NULL=${yesno(job.value === null)}`);
    const n = ref(0);
    const na = ref(0);
    const nd = ref(0);
    O.ASYNC_WAIT_CTX_get_all_fds(ctx, null, n);
    O.ASYNC_WAIT_CTX_get_changed_fds(ctx, null, na, null, nd);
    emit(`after finish: get_all_fds n=${n.value} (fd stays registered), changed add=${na.value} del=${nd.value}`);
    O.ASYNC_WAIT_CTX_free(ctx);
    emit('WAIT_CTX_free done');
    o.errq('end: ');
    o.check(`
WAIT_CTX_new -> non-NULL
job: current_job != NULL (J1)
job: message="Hello world!" args_is_private_copy=yes
job: set_wait_fd(read end) -> 1
start -> PAUSE job=J1
get_all_fds(count) -> 1 n=1
changed add=1 del=0 added fd == pipe read end: yes
wait fd == pipe read end: yes
job: pause -> 1 (resumed)
start -> FINISH job=NULL
finish ret=1 job_is_NULL=yes
after finish: get_all_fds n=1 (fd stays registered), changed add=0 del=0
cleanup called key==&unique:yes fd==pipe_read:yes
WAIT_CTX_free done
end: errq empty
`);
  });

  t.test(
    `[oracle ret_pointer] ASYNC_start_job writes ret only on the call that returns FINISH (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit, j } = o;
      const rp: Script = function* (_a, pause) {
        yield* pause();
        yield* pause();
        return 77;
      };
      const ctx = O.ASYNC_WAIT_CTX_new();
      const job = ref<Job | null>(null);
      const retA = ref(-1);
      const retB = ref(-2);
      const retC = ref(-3);
      let r = await o.start(job, ctx, retA, rp);
      emit(`start(&retA) -> ${rname(r)} retA=${retA.value}`);
      r = await o.start(job, ctx, retB, rp);
      emit(`restart(&retB) -> ${rname(r)} retB=${retB.value}`);
      r = await o.start(job, ctx, retC, rp);
      emit(
        `restart(&retC) -> ${rname(r)} retA=${retA.value} retB=${retB.value} retC=${retC.value} job=${j(job.value)}`,
      );
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      o.check(`
start(&retA) -> PAUSE retA=-1
restart(&retB) -> PAUSE retB=-2
restart(&retC) -> FINISH retA=-1 retB=-2 retC=77 job=NULL
end: errq empty
`);
    },
  );

  t.test(
    `[oracle job_return_values] ASYNC_start_job passes the body's return value through (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit, j } = o;
      const vals = [0, 1, -1, 7, 2, 3, 2147483647, -2147483648];
      const returnArg: Script = function* (a) {
        return a;
      };
      const pauseThenReturnArg: Script = function* (a, pause) {
        yield* pause();
        return a;
      };
      const ctx = O.ASYNC_WAIT_CTX_new();
      const job = ref<Job | null>(null);
      const ret = ref(-12345);
      for (const v of vals) {
        ret.value = -12345;
        const r = await o.start(job, ctx, ret, returnArg, v);
        emit(`func returns ${v} immediately: start -> ${rname(r)} ret=${ret.value} job=${j(job.value)}`);
      }
      for (const v of vals.slice(0, 3)) {
        ret.value = -12345;
        let r = await o.start(job, ctx, ret, pauseThenReturnArg, v);
        emit(`func pauses then returns ${v}: start -> ${rname(r)}`);
        r = await o.start(job, ctx, ret, pauseThenReturnArg, v);
        emit(`  resume -> ${rname(r)} ret=${ret.value} job=${j(job.value)}`);
      }
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      o.check(`
func returns 0 immediately: start -> FINISH ret=0 job=NULL
func returns 1 immediately: start -> FINISH ret=1 job=NULL
func returns -1 immediately: start -> FINISH ret=-1 job=NULL
func returns 7 immediately: start -> FINISH ret=7 job=NULL
func returns 2 immediately: start -> FINISH ret=2 job=NULL
func returns 3 immediately: start -> FINISH ret=3 job=NULL
func returns 2147483647 immediately: start -> FINISH ret=2147483647 job=NULL
func returns -2147483648 immediately: start -> FINISH ret=-2147483648 job=NULL
func pauses then returns 0: start -> PAUSE
  resume -> FINISH ret=0 job=NULL
func pauses then returns 1: start -> PAUSE
  resume -> FINISH ret=1 job=NULL
func pauses then returns -1: start -> PAUSE
  resume -> FINISH ret=-1 job=NULL
end: errq empty
`);
    },
  );

  t.test(`[oracle current_job_wait_ctx] ASYNC_get_current_job / ASYNC_get_wait_ctx (${kind} body)`, async (t) => {
    const o = new Trace(t, kind);
    const { emit, j } = o;
    let seen: Job | null = null;
    let cwCtx: Ctx;
    const cw: Script = function* (_a, pause) {
      seen = O.ASYNC_get_current_job();
      emit(
        `job: current_job=${j(seen)} get_wait_ctx==ctx passed to start: ${yesno(O.ASYNC_get_wait_ctx(seen!) === cwCtx)}`,
      );
      yield* pause();
      emit(`job: after resume current_job=${j(O.ASYNC_get_current_job())}`);
      return 1;
    };
    const cwNullCtx: Script = function* () {
      emit(`job: get_wait_ctx(current) is NULL: ${yesno(O.ASYNC_get_wait_ctx(O.ASYNC_get_current_job()!) === null)}`);
      return 6;
    };
    const job = ref<Job | null>(null);
    const ret = ref(-1);
    cwCtx = O.ASYNC_WAIT_CTX_new();
    emit(`main: current_job -> ${j(O.ASYNC_get_current_job())}`);
    let r = await o.start(job, cwCtx, ret, cw);
    emit(`start -> ${rname(r)} job=${j(job.value)} (same as job saw: ${yesno(job.value === seen)})`);
    emit(`main: current_job while paused -> ${j(O.ASYNC_get_current_job())}`);
    emit(`main: get_wait_ctx(paused job)==ctx: ${yesno(O.ASYNC_get_wait_ctx(job.value!) === cwCtx)}`);
    t.equal(job.value!.waitCtx, cwCtx, 'job.waitCtx is the same object as ASYNC_get_wait_ctx(job)');
    const stale = job.value!;
    r = await o.start(job, cwCtx, ret, cw);
    emit(`restart -> ${rname(r)} ret=${ret.value} job=${j(job.value)}`);
    emit(`main: get_wait_ctx(stale handle, job now pooled) is NULL: ${yesno(O.ASYNC_get_wait_ctx(stale) === null)}`);
    r = await o.start(job, null, ret, cwNullCtx);
    emit(`start(wait ctx NULL, job never pauses) -> ${rname(r)} ret=${ret.value}`);
    O.ASYNC_WAIT_CTX_free(cwCtx);
    o.errq('end: ');
    o.check(`
main: current_job -> NULL
job: current_job=J1 get_wait_ctx==ctx passed to start: yes
start -> PAUSE job=J1 (same as job saw: yes)
main: current_job while paused -> NULL
main: get_wait_ctx(paused job)==ctx: yes
job: after resume current_job=J1
restart -> FINISH ret=1 job=NULL
main: get_wait_ctx(stale handle, job now pooled) is NULL: yes
job: get_wait_ctx(current) is NULL: yes
start(wait ctx NULL, job never pauses) -> FINISH ret=6
end: errq empty
`);
  });

  t.test(`[oracle round_robin_100] 100 jobs, each pausing 3 times, resumed round-robin (${kind} body)`, async (t) => {
    const o = new Trace(t, kind);
    const { emit } = o;
    const NRR = 100;
    const RRPAUSES = 3;
    let order: number[] = [];
    const progress = new Array<number>(NRR).fill(0);
    const keys = Array.from({ length: NRR }, (_, i) => ({ key: i }));
    const rr: Script = function* (a: { id: number }, pause) {
      const w = O.ASYNC_get_wait_ctx(O.ASYNC_get_current_job()!)!;
      for (let i = 0; i < RRPAUSES; i++) {
        order.push(a.id);
        progress[a.id]!++;
        if (i === 0) O.ASYNC_WAIT_CTX_set_wait_fd(w, keys[a.id], 1000 + a.id);
        yield* pause();
      }
      order.push(a.id);
      progress[a.id]!++;
      return a.id * 10 + progress[a.id]!;
    };
    const jobs = Array.from({ length: NRR }, () => ref<Job | null>(null));
    const ctxs = Array.from({ length: NRR }, () => O.ASYNC_WAIT_CTX_new());
    const rets = Array.from({ length: NRR }, () => ref(-1));
    const done = new Array<boolean>(NRR).fill(false);
    let alive = NRR;
    for (let round = 1; alive > 0 && round < 10; round++) {
      let np = 0;
      let nf = 0;
      let other = 0;
      let fdok = true;
      order = [];
      for (let i = 0; i < NRR; i++) {
        if (done[i]) continue;
        const r = await o.start(jobs[i]!, ctxs[i]!, rets[i]!, rr, { id: i });
        if (r === O.ASYNC_PAUSE) {
          np++;
          const n = ref(0);
          const fds: unknown[] = [];
          O.ASYNC_WAIT_CTX_get_all_fds(ctxs[i]!, null, n);
          O.ASYNC_WAIT_CTX_get_all_fds(ctxs[i]!, fds as any, n);
          if (n.value !== 1 || fds[0] !== 1000 + i) fdok = false;
        } else if (r === O.ASYNC_FINISH) {
          nf++;
          done[i] = true;
          alive--;
        } else other++;
      }
      const asc = order.every((v, k) => k === 0 || v > order[k - 1]!);
      emit(
        `round ${round}: PAUSE=${np} FINISH=${nf} other=${other} segments_run=${order.length} order_ascending=${yesno(asc)} each_ctx_has_own_fd=${yesno(fdok)}`,
      );
    }
    let ok = true;
    let sum = 0;
    for (let i = 0; i < NRR; i++) {
      sum += rets[i]!.value;
      if (rets[i]!.value !== i * 10 + RRPAUSES + 1 || jobs[i]!.value !== null) ok = false;
      O.ASYNC_WAIT_CTX_free(ctxs[i]!);
    }
    emit(`all rets == id*10+${RRPAUSES + 1} and all job handles NULL: ${yesno(ok)}; sum=${sum}`);
    o.errq('end: ');
    o.check(`
round 1: PAUSE=100 FINISH=0 other=0 segments_run=100 order_ascending=yes each_ctx_has_own_fd=yes
round 2: PAUSE=100 FINISH=0 other=0 segments_run=100 order_ascending=yes each_ctx_has_own_fd=yes
round 3: PAUSE=100 FINISH=0 other=0 segments_run=100 order_ascending=yes each_ctx_has_own_fd=yes
round 4: PAUSE=0 FINISH=100 other=0 segments_run=100 order_ascending=yes each_ctx_has_own_fd=yes
all rets == id*10+4 and all job handles NULL: yes; sum=49900
end: errq empty
`);
  });

  t.test(`ASYNC_start_job with a null ret ref finishes without writing a result (${kind} body)`, async (t) => {
    const job = ref<Job | null>(null);
    const ctx = O.ASYNC_WAIT_CTX_new();
    t.equal(await goScript(t, kind, job, ctx, null, onlyPause), O.ASYNC_PAUSE);
    t.equal(await goScript(t, kind, job, ctx, null, onlyPause), O.ASYNC_FINISH);
    t.equal(job.value, null);
    t.equal(O.ERR_peek_error(), null, 'nothing queued');
    O.ASYNC_WAIT_CTX_free(ctx);
  });
}

t.test('ASYNC_start_job with a plain function: finishes in the first call', async (t) => {
  const job = ref<Job | null>(null);
  const ret = ref<any>(-1);
  let seen: unknown = 'unset';
  const r = await go(
    t,
    'plain',
    job,
    null,
    ret,
    (a: unknown) => {
      seen = O.ASYNC_get_current_job();
      return a;
    },
    5,
  );
  t.equal(r, O.ASYNC_FINISH);
  t.equal(ret.value, 5, 'its return value is the result');
  t.not(seen, null, 'it ran as a job (ASYNC_get_current_job is set)');
  t.equal(job.value, null);
});

t.test('ASYNC_start_job body kind is decided by what the first call returns (bound/wrapped functions)', async (t) => {
  const ret = ref<any>(-1);
  const job = ref<Job | null>(null);
  const gen = function* (this: { k: number }) {
    yield* O.ASYNC_pause_job();
    return this.k;
  };
  const bound = gen.bind({ k: 11 });
  t.equal(await go(t, 'generator', job, null, ret, bound), O.ASYNC_PAUSE, 'bound generator function: generator body');
  t.equal(await go(t, 'generator', job, null, ret, bound), O.ASYNC_FINISH);
  t.equal(ret.value, 11);
  const asyncFn = async (): Promise<number> => {
    await O.ASYNC_pause_job();
    return 12;
  };
  const wrapped = (): Promise<number> => asyncFn();
  t.equal(await go(t, 'async', job, null, ret, wrapped), O.ASYNC_PAUSE, 'function returning a promise: async body');
  t.equal(await go(t, 'async', job, null, ret, wrapped), O.ASYNC_FINISH);
  t.equal(ret.value, 12);
});

t.test(
  'ASYNC_pause_job from inside a generator body evaluates to 1 after resume; getCurrentJob is null for the caller',
  async (t) => {
    const job = ref<Job | null>(null);
    const ret = ref<any>(-1);
    const got: unknown[] = [];
    const body = function* () {
      got.push(yield* O.ASYNC_pause_job());
      return 1;
    };
    t.equal(O.ASYNC_start_job(job, null, ret, body), O.ASYNC_PAUSE);
    t.equal(O.ASYNC_get_current_job(), null);
    t.equal(O.ASYNC_start_job(job, null, ret, body), O.ASYNC_FINISH);
    t.same(got, [1]);
  },
);

t.test('ASYNC_get_current_job in an async body stays the job across its own non-pause awaits', async (t) => {
  const job = ref<Job | null>(null);
  const ret = ref<any>(-1);
  const seen: boolean[] = [];
  const body = async (): Promise<number> => {
    const me = O.ASYNC_get_current_job();
    await Promise.resolve();
    seen.push(O.ASYNC_get_current_job() === me && me !== null);
    await new Promise((r) => setImmediate(r));
    seen.push(O.ASYNC_get_current_job() === me);
    await O.ASYNC_pause_job();
    seen.push(O.ASYNC_get_current_job() === me);
    await new Promise((r) => setImmediate(r));
    seen.push(O.ASYNC_get_current_job() === me);
    return 1;
  };
  t.equal(await go(t, 'async', job, null, ret, body), O.ASYNC_PAUSE);
  t.equal(O.ASYNC_get_current_job(), null, 'caller sees null while the job is paused');
  t.equal(await go(t, 'async', job, null, ret, body), O.ASYNC_FINISH);
  t.same(seen, [true, true, true, true]);
  t.equal(O.ASYNC_get_current_job(), null);
});

t.test(
  'ASYNC_start_job with a plain function that returns an iterator runs it as a generator body (sync status)',
  async (t) => {
    const job = ref<Job | null>(null);
    const ret = ref<any>(-1);
    const gen = function* (a: number) {
      yield* O.ASYNC_pause_job();
      return a + 1;
    };
    const wrapped = (a: number) => gen(a);
    t.equal(await go(t, 'generator', job, null, ret, wrapped, 4), O.ASYNC_PAUSE);
    t.equal(await go(t, 'generator', job, null, ret, wrapped), O.ASYNC_FINISH);
    t.equal(ret.value, 5);
  },
);

t.test('ASYNC_start_job: a generator body that yields a plain value pauses', async (t) => {
  const job = ref<Job | null>(null);
  const ret = ref<any>(-1);
  const body = function* () {
    yield 'anything';
    return 2;
  };
  t.equal(await go(t, 'generator', job, null, ret, body), O.ASYNC_PAUSE);
  t.equal(await go(t, 'generator', job, null, ret, body), O.ASYNC_FINISH);
  t.equal(ret.value, 2);
});

t.test(
  'ASYNC_get_current_job is null in callbacks scheduled by an async job that fire while it is paused',
  async (t) => {
    const job = ref<Job | null>(null);
    const ret = ref<any>(-1);
    const seen: string[] = [];
    let fired!: () => void;
    const firedWhilePaused = new Promise<void>((r) => (fired = r));
    const body = async (): Promise<number> => {
      const me = O.ASYNC_get_current_job();
      setImmediate(() => {
        seen.push(
          `immediate: ${O.ASYNC_get_current_job() === null ? 'null' : O.ASYNC_get_current_job() === me ? 'the job' : 'other'}`,
        );
        fired();
      });
      await O.ASYNC_pause_job();
      seen.push(`after resume: ${O.ASYNC_get_current_job() === me ? 'the job' : 'other'}`);
      return 1;
    };
    t.equal(await go(t, 'async', job, null, ret, body), O.ASYNC_PAUSE);
    await firedWhilePaused;
    t.equal(await go(t, 'async', job, null, ret, body), O.ASYNC_FINISH);
    t.same(seen, ['immediate: null', 'after resume: the job']);
  },
);

t.test(
  "ASYNC_start_job from the caller while another async job's segment is still running is not a nested start",
  async (t) => {
    const a = ref<Job | null>(null);
    const ret = ref<any>(-1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const steps: string[] = [];
    const bodyA = async (): Promise<number> => {
      steps.push('A running');
      await gate;
      steps.push('A after gate');
      await O.ASYNC_pause_job();
      return 1;
    };
    const pa = O.ASYNC_start_job(a, null, ret, bodyA);
    await new Promise((r) => setImmediate(r));
    t.same(steps, ['A running'], "A's first segment is waiting on its gate");
    t.equal(O.ASYNC_get_current_job(), null, 'the caller is not inside A');
    const b = ref<Job | null>(null);
    const bret = ref<any>(-1);
    const bodyB = function* () {
      steps.push('B running');
      yield* O.ASYNC_pause_job();
      return 2;
    };
    t.equal(O.ASYNC_start_job(b, null, bret, bodyB), O.ASYNC_PAUSE, 'B starts and pauses');
    t.equal(O.ERR_peek_error(), null, 'no error queued');
    t.equal(O.ASYNC_start_job(b, null, bret, bodyB), O.ASYNC_FINISH);
    t.equal(bret.value, 2);
    release();
    t.equal(await pa, O.ASYNC_PAUSE, 'A pauses normally');
    t.equal(await go(t, 'async', a, null, ret, bodyA), O.ASYNC_FINISH);
    t.same(steps, ['A running', 'B running', 'A after gate']);
  },
);
