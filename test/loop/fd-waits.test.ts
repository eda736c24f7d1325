/**
 * `JobLoop.run` waiting on OS fds: pipes, eventfds and socketpairs resume their job when written
 * to (the loop never reads them), the watched set follows the context's changes, one fd serves
 * many waiters, and a ready fd the job never drains is reported at most once per event-loop turn.
 *
 * Every test observes event order and counts (the loop's 'pause' / 'resume' events), never time.
 */
import t, { type Test } from 'tap';
import {
  JobLoop,
  WaitContext,
  closeFd,
  drainFd,
  eventfd,
  getCurrentJob,
  notifyFd,
  pauseJob,
  pipe,
  select,
  socketpair,
  watchedFdCount,
  type WakeReason,
} from '../../src/index.js';
import { turn } from '../helpers/fake-timers.js';

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await turn();
}

/** Resolves with the id of the next run of `loop` that pauses (optionally: the `n`-th pause from now). */
function nextPause(loop: JobLoop, n = 1): Promise<number> {
  return new Promise((resolve) => {
    let seen = 0;
    const on = (id: number): void => {
      if (++seen < n) return;
      loop.off('pause', on);
      resolve(id);
    };
    loop.on('pause', on);
  });
}

/** Record every pause/resume of `loop` as `'pause <id>'` / `'resume <id> <reason>'`. */
function trace(loop: JobLoop): string[] {
  const events: string[] = [];
  loop.on('pause', (id) => events.push(`pause ${id}`));
  loop.on('resume', (id, reason: WakeReason) => events.push(`resume ${id} ${reason}`));
  return events;
}

/** Count the resumes of `loop`, by run id. */
function resumeCounter(loop: JobLoop): Map<number, number> {
  const counts = new Map<number, number>();
  loop.on('resume', (id) => counts.set(id, (counts.get(id) ?? 0) + 1));
  return counts;
}

/** A fresh loop closed (and checked empty) at the end of the test. */
function newLoop(t: Test): JobLoop {
  const loop = new JobLoop();
  t.teardown(async () => {
    await loop.close();
  });
  return loop;
}

/** Close the fds at the end of the test (after the loop's teardown registered earlier). */
function own(t: Test, ...fds: number[]): void {
  t.teardown(() => {
    for (const fd of fds) closeFd(fd);
  });
}

interface Channel {
  /** The fd the job waits on. */
  wait: number;
  /** The fd the test writes to. */
  write: number;
  close(): void;
}

const channels: Record<string, () => Channel> = {
  pipe: () => {
    const [r, w] = pipe();
    return { wait: r, write: w, close: () => (closeFd(r), closeFd(w)) };
  },
  eventfd: () => {
    const fd = eventfd();
    return { wait: fd, write: fd, close: () => closeFd(fd) };
  },
  socketpair: () => {
    const [a, b] = socketpair();
    return { wait: a, write: b, close: () => (closeFd(a), closeFd(b)) };
  },
};

t.beforeEach(() => turns(2)); // let the previous test's unused fd handles be swept

for (const [name, make] of Object.entries(channels)) {
  for (const kind of ['generator', 'async'] as const) {
    t.test(
      `run: a job paused on a ${name} resumes when written after the pause, and drains what was written (${kind} body)`,
      async (t) => {
        const loop = newLoop(t);
        const ch = make();
        t.teardown(() => ch.close());
        const events = trace(loop);
        const paused = nextPause(loop);
        const body =
          kind === 'generator'
            ? function* (): Generator<unknown, { got: number; pauses: number }> {
                getCurrentJob()!.waitCtx!.setWaitFd('wake', ch.wait);
                let got: number;
                let pauses = 0;
                while ((got = drainFd(ch.wait)) === 0) {
                  pauses++;
                  yield* pauseJob();
                }
                return { got, pauses };
              }
            : async (): Promise<{ got: number; pauses: number }> => {
                getCurrentJob()!.waitCtx!.setWaitFd('wake', ch.wait);
                let got: number;
                let pauses = 0;
                while ((got = drainFd(ch.wait)) === 0) {
                  pauses++;
                  await pauseJob();
                }
                return { got, pauses };
              };
        const run = loop.run(body);
        const id = await paused;
        await turns(3); // the job really waits: nothing resumes it on its own
        t.same(events, [`pause ${id}`], 'paused once, not resumed before the write');
        t.equal(loop.stats().pausedOn.fd, 1);
        notifyFd(ch.write);
        notifyFd(ch.write);
        notifyFd(ch.write);
        t.same(await run, { got: 3, pauses: 1 }, 'the job read all three writes itself');
        t.same(events, [`pause ${id}`, `resume ${id} fd`]);
        t.equal(drainFd(ch.wait), 0, 'nothing left behind');
        t.equal(loop.stats().wakeups.fd, 1);
      },
    );
  }
}

