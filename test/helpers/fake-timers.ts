/**
 * A fake clock for `JobLoopOptions.timers` and the poll scheduler: timers fire only when the test
 * says so, and every delay asked for is recorded.
 */
import type { LoopTimers } from '../../src/loop/timers.js';

export class FakeTimers implements LoopTimers {
  time = 0;
  /** Every delay passed to `setTimeout`, in order. */
  readonly delays: number[] = [];
  /** How many live timers were cleared. */
  cleared = 0;
  readonly live = new Map<number, { due: number; fn: () => void }>();
  private next = 1;

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    this.delays.push(ms);
    const id = this.next++;
    this.live.set(id, { due: this.time + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (this.live.delete(handle as number)) this.cleared++;
  }

  /** Advance the clock to the earliest live timer (or to `at`) and fire it. */
  fireNext(at?: number): void {
    let first: [number, { due: number; fn: () => void }] | null = null;
    for (const e of this.live) if (first === null || e[1].due < first[1].due) first = e;
    if (first === null) throw new Error('no live timer');
    this.live.delete(first[0]);
    this.time = at ?? Math.max(this.time, first[1].due);
    first[1].fn();
  }

  /** Fire the earliest timer, then let the jobs it resumed run. */
  async tick(): Promise<void> {
    this.fireNext();
    await turn();
    await turn();
  }

  /** Fire every live timer now. */
  fireAll(): void {
    for (const [id, { fn }] of [...this.live]) {
      this.live.delete(id);
      fn();
    }
  }
}

/** One event-loop turn. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
