/**
 * The per-thread error queue, like OpenSSL's: failures that a status value cannot carry
 * (`ASYNC_ERR`, `0`) are pushed here and read oldest first.
 */
import type { AsyncError } from './errors.js';

const queue: AsyncError[] = [];

/**
 * Queue an error for the application to read.
 *
 * @param error - the error
 */
export function pushError(error: AsyncError): void {
  queue.push(error);
}

/**
 * Remove and return the oldest queued error.
 *
 * @returns the oldest error, or `null` when the queue is empty
 */
export function getError(): AsyncError | null {
  return queue.shift() ?? null;
}

/**
 * Return the oldest queued error without removing it.
 *
 * @returns the oldest error, or `null` when the queue is empty
 */
export function peekError(): AsyncError | null {
  return queue.length === 0 ? null : queue[0]!;
}

/** Empty the queue. */
export function clearErrors(): void {
  queue.length = 0;
}

/** @internal Remove and return the newest queued error (the one a status was just returned for). */
export function takeLastError(): AsyncError | null {
  return queue.pop() ?? null;
}
