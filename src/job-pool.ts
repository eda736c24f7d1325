/**
 * The per-thread pool of job objects (per JavaScript thread: the main thread or a worker).
 */
import { AsyncError, invalidArgType, outOfRange } from './errors.js';
import { pushError } from './error-queue.js';
import { Job, STOPPING, type JobOwner } from './job.js';

/** The largest `maxSize`/`initSize` accepted, as in current OpenSSL: `INT_MAX`. */
export const MAX_POOL_SIZE = 0x7fffffff;

/** @internal A pool: an idle stack (last released, first reused) and how many jobs it built. */
class JobPool implements JobOwner {
  readonly idle: Job[] = [];
  created = 0;
  constructor(readonly max: number) {}
}

let pool: JobPool | null = null;

/**
 * Size this thread's pool (`ASYNC_init_thread`). A second call replaces the pool; jobs still
 * paused keep running and, when they finish, are discarded rather than counted in the new pool.
 *
 * @param maxSize - the most job objects the pool may ever build; `0` means no limit
 * @param initSize - how many to build now (they count toward `maxSize`)
 * @returns `1`, or `0` with a queued `ASYNC_R_INVALID_POOL_SIZE` when `initSize > maxSize` or a
 *   size is outside 0..2^31-1
 * @throws TypeError / RangeError for sizes that are not numbers / not integers
 */
export function initPool(maxSize: number, initSize: number): 0 | 1 {
  checkSize('maxSize', maxSize);
  checkSize('initSize', initSize);
  if (initSize > maxSize || maxSize < 0 || initSize < 0 || maxSize > MAX_POOL_SIZE) {
    pushError(new AsyncError('ASYNC_R_INVALID_POOL_SIZE', `Invalid pool size: max ${maxSize}, init ${initSize}`));
    return 0;
  }
  const next = new JobPool(maxSize);
  for (let i = 0; i < initSize; i++) next.idle.push(new Job(next));
  next.created = initSize;
  pool = next;
  return 1;
}

/**
 * Drop this thread's pool (`ASYNC_cleanup_thread`): the next start gets a fresh unlimited pool.
 * Paused jobs are not affected; when they finish they are discarded.
 */
export function cleanupPool(): void {
  pool = null;
}

/** @internal Take an idle job (last released first) or build one; `null` when the pool is full. */
export function takeJob(): Job | null {
  const p = (pool ??= new JobPool(0));
  const job = p.idle.pop();
  if (job !== undefined) return job;
  if (p.max !== 0 && p.created >= p.max) return null;
  p.created++;
  return new Job(p);
}

/** @internal Return a finished job to the pool that built it, if that is still the thread's pool. */
export function releaseJob(job: Job): void {
  job._state = STOPPING;
  if (pool !== null && job._owner === pool) pool.idle.push(job);
}

/** How many job objects the thread's pool has built, and how many are idle (for diagnostics). */
export function poolStats(): { max: number; created: number; idle: number } {
  return pool === null
    ? { max: 0, created: 0, idle: 0 }
    : { max: pool.max, created: pool.created, idle: pool.idle.length };
}

function checkSize(name: string, value: unknown): void {
  if (typeof value !== 'number') throw invalidArgType(name, 'an integer', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
}
