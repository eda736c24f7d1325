/**
 * Jobs that wait on Node `Readable` streams: one reads a child process's stdout, the other a TCP
 * socket from a local server. Each job calls `stream.read()` and pauses while it returns null; the
 * loop resumes it when the stream has data buffered or has ended. Both run at the same time.
 *
 * Run: node dist/examples/stream-wait.js
 */
import { spawn } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { getCurrentJob, JobLoop, pauseJob } from 'asyncjob';

/** The job: print `stream`'s lines until it ends; returns how many times it paused. */
function* printLines({ name, stream }: { name: string; stream: Readable }): Generator<unknown, number> {
  getCurrentJob()!.waitCtx!.setWaitFd('input', stream);
  stream.setEncoding('utf8');
  let pending = '';
  let pauses = 0;
  for (;;) {
    const chunk: string | null = stream.read();
    if (chunk !== null) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) console.log(`  ${name}: ${line}`);
    } else if (stream.readableEnded || stream.destroyed) {
      return pauses;
    } else {
      pauses++;
      yield* pauseJob(); // nothing buffered: wait until the stream is readable (or ends)
    }
  }
}

const childScript = `let i = 0; const t = setInterval(() => { console.log('tick ' + ++i); if (i === 3) clearInterval(t); }, 40);`;

export async function main(): Promise<void> {
  const loop = new JobLoop();
  const server = createServer((socket) => {
    let i = 0;
    const t = setInterval(() => {
      socket.write(`hello ${++i} from the server\n`);
      if (i === 3) (clearInterval(t), socket.end());
    }, 30);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  const child = spawn(process.execPath, ['-e', childScript], { stdio: ['ignore', 'pipe', 'inherit'] });

  const [childPauses, tcpPauses] = await Promise.all([
    loop.run(printLines, { name: 'child stdout', stream: child.stdout }),
    loop.run(printLines, { name: 'tcp socket', stream: socket }),
  ]);
  console.log(`child stdout ended after ${childPauses} pauses; tcp socket ended after ${tcpPauses} pauses`);
  console.log(`resumes: ${JSON.stringify(loop.stats().wakeups)}`);
  socket.destroy();
  server.close();
  await loop.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
