/**
 * src/loop/select.ts: select over fds, WaitSignals and Readables — ready handles in input order,
 * nothing read, [] on timeout, abort, unwatchable fds, validation.
 */
import t from 'tap';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import {
  WaitSignal,
  closeFd,
  drainFd,
  eventfd,
  notifyFd,
  pipe,
  select,
  watchedFdCount,
  type WaitFd,
} from '../../src/index.js';

// signal and stream waits do not keep the process alive
const keepAlive = setInterval(() => {}, 1000);
t.teardown(() => clearInterval(keepAlive));

const immediate = () => new Promise<void>((r) => setImmediate(r));
/** Let the fd adapter sweep the native handles of earlier watches. */
const swept = async () => {
  await immediate();
  await immediate();
};

t.test('select - an fd made readable later resolves with it; the data is not read', async (t) => {
  const [r, w] = pipe();
  t.teardown(() => (closeFd(r), closeFd(w)));
  setTimeout(() => {
    notifyFd(w);
    notifyFd(w);
  }, 5);
  t.same(await select([r]), [r]);
  t.same(await select([r]), [r], 'still readable: select does not drain');
  t.equal(drainFd(r), 2, 'both bytes are still there');
  t.same(await select([r], { timeout: 10 }), [], 'drained: [] on timeout');
});

t.test('select - ready fds in input order, not notification order; eventfd counters kept', async (t) => {
  const fds = [eventfd(), eventfd(), eventfd(), eventfd()];
  t.teardown(() => fds.forEach((fd) => closeFd(fd)));
  notifyFd(fds[3]!);
  notifyFd(fds[3]!);
  notifyFd(fds[0]!);
  notifyFd(fds[2]!);
  const got = await select(fds);
  t.same(got, [fds[0], fds[2], fds[3]]);
  t.equal(drainFd(fds[3]!), 2, 'the eventfd counter was not read');
  t.equal(drainFd(fds[1]!), 0);
});

t.test('select - [] on timeout for fds, signals and streams; nothing stays watched', async (t) => {
  const [r, w] = pipe();
  const sig = new WaitSignal();
  const stream = new PassThrough();
  t.teardown(() => (closeFd(r), closeFd(w), stream.destroy()));
  await swept();
  const before = watchedFdCount();
  t.same(await select([r, sig, stream], { timeout: 5 }), []);
  await swept();
  t.equal(watchedFdCount(), before, 'the fd watch is gone');
  t.equal(sig._listener, null, 'the signal listener is gone');
  t.equal(stream.listenerCount('readable'), 0, 'the stream listeners are gone');
  t.same(await select([], { timeout: 1 }), [], 'no handles: [] at the timeout');
});

t.test("select - abort rejects with the signal's reason and unwatches", async (t) => {
  const [r, w] = pipe();
  const sig = new WaitSignal();
  t.teardown(() => (closeFd(r), closeFd(w)));
  await swept();
  const before = watchedFdCount();
  const ac = new AbortController();
  const reason = new Error('stop');
  const p = select([r, sig], { signal: ac.signal });
  setTimeout(() => ac.abort(reason), 5);
  await t.rejects(p, reason);
  let caught: unknown;
  await p.catch((e) => (caught = e));
  t.equal(caught, reason, 'the same object');
  await swept();
  t.equal(watchedFdCount(), before);
  t.equal(sig._listener, null);
  const aborted = AbortSignal.abort();
  await t.rejects(select([r], { signal: aborted }), { name: 'AbortError' }, 'already aborted: its default reason');
  const late = new AbortController();
  const done = select([sig], { signal: late.signal });
  sig.notify();
  t.same(await done, [sig]);
  late.abort(new Error('after'));
  // resolved already: an abort afterwards changes nothing (and leaves no listener)
});

t.test('select - a closed fd rejects with EBADF; a negative fd too; a regular file with EPERM', async (t) => {
  const [r, w] = pipe();
  closeFd(r);
  closeFd(w);
  await t.rejects(select([r]), { code: 'EBADF' });
  await t.rejects(select([-1]), { code: 'EBADF' });
  const file = openSync(fileURLToPath(import.meta.url), 'r');
  t.teardown(() => closeSync(file));
  await t.rejects(select([file]), { code: 'EPERM' });
});

