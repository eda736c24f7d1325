/**
 * ASYNC_start_job arguments: copied once at the first start (CONTRACT.md): byte views give a
 * fresh Uint8Array of `size` bytes, other values are structuredClone'd, null/undefined/size 0
 * give null; a restart ignores func, args, size and ctx. Oracle scenarios args_copy,
 * args_size_zero, restart_ignores_args, restart_many.
 */
import t from 'tap';
import * as O from '../../src/openssl.js';
import {
  KINDS,
  Trace,
  goScript,
  ref,
  reset,
  rname,
  yesno,
  type Ctx,
  type Job,
  type Kind,
  type Script,
} from './helpers.js';

t.beforeEach(reset);
t.afterEach(reset);

const cstr = (u: Uint8Array): string => {
  const end = u.indexOf(0);
  return Buffer.from(u.subarray(0, end < 0 ? u.length : end)).toString('latin1');
};
const strcpy = (u: Uint8Array, s: string): void => {
  u.set(Buffer.from(s + '\0', 'latin1'));
};

/** Start a job that records its args and pauses; returns what it saw and a finisher. */
async function peekArgs(t: Parameters<typeof goScript>[0], kind: Kind, args: unknown[]) {
  const job = ref<Job | null>(null);
  const ret = ref<any>(-1);
  const seen: { value: unknown } = { value: 'not run' };
  const script: Script = function* (a, pause) {
    seen.value = a;
    yield* pause();
    return 1;
  };
  const r = await goScript(t, kind, job, null, ret, script, ...args);
  return {
    status: r,
    seen: seen.value,
    finish: async () => {
      if (r !== O.ASYNC_PAUSE) return r;
      return goScript(t, kind, job, null, ret, script);
    },
  };
}

