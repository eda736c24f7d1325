/**
 * An HTTP server whose handler runs a job per request: the job submits a pbkdf2 key derivation
 * to an offload engine (worker threads that signal completion on an eventfd, see
 * offload-engine.ts), registers the fd in its wait context, pauses, and answers when the loop
 * resumes it. A full engine (EAGAIN) makes the job wait on the engine's "slot free" signal; each
 * request has a timeout. `/baseline` does the same work with Node's `crypto.pbkdf2` callback API.
 *
 * Run: node dist/examples/offload-server.js, then curl 'http://127.0.0.1:8080/offload?pw=hi'
 */
import { pbkdf2 } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { getCurrentJob, JobLoop, pauseJob } from 'asyncjob';
import { KEY_LENGTH, OffloadEngine, type OffloadEngineOptions } from './offload-engine.js';

interface DeriveArgs {
  engine: OffloadEngine;
  password: string;
  salt: string;
  iterations: number;
}
const FULL = Symbol('engine full');
const DONE = Symbol('engine done');

/** The job: submit, wait for the completion fd, collect the result. */
export function* deriveJob({ engine, password, salt, iterations }: DeriveArgs): Generator<unknown, string> {
  const ctx = getCurrentJob()!.waitCtx!;
  let slot: number;
  while ((slot = engine.submit(password, salt, iterations)) < 0) {
    ctx.setWaitFd(FULL, engine.slotFree); // EAGAIN: retry when a slot frees up
    yield* pauseJob();
    ctx.clearWaitFd(FULL);
  }
  try {
    ctx.setWaitFd(DONE, engine.fd(slot));
    while (!engine.completed(slot)) yield* pauseJob(); // readiness is a hint: check, else pause
    return engine.result(slot).toString('hex');
  } finally {
    engine.release(slot); // also on timeout: the engine reuses the slot when the work ends
  }
}

export interface OffloadServerOptions extends OffloadEngineOptions {
  port?: number; // default 0: any free port
  iterations?: number; // pbkdf2 iterations per request (?iterations= overrides), default 2000
  timeout?: number; // per-request job timeout in ms (?timeout= overrides), default 5000
  salt?: string;
}

/** Start the server on 127.0.0.1; `close()` stops it, its loop and its engine. */
export async function startOffloadServer(options: OffloadServerOptions = {}) {
  const { port = 0, iterations = 2000, timeout = 5000, salt = 'asyncjob' } = options;
  const engine = new OffloadEngine(options);
  await engine.ready;
  const loop = new JobLoop();
  const answer = (res: ServerResponse, err: unknown, key?: string) => {
    const code =
      err == null ? 200 : (err as Error).name === 'TimeoutError' ? 504 : err instanceof RangeError ? 400 : 500;
    res.writeHead(code, { 'content-type': 'text/plain' }).end(err == null ? `${key}\n` : `${(err as Error).message}\n`);
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    const password = url.searchParams.get('pw') ?? 'password';
    const n = Math.min(Number(url.searchParams.get('iterations')) || iterations, 10_000_000);
    if (url.pathname === '/offload') {
      const t = Number(url.searchParams.get('timeout')) || timeout;
      loop.run(deriveJob, { engine, password, salt, iterations: n }, { timeout: t }).then(
        (k) => answer(res, null, k),
        (e) => answer(res, e),
      );
    } else if (url.pathname === '/baseline') {
      pbkdf2(password, salt, n, KEY_LENGTH, 'sha256', (e, k) => answer(res, e, k?.toString('hex')));
    } else res.writeHead(404).end('try /offload?pw=… or /baseline?pw=…\n');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await loop.close(); // aborts paused jobs: their finally blocks release their slots
    await engine.close();
    await closed;
  };
  return { url, loop, engine, close };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url, close } = await startOffloadServer({ port: Number(process.env.PORT ?? 8080) });
  console.log(`offload server on ${url}: try ${url}/offload?pw=hi and ${url}/baseline?pw=hi (Ctrl-C stops)`);
  process.once('SIGINT', () => void close().then(() => console.log('closed')));
}
