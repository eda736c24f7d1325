/**
 * `JobLoop.run` with wait handles that cannot be watched: the run rejects with a typed error
 * (a Node-style system error for OS fds, a TypeError / RangeError for values that are not wait
 * handles), the job can catch it at its pause point instead, and the loop keeps serving other
 * jobs — one paused concurrently and one started afterwards. An fd closed by its owner while it
 * is watched does not take the process down.
 */
import fs from 'node:fs';
import net from 'node:net';
import t, { type Test } from 'tap';
import {
  JobLoop,
  closeFd,
  drainFd,
  eventfd,
  getCurrentJob,
  notifyFd,
  pauseJob,
  pipe,
  type WaitFd,
} from '../../src/index.js';
import { turn } from '../helpers/fake-timers.js';
import { getFdWatcher } from '../../adapters/native.js';

/** The fd watcher's backend: 'epoll' (Linux default) or 'uv_poll' (a watched dup per fd). */
const backend = getFdWatcher().backend;

function newLoop(t: Test): JobLoop {
  const loop = new JobLoop();
  t.teardown(async () => {
    await loop.close();
  });
  return loop;
}

/** Resolves with the id of the next run of `loop` that pauses. */
function nextPause(loop: JobLoop): Promise<number> {
  return new Promise((resolve) => loop.once('pause', resolve));
}

/** A well-behaved job on its own eventfd: started, paused, then woken; resolves with the count read. */
async function goodJob(loop: JobLoop): Promise<{ paused: Promise<number>; wake(): void; done: Promise<number> }> {
  const fd = eventfd();
  const paused = nextPause(loop);
  const done = loop
    .run(function* () {
      getCurrentJob()!.waitCtx!.setWaitFd('good', fd);
      let n: number;
      while ((n = drainFd(fd)) === 0) yield* pauseJob();
      return n;
    })
    .finally(() => closeFd(fd));
  return { paused, wake: () => notifyFd(fd), done };
}

/** A job that sets `handle` in its context and pauses; records whether its `finally` ran. */
function badRun(loop: JobLoop, handle: unknown, log: string[]): Promise<unknown> {
  return loop.run(function* () {
    try {
      getCurrentJob()!.waitCtx!.setWaitFd('bad', handle as WaitFd);
      log.push('set');
      yield* pauseJob();
      log.push('resumed normally');
      return 'unreachable';
    } finally {
      log.push('finally');
    }
  });
}

interface BadCase {
  name: string;
  /** Make the handle; returns it and what to release afterwards. */
  make(t: Test): Promise<unknown> | unknown;
  /** The expected error. */
  code: string;
  type: ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor;
  /** Whether `setWaitFd` itself throws (the job never pauses). */
  throwsOnSet: boolean;
}

