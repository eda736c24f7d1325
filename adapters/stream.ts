/**
 * The `Readable` stream adapter. A stream is readable when it has data buffered, or has ended,
 * errored or closed. The adapter never consumes data: it listens for `'readable'` (which only
 * asks the stream to fill its buffer), `'end'`, `'error'` and `'close'`, with one set of
 * listeners per stream however many waiters it has, removed when the last waiter goes.
 *
 * A `'readable'` listener takes precedence over `'data'` while it is attached: a flowing stream
 * pauses while a job waits on it, and flows again when the wait ends.
 */
import type { Readable } from 'node:stream';
import { ARMED, READY_NOW, type WaitAdapter, type Waiter } from '../src/loop/wait-adapter.js';

/** @internal The waiters of one stream and the listener they share. */
class StreamWatch {
  waiters: Waiter[] = [];
  readonly fire: () => void;
  constructor(readonly stream: Readable) {
    this.fire = () => this.onEvent();
  }

  attach(): void {
    const s = this.stream;
    s.on('readable', this.fire);
    s.on('end', this.fire);
    s.on('error', this.fire);
    s.on('close', this.fire);
  }

  detach(): void {
    const s = this.stream;
    s.removeListener('readable', this.fire);
    s.removeListener('end', this.fire);
    s.removeListener('error', this.fire);
    s.removeListener('close', this.fire);
  }

  onEvent(): void {
    // Any of the four events is worth a look (at EOF, 'readable' comes before 'end' is emitted):
    // readiness is a hint.
    const waiters = this.waiters;
    this.waiters = [];
    watches.delete(this.stream);
    this.detach();
    for (const w of waiters) w.onHandleReady(this.stream, null);
  }
}

const watches = new WeakMap<Readable, StreamWatch>();

function readable(s: Readable): boolean {
  return s.readableLength > 0 || s.readableEnded || s.errored != null || s.closed || s.destroyed;
}

/** The adapter for `Readable` handles. */
export const streamAdapter: WaitAdapter<Readable> = {
  arm(stream: Readable, waiter: Waiter): number {
    if (readable(stream)) return READY_NOW;
    let watch = watches.get(stream);
    if (watch === undefined) {
      watch = new StreamWatch(stream);
      watches.set(stream, watch);
      watch.attach();
    }
    if (!watch.waiters.includes(waiter)) watch.waiters.push(waiter);
    return ARMED;
  },
  disarm(stream: Readable, waiter: Waiter): void {
    const watch = watches.get(stream);
    if (watch === undefined) return;
    const i = watch.waiters.indexOf(waiter);
    if (i < 0) return;
    watch.waiters.splice(i, 1);
    if (watch.waiters.length === 0) {
      watches.delete(stream);
      watch.detach();
    }
  },
  readableNow: readable,
};
