/**
 * src/wait-context.ts through its idiomatic methods: keyed wait handles, change bookkeeping,
 * callback and status, validation, and free().
 */
import t from 'tap';
import { PassThrough, Readable } from 'node:stream';
import {
  JobStatus,
  WaitContext,
  WaitSignal,
  WaitStatus,
  clearErrors,
  getError,
  pauseJob,
  startJob,
  type Job,
  type WaitFd,
} from '../src/index.js';

t.beforeEach(() => clearErrors());
t.afterEach(() => clearErrors());

t.test('new WaitContext - empty, status UNSUPPORTED, no callback, not freed', (t) => {
  const ctx = new WaitContext();
  t.equal(ctx.size, 0);
  t.same(ctx.getAllWaitFds(), []);
  t.same(ctx.getChangedWaitFds(), { added: [], deleted: [] });
  t.equal(ctx.getWaitFd('x'), undefined);
  t.equal(ctx.status, WaitStatus.UNSUPPORTED);
  t.equal(ctx.callback, null);
  t.equal(ctx.callbackArg, undefined);
  t.equal(ctx.freed, false);
  ctx.free();
  t.end();
});

t.test('setWaitFd / getWaitFd / getAllWaitFds - newest first; keys compare with ===; duplicates allowed', (t) => {
  const ctx = new WaitContext();
  const key = {};
  const data = { d: 1 };
  t.equal(ctx.setWaitFd('a', 10), 1);
  t.equal(ctx.setWaitFd(key, 11, data), 1);
  t.equal(ctx.setWaitFd('a', 12, 'second a'), 1);
  t.equal(ctx.size, 3);
  t.same(ctx.getAllWaitFds(), [12, 11, 10], 'newest first');
  t.same(ctx.getWaitFd('a'), { fd: 12, customData: 'second a' }, 'the newest entry under a key');
  const e = ctx.getWaitFd(key);
  t.equal(e?.fd, 11);
  t.equal(e?.customData, data, 'custom data is the same object');
  t.equal(ctx.getWaitFd({}), undefined, 'an equal-looking key is another key');
  t.equal(ctx.getWaitFd('A'), undefined);
  ctx.free();
  t.end();
});

t.test('getAllWaitFds(out) - fills from index 0 and returns the same array', (t) => {
  const ctx = new WaitContext();
  ctx.setWaitFd('a', 1);
  ctx.setWaitFd('b', 2);
  const out: WaitFd[] = [7, 7, 7, 7];
  const r = ctx.getAllWaitFds(out);
  t.equal(r, out, 'the array passed in');
  t.same(out, [2, 1, 7, 7], 'only the first size slots are written');
  const small: WaitFd[] = [];
  t.same(ctx.getAllWaitFds(small), [2, 1], 'an empty array grows');
  ctx.free();
  t.end();
});

t.test(
  'clearWaitFd - removes the newest live entry under a key; 0 when there is none; never calls the cleanup',
  (t) => {
    const ctx = new WaitContext();
    let cleanups = 0;
    const cleanup = () => void cleanups++;
    ctx.setWaitFd('a', 1, null, cleanup);
    ctx.setWaitFd('a', 2, null, cleanup);
    t.equal(ctx.clearWaitFd('a'), 1);
    t.same(ctx.getAllWaitFds(), [1], 'the newest went');
    t.equal(ctx.getWaitFd('a')?.fd, 1);
    t.equal(ctx.clearWaitFd('a'), 1);
    t.equal(ctx.clearWaitFd('a'), 0);
    t.equal(ctx.clearWaitFd('nope'), 0);
    t.equal(ctx.size, 0);
    t.equal(cleanups, 0);
    ctx.free();
    t.equal(cleanups, 0, 'cleared entries get no cleanup on free');
    t.equal(getError(), null, 'clearing a missing key queues nothing');
    t.end();
  },
);

