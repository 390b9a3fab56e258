/**
 * The fingerprint thread of a big compile (`fingerprint-hasher.ts`): hashes the fingerprints of
 * the jobs with decks — each job's JSON head, its deck's body escaped as a JSON string, `}` — the
 * bulk of the bytes a compile hashes, while the main thread makes the tables.
 *
 * Messages in: `{ positions, parts, chunk, shared }`: for each job's position, two parts
 * `[source, start, end]` in `parts`, its JSON head and its deck's body (`MessageParts`: the head
 * copied into `chunk`, the body where the analysis rendered it, in shared memory). Out, through `workerData`'s shared memory: each fingerprint's 16 hex
 * digits at `16 × position` of `results`, then `state[0]` (done) grows by one and is notified; on
 * a failure `state[1]` becomes 1 (and is notified) and nothing more is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { deferredFingerprint } from '../emit/fingerprint.js';
import { ReusedBytes } from '../graph/json-bytes.js';
import { PART, partOf } from './message-parts.js';

export type FingerprintMessage = { readonly positions: readonly number[]; readonly parts: readonly number[]; readonly chunk: ArrayBuffer; readonly shared: readonly SharedArrayBuffer[] };

if (parentPort !== null) {
  const { state, results } = workerData as { state: Int32Array; results: SharedArrayBuffer };
  const digits = Buffer.from(results);
  const shared: Uint8Array[] = [];
  const into = new ReusedBytes();
  parentPort.on('message', (message: FingerprintMessage) => {
    if (Atomics.load(state, 1) !== 0) return;
    try {
      for (const buffer of message.shared) shared.push(new Uint8Array(buffer));
      const chunk = new Uint8Array(message.chunk);
      const { positions, parts } = message;
      for (let k = 0; k < positions.length; k++) {
        const head = partOf(parts, 2 * PART * k, chunk, shared);
        const body = partOf(parts, 2 * PART * k + PART, chunk, shared);
        digits.write(deferredFingerprint(into, head, body), 16 * positions[k]!, 'latin1');
        Atomics.add(state, 0, 1);
      }
    } catch {
      Atomics.store(state, 1, 1);
    }
    Atomics.notify(state, 0);
  });
}
