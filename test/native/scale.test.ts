// Thousands of fds armed at once: all reported, nothing leaked.
import t from 'tap';
import { armManyEventfds } from '../fixtures/native/watcher-cases.js';

t.test('10,000 eventfds armed at once are all reported, and all fds are released', (t) => armManyEventfds(t, 10_000));
