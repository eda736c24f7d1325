/**
 * A worker of the offload engine (offload-engine.ts), playing the crypto card: it sleeps on the
 * doorbell (`Atomics.wait`), claims queued slots (any worker may take any slot), derives each key
 * with `pbkdf2Sync`, writes the result into shared memory and signals the slot's eventfd, as the
 * card raises its completion interrupt.
 */
import { pbkdf2Sync } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { notifyFd } from 'asyncjob';
import { BELL, BUSY, CLAIMED, DONE, FAILED, FIELDS, INPUT_BYTES, KEY_LENGTH, SLEEPERS } from './offload-engine.js';

const { fds, state, fields, doorbell, input, keys } = workerData as {
  fds: number[];
  state: Int32Array;
  fields: Int32Array;
  doorbell: Int32Array;
  input: Uint8Array;
  keys: Uint8Array;
};

function derive(slot: number): void {
  const [iterations, pwLength, saltLength] = fields.subarray(slot * FIELDS, (slot + 1) * FIELDS);
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

parentPort!.postMessage('ready');
for (;;) {
  const rung = Atomics.load(doorbell, BELL);
  let claimed = 0;
  for (let slot = 0; slot < fds.length; slot++) {
    if (Atomics.compareExchange(state, slot, BUSY, CLAIMED) === BUSY) {
      derive(slot);
      claimed++;
    }
  }
  if (claimed > 0) continue; // more may have come meanwhile
  Atomics.add(doorbell, SLEEPERS, 1);
  Atomics.wait(doorbell, BELL, rung); // returns at once if rung since `rung` was read
  Atomics.sub(doorbell, SLEEPERS, 1);
}
