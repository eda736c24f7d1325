/**
 * src/error-queue.ts: the per-thread error queue, read oldest first.
 */
import t from 'tap';
import { AsyncError, WaitContext, clearErrors, getError, initPool, peekError } from '../src/index.js';
import { pushError } from '../src/error-queue.js';

t.beforeEach(() => clearErrors());
t.teardown(() => clearErrors());

t.test('getError / peekError - null on an empty queue', (t) => {
  t.equal(getError(), null);
  t.equal(peekError(), null);
  t.end();
});

t.test('getError - removes oldest first; peekError returns the oldest without removing it', (t) => {
  const a = new AsyncError('ERR_R_INTERNAL_ERROR', 'a');
  const b = new AsyncError('ASYNC_R_JOB_FAILED', 'b');
  const c = new AsyncError('ERR_LOOP_CLOSED', 'c');
  pushError(a);
  pushError(b);
  pushError(c);
  t.equal(peekError(), a);
  t.equal(peekError(), a, 'peek twice: still the oldest');
  t.equal(getError(), a);
  t.equal(peekError(), b);
  t.equal(getError(), b);
  t.equal(getError(), c);
  t.equal(getError(), null);
  t.equal(peekError(), null);
  t.end();
});

t.test('clearErrors - empties the queue; later errors are queued again', (t) => {
  pushError(new AsyncError('ERR_R_INTERNAL_ERROR', 'a'));
  pushError(new AsyncError('ERR_R_INTERNAL_ERROR', 'b'));
  clearErrors();
  t.equal(peekError(), null);
  t.equal(getError(), null);
  const d = new AsyncError('ERR_LOOP_CLOSED', 'd');
  pushError(d);
  t.equal(getError(), d);
  t.end();
});

t.test('queue - errors from the public API arrive in the order they happened', (t) => {
  t.equal(initPool(1, 2), 0, 'init > max is refused');
  const ctx = new WaitContext();
  ctx.free();
  t.equal(ctx.setStatus(2), 0, 'a freed context refuses changes');
  t.equal(initPool(-1, 0), 0, 'a negative size is refused');
  t.same(
    [getError()?.code, getError()?.code, getError()?.code, getError()],
    ['ASYNC_R_INVALID_POOL_SIZE', 'ERR_R_PASSED_INVALID_ARGUMENT', 'ASYNC_R_INVALID_POOL_SIZE', null],
  );
  t.end();
});

t.test('queue - a thrown argument error queues nothing', (t) => {
  t.throws(() => initPool(1.5, 0), { code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => initPool('1' as unknown as number, 0), { code: 'ERR_INVALID_ARG_TYPE' });
  t.equal(peekError(), null);
  t.end();
});
