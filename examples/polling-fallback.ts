/**
 * Jobs with nothing to watch: each checks a simulated engine's "done" flag and pauses with an
 * empty wait context, so the loop retries it on its polling timer, with exponential backoff
 * (1, 2, 4, … ms, capped at `pollMaxDelay`). The 'resume' events with reason 'poll' show the
 * intervals; `loop.stats()` counts the retries.
 *
 * Run: node dist/examples/polling-fallback.js
 */
import { pathToFileURL } from 'node:url';
import { JobLoop, pauseJob } from 'asyncjob';

/**
 * A simulated engine operation that only exposes a "done" flag (no fd, no callback). Like a real
 * device it holds a handle (a ref'd timer here) until its completion is collected: the loop's
 * polling timer is unref'd by design, so it is the engine that keeps the process alive.
 */
function startOperation(ms: number): { readonly done: boolean } {
  const start = performance.now();
  const busy = setInterval(() => {}, 1000);
  return {
    get done() {
      if (performance.now() - start < ms) return false;
      clearInterval(busy);
      return true;
    },
  };
}

/** The job: start the operation, then check the flag; not done yet means pause and try later. */
function* pollUntilDone(ms: number): Generator<unknown, number> {
  const op = startOperation(ms);
  let checks = 1;
  while (!op.done) {
    yield* pauseJob(); // nothing registered: the loop falls back to polling
    checks++;
  }
  return checks;
}

export async function main(): Promise<void> {
  const loop = new JobLoop({ pollInitialDelay: 1, pollFactor: 2, pollMaxDelay: 50 });
  const lastPause = new Map<number, number>();
  const intervals = new Map<number, number[]>();
  loop.on('pause', (id) => lastPause.set(id, performance.now()));
  loop.on('resume', (id, reason) => {
    if (reason !== 'poll') return;
    const list = intervals.get(id) ?? [];
    list.push(Math.round(performance.now() - lastPause.get(id)!));
    intervals.set(id, list);
  });
  const durations = [30, 200];
  const checks = await Promise.all(durations.map((ms) => loop.run(pollUntilDone, ms)));
  console.log('backoff: first retry after 1 ms, x2 per retry, capped at 50 ms');
  durations.forEach((ms, i) => {
    console.log(`job ${i + 1} (engine takes ${ms} ms): done after ${checks[i]} checks`);
    console.log(`  measured poll intervals (ms): ${intervals.get(i + 1)!.join(', ')}`);
  });
  const s = loop.stats();
  console.log(`stats: pollRetries ${s.pollRetries}, resumes ${JSON.stringify(s.wakeups)}, active ${s.active}`);
  await loop.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