for (const kind of KINDS) {
  t.test(
    `[oracle args_copy] ASYNC_start_job copies args by size at start; the job owns its copy (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit } = o;
      const buf = new Uint8Array(16);
      strcpy(buf, 'ABCDEFGH');
      const ac: Script = function* (mine: Uint8Array, pause) {
        emit(`job: arg="${cstr(mine)}" is_caller_buffer=${yesno(mine === buf || mine.buffer === buf.buffer)}`);
        yield* pause();
        emit(`job: after caller mutated its buffer, arg="${cstr(mine)}"`);
        strcpy(mine, 'job-own');
        emit('job: wrote "job-own" into its copy');
        yield* pause();
        emit(`job: copy persists across pauses, arg="${cstr(mine)}"`);
        return cstr(mine).length;
      };
      const acNull: Script = function* (a) {
        emit(`job: arg is NULL: ${yesno(a === null)}`);
        return 0;
      };
      const job = ref<Job | null>(null);
      const ctx = O.ASYNC_WAIT_CTX_new();
      const ret = ref(-1);
      let r = await o.start(job, ctx, ret, ac, buf, buf.length);
      emit(`start(args="ABCDEFGH", size=16) -> ${rname(r)}`);
      strcpy(buf, 'ZZZZZZZZ');
      emit('main: mutated caller buffer to "ZZZZZZZZ"');
      r = await o.start(job, ctx, ret, ac, buf, buf.length);
      emit(`restart -> ${rname(r)}; caller buffer="${cstr(buf)}"`);
      r = await o.start(job, ctx, ret, ac, buf, buf.length);
      emit(`restart -> ${rname(r)} ret=${ret.value}`);
      r = await o.start(job, ctx, ret, acNull, null, 100);
      emit(`start(args=NULL, size=100) -> ${rname(r)} ret=${ret.value}`);
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      o.check(`
job: arg="ABCDEFGH" is_caller_buffer=no
start(args="ABCDEFGH", size=16) -> PAUSE
main: mutated caller buffer to "ZZZZZZZZ"
job: after caller mutated its buffer, arg="ABCDEFGH"
job: wrote "job-own" into its copy
restart -> PAUSE; caller buffer="ZZZZZZZZ"
job: copy persists across pauses, arg="job-own"
restart -> FINISH ret=7
job: arg is NULL: yes
start(args=NULL, size=100) -> FINISH ret=0
end: errq empty
`);
    },
  );

  // 3.0.19 behaviour (spec 5.6), which the contract adopts: size 0 gives the job null.
  t.test(
    `[oracle args_size_zero] ASYNC_start_job with non-null args and size 0 gives the job null (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit, j } = o;
      const az: Script = function* (a, pause) {
        emit(`job: ran, arg is NULL: ${yesno(a === null)}`);
        yield* pause();
        return 8;
      };
      const drive = async (job: { value: Job | null }, ctx: Ctx, args: unknown, size: number, what: string) => {
        const ret = ref(-1);
        let r = await o.start(job, ctx, ret, az, args, size);
        emit(`start(${what}) -> ${rname(r)} job=${j(job.value)}`);
        o.errq();
        while (r === O.ASYNC_PAUSE) {
          r = await o.start(job, ctx, ret, az, args, size);
          emit(`  resume -> ${rname(r)} ret=${r === O.ASYNC_FINISH ? ret.value : -1} job=${j(job.value)}`);
        }
      };
      const job = ref<Job | null>(null);
      const ctx = O.ASYNC_WAIT_CTX_new();
      const dummy = new Uint8Array([5, 0, 0, 0]);
      emit(`init_thread(1,0) -> ${O.ASYNC_init_thread(1, 0)}`);
      await drive(job, ctx, dummy, 0, 'args=non-NULL, size=0');
      await drive(job, ctx, null, 0, 'args=NULL, size=0');
      await drive(job, ctx, dummy, 1, 'args=non-NULL, size=1');
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      o.check(`
init_thread(1,0) -> 1
job: ran, arg is NULL: yes
start(args=non-NULL, size=0) -> PAUSE job=J1
errq empty
  resume -> FINISH ret=8 job=NULL
job: ran, arg is NULL: yes
start(args=NULL, size=0) -> PAUSE job=J1
errq empty
  resume -> FINISH ret=8 job=NULL
job: ran, arg is NULL: no
start(args=non-NULL, size=1) -> PAUSE job=J1
errq empty
  resume -> FINISH ret=8 job=NULL
end: errq empty
`);
    },
  );

  t.test(
    `[oracle restart_ignores_args] ASYNC_start_job restart ignores func, args, size and wait ctx (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit } = o;
      const ricKey = {};
      let ctxA: Ctx;
      let ctxB: Ctx;
      const ric: Script = function* (a: number, pause) {
        emit(`job: args=${a}`);
        yield* pause();
        const w = O.ASYNC_get_wait_ctx(O.ASYNC_get_current_job()!);
        emit(
          `job: after restart, wait ctx is ${w === ctxA ? 'ctxA (original)' : w === ctxB ? 'ctxB' : 'other'}, args=${a}`,
        );
        O.ASYNC_WAIT_CTX_set_wait_fd(w!, ricKey, 33);
        return 4;
      };
      const wrong: Script = function* () {
        emit('job: WRONG FUNCTION RAN');
        return -999;
      };
      const job = ref<Job | null>(null);
      const ret = ref(-1);
      ctxA = O.ASYNC_WAIT_CTX_new();
      ctxB = O.ASYNC_WAIT_CTX_new();
      let r = await o.start(job, ctxA, ret, ric, 111, 4);
      emit(`start(ctxA, args=111) -> ${rname(r)}`);
      emit(`main: get_wait_ctx(job) is ctxA: ${yesno(O.ASYNC_get_wait_ctx(job.value!) === ctxA)}`);
      r = await o.start(job, ctxB, ret, wrong, 222, 4);
      emit(`restart(ctxB, f_wrong, args=222) -> ${rname(r)} ret=${ret.value}`);
      o.showAll(ctxA, 'ctxA ');
      o.showAll(ctxB, 'ctxB ');
      O.ASYNC_WAIT_CTX_free(ctxA);
      O.ASYNC_WAIT_CTX_free(ctxB);
      o.errq('end: ');
      o.check(`
job: args=111
start(ctxA, args=111) -> PAUSE
main: get_wait_ctx(job) is ctxA: yes
job: after restart, wait ctx is ctxA (original), args=111
restart(ctxB, f_wrong, args=222) -> FINISH ret=4
ctxA get_all_fds -> 1 n=1 fds=[33]
ctxB get_all_fds -> 1 n=0 fds=[]
end: errq empty
`);
    },
  );

  t.test(
    `[oracle restart_many] one job paused/resumed 1000 times; restart func/args/ctx ignored (${kind} body)`,
    async (t) => {
      const o = new Trace(t, kind);
      const { emit, j } = o;
      const NRESTART = 1000;
      const rm: Script = function* (a: { count: number }, pause) {
        const first = O.ASYNC_get_current_job();
        let same = true;
        for (let i = 0; i < NRESTART; i++) {
          if ((yield* pause()) !== 1) emit('job: pause returned != 1');
          a.count++;
          if (O.ASYNC_get_current_job() !== first) same = false;
        }
        emit(`job: resumed ${a.count} times, current_job stable=${yesno(same)}`);
        return a.count;
      };
      const wrong: Script = function* () {
        emit('job: WRONG FUNCTION RAN');
        return -999;
      };
      const job = ref<Job | null>(null);
      const ctx = O.ASYNC_WAIT_CTX_new();
      const ret = ref(-1);
      const zero = { count: 0 };
      const other = { count: 12345 };
      let r = await o.start(job, ctx, ret, rm, zero);
      const firsth = job.value;
      let pauses = 0;
      let stable = true;
      while (r === O.ASYNC_PAUSE) {
        pauses++;
        if (job.value !== firsth) stable = false;
        r = await o.start(job, null, ret, wrong, other, 4);
      }
      emit(`PAUSE returned ${pauses} times, handle stable=${yesno(stable)}`);
      emit(`final start -> ${rname(r)} ret=${ret.value} job=${j(job.value)}`);
      t.equal(zero.count, 0, "the caller's args object was copied, not shared");
      O.ASYNC_WAIT_CTX_free(ctx);
      o.errq('end: ');
      o.check(`
job: resumed 1000 times, current_job stable=yes
PAUSE returned 1000 times, handle stable=yes
final start -> FINISH ret=1000 job=NULL
end: errq empty
`);
    },
  );

  t.test(
    `ASYNC_start_job byte-view args: Uint8Array, Buffer, ArrayBuffer give a fresh Uint8Array (${kind} body)`,
    async (t) => {
      const cases: [string, unknown, number | undefined, number[]][] = [
        ['Uint8Array, size omitted', new Uint8Array([1, 2, 3, 4]), undefined, [1, 2, 3, 4]],
        ['Uint8Array, size 2', new Uint8Array([1, 2, 3, 4]), 2, [1, 2]],
        ['Uint8Array, size = length', new Uint8Array([1, 2, 3, 4]), 4, [1, 2, 3, 4]],
        ['Buffer, size omitted', Buffer.from([9, 8, 7]), undefined, [9, 8, 7]],
        ['Buffer, size 1', Buffer.from([9, 8, 7]), 1, [9]],
        ['ArrayBuffer, size omitted', new Uint8Array([5, 6, 7]).buffer, undefined, [5, 6, 7]],
        ['ArrayBuffer, size 2', new Uint8Array([5, 6, 7]).buffer, 2, [5, 6]],
        [
          'subarray view (offset 2), size omitted',
          new Uint8Array([0, 1, 2, 3, 4, 5]).subarray(2, 5),
          undefined,
          [2, 3, 4],
        ],
        ['subarray view (offset 2), size 2', new Uint8Array([0, 1, 2, 3, 4, 5]).subarray(2, 5), 2, [2, 3]],
      ];
      for (const [what, args, size, bytes] of cases) {
        const p = await peekArgs(t, kind, size === undefined ? [args] : [args, size]);
        t.equal(p.status, O.ASYNC_PAUSE, `${what}: started`);
        t.ok(p.seen instanceof Uint8Array, `${what}: job gets a Uint8Array`);
        const seen = p.seen as Uint8Array;
        t.same([...seen], bytes, `${what}: with the first size bytes of the view`);
        t.equal(seen.length, bytes.length, `${what}: of exactly size bytes`);
        t.not(seen, args, `${what}: not the caller's object`);
        const callerBuffer = args instanceof ArrayBuffer ? args : (args as Uint8Array).buffer;
        t.not(seen.buffer, callerBuffer, `${what}: not sharing the caller's memory`);
        t.equal(await p.finish(), O.ASYNC_FINISH);
      }
    },
  );

  t.test(`ASYNC_start_job byte-view args: job and caller do not see each other's changes (${kind} body)`, async (t) => {
    const caller = new Uint8Array([1, 2, 3, 4]);
    const job = ref<Job | null>(null);
    const ret = ref<any>(-1);
    const seenBySegment: number[][] = [];
    const script: Script = function* (a: Uint8Array, pause) {
      seenBySegment.push([...a]);
      a[0] = 100;
      yield* pause();
      seenBySegment.push([...a]);
      a[1] = 200;
      yield* pause();
      seenBySegment.push([...a]);
      return 1;
    };
    t.equal(await goScript(t, kind, job, null, ret, script, caller, 4), O.ASYNC_PAUSE);
    t.same([...caller], [1, 2, 3, 4], "job's change not seen by the caller");
    caller[3] = 44;
    t.equal(await goScript(t, kind, job, null, ret, script, caller, 4), O.ASYNC_PAUSE);
    t.same([...caller], [1, 2, 3, 44]);
    t.equal(await goScript(t, kind, job, null, ret, script), O.ASYNC_FINISH);
    t.same(
      seenBySegment,
      [
        [1, 2, 3, 4],
        [100, 2, 3, 4],
        [100, 200, 3, 4],
      ],
      "the copy survives pauses and ignores the caller's later changes",
    );
  });

  t.test(`ASYNC_start_job other args are structuredClone'd, size ignored (${kind} body)`, async (t) => {
    const obj = { a: 1, nested: { b: [1, 2] }, when: new Date(0), m: new Map([[1, 'x']]) };
    for (const [what, args] of [
      ['object, size omitted', [obj]],
      ['object, size 3 (ignored)', [obj, 3]],
    ] as const) {
      const p = await peekArgs(t, kind, [...args]);
      t.equal(p.status, O.ASYNC_PAUSE, what);
      t.not(p.seen, obj, `${what}: a copy`);
      t.same(p.seen, obj, `${what}: deep-equal to the original`);
      t.not((p.seen as typeof obj).nested, obj.nested, `${what}: deep copy`);
      t.ok((p.seen as typeof obj).when instanceof Date, `${what}: Date survives`);
      t.ok((p.seen as typeof obj).m instanceof Map, `${what}: Map survives`);
      t.equal(await p.finish(), O.ASYNC_FINISH);
    }
    for (const v of [7, 'str', true]) {
      const p = await peekArgs(t, kind, [v]);
      t.equal(p.seen, v, `primitive ${String(v)} passed through`);
      t.equal(await p.finish(), O.ASYNC_FINISH);
    }
  });

  t.test(
    `ASYNC_start_job cloned args: caller's later changes not seen, job's changes not seen by caller (${kind} body)`,
    async (t) => {
      const caller = { n: 1, list: [1] };
      const job = ref<Job | null>(null);
      const ret = ref<any>(-1);
      const seen: unknown[] = [];
      const script: Script = function* (a: typeof caller, pause) {
        seen.push(structuredClone(a));
        a.n = 2;
        a.list.push(2);
        yield* pause();
        seen.push(structuredClone(a));
        return 1;
      };
      t.equal(await goScript(t, kind, job, null, ret, script, caller), O.ASYNC_PAUSE);
      t.same(caller, { n: 1, list: [1] }, "job's changes not seen by the caller");
      caller.n = 99;
      t.equal(await goScript(t, kind, job, null, ret, script), O.ASYNC_FINISH);
      t.same(seen, [
        { n: 1, list: [1] },
        { n: 2, list: [1, 2] },
      ]);
    },
  );

  t.test(
    `ASYNC_start_job with null, undefined, omitted args or size 0 gives the job null (${kind} body)`,
    async (t) => {
      const cases: [string, unknown[]][] = [
        ['args omitted', []],
        ['null', [null]],
        ['undefined', [undefined]],
        ['null, size 100', [null, 100]],
        ['undefined, size 5', [undefined, 5]],
        ['Uint8Array, size 0', [new Uint8Array([1, 2]), 0]],
        ['ArrayBuffer, size 0', [new ArrayBuffer(4), 0]],
        ['object, size 0', [{ a: 1 }, 0]],
      ];
      for (const [what, args] of cases) {
        const p = await peekArgs(t, kind, args);
        t.equal(p.status, O.ASYNC_PAUSE, `${what}: started`);
        t.equal(p.seen, null, `${what}: job gets null`);
        t.equal(await p.finish(), O.ASYNC_FINISH);
      }
      t.equal(O.ERR_peek_error(), null, 'nothing queued');
    },
  );
}
