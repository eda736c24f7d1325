/**
 * src/loop/poll-scheduler.ts (internal): one timer for many polling items, batching the items due
 * within a small slack, with remove / clear.
 */
import t from 'tap';
import { PollScheduler, type Pollable } from '../../src/loop/poll-scheduler.js';
import { FakeTimers } from '../helpers/fake-timers.js';

class Item implements Pollable {
  pollDue = 0;
  pollIndex = -1;
  constructor(
    readonly name: string,
    readonly log: string[],
    readonly onDue?: () => void,
  ) {}
  onPollDue(): void {
    this.log.push(this.name);
    this.onDue?.();
  }
}

t.test('add - arms one timer for the earliest due time; a later item does not re-arm', (t) => {
  const timers = new FakeTimers();
  const s = new PollScheduler(timers);
  const log: string[] = [];
  const a = new Item('a', log);
  const b = new Item('b', log);
  const c = new Item('c', log);
  s.add(a, 10);
  t.same(timers.delays, [10]);
  t.equal(a.pollDue, 10);
  t.equal(a.pollIndex, 0);
  s.add(b, 20);
  t.same(timers.delays, [10], 'due later: the timer stays');
  s.add(c, 4);
  t.same(timers.delays, [10, 4], 'due earlier: re-armed');
  t.equal(timers.cleared, 1, 'the old timer was cancelled');
  t.equal(timers.live.size, 1, 'one timer for all');
  t.equal(s.size, 3);
  t.same(log, []);
  s.clear();
  t.end();
});

t.test('fire - serves every item due within the slack together, re-arms for the rest', (t) => {
  const timers = new FakeTimers();
  const s = new PollScheduler(timers);
  const log: string[] = [];
  const items = { a: new Item('a', log), b: new Item('b', log), c: new Item('c', log), d: new Item('d', log) };
  s.add(items.a, 10);
  s.add(items.b, 11); // within the 2 ms slack of a
  s.add(items.c, 12); // at the edge of the slack: served too
  s.add(items.d, 30);
  timers.fireNext(); // at 10
  t.same([...log].sort(), ['a', 'b', 'c'], 'one callback serves the batch');
  t.equal(s.size, 1);
  for (const k of ['a', 'b', 'c'] as const) t.equal(items[k].pollIndex, -1, `${k} removed before its call`);
  t.same(timers.delays, [10, 20], 're-armed for d, 20 ms after now');
  timers.fireNext();
  t.same(log.slice(3), ['d']);
  t.equal(s.size, 0);
  t.equal(timers.live.size, 0, 'nothing left armed');
  t.end();
});

t.test('fire - an item is already removed when its onPollDue runs, and may be added again', (t) => {
  const timers = new FakeTimers();
  const s = new PollScheduler(timers);
  const log: string[] = [];
  let seenIndex = 99;
  let seenSize = 99;
  let again = 2;
  const a: Item = new Item('a', log, () => {
    seenIndex = a.pollIndex;
    seenSize = s.size;
    if (again-- > 0) s.add(a, 5);
  });
  s.add(a, 1);
  timers.fireNext();
  t.equal(seenIndex, -1);
  t.equal(seenSize, 0);
  t.equal(s.size, 1, 're-added from its own callback');
  timers.fireNext();
  timers.fireNext();
  t.same(log, ['a', 'a', 'a']);
  t.same(timers.delays, [1, 5, 5]);
  t.equal(timers.live.size, 0);
  t.end();
});

t.test('fire - a timer that fires early (clock behind) serves only items due within the slack', (t) => {
  const timers = new FakeTimers();
  const s = new PollScheduler(timers);
  const log: string[] = [];
  s.add(new Item('a', log), 10);
  timers.fireNext(5); // the clock says 5: a (due 10) is not within 2 ms
  t.same(log, []);
  t.equal(s.size, 1);
  t.same(timers.delays, [10, 5], 're-armed for the remaining 5 ms');
  timers.fireNext();
  t.same(log, ['a']);
  t.end();
});

t.test('remove - forgets the item; the last removal cancels the timer; unscheduled items are a no-op', (t) => {
  const timers = new FakeTimers();
  const s = new PollScheduler(timers);
  const log: string[] = [];
  const a = new Item('a', log);
  const b = new Item('b', log);
  const c = new Item('c', log);
  s.add(a, 10);
  s.add(b, 10);
  s.add(c, 10);
  s.remove(a); // c moves into a's slot
  t.equal(a.pollIndex, -1);
  t.equal(c.pollIndex, 0, 'the last item took the free slot');
  t.equal(s.size, 2);
  s.remove(a); // not scheduled: no-op
  t.equal(s.size, 2);
  s.remove(c);
  t.equal(b.pollIndex, 0);
  t.equal(s.size, 1);
  t.equal(timers.live.size, 1, 'still armed for b');
  s.remove(b);
  t.equal(timers.live.size, 0, 'nothing left: the timer is cancelled');
  t.same(log, []);
  s.add(a, 3);
  t.equal(timers.live.size, 1, 'arms again after emptying');
  t.same(timers.delays.at(-1), 3);
  timers.fireNext();
  t.same(log, ['a']);
  t.end();
});

t.test("remove - an item removed by another item's callback in the same batch is still served once at most", (t) => {
  const timers = new FakeTimers();
  const s = new PollScheduler(timers);
  const log: string[] = [];
  const later = new Item('later', log);
  const a = new Item('a', log, () => s.remove(later));
  s.add(a, 1);
  s.add(later, 50);
  timers.fireNext();
  t.same(log, ['a']);
  t.equal(s.size, 0);
  t.equal(timers.live.size, 0, 'removing the last waiting item cancels the re-armed timer');
  t.end();
});

t.test('clear - cancels everything', (t) => {
  const timers = new FakeTimers();
  const s = new PollScheduler(timers);
  const log: string[] = [];
  const a = new Item('a', log);
  const b = new Item('b', log);
  s.add(a, 1);
  s.add(b, 2);
  s.clear();
  t.equal(s.size, 0);
  t.equal(a.pollIndex, -1);
  t.equal(b.pollIndex, -1);
  t.equal(timers.live.size, 0);
  s.clear(); // idempotent
  s.add(a, 7);
  t.same(timers.delays.at(-1), 7, 'a fresh add arms a new timer');
  timers.fireNext();
  t.same(log, ['a']);
  t.end();
});

t.test('add - a zero or negative delay asks for a 0 ms timer', (t) => {
  const timers = new FakeTimers();
  const s = new PollScheduler(timers);
  const log: string[] = [];
  s.add(new Item('a', log), 0);
  t.same(timers.delays, [0]);
  s.add(new Item('b', log), -5);
  t.same(timers.delays, [0, 0]);
  timers.fireNext();
  t.same([...log].sort(), ['a', 'b']);
  t.end();
});
