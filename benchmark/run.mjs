// run.mjs - the asyncjob benchmark suite (`npm run bench`).
//
// Compiles the C contenders against the system OpenSSL into benchmark/.build/,
// then runs every measure as fresh child processes, contenders alternating
// round by round (ABC, CBA, ABC, ...), and reports medians, min–max and paired
// ratios (round i of one contender against round i of another).  Writes
// benchmark/results.md (goals table, machine, details) and benchmark/wakeups.svg.
// Contenders that cannot run (no OpenSSL headers, no dist/ build, no Python
// 3.10+, no offload example) are skipped with a message, never faked.
//
// Usage: node benchmark/run.mjs [--quick] [--rounds=N] [--only=cycle,memory,wakeups,polling,offload]
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  summary, pairedRatios, fmtInt, fmtSummary, fmtRatioSummary,
  textTable, wakeupsSvg,
} from './report.mjs';
import { build as buildResults } from './results-md.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const buildDir = join(here, '.build');
const args = process.argv.slice(2);
const opt = (name, dflt) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const quick = args.includes('--quick');
// Rounds per measure: memory figures are deterministic (one round), wake-ups
// are the costliest (16 configurations); --rounds=N sets the paired ones.
const R = opt('rounds');
const ROUNDS = {
  cycle: Number(R ?? (quick ? 2 : 5)), memory: 1, wakeups: Number(R ?? (quick ? 2 : 3)),
  polling: quick ? 1 : 2, offload: Number(R ?? (quick ? 2 : 5)),
};
const ONLY = opt('only', 'cycle,memory,wakeups,polling,offload').split(',');
const WAKE_SECONDS = quick ? 0.5 : 1;
const NS = [1, 100, 1000, 10000];
const tokensFor = (n) => Math.max(1, Math.ceil(n / 8));
const started = Date.now();
const skipped = [];                  // messages for the report
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

// ---------------------------------------------------------------- machine ---
const version = (cmd, a) => {
  try {
    return execFileSync(cmd, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'not found';
  }
};
const machine = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}`,
  memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
  os: `${os.type()} ${os.release()} (${os.arch()})`,
  node: process.version,
  python: version('python3', ['--version']),
  openssl: version('openssl', ['version']),
  loadStart: os.loadavg()[0].toFixed(2),
};

// ------------------------------------------------------------ contenders ---
function compileC() {
  mkdirSync(buildDir, { recursive: true });
  const cc = process.env.CC ?? 'cc';
  for (const name of ['job_cycle', 'memory', 'epoll_wakeups']) {
    const r = spawnSync(cc, ['-O2', '-Wall', '-o', join(buildDir, name), join(here, 'c', `${name}.c`), '-lcrypto'], { encoding: 'utf8' });
    if (r.status !== 0) {
      const why = /openssl\/\w+\.h/.test(r.stderr ?? '')
        ? 'OpenSSL headers not found (install libssl-dev)'
        : `${cc} failed: ${(r.error?.message ?? r.stderr ?? '').split('\n')[0]}`;
      return `C contenders skipped: ${why}`;
    }
  }
  return null;
}

const cSkip = compileC();
const distSkip = existsSync(join(root, 'dist/src/index.js')) && existsSync(join(root, 'dist/src/openssl.js'))
  ? null
  : 'asyncjob contenders skipped: dist/src/index.js not built (run `npm install` or `npm run build`)';
const pySkip = version('python3', ['-c', 'import os; os.eventfd; print("ok")']) === 'ok'
  ? null
  : 'asyncio contender skipped: needs python3 >= 3.10 on Linux (os.eventfd)';
for (const s of [cSkip, distSkip, pySkip]) if (s) { skipped.push(s); console.log(`! ${s}`); }

const node = process.execPath;
const cBin = (name) => join(buildDir, name);

/** Runs one contender process; returns its JSON result or null (error recorded). */
function runChild(c, errors) {
  const r = spawnSync(c.cmd, c.args, { cwd: here, encoding: 'utf8', timeout: c.timeout ?? 120000, maxBuffer: 1 << 24 });
  const line = (r.stdout ?? '').trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (r.status === 0 && line) return JSON.parse(line);
  const lines = (r.stderr || r.stdout || '').split('\n').map((l) => l.trim()).filter(Boolean);
  const at = lines.findIndex((l) => /^\w*Error\b|Error:|Assertion|Abort/.test(l));
  const why = r.error?.message ?? (at >= 0 ? lines.slice(at, at + 2) : lines.slice(-3)).join(' / ');
  errors.push(`${c.label} (${c.args.join(' ')}): ${why.slice(0, 300) || `exit ${r.status ?? r.signal}`}`);
  return null;
}

/** Runs the available contenders `rounds` times, alternating the order. */
function runRounds(contenders, rounds, errors) {
  const live = contenders.filter((c) => !c.skip);
  const out = Object.fromEntries(contenders.map((c) => [c.id, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...live].reverse() : live;
    for (const c of order) out[c.id][r] = runChild(c, errors);
  }
  return out;
}

const field = (results, key) => results.map((x) => (x ? x[key] : NaN));
const results = { errors: [] };

// ------------------------------------------------- 1-2: job cycle, pairs ---
if (ONLY.includes('cycle')) {
  console.log(`\n# 1-2. job cycle and extra pause/resume pair (${ROUNDS.cycle} rounds) [${elapsed()}]`);
  const contenders = [
    { id: 'gen', label: 'asyncjob, generator body', cmd: node, args: ['js/job_cycle.mjs', 'generator', quick ? 300000 : 1000000, quick ? 3000 : 10000], skip: distSkip },
    { id: 'async', label: 'asyncjob, async body', cmd: node, args: ['js/job_cycle.mjs', 'async', quick ? 60000 : 200000, quick ? 600 : 2000], skip: distSkip },
    { id: 'c', label: 'OpenSSL ASYNC_start_job (C)', cmd: cBin('job_cycle'), args: [quick ? 300000 : 1000000, quick ? 6000 : 20000], skip: cSkip },
  ];
  const raw = runRounds(contenders, ROUNDS.cycle, results.errors);
  results.cycle = contenders.map((c) => ({
    ...c, cycle: summary(field(raw[c.id], 'cycle_ns')), pair: summary(field(raw[c.id], 'pair_ns')),
    cycleVsC: summary(pairedRatios(field(raw[c.id], 'cycle_ns'), field(raw.c, 'cycle_ns'))),
    pairVsC: summary(pairedRatios(field(raw[c.id], 'pair_ns'), field(raw.c, 'pair_ns'))),
  }));
  console.log(textTable(['contender', 'cycle ns', 'extra pair ns', 'cycle / C', 'pair / C'],
    results.cycle.map((r) => (r.skip ? [r.label, 'skipped', '', '', ''] : [r.label, fmtSummary(r.cycle), fmtSummary(r.pair), fmtRatioSummary(r.cycleVsC), fmtRatioSummary(r.pairVsC)]))));
}

