/**
 * ASYNC_init_thread argument validation and the error queue — oracle scenario
 * pool_init_errors.
 *
 * Deviation from the 3.0.19 trace, as the spec recommends (2.2) and the contract's
 * `ASYNC_R_INVALID_POOL_SIZE` documents: sizes above 2^31-1 are rejected, so the oracle's
 * `init_thread(INT_MAX+1,0) -> 1` and `init_thread(SIZE_MAX,0) -> 1` become
 * `init_thread(2^31-1,0) -> 1` here, and 2^31 is tested as a rejection below.
 * error_strings (library numbers, reason texts) has no TS equivalent: errors carry `.code`.
 */
import t from 'tap';
import * as O from '../../src/openssl.js';
import { Trace, reset } from './helpers.js';

t.beforeEach(reset);
t.afterEach(reset);

t.test('[oracle pool_init_errors] ASYNC_init_thread argument validation', async (t) => {
  const o = new Trace(t, 'generator');
  const { emit } = o;
  let r = O.ASYNC_init_thread(1, 2);
  emit(`init_thread(1,2) -> ${r}`);
  o.errq();
  r = O.ASYNC_init_thread(0, 1);
  emit(`init_thread(0,1) -> ${r} (max 0 means unlimited, but init>max is still rejected)`);
  o.errq();
  r = O.ASYNC_init_thread(2 ** 31 - 1, 0);
  emit(`init_thread(INT_MAX,0) -> ${r}`);
  o.errq();
  r = O.ASYNC_init_thread(0, 0);
  emit(`init_thread(0,0) -> ${r}`);
  o.errq();
  r = O.ASYNC_init_thread(5, 5);
  emit(`init_thread(5,5) -> ${r}`);
  o.errq();
  O.ASYNC_cleanup_thread();
  emit('cleanup_thread done');
  o.errq('end: ');
  o.check(`
init_thread(1,2) -> 0
errq ASYNC_R_INVALID_POOL_SIZE
init_thread(0,1) -> 0 (max 0 means unlimited, but init>max is still rejected)
errq ASYNC_R_INVALID_POOL_SIZE
init_thread(INT_MAX,0) -> 1
errq empty
init_thread(0,0) -> 1
errq empty
init_thread(5,5) -> 1
errq empty
cleanup_thread done
end: errq empty
`);
});

t.test('ASYNC_init_thread rejects sizes above 2^31-1 and negative sizes with ASYNC_R_INVALID_POOL_SIZE', async (t) => {
  for (const [max, init] of [
    [2 ** 31, 0],
    [-1, 0],
    [2 ** 53, 0],
  ] as const) {
    t.equal(O.ASYNC_init_thread(max, init), 0, `init_thread(${max},${init}) -> 0`);
    const e = O.ERR_get_error();
    t.equal(e?.code, 'ASYNC_R_INVALID_POOL_SIZE', `init_thread(${max},${init}) queues ASYNC_R_INVALID_POOL_SIZE`);
    t.equal(O.ERR_get_error(), null, 'exactly one error queued');
  }
});

t.test('ASYNC_init_thread failure leaves the current pool in place', async (t) => {
  t.equal(O.ASYNC_init_thread(1, 0), 1);
  t.equal(O.ASYNC_init_thread(1, 2), 0);
  O.ERR_clear_error();
  const job = { value: null as any };
  const ret = { value: -1 };
  const body = function* () {
    yield* O.ASYNC_pause_job();
    return 1;
  };
  t.equal(O.ASYNC_start_job(job, null, ret, body), O.ASYNC_PAUSE);
  t.equal(O.ASYNC_start_job({ value: null }, null, ret, body), O.ASYNC_NO_JOBS, 'max 1 still applies');
  t.equal(O.ASYNC_start_job(job, null, ret, body), O.ASYNC_FINISH);
});

t.test('ERR_get_error / ERR_peek_error / ERR_clear_error: oldest first, peek does not remove', async (t) => {
  t.equal(O.ERR_get_error(), null, 'empty queue gives null');
  t.equal(O.ERR_peek_error(), null);
  O.ASYNC_init_thread(1, 2); // ASYNC_R_INVALID_POOL_SIZE
  const job = { value: null as any };
  const ret = { value: -1 };
  const boom = new Error('boom');
  t.equal(
    O.ASYNC_start_job(job, null, ret, function* () {
      throw boom;
    }),
    O.ASYNC_ERR,
  ); // ASYNC_R_JOB_FAILED
  t.equal(
    O.ASYNC_start_job(
      { value: null },
      null,
      ret,
      function* () {
        return 1;
      },
      { f() {} },
    ),
    O.ASYNC_ERR,
  ); // ERR_R_PASSED_INVALID_ARGUMENT
  const p1 = O.ERR_peek_error();
  const p2 = O.ERR_peek_error();
  t.equal(p1?.code, 'ASYNC_R_INVALID_POOL_SIZE', 'peek gives the oldest');
  t.equal(p2, p1, 'peek does not remove');
  const e1 = O.ERR_get_error();
  const e2 = O.ERR_get_error();
  const e3 = O.ERR_get_error();
  t.same(
    [e1?.code, e2?.code, e3?.code],
    ['ASYNC_R_INVALID_POOL_SIZE', 'ASYNC_R_JOB_FAILED', 'ERR_R_PASSED_INVALID_ARGUMENT'],
    'get gives oldest first',
  );
  t.equal(e1, p1, 'get returns the peeked error object');
  for (const e of [e1, e2, e3]) {
    t.ok(e instanceof Error, 'queued errors are Errors');
    t.type(e?.code, 'string');
  }
  t.equal(e2?.cause, boom, 'ASYNC_R_JOB_FAILED carries the thrown value as cause');
  t.equal(O.ERR_get_error(), null, 'queue empty after draining');
  O.ASYNC_init_thread(1, 2);
  O.ASYNC_init_thread(1, 2);
  t.not(O.ERR_peek_error(), null);
  O.ERR_clear_error();
  t.equal(O.ERR_peek_error(), null, 'ERR_clear_error empties the queue');
  t.equal(O.ERR_get_error(), null);
});

t.test('ASYNC_start_job statuses PAUSE, FINISH and NO_JOBS queue no errors', async (t) => {
  O.ASYNC_init_thread(1, 0);
  const job = { value: null as any };
  const ret = { value: -1 };
  const body = function* () {
    yield* O.ASYNC_pause_job();
    return 1;
  };
  t.equal(O.ASYNC_start_job(job, null, ret, body), O.ASYNC_PAUSE);
  t.equal(O.ASYNC_start_job({ value: null }, null, ret, body), O.ASYNC_NO_JOBS);
  t.equal(O.ASYNC_start_job(job, null, ret, body), O.ASYNC_FINISH);
  t.equal(O.ERR_peek_error(), null);
});
