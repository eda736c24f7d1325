// Process and worker lifecycle, in child processes: the process exits when it
// should, stays alive when it should, and workers torn down with live watches
// do not crash it. Fixtures import the compiled dist/ (npx tsc -p tsconfig.build.json).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const fixtures = new URL('../fixtures/native/', import.meta.url);
const compiled = new URL('../../dist/adapters/native.js', import.meta.url);

function run(fixture: string, arg: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(fixture, fixtures)), arg], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000, // a safety net for a hang, not a measurement
  });
  return { status: r.status, signal: r.signal, lines: r.stdout.trim().split('\n'), stderr: r.stderr };
}

if (!fs.existsSync(compiled)) {
  t.fail('dist/adapters/native.js is missing: run `npx tsc -p tsconfig.build.json` first');
} else {
  for (const backend of ['epoll', 'uv_poll']) {
    const env = backend === 'uv_poll' ? { ASYNCJOB_FD_BACKEND: 'uv_poll' } : {};

    t.test(`[${backend}] process exits when nothing is armed`, async (t) => {
      const r = run('lifecycle.mjs', 'idle', env);
      t.same(r.lines, ['reported 1', 'exit armed=0 size=1'], r.stderr);
      t.equal(r.status, 0);
      t.equal(r.signal, null);
    });

    t.test(`[${backend}] a ref'd armed watch keeps the process alive until it fires`, async (t) => {
      const r = run('lifecycle.mjs', 'ref', env);
      t.same(r.lines, ['notifying', 'reported', 'exit'], r.stderr);
      t.equal(r.status, 0);
    });

    t.test(`[${backend}] an unref'd armed watch does not keep the process alive`, async (t) => {
      const r = run('lifecycle.mjs', 'unref', env);
      t.same(r.lines, ['exit armed=1'], r.stderr);
      t.equal(r.status, 0);
      t.equal(r.signal, null);
    });

    t.test(`[${backend}] onReady throwing is an uncaughtException`, async (t) => {
      const r = run('lifecycle.mjs', 'throw', env);
      t.same(r.lines, ['uncaught boom'], r.stderr);
      t.equal(r.status, 0);
    });

    t.test(`[${backend}] microtasks and nextTicks run right after onReady`, async (t) => {
      const r = run('lifecycle.mjs', 'microtasks', env);
      t.same(r.lines, ['batch 1', 'tick', 'microtask'], r.stderr);
      t.equal(r.status, 0);
    });

    t.test(`[${backend}] workers terminated with live watches do not crash the process`, async (t) => {
      const r = run('workers.mjs', 'terminate', env);
      t.same(
        r.lines,
        [
          'worker armed true',
          'terminated 1',
          'worker armed true',
          'terminated 1',
          'worker armed true',
          'terminated 1',
          'main ok',
        ],
        r.stderr,
      );
      t.equal(r.status, 0);
      t.equal(r.signal, null);
    });

    t.test(`[${backend}] two workers use the addon at the same time`, async (t) => {
      const r = run('workers.mjs', 'two', env);
      t.same(r.lines, ['main ok', 'worker done=true size=0 code=0', 'worker done=true size=0 code=0'], r.stderr);
      t.equal(r.status, 0);
    });
  }
}
