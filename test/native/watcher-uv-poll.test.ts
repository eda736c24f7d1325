// FdWatcher on the portable backend: one uv_poll_t per fd, on a dup of it.
import t from 'tap';
import { runWatcherCases } from '../fixtures/native/watcher-cases.js';

// Read when this thread's watcher is created, i.e. on first getFdWatcher().
process.env.ASYNCJOB_FD_BACKEND = 'uv_poll';
runWatcherCases(t, 'uv_poll');
