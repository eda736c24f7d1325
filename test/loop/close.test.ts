/**
 * `JobLoop.close()` with many paused jobs: every run rejects with `ERR_LOOP_CLOSED` after its
 * job's `finally` ran, every context the loop created is freed (each cleanup exactly once),
 * later runs are refused, no fd is left open, and a process holding nothing else exits by itself.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import {
  AsyncError,
  JobLoop,
  closeFd,
  drainFd,
  eventfd,
  getCurrentJob,
  notifyFd,
  pauseJob,
  pipe,
  type WaitFdCleanup,
} from '../../src/index.js';
import { turn } from '../helpers/fake-timers.js';
import { openFds, warmUpFdWatcher } from '../helpers/fds.js';
import { getFdWatcher } from '../../adapters/native.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/loop/${name}`, import.meta.url));

const N = 100;

t.test(
  'close: 100 paused jobs (own pipe each, loop-owned contexts) all reject ERR_LOOP_CLOSED; finally and cleanups run once each; fds are released',
  async (t) => {
    await warmUpFdWatcher();
    const fdsBefore = openFds();

    const loop = new JobLoop();
    const log: string[][] = Array.from({ length: N }, () => []);
    const cleanupCalls = new Array<number>(N).fill(0);
    let paused = 0;
    loop.on('pause', () => paused++);
    let closeEvents = 0;
    loop.on('close', () => closeEvents++);
    const allPaused = new Promise<void>((resolve) => loop.on('pause', () => paused === N && resolve()));

    const runs: Promise<unknown>[] = [];
    for (let i = 0; i < N; i++) {
      const [r, w] = pipe();
      const cleanup: WaitFdCleanup = (_ctx, key, fd, customData) => {
        cleanupCalls[i]!++;
        log[i]!.push(`cleanup ${String(key)}`);
        closeFd(fd as number);
        closeFd(customData as number);
      };
      // Half generator bodies, half async bodies.
      const body =
        i % 2 === 0
          ? function* () {
              try {
                getCurrentJob()!.waitCtx!.setWaitFd('wake', r, w, cleanup);
                while (drainFd(r) === 0) yield* pauseJob();
                return 'woken';
              } catch (e) {
                log[i]!.push(`caught ${(e as AsyncError).code}`);
                throw e;
              } finally {
                log[i]!.push('finally');
              }
            }
          : async () => {
              try {
                getCurrentJob()!.waitCtx!.setWaitFd('wake', r, w, cleanup);
                while (drainFd(r) === 0) await pauseJob();
                return 'woken';
              } catch (e) {
                log[i]!.push(`caught ${(e as AsyncError).code}`);
                throw e;
              } finally {
                log[i]!.push('finally');
              }
            };
      runs.push(loop.run(body));
    }
    await allPaused;
    const stats = loop.stats();
    t.equal(stats.paused, N);
    t.equal(stats.pausedOn.fd, N);
    t.equal(stats.watchedFds, N);
    // A pipe per job, plus (uv_poll backend only) the dup its watch is on.
    const perJob = getFdWatcher().backend === 'epoll' ? 2 : 3;
    t.equal(openFds() - fdsBefore, perJob * N, `${perJob} fds per job are open`);

    const closing = loop.close();
    t.equal(loop.close(), closing, 'close() again returns the same promise');
    t.ok(loop.isClosed);
    const settled = await Promise.allSettled(runs);
    await closing;

    const codes = settled.map((s) =>
      s.status === 'rejected' ? (s.reason as AsyncError).code : `resolved ${String(s.value)}`,
    );
    t.same(codes, new Array(N).fill('ERR_LOOP_CLOSED'), 'every run rejected with ERR_LOOP_CLOSED');
    t.ok(
      settled.every((s) => s.status === 'rejected' && s.reason instanceof AsyncError),
      'as AsyncErrors',
    );
    t.same(cleanupCalls, new Array(N).fill(1), 'every cleanup ran exactly once');
    t.same(
      log,
      Array.from({ length: N }, () => ['caught ERR_LOOP_CLOSED', 'finally', 'cleanup wake']),
      'each job got the error at its pause point and ran its finally before its context was freed',
    );
    t.equal(closeEvents, 1, "'close' emitted once");
    t.same(
      { active: loop.stats().active, paused: loop.stats().paused, watchedFds: loop.stats().watchedFds },
      { active: 0, paused: 0, watchedFds: 0 },
    );

    await t.rejects(
      loop.run(function* () {
        return 'never';
      }),
      { code: 'ERR_LOOP_CLOSED' },
      'run after close rejects',
    );
    await t.rejects(
      loop.run(async () => 'never'),
      { code: 'ERR_LOOP_CLOSED' },
    );
    await loop.close(); // idempotent

    await turn();
    await turn();
    t.equal(openFds(), fdsBefore, 'the open-fd count is back where it started');
  },
);

t.test('close: a loop with nothing running closes at once and refuses runs', async (t) => {
  const loop = new JobLoop();
  await loop.close();
  await t.rejects(
    loop.run(() => 1),
    { code: 'ERR_LOOP_CLOSED' },
  );
});

t.test(
  "close: in a child process, close() with 100 jobs paused on ref'd fd watches lets the process exit by itself",
  async (t) => {
    const res = spawnSync(process.execPath, [fixture('close-exits.mjs')], { encoding: 'utf8', timeout: 60_000 });
    t.equal(res.signal, null, 'not killed (it exited by itself)');
    t.equal(res.status, 0, `exit code 0${res.stderr ? `; stderr: ${res.stderr}` : ''}`);
    t.same(res.stdout.trim().split('\n'), [
      `paused ${N}`,
      `rejected ERR_LOOP_CLOSED ${N}`,
      `finally ${N}`,
      `cleanups ${N}`,
      'active 0',
      'exit',
    ]);
  },
);
