import t from 'tap';
import { JobLoop, WaitSignal, getCurrentJob, pauseJob, select } from '../../src/index.js';

t.test('WaitSignal - level-triggered: readable from notify() until clear()', (t) => {
  const s = new WaitSignal();
  t.equal(s.readable, false);
  s.notify();
  s.notify();
  t.equal(s.readable, true);
  t.equal(s.count, 2);
  t.equal(s.clear(), 2);
  t.equal(s.readable, false);
  t.equal(s.clear(), 0);
  t.end();
});

t.test('signal adapter - resumes a paused job on notify()', async (t) => {
  const loop = new JobLoop();
  const s = new WaitSignal();
  const order: string[] = [];
  loop.on('pause', () => {
    order.push('paused');
    s.notify();
    order.push('notified');
  });
  const r = await loop.run(async () => {
    getCurrentJob()!.waitCtx!.setWaitFd('s', s);
    while (!s.readable) await pauseJob();
    order.push('resumed');
    return s.clear();
  });
  t.equal(r, 1);
  t.same(order, ['paused', 'notified', 'resumed'], 'notify() only queues the resume: never re-entrant');
  t.equal(loop.stats().wakeups.signal, 1);
  await loop.close();
});

t.test('signal adapter - notify() from inside another job resumes the waiter after that job pauses', async (t) => {
  const loop = new JobLoop();
  const s = new WaitSignal();
  const gate = new WaitSignal();
  const waiter = loop.run(function* () {
    getCurrentJob()!.waitCtx!.setWaitFd('s', s);
    while (!s.readable) yield* pauseJob();
    return 'woken';
  });
  const notifier = loop.run(function* () {
    s.notify();
    getCurrentJob()!.waitCtx!.setWaitFd('g', gate);
    gate.notify();
    yield* pauseJob();
    return 'done';
  });
  t.same(await Promise.all([waiter, notifier]), ['woken', 'done']);
  await loop.close();
});

t.test('signal adapter - many jobs on many signals, a job on several signals resumes once', async (t) => {
  const loop = new JobLoop();
  const signals = Array.from({ length: 1000 }, () => new WaitSignal());
  let resumes = 0;
  loop.on('resume', () => resumes++);
  const runs = signals.map((s) =>
    loop.run(function* () {
      const ctx = getCurrentJob()!.waitCtx!;
      ctx.setWaitFd('a', s);
      ctx.setWaitFd('b', signals[0]!);
      yield* pauseJob();
      return 1;
    }),
  );
  t.equal(loop.stats().pausedOn.signal, 1000);
  for (const s of signals) s.notify();
  const done = await Promise.all(runs);
  t.equal(done.length, 1000);
  t.equal(resumes, 1000, 'one resume per job although two of its signals fired');
  await loop.close();
});

t.test('select - signals: resolves with the readable ones in input order, [] on timeout', async (t) => {
  const a = new WaitSignal();
  const b = new WaitSignal();
  t.same(await select([a, b], { timeout: 1 }), []);
  b.notify();
  t.same(await select([a, b]), [b]);
  b.clear();
  setImmediate(() => {
    b.notify();
    a.notify();
  });
  const both = await select([a, b]);
  t.equal(both.length, 2);
  t.equal(both[0], a, 'input order, not notification order');
  t.equal(both[1], b);
});