t.test('run: readiness that arrives from inside the pause event (before the watch is armed) is not lost', async (t) => {
  const loop = newLoop(t);
  const fd = eventfd();
  own(t, fd);
  loop.once('pause', () => notifyFd(fd));
  const got = await loop.run(function* () {
    getCurrentJob()!.waitCtx!.setWaitFd('wake', fd);
    let n: number;
    while ((n = drainFd(fd)) === 0) yield* pauseJob();
    return n;
  });
  t.equal(got, 1);
});

t.test('run: a job that swaps its wait fd between pauses is watched on the new fd only', async (t) => {
  const loop = newLoop(t);
  const a = eventfd();
  const b = eventfd();
  own(t, a, b);
  const reasons: WakeReason[] = [];
  loop.on('resume', (_id, reason) => reasons.push(reason));
  let swapped = false;
  const firstPause = nextPause(loop);
  const secondPause = nextPause(loop, 2);
  const run = loop.run(function* () {
    const ctx = getCurrentJob()!.waitCtx!;
    ctx.setWaitFd('w', a);
    while (drainFd(a) === 0) yield* pauseJob();
    t.equal(ctx.clearWaitFd('w'), 1);
    ctx.setWaitFd('w', b);
    swapped = true;
    while (drainFd(b) === 0) yield* pauseJob();
    return 'done on b';
  });
  await firstPause;
  notifyFd(a);
  await secondPause;
  t.ok(swapped, 'paused again after swapping to b');
  t.same(reasons, ['fd'], 'resumed once, by a');
  const s = loop.stats();
  t.same(
    { paused: s.paused, watchedFds: s.watchedFds, polling: s.pausedOn.polling },
    { paused: 1, watchedFds: 1, polling: 0 },
    'one fd armed, no polling',
  );

  notifyFd(a); // the old fd: must not resume the job
  await turns(10);
  t.same(reasons, ['fd'], 'writing to the old fd did not resume the job');
  t.equal(loop.stats().paused, 1);

  notifyFd(b);
  t.equal(await run, 'done on b');
  t.same(reasons, ['fd', 'fd'], 'writing to the new fd resumed it');
  t.equal(drainFd(a), 1, 'the old fd was never read by the loop');
});

t.test(
  'run: swapping the wait fd of a paused job from outside (app-owned context) re-arms on the new fd',
  async (t) => {
    const loop = newLoop(t);
    const a = eventfd();
    const b = eventfd();
    own(t, a, b);
    const ctx = new WaitContext();
    t.teardown(() => ctx.free());
    const reasons: WakeReason[] = [];
    loop.on('resume', (_id, reason) => reasons.push(reason));
    const paused = nextPause(loop);
    const run = loop.run(
      function* () {
        const c = getCurrentJob()!.waitCtx!;
        c.setWaitFd('w', a);
        for (;;) {
          const fd = c.getWaitFd('w')!.fd as number;
          const n = drainFd(fd);
          if (n > 0) return fd === b ? 'woken by b' : 'woken by a';
          yield* pauseJob();
        }
      },
      undefined,
      { waitCtx: ctx },
    );
    await paused;
    t.equal(ctx.clearWaitFd('w'), 1);
    ctx.setWaitFd('w', b);
    const s = loop.stats();
    t.same(
      { paused: s.paused, fd: s.pausedOn.fd, watchedFds: s.watchedFds },
      { paused: 1, fd: 1, watchedFds: 1 },
      'watched on b',
    );
    t.equal(s.pausedOn.polling, 0, 'not polling: it has an fd to wait on again');
    notifyFd(a);
    await turns(10);
    t.same(
      reasons.filter((r) => r === 'fd'),
      [],
      'the old fd is no longer watched',
    );
    t.same(reasons, [], 'no resume at all before b is written');
    notifyFd(b);
    t.equal(await run, 'woken by b');
    t.ok(reasons.length >= 1 && reasons.every((r) => r === 'fd'), `resumed by b: ${reasons.join(', ')}`);
    t.equal(drainFd(a), 1);
  },
);

