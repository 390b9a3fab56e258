/**
 * A big re-compile checks its generated directory on a thread while the analysis runs
 * (verify-thread.ts): the no-change fast path then costs about what `plan` costs. The thread
 * does what `verifyUnchanged` does but compare the manifest's `# inputs` with the analysis',
 * which `outcome` does once the analysis is done. A writing compile holds the directory's lock
 * from the start of the thread to its outcome, as `verifyUnchanged` is run under it.
 */
import { Worker } from 'node:worker_threads';
import { manifestRecords } from './manifest.js';
import { acquireLock } from './output-lock.js';
import { threadScript } from './threads.js';
import type { VerifyReply } from './verify-thread.js';

export class Verifier {
  private readonly worker: Worker;
  private readonly reply: Promise<VerifyReply | undefined>;
  private release: (() => void) | undefined;

  /** Starts verifying `dir`; with `record` (a writing compile) under its lock, and updating the stat index. Undefined when the lock is held. */
  static start(dir: string, record: boolean): Verifier | undefined {
    let release: (() => void) | undefined;
    if (record) {
      try {
        release = acquireLock(dir);
      } catch {
        return undefined; // held: the compile verifies (and refuses) later, as without the thread
      }
    }
    try {
      return new Verifier(dir, record, release);
    } catch {
      release?.(); // no thread to be had (a resource limit): the compile verifies itself
      return undefined;
    }
  }

  private constructor(
    readonly dir: string,
    record: boolean,
    release: (() => void) | undefined,
  ) {
    this.release = release;
    this.worker = new Worker(threadScript('verify-thread'), { workerData: { dir, record } });
    // A thread that dies answers nothing: the caller then verifies itself.
    this.reply = new Promise((resolve) => {
      this.worker.on('message', resolve);
      this.worker.on('error', () => resolve(undefined));
      this.worker.on('exit', () => resolve(undefined));
    });
  }

  /**
   * What `verifyUnchanged(dir, header, inputs)` would have returned, or undefined when the thread
   * failed (the caller verifies itself, and meets the failure). Releases the lock.
   */
  async outcome(header: string, inputs: () => string, note: (text: string) => void): Promise<{ files: number; trusted: number } | { reason: string } | undefined> {
    const reply = await this.reply;
    await this.close();
    if (reply === undefined || 'error' in reply) return undefined;
    for (const text of reply.notes) note(text);
    const { text, ...result } = reply.result;
    // The inputs first, as verifyUnchanged checks them first.
    const differ = text === undefined ? undefined : manifestRecords(text, header, inputs());
    return differ === undefined ? result : { reason: differ };
  }

  /**
   * Lets the thread finish (its work is bounded; stopped half-way, it could leave the stat index's
   * temporary file behind), then releases the lock. Idempotent.
   */
  async close(): Promise<void> {
    await this.reply;
    await this.worker.terminate();
    this.release?.();
    this.release = undefined;
  }
}
