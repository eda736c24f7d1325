// polling.mjs - cost of fallback polling (benchmark measure 5).
//
// Runs JOBS jobs on one JobLoop whose bodies pause with nothing to watch and no
// callback expected, so the loop retries them on its backoff timer.  After
// SETTLE seconds (backoff at its cap) it measures process CPU time
// (process.cpuUsage) over SECONDS with nothing ready.  Then it makes the jobs
// ready one batch at a time, spread over about 100 ms so that the instants fall
// at every phase of the polling timer, and records how long each job took to
// notice: the wake-up latency at the cap.
//
// Usage: node polling.mjs JOBS SETTLE SECONDS
// Prints one JSON line: {"cpu_percent":..., "latency_ms_median":..., ...}
import { JobLoop, pauseJob } from '../../dist/src/index.js';
import { ASYNC_init_thread } from '../../dist/src/openssl.js';

const jobs = Number(process.argv[2] ?? 1000);
const settle = Number(process.argv[3] ?? 1.5);
const seconds = Number(process.argv[4] ?? 3);
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
const readyAt = new Array(jobs).fill(Infinity); // when job i was made ready
let resumes = 0;

function* body(i) {
  for (;;) {
    yield* pauseJob();
    resumes++;
    if (readyAt[i] !== Infinity) return performance.now() - readyAt[i];
  }
}

ASYNC_init_thread(0, 0);
const loop = new JobLoop();
const runs = Array.from({ length: jobs }, (_, i) => loop.run(body, i));
await sleep(settle);

const resumes0 = resumes;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await sleep(seconds);
const cpu = process.cpuUsage(cpu0);
const elapsedMs = performance.now() - t0;
const idleResumes = resumes - resumes0;

// Polling timers do not keep the process alive; this interval does meanwhile.
const keepAlive = setInterval(() => {}, 1000);
for (let i = 0; i < jobs; i += 10) {
  for (let k = i; k < Math.min(jobs, i + 10); k++) readyAt[k] = performance.now();
  await sleep(0.001);
}
const latencies = (await Promise.all(runs)).sort((a, b) => a - b);
clearInterval(keepAlive);
await loop.close();
console.log(JSON.stringify({
  jobs,
  cpu_percent: +((100 * (cpu.user + cpu.system)) / 1000 / elapsedMs).toFixed(3),
  resumes_per_s: Math.round((idleResumes * 1000) / elapsedMs),
  latency_ms_median: +latencies[latencies.length >> 1].toFixed(2),
  latency_ms_max: +latencies[latencies.length - 1].toFixed(2),
}));
