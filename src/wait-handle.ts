/**
 * What a wait context may hold as a wait handle, and the one check for it.
 */
import { Readable } from 'node:stream';
import { invalidArgType, outOfRange } from './errors.js';
import { WaitSignal } from './wait-signal.js';

/**
 * A wait handle: an OS file descriptor (any integer: the context stores it unchecked, as C does;
 * it is validated only when something watches it), a Node `Readable` stream, or a
 * {@link WaitSignal}. The job is resumed when the handle is readable.
 */
export type WaitFd = number | Readable | WaitSignal;

/**
 * Check that `fd` is a {@link WaitFd}.
 *
 * @param fd - the value to check
 * @param name - the argument name for the error message
 * @throws TypeError (`ERR_INVALID_ARG_TYPE`) for anything but a number, `Readable` or `WaitSignal`
 * @throws RangeError (`ERR_OUT_OF_RANGE`) for a number that is not an integer
 */
export function assertWaitFd(fd: unknown, name = 'fd'): asserts fd is WaitFd {
  if (typeof fd === 'number') {
    if (!Number.isInteger(fd)) throw outOfRange(name, 'an integer', fd);
    return;
  }
  if (fd instanceof WaitSignal || fd instanceof Readable) return;
  throw invalidArgType(name, 'an integer file descriptor, a Readable or a WaitSignal', fd);
}
