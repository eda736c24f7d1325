// asyncjob_wakeups.mjs - wake-ups per second of asyncjob's JobLoop (benchmark
// measure 4), the same ring as c/epoll_wakeups.c.
//
// N eventfds in a ring, one job per fd run by one JobLoop.  Each job's wait
// context holds its eventfd (set once, before the run); the loop resumes the
// job when the fd is readable, and the generator body drains its eventfd,
// notifies the next fd and pauses again.  TOKENS fds, spread evenly, are
// notified at the start.  Counts wake-ups over SECONDS after a 0.2 s warm-up.
//
// Usage: node asyncjob_wakeups.mjs N TOKENS SECONDS
// Prints one JSON line: {"n":..., "tokens":..., "wakeups_per_s":...}
import {
  JobLoop, WaitContext, pauseJob, eventfd, notifyFd, drainFd,
} from '../../dist/src/index.js';
import { ASYNC_init_thread } from '../../dist/src/openssl.js';

const n = Number(process.argv[2] ?? 1000);
const tokens = Number(process.argv[3] ?? 1);
const seconds = Number(process.argv[4] ?? 1);
const fds = Array.from({ length: n }, () => eventfd(0));
let wakeups = 0;
let stop = false;

function* body(i) {
  const fd = fds[i];
  const next = fds[(i + 1) % n];
  for (;;) {
    yield* pauseJob();
    if (stop) return;
    if (drainFd(fd) === 0) continue;           // spurious: nothing to drain
    notifyFd(next);
    wakeups++;
  }
}

ASYNC_init_thread(0, 0);                        // no pool limit: N jobs at once
const loop = new JobLoop();
const key = {};
const runs = fds.map((fd, i) => {
  const waitCtx = new WaitContext();
  waitCtx.setWaitFd(key, fd);
  return loop.run(body, i, { waitCtx }).catch(() => {});
});
await new Promise((r) => setImmediate(r));      // every job is now paused
for (let k = 0; k < tokens; k++) notifyFd(fds[Math.floor((k * n) / tokens)]);

await new Promise((r) => setTimeout(r, 200));
const start = performance.now();
const counted = wakeups;
await new Promise((r) => setTimeout(r, seconds * 1000));
const elapsed = (performance.now() - start) / 1000;
const rate = (wakeups - counted) / elapsed;
stop = true;
await loop.close();
await Promise.all(runs);
console.log(JSON.stringify({
  n, tokens, seconds: +elapsed.toFixed(3), wakeups_per_s: Math.round(rate),
}));
process.exit(0);
