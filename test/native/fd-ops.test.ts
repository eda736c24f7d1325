// pipe(), socketpair(), eventfd(), notifyFd(), drainFd(), closeFd().
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { closeFd, drainFd, eventfd, notifyFd, pipe, socketpair } from '../../adapters/native.js';

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

/** The fd's open flags, from /proc/self/fdinfo (octal `flags:` field). */
function flags(fd: number): number {
  const info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
  return parseInt(/^flags:\s+([0-7]+)/m.exec(info)![1]!, 8);
}

t.test('pipe(), socketpair(), eventfd() - CLOEXEC and NONBLOCK', async (t) => {
  const fds = [...pipe(), ...socketpair(), eventfd()];
  t.equal(new Set(fds).size, 5);
  for (const fd of fds) {
    t.ok(flags(fd) & O_NONBLOCK, `fd ${fd} is O_NONBLOCK`);
    t.ok(flags(fd) & O_CLOEXEC, `fd ${fd} is O_CLOEXEC`);
  }
  for (const fd of fds) closeFd(fd);
});

t.test('notifyFd()/drainFd() - eventfd counter values', async (t) => {
  const e = eventfd(3);
  t.equal(drainFd(e), 3, 'the initial value');
  t.equal(drainFd(e), 0, 'empty: 0, no block');
  notifyFd(e);
  notifyFd(e);
  t.equal(drainFd(e), 2);
  t.equal(drainFd(e), 0);
  closeFd(e);
  const big = eventfd(0xffffffff);
  t.equal(drainFd(big), 0xffffffff);
  closeFd(big);
});

t.test('notifyFd()/drainFd() - pipe byte counts', async (t) => {
  const [r, w] = pipe();
  t.equal(drainFd(r), 0, 'empty pipe: 0');
  notifyFd(w);
  notifyFd(w);
  notifyFd(w);
  t.equal(drainFd(r), 3);
  t.equal(drainFd(r), 0);
  fs.writeSync(w, Buffer.alloc(10000));
  t.equal(drainFd(r), 10000, 'reads past one 4096-byte chunk');
  closeFd(r);
  closeFd(w);
});

t.test('notifyFd() - a full pipe is success (already readable)', async (t) => {
  const [r, w] = pipe();
  const chunk = Buffer.alloc(65536);
  let written = 0;
  for (;;) {
    try {
      written += fs.writeSync(w, chunk);
    } catch (err) {
      t.equal((err as NodeJS.ErrnoException).code, 'EAGAIN');
      break;
    }
  }
  t.doesNotThrow(() => notifyFd(w));
  t.equal(drainFd(r), written);
  closeFd(r);
  closeFd(w);
});

t.test('notifyFd()/drainFd() - socketpair', async (t) => {
  const [a, b] = socketpair();
  notifyFd(a);
  notifyFd(b);
  notifyFd(b);
  t.equal(drainFd(b), 1);
  t.equal(drainFd(a), 2);
  t.equal(drainFd(a), 0);
  closeFd(a);
  closeFd(b);
});

t.test('notifyFd()/drainFd() - fds not made here (blocking FIFO): never block', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncjob-fifo-'));
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const fd = fs.openSync(fifo, 'r+'); // O_RDWR, blocking
  t.notOk(flags(fd) & O_NONBLOCK, 'blocking');
  t.equal(drainFd(fd), 0, 'empty blocking fd: 0 at once');
  notifyFd(fd);
  notifyFd(fd);
  t.equal(drainFd(fd), 2);
  t.equal(drainFd(fd), 0);
  fs.closeSync(fd);
  fs.rmSync(dir, { recursive: true });
});

t.test('notifyFd()/drainFd() - a closed pipe end', async (t) => {
  const [r, w] = pipe();
  closeFd(r);
  t.throws(() => notifyFd(w), { code: 'EPIPE', syscall: 'write' });
  closeFd(w);
  const [r2, w2] = pipe();
  closeFd(w2);
  t.equal(drainFd(r2), 0, 'EOF drains nothing');
  closeFd(r2);
});

t.test('notifyFd()/drainFd()/closeFd() - system errors', async (t) => {
  const [r, w] = pipe();
  closeFd(r);
  closeFd(w);
  t.throws(() => notifyFd(r), { code: 'EBADF', errno: -9, syscall: 'write' });
  t.throws(() => drainFd(r), { code: 'EBADF', errno: -9, syscall: 'read' });
  t.throws(() => closeFd(r), {
    code: 'EBADF',
    errno: -9,
    syscall: 'close',
    message: 'EBADF: bad file descriptor, close',
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncjob-file-'));
  const file = fs.openSync(path.join(dir, 'f'), 'w+');
  t.throws(() => notifyFd(file), { code: 'EPERM' }, 'a regular file is no wake channel');
  t.throws(() => drainFd(file), { code: 'EPERM' });
  t.equal(fs.fstatSync(file).size, 0, 'nothing was written');
  fs.closeSync(file);
  fs.rmSync(dir, { recursive: true });
});

t.test('argument errors', async (t) => {
  for (const fn of [notifyFd, drainFd, closeFd]) {
    t.throws(() => fn(-1), { code: 'ERR_OUT_OF_RANGE', name: 'RangeError' });
    t.throws(() => fn(1.5), { code: 'ERR_OUT_OF_RANGE', name: 'RangeError' });
    t.throws(() => fn(NaN), { code: 'ERR_OUT_OF_RANGE', name: 'RangeError' });
    t.throws(() => fn('3' as unknown as number), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
  }
  t.throws(() => eventfd(-1), { code: 'ERR_OUT_OF_RANGE', name: 'RangeError' });
  t.throws(() => eventfd(2 ** 32), { code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => eventfd(0.5), { code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => eventfd('1' as unknown as number), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
});
