/**
 * JSON and other text written as UTF-8 bytes into a reused buffer, with no string per piece: a
 * job's fingerprint input (src/emit/jobs.ts), and plan.json's jobs (format-plan.ts), 100k of each
 * in a big compile, where building each as a string and encoding it was most of their cost.
 */

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

  /**
   * The UTF-8 of `JSON.stringify(text)` (`null` for undefined, as in an array): printable ASCII
   * copied here, a string with anything else (to escape, or not ASCII) through JSON.stringify.
   */
  writeJsonText(text: string | undefined): void {
    if (text === undefined) return this.write('null');
    const n = text.length;
    this.reserve(n + 2);
    const out = this.buffer;
    const at = this.size;
    out[at] = 0x22;
    for (let i = 0; i < n; i++) {
      const unit = text.charCodeAt(i);
      if (unit < 0x20 || unit >= 0x7f || unit === 0x22 || unit === 0x5c) return this.write(JSON.stringify(text));
      out[at + 1 + i] = unit;
    }
    out[at + 1 + n] = 0x22;
    this.size = at + n + 2;
  }

  /** As JSON.stringify writes a number: a safe integer's digits written here, `null` for NaN and the infinities. */
  writeNumber(value: number): void {
    if (!Number.isSafeInteger(value)) return this.write(Number.isFinite(value) ? String(value) : 'null');
    this.reserve(17); // a sign and 16 digits
    const out = this.buffer;
    let at = this.size;
    let rest = value;
    if (rest < 0) {
      out[at++] = 0x2d;
      rest = -rest;
    }
    let digits = 1;
    for (let m = rest; m >= 10; m = Math.floor(m / 10)) digits++;
    for (let i = at + digits - 1; i >= at; i--) {
      out[i] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.size = at + digits;
  }

  writeByte(byte: number): void {
    this.reserve(1);
    this.buffer[this.size++] = byte;
  }

  /** Overwrites the bytes from `at` with ASCII `text` (which must replace bytes already written). */
  patch(at: number, text: string): void {
    if (at < 0 || at + text.length > this.size) throw new Error(`internal error: patch at ${at} outside the bytes written`);
    for (let i = 0; i < text.length; i++) this.buffer[at + i] = text.charCodeAt(i);
  }

  writeBytes(bytes: Uint8Array): void {
    const n = bytes.length;
    this.reserve(n);
    if (n <= SHORT_TEXT) {
      // As in `write`: a few bytes are copied here for less than `set` costs.
      const out = this.buffer;
      const at = this.size;
      for (let i = 0; i < n; i++) out[at + i] = bytes[i]!;
    } else this.buffer.set(bytes, this.size);
    this.size += n;
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

  /** How many bytes were written since `reset`. */
  get length(): number {
    return this.size;
  }

  /** The bytes written since `reset`, valid until the next write. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.size);
  }
}


/**
 * `JSON.stringify` of strings that repeat from job to job, each made once: the names in plan.json
 * (stages, nodes, libraries, corners, groups, dimension values; 100k jobs name a few hundred) and
 * the literals in jobs' fingerprints (src/emit/jobs.ts). At most `MAX_KEPT` are kept.
 */
export class JsonStrings {
  private readonly known = new Map<string, string>();

  /** `undefined` is `null`, as JSON.stringify writes an array's undefined item. */
  json(text: string | undefined): string {
    if (text === undefined) return 'null';
    let json = this.known.get(text);
    if (json === undefined) {
      json = JSON.stringify(text);
      if (this.known.size < MAX_KEPT) this.known.set(text, json);
    }
    return json;
  }
}

const MAX_KEPT = 1 << 16;

/**
 * Text in pieces as one string. A piece of bytes holds whole UTF-8 characters and may be valid
 * only until the next piece is asked for (`planJsonPieces`).
 */
export function joinPieces(pieces: Iterable<string | Uint8Array>): string {
  let text = '';
  for (const piece of pieces) text += typeof piece === 'string' ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.length).toString('utf8');
  return text;
}
