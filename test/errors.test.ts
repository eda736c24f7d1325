/**
 * src/errors.ts: the AsyncError class and the one argument-error template (`invalidArgType`,
 * `outOfRange`) with its description of the received value.
 */
import t from 'tap';
import { AsyncError } from '../src/index.js';
import { invalidArgType, outOfRange } from '../src/errors.js';

t.test('AsyncError - is an Error with name AsyncError, a code and an optional cause', (t) => {
  const cause = new Error('lower');
  const e = new AsyncError('ASYNC_R_JOB_FAILED', 'the job body threw', { cause });
  t.ok(e instanceof Error);
  t.ok(e instanceof AsyncError);
  t.equal(e.name, 'AsyncError');
  t.equal(e.code, 'ASYNC_R_JOB_FAILED');
  t.equal(e.cause, cause, 'cause is the same object');
  t.equal(e.message, 'the job body threw');
  t.match(String(e.stack), /^AsyncError/, 'the stack starts with the name');
  t.match(String(e), /^AsyncError: /, 'toString uses the name');
  t.end();
});

t.test('AsyncError - without options has no own cause', (t) => {
  const e = new AsyncError('ERR_LOOP_CLOSED', 'closed');
  t.equal(e.cause, undefined);
  t.notOk(Object.hasOwn(e, 'cause'));
  t.equal(e.code, 'ERR_LOOP_CLOSED');
  t.end();
});

t.test('AsyncError - a non-Error cause (undefined, a string) is kept as given', (t) => {
  const u = new AsyncError('ASYNC_R_JOB_FAILED', 'x', { cause: undefined });
  t.ok(Object.hasOwn(u, 'cause'), 'an explicit undefined cause is recorded');
  t.equal(u.cause, undefined);
  const s = new AsyncError('ASYNC_R_JOB_FAILED', 'x', { cause: 'str' });
  t.equal(s.cause, 'str');
  t.end();
});

t.test('invalidArgType - a TypeError with code ERR_INVALID_ARG_TYPE naming the argument', (t) => {
  const e = invalidArgType('func', 'a function', 42);
  t.ok(e instanceof TypeError);
  t.equal((e as TypeError & { code: string }).code, 'ERR_INVALID_ARG_TYPE');
  t.match(e.message, /^The "func" argument must be a function\. Received type number \(42\)$/);
  t.end();
});

t.test('outOfRange - a RangeError with code ERR_OUT_OF_RANGE naming the argument', (t) => {
  const e = outOfRange('size', 'an integer', 1.5);
  t.ok(e instanceof RangeError);
  t.equal((e as RangeError & { code: string }).code, 'ERR_OUT_OF_RANGE');
  t.match(e.message, /^The "size" argument must be an integer\. Received type number \(1\.5\)$/);
  t.end();
});

t.test('template - describes the received value', (t) => {
  const received = (v: unknown) => /Received (.*)$/s.exec(invalidArgType('x', 'y', v).message)![1];
  const anonymous = [() => 0][0]!; // an arrow in an array literal gets no name
  t.equal(anonymous.name, '', 'fixture: really anonymous');
  t.equal(received(null), 'null');
  t.equal(received(undefined), 'type undefined (undefined)');
  t.equal(
    received(function named() {}),
    'function named',
  );
  t.equal(received(anonymous), 'function <anonymous>');
  t.equal(received(class Foo {}), 'function Foo');
  t.equal(received({}), 'an instance of Object');
  t.equal(received(new Map()), 'an instance of Map');
  t.equal(received([1, 2]), 'an instance of Array');
  t.equal(received(Object.create(null)), 'an instance of Object', 'no constructor: Object');
  t.equal(received('short'), 'type string ("short")');
  t.equal(received('a'.repeat(28)), `type string ("${'a'.repeat(28)}")`, '28 characters: kept whole');
  t.equal(received('b'.repeat(29)), `type string ("${'b'.repeat(25)}...")`, 'longer: cut to 25 and ...');
  t.equal(received('quote"d'), 'type string ("quote\\"d")', 'JSON-quoted');
  t.equal(received(1n), 'type bigint (1)');
  t.equal(received(true), 'type boolean (true)');
  t.equal(received(NaN), 'type number (NaN)');
  t.equal(received(Symbol('s')), 'type symbol (Symbol(s))');
  t.equal(
    /Received (.*)$/.exec(outOfRange('x', 'y', null).message)![1],
    'null',
    'outOfRange uses the same description',
  );
  t.end();
});