t.test('select - a bad fd among good handles rejects and unwatches the others', async (t) => {
  const [r, w] = pipe();
  t.teardown(() => (closeFd(r), closeFd(w)));
  const sig = new WaitSignal();
  await swept();
  const before = watchedFdCount();
  await t.rejects(select([sig, r, -5]), { code: 'EBADF' });
  await immediate();
  t.equal(sig._listener, null);
  t.equal(watchedFdCount(), before);
});

t.test('select - mixed fd, WaitSignal and stream: resolves with whichever became readable', async (t) => {
  const [r, w] = pipe();
  const sig = new WaitSignal();
  const stream = new PassThrough();
  t.teardown(() => (closeFd(r), closeFd(w), stream.destroy()));
  const handles: WaitFd[] = [r, sig, stream];

  setTimeout(() => stream.write('data'), 2);
  t.same(await select(handles), [stream], 'stream');
  t.equal(String(stream.read()), 'data', 'the stream data was not consumed');

  setTimeout(() => sig.notify(), 2);
  t.same(await select(handles), [sig], 'signal');
  t.equal(sig.readable, true, 'select does not clear the signal');
  sig.clear();

  setTimeout(() => notifyFd(w), 2);
  t.same(await select(handles), [r], 'fd');
  t.equal(drainFd(r), 1);
});

t.test('select - handles already readable at the call are reported at once (signal, stream)', async (t) => {
  const sig = new WaitSignal();
  const stream = new PassThrough();
  t.teardown(() => stream.destroy());
  sig.notify();
  stream.write('x');
  t.same(await select([stream, sig], { timeout: 0 }), [stream, sig]);
  const ended = new PassThrough();
  ended.end();
  ended.resume();
  await new Promise((r) => ended.once('end', r));
  t.same(await select([ended]), [ended], 'an ended stream is readable');
});

t.test(
  'select - every readable handle is reported, fds included, when another handle is readable at once',
  async (t) => {
    const [r, w] = pipe();
    t.teardown(() => (closeFd(r), closeFd(w)));
    const sig = new WaitSignal();
    notifyFd(w);
    sig.notify();
    t.same(await select([r, sig]), [r, sig], 'the readable fd is in the result too');
    drainFd(r);
  },
);

t.test('select - several selects on one fd share one watch and all resolve', async (t) => {
  const fd = eventfd();
  t.teardown(() => closeFd(fd));
  await swept();
  const before = watchedFdCount();
  const ps = [select([fd]), select([fd]), select([fd, fd])];
  t.equal(watchedFdCount(), before + 1, 'one native watch');
  notifyFd(fd);
  t.same(await Promise.all(ps), [[fd], [fd], [fd, fd]]);
  t.equal(drainFd(fd), 1);
});

t.test('select - argument validation rejects (never throws) with codes', async (t) => {
  const bad: [string, () => Promise<unknown>, string][] = [
    ['handles not an array', () => select('x' as never), 'ERR_INVALID_ARG_TYPE'],
    ['handles null', () => select(null as never), 'ERR_INVALID_ARG_TYPE'],
    ['a handle that is an object', () => select([{} as never]), 'ERR_INVALID_ARG_TYPE'],
    ['a handle that is a string', () => select(['3' as never]), 'ERR_INVALID_ARG_TYPE'],
    ['a non-integer fd', () => select([1.5]), 'ERR_OUT_OF_RANGE'],
    ['timeout -1', () => select([], { timeout: -1 }), 'ERR_OUT_OF_RANGE'],
    ['timeout NaN', () => select([], { timeout: NaN }), 'ERR_OUT_OF_RANGE'],
    ['timeout a string', () => select([], { timeout: '5' as never }), 'ERR_OUT_OF_RANGE'],
    ['signal not an AbortSignal', () => select([], { signal: {} as never }), 'ERR_INVALID_ARG_TYPE'],
  ];
  for (const [name, call, code] of bad) {
    let p!: Promise<unknown>;
    t.doesNotThrow(() => (p = call()), `${name}: no synchronous throw`);
    await t.rejects(p, { code }, name);
  }
});
