import t from 'tap';
import {
  AsyncError,
  JobLoop,
  WaitContext,
  WaitStatus,
  getCurrentJob,
  pauseJob,
  type WaitCallback,
} from '../../src/index.js';

/** An engine in OpenSSL 3's callback mode: it fetches the context's callback and calls it when done. */
function engineSubmit(ctx: WaitContext, complete: (done: () => void) => void): void {
  const cb = ctx.callback!;
  const arg = ctx.callbackArg;
  ctx.setStatus(WaitStatus.OK);
  complete(() => cb(arg));
}

t.test('callback mode - a callback after the pause resumes the job', async (t) => {
  const loop = new JobLoop();
  const order: string[] = [];
  let fire: (() => void) | null = null;
  loop.on('pause', () => {
    order.push('paused');
    fire!();
  });
  const r = await loop.run(function* () {
    engineSubmit(getCurrentJob()!.waitCtx!, (done) => (fire = done));
    yield* pauseJob();
    order.push('resumed');
    return 'ok';
  });
  t.equal(r, 'ok');
  t.same(order, ['paused', 'resumed']);
  t.equal(loop.stats().wakeups.callback, 1);
  await loop.close();
});

t.test('callback mode - a callback before the pause is not lost', async (t) => {
  const loop = new JobLoop();
  let pauses = 0;
  loop.on('pause', () => pauses++);
  const r = await loop.run(async () => {
    engineSubmit(getCurrentJob()!.waitCtx!, (done) => done()); // completes synchronously
    await pauseJob();
    return 'ok';
  });
  t.equal(r, 'ok');
  t.equal(pauses, 1, 'the job paused, and was resumed by the early callback');
  await loop.close();
});

t.test('callback mode - EAGAIN retries on the polling timer, then OK waits for the callback', async (t) => {
  const keepAlive = setInterval(() => {}, 1000); // polling timers do not keep the process alive
  t.teardown(() => clearInterval(keepAlive));
  const loop = new JobLoop({ pollInitialDelay: 1 });
  const reasons: string[] = [];
  loop.on('resume', (_id, reason) => reasons.push(reason));
  let attempts = 0;
  const r = await loop.run(function* () {
    const ctx = getCurrentJob()!.waitCtx!;
    for (;;) {
      attempts++;
      if (attempts < 3) {
        ctx.setStatus(WaitStatus.EAGAIN); // engine queue full: try again later
        yield* pauseJob();
        continue;
      }
      engineSubmit(ctx, (done) => setImmediate(done));
      yield* pauseJob();
      return attempts;
    }
  });
  t.equal(r, 3);
  t.same(reasons, ['poll', 'poll', 'callback']);
  await loop.close();
});

t.test('callback mode - ERR throws ASYNC_STATUS_ERR at the pause point and the run rejects', async (t) => {
  const loop = new JobLoop();
  let caught: unknown = null;
  const run = loop.run(function* () {
    getCurrentJob()!.waitCtx!.setStatus(WaitStatus.ERR);
    try {
      yield* pauseJob();
    } catch (e) {
      caught = e;
      throw e;
    }
  });
  await t.rejects(run, { code: 'ASYNC_STATUS_ERR' });
  t.type(caught, AsyncError);
  await loop.close();
});

t.test('callback mode - the application callback is wrapped, still called, and restored afterwards', async (t) => {
  const loop = new JobLoop();
  const ctx = new WaitContext();
  const calls: unknown[] = [];
  const appCb: WaitCallback = (arg) => {
    calls.push(arg);
    return 7;
  };
  ctx.setCallback(appCb, 'app-arg');
  let returned = 0;
  await loop.run(
    function* () {
      const c = getCurrentJob()!.waitCtx!;
      t.not(c.callback, appCb, 'the loop installed its own callback');
      c.setStatus(WaitStatus.OK);
      const cb = c.callback!;
      const arg = c.callbackArg;
      setImmediate(() => (returned = cb(arg)));
      yield* pauseJob();
    },
    undefined,
    { waitCtx: ctx },
  );
  t.same(calls, ['app-arg']);
  t.equal(returned, 7, "the application callback's return value is passed through");
  t.equal(ctx.callback, appCb, 'restored');
  t.equal(ctx.callbackArg, 'app-arg');
  t.equal(ctx.status, WaitStatus.OK, 'the loop never changes the status');
  t.equal(ctx.freed, false, 'a context the application passed stays the application’s');
  ctx.free();
  await loop.close();
});
