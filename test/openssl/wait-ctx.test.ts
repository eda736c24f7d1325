/**
 * ASYNC_WAIT_CTX fd bookkeeping — oracle scenarios changed_fds_sequence, upstream_waitfd,
 * wait_ctx_keys, ctx_free_cleanups. Fds are plain integers: the context stores them without
 * checking, as in C.
 */
import t from 'tap';
import * as O from '../../src/openssl.js';
import { KINDS, Trace, onlyPause, ref, reset, rname, type Ctx, type Job, type Script } from './helpers.js';

t.beforeEach(reset);
t.afterEach(reset);

/** The oracle's `named_cleanup`: custom data is a string naming the entry. */
function namedCleanup(o: Trace, counter: { calls: number }) {
  return (_ctx: Ctx, _key: unknown, fd: unknown, custom: unknown): void => {
    counter.calls++;
    o.emit(`cleanup called fd=${fd} custom=${custom === null || custom === undefined ? 'NULL' : String(custom)}`);
  };
}

for (const kind of KINDS) {
  t.test(
    `[oracle changed_fds_sequence] ASYNC_WAIT_CTX_get_changed_fds across set/clear/pause/resume/finish (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit } = o;
      const cc = { calls: 0 };
      const cleanup = namedCleanup(o, cc);
      const [K0, K1, K2, K3, K4] = [{ k: 0 }, { k: 1 }, { k: 2 }, { k: 3 }, { k: 4 }];
      const cf: Script = function* (_a, pause) {
        const w = O.ASYNC_get_wait_ctx(O.ASYNC_get_current_job()!)!;
        // segment 1
        o.showChanged(w, 'job seg1 start: ');
        O.ASYNC_WAIT_CTX_set_wait_fd(w, K1, 11, 'K1/11', cleanup);
        emit('job seg1: set K1 fd=11');
        yield* pause();
        // segment 2
        o.showChanged(w, 'job seg2 start: ');
        let r = O.ASYNC_WAIT_CTX_clear_fd(w, K0);
        emit(`job seg2: clear K0 -> ${r} (cleanup not called: calls=${cc.calls})`);
        o.showGetFd(w, K0, 'K0', 'job seg2: ');
        yield* pause();
        // segment 3
        O.ASYNC_WAIT_CTX_set_wait_fd(w, K2, 12, 'K2/12', cleanup);
        r = O.ASYNC_WAIT_CTX_clear_fd(w, K2);
        emit(`job seg3: set K2 fd=12 then clear K2 -> ${r}`);
        o.showChanged(w, 'job seg3: ');
        r = O.ASYNC_WAIT_CTX_clear_fd(w, K1);
        O.ASYNC_WAIT_CTX_set_wait_fd(w, K1, 13, 'K1/13', cleanup);
        emit(`job seg3: clear K1 -> ${r}, set K1 fd=13 (replace)`);
        o.showGetFd(w, K1, 'K1', 'job seg3: ');
        yield* pause();
        // segment 4: nothing
        yield* pause();
        // segment 5
        o.showChanged(w, 'job seg5 start: ');
        r = O.ASYNC_WAIT_CTX_clear_fd(w, K1);
        emit(`job seg5: clear K1 -> ${r}, returning 3`);
        return 3;
      };
      const cfQuick: Script = function* () {
        return 0;
      };
      const job = ref<Job | null>(null);
      const ctx = O.ASYNC_WAIT_CTX_new();
      const ret = ref(-1);
      let segn = 0;
      let r: number;
      o.showChanged(ctx, 'new ctx: ');
      o.showAll(ctx, 'new ctx: ');
      O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K0, 10, 'K0/10', cleanup);
      emit('main: set K0 fd=10 before starting any job');
      o.showChanged(ctx, 'main: ');
      for (;;) {
        r = await o.start(job, ctx, ret, cf);
        segn++;
        emit(`start #${segn} -> ${rname(r)}`);
        o.showAll(ctx, 'main: ');
        o.showChanged(ctx, 'main: ');
        if (r !== O.ASYNC_PAUSE) break;
        if (segn === 4) {
          O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K3, 14, 'K3/14', cleanup);
          r = O.ASYNC_WAIT_CTX_clear_fd(ctx, K3);
          emit(`main (job paused): set K3 fd=14, clear K3 -> ${r}`);
          O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K4, 15, 'K4/15', cleanup);
          emit('main (job paused): set K4 fd=15');
          o.showChanged(ctx, 'main: ');
        }
        if (segn > 10) break;
      }
      emit(`finish ret=${ret.value}`);
      r = await o.start(job, ctx, ret, cfQuick);
      emit(`reuse ctx, job that returns at once -> ${rname(r)}`);
      o.showChanged(ctx, 'main: ');
      r = await o.start(job, ctx, ret, onlyPause);
      emit(`reuse ctx, job pauses -> ${rname(r)}`);
      o.showChanged(ctx, 'main: ');
      r = await o.start(job, ctx, ret, onlyPause);
      emit(`resume -> ${rname(r)}`);
      o.showChanged(ctx, 'main: ');
      o.showAll(ctx, 'main: ');
      emit('main: freeing ctx (cleanup only for live entries)');
      O.ASYNC_WAIT_CTX_free(ctx);
      emit(`cleanup calls total=${cc.calls}`);
      o.errq('end: ');
      o.check(`
new ctx: changed -> 1 add=0 del=0 addfds=[] delfds=[]
new ctx: get_all_fds -> 1 n=0 fds=[]
main: set K0 fd=10 before starting any job
main: changed -> 1 add=1 del=0 addfds=[10] delfds=[]
job seg1 start: changed -> 1 add=1 del=0 addfds=[10] delfds=[]
job seg1: set K1 fd=11
start #1 -> PAUSE
main: get_all_fds -> 1 n=2 fds=[11,10]
main: changed -> 1 add=2 del=0 addfds=[11,10] delfds=[]
job seg2 start: changed -> 1 add=0 del=0 addfds=[] delfds=[]
job seg2: clear K0 -> 1 (cleanup not called: calls=0)
job seg2: get_fd(K0) -> 0 (outputs untouched: yes)
start #2 -> PAUSE
main: get_all_fds -> 1 n=1 fds=[11]
main: changed -> 1 add=0 del=1 addfds=[] delfds=[10]
job seg3: set K2 fd=12 then clear K2 -> 1
job seg3: changed -> 1 add=0 del=0 addfds=[] delfds=[]
job seg3: clear K1 -> 1, set K1 fd=13 (replace)
job seg3: get_fd(K1) -> 1 fd=13 custom=K1/13
start #3 -> PAUSE
main: get_all_fds -> 1 n=1 fds=[13]
main: changed -> 1 add=1 del=1 addfds=[13] delfds=[11]
start #4 -> PAUSE
main: get_all_fds -> 1 n=1 fds=[13]
main: changed -> 1 add=0 del=0 addfds=[] delfds=[]
main (job paused): set K3 fd=14, clear K3 -> 1
main (job paused): set K4 fd=15
main: changed -> 1 add=1 del=0 addfds=[15] delfds=[]
job seg5 start: changed -> 1 add=0 del=0 addfds=[] delfds=[]
job seg5: clear K1 -> 1, returning 3
start #5 -> FINISH
main: get_all_fds -> 1 n=1 fds=[15]
main: changed -> 1 add=0 del=1 addfds=[] delfds=[13]
finish ret=3
reuse ctx, job that returns at once -> FINISH
main: changed -> 1 add=0 del=1 addfds=[] delfds=[13]
reuse ctx, job pauses -> PAUSE
main: changed -> 1 add=0 del=1 addfds=[] delfds=[13]
resume -> FINISH
main: changed -> 1 add=0 del=0 addfds=[] delfds=[]
main: get_all_fds -> 1 n=1 fds=[15]
main: freeing ctx (cleanup only for live entries)
cleanup called fd=15 custom=K4/15
cleanup calls total=1
end: errq empty
`);
    },
  );

  t.test(`[oracle upstream_waitfd] replica of upstream test_ASYNC_WAIT_CTX_get_all_fds (${kind} body)`, async (t) => {
    const o = new Trace(t, kind);
    const { emit } = o;
    const MAGIC_WAIT_FD = 99;
    const waitfd: Script = function* (_a, pause) {
      const job = O.ASYNC_get_current_job();
      if (job === null) return 0;
      const waitctx = O.ASYNC_get_wait_ctx(job);
      if (waitctx === null) return 0;
      yield* pause();
      if (!O.ASYNC_WAIT_CTX_set_wait_fd(waitctx, waitctx, MAGIC_WAIT_FD)) return 0;
      yield* pause();
      if (!O.ASYNC_WAIT_CTX_clear_fd(waitctx, waitctx)) return 0;
      yield* pause();
      if (!O.ASYNC_WAIT_CTX_set_wait_fd(waitctx, waitctx, MAGIC_WAIT_FD)) return 0;
      if (!O.ASYNC_WAIT_CTX_clear_fd(waitctx, waitctx)) return 0;
      return 1;
    };
    emit(`init_thread(1,0) -> ${O.ASYNC_init_thread(1, 0)}`);
    const ctx = O.ASYNC_WAIT_CTX_new();
    const job = ref<Job | null>(null);
    const ret = ref(-1);
    for (let i = 1; i <= 4; i++) {
      const r = await o.start(job, ctx, ret, waitfd);
      emit(`run ${i} -> ${rname(r)}`);
      o.showAll(ctx, '  ');
      o.showChanged(ctx, '  ');
      if (r === O.ASYNC_FINISH) emit(`  ret=${ret.value}`);
    }
    O.ASYNC_WAIT_CTX_free(ctx);
    O.ASYNC_cleanup_thread();
    o.errq('end: ');
    o.check(`
init_thread(1,0) -> 1
run 1 -> PAUSE
  get_all_fds -> 1 n=0 fds=[]
  changed -> 1 add=0 del=0 addfds=[] delfds=[]
run 2 -> PAUSE
  get_all_fds -> 1 n=1 fds=[99]
  changed -> 1 add=1 del=0 addfds=[99] delfds=[]
run 3 -> PAUSE
  get_all_fds -> 1 n=0 fds=[]
  changed -> 1 add=0 del=1 addfds=[] delfds=[99]
run 4 -> FINISH
  get_all_fds -> 1 n=0 fds=[]
  changed -> 1 add=0 del=0 addfds=[] delfds=[]
  ret=1
end: errq empty
`);
  });

  t.test(
    `[oracle wait_ctx_keys] ASYNC_WAIT_CTX keys compare by identity; duplicates; get_fd/clear_fd lookups (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit } = o;
      const K = { k: 'K' };
      const K1 = { k: 'K1' };
      // Two different objects with equal contents: different keys (C: two pointers to "abc").
      const k1 = { s: 'abc' };
      const k2 = { s: 'abc' };
      const ctx = O.ASYNC_WAIT_CTX_new();
      const wk: Script = function* (_a, pause) {
        yield* pause();
        const w = O.ASYNC_get_wait_ctx(O.ASYNC_get_current_job()!)!;
        emit(`job: (resumed, add flags reset) clear K -> ${O.ASYNC_WAIT_CTX_clear_fd(w, K)}`);
        o.showGetFd(w, K, 'K', 'job: ');
        o.showAll(w, 'job: ');
        o.showChanged(w, 'job: ');
        let r = O.ASYNC_WAIT_CTX_clear_fd(w, K);
        emit(`job: clear K -> ${r}`);
        o.showGetFd(w, K, 'K', 'job: ');
        o.showChanged(w, 'job: ');
        r = O.ASYNC_WAIT_CTX_clear_fd(w, K);
        emit(`job: clear K -> ${r} (nothing left)`);
        return 0;
      };
      o.showGetFd(ctx, K, 'K', 'empty: ');
      let r: number = O.ASYNC_WAIT_CTX_clear_fd(ctx, K);
      emit(`empty: clear K -> ${r}`);
      r = O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K, 1, 'first');
      emit(`set K fd=1 -> ${r}`);
      r = O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K, 2, 'second');
      emit(`set K fd=2 (duplicate key) -> ${r}`);
      o.showGetFd(ctx, K, 'K', '');
      o.showAll(ctx, '');
      o.showChanged(ctx, '');
      r = O.ASYNC_WAIT_CTX_clear_fd(ctx, K);
      emit(`clear K -> ${r} (removes newest only)`);
      o.showGetFd(ctx, K, 'K', '');
      o.showAll(ctx, '');
      o.showChanged(ctx, '');
      r = O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K, 2, 'second-again');
      emit(`set K fd=2 again -> ${r}`);
      r = O.ASYNC_WAIT_CTX_set_wait_fd(ctx, null, 3, 'nullkey');
      emit(`set key=NULL fd=3 -> ${r}`);
      o.showGetFd(ctx, null, 'NULL', '');
      r = O.ASYNC_WAIT_CTX_set_wait_fd(ctx, k1, 4, 'k1');
      emit(`set key=k1("abc") fd=4 -> ${r}`);
      o.showGetFd(ctx, k2, 'k2("abc", different pointer)', '');
      o.showGetFd(ctx, k1, 'k1', '');
      r = O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K1, -1, null);
      emit(`set K1 fd=-1 (OSSL_BAD_ASYNC_FD accepted, no validation) -> ${r}`);
      const n = ref(0);
      O.ASYNC_WAIT_CTX_get_all_fds(ctx, null, n);
      emit(`get_all_fds count -> n=${n.value}`);
      o.showAll(ctx, '');
      O.ASYNC_WAIT_CTX_clear_fd(ctx, K1);
      O.ASYNC_WAIT_CTX_clear_fd(ctx, null);
      O.ASYNC_WAIT_CTX_clear_fd(ctx, k1);
      emit('cleared K1, NULL, k1');
      o.showAll(ctx, '');
      o.showChanged(ctx, '');
      const job = ref<Job | null>(null);
      const ret = ref(-1);
      r = await o.start(job, ctx, ret, wk);
      emit(`start job -> ${rname(r)}`);
      r = await o.start(job, ctx, ret, wk);
      emit(`resume -> ${rname(r)}`);
      o.showAll(ctx, 'main: ');
      o.showChanged(ctx, 'main: ');
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      o.check(`
empty: get_fd(K) -> 0 (outputs untouched: yes)
empty: clear K -> 0
set K fd=1 -> 1
set K fd=2 (duplicate key) -> 1
get_fd(K) -> 1 fd=2 custom=second
get_all_fds -> 1 n=2 fds=[2,1]
changed -> 1 add=2 del=0 addfds=[2,1] delfds=[]
clear K -> 1 (removes newest only)
get_fd(K) -> 1 fd=1 custom=first
get_all_fds -> 1 n=1 fds=[1]
changed -> 1 add=1 del=0 addfds=[1] delfds=[]
set K fd=2 again -> 1
set key=NULL fd=3 -> 1
get_fd(NULL) -> 1 fd=3 custom=nullkey
set key=k1("abc") fd=4 -> 1
get_fd(k2("abc", different pointer)) -> 0 (outputs untouched: yes)
get_fd(k1) -> 1 fd=4 custom=k1
set K1 fd=-1 (OSSL_BAD_ASYNC_FD accepted, no validation) -> 1
get_all_fds count -> n=5
get_all_fds -> 1 n=5 fds=[-1,4,3,2,1]
cleared K1, NULL, k1
get_all_fds -> 1 n=2 fds=[2,1]
changed -> 1 add=2 del=0 addfds=[2,1] delfds=[]
start job -> PAUSE
job: (resumed, add flags reset) clear K -> 1
job: get_fd(K) -> 1 fd=1 custom=first
job: get_all_fds -> 1 n=1 fds=[1]
job: changed -> 1 add=0 del=1 addfds=[] delfds=[2]
job: clear K -> 1
job: get_fd(K) -> 0 (outputs untouched: yes)
job: changed -> 1 add=0 del=2 addfds=[] delfds=[2,1]
job: clear K -> 0 (nothing left)
resume -> FINISH
main: get_all_fds -> 1 n=0 fds=[]
main: changed -> 1 add=0 del=2 addfds=[] delfds=[2,1]
end: errq empty
`);
    },
  );

  t.test(
    `[oracle ctx_free_cleanups] ASYNC_WAIT_CTX_free calls cleanup for live entries only, newest first (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit } = o;
      const cc = { calls: 0 };
      const cleanup = namedCleanup(o, cc);
      const [K0, K1, K2, K3, K4] = [{ k: 0 }, { k: 1 }, { k: 2 }, { k: 3 }, { k: 4 }];
      const ctx = O.ASYNC_WAIT_CTX_new();
      const job = ref<Job | null>(null);
      const ret = ref(-1);
      O.ASYNC_WAIT_CTX_free(null);
      emit('WAIT_CTX_free(NULL): no-op');
      O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K0, 20, 'K0/20', cleanup);
      O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K1, 21, 'K1/21', cleanup);
      O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K2, 22, 'K2/22');
      O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K3, 23, 'K3/23', cleanup);
      O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K0, 24, 'K0/24', cleanup);
      emit('set K0/20 K1/21 K2/22(no cleanup) K3/23 K0/24');
      await o.start(job, ctx, ret, onlyPause);
      let r: number = await o.start(job, ctx, ret, onlyPause);
      emit(`pause/resume cycle -> ${rname(r)} (add flags reset)`);
      r = O.ASYNC_WAIT_CTX_clear_fd(ctx, K1);
      emit(`clear K1 (old entry: marked deleted) -> ${r} cleanup_calls=${cc.calls}`);
      O.ASYNC_WAIT_CTX_set_wait_fd(ctx, K4, 25, 'K4/25', cleanup);
      r = O.ASYNC_WAIT_CTX_clear_fd(ctx, K4);
      emit(`set+clear K4/25 (new entry: removed outright) -> ${r} cleanup_calls=${cc.calls}`);
      o.showAll(ctx, '');
      o.showChanged(ctx, '');
      emit('freeing ctx:');
      O.ASYNC_WAIT_CTX_free(ctx);
      emit(`cleanup calls total=${cc.calls}`);
      o.errq('end: ');
      o.check(`
WAIT_CTX_free(NULL): no-op
set K0/20 K1/21 K2/22(no cleanup) K3/23 K0/24
pause/resume cycle -> FINISH (add flags reset)
clear K1 (old entry: marked deleted) -> 1 cleanup_calls=0
set+clear K4/25 (new entry: removed outright) -> 1 cleanup_calls=0
get_all_fds -> 1 n=4 fds=[24,23,22,20]
changed -> 1 add=0 del=1 addfds=[] delfds=[21]
freeing ctx:
cleanup called fd=24 custom=K0/24
cleanup called fd=23 custom=K3/23
cleanup called fd=20 custom=K0/20
cleanup calls total=3
end: errq empty
`);
    },
  );
}

