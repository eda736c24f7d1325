/**
 * The example of OpenSSL's ASYNC_start_job(3) manual page, line for line: a job that registers
 * the read end of a real OS pipe as its wait fd, writes a wake byte, and pauses; the main loop
 * waits for the fd with `select` and resumes the job until it finishes.
 *
 * Run: npm run build && node dist/examples/hello-job.js
 */
import { closeFd, drainFd, notifyFd, pipe, select } from 'asyncjob';
import {
  ASYNC_ERR,
  ASYNC_FINISH,
  ASYNC_NO_JOBS,
  ASYNC_PAUSE,
  ASYNC_WAIT_CTX_free,
  ASYNC_WAIT_CTX_get_all_fds,
  ASYNC_WAIT_CTX_new,
  ASYNC_WAIT_CTX_set_wait_fd,
  ASYNC_get_current_job,
  ASYNC_get_wait_ctx,
  ASYNC_pause_job,
  ASYNC_start_job,
  type ASYNC_JOB,
  type ASYNC_WAIT_CTX,
  type WaitFd,
} from 'asyncjob/openssl';

const unique = {};

function cleanup(_ctx: ASYNC_WAIT_CTX, _key: unknown, r: WaitFd, w: unknown): void {
  closeFd(r as number);
  closeFd(w as number);
}

function* jobfunc(arg: Uint8Array): Generator<unknown, number> {
  const currjob = ASYNC_get_current_job();
  if (currjob !== null) {
    console.log('Executing within a job');
  } else {
    console.log('Not executing within a job - should not happen');
    return 0;
  }
  const msg = Buffer.from(arg.subarray(0, arg.indexOf(0))).toString();
  console.log(`Passed in message is: ${msg}`);

  const [r, w] = pipe();
  ASYNC_WAIT_CTX_set_wait_fd(ASYNC_get_wait_ctx(currjob)!, unique, r, w, cleanup);

  // Normally some external event would cause this to happen at some later point - but we do it
  // here for demo purposes, i.e. immediately signalling that the job is ready to be woken up
  // after we return to main via ASYNC_pause_job().
  notifyFd(w);

  // Return control back to main
  yield* ASYNC_pause_job();

  // Clear the wake signal
  drainFd(r);

  console.log('Resumed the job after a pause');
  return 1;
}

async function main(): Promise<number> {
  const job = { value: null as ASYNC_JOB | null };
  const ret = { value: 0 };
  const numfds = { value: 0 };
  const msg = new TextEncoder().encode('Hello world!\0');

  console.log('Starting...');
  const ctx = ASYNC_WAIT_CTX_new();

  for (;;) {
    const status = ASYNC_start_job(job, ctx, ret, jobfunc, msg, msg.length);
    if (status === ASYNC_ERR || status === ASYNC_NO_JOBS) {
      console.log('An error occurred');
      break;
    } else if (status === ASYNC_PAUSE) {
      console.log('Job was paused');
    } else if (status === ASYNC_FINISH) {
      console.log(`Job finished with return value ${ret.value}`);
      break;
    }

    // Wait for the job to be woken
    console.log('Waiting for the job to be woken up');
    if (!ASYNC_WAIT_CTX_get_all_fds(ctx, null, numfds) || numfds.value > 1) {
      console.log('Unexpected number of fds');
      process.abort();
    }
    const waitfd: WaitFd[] = [];
    ASYNC_WAIT_CTX_get_all_fds(ctx, waitfd, numfds);
    await select(waitfd);
  }

  ASYNC_WAIT_CTX_free(ctx);
  console.log('Finishing');
  return 0;
}

process.exitCode = await main();
