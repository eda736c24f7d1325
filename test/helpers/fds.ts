import fs from 'node:fs';
import { JobLoop, closeFd, drainFd, eventfd, getCurrentJob, notifyFd, pauseJob } from '../../src/index.js';
import { turn } from './fake-timers.js';

/** How many fds this process has open (Linux: `/proc/self/fd`). */
export const openFds = (): number => fs.readdirSync('/proc/self/fd').length;

/**
 * Warm up the thread's fd watcher: its epoll set (and libuv's spare fd) are created once and kept,
 * so fd counts taken afterwards compare like with like.
 */
export async function warmUpFdWatcher(): Promise<void> {
  const warm = new JobLoop();
  const fd = eventfd();
  const p = warm.run(function* () {
    getCurrentJob()!.waitCtx!.setWaitFd('w', fd);
    while (drainFd(fd) === 0) yield* pauseJob();
  });
  notifyFd(fd);
  await p;
  await warm.close();
  closeFd(fd);
  await turn();
  await turn();
}
