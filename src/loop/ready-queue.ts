/**
 * Wake-ups are queued, never delivered re-entrantly: a handle that becomes readable while some
 * job's code runs (a `WaitSignal` notified from a job, a stream event) only queues the waiting
 * run, and the queue is drained at the top of the stack — at the end of a native readiness batch,
 * or in a `setImmediate`.
 */

import { outsideJobs } from '../current-job.js';

/** Something the queue resumes. */
export interface Resumable {
  /** Resume now; called from the top of the stack. */
  resumeFromQueue(): void;
}

let queue: Resumable[] = [];
let spare: Resumable[] = [];
let scheduled = false;
let draining = false;

/**
 * Queue `item` to be resumed from the top of the stack.
 *
 * @param item - the run to resume
 */
export function enqueueResume(item: Resumable): void {
  queue.push(item);
  if (!scheduled && !draining) {
    scheduled = true;
    setImmediate(drainFromImmediate);
  }
}

function drainFromImmediate(): void {
  scheduled = false;
  outsideJobs(drainReadyQueue); // the immediate may have been scheduled from inside an async job
}

/** Resume everything queued (and whatever those resumes queue in turn, in later rounds). */
export function drainReadyQueue(): void {
  if (draining) return;
  draining = true;
  try {
    let rounds = 0;
    while (queue.length > 0 && rounds++ < 64) {
      const batch = queue;
      queue = spare;
      for (let i = 0; i < batch.length; i++) {
        try {
          batch[i]!.resumeFromQueue();
        } catch (error) {
          queueMicrotask(() => {
            throw error; // a bug in a resumable: surface it, but serve the rest of the batch
          });
        }
      }
      while (batch.length > 0) batch.pop(); // keeps the backing store (`length = 0` would drop it)
      spare = batch;
    }
  } finally {
    draining = false;
    if (queue.length > 0 && !scheduled) {
      scheduled = true;
      setImmediate(drainFromImmediate); // yield to I/O before serving more
    }
  }
}