t.test('getChangedWaitFds - since the last resume of a paused job on the context', (t) => {
  const ctx = new WaitContext();
  ctx.setWaitFd('old', 1);
  ctx.setWaitFd('gone-at-once', 2);
  t.same(ctx.getChangedWaitFds(), { added: [2, 1], deleted: [] });
  ctx.clearWaitFd('gone-at-once');
  t.same(ctx.getChangedWaitFds(), { added: [1], deleted: [] }, 'an entry added and cleared leaves no trace');
  const j = { value: null as Job | null };
  t.equal(
    startJob(j, ctx, null, function* () {
      yield* pauseJob();
      ctx.clearWaitFd('old');
      ctx.setWaitFd('new', 3);
      yield* pauseJob();
    }),
    JobStatus.PAUSE,
  );
  t.same(ctx.getChangedWaitFds(), { added: [1], deleted: [] }, 'a pause does not reset');
  t.equal(startJob(j, null, null, null), JobStatus.PAUSE);
  t.same(ctx.getChangedWaitFds(), { added: [3], deleted: [1] }, 'reset at the resume, then the segment changed it');
  t.same(ctx.getAllWaitFds(), [3]);
  t.equal(startJob(j, null, null, null), JobStatus.FINISH);
  t.same(ctx.getChangedWaitFds(), { added: [], deleted: [] });
  ctx.free();
  t.end();
});

