/**
 * src/pause.ts: pauseJob (one shared request, iterable and thenable, decided when consumed),
 * blockPause / unblockPause, and raw `yield` as a pause.
 */
import t, { type Test } from 'tap';
import {
  JobStatus,
  blockPause,
  clearErrors,
  pauseJob,
  startJob,
  unblockPause,
  type Job,
  type Ref,
} from '../src/index.js';

const ref = <V>(value: V): Ref<V> => ({ value });

t.afterEach(() => clearErrors());

/** Drive a generator job to the end; returns how many times it paused. */
function driveSync(t: Test, body: () => Generator<unknown, unknown, unknown>): { pauses: number; ret: unknown } {
  const j = ref<Job | null>(null);
  const ret = ref<unknown>(undefined);
  let pauses = 0;
  let s = startJob(j, null, ret, body);
  t.type(s, 'number', 'a generator body gives its status at once');
  while (s === JobStatus.PAUSE) {
    pauses++;
    s = startJob(j, null, ret, null);
  }
  t.equal(s, JobStatus.FINISH);
  return { pauses, ret: ret.value };
}

/** Drive an async job to the end; returns how many times it paused. */
async function driveAsync(t: Test, body: () => Promise<unknown>): Promise<{ pauses: number; ret: unknown }> {
  const j = ref<Job | null>(null);
  const ret = ref<unknown>(undefined);
  let pauses = 0;
  let s = await startJob(j, null, ret, body);
  while (s === JobStatus.PAUSE) {
    pauses++;
    s = await startJob(j, null, ret, null);
  }
  t.equal(s, JobStatus.FINISH);
  return { pauses, ret: ret.value };
}

t.test('pauseJob - returns the same object every time, iterable (to itself) and thenable', (t) => {
  const p = pauseJob();
  t.equal(pauseJob(), p, 'same object');
  t.type(p[Symbol.iterator], 'function');
  t.equal(p[Symbol.iterator](), p, 'its iterator is itself');
  t.type(p.next, 'function');
  t.type(p.then, 'function');
  t.end();
});

t.test('pauseJob - outside a job, yield* and await both give 1 without pausing', async (t) => {
  function* g(): Generator<unknown, number, unknown> {
    return yield* pauseJob();
  }
  const it = g();
  t.same(it.next(), { done: true, value: 1 }, 'yield* completes at once with 1');
  t.equal(await pauseJob(), 1, 'await gives 1');
  let got: unknown = null;
  pauseJob().then((v) => (got = v));
  t.equal(got, 1, 'then(cb) outside a job calls cb with 1');
});

t.test('pauseJob - in a generator job pauses once and evaluates to 1 on resume', (t) => {
  const got: unknown[] = [];
  const { pauses } = driveSync(t, function* () {
    got.push(yield* pauseJob());
    got.push(yield* pauseJob());
  });
  t.equal(pauses, 2);
  t.same(got, [1, 1]);
  t.end();
});

t.test('pauseJob - in an async job pauses once and evaluates to 1 on resume', async (t) => {
  const got: unknown[] = [];
  const { pauses } = await driveAsync(t, async () => {
    got.push(await pauseJob());
    got.push(await pauseJob());
  });
  t.equal(pauses, 2);
  t.same(got, [1, 1]);
});

t.test('raw yield (not yield*) also pauses; the resumed yield evaluates to 1', (t) => {
  const got: unknown[] = [];
  const { pauses, ret } = driveSync(t, function* () {
    got.push(yield 'anything');
    got.push(yield undefined);
    return 'end';
  });
  t.equal(pauses, 2);
  t.same(got, [1, 1]);
  t.equal(ret, 'end');
  t.end();
});

