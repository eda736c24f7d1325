/**
 * src/wait-signal.ts: a level-triggered in-process wait handle, and its listener list (internal:
 * `_addListener` / `_removeListener`), including changes made while it notifies.
 */
import t from 'tap';
import { WaitSignal } from '../src/index.js';
import type { WaitSignalListener } from '../src/wait-signal.js';

/** A listener that records its calls under `name` in `log`, then runs `then`. */
function listener(log: string[], name: string, then?: () => void): WaitSignalListener & { calls: unknown[][] } {
  const l = {
    calls: [] as unknown[][],
    onHandleReady(signal: WaitSignal, error: null) {
      l.calls.push([signal, error]);
      log.push(name);
      then?.();
    },
  };
  return l;
}

t.test('WaitSignal - starts not readable with count 0', (t) => {
  const s = new WaitSignal();
  t.equal(s.readable, false);
  t.equal(s.count, 0);
  t.equal(s.clear(), 0, 'clear on a fresh signal consumes nothing');
  t.end();
});

t.test('notify / clear - readable from notify() until clear(); count adds up; clear returns it', (t) => {
  const s = new WaitSignal();
  s.notify();
  t.equal(s.readable, true);
  t.equal(s.count, 1);
  s.notify();
  s.notify();
  t.equal(s.readable, true);
  t.equal(s.count, 3);
  t.equal(s.clear(), 3);
  t.equal(s.readable, false);
  t.equal(s.count, 0);
  t.equal(s.clear(), 0);
  s.notify();
  t.equal(s.readable, true, 'readable again after a clear');
  t.equal(s.clear(), 1);
  t.end();
});

t.test('listeners - told (signal, null) only when the signal becomes readable (edge), in order added', (t) => {
  const s = new WaitSignal();
  const log: string[] = [];
  const a = listener(log, 'a');
  const b = listener(log, 'b');
  const c = listener(log, 'c');
  s._addListener(a);
  s._addListener(b);
  s._addListener(c);
  s.notify();
  t.same(log, ['a', 'b', 'c']);
  t.same(a.calls, [[s, null]]);
  s.notify();
  t.same(log, ['a', 'b', 'c'], 'already readable: nobody is told again');
  t.equal(s.count, 2);
  s.clear();
  s.notify();
  t.same(log, ['a', 'b', 'c', 'a', 'b', 'c'], 'told again after clear + notify');
  t.end();
});

t.test('listeners - a listener added while the signal is readable is not told until the next edge', (t) => {
  const s = new WaitSignal();
  const log: string[] = [];
  s.notify();
  s._addListener(listener(log, 'late'));
  s.notify();
  t.same(log, []);
  s.clear();
  s.notify();
  t.same(log, ['late']);
  t.end();
});

t.test(
  '_removeListener - removed listeners are not told; removing the first promotes the next; unknown is a no-op',
  (t) => {
    const s = new WaitSignal();
    const log: string[] = [];
    const a = listener(log, 'a');
    const b = listener(log, 'b');
    const c = listener(log, 'c');
    s._addListener(a);
    s._addListener(b);
    s._addListener(c);
    s._removeListener(a);
    s._removeListener(listener(log, 'unknown'));
    s.notify();
    t.same(log, ['b', 'c']);
    s.clear();
    s._removeListener(c);
    s.notify();
    t.same(log, ['b', 'c', 'b']);
    s.clear();
    s._removeListener(b);
    s._removeListener(b);
    s.notify();
    t.same(log, ['b', 'c', 'b'], 'nobody left');
    s.clear();
    s._addListener(a);
    s.notify();
    t.same(log, ['b', 'c', 'b', 'a'], 'the list works again after emptying');
    t.end();
  },
);

t.test('listeners removing themselves while notified - every listener is told exactly once', (t) => {
  const s = new WaitSignal();
  const log: string[] = [];
  const ls: WaitSignalListener[] = [];
  for (const name of ['a', 'b', 'c', 'd']) {
    const l: WaitSignalListener = listener(log, name, () => s._removeListener(l));
    ls.push(l);
    s._addListener(l);
  }
  s.notify();
  t.same(log, ['a', 'b', 'c', 'd']);
  s.clear();
  s.notify();
  t.same(log, ['a', 'b', 'c', 'd'], 'all removed themselves');
  t.equal(s._listener, null);
  t.same(s._moreListeners ?? [], []);
  t.end();
});

t.test('a listener added while notifying is not told for this notification, but for the next one', (t) => {
  const s = new WaitSignal();
  const log: string[] = [];
  const added = listener(log, 'added');
  const addedByMore = listener(log, 'addedByMore');
  s._addListener(listener(log, 'first', () => s._addListener(added)));
  let once = true;
  s._addListener(
    listener(log, 'second', () => {
      if (once) s._addListener(addedByMore);
      once = false;
    }),
  );
  s.notify();
  t.same(log, ['first', 'second']);
  s.clear();
  log.length = 0;
  s.notify();
  t.same(log.slice(0, 4), ['first', 'second', 'added', 'addedByMore']);
  t.end();
});

t.test('a listener that notifies the signal again while being told does not recurse', (t) => {
  const s = new WaitSignal();
  const log: string[] = [];
  s._addListener(listener(log, 'a', () => s.notify()));
  s._addListener(listener(log, 'b'));
  s.notify();
  t.same(log, ['a', 'b']);
  t.equal(s.count, 2);
  t.end();
});

t.test('a listener that clears and re-notifies while being told starts a new edge', (t) => {
  const s = new WaitSignal();
  const log: string[] = [];
  let depth = 0;
  s._addListener(
    listener(log, 'a', () => {
      if (depth++ === 0) {
        s.clear();
        s.notify();
      }
    }),
  );
  s.notify();
  t.same(log, ['a', 'a'], 'the new edge is reported (synchronously, nested)');
  t.equal(s.readable, true);
  t.equal(s.count, 1);
  t.end();
});