t.test('setWaitFd - validation: TypeError for a non-handle, RangeError for a non-integer; nothing stored', (t) => {
  const ctx = new WaitContext();
  for (const bad of ['3', null, undefined, {}, [], () => 0, 1n]) {
    t.throws(
      () => ctx.setWaitFd('k', bad as unknown as WaitFd),
      { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' },
      `fd ${String(bad)}`,
    );
  }
  for (const bad of [1.5, NaN, Infinity, -Infinity]) {
    t.throws(() => ctx.setWaitFd('k', bad), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }, `fd ${bad}`);
  }
  t.throws(
    () => ctx.setWaitFd('k', 1, null, 'nope' as never),
    { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' },
    'cleanup',
  );
  t.equal(ctx.size, 0);
  t.equal(ctx.setWaitFd('k', -1), 1, 'any integer is stored unchecked (negative)');
  t.equal(ctx.setWaitFd('k', 2 ** 40), 1, 'any integer is stored unchecked (large)');
  t.equal(ctx.setWaitFd('k', 3, undefined, null), 1, 'a null cleanup is fine');
  t.equal(ctx.size, 3);
  t.equal(getError(), null);
  ctx.free();
  t.end();
});

t.test('setWaitFd - a Readable and a WaitSignal are stored as handles (the same objects)', (t) => {
  const ctx = new WaitContext();
  const stream = new PassThrough();
  const readable = Readable.from([]);
  const sig = new WaitSignal();
  t.equal(ctx.setWaitFd('s', stream), 1);
  t.equal(ctx.setWaitFd('r', readable), 1);
  t.equal(ctx.setWaitFd('w', sig), 1);
  t.equal(ctx.getWaitFd('s')?.fd, stream);
  t.equal(ctx.getWaitFd('r')?.fd, readable);
  t.equal(ctx.getWaitFd('w')?.fd, sig);
  const all = ctx.getAllWaitFds();
  t.equal(all.length, 3);
  t.ok(all[0] === sig && all[1] === readable && all[2] === stream);
  ctx.free();
  stream.destroy();
  readable.destroy();
  t.end();
});

t.test('setCallback / callback / callbackArg', (t) => {
  const ctx = new WaitContext();
  const cb = (arg: unknown) => (arg === 'x' ? 1 : 0);
  t.equal(ctx.setCallback(cb, 'x'), 1);
  t.equal(ctx.callback, cb);
  t.equal(ctx.callbackArg, 'x');
  t.equal(ctx.callback!(ctx.callbackArg), 1, 'the library never calls it; the engine does');
  t.equal(ctx.setCallback(null), 1);
  t.equal(ctx.callback, null);
  t.equal(ctx.callbackArg, undefined);
  t.throws(() => ctx.setCallback('f' as never), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => ctx.setCallback(undefined as never), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  t.equal(ctx.callback, null, 'unchanged after a refused call');
  ctx.free();
  t.end();
});

t.test('setStatus / status - any integer is stored; others throw', (t) => {
  const ctx = new WaitContext();
  for (const s of [WaitStatus.OK, WaitStatus.EAGAIN, WaitStatus.ERR, -7, 1000, WaitStatus.UNSUPPORTED]) {
    t.equal(ctx.setStatus(s), 1);
    t.equal(ctx.status, s);
  }
  t.throws(() => ctx.setStatus('2' as unknown as number), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => ctx.setStatus(2.5), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => ctx.setStatus(NaN), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  t.equal(ctx.status, WaitStatus.UNSUPPORTED, 'unchanged after refused calls');
  ctx.free();
  t.end();
});

t.test('free - runs the cleanup of every live entry, newest first, exactly once, with its arguments', (t) => {
  const ctx = new WaitContext();
  const calls: unknown[][] = [];
  const cleanup = (...a: unknown[]) => void calls.push(a);
  ctx.setWaitFd('a', 1, 'da', cleanup);
  ctx.setWaitFd('b', 2, 'db');
  ctx.setWaitFd('c', 3, 'dc', cleanup);
  ctx.setWaitFd('d', 4, 'dd', cleanup);
  ctx.clearWaitFd('d');
  let sizeDuring = -1;
  ctx.setWaitFd('e', 5, 'de', (c) => {
    sizeDuring = c.size;
    calls.push(['e']);
  });
  ctx.free();
  t.same(calls, [['e'], [ctx, 'c', 3, 'dc'], [ctx, 'a', 1, 'da']]);
  t.equal(calls[1]![0], ctx, 'the context itself is passed');
  t.equal(sizeDuring, 4, 'the context is still readable during a cleanup');
  t.equal(ctx.freed, true);
  t.equal(ctx.size, 0);
  t.same(ctx.getAllWaitFds(), []);
  ctx.free();
  t.equal(calls.length, 3, 'a second free runs nothing');
  t.end();
});

t.test('free - a cleanup that throws still lets the others run; free rethrows the first error', (t) => {
  const ctx = new WaitContext();
  const order: string[] = [];
  const first = new Error('first');
  const second = new Error('second');
  ctx.setWaitFd('a', 1, null, () => void order.push('a'));
  ctx.setWaitFd('b', 2, null, () => {
    order.push('b');
    throw second;
  });
  ctx.setWaitFd('c', 3, null, () => void order.push('c'));
  ctx.setWaitFd('d', 4, null, () => {
    order.push('d');
    throw first;
  });
  t.throws(() => ctx.free(), first);
  let caught: unknown;
  try {
    new WaitContext().free();
    const again = new WaitContext();
    again.setWaitFd('x', 1, null, () => {
      throw first;
    });
    again.setWaitFd('y', 2, null, () => {
      throw second;
    });
    again.free();
  } catch (e) {
    caught = e;
  }
  t.equal(caught, second, 'the first thrown in order (newest first) is the one rethrown');
  t.same(order, ['d', 'c', 'b', 'a'], 'all cleanups ran');
  t.equal(ctx.freed, true, 'freed despite the error');
  t.doesNotThrow(() => ctx.free(), 'a second free runs nothing and throws nothing');
  t.same(order, ['d', 'c', 'b', 'a']);
  t.end();
});

t.test(
  'a freed context - set/setCallback/setStatus return 0 with ERR_R_PASSED_INVALID_ARGUMENT; reads are empty',
  (t) => {
    const ctx = new WaitContext();
    ctx.setWaitFd('a', 1);
    ctx.setStatus(WaitStatus.OK);
    ctx.free();
    t.equal(ctx.setWaitFd('b', 2), 0);
    t.equal(getError()?.code, 'ERR_R_PASSED_INVALID_ARGUMENT');
    t.equal(
      ctx.setCallback(() => 1),
      0,
    );
    t.equal(getError()?.code, 'ERR_R_PASSED_INVALID_ARGUMENT');
    t.equal(ctx.setStatus(WaitStatus.EAGAIN), 0);
    t.equal(getError()?.code, 'ERR_R_PASSED_INVALID_ARGUMENT');
    t.equal(getError(), null, 'one error per refusal');
    t.equal(ctx.size, 0);
    t.equal(ctx.callback, null);
    t.equal(ctx.getWaitFd('b'), undefined);
    t.equal(ctx.clearWaitFd('a'), 0);
    t.throws(() => ctx.setWaitFd('c', 1.5), { code: 'ERR_OUT_OF_RANGE' }, 'argument errors still throw first');
    ctx.free();
    t.equal(ctx.freed, true);
    t.end();
  },
);