t.test('blockPause / unblockPause - nest in a generator body; extra unblocks are ignored', (t) => {
  const log: string[] = [];
  const { pauses } = driveSync(t, function* () {
    blockPause();
    blockPause();
    log.push(`a${yield* pauseJob()}`); // blocked (2)
    unblockPause();
    log.push(`b${yield* pauseJob()}`); // blocked (1)
    log.push(`raw${yield 'x'}`); // a raw yield while blocked does not pause either
    unblockPause();
    log.push(`c${yield* pauseJob()}`); // pauses
    unblockPause(); // extra: ignored
    blockPause();
    log.push(`d${yield* pauseJob()}`); // blocked again (1), not (0)
    unblockPause();
    log.push(`e${yield* pauseJob()}`); // pauses
  });
  t.equal(pauses, 2, 'only the unblocked pauses paused');
  t.same(log, ['a1', 'b1', 'raw1', 'c1', 'd1', 'e1']);
  t.end();
});

t.test('blockPause / unblockPause - nest in an async body', async (t) => {
  const log: string[] = [];
  const { pauses } = await driveAsync(t, async () => {
    blockPause();
    blockPause();
    log.push(`a${await pauseJob()}`);
    unblockPause();
    log.push(`b${await pauseJob()}`);
    unblockPause();
    log.push(`c${await pauseJob()}`); // pauses
    unblockPause(); // extra: ignored
    blockPause();
    log.push(`d${await pauseJob()}`);
    unblockPause();
    log.push(`e${await pauseJob()}`); // pauses
  });
  t.equal(pauses, 2);
  t.same(log, ['a1', 'b1', 'c1', 'd1', 'e1']);
});

t.test('blockPause - outside a job does nothing and is not remembered', (t) => {
  blockPause();
  blockPause();
  const { pauses } = driveSync(t, function* () {
    yield* pauseJob();
  });
  t.equal(pauses, 1, 'the job still pauses');
  unblockPause();
  unblockPause();
  unblockPause(); // more unblocks than blocks outside a job: harmless
  t.end();
});

t.test('blockPause - the count ends with the job: a later job pauses', async (t) => {
  driveSync(t, function* () {
    blockPause();
  });
  await driveAsync(t, async () => {
    blockPause();
  });
  t.equal(
    driveSync(t, function* () {
      yield* pauseJob();
    }).pauses,
    1,
  );
  t.equal(
    (
      await driveAsync(t, async () => {
        await pauseJob();
      })
    ).pauses,
    1,
  );
});

t.test('a pause request created before blockPause and consumed after it does not pause (generator)', (t) => {
  const { pauses } = driveSync(t, function* () {
    const req = pauseJob();
    blockPause();
    const v = yield* req;
    unblockPause();
    return v;
  });
  t.equal(pauses, 0);
  t.end();
});

t.test('a pause request created before blockPause and consumed after it does not pause (async)', async (t) => {
  const { pauses, ret } = await driveAsync(t, async () => {
    const req = pauseJob();
    blockPause();
    const v = await req;
    unblockPause();
    return v;
  });
  t.equal(pauses, 0);
  t.equal(ret, 1);
});

t.test('a pause request created while blocked and consumed after unblockPause pauses', async (t) => {
  const g = driveSync(t, function* () {
    blockPause();
    const req = pauseJob();
    unblockPause();
    yield* req;
  });
  t.equal(g.pauses, 1, 'generator');
  const a = await driveAsync(t, async () => {
    blockPause();
    const req = pauseJob();
    unblockPause();
    await req;
  });
  t.equal(a.pauses, 1, 'async');
});

t.test('blockPause in one job does not block another job', (t) => {
  const a = ref<Job | null>(null);
  const b = ref<Job | null>(null);
  t.equal(
    startJob(a, null, null, function* () {
      blockPause();
      yield 'raw'; // blocked: does not pause
      unblockPause();
      yield* pauseJob();
      blockPause();
      yield* pauseJob(); // blocked: does not pause
    }),
    JobStatus.PAUSE,
  );
  t.equal(
    startJob(b, null, null, function* () {
      yield* pauseJob();
    }),
    JobStatus.PAUSE,
  );
  t.equal(startJob(a, null, null, null), JobStatus.FINISH, 'A ran to the end while blocked');
  t.equal(startJob(b, null, null, null), JobStatus.FINISH);
  t.end();
});
