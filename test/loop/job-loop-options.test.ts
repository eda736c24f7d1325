/**
 * src/loop/job-loop-options.ts: documented defaults, undefined means default, and the validation
 * of every option (TypeError / RangeError codes).
 */
import t from 'tap';
import { JobLoop, type JobLoopOptions, type LoopTimers } from '../../src/index.js';
import { resolveOptions } from '../../src/loop/job-loop-options.js';
import { systemTimers } from '../../src/loop/timers.js';

const fakeTimers: LoopTimers = { now: () => 0, setTimeout: () => 1, clearTimeout: () => {} };

t.test(
  'defaults - concurrency ∞, keepAlive true, holdOpen false, polling 1 ms ×2 up to 100 ms, no jitter, system timers',
  async (t) => {
    const expected = {
      concurrency: Infinity,
      keepAlive: true,
      holdOpen: false,
      pollInitialDelay: 1,
      pollFactor: 2,
      pollMaxDelay: 100,
      pollJitter: 0,
      timers: systemTimers,
    };
    t.same(resolveOptions(undefined), expected);
    t.same(resolveOptions({}), expected);
    t.equal(resolveOptions({}).timers, systemTimers);
    const loop = new JobLoop();
    t.same(loop._options, expected, 'a JobLoop without options uses the defaults');
    await loop.close();
  },
);

t.test('undefined values mean the default; given values are kept; the input is not changed', (t) => {
  const input: JobLoopOptions = {
    concurrency: undefined,
    keepAlive: false,
    pollMaxDelay: 50,
    pollInitialDelay: undefined,
    timers: fakeTimers,
  };
  const copy = { ...input };
  const o = resolveOptions(input);
  t.equal(o.concurrency, Infinity);
  t.equal(o.keepAlive, false);
  t.equal(o.pollMaxDelay, 50);
  t.equal(o.pollInitialDelay, 1);
  t.equal(o.timers, fakeTimers);
  t.same(input, copy);
  t.not(o, input);
  t.end();
});

t.test('boundary values are accepted', (t) => {
  t.doesNotThrow(() => resolveOptions({ concurrency: 1 }));
  t.doesNotThrow(() => resolveOptions({ concurrency: Infinity }));
  t.doesNotThrow(() => resolveOptions({ pollInitialDelay: 0, pollMaxDelay: 0 }));
  t.doesNotThrow(() => resolveOptions({ pollFactor: 1 }));
  t.doesNotThrow(() => resolveOptions({ pollInitialDelay: 5, pollMaxDelay: 5 }));
  t.doesNotThrow(() => resolveOptions({ pollJitter: 1 }));
  t.doesNotThrow(
    () => resolveOptions({ pollInitialDelay: 0.5, pollFactor: 1.5, pollMaxDelay: 2.5, pollJitter: 0.25 }),
    'fractions',
  );
  t.end();
});

const typeErrors: [string, unknown][] = [
  ['options: a number', 5],
  ['options: null', null],
  ['options: a string', 'fast'],
  ['concurrency: a string', { concurrency: '2' }],
  ['keepAlive: a string', { keepAlive: 'yes' }],
  ['keepAlive: a number', { keepAlive: 1 }],
  ['holdOpen: a string', { holdOpen: 'yes' }],
  ['pollInitialDelay: a string', { pollInitialDelay: '1' }],
  ['pollFactor: null', { pollFactor: null }],
  ['pollMaxDelay: a bigint', { pollMaxDelay: 10n }],
  ['pollJitter: a boolean', { pollJitter: true }],
  ['timers: null', { timers: null }],
  ['timers: an empty object', { timers: {} }],
  ['timers: without clearTimeout', { timers: { now: () => 0, setTimeout: () => 1 } }],
  ['timers: a function', { timers: () => 0 }],
];
for (const [name, options] of typeErrors) {
  t.test(`validation - ${name} throws TypeError ERR_INVALID_ARG_TYPE`, (t) => {
    t.throws(() => resolveOptions(options as JobLoopOptions), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    t.throws(
      () => new JobLoop(options as JobLoopOptions),
      { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' },
      'the constructor too',
    );
    t.end();
  });
}

const rangeErrors: [string, JobLoopOptions][] = [
  ['concurrency 0', { concurrency: 0 }],
  ['concurrency -1', { concurrency: -1 }],
  ['concurrency 1.5', { concurrency: 1.5 }],
  ['concurrency NaN', { concurrency: NaN }],
  ['pollInitialDelay -1', { pollInitialDelay: -1 }],
  ['pollInitialDelay NaN', { pollInitialDelay: NaN }],
  ['pollFactor 0.5', { pollFactor: 0.5 }],
  ['pollMaxDelay below pollInitialDelay', { pollInitialDelay: 10, pollMaxDelay: 5 }],
  ['pollMaxDelay below the default pollInitialDelay', { pollMaxDelay: 0.5 }],
  ['pollMaxDelay Infinity', { pollMaxDelay: Infinity }],
  ['pollJitter -0.1', { pollJitter: -0.1 }],
  ['pollJitter 1.5', { pollJitter: 1.5 }],
  ['pollJitter NaN', { pollJitter: NaN }],
];
for (const [name, options] of rangeErrors) {
  t.test(`validation - ${name} throws RangeError ERR_OUT_OF_RANGE`, (t) => {
    t.throws(() => resolveOptions(options), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    t.throws(() => new JobLoop(options), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }, 'the constructor too');
    t.end();
  });
}

t.test('systemTimers - a monotonic clock and timers that do not keep the process alive', async (t) => {
  const a = systemTimers.now();
  const b = systemTimers.now();
  t.type(a, 'number');
  t.ok(b >= a);
  let fired = false;
  const h = systemTimers.setTimeout(() => (fired = true), 1) as NodeJS.Timeout;
  t.equal(h.hasRef(), false, "unref'd");
  const cancelled = systemTimers.setTimeout(() => t.fail('cancelled timer fired'), 1);
  systemTimers.clearTimeout(cancelled);
  const keep = setInterval(() => {}, 1000);
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(keep);
  t.equal(fired, true);
});
