/**
 * A worker of the offload engine (offload-engine.ts): derives keys with `pbkdf2Sync`, writes
 * them into the shared key buffer and signals the slot's eventfd, as a crypto card raises its
 * completion interrupt. A slot abandoned meanwhile (its job timed out) is handed back by message.
 */
import { pbkdf2Sync } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { notifyFd } from 'asyncjob';
import { ABANDONED, BUSY, DONE, FAILED, KEY_LENGTH } from './offload-engine.js';

interface Request {
  slot: number;
  password: string;
  salt: string;
  iterations: number;
}
const { fds, state, keys } = workerData as { fds: number[]; state: SharedArrayBuffer; keys: SharedArrayBuffer };
const states = new Int32Array(state);
const keyBytes = new Uint8Array(keys);

parentPort!.on('message', ({ slot, password, salt, iterations }: Request) => {
  let outcome = DONE;
  try {
    keyBytes.set(pbkdf2Sync(password, salt, iterations, KEY_LENGTH, 'sha256'), slot * KEY_LENGTH);
  } catch {
    outcome = FAILED;
  }
  if (Atomics.compareExchange(states, slot, BUSY, outcome) === ABANDONED) parentPort!.postMessage(slot);
  else notifyFd(fds[slot]!);
});
parentPort!.postMessage('ready');
