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
import { ReusedBytes } from '../graph/json-bytes.js';

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
 * every header holds `—`, then copied again to normalise it). A row can be written in pieces
 * (`startLine`, then `out`), without a string for it.
 */
export class LinesBuilder {
  /** The bytes so far; a line's pieces are written here after `startLine`. */
  readonly out = new ReusedBytes();
  private count = 0;
  /** What `bytes()` returned without a copy: the builder is done. */
  private finished: Buffer | undefined;

  /** Appends a line; returns the 1-based byte offset where it starts. */
  line(text: string): number {
    const offset = this.startLine();
    this.out.write(text);
    return offset;
  }

  /** Starts a line whose pieces the caller writes to `out`; returns the 1-based byte offset where it starts. */
  startLine(): number {
    if (this.finished !== undefined) throw new Error('internal error: a line added to a table after its bytes were taken');
    if (this.count > 0) this.out.writeByte(0x0a);
    this.count++;
    return this.out.length + 1;
  }

  /** Overwrites the bytes from `at` (0-based) with ASCII `text`, which must replace ASCII of its length. */
  patch(at: number, text: string): void {
    this.out.patch(at, text);
  }

  /** The lines joined by newlines, as `normaliseText` leaves them (LF endings, one final newline). */
  text(): string {
    return normaliseText(this.out.bytes().toString('utf8'));
  }

  /**
   * `text()` as UTF-8: a view of the builder's own buffer where nothing needs normalising (no
   * copy of a 16 MB table), so nothing may be added after it.
   */
  bytes(): Buffer {
    if (this.finished !== undefined) return this.finished;
    // Nothing to normalise unless a line holds a CR or the text ends in whitespace: then as `text()` does.
    const written = this.out.bytes();
    const last = written.toString('utf8', written.lastIndexOf(0x0a) + 1);
    if (written.includes(0x0d) || last === '' || last.trimEnd() !== last) {
      const text = this.text();
      const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
      bytes.write(text, 'utf8');
      return bytes;
    }
    this.startLine(); // the final newline
    this.finished = this.out.bytes();
    return this.finished;
  }
}

/** A table field and the tab after it. */
export function writeField(out: ReusedBytes, value: string | number): void {
  if (typeof value === 'number') out.writeNumber(value);
  else out.write(value);
  out.writeByte(TAB);
}

/** A job's parents as a table field: their job numbers joined by `,`, `-` for none. */
export function writeParents(out: ReusedBytes, parents: readonly number[]): void {
  if (parents.length === 0) return out.writeByte(0x2d);
  for (let i = 0; i < parents.length; i++) {
    if (i > 0) out.writeByte(0x2c);
    out.writeNumber(parents[i]!);
  }
}

const TAB = 0x09;

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
  add(f: JobFacts, num: number): number {
    const group = this.groupNumber.get(f.group);
    const index = f.job.arrayIndex;
    if (group === undefined || index >= this.stride) throw new Error(`internal error: job ${f.job.id} is outside its stage's element layout`);
    // `group:index`, num, key, key path, fingerprint, parents, literals: tab-separated.
    const offset = this.rows.startLine();
    const out = this.rows.out;
    out.write(f.group);
    out.writeByte(0x3a);
    writeField(out, index);
    writeField(out, num);
    writeField(out, f.key);
    writeField(out, f.keyPath);
    const at = out.length;
    writeField(out, f.fingerprint);
    writeParents(out, f.job.parents);
    for (const piece of f.literals) {
      if (piece.fields === '') continue;
      out.writeByte(TAB);
      out.writeBytes(piece.fieldBytes);
    }
    this.slots.push(group, index, offset);
    this.count++;
    return f.fingerprint === PENDING_FINGERPRINT ? at : -1;
  }

  /** Ends the table (its `# end` trailer keeps whitespace at the last row's end); returns `.groups` and `.idx`. */
  finish(): { groups: string; index: string } {
    this.rows.line('# end');
    const index = new Array<number>(this.groupNumber.size * this.stride).fill(0);
    for (let i = 0; i < this.slots.length; i += 3) index[this.slots[i]! * this.stride + this.slots[i + 1]!] = this.slots[i + 2]!;
    return { groups: [`# ${this.header}`, ...this.groupNumber.keys()].join('\n'), index: offsetIndex(index) };
  }
}
