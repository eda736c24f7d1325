/**
 * src/current-job.ts: getCurrentJob answers only to code running on the job's behalf while the
 * job is running — across an async body's awaits — and null everywhere else.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep, setImmediate as immediate } from 'node:timers/promises';
import {
  JobStatus,
  clearErrors,
  getCurrentJob,
  getError,
  pauseJob,
  startJob,
  type Job,
  type Ref,
} from '../src/index.js';

const ref = <V>(value: V): Ref<V> => ({ value });
const here = fileURLToPath(import.meta.url);

t.afterEach(() => clearErrors());

t.test('getCurrentJob - null outside any job', (t) => {
  t.equal(getCurrentJob(), null);
  t.end();
});

t.test('async body - sees its job across awaits of promises, timers and real I/O', async (t) => {
  const seen: [string, Job | null][] = [];
  const j = ref<Job | null>(null);
  const ret = ref<unknown>(null);
  let self: Job | null = null;
  const p = startJob(j, null, ret, async () => {
    self = getCurrentJob();
    seen.push(['start', getCurrentJob()]);
    await Promise.resolve();
    seen.push(['resolved promise', getCurrentJob()]);
    await sleep(2);
    seen.push(['timer', getCurrentJob()]);
    await immediate();
    seen.push(['setImmediate', getCurrentJob()]);
    const text = await readFile(here, 'utf8');
    seen.push(['readFile', getCurrentJob()]);
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
    seen.push(['callback timer', getCurrentJob()]);
    return text.length;
  });
  t.equal(getCurrentJob(), null, 'the caller, right after the start, sees null');
  t.type(p, Promise);
  t.equal(await p, JobStatus.FINISH);
  t.ok((ret.value as number) > 0, 'the file was read');
  t.ok(self !== null, 'the body saw a job');
  for (const [where, job] of seen) t.equal(job, self, `same job after ${where}`);
  t.equal(seen.length, 6);
});

t.test('async body - sees its job after a pause and resume, and across awaits after it', async (t) => {
  const j = ref<Job | null>(null);
  const seen: (Job | null)[] = [];
  t.equal(
    await startJob(j, null, null, async () => {
      seen.push(getCurrentJob());
      await pauseJob();
      seen.push(getCurrentJob());
      await readFile(here);
      seen.push(getCurrentJob());
    }),
    JobStatus.PAUSE,
  );
  const job = j.value;
  t.ok(job !== null);
  t.equal(getCurrentJob(), null, 'null in the caller while the job is paused');
  t.equal(await startJob(j, null, null, null), JobStatus.FINISH);
  t.same(seen.length, 3);
  for (const s of seen) t.equal(s, job);
});

t.test("a body that returns a thenable chain - the chain's callbacks see the job", async (t) => {
  const j = ref<Job | null>(null);
  const ret = ref<unknown>(null);
  let self: Job | null = null;
  t.equal(
    await startJob(j, null, ret, () => {
      self = getCurrentJob();
      return readFile(here).then(() => getCurrentJob());
    }),
    JobStatus.FINISH,
  );
  t.ok(self !== null);
  t.equal(ret.value, self);
});

t.test('callbacks scheduled by the job that fire while it is paused see null', async (t) => {
  const j = ref<Job | null>(null);
  const seen = new Map<string, Job | null | 'unset'>([
    ['setImmediate', 'unset'],
    ['setTimeout', 'unset'],
    ['readFile().then', 'unset'],
  ]);
  let fired = 0;
  const allFired = new Promise<void>((resolve) => {
    const mark = (k: string) => {
      seen.set(k, getCurrentJob());
      if (++fired === 3) resolve();
    };
    const body = async () => {
      setImmediate(() => mark('setImmediate'));
      setTimeout(() => mark('setTimeout'), 1);
      void readFile(here).then(() => mark('readFile().then'));
      await pauseJob();
      return 'ok';
    };
    void startJob(j, null, null, body);
  });
  await allFired;
  t.ok(j.value?.paused, 'the job is still paused');
  for (const [k, v] of seen) t.equal(v, null, k);
  const ret = ref<unknown>(null);
  t.equal(await startJob(j, null, ret, null), JobStatus.FINISH);
  t.equal(ret.value, 'ok');
});

t.test('callbacks scheduled by a generator job that fire while it is paused see null', async (t) => {
  const j = ref<Job | null>(null);
  let inside: Job | null = null;
  let later: Job | null | 'unset' = 'unset';
  const fired = new Promise<void>((resolve) => {
    t.equal(
      startJob(j, null, null, function* () {
        inside = getCurrentJob();
        setImmediate(() => {
          later = getCurrentJob();
          resolve();
        });
        yield* pauseJob();
      }),
      JobStatus.PAUSE,
    );
  });
  await fired;
  t.equal(inside, j.value);
  t.equal(later, null);
  t.equal(startJob(j, null, null, null), JobStatus.FINISH);
});

t.test('callbacks scheduled by an async job that fire after it finished see null', async (t) => {
  const j = ref<Job | null>(null);
  let later: Job | null | 'unset' = 'unset';
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  t.equal(
    await startJob(j, null, null, async () => {
      setTimeout(() => {
        later = getCurrentJob();
        fire();
      }, 5);
    }),
    JobStatus.FINISH,
  );
  await fired;
  t.equal(later, null);
});

t.test("another job sees itself, never the paused one; a paused job's callback may start a job", async (t) => {
  const a = ref<Job | null>(null);
  let aSelf: Job | null = null;
  let startedFromCallback: number | Promise<number> | null = null;
  let bSelf: Job | null | 'unset' = 'unset';
  const b = ref<Job | null>(null);
  let done!: () => void;
  const callbackRan = new Promise<void>((resolve) => (done = resolve));
  t.equal(
    await startJob(a, null, null, async () => {
      aSelf = getCurrentJob();
      setImmediate(() => {
        // runs in A's async context while A is paused: A is not current, so a start is allowed
        startedFromCallback = startJob(b, null, null, function* () {
          bSelf = getCurrentJob();
          yield* pauseJob();
        });
        done();
      });
      await pauseJob();
    }),
    JobStatus.PAUSE,
  );
  await callbackRan;
  t.equal(startedFromCallback, JobStatus.PAUSE, 'not refused as a nested start');
  t.equal(getError(), null);
  t.ok(bSelf !== null && bSelf !== 'unset');
  t.not(bSelf, aSelf, 'B sees itself, not A');
  t.equal(bSelf, b.value);
  t.equal(startJob(b, null, null, null), JobStatus.FINISH);
  t.equal(await startJob(a, null, null, null), JobStatus.FINISH);
});

t.test('two async jobs interleaved - each sees itself after every await', async (t) => {
  const order: string[] = [];
  const mismatches: string[] = [];
  const refs = { A: ref<Job | null>(null), B: ref<Job | null>(null) };
  const body = (name: 'A' | 'B', delays: number[]) => async () => {
    const self = getCurrentJob();
    if (self === null) mismatches.push(`${name}: null at start`);
    for (const [i, d] of delays.entries()) {
      await sleep(d);
      order.push(`${name}${i}`);
      if (getCurrentJob() !== self) mismatches.push(`${name}${i}`);
      await readFile(here);
      if (getCurrentJob() !== self) mismatches.push(`${name}${i} after readFile`);
    }
    return self;
  };
  const retA = ref<unknown>(null);
  const retB = ref<unknown>(null);
  const pa = startJob(refs.A, null, retA, body('A', [1, 20, 1]));
  const pb = startJob(refs.B, null, retB, body('B', [10, 1, 30]));
  t.same(await Promise.all([pa, pb]), [JobStatus.FINISH, JobStatus.FINISH]);
  t.same(mismatches, []);
  t.ok(retA.value !== null && retB.value !== null && retA.value !== retB.value, 'two distinct jobs');
  t.equal(order.length, 6);
  t.not(order.join(), 'A0,A1,A2,B0,B1,B2', 'the segments really interleaved');
});

t.test('two async jobs paused and resumed alternately - each sees itself', async (t) => {
  const a = ref<Job | null>(null);
  const b = ref<Job | null>(null);
  const log: string[] = [];
  const body = (name: string) => async () => {
    const self = getCurrentJob();
    for (let i = 0; i < 3; i++) {
      await pauseJob();
      log.push(`${name}${i}:${getCurrentJob() === self && self !== null}`);
    }
  };
  t.equal(await startJob(a, null, null, body('A')), JobStatus.PAUSE);
  t.equal(await startJob(b, null, null, body('B')), JobStatus.PAUSE);
  for (let i = 0; i < 2; i++) {
    t.equal(await startJob(b, null, null, null), JobStatus.PAUSE);
    t.equal(await startJob(a, null, null, null), JobStatus.PAUSE);
  }
  t.equal(await startJob(a, null, null, null), JobStatus.FINISH);
  t.equal(await startJob(b, null, null, null), JobStatus.FINISH);
  t.same(log, ['B0:true', 'A0:true', 'B1:true', 'A1:true', 'A2:true', 'B2:true']);
});

t.test('generator body - sees its job before and after pauses and inside yield* helpers', (t) => {
  const j = ref<Job | null>(null);
  const seen: (Job | null)[] = [];
  function* helper(): Generator<unknown, void, unknown> {
    seen.push(getCurrentJob());
    yield* pauseJob();
    seen.push(getCurrentJob());
  }
  t.equal(
    startJob(j, null, null, function* () {
      seen.push(getCurrentJob());
      yield* helper();
      seen.push(getCurrentJob());
    }),
    JobStatus.PAUSE,
  );
  const job = j.value;
  t.equal(getCurrentJob(), null, 'null in the caller between segments');
  t.equal(startJob(j, null, null, null), JobStatus.FINISH);
  t.equal(seen.length, 4);
  for (const s of seen) t.equal(s, job);
  t.end();
});

t.test('generator jobs - a second generator job sees itself while the first is paused', (t) => {
  const a = ref<Job | null>(null);
  const b = ref<Job | null>(null);
  const seen: Record<string, (Job | null)[]> = { A: [], B: [] };
  const body = (name: string) =>
    function* () {
      seen[name]!.push(getCurrentJob());
      yield* pauseJob();
      seen[name]!.push(getCurrentJob());
    };
  t.equal(startJob(a, null, null, body('A')), JobStatus.PAUSE);
  t.equal(startJob(b, null, null, body('B')), JobStatus.PAUSE);
  t.equal(startJob(a, null, null, null), JobStatus.FINISH);
  t.equal(startJob(b, null, null, null), JobStatus.FINISH);
  t.ok(seen.A![0] !== null && seen.B![0] !== null);
  t.not(seen.A![0], seen.B![0]);
  t.same(seen.A, [seen.A![0], seen.A![0]]);
  t.same(seen.B, [seen.B![0], seen.B![0]]);
  t.end();
});

t.test('plain body - sees its job during its one call', (t) => {
  const j = ref<Job | null>(null);
  const ret = ref<unknown>(null);
  t.equal(
    startJob(j, null, ret, () => getCurrentJob()),
    JobStatus.FINISH,
  );
  t.ok(ret.value !== null);
  t.end();
});
