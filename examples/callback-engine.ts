/**
 * An engine in OpenSSL 3's callback mode: it fetches the callback the loop installed on the job's
 * wait context (`ASYNC_WAIT_CTX_get_callback`), sets the status, and calls the callback when the
 * work is done. Shows the three cases: `ASYNC_STATUS_OK` and a later callback; a cached result,
 * whose callback arrives while the job is still running (before it pauses) and is not lost; and
 * a busy engine answering `ASYNC_STATUS_EAGAIN`, which the loop retries on its polling timer.
 *
 * Run: node dist/examples/callback-engine.js
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { JobLoop } from 'asyncjob';
import {
  ASYNC_get_current_job,
  ASYNC_get_wait_ctx,
  ASYNC_pause_job,
  ASYNC_STATUS_EAGAIN,
  ASYNC_STATUS_OK,
  ASYNC_WAIT_CTX_get_callback,
  ASYNC_WAIT_CTX_set_status,
  type ASYNC_WAIT_CTX,
} from 'asyncjob/openssl';

const engine = {
  capacity: 2,
  busy: 0,
  cache: new Map<string, string>(),
  /** Start hashing `input` into `out.value`; false (status EAGAIN) when the engine is busy. */
  submit(ctx: ASYNC_WAIT_CTX, input: string, out: { value?: string }): boolean {
    const callback = { value: null as ((arg: unknown) => number) | null },
      arg = { value: undefined as unknown };
    if (!ASYNC_WAIT_CTX_get_callback(ctx, callback, arg)) throw new Error('no callback: run the job in a JobLoop');
    const done = (digest: string) => ((out.value = digest), callback.value!(arg.value));
    const cached = this.cache.get(input);
    if (cached !== undefined) {
      ASYNC_WAIT_CTX_set_status(ctx, ASYNC_STATUS_OK);
      done(cached); // synchronous completion: the callback runs before the job has paused
      return true;
    }
    if (this.busy === this.capacity) return (ASYNC_WAIT_CTX_set_status(ctx, ASYNC_STATUS_EAGAIN), false);
    this.busy++;
    ASYNC_WAIT_CTX_set_status(ctx, ASYNC_STATUS_OK);
    setTimeout(() => {
      this.busy--;
      const digest = createHash('sha256').update(input).digest('hex').slice(0, 16);
      this.cache.set(input, digest);
      done(digest);
    }, 40);
    return true;
  },
};

/** The job, written the way an OpenSSL provider is: submit, pause, go on when woken. */
function* hashJob(input: string): Generator<unknown, string> {
  const ctx = ASYNC_get_wait_ctx(ASYNC_get_current_job()!)!;
  const out: { value?: string } = {};
  let eagain = 0;
  while (!engine.submit(ctx, input, out)) {
    eagain++;
    yield* ASYNC_pause_job(); // status EAGAIN: the loop polls, then we try again
  }
  do
    yield* ASYNC_pause_job(); // status OK: resumed when the engine calls back (maybe already did)
  while (out.value === undefined);
  return `${input} -> ${out.value}${eagain ? ` after ${eagain} EAGAIN retries` : ''}`;
}

export async function main(): Promise<void> {
  const loop = new JobLoop();
  // EAGAIN retries ride the polling timer, which (by design) keeps nothing alive: once the
  // engine's last timer has fired, something must keep the process up until the retry.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const reasons: string[] = [];
  loop.on('resume', (id, reason) => reasons.push(`${id}:${reason}`));
  const first = await Promise.all(['alpha', 'beta', 'gamma'].map((s) => loop.run(hashJob, s)));
  for (const line of first) console.log(line);
  console.log(`resumes (job:reason): ${reasons.join(' ')}`);
  reasons.length = 0;
  console.log(`cached: ${await loop.run(hashJob, 'alpha')}`);
  console.log(`resumes (job:reason): ${reasons.join(' ')} (the callback came before the pause)`);
  console.log(`stats: ${JSON.stringify(loop.stats().wakeups)}`);
  await loop.close();
  clearInterval(keepAlive);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
