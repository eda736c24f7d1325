// memory.mjs - memory per paused asyncjob job (benchmark measure 3).
//
// Starts COUNT jobs through asyncjob/openssl, each with its own wait context
// holding one wait handle - a WaitSignal ("signal") or an OS fd number ("fd",
// the same fd for all, stored unwatched as C stores it) - and leaves them
// all paused, outside any JobLoop, like c/memory.c.  Reports RSS and V8 heap
// growth per job after a full GC; the arrays holding the handles are counted.
//
// Usage: node --expose-gc --max-old-space-size=8192 memory.mjs COUNT signal|fd
// Prints one JSON line: {"jobs":..., "rss_per_job":..., "heap_per_job":...}
import {
  ASYNC_init_thread, ASYNC_start_job, ASYNC_pause_job, ASYNC_WAIT_CTX_new,
  ASYNC_WAIT_CTX_set_wait_fd, ASYNC_PAUSE,
} from '../../dist/src/openssl.js';
import { openSync } from 'node:fs';
import { WaitSignal } from '../../dist/src/index.js';

const count = Number(process.argv[2] ?? 1000000);
const variant = process.argv[3] ?? 'signal';
const key = {};
const fd = openSync('/dev/null', 'r');        // stored, never watched, as in C

function* body() {
  yield* ASYNC_pause_job();
}

function snapshot() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers };
}

ASYNC_init_thread(0, 0);
// Warm up the code paths (and the pool's own structures) before the baseline.
for (let i = 0; i < 1000; i++) {
  const ctx = ASYNC_WAIT_CTX_new();
  ASYNC_WAIT_CTX_set_wait_fd(ctx, key, variant === 'fd' ? fd : new WaitSignal());
  const job = { value: null };
  ASYNC_start_job(job, ctx, null, body);
  ASYNC_start_job(job, ctx, null, body);       // finish it
}
const jobs = new Array(count).fill(null);
const ctxs = new Array(count).fill(null);
const before = snapshot();
for (let i = 0; i < count; i++) {
  const ctx = ASYNC_WAIT_CTX_new();
  ASYNC_WAIT_CTX_set_wait_fd(ctx, key, variant === 'fd' ? fd : new WaitSignal());
  const job = { value: null };
  const status = ASYNC_start_job(job, ctx, null, body);
  if (status !== ASYNC_PAUSE) throw new Error(`ASYNC_start_job returned ${status} at job ${i}`);
  jobs[i] = job.value;
  ctxs[i] = ctx;
}
const after = snapshot();
globalThis.keepAlive = [jobs, ctxs];            // or V8 may collect them before `after`
console.log(JSON.stringify({
  variant, jobs: jobs.length,
  rss_per_job: +((after.rss - before.rss) / count).toFixed(1),
  heap_per_job: +((after.heap - before.heap) / count).toFixed(1),
  external_per_job: +((after.external - before.external) / count).toFixed(1),
}));
