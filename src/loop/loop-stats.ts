/**
 * What `JobLoop.stats()` reports: counted on demand from the loop's runs (nothing is kept per
 * pause for it), plus the loop's running counters.
 */
import { WaitStatus } from '../status.js';
import { WaitSignal } from '../wait-signal.js';
import { PAUSED, QUEUED, READY, RUNNING, WAITING_JOB, type LoopRun, type WakeReason } from './loop-run.js';

/** What {@link JobLoop.stats} reports. */
export interface JobLoopStats {
  /** Runs started and not settled. */
  active: number;
  /** Runs whose job is running or queued to resume. */
  running: number;
  /** Runs waiting in the concurrency queue or for a pool job. */
  waiting: number;
  /** Paused runs, in all. */
  paused: number;
  /** Paused runs by what they wait on (a run with several kinds of handle counts under each). */
  pausedOn: { fd: number; stream: number; signal: number; callback: number; polling: number };
  /** Distinct fds armed by this loop's paused runs. */
  watchedFds: number;
  /** Resumes, by reason. */
  wakeups: Record<WakeReason, number>;
  /** Readiness reports that resumed nothing (the run was no longer waiting). */
  spuriousWakeups: number;
  /** Fallback polling retries (resumes by the polling timer). */
  pollRetries: number;
}

/** @internal Count what the runs are doing. */
export function collectStats(
  runs: ReadonlySet<LoopRun>,
  wakeups: Record<WakeReason, number>,
  spuriousWakeups: number,
  pollRetries: number,
): JobLoopStats {
  const pausedOn = { fd: 0, stream: 0, signal: 0, callback: 0, polling: 0 };
  const fds = new Set<number>();
  let running = 0;
  let waiting = 0;
  let paused = 0;
  for (const run of runs) {
    if (run.state === RUNNING || run.state === READY) running++;
    else if (run.state === QUEUED || run.state === WAITING_JOB) waiting++;
    else if (run.state === PAUSED) {
      paused++;
      let fd = false;
      let stream = false;
      let sig = false;
      for (const h of run.armed) {
        if (typeof h === 'number') {
          fd = true;
          fds.add(h);
        } else if (h instanceof WaitSignal) sig = true;
        else stream = true;
      }
      if (fd) pausedOn.fd++;
      if (stream) pausedOn.stream++;
      if (sig) pausedOn.signal++;
      if (run.ctx.status === WaitStatus.OK) pausedOn.callback++;
      if (run.pollIndex >= 0) pausedOn.polling++;
    }
  }
  return {
    active: runs.size,
    running,
    waiting,
    paused,
    pausedOn,
    watchedFds: fds.size,
    wakeups: { ...wakeups },
    spuriousWakeups,
    pollRetries,
  };
}
