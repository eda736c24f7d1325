/**
 * src/loop/ready-queue.ts (internal): wake-ups are queued and served from the top of the stack,
 * never re-entrantly; items queued during a drain are served in a later round; an item that throws
 * does not lose the others.
 */
import t from 'tap';
import { drainReadyQueue, enqueueResume, type Resumable } from '../../src/loop/ready-queue.js';

const immediate = () => new Promise<void>((r) => setImmediate(r));

function item(log: string[], name: string, then?: () => void): Resumable {
  return {
    resumeFromQueue() {
      log.push(name);
      then?.();
    },
  };
}

t.test('enqueueResume - never resumes synchronously; served from a setImmediate', async (t) => {
  const log: string[] = [];
  enqueueResume(item(log, 'a'));
  enqueueResume(item(log, 'b'));
  t.same(log, [], 'not yet');
  await Promise.resolve();
  t.same(log, [], 'not in a microtask either');
  await immediate();
  t.same(log, ['a', 'b'], 'in order queued');
});

t.test('drainReadyQueue - serves the queue synchronously; the scheduled drain then finds nothing', async (t) => {
  const log: string[] = [];
  enqueueResume(item(log, 'a'));
  drainReadyQueue();
  t.same(log, ['a']);
  await immediate();
  t.same(log, ['a'], 'served once');
});

t.test('drainReadyQueue - never re-entrant: a drain requested from a resume returns at once', async (t) => {
  const log: string[] = [];
  enqueueResume(
    item(log, 'a', () => {
      enqueueResume(item(log, 'c'));
      drainReadyQueue(); // nested: must not serve b or c here
      log.push('a-end');
    }),
  );
  enqueueResume(item(log, 'b'));
  drainReadyQueue();
  t.same(log, ['a', 'a-end', 'b', 'c'], 'c, queued during the drain, is served in a later round after the batch');
  await immediate();
  t.same(log, ['a', 'a-end', 'b', 'c']);
});

t.test('items queued during a drain are served in a later round, after the whole current batch', async (t) => {
  const log: string[] = [];
  enqueueResume(item(log, 'a1', () => enqueueResume(item(log, 'a2', () => enqueueResume(item(log, 'a3'))))));
  enqueueResume(item(log, 'b1', () => enqueueResume(item(log, 'b2'))));
  await immediate();
  t.same(log, ['a1', 'b1', 'a2', 'b2', 'a3']);
});

t.test('a resume that keeps re-queueing itself does not starve the event loop', async (t) => {
  let n = 0;
  const self: Resumable = {
    resumeFromQueue() {
      if (++n < 1000) enqueueResume(self);
    },
  };
  let immediateRan = false;
  enqueueResume(self);
  drainReadyQueue();
  const afterSync = n;
  t.ok(afterSync > 1 && afterSync < 1000, `a synchronous drain stops after a bounded number of rounds (${afterSync})`);
  setImmediate(() => (immediateRan = true));
  while (n < 1000) await immediate();
  t.equal(n, 1000, 'all served eventually');
  t.equal(immediateRan, true, 'other immediates ran in between');
});

t.test('an item that throws does not lose the others; its error is rethrown from a microtask', async (t) => {
  const log: string[] = [];
  const boom = new Error('resumable bug');
  const queued: (() => void)[] = [];
  const real = globalThis.queueMicrotask;
  globalThis.queueMicrotask = (fn: () => void) => void queued.push(fn);
  try {
    enqueueResume(item(log, 'a'));
    enqueueResume(
      item(log, 'bad', () => {
        throw boom;
      }),
    );
    enqueueResume(item(log, 'c'));
    drainReadyQueue();
  } finally {
    globalThis.queueMicrotask = real;
  }
  t.same(log, ['a', 'bad', 'c'], 'the rest of the batch was served');
  t.equal(queued.length, 1, 'one microtask for the one error');
  t.throws(() => queued[0]!(), boom, 'the microtask rethrows the same error');
  enqueueResume(item(log, 'd'));
  await immediate();
  t.same(log, ['a', 'bad', 'c', 'd'], 'the queue still works afterwards');
});

t.test('an item that throws - the error surfaces as an uncaught exception, the queue keeps going', async (t) => {
  const log: string[] = [];
  const boom = new Error('surfaced');
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const caught = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
  try {
    enqueueResume(
      item(log, 'bad', () => {
        throw boom;
      }),
    );
    enqueueResume(item(log, 'ok'));
    t.equal(await caught, boom);
  } finally {
    for (const l of listeners) process.on('uncaughtException', l);
  }
  t.same(log, ['bad', 'ok']);
});