t.test('run: two jobs paused on one fd are both resumed by one write, through one shared watch', async (t) => {
  const loop = newLoop(t);
  await turns(2);
  const before = watchedFdCount();
  const fd = eventfd();
  own(t, fd);
  const events = trace(loop);
  const bothPaused = nextPause(loop, 2);
  const body = function* (name: string) {
    getCurrentJob()!.waitCtx!.setWaitFd('w', fd);
    yield* pauseJob(); // no drain: the other job must see the same readiness
    return name;
  };
  const one = loop.run(body, 'one');
  const two = loop.run(body, 'two');
  await bothPaused;
  const stats = loop.stats();
  t.equal(stats.paused, 2);
  t.equal(stats.watchedFds, 1, 'one distinct fd armed');
  t.equal(watchedFdCount() - before, 1, 'one native handle for the fd');
  notifyFd(fd);
  t.same(await Promise.all([one, two]), ['one', 'two']);
  t.same(events.filter((e) => e.startsWith('resume')).sort(), ['resume 1 fd', 'resume 2 fd']);
  t.equal(drainFd(fd), 1, 'the write is still there');
});

t.test('run + select: jobs of two loops and a select call waiting on one fd are all woken by one write', async (t) => {
  const loopA = newLoop(t);
  const loopB = newLoop(t);
  const fd = eventfd();
  own(t, fd);
  const body = function* (name: string) {
    getCurrentJob()!.waitCtx!.setWaitFd('w', fd);
    yield* pauseJob();
    return name;
  };
  const pa = nextPause(loopA);
  const pb = nextPause(loopB);
  const a = loopA.run(body, 'a');
  const b = loopB.run(body, 'b');
  const ready = select([fd]);
  await Promise.all([pa, pb]);
  notifyFd(fd);
  t.same(await Promise.all([a, b, ready]), ['a', 'b', [fd]]);
  t.equal(drainFd(fd), 1);
});

t.test('run: a ready fd the job never drains is reported at most once per event-loop turn (no spin)', async (t) => {
  const loop = newLoop(t);
  const fd = eventfd();
  own(t, fd);
  const resumes = resumeCounter(loop);
  let pauses = 0;
  let stop = false;
  const paused = nextPause(loop);
  const run = loop.run(function* () {
    getCurrentJob()!.waitCtx!.setWaitFd('w', fd);
    for (;;) {
      pauses++;
      yield* pauseJob();
      if (stop) return 'stopped';
    }
  });
  const id = await paused;
  notifyFd(fd); // never drained by the job
  const TURNS = 20;
  await turns(TURNS);
  const count = resumes.get(id) ?? 0;
  const stats = loop.stats();
  t.comment(`resumes over ${TURNS} turns: ${count}, spurious wake-ups: ${stats.spuriousWakeups}`);
  t.ok(count >= 2, 'level readiness: the undrained fd keeps resuming the job');
  t.ok(count <= TURNS + 1, `at most one resume per turn (${count} <= ${TURNS + 1})`);
  t.equal(pauses, count + 1, 'the job paused again after each resume');
  t.equal(stats.wakeups.fd, count);
  t.ok(stats.spuriousWakeups <= count, 'spurious wake-ups stay bounded by the resumes');
  t.equal(stats.paused, 1);
  stop = true;
  t.equal(await run, 'stopped');
  t.equal(drainFd(fd), 1, 'the loop never read the fd');
});
