// job_cycle.mjs - asyncjob cost of one job cycle and of one extra pause/resume
// pair (benchmark measures 1 and 2), with a generator or an async body.
//
// Mirrors c/job_cycle.c through the asyncjob/openssl API: a job body sets one
// wait fd in its wait context, pauses `pauses` times and clears the fd before
// finishing; the caller starts it and resumes it until it finishes.  Timed with
// 1 pause (the job cycle) and with 100; one extra pair costs (t100 - t1) / 99.
//
// Usage: node job_cycle.mjs generator|async ITER1 ITER100
// Prints one JSON line: {"cycle_ns":..., "t100_ns":..., "pair_ns":...}
import {
  ASYNC_init_thread, ASYNC_start_job, ASYNC_pause_job, ASYNC_get_current_job,
  ASYNC_get_wait_ctx, ASYNC_WAIT_CTX_new, ASYNC_WAIT_CTX_free,
  ASYNC_WAIT_CTX_set_wait_fd, ASYNC_WAIT_CTX_clear_fd, ASYNC_PAUSE, ASYNC_FINISH,
} from '../../dist/src/openssl.js';
import { openSync } from 'node:fs';

const kind = process.argv[2] ?? 'generator';
const iter1 = Number(process.argv[3] ?? 300000);
const iter100 = Number(process.argv[4] ?? 3000);
const key = {};
const waitFd = openSync('/dev/null', 'r');   // stored, never watched, as in C
let pauses = 1;

function* generatorBody() {
  const ctx = ASYNC_get_wait_ctx(ASYNC_get_current_job());
  ASYNC_WAIT_CTX_set_wait_fd(ctx, key, waitFd);
  for (let i = 0; i < pauses; i++) yield* ASYNC_pause_job();
  ASYNC_WAIT_CTX_clear_fd(ctx, key);
  return 1;
}

async function asyncBody() {
  const ctx = ASYNC_get_wait_ctx(ASYNC_get_current_job());
  ASYNC_WAIT_CTX_set_wait_fd(ctx, key, waitFd);
  for (let i = 0; i < pauses; i++) await ASYNC_pause_job();
  ASYNC_WAIT_CTX_clear_fd(ctx, key);
  return 1;
}

const check = (status) => {
  if (status !== ASYNC_FINISH) throw new Error(`ASYNC_start_job returned ${status}`);
};

function runGenerator(ctx, iter, p) {
  pauses = p;
  const job = { value: null };
  const ret = { value: 0 };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iter; i++) {
    job.value = null;
    let status;
    do status = ASYNC_start_job(job, ctx, ret, generatorBody);
    while (status === ASYNC_PAUSE);
    check(status);
  }
  return Number(process.hrtime.bigint() - t0) / iter;
}

async function runAsync(ctx, iter, p) {
  pauses = p;
  const job = { value: null };
  const ret = { value: 0 };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iter; i++) {
    job.value = null;
    let status;
    do status = await ASYNC_start_job(job, ctx, ret, asyncBody);
    while (status === ASYNC_PAUSE);
    check(status);
  }
  return Number(process.hrtime.bigint() - t0) / iter;
}

ASYNC_init_thread(0, 0);
const ctx = ASYNC_WAIT_CTX_new();
const run = kind === 'async' ? runAsync : runGenerator;
await run(ctx, Math.ceil(iter1 / 10), 1);         // warm-up: JIT, pool
await run(ctx, Math.ceil(iter100 / 10), 100);
const t1 = await run(ctx, iter1, 1);
const t100 = await run(ctx, iter100, 100);
ASYNC_WAIT_CTX_free(ctx);
console.log(JSON.stringify({
  kind, cycle_ns: +t1.toFixed(2), t100_ns: +t100.toFixed(2),
  pair_ns: +((t100 - t1) / 99).toFixed(2), iter1, iter100,
}));
