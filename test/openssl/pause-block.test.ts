/**
 * ASYNC_pause_job, ASYNC_block_pause, ASYNC_unblock_pause — oracle scenarios outside_job and
 * block_pause_nesting.
 *
 * block_persists_across_jobs is deliberate choice 4 (the counter ends with the job) and is
 * tested in deliberate-choices.test.ts.
 */
import t from 'tap';
import * as O from '../../src/openssl.js';
import { KINDS, Trace, ref, reset, rname, type Job, type Script } from './helpers.js';

t.beforeEach(reset);
t.afterEach(reset);

/** Consume a pause object synchronously (the `yield*` way) from outside any job. */
function pauseSync(): { done: boolean | undefined; value: unknown } {
  const it = (O.ASYNC_pause_job() as unknown as Iterable<unknown>)[Symbol.iterator]();
  const step = it.next();
  return { done: step.done, value: step.value };
}

t.test('ASYNC_pause_job outside a job completes at once with 1 (yield* and await)', async (t) => {
  t.same(pauseSync(), { done: true, value: 1 }, 'iterator completes at the first next() with 1');
  t.equal(await O.ASYNC_pause_job(), 1, 'await gives 1');
  t.equal(O.ERR_peek_error(), null, 'nothing queued');
});

for (const kind of KINDS) {
  t.test(`[oracle outside_job] pause/block/unblock/current_job outside any job (${kind} body)`, async (t) => {
    const o = new Trace(t, kind);
    const { emit, j } = o;
    const oj: Script = function* (_a, pause) {
      emit(`job: seg=${o.seg} calling pause`);
      const r = yield* pause();
      emit(`job: pause -> ${r} seg=${o.seg}`);
      return 3;
    };
    const job = ref<Job | null>(null);
    const ctx = O.ASYNC_WAIT_CTX_new();
    const ret = ref(-1);
    emit(`current_job (before any ASYNC use) -> ${j(O.ASYNC_get_current_job())}`);
    emit(`pause outside job -> ${await O.ASYNC_pause_job()}`);
    o.errq();
    O.ASYNC_block_pause();
    O.ASYNC_block_pause();
    emit('block_pause x2 outside job (ignored)');
    emit(`pause outside job -> ${await O.ASYNC_pause_job()}`);
    O.ASYNC_unblock_pause();
    O.ASYNC_unblock_pause();
    O.ASYNC_unblock_pause();
    emit('unblock_pause x3 outside job (ignored)');
    let r = await o.start(job, ctx, ret, oj);
    emit(`start -> ${rname(r)} job=${j(job.value)} (outside block did not leak into job)`);
    emit(`current_job while a job is paused -> ${j(O.ASYNC_get_current_job())}`);
    emit(
      `pause outside job while a job is paused -> ${kind === 'generator' ? pauseSync().value : await O.ASYNC_pause_job()}`,
    );
    r = await o.start(job, ctx, ret, oj);
    emit(`start -> ${rname(r)} ret=${ret.value} job=${j(job.value)}`);
    emit(`current_job after finish -> ${j(O.ASYNC_get_current_job())}`);
    emit(`pause outside job -> ${await O.ASYNC_pause_job()}`);
    o.errq();
    O.ASYNC_WAIT_CTX_free(ctx);
    o.errq('end: ');
    o.check(`
current_job (before any ASYNC use) -> NULL
pause outside job -> 1
errq empty
block_pause x2 outside job (ignored)
pause outside job -> 1
unblock_pause x3 outside job (ignored)
job: seg=1 calling pause
start -> PAUSE job=J1 (outside block did not leak into job)
current_job while a job is paused -> NULL
pause outside job while a job is paused -> 1
job: pause -> 1 seg=2
start -> FINISH ret=3 job=NULL
current_job after finish -> NULL
pause outside job -> 1
errq empty
end: errq empty
`);
  });

  t.test(
    `[oracle block_pause_nesting] ASYNC_block_pause nests; pause while blocked is a no-op (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit, j } = o;
      const bpKey = {};
      const bp: Script = function* (_a, pause) {
        const w = O.ASYNC_get_wait_ctx(O.ASYNC_get_current_job()!)!;
        O.ASYNC_WAIT_CTX_set_wait_fd(w, bpKey, 10);
        emit('job: set_wait_fd(fd=10)');
        O.ASYNC_block_pause();
        O.ASYNC_block_pause();
        emit('job: block x2');
        let r = yield* pause();
        emit(`job: pause while blocked(2) -> ${r} seg=${o.seg}`);
        o.showChanged(w, 'job: ');
        O.ASYNC_unblock_pause();
        emit('job: unblock (count 1)');
        r = yield* pause();
        emit(`job: pause while blocked(1) -> ${r} seg=${o.seg}`);
        O.ASYNC_unblock_pause();
        emit('job: unblock (count 0)');
        r = yield* pause();
        emit(`job: pause unblocked -> ${r} seg=${o.seg}`);
        o.showChanged(w, 'job: after resume ');
        O.ASYNC_unblock_pause();
        O.ASYNC_unblock_pause();
        emit('job: unblock x2 at count 0 (no underflow)');
        r = yield* pause();
        emit(`job: pause -> ${r} seg=${o.seg}`);
        O.ASYNC_block_pause();
        emit('job: block (count 1)');
        r = yield* pause();
        emit(`job: pause while blocked(1) -> ${r} seg=${o.seg}`);
        O.ASYNC_unblock_pause();
        emit('job: unblock (count 0), returning 5');
        return 5;
      };
      const job = ref<Job | null>(null);
      const ctx = O.ASYNC_WAIT_CTX_new();
      const ret = ref(-1);
      for (let i = 0; i < 6; i++) {
        const r = await o.start(job, ctx, ret, bp);
        if (r === O.ASYNC_PAUSE) {
          emit(`start(seg=${o.seg}) -> PAUSE job=${j(job.value)}`);
          o.showChanged(ctx, '');
        } else {
          emit(`start(seg=${o.seg}) -> ${rname(r)} ret=${ret.value} job=${j(job.value)}`);
          break;
        }
      }
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      o.check(`
job: set_wait_fd(fd=10)
job: block x2
job: pause while blocked(2) -> 1 seg=1
job: changed -> 1 add=1 del=0 addfds=[10] delfds=[]
job: unblock (count 1)
job: pause while blocked(1) -> 1 seg=1
job: unblock (count 0)
start(seg=1) -> PAUSE job=J1
changed -> 1 add=1 del=0 addfds=[10] delfds=[]
job: pause unblocked -> 1 seg=2
job: after resume changed -> 1 add=0 del=0 addfds=[] delfds=[]
job: unblock x2 at count 0 (no underflow)
start(seg=2) -> PAUSE job=J1
changed -> 1 add=0 del=0 addfds=[] delfds=[]
job: pause -> 1 seg=3
job: block (count 1)
job: pause while blocked(1) -> 1 seg=3
job: unblock (count 0), returning 5
start(seg=3) -> FINISH ret=5 job=NULL
end: errq empty
`);
    },
  );
}

t.test(
  'ASYNC_pause_job while blocked, consumed with yield*, completes at once with 1 inside a generator body',
  async (t) => {
    const job = ref<Job | null>(null);
    const ret = ref<any>(-1);
    const steps: string[] = [];
    const body = function* () {
      O.ASYNC_block_pause();
      const r = yield* O.ASYNC_pause_job();
      steps.push(`blocked pause -> ${r}`);
      O.ASYNC_unblock_pause();
      return 1;
    };
    t.equal(O.ASYNC_start_job(job, null, ret, body), O.ASYNC_FINISH, 'no pause happened');
    t.same(steps, ['blocked pause -> 1']);
  },
);

for (const kind of ['generator', 'async'] as const) {
  t.test(
    `ASYNC_pause_job: whether it pauses is decided when it is consumed, not when it is created (${kind} body)`,
    async (t) => {
      const job = ref<Job | null>(null);
      const ret = ref<any>(-1);
      const createdOutside = O.ASYNC_pause_job();
      const gen = function* () {
        const p1 = O.ASYNC_pause_job();
        O.ASYNC_block_pause();
        const r1 = yield* p1; // consumed while blocked: no pause
        O.ASYNC_block_pause();
        const p2 = O.ASYNC_pause_job();
        O.ASYNC_unblock_pause();
        O.ASYNC_unblock_pause();
        const r2 = yield* p2; // created while blocked, consumed unblocked: pauses
        const r3 = yield* createdOutside; // created outside any job, consumed inside: pauses
        return r1 * 100 + r2 * 10 + r3;
      };
      const asy = async () => {
        const p1 = O.ASYNC_pause_job();
        O.ASYNC_block_pause();
        const r1 = await p1;
        O.ASYNC_block_pause();
        const p2 = O.ASYNC_pause_job();
        O.ASYNC_unblock_pause();
        O.ASYNC_unblock_pause();
        const r2 = await p2;
        const r3 = await createdOutside;
        return r1 * 100 + r2 * 10 + r3;
      };
      const body = kind === 'generator' ? gen : asy;
      const startIt = () => {
        const r = O.ASYNC_start_job(job, null, ret, body);
        if (kind === 'generator') t.type(r, 'number');
        return r;
      };
      t.equal(await startIt(), O.ASYNC_PAUSE, 'first pause: p2');
      t.equal(await startIt(), O.ASYNC_PAUSE, 'second pause: the one created outside');
      t.equal(await startIt(), O.ASYNC_FINISH);
      t.equal(ret.value, 111, 'every pause evaluated to 1');
    },
  );
}
