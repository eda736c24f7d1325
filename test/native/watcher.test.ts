// FdWatcher on the default backend (epoll on Linux).
import t from 'tap';
import { runWatcherCases } from '../fixtures/native/watcher-cases.js';

delete process.env.ASYNCJOB_FD_BACKEND;
runWatcherCases(t, process.platform === 'linux' ? 'epoll' : 'uv_poll');
