// offload.mjs - requests per second of the offload server (benchmark measure 6).
//
// "server": starts examples/offload-server.ts (built to dist/examples/) in this
// process and loads its /offload path, where each request is a job that
// submits pbkdf2 to the worker-thread engine and pauses on the engine's eventfd.
// "crypto": the same server's /baseline path, the same pbkdf2 work through
// crypto.pbkdf2's callback API.  The load comes from a separate child process
// (this file with "client"): CONNECTIONS keep-alive connections, each sending
// its next request as soon as the previous answer arrives, for SECONDS after a
// 0.3 s warm-up.  Only 200 answers count.
//
// Usage: node offload.mjs server|crypto SECONDS CONNECTIONS
// Prints one JSON line: {"path":..., "requests_per_s":..., "errors":...}
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const [mode, secondsArg, connectionsArg, urlArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 2);
const connections = Number(connectionsArg ?? 32);

if (mode === 'client') {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const get = () => new Promise((resolve) => {
    http.get(urlArg, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    }).on('error', () => resolve(false));
  });
  // Count the answers that arrive inside [start, end); the first 0.3 s warm up.
  const start = performance.now() + 300;
  const end = start + seconds * 1000;
  let ok = 0, errors = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const good = await get();
      const t = performance.now();
      if (t >= start && t < end) good ? ok++ : errors++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = seconds;
  console.log(JSON.stringify({ requests_per_s: Math.round(ok / elapsed), ok, errors, seconds: +elapsed.toFixed(3) }));
  agent.destroy();
} else {
  const { startOffloadServer } = await import('../../dist/examples/offload-server.js');
  const server = await startOffloadServer({ port: 0 });
  const path = mode === 'crypto' ? '/baseline?pw=bench' : '/offload?pw=bench';
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'client', seconds, connections, server.url + path], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  await new Promise((resolve) => child.on('exit', resolve));
  await server.close();
  const r = JSON.parse(out.trim().split('\n').pop());
  console.log(JSON.stringify({ path, ...r }));
}
