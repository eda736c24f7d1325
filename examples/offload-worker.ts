/**
 * A worker of the offload engine (offload-engine.ts), playing the crypto card: it sleeps on its
 * doorbell (`Atomics.wait`), derives the key of every slot queued to it with `pbkdf2Sync`, writes
 * the result into shared memory and signals the slot's eventfd, as the card raises its
 * completion interrupt.
 */
import { pbkdf2Sync } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { notifyFd } from 'asyncjob';
import { BUSY, DONE, FAILED, FIELDS, INPUT_BYTES, KEY_LENGTH } from './offload-engine.js';

const { id, fds, state, fields, doorbells, input, keys } = workerData as {
  id: number;
  fds: number[];
  state: Int32Array;
  fields: Int32Array;
  doorbells: Int32Array;
  input: Uint8Array;
  keys: Uint8Array;
};

function derive(slot: number): void {
  const [, iterations, pwLength, saltLength] = fields.subarray(slot * FIELDS, (slot + 1) * FIELDS);
  const at = slot * INPUT_BYTES;
  let outcome = DONE;
  try {
    const key = pbkdf2Sync(
      input.slice(at, at + pwLength!),
      input.slice(at + pwLength!, at + pwLength! + saltLength!),
      iterations!,
      KEY_LENGTH,
      'sha256',
    );
    keys.set(key, slot * KEY_LENGTH);
  } catch {
    outcome = FAILED;
  }
  Atomics.store(state, slot, outcome);
  notifyFd(fds[slot]!); // last: once the job has seen it, the slot is the engine's again
}

const asleep = doorbells.length / 2 + id;
parentPort!.postMessage('ready');
for (let seen = Atomics.load(doorbells, id); ; seen = Atomics.load(doorbells, id)) {
  for (let slot = 0; slot < fds.length; slot++) {
    if (Atomics.load(state, slot) === BUSY && Atomics.load(fields, slot * FIELDS) === id) derive(slot);
  }
  Atomics.store(doorbells, asleep, 1);
  Atomics.wait(doorbells, id, seen); // returns at once if rung since `seen` was read
  Atomics.store(doorbells, asleep, 0);
}
