/**
 * An "offload engine" shaped like a hardware crypto card: a fixed number of request slots in
 * shared memory, each with its own completion eventfd, served by worker threads. Submitting
 * writes the request into its slot and rings the doorbell (`Atomics.notify`); the first free worker
 * claims the slot, writes the result back and signals the slot's eventfd with `notifyFd`, which wakes the paused
 * job through libuv. No JavaScript message is involved per request. When every slot is busy,
 * `submit` fails (the engine's EAGAIN) and `slotFree`, a level `WaitSignal`, tells waiters when
 * to try again.
 *
 * Used by offload-server.ts; not run on its own.
 */
import { Worker } from 'node:worker_threads';
import { closeFd, drainFd, eventfd, select, WaitSignal } from 'asyncjob';

/** Slot states, shared with the workers through `Atomics`. */
export const FREE = 0,
  BUSY = 1,
  DONE = 2,
  FAILED = 3,
  CLAIMED = 4; // a worker took it
/** The doorbell: [0] a counter rung per batch of requests, [1] how many workers sleep on it. */
export const BELL = 0,
  SLEEPERS = 1;
/** Per slot: the derived key's size, the room for password + salt, the Int32 request fields. */
export const KEY_LENGTH = 32,
  INPUT_BYTES = 256,
  FIELDS = 3; // iterations, password and salt lengths

export interface OffloadEngineOptions {
  /** Worker threads, as many as libuv's threadpool (which the crypto callback API uses). @default 4 */
  workers?: number;
  /** Request slots (the engine's queue): more concurrent requests get EAGAIN. @default 64 */
  queueDepth?: number;
  /** The workers' Node flags. @default inherited from the process (loader hooks included) */
  execArgv?: string[];
}

export class OffloadEngine {
  /** Readable while at least one slot is free: the "queue not full" signal. */
  readonly slotFree = new WaitSignal();
  readonly stats = { submitted: 0, full: 0, abandoned: 0 };
  /** Resolves when every worker has loaded (submitting earlier is fine, just slower). */
  readonly ready: Promise<unknown>;
  private readonly fds: number[];
  private readonly shm;
  private readonly signalled: Uint8Array; // the slot's completion signal was consumed
  private readonly freeSlots: number[];
  private readonly workers: Worker[];
  private readonly closing = new AbortController();
  private toRing = 0;

  constructor({ workers = 4, queueDepth = 64, execArgv }: OffloadEngineOptions = {}) {
    const shared = (bytes: number) => new SharedArrayBuffer(bytes);
    this.fds = Array.from({ length: queueDepth }, () => eventfd());
    this.shm = {
      state: new Int32Array(shared(4 * queueDepth)),
      fields: new Int32Array(shared(4 * FIELDS * queueDepth)),
      doorbell: new Int32Array(shared(4 * 2)),
      input: new Uint8Array(shared(INPUT_BYTES * queueDepth)),
      keys: new Uint8Array(shared(KEY_LENGTH * queueDepth)),
    };
    this.signalled = new Uint8Array(queueDepth);
    this.freeSlots = Array.from({ length: queueDepth }, (_, i) => queueDepth - 1 - i);
    this.workers = Array.from(
      { length: workers },
      () =>
        new Worker(new URL('./offload-worker.js', import.meta.url), {
          workerData: { fds: this.fds, ...this.shm },
          execArgv,
        }),
    );
    this.ready = Promise.all(
      this.workers.map((w) => new Promise((resolve, reject) => w.once('message', resolve).once('error', reject))),
    );
    this.slotFree.notify();
  }

  /** Queue `pbkdf2(password, salt, iterations)`; returns the slot, or -1 when the engine is full. */
  submit(password: string, salt: string, iterations: number): number {
    const pw = Buffer.from(password),
      s = Buffer.from(salt);
    if (pw.length + s.length > INPUT_BYTES) throw new RangeError(`password + salt exceed ${INPUT_BYTES} bytes`);
    const slot = this.freeSlots.pop();
    if (slot === undefined) return (this.stats.full++, -1);
    if (this.freeSlots.length === 0) this.slotFree.clear();
    this.shm.input.set(pw, slot * INPUT_BYTES);
    this.shm.input.set(s, slot * INPUT_BYTES + pw.length);
    this.shm.fields.set([iterations, pw.length, s.length], slot * FIELDS);
    this.signalled[slot] = 0;
    Atomics.store(this.shm.state, slot, BUSY); // publishes the request
    if (this.toRing++ === 0) setImmediate(this.ringDoorbell);
    this.stats.submitted++;
    return slot;
  }

  /** Ring once per event-loop turn for all the requests of the turn, waking as many sleeping workers. */
  private readonly ringDoorbell = () => {
    const bell = this.shm.doorbell;
    Atomics.add(bell, BELL, 1);
    if (Atomics.load(bell, SLEEPERS) > 0) Atomics.notify(bell, BELL, this.toRing);
    this.toRing = 0;
  };

  /** The eventfd that becomes readable when `slot` completes. */
  fd(slot: number): number {
    return this.fds[slot]!;
  }

  /** Whether `slot` completed; consumes its completion signal (drains the eventfd) when it did. */
  completed(slot: number): boolean {
    if (this.signalled[slot] === 0 && drainFd(this.fds[slot]!) > 0) this.signalled[slot] = 1;
    return this.signalled[slot] === 1;
  }

  /** The derived key of a completed slot (a copy); throws if the work failed. */
  result(slot: number): Buffer {
    if (Atomics.load(this.shm.state, slot) !== DONE) throw new Error(`engine: slot ${slot} failed`);
    return Buffer.from(this.shm.keys.subarray(slot * KEY_LENGTH, (slot + 1) * KEY_LENGTH));
  }

  /** Give a slot back. If its work has not signalled yet (timeout, abort), reuse it once it has. */
  release(slot: number): void {
    if (this.signalled[slot] === 1) return this.reclaim(slot);
    this.stats.abandoned++;
    select([this.fds[slot]!], { signal: this.closing.signal }).then(
      () => (drainFd(this.fds[slot]!), this.reclaim(slot)),
      () => {},
    );
  }

  private reclaim(slot: number): void {
    Atomics.store(this.shm.state, slot, FREE);
    this.freeSlots.push(slot);
    this.slotFree.notify();
  }

  /** Stop the workers and close the fds (after the jobs using them have settled). */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const fd of this.fds) closeFd(fd);
  }
}
