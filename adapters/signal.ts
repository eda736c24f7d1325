/**
 * The `WaitSignal` adapter: an in-process, level-triggered handle. Arming adds the waiter to the
 * signal's listeners; `notify()` tells them.
 */
import { ARMED, READY_NOW, type WaitAdapter, type Waiter } from '../src/loop/wait-adapter.js';
import type { WaitSignal, WaitSignalListener } from '../src/wait-signal.js';

/** The adapter for {@link WaitSignal} handles. */
export const signalAdapter: WaitAdapter<WaitSignal> = {
  arm(signal: WaitSignal, waiter: Waiter): number {
    if (signal.readable) return READY_NOW;
    signal._addListener(waiter as WaitSignalListener);
    return ARMED;
  },
  disarm(signal: WaitSignal, waiter: Waiter): void {
    signal._removeListener(waiter as WaitSignalListener);
  },
  readableNow(signal: WaitSignal): boolean {
    return signal.readable;
  },
};
