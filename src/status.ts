/**
 * What {@link startJob} (and `ASYNC_start_job`) returns: the C values, unchanged.
 *
 * `PAUSE` is a status, not an error: the job is waiting and can be resumed later.
 */
export const JobStatus = {
  /** Something failed: see the error queue (`ERR_get_error`). */
  ERR: 0,
  /** The pool is full (`max` jobs exist and none is idle). Nothing changed: retry later. */
  NO_JOBS: 1,
  /** The job paused; resume it later by passing its handle back. */
  PAUSE: 2,
  /** The job's body returned; its value was written to the result ref. */
  FINISH: 3,
} as const;

/** One of the {@link JobStatus} values. */
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

/**
 * The engine-to-application status stored in a {@link WaitContext} (OpenSSL 3's callback mode).
 * The library only stores it; engines set it and the application reads it.
 */
export const WaitStatus = {
  /** The default: the engine does not use the callback. */
  UNSUPPORTED: 0,
  /** A fatal problem: clean up the job. */
  ERR: 1,
  /** The request was submitted: expect the callback. */
  OK: 2,
  /** A temporary problem: resume the job (it will retry). */
  EAGAIN: 3,
} as const;

/** One of the {@link WaitStatus} values (any integer may be stored, as in C). */
export type WaitStatus = (typeof WaitStatus)[keyof typeof WaitStatus];
