/**
 * Data tables addressed by position, so a job wrapper reads its own row without reading the
 * whole table (start-up independent of the number of jobs): a table's rows are lines, and a
 * fixed-width index (`.idx`) holds the byte offset of each row, record `n` at byte `n * 12`
 * (11 digits, 1-based for `tail -c +OFFSET`, `0` for no row, then a newline). lib/runtime.sh
 * reads a record with `tail -c +… | head -c 11`, then the row with `tail -c +OFFSET | head -n 1`.
 */
import { PENDING_FINGERPRINT } from './fingerprint.js';
import type { JobFacts } from './jobs.js';
import type { ElementLayout } from '../submission/plan.js';
import { normaliseText } from './render.js';

export const INDEX_RECORD = 12;
const DIGITS = INDEX_RECORD - 1;

/** Lines joined by newlines, with the 1-based byte offset where each line in `rows` starts. */
export interface OffsetTable {
  readonly text: string;
  /** rows[i]'s byte offset (1-based), in the order given. */
  readonly offsets: readonly number[];
}

/** Header lines, then rows, then trailer lines (which keep whitespace at a row's end from being trimmed). */
export function offsetTable(header: readonly string[], rows: readonly string[], trailer: readonly string[] = []): OffsetTable {
  const lines = new LinesBuilder();
  for (const line of header) lines.line(line);
  const offsets = rows.map((row) => lines.line(row));
  for (const line of trailer) lines.line(line);
  return { text: lines.text(), offsets };
}

/**
 * A table's text built as UTF-8 bytes a line at a time, each line's byte offset known as it is
 * added: 100k rows without an array of 100k strings and their joined copy (two-byte in V8, as
 * every header holds `—`, then copied again to normalise it).
 */
export class LinesBuilder {
  private buffer = Buffer.allocUnsafeSlow(1 << 16);
  private size = 0;
  private count = 0;
  private last = '';
  private carriageReturn = false;
  /** What `bytes()` returned without a copy: the builder is done. */
  private finished: Buffer | undefined;

  /** Appends a line; returns the 1-based byte offset where it starts. */
  line(text: string): number {
    if (this.finished !== undefined) throw new Error('internal error: a line added to a table after its bytes were taken');
    const room = 1 + text.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (this.size + room > this.buffer.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(2 * this.buffer.length, this.size + room));
      this.buffer.copy(bigger, 0, 0, this.size);
      this.buffer = bigger;
    }
    if (this.count > 0) this.buffer[this.size++] = 0x0a;
    const offset = this.size + 1;
    this.size += this.buffer.write(text, this.size, 'utf8');
    this.count++;
    this.last = text;
    if (text.includes('\r')) this.carriageReturn = true;
    return offset;
  }

  /** Overwrites the bytes from `at` (0-based) with ASCII `text`, which must replace ASCII of its length. */
  patch(at: number, text: string): void {
    if (at < 0 || at + text.length > this.size) throw new Error(`internal error: patch at ${at} outside the table`);
    this.buffer.write(text, at, 'latin1');
  }

  /** The lines joined by newlines, as `normaliseText` leaves them (LF endings, one final newline). */
  text(): string {
    return normaliseText(this.buffer.toString('utf8', 0, this.size));
  }

  /**
   * `text()` as UTF-8: a view of the builder's own buffer where nothing needs normalising (no
   * copy of a 16 MB table), so nothing may be added after it.
   */
  bytes(): Buffer {
    if (this.finished !== undefined) return this.finished;
    // Nothing to normalise unless a line holds a CR or the text ends in whitespace: then as `text()` does.
    if (this.carriageReturn || this.last === '' || this.last.trimEnd() !== this.last) {
      const text = this.text();
      const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
      bytes.write(text, 'utf8');
      return bytes;
    }
    this.line(''); // the final newline
    this.finished = this.buffer.subarray(0, this.size);
    return this.finished;
  }
}

/** A fixed-width index: record i is `slots[i]` (a byte offset, or 0 for none). */
export function offsetIndex(slots: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < slots.length; i++) {
    const digits = String(slots[i]);
    if (digits.length > DIGITS) throw new Error(`offset ${digits} does not fit an index record`);
    out += `${'0'.repeat(DIGITS - digits.length)}${digits}\n`;
  }
  return out;
}

/**
 * The element table of one stage: `lib/elements/<stage>.groups` (its array groups, one a line
 * after the header: group g is line g + 2), `.tsv` (a row per job: selector `group:index`, job
 * number, key, key path, fingerprint, parents, then `name=value` literals, values escaped by
 * `tsvEscape`) and `.idx` (slot `g * stride + index` → the row's offset). Rows are added a job
 * at a time (`add`), so the jobs' facts need not be kept.
 */
export class ElementTable {
  readonly rows = new LinesBuilder();
  private readonly groupNumber: ReadonlyMap<string, number>;
  /** Group number, array index and row offset of each row. */
  private readonly slots: number[] = [];
  /** Largest array index + 1: slots per group. */
  readonly stride: number;
  count = 0;

  /** `layout`: the stage's groups and stride, as the submission plan numbers them (batches address rows by them); none for a stage without jobs. */
  constructor(
    private readonly header: string,
    layout: ElementLayout = { groups: new Map(), stride: 1 },
  ) {
    this.groupNumber = layout.groups;
    this.stride = layout.stride;
    this.rows.line(`# ${header}`);
    this.rows.line('# selector\tnum\tkey\tkey_path\tfingerprint\tparents\tname=value...');
  }

  /** Adds the job's row; returns the byte where its fingerprint starts when it is still to come (for `LinesBuilder.patch`), else -1. */
  add(f: JobFacts, num: number, parents: string): number {
    const group = this.groupNumber.get(f.group);
    if (group === undefined || f.job.arrayIndex >= this.stride) throw new Error(`internal error: job ${f.job.id} is outside its stage's element layout`);
    const literals = f.literalFields === '' ? '' : `\t${f.literalFields}`;
    const before = `${f.group}:${f.job.arrayIndex}\t${num}\t${f.key}\t${f.keyPath}\t`;
    const offset = this.rows.line(`${before}${f.fingerprint}\t${parents}${literals}`);
    this.slots.push(group, f.job.arrayIndex, offset);
    this.count++;
    return f.fingerprint === PENDING_FINGERPRINT ? offset - 1 + Buffer.byteLength(before) : -1;
  }

  /** Ends the table (its `# end` trailer keeps whitespace at the last row's end); returns `.groups` and `.idx`. */
  finish(): { groups: string; index: string } {
    this.rows.line('# end');
    const index = new Array<number>(this.groupNumber.size * this.stride).fill(0);
    for (let i = 0; i < this.slots.length; i += 3) index[this.slots[i]! * this.stride + this.slots[i + 1]!] = this.slots[i + 2]!;
    return { groups: [`# ${this.header}`, ...this.groupNumber.keys()].join('\n'), index: offsetIndex(index) };
  }
}
