/**
 * ASYNC_WAIT_CTX_set_callback / get_callback / set_status / get_status — oracle scenario
 * callback_status: pure storage that survives pause, resume and FINISH; the library never
 * calls the callback itself.
 */
import t from 'tap';
import * as O from '../../src/openssl.js';
import { KINDS, Trace, ref, reset, rname, stname, yesno, type Job, type Script } from './helpers.js';

t.beforeEach(reset);
t.afterEach(reset);

for (const kind of KINDS) {
  t.test(`[oracle callback_status] set/get callback and status across pause/resume (${kind} body)`, async (t) => {
    const o = new Trace(t, kind);
    const { emit } = o;
    let cbCalls = 0;
    const cbArgVal = { v: 100 };
    const testCb = (arg: unknown): number => {
      cbCalls++;
      emit(`callback invoked arg==&cb_arg_val:${yesno(arg === cbArgVal)}`);
      return 1;
    };
    const cs: Script = function* (_a, pause) {
      const w = O.ASYNC_get_wait_ctx(O.ASYNC_get_current_job()!)!;
      const cb = ref<any>(null);
      const arg = ref<unknown>(null);
      const r = O.ASYNC_WAIT_CTX_get_callback(w, cb, arg);
      emit(`job: get_callback -> ${r} (cb is test_cb: ${yesno(cb.value === testCb)})`);
      emit(`job: status=${stname(O.ASYNC_WAIT_CTX_get_status(w))}`);
      O.ASYNC_WAIT_CTX_set_status(w, O.ASYNC_STATUS_EAGAIN);
      emit('job: set_status(EAGAIN), pausing');
      yield* pause();
      emit(`job: resumed, status=${stname(O.ASYNC_WAIT_CTX_get_status(w))}`);
      O.ASYNC_WAIT_CTX_set_status(w, O.ASYNC_STATUS_OK);
      emit('job: set_status(OK), pausing; engine would invoke callback now');
      if (O.ASYNC_WAIT_CTX_get_callback(w, cb, arg)) cb.value(arg.value);
      yield* pause();
      emit(`job: resumed, status=${stname(O.ASYNC_WAIT_CTX_get_status(w))}, returning 1`);
      return 1;
    };
    const ctx = O.ASYNC_WAIT_CTX_new();
    const job = ref<Job | null>(null);
    const cb = ref<any>(null);
    const arg = ref<unknown>('sentinel');
    const ret = ref(-1);
    let r: number = O.ASYNC_WAIT_CTX_get_callback(ctx, cb, arg);
    emit(`new ctx: get_callback -> ${r} outputs untouched=${yesno(cb.value === null && arg.value === 'sentinel')}`);
    emit(`new ctx: get_status -> ${stname(O.ASYNC_WAIT_CTX_get_status(ctx))}`);
    r = O.ASYNC_WAIT_CTX_set_callback(null as any, testCb, cbArgVal);
    emit(`set_callback(ctx=NULL) -> ${r}`);
    r = O.ASYNC_WAIT_CTX_set_callback(ctx, testCb, cbArgVal);
    emit(`set_callback(ctx, test_cb, &arg) -> ${r}`);
    r = O.ASYNC_WAIT_CTX_get_callback(ctx, cb, arg);
    emit(
      `get_callback -> ${r} cb==test_cb:${yesno(cb.value === testCb)} arg==&cb_arg_val:${yesno(arg.value === cbArgVal)}`,
    );
    emit(`set_status(OK) -> ${O.ASYNC_WAIT_CTX_set_status(ctx, O.ASYNC_STATUS_OK)}`);
    emit(`get_status -> ${stname(O.ASYNC_WAIT_CTX_get_status(ctx))}`);
    emit(`set_status(99) -> ${O.ASYNC_WAIT_CTX_set_status(ctx, 99)}`);
    emit(`get_status -> ${stname(O.ASYNC_WAIT_CTX_get_status(ctx))} (no validation)`);
    emit(`set_status(-1) -> ${O.ASYNC_WAIT_CTX_set_status(ctx, -1)}`);
    emit(`get_status -> ${stname(O.ASYNC_WAIT_CTX_get_status(ctx))}`);
    O.ASYNC_WAIT_CTX_set_status(ctx, O.ASYNC_STATUS_UNSUPPORTED);
    emit(`set_status(UNSUPPORTED); callback calls so far=${cbCalls}`);
    r = await o.start(job, ctx, ret, cs);
    emit(`start -> ${rname(r)} status=${stname(O.ASYNC_WAIT_CTX_get_status(ctx))} cb_calls=${cbCalls}`);
    O.ASYNC_WAIT_CTX_set_status(ctx, O.ASYNC_STATUS_ERR);
    emit('main: set_status(ERR) while paused');
    r = await o.start(job, ctx, ret, cs);
    emit(`restart -> ${rname(r)} status=${stname(O.ASYNC_WAIT_CTX_get_status(ctx))} cb_calls=${cbCalls}`);
    r = await o.start(job, ctx, ret, cs);
    emit(
      `restart -> ${rname(r)} ret=${ret.value} status=${stname(O.ASYNC_WAIT_CTX_get_status(ctx))} (persists after finish) cb_calls=${cbCalls}`,
    );
    r = O.ASYNC_WAIT_CTX_get_callback(ctx, cb, arg);
    emit(`get_callback after finish -> ${r} (persists)`);
    r = O.ASYNC_WAIT_CTX_set_callback(ctx, null, cbArgVal);
    emit(`set_callback(ctx, NULL, &arg) -> ${r}`);
    cb.value = testCb;
    arg.value = 'sentinel';
    r = O.ASYNC_WAIT_CTX_get_callback(ctx, cb, arg);
    emit(`get_callback -> ${r} outputs untouched=${yesno(cb.value === testCb && arg.value === 'sentinel')}`);
    O.ASYNC_WAIT_CTX_free(ctx);
    emit(`ctx freed; callback calls total=${cbCalls} (library never calls it)`);
    o.errq('end: ');
    o.check(`
new ctx: get_callback -> 0 outputs untouched=yes
new ctx: get_status -> UNSUPPORTED(0)
set_callback(ctx=NULL) -> 0
set_callback(ctx, test_cb, &arg) -> 1
get_callback -> 1 cb==test_cb:yes arg==&cb_arg_val:yes
set_status(OK) -> 1
get_status -> OK(2)
set_status(99) -> 1
get_status -> other(99) (no validation)
set_status(-1) -> 1
get_status -> other(-1)
set_status(UNSUPPORTED); callback calls so far=0
job: get_callback -> 1 (cb is test_cb: yes)
job: status=UNSUPPORTED(0)
job: set_status(EAGAIN), pausing
start -> PAUSE status=EAGAIN(3) cb_calls=0
main: set_status(ERR) while paused
job: resumed, status=ERR(1)
job: set_status(OK), pausing; engine would invoke callback now
callback invoked arg==&cb_arg_val:yes
restart -> PAUSE status=OK(2) cb_calls=1
job: resumed, status=OK(2), returning 1
restart -> FINISH ret=1 status=OK(2) (persists after finish) cb_calls=1
get_callback after finish -> 1 (persists)
set_callback(ctx, NULL, &arg) -> 1
get_callback -> 0 outputs untouched=yes
ctx freed; callback calls total=1 (library never calls it)
end: errq empty
`);
  });
}

t.test('ASYNC_WAIT_CTX_get_callback writes both outputs when a callback is set without an arg', async (t) => {
  const ctx = O.ASYNC_WAIT_CTX_new();
  const fn = (): number => 1;
  t.equal(O.ASYNC_WAIT_CTX_set_callback(ctx, fn), 1);
  const cb = ref<any>(null);
  const arg = ref<unknown>('sentinel');
  t.equal(O.ASYNC_WAIT_CTX_get_callback(ctx, cb, arg), 1);
  t.equal(cb.value, fn);
  t.not(arg.value, 'sentinel', 'arg written');
  O.ASYNC_WAIT_CTX_free(ctx);
});

t.test('ASYNC_WAIT_CTX_new starts with status ASYNC_STATUS_UNSUPPORTED and no fds', async (t) => {
  const ctx = O.ASYNC_WAIT_CTX_new();
  t.equal(O.ASYNC_WAIT_CTX_get_status(ctx), O.ASYNC_STATUS_UNSUPPORTED);
  const n = ref(-1);
  t.equal(O.ASYNC_WAIT_CTX_get_all_fds(ctx, null, n), 1);
  t.equal(n.value, 0);
  O.ASYNC_WAIT_CTX_free(ctx);
});
