/**
 * Fallback polling: many polling jobs share one timer. Each item has a due time; the timer is set
 * for the earliest, and when it fires every item due within a small slack is served together, so
 * a thousand jobs polling at the cap cost one timer callback per period, not a thousand.
 */
import { drainReadyQueue } from './ready-queue.js';
import type { LoopTimers } from './timers.js';

/** Something the scheduler calls back when its due time comes. */
export interface Pollable {
  /** @internal When it is due (clock milliseconds). */
  pollDue: number;
  /** @internal Its index in the scheduler, or -1. */
  pollIndex: number;
  /** Called when due; the item is already removed. */
  onPollDue(): void;
}

/** How early an item may be served to join a batch, in milliseconds. */
const SLACK_MS = 2;

/** @internal One timer for many polling items. */
export class PollScheduler {
  private readonly items: Pollable[] = [];
  private timer: unknown = null;
  private timerDue = Infinity;
  /** While a batch is served: the clock reading it was served at (items it re-adds use it), else -1. */
  private firingAt = -1;
  private readonly fireBound = () => this.fire();

  constructor(private readonly timers: LoopTimers) {}

  /** How many items wait. */
  get size(): number {
    return this.items.length;
  }

  /**
   * Call `item.onPollDue()` after `delay` milliseconds.
   *
   * @param item - not already scheduled
   * @param delay - milliseconds
   */
  add(item: Pollable, delay: number): void {
    const due = (this.firingAt >= 0 ? this.firingAt : this.timers.now()) + delay; // one clock read per batch
    item.pollDue = due;
    item.pollIndex = this.items.length;
    this.items.push(item);
    if (due < this.timerDue) this.arm(due, delay);
  }

  /** Forget `item` if it is scheduled. */
  remove(item: Pollable): void {
    const i = item.pollIndex;
    if (i < 0) return;
    const last = this.items.pop()!;
    if (last !== item) {
      this.items[i] = last;
      last.pollIndex = i;
    }
    item.pollIndex = -1;
    if (this.items.length === 0) this.disarm();
  }

  /** Cancel everything. */
  clear(): void {
    for (const item of this.items) item.pollIndex = -1;
    this.items.length = 0;
    this.disarm();
  }

  private arm(due: number, delay: number): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = this.timers.setTimeout(this.fireBound, Math.max(0, delay));
  }

  private disarm(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
  }

  private fire(): void {
    this.timer = null;
    this.timerDue = Infinity;
    const now = this.timers.now();
    const limit = now + SLACK_MS;
    const due: Pollable[] = [];
    let next = Infinity;
    for (let i = 0; i < this.items.length;) {
      const item = this.items[i]!;
      if (item.pollDue <= limit) {
        due.push(item);
        const last = this.items.pop()!;
        if (last !== item) {
          this.items[i] = last;
          last.pollIndex = i;
        }
        item.pollIndex = -1;
      } else {
        if (item.pollDue < next) next = item.pollDue;
        i++;
      }
    }
    if (next !== Infinity) this.arm(next, next - now);
    for (const item of due) item.onPollDue();
    this.firingAt = now;
    try {
      drainReadyQueue(); // the timer callback is the top of the stack: resume them now, not a turn later
    } finally {
      this.firingAt = -1;
    }
  }
}
