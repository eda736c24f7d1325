/**
 * The `npm start` tour: the OpenSSL manual example, then each way a paused job is woken (streams,
 * fallback polling, callback mode), then three seconds of HTTP load on the offload server (jobs
 * waiting on eventfds signalled by worker threads), with a live progress line and a summary.
 *
 * Run: npm start (or node dist/examples/tour.js)
 */
import { Agent, get } from 'node:http';
import { main as callbackEngine } from './callback-engine.js';
import { startOffloadServer } from './offload-server.js';
import { main as pollingFallback } from './polling-fallback.js';
import { main as streamWait } from './stream-wait.js';

const LOAD_MS = 3000;
const CLIENTS = 32;
const section = (title: string) => console.log(`\n== ${title}`);

section('hello-job: the ASYNC_start_job(3) example, OS pipe + select (asyncjob/openssl)');
await import('./hello-job.js'); // runs on import
section('stream-wait: jobs woken by Readable streams (a child process, a TCP socket)');
await streamWait();
section('polling-fallback: jobs with nothing to watch, retried with backoff');
await pollingFallback();
section('callback-engine: OpenSSL 3 callback mode, ASYNC_STATUS_OK / ASYNC_STATUS_EAGAIN');
await callbackEngine();

section(`offload-server: ${LOAD_MS / 1000} s of HTTP load, ${CLIENTS} keep-alive clients, jobs on eventfds`);
const server = await startOffloadServer({ workers: 2, queueDepth: 16 });
let jobs = 0;
let pauses = 0;
server.loop.on('settle', () => jobs++).on('pause', () => pauses++);
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
const latencies: number[] = [];
let errors = 0;
const request = (pw: string) =>
  new Promise<void>((resolve) => {
    const t0 = performance.now();
    get(`${server.url}/offload?pw=${pw}`, { agent }, (res) => {
      res.resume().on('end', () => {
        if (res.statusCode === 200) latencies.push(performance.now() - t0);
        else errors++;
        resolve();
      });
    }).on('error', () => (errors++, resolve()));
  });
const start = performance.now();
const client = async (c: number) => {
  for (let i = 0; performance.now() - start < LOAD_MS; i++) await request(`user${c}-${i}`);
};
const tty = process.stdout.isTTY === true;
const progress = setInterval(
  () => {
    const s = server.loop.stats();
    const line = `  ${((performance.now() - start) / 1000).toFixed(1)} s: ${latencies.length} ok, ${errors} errors, ${s.paused} jobs paused, ${s.watchedFds} fds watched`;
    if (tty) process.stdout.write(`\r${line}  `);
    else console.log(line);
  },
  tty ? 100 : 1000,
);
await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
clearInterval(progress);
if (tty) process.stdout.write('\n');
const seconds = (performance.now() - start) / 1000;

const stats = server.loop.stats();
const sorted = latencies.sort((a, b) => a - b);
const pct = (p: number) => (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(1);
const kinds = Object.entries(stats.wakeups)
  .filter(([, n]) => n > 0)
  .map(([k, n]) => `${k} ${n}`);
console.log(`  ${jobs} jobs (${(latencies.length / seconds).toFixed(0)} req/s, ${errors} errors), ${pauses} pauses`);
console.log(`  resumes by kind: ${kinds.join(', ')}; engine full (EAGAIN) ${server.engine.stats.full} times`);
console.log(`  latency p50 ${pct(50)} ms, p90 ${pct(90)} ms, p99 ${pct(99)} ms`);
agent.destroy();
await server.close();
console.log('\nTour finished.');
