/**
 * Process and worker lifecycle of `JobLoop`, each scenario in a child process running a fixture
 * from `test/fixtures/loop/` (which imports the built package): the process exits when nothing
 * waits, stays alive while a job waits on a ref'd fd watch, does not stay alive for
 * `keepAlive: false`; a worker with live fd watches is terminated cleanly; two workers run loops
 * on separate per-thread pools.
 *
 * Child processes are spawned with a generous `timeout` only as a safety net against a hang
 * (a killed child fails the `signal === null` assertion); nothing asserts on time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';

function runFixture(t: Test, name: string, args: string[] = []): string[] {
  const file = fileURLToPath(new URL(`../fixtures/loop/${name}`, import.meta.url));
  const res = spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', timeout: 60_000 });
  t.equal(res.signal, null, `${name} was not killed: it exited by itself`);
  t.equal(res.status, 0, `${name} exit code 0${res.stderr ? `; stderr: ${res.stderr}` : ''}`);
  return res.stdout.trim().split('\n');
}

t.test('JobLoop: a process whose loop has nothing waiting exits by itself (loop never closed)', async (t) => {
  t.same(runFixture(t, 'nothing-waiting.mjs'), ['fd job -> 1', 'plain job -> ok', 'active 0 paused 0', 'exit 0']);
});

t.test("JobLoop: a job paused on a ref'd fd watch keeps the process alive until the fd fires", async (t) => {
  // 'beforeExit' only comes after the job finished: the watch alone held the process while the
  // job was paused (the writer is an unref'd child process).
  t.same(runFixture(t, 'fd-keeps-alive.mjs'), ['paused 1', 'job done, read 1', 'beforeExit paused 0', 'exit 0']);
});

t.test('JobLoop({ keepAlive: false }): a job paused on an fd does not keep the process alive', async (t) => {
  const out = runFixture(t, 'keepalive-false.mjs');
  t.same(out, ['paused 1 on fd 1', 'exit 0 paused 1'], 'exited with the job still paused');
  t.notOk(
    out.some((l) => l.startsWith('job ')),
    "the job's completion line is not printed",
  );
});

t.test('JobLoop({ holdOpen: true }): a polling job keeps the process alive until it settles, then lets go', async (t) => {
  t.same(runFixture(t, 'hold-open.mjs', ['hold']), ['job done after 4 checks', 'exit 0 active 0']);
});

t.test('JobLoop: without holdOpen, a job that only polls keeps nothing alive', async (t) => {
  t.same(runFixture(t, 'hold-open.mjs'), ['exit 0 active 1'], 'exited with the run unsettled, as documented');
});

t.test(
  'JobLoop in a worker: terminate() with live fd watches (idle, and with readiness in flight) leaves the parent working and no fd open',
  async (t) => {
    t.same(runFixture(t, 'terminate-worker.mjs'), [
      'warm-up: parent job read 1',
      'paused: worker paused 50, watched 50',
      'paused: worker exit code 1',
      'paused: fds back to start true',
      'paused: parent job read 1',
      'notified: worker paused 50, watched 50',
      'notified: worker exit code 1',
      'notified: fds back to start true',
      'notified: parent job read 1',
      'exit 0',
    ]);
  },
);

t.test(
  'JobLoop in two workers: each thread has its own pool (initPool(1, 0)); jobs run sequentially in one and concurrently in the other',
  async (t) => {
    t.same(runFixture(t, 'pool-workers.mjs'), [
      // A takes its pool's only job and keeps it paused...
      'A holding: paused 1, pool max 1 created 1 idle 0',
      // ...while B, with a pool of one of its own, still gets a job: its second run waits for B's
      // one job (not for A's), and both finish.
      'B results 1,1; during: paused 1 waiting 1, pool max 1 created 1 idle 0; order B1 start, B1 end, B2 start, B2 end; pool max 1 created 1 idle 1',
      'B exit 0',
      // A then finishes its first job and runs the second on the same single job.
      'A results 1,1; A2 paused 1; order A1 start, A1 end, A2 start, A2 end; pool max 1 created 1 idle 1',
      'A exit 0',
      'main pool unchanged true',
    ]);
  },
);
