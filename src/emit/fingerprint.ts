/**
 * A job's fingerprint as bytes: the UTF-8 of its JSON (made in a reused buffer, a deck's body
 * escaped into it from its own UTF-8) and its sha256. Apart from the facts (`jobs.ts`) so that a
 * thread of a big compile can hash fingerprints with this module alone.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

/**
 * Where the fingerprints of jobs with a deck (the bulk of the bytes hashed: the deck escaped into
 * the job's JSON) may be hashed instead of in line — a thread of a big compile. Their facts carry
 * `PENDING_FINGERPRINT`, to be replaced by `results()` before any table is read.
 */
export interface DeferredFingerprints {
  /** The fingerprint of job `position`: of `head` (to copy: the caller reuses it), the JSON string of the deck's UTF-8 `body`, and `}`. */
  add(position: number, head: Uint8Array, body: Uint8Array): void;
  /** Every added job's fingerprint (as `fingerprintOf` makes it), by position; waits for them. */
  results(): ReadonlyMap<number, string>;
}

/** A fingerprint still to come (`DeferredFingerprints`): as long as one, and never one (not hex). */
export const PENDING_FINGERPRINT = '????????????????';

/** A job's fingerprint from its JSON's UTF-8: the first 8 bytes of its sha256, in hex. */
export function fingerprintOf(json: Uint8Array): string {
  return sha256Hex(json).slice(0, 16);
}

/** `fingerprintOf` of a deferred job's JSON: `head`, the deck `body` as a JSON string, `}` (`into` is reused). */
export function deferredFingerprint(into: ReusedBytes, head: Uint8Array, body: Uint8Array): string {
  into.reset();
  into.writeBytes(head);
  into.writeJsonString(body);
  into.write('}');
  return fingerprintOf(into.bytes());
}

/** The character after `\\` of JSON.stringify's two-character escapes, by the escaped byte. */
const JSON_SHORT_ESCAPES = new Uint8Array(0x80);
for (const [byte, escape] of [
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [0x22, '"'],
  [0x5c, '\\'],
] as const) {
  JSON_SHORT_ESCAPES[byte] = escape.charCodeAt(0);
}
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** Up to this many UTF-16 units, `ReusedBytes.write` copies ASCII itself (a micro benchmark: 4× faster at 16 units, slower from about 40). */
const SHORT_TEXT = 24;

/** UTF-8 bytes written one string after another into a buffer that is reused (and grows). */
export class ReusedBytes {
  private buffer = Buffer.allocUnsafeSlow(1 << 16);
  private size = 0;

  reset(): void {
    this.size = 0;
  }

  write(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.reserve(text.length * 3);
    const n = text.length;
    if (n <= SHORT_TEXT) {
      // A deck's values (`{{corner.name}}`): a native write costs more than copying a few ASCII units here.
      const out = this.buffer;
      const at = this.size;
      let i = 0;
      for (; i < n; i++) {
        const unit = text.charCodeAt(i);
        if (unit >= 0x80) break;
        out[at + i] = unit;
      }
      this.size += i === n ? n : i + out.write(text.slice(i), at + i, 'utf8');
      return;
    }
    this.size += this.buffer.write(text, this.size, 'utf8');
  }

  writeBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.size);
    this.size += bytes.length;
  }

  /**
   * The UTF-8 of `JSON.stringify(text)`, from the UTF-8 of a well-formed `text`: quotes around it,
   * `"` and `\\` escaped, and the control characters below U+0020 written as JSON.stringify writes
   * them (`\\n`, `\\u001f`); every other byte as it is (JSON.stringify escapes nothing else in a
   * string without lone surrogates).
   */
  writeJsonString(text: Uint8Array): void {
    this.reserve(text.length * 6 + 2);
    const out = this.buffer;
    let at = this.size;
    out[at++] = 0x22;
    for (let i = 0; i < text.length; i++) {
      const byte = text[i]!;
      if (byte >= 0x20 && byte !== 0x22 && byte !== 0x5c) {
        out[at++] = byte;
        continue;
      }
      out[at++] = 0x5c;
      const short = JSON_SHORT_ESCAPES[byte];
      if (short !== 0) out[at++] = short!;
      else {
        out[at++] = 0x75; // \u00XX, lower-case hex
        out[at++] = 0x30;
        out[at++] = 0x30;
        out[at++] = HEX_DIGITS[byte >> 4]!;
        out[at++] = HEX_DIGITS[byte & 15]!;
      }
    }
    out[at++] = 0x22;
    this.size = at;
  }

  private reserve(room: number): void {
    if (this.size + room <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(2 * this.buffer.length, this.size + room));
    this.buffer.copy(bigger, 0, 0, this.size);
    this.buffer = bigger;
  }

  /** The bytes written since `reset`, valid until the next write. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.size);
  }
}

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: 'hex') => string;
/** `crypto.hash` (Node 20.12 and later: one call, no hash object), else null (a `Hash`); looked up on first use, so that runs that hash nothing never load crypto. */
let oneShotHash: OneShotHash | null | undefined;

/** In hex: made by crypto as a string, without a Buffer to convert (2.5× faster for a job's JSON in a micro benchmark). */
function sha256Hex(bytes: Uint8Array): string {
  // Through `require`, not a namespace import: the bundler would copy the whole module (loading it) when the CLI loads.
  if (oneShotHash === undefined) oneShotHash = (createRequire(import.meta.url)('node:crypto') as { hash?: OneShotHash }).hash ?? null;
  return oneShotHash === null ? createHash('sha256').update(bytes).digest('hex') : oneShotHash('sha256', bytes, 'hex');
}

