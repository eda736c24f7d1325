import t from 'tap';
import { PassThrough, Readable } from 'node:stream';
import { JobLoop, getCurrentJob, pauseJob } from '../../src/index.js';

/** A job that waits on `stream` until it is readable, then reports what it found, without reading first. */
function* waitOn(
  stream: Readable,
): Generator<unknown, { buffered: number; ended: boolean; errored: boolean; pauses: number }> {
  getCurrentJob()!.waitCtx!.setWaitFd('stream', stream);
  let pauses = 0;
  while (
    stream.readableLength === 0 &&
    !stream.readableEnded &&
    stream.errored == null &&
    !stream.closed &&
    pauses < 3
  ) {
    pauses++;
    yield* pauseJob();
    if (stream.readableLength === 0 && !stream.readableEnded) stream.read(0); // let an EOF surface as 'end'
  }
  return { buffered: stream.readableLength, ended: stream.readableEnded, errored: stream.errored != null, pauses };
}

t.test('stream adapter - resumes on data and leaves it buffered', async (t) => {
  const loop = new JobLoop();
  const s = new PassThrough();
  loop.once('pause', () => s.write('hello'));
  const r = await loop.run(waitOn, s);
  t.equal(r.buffered, 5, 'the data is still in the stream');
  t.equal(s.read().toString(), 'hello');
  t.equal(loop.stats().wakeups.stream, 1);
  await loop.close();
});

t.test('stream adapter - resumes on end', async (t) => {
  const loop = new JobLoop();
  const s = new PassThrough();
  loop.once('pause', () => s.end());
  const r = await loop.run(waitOn, s);
  t.ok(r.ended || r.pauses >= 1, 'resumed after end');
  t.ok(s.readableEnded || s.read() === null);
  await loop.close();
});

t.test('stream adapter - resumes on error', async (t) => {
  const loop = new JobLoop();
  const s = new PassThrough();
  loop.once('pause', () => s.destroy(Object.assign(new Error('broken'), { code: 'EPIPE' })));
  const r = await loop.run(waitOn, s);
  t.equal(r.errored, true);
  t.equal((s.errored as NodeJS.ErrnoException).code, 'EPIPE');
  await loop.close();
});

t.test(
  'stream adapter - a stream readable at pause time resumes at once, and a flowing stream flows again after',
  async (t) => {
    const loop = new JobLoop();
    const s = new PassThrough();
    s.write('x');
    let resumes = 0;
    loop.on('resume', () => resumes++);
    const buffered = await loop.run(function* () {
      getCurrentJob()!.waitCtx!.setWaitFd('stream', s);
      yield* pauseJob(); // readable already: resumed at once
      return s.readableLength;
    });
    t.equal(resumes, 1);
    t.equal(buffered, 1);
    t.equal(s.listenerCount('readable'), 0, 'no listener left behind');
    const got: string[] = [];
    s.on('data', (d: Buffer) => got.push(d.toString()));
    s.write('y');
    await new Promise((r) => setImmediate(r));
    t.same(got, ['x', 'y'], 'nothing was consumed by the loop');
    await loop.close();
  },
);

t.test('stream adapter - two jobs on one stream share one set of listeners and are both resumed', async (t) => {
  const loop = new JobLoop();
  const s = new PassThrough();
  let paused = 0;
  loop.on('pause', () => {
    if (++paused === 2) {
      t.equal(s.listenerCount('readable'), 1);
      s.write('z');
    }
  });
  const [a, b] = await Promise.all([loop.run(waitOn, s), loop.run(waitOn, s)]);
  t.equal(a.buffered, 1);
  t.equal(b.buffered, 1);
  t.equal(s.listenerCount('readable'), 0);
  await loop.close();
});
