// net_wakeups.mjs - wake-ups per second of plain Node net.Socket streams, the
// pure-JS baseline of benchmark measure 4 (needs nothing from asyncjob).
//
// N sockets as N/2 connected Unix-socket pairs (at least one pair), all in this
// process.  Each socket's 'data' handler counts a wake-up and writes one byte
// back on the same socket, which makes its peer readable.  A socket's peer is
// fixed, so a token bounces within its pair instead of going round an N-ring
// (a 2N-fd ring does not fit the 20,000-fd limit at N = 10,000); each wake-up
// is still one readiness event, one read and one write.  TOKENS sockets, at
// most one per pair, are seeded.  Counts over SECONDS after a 0.2 s warm-up.
//
// Usage: node net_wakeups.mjs N TOKENS SECONDS
// Prints one JSON line: {"n":..., "tokens":..., "wakeups_per_s":...}
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';

const n = Number(process.argv[2] ?? 1000);
const tokens = Number(process.argv[3] ?? 1);
const seconds = Number(process.argv[4] ?? 1);
const pairs = Math.max(1, Math.ceil(n / 2));
const sockPath = path.join(os.tmpdir(), `asyncjob-bench-${process.pid}.sock`);
const ONE = Buffer.from([1]);
let wakeups = 0;

fs.rmSync(sockPath, { force: true });
const accepted = [];
const server = net.createServer({ noDelay: true }, (s) => accepted.push(s));
await new Promise((resolve) => server.listen({ path: sockPath, backlog: 1024 }, resolve));

// Connect in batches, each accepted before the next, so the backlog never overflows.
const clients = [];
for (let i = 0; i < pairs; i += 256) {
  const batch = [];
  for (let k = i; k < Math.min(pairs, i + 256); k++) {
    batch.push(new Promise((resolve, reject) => {
      const c = net.connect(sockPath, () => resolve(c));
      c.on('error', reject);
    }));
  }
  clients.push(...(await Promise.all(batch)));
  while (accepted.length < clients.length) await new Promise((r) => setImmediate(r));
}
server.close();
fs.rmSync(sockPath, { force: true });

// Each pair (client k, its accepted peer) holds at most one token.
for (const s of [...clients, ...accepted]) {
  s.on('data', (buf) => {
    wakeups++;
    s.write(buf.length === 1 ? ONE : Buffer.alloc(buf.length, 1));
  });
}
for (let k = 0; k < tokens; k++) clients[Math.floor((k * pairs) / tokens)].write(ONE);

await new Promise((r) => setTimeout(r, 200));
const start = performance.now();
const counted = wakeups;
await new Promise((r) => setTimeout(r, seconds * 1000));
const elapsed = (performance.now() - start) / 1000;
console.log(JSON.stringify({
  n: pairs * 2, tokens, seconds: +elapsed.toFixed(3),
  wakeups_per_s: Math.round((wakeups - counted) / elapsed),
}));
process.exit(0);
