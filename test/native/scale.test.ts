// Thousands of fds armed at once: all reported, nothing leaked.
import t from 'tap';
import { closeFd, eventfd, getFdWatcher, notifyFd } from '../../adapters/native.js';
import { openFdCount, record } from '../fixtures/native/watcher-cases.js';

t.test('10,000 eventfds armed at once are all reported, and all fds are released', async (t) => {
  const N = 10_000;
  const watcher = getFdWatcher();
  const before = openFdCount();
  const rec = record(watcher);
  const fds: number[] = [];
  for (let i = 0; i < N; i++) fds.push(eventfd());
  for (const fd of fds) watcher.watch(fd);
  t.equal(watcher.armed, N);
  t.equal(watcher.size, N);
  for (const fd of fds) notifyFd(fd);
  await rec.until(N, 10_000);
  t.equal(rec.reports.length, N, 'one report per fd');
  t.equal(new Set(rec.reports.map(([fd]) => fd)).size, N, 'every fd, once');
  t.ok(rec.reports.every(([, err]) => err === 0));
  t.equal(watcher.armed, 0);
  for (const fd of fds) closeFd(fd);
  t.equal(watcher.size, 0);
  await new Promise((resolve) => setImmediate(resolve)); // close callbacks
  t.equal(openFdCount(), before, 'open fds back to where they started');
  watcher.onReady = null;
});
