/**
 * The wait-handle adapters, registered with the loop on import, and the fd helpers of the
 * native addon.
 */
import { registerAdapters } from '../src/loop/wait-adapter.js';
import { fdAdapter } from './fd.js';
import { signalAdapter } from './signal.js';
import { streamAdapter } from './stream.js';

registerAdapters({ fd: fdAdapter, stream: streamAdapter, signal: signalAdapter });

export { pipe, socketpair, eventfd, notifyFd, drainFd, closeFd, isFdReadable } from './native.js';
export { watchedFdCount } from './fd.js';
