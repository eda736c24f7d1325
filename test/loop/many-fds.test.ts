/**
 * `JobLoop.run` at scale: 10,000 jobs paused at once, each on its own eventfd, all resumed by
 * one `notifyFd` each; afterwards every fd and native handle is released.
 */
import fs from 'node:fs';
import t from 'tap';
import {
  JobLoop,
  closeFd,
  drainFd,
  eventfd,
  getCurrentJob,
  notifyFd,
  pauseJob,
  watchedFdCount,
} from '../../src/index.js';
import { turn } from '../helpers/fake-timers.js';
import { openFds, warmUpFdWatcher } from '../helpers/fds.js';

/** The soft RLIMIT_NOFILE of this process, from /proc (Infinity for "unlimited"). */
function softFdLimit(): number {
  const line = fs
    .readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  if (line === undefined) return Infinity;
  const soft = line.split(/\s{2,}/)[1]!;
  return soft === 'unlimited' ? Infinity : Number(soft);
}

const WANTED = 10_000;

t.test('run: 10,000 jobs paused on 10,000 eventfds are all resumed by notifyFd and every fd is released', async (t) => {
  t.ok(openFds() > 0, '/proc/self/fd is readable');
  await warmUpFdWatcher();
  const fdsBefore = openFds();
  const handlesBefore = watchedFdCount();
  const limit = softFdLimit();
  // The uv_poll backend (ASYNCJOB_FD_BACKEND=uv_poll) watches a dup of each fd: two fds per job.
  const perJob = process.env.ASYNCJOB_FD_BACKEND === 'uv_poll' ? 2 : 1;
  const headroom = 100;
  const n = Math.max(0, Math.min(WANTED, Math.floor((limit - fdsBefore - headroom) / perJob)));
  if (n < WANTED) t.comment(`soft fd limit ${limit} with ${fdsBefore} open: using ${n} eventfds instead of ${WANTED}`);
  else t.comment(`soft fd limit ${limit}: using ${n} eventfds`);
  t.ok(n >= 1000, 'enough fds for a meaningful run');

  const loop = new JobLoop();
  let resumed = 0;
  loop.on('resume', (_id, reason) => {
    if (reason === 'fd') resumed++;
  });
  const fds: number[] = [];
  for (let i = 0; i < n; i++) fds.push(eventfd());
  t.teardown(async () => {
    await loop.close();
    for (const fd of fds.splice(0)) closeFd(fd);
  });

  const runs = fds.map((fd) =>
    loop.run(function* () {
      getCurrentJob()!.waitCtx!.setWaitFd('wake', fd);
      let got: number;
      while ((got = drainFd(fd)) === 0) yield* pauseJob();
      return got;
    }),
  );
  // Generator bodies start and pause synchronously inside run().
  const stats = loop.stats();
  t.equal(stats.paused, n, `${n} runs paused before the notify`);
  t.equal(stats.pausedOn.fd, n);
  t.equal(stats.watchedFds, n);
  t.equal(watchedFdCount() - handlesBefore, n, 'one native handle per fd');
  t.equal(openFds() - fdsBefore, n * perJob, perJob === 1 ? 'one fd per job, no dups' : 'two fds per job (fd + dup)');

  await turn();
  t.equal(resumed, 0, 'nothing resumes before the notify');

  for (const fd of fds) notifyFd(fd);
  const results = await Promise.all(runs);
  t.equal(resumed, n, 'every job was resumed once, by its fd');
  t.equal(results.filter((v) => v === 1).length, n, 'every job finished and read its one notify');
  t.equal(loop.stats().active, 0);
  t.equal(loop.stats().spuriousWakeups, 0);

  await loop.close();
  for (const fd of fds.splice(0)) closeFd(fd);
  await turn();
  await turn();
  t.equal(watchedFdCount(), handlesBefore, 'native handles are all released');
  t.equal(openFds(), fdsBefore, 'the open-fd count is back where it started');
});
