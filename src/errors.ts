/**
 * The one error class of the library, with a closed union of codes.
 *
 * Codes use OpenSSL's reason names where OpenSSL has one; the rest name what the event loop
 * integration reports. Argument errors are plain `TypeError`/`RangeError` (see
 * {@link invalidArgType}); native failures are Node-style system errors.
 */

/** Every `code` an {@link AsyncError} can carry. */
export type AsyncErrorCode =
  /** `ASYNC_init_thread`: `initSize > maxSize`, or a size outside 0..2^31-1. */
  | 'ASYNC_R_INVALID_POOL_SIZE'
  /** A job body threw (or its promise rejected); the thrown value is the `cause`. */
  | 'ASYNC_R_JOB_FAILED'
  /** A job was started from inside a running job. */
  | 'ERR_R_INTERNAL_ERROR'
  /** A handle that is not a paused job, a freed wait context, or arguments that cannot be copied (`cause`). */
  | 'ERR_R_PASSED_INVALID_ARGUMENT'
  /** A paused job's wait context reported `ASYNC_STATUS_ERR`. */
  | 'ASYNC_STATUS_ERR'
  /** `JobLoop.run` after `close()`, or a run aborted by `close()`. */
  | 'ERR_LOOP_CLOSED';

/** Options of the {@link AsyncError} constructor. */
export interface AsyncErrorOptions {
  /** The lower error this one wraps. */
  cause?: unknown;
}

/**
 * An error of the library. Match on {@link AsyncError.code}, never on the message.
 *
 * @example
 * ```ts
 * if (err instanceof AsyncError && err.code === 'ASYNC_R_JOB_FAILED') console.error(err.cause);
 * ```
 */
export class AsyncError extends Error {
  /** What went wrong, as a stable identifier. */
  readonly code: AsyncErrorCode;

  /**
   * @param code - the stable identifier
   * @param message - human-readable text
   * @param options - `cause`: the lower error
   */
  constructor(code: AsyncErrorCode, message: string, options?: AsyncErrorOptions) {
    super(message, options);
    this.code = code;
  }

  /** @returns `'AsyncError'` */
  override get name(): string {
    return 'AsyncError';
  }
}

/**
 * A `TypeError` for an argument of the wrong type, in the one message template of the library.
 *
 * @param name - the argument's name
 * @param expected - what it must be, e.g. `'a function'`
 * @param actual - the value received
 * @returns the error (with `code` `ERR_INVALID_ARG_TYPE`), to be thrown
 */
export function invalidArgType(name: string, expected: string, actual: unknown): TypeError {
  const err = new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(actual)}`);
  (err as TypeError & { code: string }).code = 'ERR_INVALID_ARG_TYPE';
  return err;
}

/**
 * A `RangeError` for an argument of the right type but outside its range, in the same template.
 *
 * @param name - the argument's name
 * @param expected - what it must be, e.g. `'an integer'`
 * @param actual - the value received
 * @returns the error (with `code` `ERR_OUT_OF_RANGE`), to be thrown
 */
export function outOfRange(name: string, expected: string, actual: unknown): RangeError {
  const err = new RangeError(`The "${name}" argument must be ${expected}. Received ${describe(actual)}`);
  (err as RangeError & { code: string }).code = 'ERR_OUT_OF_RANGE';
  return err;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'function':
      return `function ${value.name || '<anonymous>'}`;
    case 'object':
      return `an instance of ${value.constructor?.name ?? 'Object'}`;
    case 'string':
      return `type string (${JSON.stringify(value.length > 28 ? value.slice(0, 25) + '...' : value)})`;
    default:
      return `type ${typeof value} (${String(value)})`;
  }
}
