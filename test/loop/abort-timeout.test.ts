import t from 'tap';
import { JobLoop, WaitSignal, closeFd, getCurrentJob, pauseJob, pipe, watchedFdCount } from '../../src/index.js';
import { FakeTimers } from '../helpers/fake-timers.js';

type Args = { trace: string[]; fd: number };
type Body = (args: Args) => Generator<unknown, string>;

const bodies: Record<string, Body> = {
  generator: function* ({ trace, fd }) {
    getCurrentJob()!.waitCtx!.setWaitFd('pipe', fd);
    try {
      yield* pauseJob();
      trace.push('resumed normally');
      return 'not aborted';
    } catch (e) {
      trace.push(`caught ${(e as Error).name}`);
      throw e;
    } finally {
      trace.push('finally');
    }
  },
  async: (async ({ trace, fd }: Args) => {
    getCurrentJob()!.waitCtx!.setWaitFd('pipe', fd);
    try {
      await pauseJob();
      trace.push('resumed normally');
      return 'not aborted';
    } catch (e) {
      trace.push(`caught ${(e as Error).name}`);
      throw e;
    } finally {
      trace.push('finally');
    }
  }) as unknown as Body, // an async body: the loop tells the kinds apart by what the first call returns
};

for (const [kind, body] of Object.entries(bodies)) {
  t.test(
    `.run() - signal: the paused job sees the AbortError at its pause point, its finally runs, the run rejects with signal.reason (${kind} body)`,
    async (t) => {
      const loop = new JobLoop();
      const [r, w] = pipe();
      const before = watchedFdCount();
      const trace: string[] = [];
      const ac = new AbortController();
      loop.once('pause', () => {
        t.equal(loop.stats().watchedFds, 1, 'the fd is watched while paused');
        ac.abort();
      });
      const err = await loop.run(body, { trace, fd: r }, { signal: ac.signal }).catch((e: unknown) => e);
      t.equal(err, ac.signal.reason, 'rejects with signal.reason');
      t.equal((err as Error).name, 'AbortError');
      t.same(trace, ['caught AbortError', 'finally']);
      t.equal(loop.stats().watchedFds, 0, 'unwatched');
      t.equal(loop.stats().active, 0, 'nothing left running');
      await new Promise((res) => setImmediate(res));
      t.equal(watchedFdCount(), before, 'native watch released');
      closeFd(r);
      closeFd(w);
      await loop.close();
    },
  );

  t.test(`.run() - signal with a custom reason rejects with that reason (${kind} body)`, async (t) => {
    const loop = new JobLoop();
    const [r, w] = pipe();
    const ac = new AbortController();
    const reason = new Error('client went away');
    loop.once('pause', () => ac.abort(reason));
    const trace: string[] = [];
    await t.rejects(loop.run(body, { trace, fd: r }, { signal: ac.signal }), reason);
    t.same(trace, ['caught Error', 'finally']);
    closeFd(r);
    closeFd(w);
    await loop.close();
  });

  t.test(
    `.run() - timeout: the paused job sees a TimeoutError, its finally runs, the run rejects with it (${kind} body)`,
    async (t) => {
      const timers = new FakeTimers();
      const loop = new JobLoop({ timers });
      const [r, w] = pipe();
      const trace: string[] = [];
      loop.once('pause', () => timers.fireAll());
      const err = await loop.run(body, { trace, fd: r }, { timeout: 50 }).catch((e: unknown) => e);
      t.equal((err as Error).name, 'TimeoutError');
      t.same(trace, ['caught TimeoutError', 'finally']);
      t.equal(loop.stats().watchedFds, 0);
      closeFd(r);
      closeFd(w);
      await loop.close();
    },
  );
}

t.test('.run() - a job that handles the abort and returns still makes the run reject with the reason', async (t) => {
  const loop = new JobLoop();
  const s = new WaitSignal();
  const ac = new AbortController();
  loop.once('pause', () => ac.abort());
  let cleanedUp = false;
  const run = loop.run(
    function* () {
      getCurrentJob()!.waitCtx!.setWaitFd('s', s);
      try {
        yield* pauseJob();
      } catch {
        cleanedUp = true;
        return 'handled';
      }
      return 'not aborted';
    },
    undefined,
    { signal: ac.signal },
  );
  await t.rejects(run, { name: 'AbortError' });
  t.equal(cleanedUp, true);
  await loop.close();
});

t.test('.run() - a job that keeps swallowing the abort is abandoned after a bounded number of throws', async (t) => {
  const loop = new JobLoop();
  const ac = new AbortController();
  let throws = 0;
  loop.once('pause', () => ac.abort());
  const run = loop.run(
    function* () {
      getCurrentJob()!.waitCtx!.setWaitFd('s', new WaitSignal());
      for (;;) {
        try {
          yield* pauseJob();
        } catch {
          throws++;
        }
      }
    },
    undefined,
    { signal: ac.signal },
  );
  await t.rejects(run, { name: 'AbortError' });
  t.ok(throws > 1 && throws <= 20, `thrown ${throws} times, then abandoned`);
  t.equal(loop.stats().active, 0);
  await loop.close();
});

t.test('.run() - abort before the job starts (concurrency queue) rejects without running it', async (t) => {
  const loop = new JobLoop({ concurrency: 1 });
  const gate = new WaitSignal();
  const first = loop.run(function* () {
    getCurrentJob()!.waitCtx!.setWaitFd('g', gate);
    while (!gate.readable) yield* pauseJob();
  });
  const ac = new AbortController();
  let ran = false;
  const second = loop.run(
    function* () {
      ran = true;
    },
    undefined,
    { signal: ac.signal },
  );
  ac.abort();
  await t.rejects(second, { name: 'AbortError' });
  gate.notify();
  await first;
  t.equal(ran, false);
  await loop.close();
});

t.test('.run() - a timeout that never fires leaves no timer behind', async (t) => {
  const timers = new FakeTimers();
  const loop = new JobLoop({ timers });
  t.equal(await loop.run(() => 42, undefined, { timeout: 1000 }), 42);
  let fired = false;
  timers.setTimeout(() => (fired = true), 0);
  timers.fireAll();
  t.equal(fired, true);
  t.equal(loop.stats().active, 0);
  await loop.close();
});
