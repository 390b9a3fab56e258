/**
 * The bytes the next message to a compile's thread carries (`stage-writer.ts`,
 * `fingerprint-hasher.ts`). A part in shared memory (a deck's body, where the analysis rendered
 * it: `ByteArena`) is sent as where it lies: its buffer is numbered once, and sent with the first
 * message that needs it. Any other part is copied into a chunk that is handed over (transferred)
 * with the message. A part is three numbers, `[source, start, end]`: source -1 is the message's
 * chunk, k ≥ 0 the k-th shared buffer of all messages so far (`partOf` in the thread).
 */
/** Numbers per part. */
export const PART = 3;

export class MessageParts {
  private readonly sharedIds = new Map<SharedArrayBuffer, number>();
  private newShared: SharedArrayBuffer[] = [];
  private chunk: Buffer;
  private used = 0;

  constructor(private readonly size: number) {
    this.chunk = Buffer.allocUnsafeSlow(size);
  }

  /** How many bytes the copied parts of `parts` take in a chunk. */
  static copied(parts: readonly Uint8Array[]): number {
    return parts.reduce((size, part) => size + (part.buffer instanceof SharedArrayBuffer ? 0 : part.length), 0);
  }

  /** Whether `bytes` more can be copied into this message's chunk. */
  fits(bytes: number): boolean {
    return this.used + bytes <= this.chunk.length;
  }

  /** Adds `part`'s three numbers to `into` (copying it into the chunk unless it is shared; `fits` must have said so). */
  add(part: Uint8Array, into: number[]): void {
    if (part.buffer instanceof SharedArrayBuffer) {
      into.push(this.sharedId(part.buffer), part.byteOffset, part.byteOffset + part.length);
      return;
    }
    this.chunk.set(part, this.used);
    into.push(-1, this.used, this.used + part.length);
    this.used += part.length;
  }

  /**
   * What the message carries: its chunk, to transfer (none when nothing was copied), and the
   * shared buffers new to the thread. The next message's chunk has room for at least `room` bytes.
   */
  take(room = 0): { chunk?: ArrayBuffer; shared: SharedArrayBuffer[] } {
    const chunk = this.used === 0 ? undefined : (this.chunk.buffer as ArrayBuffer);
    const shared = this.newShared;
    this.newShared = [];
    if (chunk !== undefined || this.chunk.length < room) this.chunk = Buffer.allocUnsafeSlow(Math.max(this.size, room));
    this.used = 0;
    return { ...(chunk === undefined ? {} : { chunk }), shared };
  }

  /** Makes room for `bytes` in an empty chunk (a part bigger than a chunk). */
  reserve(bytes: number): void {
    if (this.used === 0 && this.chunk.length < bytes) this.chunk = Buffer.allocUnsafeSlow(bytes);
  }

  private sharedId(buffer: SharedArrayBuffer): number {
    let id = this.sharedIds.get(buffer);
    if (id === undefined) {
      this.sharedIds.set(buffer, (id = this.sharedIds.size));
      this.newShared.push(buffer);
    }
    return id;
  }
}

/** A part's bytes in the thread: `[source, start, end]` from `numbers` at `at`, in the message's `chunk` or the shared buffers received so far. */
export function partOf(numbers: readonly number[], at: number, chunk: Uint8Array | undefined, shared: readonly Uint8Array[]): Uint8Array {
  const source = numbers[at]!;
  return (source < 0 ? chunk! : shared[source]!).subarray(numbers[at + 1], numbers[at + 2]);
}
