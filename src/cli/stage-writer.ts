/**
 * The main thread's side of the writer thread (`writer-thread.ts`). A file is sent as parts
 * (`MessageParts`: a deck's body where it lies in shared memory, anything else copied into a
 * chunk handed over with the message). Messages go every few hundred files, so the thread writes
 * while the main thread goes on; `finish` waits for the sha256 of every file. A file made in pieces (plan.json, 50 MB
 * at 100k jobs) is streamed: its chunks are handed over as they are encoded, at most
 * `STREAM_IN_FLIGHT` bytes of them not yet written, so a slow disk does not make the main thread
 * hold the whole file.
 */
import { Worker } from 'node:worker_threads';
import { MessageParts } from './message-parts.js';
import { threadScript } from './threads.js';
import type { WriterFile, WriterMessage, WriterReply } from './writer-thread.js';

const CHUNK = 1 << 16;
const FILES_PER_MESSAGE = 256;
/** A streamed file's chunks: their size, and how many bytes of them may wait for the thread. */
export const STREAM_CHUNK = 1 << 20;
const STREAM_IN_FLIGHT = 8 * STREAM_CHUNK;

/** A file system error the writer thread met, as the main thread would have thrown it. */
export class WriterError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export class StageWriter {
  /** The paths sent so far. */
  readonly paths = new Set<string>();
  private readonly worker: Worker;
  private readonly reply: Promise<Map<string, string>>;
  private readonly parts = new MessageParts(CHUNK);
  private files: WriterFile[] = [];
  /** Streamed bytes sent and not yet written, and who waits for fewer. */
  private inFlight = 0;
  private waiting: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  private failure: unknown;
  /**
   * Chunks the thread has written, handed back to be filled again: a chunk left to the thread's
   * collector would count as garbage only when its heap is collected, and its small heap is not
   * while it only writes (tens of MB of chunks, alive until then).
   */
  private readonly spare: ArrayBuffer[] = [];
  /** Files sent in messages so far; how many of them the thread has written is `progress[0]`. */
  private sentFiles = 0;
  private readonly progress = new Int32Array(new SharedArrayBuffer(4));
  /** How many chunk buffers `stream` has made (the rest were handed back and reused). */
  chunksMade = 0;

  /** Starts the thread, writing into `stage` (whose directories its parent makes before it sends a file there). */
  constructor(stage: string) {
    // A small young generation: the thread's garbage (a hash and a few arrays a file) stays small.
    this.worker = new Worker(threadScript('writer-thread'), { workerData: { stage, progress: this.progress }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    this.reply = new Promise((resolve, reject) => {
      const fail = (error: unknown) => {
        this.failure ??= error;
        this.waiting?.reject(error);
        this.waiting = undefined;
        reject(error);
      };
      this.worker.on('message', (reply: WriterReply) => {
        if ('written' in reply) {
          this.inFlight -= reply.written;
          if (reply.chunk.byteLength === STREAM_CHUNK) this.spare.push(reply.chunk);
          this.waiting?.resolve();
          this.waiting = undefined;
        } else if ('error' in reply) fail(new WriterError(reply.error.message, reply.error.code));
        else resolve(new Map(reply.hashes));
      });
      this.worker.on('error', fail);
      this.worker.on('exit', (code) => fail(new WriterError(`the writer thread stopped (exit code ${code}) before it had written every file`)));
    });
    // Seen by `finish`; after `abandon` nobody waits for it.
    this.reply.catch(() => {});
  }

  /** Sends the file made of `parts`, one after another. */
  put(path: string, parts: readonly Uint8Array[], mode: number): void {
    this.paths.add(path);
    const copied = MessageParts.copied(parts);
    if (!this.parts.fits(copied)) this.flush(copied);
    const segments: number[] = [];
    for (const part of parts) this.parts.add(part, segments);
    this.files.push([path, mode, segments]);
    if (this.files.length >= FILES_PER_MESSAGE) this.flush(0);
  }

  /**
   * Sends a file made a chunk at a time: `make` is given where to put each chunk's bytes (a
   * buffer of `STREAM_CHUNK` bytes: one the thread has written and handed back, or a new one) and
   * yields each chunk as a view from the start of such a buffer, or as a buffer of its own. Each
   * is handed over to the thread. Resolves when the last is sent; rejects with the thread's failure.
   */
  async stream(path: string, mode: number, make: (buffer: () => Buffer) => Iterable<Uint8Array>): Promise<void> {
    this.paths.add(path);
    this.flush(0);
    this.worker.postMessage({ stream: path, mode } satisfies WriterMessage);
    const buffer = () => {
      const spare = this.spare.pop();
      if (spare !== undefined) return Buffer.from(spare);
      this.chunksMade++;
      return Buffer.allocUnsafeSlow(STREAM_CHUNK);
    };
    for (const bytes of make(buffer)) {
      const chunk = bytes.buffer as ArrayBuffer;
      if (bytes.byteOffset !== 0 || bytes.buffer instanceof SharedArrayBuffer) throw new Error('internal error: a streamed chunk must start its own buffer');
      const length = bytes.length; // `bytes` is empty once its buffer is handed over
      this.worker.postMessage({ stream: path, mode, chunk, length } satisfies WriterMessage, [chunk]);
      this.inFlight += length;
      while (this.inFlight > STREAM_IN_FLIGHT) {
        if (this.failure !== undefined) throw this.failure;
        await new Promise<void>((resolve, reject) => (this.waiting = { resolve, reject }));
      }
    }
    this.worker.postMessage({ stream: path, mode, end: true } satisfies WriterMessage);
  }

  /**
   * How many files `put` so far the thread has still to write (streamed files not counted). On a
   * slow disk (creating a file takes longer than making one) the thread lags behind, and the main
   * thread had better write some files itself, in parallel, than queue them.
   */
  get backlog(): number {
    return this.sentFiles + this.files.length - Atomics.load(this.progress, 0);
  }

  /** Every file's sha256, once the thread has written them all; rejects with its first failure. */
  async finish(): Promise<Map<string, string>> {
    this.flush(0);
    this.worker.postMessage({ done: true } satisfies WriterMessage);
    try {
      return await this.reply;
    } finally {
      await this.worker.terminate();
    }
  }

  /** Stops the thread; when this resolves, it writes no more. */
  async abandon(): Promise<void> {
    await this.worker.terminate();
  }

  /** Sends what is pending; the next chunk has room for at least `room` bytes. */
  private flush(room: number): void {
    if (this.files.length > 0) {
      const { chunk, shared } = this.parts.take(room);
      this.worker.postMessage({ files: this.files, shared, ...(chunk === undefined ? {} : { chunk }) } satisfies WriterMessage, chunk === undefined ? [] : [chunk]);
      this.sentFiles += this.files.length;
      this.files = [];
    }
    this.parts.reserve(room);
  }
}
