/**
 * src/loop/job-loop.ts: JobLoop.run (validation, args, kinds of body, contexts it owns or not,
 * concurrency, a full pool, nested runs), events, stats and close.
 */
import t from 'tap';
import {
  AsyncError,
  JobLoop,
  WaitContext,
  WaitSignal,
  cleanupPool,
  closeFd,
  drainFd,
  eventfd,
  getCurrentJob,
  initPool,
  notifyFd,
  pauseJob,
  poolStats,
} from '../../src/index.js';

// signal waits and polling do not keep the process alive
const keepAlive = setInterval(() => {}, 1000);
t.teardown(() => clearInterval(keepAlive));

const immediate = () => new Promise<void>((r) => setImmediate(r));

/** A generator body that waits on `sig` (registered in its context) and returns `value`. */
function waitOn<V>(sig: WaitSignal, value: V) {
  return function* (): Generator<unknown, V, unknown> {
    getCurrentJob()!.waitCtx!.setWaitFd('sig', sig);
    while (!sig.readable) yield* pauseJob();
    return value;
  };
}

t.test('run - argument validation rejects (never throws) with codes; nothing runs', async (t) => {
  const loop = new JobLoop();
  t.teardown(() => loop.close());
  let ran = false;
  const body = () => void (ran = true);
  const freed = new WaitContext();
  freed.free();
  const cases: [string, () => Promise<unknown>, { name?: string; code: string }][] = [
    ['func a string', () => loop.run('f' as never), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }],
    ['func null', () => loop.run(null as never), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }],
    ['options null', () => loop.run(body, undefined, null as never), { code: 'ERR_INVALID_ARG_TYPE' }],
    ['options a number', () => loop.run(body, undefined, 5 as never), { code: 'ERR_INVALID_ARG_TYPE' }],
    [
      'waitCtx a plain object',
      () => loop.run(body, undefined, { waitCtx: {} as never }),
      { code: 'ERR_INVALID_ARG_TYPE' },
    ],
    [
      'waitCtx freed',
      () => loop.run(body, undefined, { waitCtx: freed }),
      { name: 'AsyncError', code: 'ERR_R_PASSED_INVALID_ARGUMENT' },
    ],
    [
      'signal not an AbortSignal',
      () => loop.run(body, undefined, { signal: {} as never }),
      { code: 'ERR_INVALID_ARG_TYPE' },
    ],
    [
      'timeout a string',
      () => loop.run(body, undefined, { timeout: '5' as never }),
      { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' },
    ],
    ['timeout -1', () => loop.run(body, undefined, { timeout: -1 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }],
    [
      'timeout NaN',
      () => loop.run(body, undefined, { timeout: NaN }),
      { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' },
    ],
    [
      'timeout Infinity',
      () => loop.run(body, undefined, { timeout: Infinity }),
      { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' },
    ],
  ];
  for (const [name, call, wanted] of cases) {
    let p!: Promise<unknown>;
    t.doesNotThrow(() => (p = call()), `${name}: no synchronous throw`);
    await t.rejects(p, wanted, name);
  }
  const reason = new Error('already');
  let caught: unknown;
  await loop.run(body, undefined, { signal: AbortSignal.abort(reason) }).catch((e) => (caught = e));
  t.equal(caught, reason, 'an aborted signal rejects with its reason (the same object)');
  t.equal(ran, false, 'no body ran');
  t.equal(loop.stats().active, 0);
});

t.test('run - args are passed as given (no copy) to generator, async and plain bodies', async (t) => {
  const loop = new JobLoop();
  t.teardown(() => loop.close());
  let calls = 0;
  const args = { fn: () => ++calls, buf: new Uint8Array(1) };
  const seen: unknown[] = [];
  const g = await loop.run(function* (a: typeof args) {
    seen.push(a);
    a.fn();
    yield* pauseJob(); // nothing to watch: polled
    return 'g';
  }, args);
  const a = await loop.run(async (x: typeof args) => {
    seen.push(x);
    x.fn();
    await pauseJob();
    return 'a';
  }, args);
  const p = await loop.run((x: typeof args) => {
    seen.push(x);
    x.buf[0] = 7;
    return x.fn();
  }, args);
  t.same([g, a, p], ['g', 'a', 3]);
  t.equal(seen.length, 3);
  for (const s of seen) t.equal(s, args);
  t.equal(args.buf[0], 7);
});

t.test(
  'run - an async body waiting on a signal resolves with its value; a throw rejects with the thrown value',
  async (t) => {
    const loop = new JobLoop();
    t.teardown(() => loop.close());
    const sig = new WaitSignal();
    const p = loop.run(async () => {
      getCurrentJob()!.waitCtx!.setWaitFd('s', sig);
      while (!sig.readable) await pauseJob();
      return sig.clear();
    });
    setTimeout(() => sig.notify(), 5);
    t.equal(await p, 1);
    const boom = { custom: 'thrown' };
    let caught: unknown;
    await loop
      .run(async () => {
        await pauseJob();
        throw boom;
      })
      .catch((e) => (caught = e));
    t.equal(caught, boom, 'rejects with the thrown value itself');
    await t.rejects(
      loop.run(() => {
        throw new RangeError('plain');
      }),
      { name: 'RangeError' },
    );
  },
);

t.test('run - without waitCtx the loop makes a context and frees it once when the run settles', async (t) => {
  const loop = new JobLoop();
  t.teardown(() => loop.close());
  const sig = new WaitSignal();
  let cleanups = 0;
  const holder: { ctx: WaitContext | null } = { ctx: null };
  const p = loop.run(function* () {
    const ctx = (holder.ctx = getCurrentJob()!.waitCtx);
    ctx!.setWaitFd('s', sig, null, () => void cleanups++);
    while (!sig.readable) yield* pauseJob();
    return 'ok';
  });
  await immediate();
  const ctx = holder.ctx;
  t.ok(ctx instanceof WaitContext, 'the job has a context');
  t.equal(cleanups, 0, 'not while the run is paused');
  t.equal(ctx!.freed, false);
  sig.notify();
  t.equal(await p, 'ok');
  t.equal(cleanups, 1, 'called once when the run settled');
  t.equal(ctx!.freed, true);
  await loop.close();
  t.equal(cleanups, 1, 'close does not run it again');

  const loop2 = new JobLoop();
  let cleanups2 = 0;
  const failing = loop2.run(function* () {
    getCurrentJob()!.waitCtx!.setWaitFd('x', sig, null, () => void cleanups2++);
    yield* pauseJob();
    throw new Error('fail');
  });
  await t.rejects(failing, { message: 'fail' });
  t.equal(cleanups2, 1, 'freed when the run rejects too');
  await loop2.close();
});

t.test('run - a waitCtx passed in is never freed by the loop (nor by close)', async (t) => {
  const loop = new JobLoop();
  const ctx = new WaitContext();
  const appCallback = () => 1;
  ctx.setCallback(appCallback, 'arg');
  let cleanups = 0;
  const sig = new WaitSignal();
  ctx.setWaitFd('s', sig, null, () => void cleanups++);
  let seenCtx: WaitContext | null = null;
  const p = loop.run(
    function* () {
      seenCtx = getCurrentJob()!.waitCtx;
      while (!sig.readable) yield* pauseJob();
      return 'ok';
    },
    undefined,
    { waitCtx: ctx },
  );
  setTimeout(() => sig.notify(), 2);
  t.equal(await p, 'ok');
  t.equal(seenCtx, ctx, 'the job got the context passed in');
  t.equal(ctx.freed, false);
  t.equal(cleanups, 0);
  t.equal(ctx.callback, appCallback, "the application's callback is restored");
  t.equal(ctx.callbackArg, 'arg');
  await loop.close();
  t.equal(ctx.freed, false, 'close leaves it too');
  ctx.free();
  t.equal(cleanups, 1);
});

t.test('run - concurrency 2: never more than 2 runs active at once', async (t) => {
  const loop = new JobLoop({ concurrency: 2 });
  t.teardown(() => loop.close());
  const sigs = Array.from({ length: 5 }, () => new WaitSignal());
  let active = 0;
  let maxActive = 0;
  const order: number[] = [];
  let checked = false;
  const pausedIds: number[] = [];
  loop.on('pause', (id) => {
    if (checked) setImmediate(() => sigs[id - 1]!.notify());
    else pausedIds.push(id);
  });
  const runs = sigs.map((sig, i) =>
    loop.run(function* () {
      active++;
      maxActive = Math.max(maxActive, active);
      order.push(i);
      getCurrentJob()!.waitCtx!.setWaitFd('s', sig);
      while (!sig.readable) yield* pauseJob();
      active--;
      return i;
    }),
  );
  await immediate();
  const s = loop.stats();
  t.equal(s.active, 5);
  t.equal(s.paused, 2, 'two started and paused');
  t.equal(s.waiting, 3, 'three wait in the queue');
  checked = true;
  for (const id of pausedIds) sigs[id - 1]!.notify();
  t.same(await Promise.all(runs), [0, 1, 2, 3, 4]);
  t.equal(maxActive, 2);
  t.same(order, [0, 1, 2, 3, 4], 'started in order');
});

t.test('run - a full pool makes runs wait, not fail', async (t) => {
  t.equal(initPool(2, 0), 1);
  t.teardown(() => cleanupPool());
  const loop = new JobLoop();
  t.teardown(() => loop.close());
  const sigs = Array.from({ length: 5 }, () => new WaitSignal());
  let bodies = 0;
  const runs = sigs.map((sig, i) =>
    loop.run(function* () {
      bodies++;
      return yield* waitOn(sig, i)();
    }),
  );
  await immediate();
  const s = loop.stats();
  t.equal(s.active, 5);
  t.equal(s.paused, 2, 'two runs hold the two jobs');
  t.equal(s.running + s.waiting, 3, 'three wait for a job (or are queued to retry)');
  t.equal(bodies, 2, 'only two bodies started');
  t.equal(poolStats().created, 2);
  for (const sig of sigs) sig.notify();
  t.same(await Promise.all(runs), [0, 1, 2, 3, 4], 'all five finish');
  t.same(poolStats(), { max: 2, created: 2, idle: 2 }, 'never more than two jobs');
});

t.test('run - called from inside a generator job body: deferred start, both finish', async (t) => {
  const loop = new JobLoop();
  t.teardown(() => loop.close());
  const order: string[] = [];
  let inner: Promise<string> | null = null;
  let innerSawJob: unknown = null;
  const outer = await loop.run(function* () {
    inner = loop.run(function* () {
      order.push('inner starts');
      innerSawJob = getCurrentJob();
      yield* pauseJob();
      return 'inner';
    });
    order.push('outer returns');
    return 'outer';
  });
  t.equal(outer, 'outer');
  t.equal(await inner!, 'inner');
  t.same(order, ['outer returns', 'inner starts'], 'the inner run started after the outer job left the stack');
  t.ok(innerSawJob !== null, 'the inner body ran in a job');
});

t.test('run - called from inside an async job body that awaits it', async (t) => {
  const loop = new JobLoop();
  t.teardown(() => loop.close());
  const result = await loop.run(async () => {
    const v = await loop.run(function* () {
      yield* pauseJob();
      return 'inner';
    });
    return `outer+${v}`;
  });
  t.equal(result, 'outer+inner');
});

t.test('run - a WaitSignal notified by an async job that keeps running resumes the waiting run', async (t) => {
  const loop = new JobLoop();
  t.teardown(() => loop.close());
  const sig = new WaitSignal();
  const waiter = loop.run(waitOn(sig, 'woken'));
  await immediate();
  const notifier = loop.run(async () => {
    sig.notify();
    await new Promise((r) => setTimeout(r, 5)); // still running when the waiter is resumed
    return 'notifier done';
  });
  t.same(await Promise.allSettled([waiter, notifier]), [
    { status: 'fulfilled', value: 'woken' },
    { status: 'fulfilled', value: 'notifier done' },
  ]);
});

t.test('events - pause / resume / settle in order, with ids and reasons', async (t) => {
  const loop = new JobLoop();
  t.teardown(() => loop.close());
  const events: string[] = [];
  const sig = new WaitSignal();
  loop.on('pause', (id) => {
    events.push(`pause ${id}`);
    sig.notify(); // only queues the resume
  });
  loop.on('resume', (id, reason) => events.push(`resume ${id} ${reason}`));
  loop.on('settle', (id, ok) => events.push(`settle ${id} ${ok}`));
  await loop.run(function* () {
    getCurrentJob()!.waitCtx!.setWaitFd('s', sig);
    for (let i = 0; i < 2; i++) {
      while (!sig.readable) yield* pauseJob();
      sig.clear();
    }
  });
  await t.rejects(
    loop.run(() => {
      throw new Error('x');
    }),
  );
  t.same(events, ['pause 1', 'resume 1 signal', 'pause 1', 'resume 1 signal', 'settle 1 true', 'settle 2 false']);
});

t.test('stats - fields on a fresh loop, while paused on fd / signal / polling, and after', async (t) => {
  const loop = new JobLoop();
  t.teardown(() => loop.close());
  t.same(loop.stats(), {
    active: 0,
    running: 0,
    waiting: 0,
    paused: 0,
    pausedOn: { fd: 0, stream: 0, signal: 0, callback: 0, polling: 0 },
    watchedFds: 0,
    wakeups: { fd: 0, stream: 0, signal: 0, callback: 0, poll: 0, error: 0 },
    spuriousWakeups: 0,
    pollRetries: 0,
  });
  const fd = eventfd();
  t.teardown(() => closeFd(fd));
  const sig = new WaitSignal();
  let stop = false;
  const runs = [
    loop.run(function* () {
      getCurrentJob()!.waitCtx!.setWaitFd('fd', fd);
      while (drainFd(fd) === 0) yield* pauseJob();
      return 'fd';
    }),
    loop.run(waitOn(sig, 'sig')),
    loop.run(function* () {
      while (!stop) yield* pauseJob();
      return 'poll';
    }),
  ];
  await immediate();
  const s = loop.stats();
  t.equal(s.active, 3);
  t.equal(s.paused, 3);
  t.same(s.pausedOn, { fd: 1, stream: 0, signal: 1, callback: 0, polling: 1 });
  t.equal(s.watchedFds, 1);
  notifyFd(fd);
  sig.notify();
  stop = true;
  t.same(await Promise.all(runs), ['fd', 'sig', 'poll']);
  const after = loop.stats();
  t.equal(after.active, 0);
  t.equal(after.paused, 0);
  t.equal(after.watchedFds, 0);
  t.equal(after.wakeups.fd, 1);
  t.equal(after.wakeups.signal, 1);
  t.ok(after.wakeups.poll >= 1);
  t.equal(after.pollRetries, after.wakeups.poll, 'poll retries are the poll wake-ups');
});

t.test('close - idempotent; isClosed; later runs reject with ERR_LOOP_CLOSED', async (t) => {
  const loop = new JobLoop();
  let closeEvents = 0;
  loop.on('close', () => closeEvents++);
  t.equal(loop.isClosed, false);
  const sig = new WaitSignal();
  const log: string[] = [];
  const paused = loop.run(function* () {
    getCurrentJob()!.waitCtx!.setWaitFd('s', sig);
    try {
      while (!sig.readable) yield* pauseJob();
    } finally {
      log.push('finally');
    }
  });
  await immediate();
  const c1 = loop.close();
  t.equal(loop.isClosed, true, 'closed at once');
  const c2 = loop.close();
  t.equal(c2, c1, 'the same promise');
  await t.rejects(paused, { code: 'ERR_LOOP_CLOSED' });
  t.same(log, ['finally']);
  await c1;
  await loop.close();
  t.equal(closeEvents, 1, 'one close event');
  const late = loop.run(() => 1);
  await t.rejects(late, { code: 'ERR_LOOP_CLOSED' });
  let e: unknown;
  await late.catch((x) => (e = x));
  t.ok(e instanceof AsyncError);
  t.equal(loop.stats().active, 0);
});