t.test('ASYNC_WAIT_CTX_free: cleanup gets (ctx, key, fd, customData) and the ctx is still readable', async (t) => {
  const ctx = O.ASYNC_WAIT_CTX_new();
  const key = {};
  const custom = { c: 1 };
  const seen: unknown[] = [];
  O.ASYNC_WAIT_CTX_set_wait_fd(ctx, key, 7, custom, (c, k, fd, cd) => {
    const n = ref(-1);
    O.ASYNC_WAIT_CTX_get_all_fds(c, null, n);
    seen.push(c === ctx, k === key, fd, cd === custom, n.value);
  });
  O.ASYNC_WAIT_CTX_free(ctx);
  t.same(seen, [true, true, 7, true, 1]);
});

t.test('ASYNC_WAIT_CTX_get_all_fds fills the array from index 0, newest first', async (t) => {
  const ctx = O.ASYNC_WAIT_CTX_new();
  for (const fd of [5, 6, 7]) O.ASYNC_WAIT_CTX_set_wait_fd(ctx, {}, fd);
  const fds: number[] = [];
  const n = ref(0);
  t.equal(O.ASYNC_WAIT_CTX_get_all_fds(ctx, fds, n), 1);
  t.equal(n.value, 3);
  t.same(fds.slice(0, 3), [7, 6, 5]);
  O.ASYNC_WAIT_CTX_free(ctx);
});

