// Thousands of fds on the uv_poll backend (two fds each: the fd and its dup).
import t from 'tap';
import { getFdWatcher } from '../../adapters/native.js';
import { armManyEventfds } from '../fixtures/native/watcher-cases.js';

process.env.ASYNCJOB_FD_BACKEND = 'uv_poll';

t.test('5,000 eventfds armed at once are all reported, and all fds (and dups) are released', async (t) => {
  t.equal(getFdWatcher().backend, 'uv_poll');
  await armManyEventfds(t, 5_000);
});
