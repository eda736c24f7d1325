/**
 * An "offload engine" shaped like a hardware crypto card: a fixed number of request slots, each
 * with its own completion eventfd, served by a pool of worker threads. The worker writes the
 * result into shared memory and signals the slot's eventfd with `notifyFd`; whoever waits on the
 * fd (a paused job) is woken by libuv, never by a JavaScript message. When every slot is busy,
 * `submit` fails (the engine's EAGAIN) and `slotFree`, a level `WaitSignal`, tells waiters when
 * to try again.
 *
 * Used by offload-server.ts; not run on its own.
 */
import { Worker } from 'node:worker_threads';
import { closeFd, drainFd, eventfd, WaitSignal } from 'asyncjob';

/** Slot states, shared with the worker through `Atomics`. */
export const FREE = 0, BUSY = 1, DONE = 2, FAILED = 3, ABANDONED = 4;
export const KEY_LENGTH = 32;

export interface OffloadEngineOptions {
  /** Worker threads. @default 2 */
  workers?: number;
  /** Request slots (the engine's queue): more concurrent requests get EAGAIN. @default 16 */
  queueDepth?: number;
  /** The workers' Node flags. @default inherited from the process (loader hooks included) */
  execArgv?: string[];
}

export class OffloadEngine {
  /** Readable while at least one slot is free: the "queue not full" signal. */
  readonly slotFree = new WaitSignal();
  readonly stats = { submitted: 0, full: 0, abandoned: 0 };
  /** Resolves when every worker has loaded (submitting earlier is fine, just slower). */
  readonly ready: Promise<void>;
  private readonly fds: number[];
  private readonly state: Int32Array;
  private readonly keys: Uint8Array;
  private readonly freeSlots: number[];
  private readonly workers: Worker[];
  private readonly inFlight: number[];
  private readonly slotWorker: number[];

  constructor({ workers = 2, queueDepth = 16, execArgv }: OffloadEngineOptions = {}) {
    this.fds = Array.from({ length: queueDepth }, () => eventfd());
    this.state = new Int32Array(new SharedArrayBuffer(4 * queueDepth));
    const keys = new SharedArrayBuffer(KEY_LENGTH * queueDepth);
    this.keys = new Uint8Array(keys);
    this.freeSlots = Array.from({ length: queueDepth }, (_, i) => queueDepth - 1 - i);
    this.slotWorker = new Array<number>(queueDepth).fill(0);
    this.inFlight = new Array<number>(workers).fill(0);
    const workerData = { fds: this.fds, state: this.state.buffer, keys };
    const ready: Promise<unknown>[] = [];
    this.workers = Array.from({ length: workers }, () => {
      const w = new Worker(new URL('./offload-worker.js', import.meta.url), { workerData, execArgv });
      ready.push(new Promise((resolve, reject) => w.once('message', resolve).once('error', reject)));
      w.on('message', (slot: number | 'ready') => slot !== 'ready' && this.reclaim(slot)); // abandoned slots
      return w;
    });
    this.ready = Promise.all(ready).then(() => {});
    this.slotFree.notify();
  }

  /** Queue `pbkdf2(password, salt, iterations)`; returns the slot, or -1 when the engine is full. */
  submit(password: string, salt: string, iterations: number): number {
    const slot = this.freeSlots.pop();
    if (slot === undefined) {
      this.stats.full++;
      return -1;
    }
    if (this.freeSlots.length === 0) this.slotFree.clear();
    let w = 0; // the least busy worker
    for (let i = 1; i < this.inFlight.length; i++) if (this.inFlight[i]! < this.inFlight[w]!) w = i;
    this.inFlight[w]!++;
    this.slotWorker[slot] = w;
    Atomics.store(this.state, slot, BUSY);
    this.workers[w]!.postMessage({ slot, password, salt, iterations });
    this.stats.submitted++;
    return slot;
  }

  /** The eventfd that becomes readable when `slot` completes. */
  fd(slot: number): number {
    return this.fds[slot]!;
  }

  /** The derived key of a completed slot (a copy), or throws if the work failed. */
  result(slot: number): Buffer {
    if (Atomics.load(this.state, slot) !== DONE) throw new Error(`engine: slot ${slot} failed`);
    return Buffer.from(this.keys.subarray(slot * KEY_LENGTH, (slot + 1) * KEY_LENGTH));
  }

  /** Give a slot back. If its work is still running (timeout, abort), the worker frees it later. */
  release(slot: number): void {
    if (Atomics.compareExchange(this.state, slot, BUSY, ABANDONED) === BUSY) {
      this.stats.abandoned++;
      return;
    }
    drainFd(this.fds[slot]!); // completed: clear its signal in case the job did not get to
    this.reclaim(slot);
  }

  private reclaim(slot: number): void {
    Atomics.store(this.state, slot, FREE);
    this.inFlight[this.slotWorker[slot]!]!--;
    this.freeSlots.push(slot);
    this.slotFree.notify();
  }

  /** Stop the workers and close the fds (after the jobs using them have settled). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const fd of this.fds) closeFd(fd);
  }
}
