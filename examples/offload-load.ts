/**
 * Load test of offload-server.ts with autocannon, in one process: 10,000 requests on `/offload`
 * (jobs + worker engine + eventfds) and 10,000 on `/baseline` (crypto.pbkdf2 with a callback, on
 * libuv's threadpool), 50 connections; the engine gets 4 workers, like the threadpool. Prints
 * requests/s side by side, errors, and the process's open fd count before and after.
 *
 * Run: node dist/examples/offload-load.js [requests] [connections] [pbkdf2 iterations]
 */
import { readdirSync } from 'node:fs';
import autocannon from 'autocannon';
import { startOffloadServer } from './offload-server.js';

const [amount = 10_000, connections = 50, iterations = 2000] = process.argv.slice(2).map(Number);
const paths = [`/offload?pw=load&iterations=${iterations}`, `/baseline?pw=load&iterations=${iterations}`];
const fdCount = () => readdirSync('/proc/self/fd').length;

// A warm-up cycle first: a process opens a few fds once (libuv's spare fd for EMFILE, the
// addon's epoll set at the first fd wait: a slow request surely waits); they are not leaks.
const warm = await startOffloadServer();
await fetch(`${warm.url}/offload?iterations=100000`).then((r) => r.text());
await warm.close();

const fdsBefore = fdCount();
const server = await startOffloadServer();
for (const path of paths)
  await autocannon({ url: server.url + path, connections, amount: Math.max(connections, amount / 10) }); // JIT warm-up
const rows: string[] = [];
let failures = 0;
for (const path of paths) {
  const t0 = performance.now();
  let last = t0; // autocannon only stops on its 1 s tick: time the responses themselves
  const r = await autocannon({ url: server.url + path, connections, amount }).on(
    'response',
    () => (last = performance.now()),
  );
  const seconds = (last - t0) / 1000;
  const bad = r.errors + r.timeouts + r.non2xx;
  failures += bad + (r['2xx'] === amount ? 0 : 1);
  const name = path.slice(0, path.indexOf('?'));
  rows.push(
    `${name.padEnd(10)} ${(r['2xx'] / seconds).toFixed(0).padStart(6)} req/s  ${String(r['2xx']).padStart(6)} ok  ${bad} errors  latency p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms`,
  );
}
const s = server.loop.stats();
const e = server.engine.stats;
await server.close();
await new Promise((resolve) => setTimeout(resolve, 100)); // let closed client sockets go
const fdsAfter = fdCount();

console.log(
  `${amount} requests per path, ${connections} connections, pbkdf2 ${iterations} iterations, Node ${process.version}`,
);
for (const row of rows) console.log(row);
console.log(
  `engine: ${e.submitted} jobs (warm-up included), full (EAGAIN) ${e.full} times; resumes ${JSON.stringify(s.wakeups)}`,
);
console.log(`open fds: ${fdsBefore} before, ${fdsAfter} after close`);
process.exitCode = failures === 0 && fdsAfter === fdsBefore ? 0 : 1;
