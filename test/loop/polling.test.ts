import t from 'tap';
import { JobLoop, getCurrentJob, pauseJob } from '../../src/index.js';
import { FakeTimers } from '../helpers/fake-timers.js';

t.test('polling fallback - retry intervals grow with backoff to the cap', async (t) => {
  const timers = new FakeTimers();
  const loop = new JobLoop({ timers, pollInitialDelay: 1, pollFactor: 2, pollMaxDelay: 20 });
  let polls = 0;
  let stop = false;
  const run = loop.run(function* () {
    while (!stop) {
      polls++;
      yield* pauseJob(); // nothing to watch: polled
    }
    return polls;
  });
  for (let i = 0; i < 8; i++) await timers.tick();
  t.same(timers.delays, [1, 2, 4, 8, 16, 20, 20, 20, 20], 'doubling from 1 ms, capped at 20 ms');
  stop = true;
  await timers.tick();
  t.equal(await run, 9);
  t.equal(loop.stats().pollRetries, 9);
  await loop.close();
});

t.test('polling fallback - the backoff resets when the job makes progress', async (t) => {
  const timers = new FakeTimers();
  const loop = new JobLoop({ timers, pollInitialDelay: 1, pollFactor: 2, pollMaxDelay: 100 });
  let n = 0;
  const run = loop.run(function* () {
    const ctx = getCurrentJob()!.waitCtx!;
    for (;;) {
      n++;
      if (n === 4) ctx.setStatus(1234); // progress: the job changed its context
      if (n === 6) return n;
      yield* pauseJob();
    }
  });
  for (let i = 0; i < 5; i++) await timers.tick();
  t.same(timers.delays, [1, 2, 4, 1, 2], 'back to the initial delay after progress');
  t.equal(await run, 6);
  await loop.close();
});

t.test('polling fallback - many polling jobs share one timer', async (t) => {
  const timers = new FakeTimers();
  const loop = new JobLoop({ timers, pollInitialDelay: 5, pollFactor: 1, pollMaxDelay: 5 });
  let rounds = 0;
  const runs = Array.from({ length: 100 }, () =>
    loop.run(function* () {
      yield* pauseJob();
      rounds++;
      return 1;
    }),
  );
  t.equal(loop.stats().pausedOn.polling, 100);
  t.equal(timers.delays.length, 1, 'one timer for 100 jobs');
  await timers.tick();
  await Promise.all(runs);
  t.equal(rounds, 100);
  await loop.close();
});

t.test('polling fallback - options are validated', (t) => {
  t.throws(() => new JobLoop({ pollFactor: 0.5 }), { code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => new JobLoop({ pollMaxDelay: Infinity }), { code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => new JobLoop({ pollJitter: 2 }), { code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => new JobLoop({ keepAlive: 'yes' as never }), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new JobLoop({ timers: {} as never }), { code: 'ERR_INVALID_ARG_TYPE' });
  t.end();
});
