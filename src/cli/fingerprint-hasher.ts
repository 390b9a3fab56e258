/**
 * The main thread's side of the fingerprint thread (`fingerprint-thread.ts`): a big compile's
 * `DeferredFingerprints`. A job's head is copied into a chunk handed over with the next message;
 * its deck's body is sent as where it lies in shared memory (`MessageParts`). `results` waits for the
 * thread (a blocking wait: the emitter that asks is synchronous) and reads the digits it wrote.
 */
import { Worker } from 'node:worker_threads';
import { deferredFingerprint, type DeferredFingerprints } from '../emit/fingerprint.js';
import { ReusedBytes } from '../graph/json-bytes.js';
import { MessageParts } from './message-parts.js';
import { threadScript } from './threads.js';
import type { FingerprintMessage } from './fingerprint-thread.js';

const CHUNK = 1 << 18;
const ITEMS_PER_MESSAGE = 256;
/** How long `results` waits without any fingerprint coming before it gives up on the thread. */
const STALL_MS = 60_000;

export class ThreadedFingerprints implements DeferredFingerprints {
  private readonly worker: Worker;
  /** `[done, failed]`, written by the thread. */
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private readonly digits: Buffer;
  private readonly parts = new MessageParts(CHUNK);
  /** The pending message's positions, and their heads' and bodies' parts. */
  private positions: number[] = [];
  private partNumbers: number[] = [];
  private readonly sent: number[] = [];
  /** Fingerprints made here: a body not in shared memory (none in a compile: kept for safety). */
  private readonly inLine = new Map<number, string>();
  private readonly into = new ReusedBytes();

  /** Starts the thread, for a plan of `jobs` jobs. */
  constructor(jobs: number) {
    const results = new SharedArrayBuffer(16 * Math.max(1, jobs));
    this.digits = Buffer.from(results);
    this.worker = new Worker(threadScript('fingerprint-thread'), { workerData: { state: this.state, results } });
    // Never keeps the process alive: the compile closes it, or exits.
    this.worker.unref();
  }

  add(position: number, head: Uint8Array, body: Uint8Array): void {
    if (!(body.buffer instanceof SharedArrayBuffer)) {
      this.inLine.set(position, deferredFingerprint(this.into, head, body));
      return;
    }
    if (!this.parts.fits(head.length)) this.flush(head.length);
    this.positions.push(position);
    this.parts.add(head, this.partNumbers);
    this.parts.add(body, this.partNumbers);
    this.sent.push(position);
    if (this.positions.length >= ITEMS_PER_MESSAGE) this.flush(0);
  }

  results(): ReadonlyMap<number, string> {
    this.flush(0);
    let seen = Atomics.load(this.state, 0);
    let waited = 0;
    while (seen < this.sent.length) {
      if (Atomics.load(this.state, 1) !== 0) throw new Error('internal error: the fingerprint thread failed');
      const waiting = Atomics.wait(this.state, 0, seen, 1000);
      const now = Atomics.load(this.state, 0);
      waited = now === seen && waiting === 'timed-out' ? waited + 1000 : 0;
      if (waited >= STALL_MS) throw new Error(`internal error: the fingerprint thread made no progress in ${STALL_MS / 1000} s`);
      seen = now;
    }
    const fingerprints = new Map(this.inLine);
    for (const position of this.sent) fingerprints.set(position, this.digits.toString('latin1', 16 * position, 16 * position + 16));
    return fingerprints;
  }

  /** Stops the thread. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  /** Sends what is pending; the next chunk has room for at least `room` bytes. */
  private flush(room: number): void {
    if (this.positions.length > 0) {
      const { chunk = new ArrayBuffer(0), shared } = this.parts.take(room);
      this.worker.postMessage({ positions: this.positions, parts: this.partNumbers, chunk, shared } satisfies FingerprintMessage, [chunk]);
      this.positions = [];
      this.partNumbers = [];
    }
    this.parts.reserve(room);
  }
}