// ---------------------------------------------------------- 3: memory ---
if (ONLY.includes('memory')) {
  const jsJobs = quick ? 200000 : 1000000;
  // "As many as fit": half the free memory at 34 KiB allocated per job, capped
  // to keep the run short (the per-job figure does not depend on the count).
  const cJobs = Math.max(1000, Math.min(quick ? 50000 : 100000, Math.floor((os.freemem() * 0.5) / 34816)));
  console.log(`\n# 3. memory per paused job (${ROUNDS.memory} round) [${elapsed()}]`);
  const jsArgs = ['--expose-gc', '--max-old-space-size=16384', 'js/memory.mjs', jsJobs];
  const contenders = [
    { id: 'signal', label: 'asyncjob: job + WaitContext + WaitSignal', cmd: node, args: [...jsArgs, 'signal'], skip: distSkip, timeout: 240000 },
    { id: 'fd', label: 'asyncjob: job + WaitContext + one fd', cmd: node, args: [...jsArgs, 'fd'], skip: distSkip, timeout: 240000 },
    { id: 'c', label: 'OpenSSL: ASYNC_JOB + ASYNC_WAIT_CTX + one fd (C)', cmd: cBin('memory'), args: [cJobs], skip: cSkip },
  ];
  const raw = runRounds(contenders, ROUNDS.memory, results.errors);
  results.memory = contenders.map((c) => ({
    ...c, jobs: raw[c.id].find(Boolean)?.jobs, rss: summary(field(raw[c.id], 'rss_per_job')),
    heap: summary(field(raw[c.id], c.id === 'c' ? 'alloc_per_job' : 'heap_per_job')),
  }));
  console.log(textTable(['contender', 'jobs', 'RSS bytes/job', 'heap (JS) / malloc (C) bytes/job'],
    results.memory.map((r) => (r.skip ? [r.label, 'skipped', '', ''] : [r.label, fmtInt(r.jobs ?? NaN), fmtSummary(r.rss, 0, fmtInt), fmtSummary(r.heap, 0, fmtInt)]))));
}

// --------------------------------------------------------- 4: wake-ups ---
if (ONLY.includes('wakeups')) {
  console.log(`\n# 4. wake-ups per second, ${WAKE_SECONDS} s per run, tokens = ceil(N/8) (${ROUNDS.wakeups} rounds) [${elapsed()}]`);
  results.wakeups = [];
  for (const n of NS) {
    const t = tokensFor(n);
    const a = [n, t, WAKE_SECONDS];
    const contenders = [
      { id: 'asyncjob', label: 'asyncjob JobLoop', cmd: node, args: ['js/asyncjob_wakeups.mjs', ...a], skip: distSkip },
      { id: 'c', label: 'C epoll + OpenSSL jobs', cmd: cBin('epoll_wakeups'), args: a, skip: cSkip },
      { id: 'asyncio', label: 'Python asyncio', cmd: 'python3', args: ['python/asyncio_wakeups.py', ...a], skip: pySkip },
      { id: 'net', label: 'Node net.Socket', cmd: node, args: ['js/net_wakeups.mjs', ...a] },
    ];
    const raw = runRounds(contenders, ROUNDS.wakeups, results.errors);
    const rate = (id) => field(raw[id], 'wakeups_per_s');
    const row = { n, tokens: t, contenders };
    for (const c of contenders) row[c.id] = summary(rate(c.id));
    row.vsC = summary(pairedRatios(rate('asyncjob'), rate('c')));
    row.vsAsyncio = summary(pairedRatios(rate('asyncjob'), rate('asyncio')));
    row.vsNet = summary(pairedRatios(rate('asyncjob'), rate('net')));
    results.wakeups.push(row);
    console.log(`N = ${n} (${t} tokens) [${elapsed()}]`);
    console.log(textTable(['contender', 'wake-ups/s'], contenders.map((c) => [c.label, c.skip ? 'skipped' : fmtSummary(row[c.id], 0)])));
    console.log(`asyncjob / C ${fmtRatioSummary(row.vsC)}, / asyncio ${fmtRatioSummary(row.vsAsyncio)}, / net.Socket ${fmtRatioSummary(row.vsNet)}`);
  }
}

