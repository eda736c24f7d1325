/**
 * Every example runs (from dist/, as a user runs it) and prints what it should. The offload
 * server is also driven in-process: results, the engine's EAGAIN path, a per-request timeout,
 * and the process's fd count after close.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash, pbkdf2Sync } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';

const root = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = [
  'hello-job',
  'stream-wait',
  'polling-fallback',
  'callback-engine',
  'offload-server',
  'offload-engine',
  'offload-worker',
  'offload-load',
  'tour',
];
if (EXAMPLES.some((name) => !existsSync(`${root}dist/examples/${name}.js`))) {
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building dist/ failed');
}

type Server = typeof import('../../examples/offload-server.js');
type Engine = typeof import('../../examples/offload-engine.js');
const { startOffloadServer, deriveJob } = (await import(`${root}dist/examples/offload-server.js`)) as Server;
const { OffloadEngine } = (await import(`${root}dist/examples/offload-engine.js`)) as Engine;
const { JobLoop } = (await import(`${root}dist/src/index.js`)) as typeof import('../../src/index.js');

function run(name: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`dist/examples/${name}.js`, ...args],
      { cwd: root, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
      },
    );
  });
}

// The workers run compiled JavaScript: they need none of tap's loader hooks (slow to start).
const execArgv: string[] = [];
function exitsCleanly(t: Test, r: { code: number | null; stdout: string; stderr: string }): void {
  t.equal(r.code, 0, 'exit code 0');
  if (r.code !== 0) t.comment(r.stdout + r.stderr);
}

const fdCount = () => readdirSync('/proc/self/fd').length;
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
const key = (pw: string, iterations = 2000) => pbkdf2Sync(pw, 'asyncjob', iterations, 32, 'sha256').toString('hex');

function fetchText(url: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: body.trim() }));
    }).on('error', reject);
  });
}

t.test('hello-job prints the ASYNC_start_job(3) example output byte for byte', async (t) => {
  const r = await run('hello-job');
  exitsCleanly(t, r);
  t.equal(
    r.stdout,
    'Starting...\nExecuting within a job\nPassed in message is: Hello world!\nJob was paused\nWaiting for the job to be woken up\nResumed the job after a pause\nJob finished with return value 1\nFinishing\n',
  );
  t.equal(r.stderr, '');
});

t.test('stream-wait reads a child process and a TCP socket, line by line, to the end', async (t) => {
  const r = await run('stream-wait');
  exitsCleanly(t, r);
  const lines = r.stdout.split('\n');
  t.same(
    lines.filter((l) => l.includes('child stdout: ')),
    ['  child stdout: tick 1', '  child stdout: tick 2', '  child stdout: tick 3'],
  );
  t.same(
    lines.filter((l) => l.includes('tcp socket: ')),
    [1, 2, 3].map((i) => `  tcp socket: hello ${i} from the server`),
  );
  const m = /child stdout ended after (\d+) pauses; tcp socket ended after (\d+) pauses/.exec(r.stdout);
  t.ok(m && Number(m[1]) >= 1 && Number(m[2]) >= 1, 'both jobs paused at least once');
  t.match(r.stdout, /"fd":0,"stream":[1-9]/, 'resumed by the stream adapter only');
});

t.test('polling-fallback retries each job on the polling timer until its flag is set', async (t) => {
  const r = await run('polling-fallback');
  exitsCleanly(t, r);
  const jobs = [...r.stdout.matchAll(/done after (\d+) checks\n {2}measured poll intervals \(ms\): ([\d, ]+)\n/g)];
  t.equal(jobs.length, 2);
  let retries = 0;
  for (const [, checks, intervals] of jobs) {
    const n = intervals!.split(', ').length;
    t.equal(Number(checks), n + 1, 'one check per poll, plus the first');
    retries += n;
  }
  t.match(
    r.stdout,
    new RegExp(
      `stats: pollRetries ${retries}, resumes \\{"fd":0,"stream":0,"signal":0,"callback":0,"poll":${retries},"error":0\\}, active 0`,
    ),
  );
});

t.test('callback-engine: callbacks, EAGAIN retries and a callback that comes before the pause', async (t) => {
  const r = await run('callback-engine');
  exitsCleanly(t, r);
  const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
  t.match(r.stdout, `alpha -> ${digest('alpha')}\nbeta -> ${digest('beta')}\n`);
  t.match(
    r.stdout,
    new RegExp(`gamma -> ${digest('gamma')} after [1-9]\\d* EAGAIN retries\n`),
    'the third job met a busy engine',
  );
  const resumes = /resumes \(job:reason\): ([^\n]*)\n/.exec(r.stdout)?.[1]?.split(' ') ?? [];
  t.same(
    resumes.filter((x) => !x.startsWith('3:')),
    ['1:callback', '2:callback'],
    'jobs 1 and 2 resumed once each, by their callback',
  );
  const third = resumes.filter((x) => x.startsWith('3:'));
  t.ok(third.length >= 2 && third.slice(0, -1).every((x) => x === '3:poll'), 'job 3 polled while the engine was busy');
  t.equal(third.at(-1), '3:callback', 'then its callback resumed it');
  t.match(
    r.stdout,
    `cached: alpha -> ${digest('alpha')}\nresumes (job:reason): 4:callback (the callback came before the pause)\n`,
  );
});

t.test('offload-server answers 200 requests through the worker engine and leaks no fd', async (t) => {
  // One-time fds of a process (libuv's spare fd, the addon's epoll set at the first fd wait).
  const warm = await startOffloadServer({ execArgv });
  const warmAgent = new Agent({ keepAlive: true });
  t.equal((await fetchText(`${warm.url}/offload?pw=warm&iterations=100000`, warmAgent)).status, 200);
  warmAgent.destroy();
  await warm.close();
  await settle();
  const before = fdCount();

  const server = await startOffloadServer({ workers: 2, queueDepth: 4, execArgv });
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  const pws = Array.from({ length: 200 }, (_, i) => `pw${i}`);
  const results = await Promise.all(
    pws.map((pw, i) => fetchText(`${server.url}/${i % 4 === 3 ? 'baseline' : 'offload'}?pw=${pw}`, agent)),
  );
  t.same(
    results.map((r) => r.status),
    pws.map(() => 200),
    'all 200 OK',
  );
  t.same(
    results.map((r) => r.body),
    pws.map((pw) => key(pw)),
    'every derived key is right',
  );
  t.equal(server.engine.stats.submitted, 150);

  const timedOut = await fetchText(`${server.url}/offload?pw=slow&iterations=1000000&timeout=20`, agent);
  t.same(timedOut, { status: 504, body: 'The job timed out' });
  t.equal(server.engine.stats.abandoned, 1);
  t.equal((await fetchText(`${server.url}/nowhere`, agent)).status, 404);
  t.equal(server.loop.stats().active, 0);
  agent.destroy();
  await server.close();
  await settle();
  t.equal(fdCount(), before, 'fd count back to where it was');
});

t.test('offload engine: a full engine makes the job wait on "slot free"; an abandoned slot comes back', async (t) => {
  const engine = new OffloadEngine({ workers: 1, queueDepth: 1, execArgv });
  const loop = new JobLoop();
  const args = (password: string, iterations = 2000) => ({ engine, password, salt: 'asyncjob', iterations });
  const reasons: string[] = [];
  loop.on('resume', (_id, reason) => reasons.push(reason));
  const slow = loop.run(deriveJob, args('slow', 1_000_000), { timeout: 1 });
  const fast = loop.run(deriveJob, args('fast')); // starts while the only slot is busy
  t.equal(engine.stats.full, 1, 'the second job met a full engine');
  await t.rejects(slow, { name: 'TimeoutError' });
  t.equal(engine.stats.abandoned, 1);
  t.equal(await fast, key('fast'), 'ran once the abandoned slot was reclaimed');
  t.ok(reasons.includes('signal'), 'woken by the slot-free signal');
  t.ok(reasons.includes('error'), 'the timeout was thrown at the pause point');
  await loop.close();
  await engine.close();
});

t.test('offload-server runs standalone and stops on SIGINT', async (t) => {
  const child = spawn(process.execPath, ['dist/examples/offload-server.js'], {
    cwd: root,
    env: { ...process.env, PORT: '0' },
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /offload server on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`exited early: ${out}`)));
  });
  const agent = new Agent({ keepAlive: false });
  t.same(await fetchText(`${url}/offload?pw=hi`, agent), { status: 200, body: key('hi') });
  child.kill('SIGINT');
  const code = await new Promise((resolve) => child.on('exit', resolve));
  t.equal(code, 0, 'exits by itself once closed');
  t.match(out, /\nclosed\n$/);
});

t.test('offload-load runs autocannon against both paths with no errors and no fd leak', async (t) => {
  const r = await run('offload-load', ['600', '20']);
  exitsCleanly(t, r);
  t.match(r.stdout, /\n\/offload +\d+ req\/s +600 ok {2}0 errors/);
  t.match(r.stdout, /\n\/baseline +\d+ req\/s +600 ok {2}0 errors/);
  const m = /open fds: (\d+) before, (\d+) after close/.exec(r.stdout);
  t.ok(m && m[1] === m[2], 'same fd count before and after');
});

t.test('tour runs every example and a load run, then exits 0 by itself', async (t) => {
  const r = await run('tour');
  exitsCleanly(t, r);
  t.match(r.stdout, 'Starting...\nExecuting within a job\n');
  for (const section of ['stream-wait', 'polling-fallback', 'callback-engine', 'offload-server'])
    t.match(r.stdout, `\n== ${section}: `);
  t.match(r.stdout, /\n {2}\d+\.\d s: \d+ ok, 0 errors/, 'plain progress lines when stdout is not a TTY');
  t.match(r.stdout, /\n {2}[1-9]\d* jobs \(\d+ req\/s, 0 errors\), [1-9]\d* pauses\n {2}resumes by kind: fd [1-9]/);
  t.match(r.stdout, /latency p50 [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms\n\nTour finished\.\n$/);
});