for (const kind of KINDS) {
  t.test(
    `ASYNC_WAIT_CTX shared by two paused jobs: each resume resets the shared counters, as in C (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const ctx = O.ASYNC_WAIT_CTX_new();
      const setAndPause: Script = function* (fd: number, pause) {
        const w = O.ASYNC_get_wait_ctx(O.ASYNC_get_current_job()!)!;
        O.ASYNC_WAIT_CTX_set_wait_fd(w, { fd }, fd);
        yield* pause();
        yield* pause();
        return fd;
      };
      const j1 = ref<Job | null>(null);
      const j2 = ref<Job | null>(null);
      const r1 = ref(-1);
      const r2 = ref(-1);
      t.equal(await o.start(j1, ctx, r1, setAndPause, 1), O.ASYNC_PAUSE);
      t.equal(await o.start(j2, ctx, r2, setAndPause, 2), O.ASYNC_PAUSE);
      o.showChanged(ctx, 'both paused: ');
      t.equal(await o.start(j1, ctx, r1, setAndPause), O.ASYNC_PAUSE);
      o.showChanged(ctx, 'job1 resumed and paused: ');
      o.showAll(ctx, '');
      t.equal(await o.start(j2, ctx, r2, setAndPause), O.ASYNC_PAUSE);
      t.equal(await o.start(j1, ctx, r1, setAndPause), O.ASYNC_FINISH);
      t.equal(await o.start(j2, ctx, r2, setAndPause), O.ASYNC_FINISH);
      t.same([r1.value, r2.value], [1, 2]);
      O.ASYNC_WAIT_CTX_free(ctx);
      o.check(`
both paused: changed -> 1 add=2 del=0 addfds=[2,1] delfds=[]
job1 resumed and paused: changed -> 1 add=0 del=0 addfds=[] delfds=[]
get_all_fds -> 1 n=2 fds=[2,1]
`);
    },
  );
}

t.test('ASYNC_WAIT_CTX_get_changed_fds accepts one array and null for the other', async (t) => {
  const ctx = O.ASYNC_WAIT_CTX_new();
  const key = {};
  O.ASYNC_WAIT_CTX_set_wait_fd(ctx, key, 8);
  const add: number[] = [];
  const na = ref(-1);
  const nd = ref(-1);
  t.equal(O.ASYNC_WAIT_CTX_get_changed_fds(ctx, add, na, null, nd), 1);
  t.same([na.value, nd.value, add.slice(0, na.value)], [1, 0, [8]]);
  const del: number[] = [];
  t.equal(O.ASYNC_WAIT_CTX_get_changed_fds(ctx, null, na, del, nd), 1);
  t.same([na.value, nd.value, del.slice(0, nd.value)], [1, 0, []]);
  O.ASYNC_WAIT_CTX_free(ctx);
});
