/**
 * Load test of offload-server.ts with autocannon, in one process: 10,000 requests on
 * `/offload` (jobs + worker engine + eventfd) and 10,000 on `/baseline` (crypto.pbkdf2 with a
 * callback), 50 connections each; prints requests/s side by side, errors, and the process's
 * open fd count before and after.
 *
 * Run: node dist/examples/offload-load.js [requests] [connections]
 */
import { readdirSync } from 'node:fs';
import autocannon from 'autocannon';
import { startOffloadServer } from './offload-server.js';

const amount = Number(process.argv[2] ?? 10_000);
const connections = Number(process.argv[3] ?? 50);
const fdCount = () => readdirSync('/proc/self/fd').length;

// One warm-up cycle first: a process opens a few fds once (libuv's spare fd for EMFILE, the
// addon's epoll set at the first fd wait: a slow request surely waits); they are not leaks.
const warm = await startOffloadServer();
await fetch(`${warm.url}/offload?iterations=100000`).then((r) => r.text());
await warm.close();

const fdsBefore = fdCount();
const server = await startOffloadServer({ workers: 4, queueDepth: 16 });
const rows: string[] = [];
let failures = 0;
for (const path of ['/offload?pw=load', '/baseline?pw=load']) {
  const t0 = performance.now();
  const r = await autocannon({ url: server.url + path, connections, amount });
  const seconds = (performance.now() - t0) / 1000;
  const bad = r.errors + r.timeouts + r.non2xx;
  failures += bad + (r['2xx'] === amount ? 0 : 1);
  rows.push(`${path.padEnd(20)} ${(r['2xx'] / seconds).toFixed(0).padStart(7)} req/s  ${String(r['2xx']).padStart(6)} ok  ${bad} errors  latency p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms`);
}
const s = server.loop.stats();
const e = server.engine.stats;
await server.close();
await new Promise((resolve) => setTimeout(resolve, 100)); // let closed client sockets go
const fdsAfter = fdCount();

console.log(`${amount} requests per path, ${connections} connections, Node ${process.version}`);
for (const row of rows) console.log(row);
console.log(`jobs: ${e.submitted} submitted, engine full (EAGAIN) ${e.full} times, resumes ${JSON.stringify(s.wakeups)}`);
console.log(`open fds: ${fdsBefore} before, ${fdsAfter} after close`);
process.exitCode = failures === 0 && fdsAfter === fdsBefore ? 0 : 1;