/** A `net.Socket` connected to a local server, reading: Node (libuv) already polls its fd. */
async function readingSocketFd(t: Test): Promise<number> {
  const server = net.createServer((peer) => {
    t.teardown(() => peer.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const sock = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  t.teardown(() => {
    sock.destroy();
  });
  const fd = (sock as any)._handle.fd as number;
  t.ok(Number.isInteger(fd) && fd > 2, `the socket has an fd (${fd})`);
  return fd;
}

const cases: BadCase[] = [
  { name: 'fd -1', make: () => -1, code: 'EBADF', type: Error, throwsOnSet: false },
  {
    name: 'a closed fd',
    make: () => {
      const [r, w] = pipe();
      closeFd(r);
      closeFd(w);
      return r; // used at once, before anything can reuse the number
    },
    code: 'EBADF',
    type: Error,
    throwsOnSet: false,
  },
  {
    name: '/dev/null',
    make: (t) => {
      const fd = fs.openSync('/dev/null', 'r');
      t.teardown(() => fs.closeSync(fd));
      return fd;
    },
    code: 'EPERM',
    type: Error,
    throwsOnSet: false,
  },
  {
    name: 'a directory fd',
    make: (t) => {
      const fd = fs.openSync('/tmp', 'r');
      t.teardown(() => fs.closeSync(fd));
      return fd;
    },
    code: 'EPERM',
    type: Error,
    throwsOnSet: false,
  },
  { name: 'an fd a net.Socket already reads', make: readingSocketFd, code: 'EEXIST', type: Error, throwsOnSet: false },
  { name: 'the number 1.5', make: () => 1.5, code: 'ERR_OUT_OF_RANGE', type: RangeError, throwsOnSet: true },
  { name: 'NaN', make: () => NaN, code: 'ERR_OUT_OF_RANGE', type: RangeError, throwsOnSet: true },
  { name: 'a plain object {}', make: () => ({}), code: 'ERR_INVALID_ARG_TYPE', type: TypeError, throwsOnSet: true },
];

t.beforeEach(async () => {
  await turn();
  await turn();
});

for (const c of cases) {
  t.test(`run: ${c.name} rejects the run with ${c.code}; a concurrent and a later job are still served`, async (t) => {
    const loop = newLoop(t);
    const concurrent = await goodJob(loop);
    await concurrent.paused;

    const handle = await c.make(t);
    const log: string[] = [];
    const err = await badRun(loop, handle, log).then(
      (v) => ({ resolved: v }) as unknown as Error & { code?: string },
      (e: Error & { code?: string }) => e,
    );
    t.type(err, c.type, `a ${c.type.name}`);
    t.equal(err.code, c.code);
    t.same(log, c.throwsOnSet ? ['finally'] : ['set', 'finally'], "thrown at the job's pause point, finally ran");

    const stats = loop.stats();
    t.equal(stats.active, 1, 'only the concurrent job is left');
    t.equal(stats.paused, 1);
    t.equal(stats.pausedOn.fd, 1, 'the concurrent job is still watched');

    concurrent.wake();
    t.equal(await concurrent.done, 1, 'the concurrent job finished');

    const later = await goodJob(loop);
    await later.paused;
    later.wake();
    t.equal(await later.done, 1, 'a job started after the failure works');
    t.equal(loop.stats().active, 0);
  });
}

for (const c of cases.filter((c) => !c.throwsOnSet)) {
  t.test(
    `run: a job that catches ${c.code} (${c.name}) at its pause point finishes normally and can wait on a good fd`,
    async (t) => {
      const loop = newLoop(t);
      const good = eventfd(); // first: a closed fd's number must not be reused by it
      t.teardown(() => closeFd(good));
      const handle = await c.make(t);
      const resumeReasons: string[] = [];
      loop.on('resume', (_id, reason) => resumeReasons.push(reason));
      const secondPause = new Promise<void>((resolve) => {
        let n = 0;
        loop.on('pause', () => {
          if (++n === 2) resolve();
        });
      });
      const run = loop.run(function* () {
        const ctx = getCurrentJob()!.waitCtx!;
        ctx.setWaitFd('bad', handle as number);
        let caught: string | undefined;
        try {
          yield* pauseJob();
        } catch (e) {
          caught = (e as { code?: string }).code;
          ctx.clearWaitFd('bad');
        }
        ctx.setWaitFd('good', good);
        while (drainFd(good) === 0) yield* pauseJob();
        return `recovered from ${caught}`;
      });
      await secondPause;
      notifyFd(good);
      t.equal(await run, `recovered from ${c.code}`);
      t.same(resumeReasons, ['error', 'fd']);
    },
  );
}

for (const how of ['closeFd', 'fs.closeSync'] as const) {
  t.test(
    `run: an fd closed by its owner (${how}) while watched does not abort the process; the run can still be aborted`,
    async (t) => {
      const loop = newLoop(t);
      const [r, w] = pipe();
      const close = how === 'closeFd' ? closeFd : fs.closeSync;
      const log: string[] = [];
      const ac = new AbortController();
      const paused = nextPause(loop);
      const run = loop.run(
        function* () {
          getCurrentJob()!.waitCtx!.setWaitFd('w', r);
          try {
            while (drainFd(r) === 0) yield* pauseJob();
            return 'read';
          } catch (e) {
            log.push(`caught ${(e as { code?: string }).code}`);
            throw e;
          } finally {
            log.push('finally');
          }
        },
        undefined,
        { signal: ac.signal },
      );
      const outcome = run.then(
        (value) => ({ value, error: undefined as unknown }),
        (error: unknown) => ({ value: undefined, error }),
      );
      await paused;
      close(r);
      close(w);
      await turn();
      await turn();
      const stillPaused = loop.stats().paused === 1;
      if (backend === 'epoll' || how === 'closeFd') {
        t.ok(stillPaused, 'the job is still paused (nothing reported for the closed fd)');
      }
      if (stillPaused) {
        const reason = Object.assign(new Error('stop waiting'), { code: 'E_TEST_ABORT' });
        ac.abort(reason);
        t.equal((await outcome).error, reason, 'the run rejects with the abort reason');
        t.same(log, ['caught E_TEST_ABORT', 'finally']);
      } else {
        // uv_poll backend + fs.closeSync: the watched dup still holds the read end and sees the
        // hang-up; the job is woken and its own drainFd(r) on the closed fd throws EBADF.
        t.comment(`${backend}: woken by the hang-up seen through the dup`);
        t.equal(((await outcome).error as { code?: string }).code, 'EBADF', "the job's read of its closed fd failed");
        t.same(log, ['caught EBADF', 'finally']);
      }
      t.equal(loop.stats().active, 0);

      // A fresh pipe right away: the kernel likely hands out the same numbers again.
      const [r2, w2] = pipe();
      t.comment(`old pipe ${r}/${w}, new pipe ${r2}/${w2}`);
      const paused2 = nextPause(loop);
      const run2 = loop.run(function* () {
        getCurrentJob()!.waitCtx!.setWaitFd('w', r2);
        let n: number;
        while ((n = drainFd(r2)) === 0) yield* pauseJob();
        return n;
      });
      await paused2;
      notifyFd(w2);
      t.equal(await run2, 1, 'a fresh pipe job works afterwards');
      closeFd(r2);
      closeFd(w2);
    },
  );
}

t.test(
  'run: a job on a new fd that reuses the number of a closed fd another paused job still waits on is woken',
  async (t) => {
    const loop = newLoop(t);
    const [r, w] = pipe();
    const acOld = new AbortController();
    const acNew = new AbortController();
    const oldRun = loop
      .run(
        function* () {
          getCurrentJob()!.waitCtx!.setWaitFd('w', r);
          for (;;) yield* pauseJob(); // never reads: after the close, its fd number is someone else's
        },
        undefined,
        { signal: acOld.signal },
      )
      .catch((e: { code?: string }) => e.code);
    closeFd(r); // the owner closes the fd while the old job still waits on it
    closeFd(w);
    const [r2, w2] = pipe();
    t.teardown(() => {
      closeFd(r2);
      closeFd(w2);
    });
    t.comment(
      `closed ${r}, new pipe ${r2}/${w2}${r2 === r ? ' (number reused)' : ' (number not reused: scenario not reproduced)'}`,
    );
    let woken = false;
    const newRun = loop
      .run(
        function* () {
          getCurrentJob()!.waitCtx!.setWaitFd('w', r2);
          let n: number;
          while ((n = drainFd(r2)) === 0) yield* pauseJob();
          woken = true;
          return n;
        },
        undefined,
        { signal: acNew.signal },
      )
      .catch((e: { code?: string }) => e.code);
    notifyFd(w2);
    for (let i = 0; i < 10 && !woken; i++) await turn();
    t.ok(woken, 'the job on the new fd was woken by its write');
    const abort = Object.assign(new Error('test cleanup'), { code: 'E_TEST_ABORT' });
    acOld.abort(abort);
    acNew.abort(abort);
    t.equal(await oldRun, 'E_TEST_ABORT');
    await newRun;
  },
);
