/**
 * The fingerprint thread of a big compile (`fingerprint-hasher.ts`): hashes the fingerprints of
 * the jobs with decks — each job's JSON head, its deck's body escaped as a JSON string, `}` — the
 * bulk of the bytes a compile hashes, while the main thread makes the tables.
 *
 * Messages in: `{ items, chunk, shared }`. Each item is six numbers: the job's position, where its
 * head lies in `chunk` (start, end: bytes copied for it, transferred), and where its deck's body
 * lies in shared memory (k-th buffer of all messages' `shared` lists, start, end: read where the
 * analysis rendered it). Out, through `workerData`'s shared memory: each fingerprint's 16 hex
 * digits at `16 × position` of `results`, then `state[0]` (done) grows by one and is notified; on
 * a failure `state[1]` becomes 1 (and is notified) and nothing more is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { deferredFingerprint, ReusedBytes } from '../emit/fingerprint.js';

export type FingerprintMessage = { readonly items: readonly number[]; readonly chunk: ArrayBuffer; readonly shared: readonly SharedArrayBuffer[] };

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
      const items = message.items;
      for (let i = 0; i < items.length; i += 6) {
        const head = chunk.subarray(items[i + 1], items[i + 2]);
        const body = shared[items[i + 3]!]!.subarray(items[i + 4], items[i + 5]);
        digits.write(deferredFingerprint(into, head, body), 16 * items[i]!, 'latin1');
        Atomics.add(state, 0, 1);
      }
    } catch {
      Atomics.store(state, 1, 1);
    }
    Atomics.notify(state, 0);
  });
}
