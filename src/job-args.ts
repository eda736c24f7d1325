/**
 * The arguments rule of the OpenSSL-named API: copied once, at the first start.
 */
import { invalidArgType, outOfRange } from './errors.js';

/**
 * @internal Check `size` against `args` before anything changes.
 * @throws RangeError when `size` is not a non-negative integer or exceeds a byte view's length
 */
export function checkArgsSize(args: unknown, size: number | undefined): void {
  if (size === undefined) return;
  if (typeof size !== 'number') throw invalidArgType('size', 'a non-negative integer', size);
  if (!Number.isInteger(size) || size < 0) throw outOfRange('size', 'a non-negative integer', size);
  const length = byteLength(args);
  if (length >= 0 && size > length) throw outOfRange('size', `<= ${length} (the length of args)`, size);
}

/**
 * @internal Copy `args` for a job: a byte view gives a fresh `Uint8Array` of `size` bytes (the
 * whole view when omitted), other values are `structuredClone`d, and `null`/`undefined` or
 * `size === 0` give `null`.
 * @throws whatever `structuredClone` throws for a value it cannot copy
 */
export function copyArgs(args: unknown, size: number | undefined): unknown {
  if (args === null || args === undefined || size === 0) return null;
  if (ArrayBuffer.isView(args)) {
    const view = new Uint8Array(args.buffer, args.byteOffset, size ?? args.byteLength);
    return view.slice();
  }
  if (args instanceof ArrayBuffer) return new Uint8Array(args.slice(0, size ?? args.byteLength));
  return structuredClone(args);
}

function byteLength(args: unknown): number {
  if (ArrayBuffer.isView(args)) return args.byteLength;
  if (args instanceof ArrayBuffer) return args.byteLength;
  return -1;
}