// ---------------------------------------------------- 5: fallback polling ---
if (ONLY.includes('polling')) {
  console.log(`\n# 5. fallback polling, 1,000 idle jobs (${ROUNDS.polling} rounds) [${elapsed()}]`);
  const c = { id: 'poll', label: 'asyncjob JobLoop, 1,000 polling jobs', cmd: node, args: ['js/polling.mjs', 1000, 1.5, quick ? 2 : 3], skip: distSkip };
  const raw = runRounds([c], ROUNDS.polling, results.errors);
  results.polling = {
    skip: c.skip,
    cpu: summary(field(raw.poll, 'cpu_percent')),
    resumes: summary(field(raw.poll, 'resumes_per_s')),
    latMedian: summary(field(raw.poll, 'latency_ms_median')),
    latMax: summary(field(raw.poll, 'latency_ms_max')),
  };
  const p = results.polling;
  console.log(c.skip ? 'skipped' : `CPU ${fmtSummary(p.cpu, 2)} % of a core, ${fmtSummary(p.resumes, 0)} idle resumes/s, wake-up latency median ${fmtSummary(p.latMedian)} ms, max ${fmtSummary(p.latMax)} ms`);
}

// ----------------------------------------------------- 6: offload server ---
if (ONLY.includes('offload')) {
  console.log(`\n# 6. offload server [${elapsed()}]`);
  const offloadSkip = !existsSync(join(root, 'examples/offload-server.ts'))
    ? 'offload server skipped: examples/offload-server.ts does not exist'
    : !existsSync(join(root, 'dist/examples/offload-server.js'))
      ? 'offload server skipped: dist/examples/offload-server.js not built (run `npm run build`)'
      : null;
  if (offloadSkip) { skipped.push(offloadSkip); console.log(`! ${offloadSkip}`); }
  const contenders = [
    { id: 'server', label: 'offload server, /offload (asyncjob jobs + worker engine)', cmd: node, args: ['js/offload.mjs', 'server', quick ? 1 : 1.5, 32], skip: offloadSkip },
    { id: 'crypto', label: 'same server, /baseline (crypto.pbkdf2 callback)', cmd: node, args: ['js/offload.mjs', 'crypto', quick ? 1 : 1.5, 32], skip: offloadSkip },
  ];
  const raw = offloadSkip ? { server: [], crypto: [] } : runRounds(contenders, ROUNDS.offload, results.errors);
  results.offload = {
    skip: offloadSkip, contenders,
    server: summary(field(raw.server, 'requests_per_s')),
    crypto: summary(field(raw.crypto, 'requests_per_s')),
    ratio: summary(pairedRatios(field(raw.server, 'requests_per_s'), field(raw.crypto, 'requests_per_s'))),
  };
  if (!offloadSkip) console.log(`requests/s: server ${fmtSummary(results.offload.server, 0)}, crypto ${fmtSummary(results.offload.crypto, 0)}, ratio ${fmtRatioSummary(results.offload.ratio)}`);
}

// ------------------------------------------------------------- reports ---
machine.loadEnd = os.loadavg()[0].toFixed(2);
for (const e of results.errors) console.log(`! ${e}`);
const { goals, markdown } = buildResults({ machine, results, skipped, ROUNDS, WAKE_SECONDS, quick, started });
console.log(`\n# goals [${elapsed()}]`);
console.log(textTable(['measure', 'goal', 'this machine', 'met?'], goals));
writeFileSync(join(here, 'results.md'), markdown);
if (results.wakeups) {
  const colors = { asyncjob: '#d62728', c: '#1f77b4', asyncio: '#2ca02c', net: '#ff7f0e' };
  const series = results.wakeups[0].contenders.map((c) => ({
    label: c.label, color: colors[c.id],
    points: results.wakeups.map((row) => ({ n: row.n, value: row[c.id].median, min: row[c.id].min, max: row[c.id].max })),
  }));
  writeFileSync(join(here, 'wakeups.svg'), wakeupsSvg(series, `Wake-ups per second against N (${machine.cpu}, Node ${machine.node})`));
}
console.log(`\nwrote benchmark/results.md${results.wakeups ? ' and benchmark/wakeups.svg' : ''} in ${elapsed()}`);
