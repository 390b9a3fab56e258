/**
 * Data tables addressed by position, so a job wrapper reads its own row without reading the
 * whole table (start-up independent of the number of jobs): a table's rows are lines, and a
 * fixed-width index (`.idx`) holds the byte offset of each row, record `n` at byte `n * 12`
 * (11 digits, 1-based for `tail -c +OFFSET`, `0` for no row, then a newline). lib/runtime.sh
 * reads a record with `tail -c +… | head -c 11`, then the row with `tail -c +OFFSET | head -n 1`.
 */
import type { JobFacts } from './jobs.js';

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
  let offset = 1;
  for (const line of header) offset += Buffer.byteLength(line, 'utf8') + 1;
  const offsets: number[] = [];
  for (const row of rows) {
    offsets.push(offset);
    offset += Buffer.byteLength(row, 'utf8') + 1;
  }
  return { text: [...header, ...rows, ...trailer].join('\n'), offsets };
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
 * `tsvEscape`) and `.idx` (slot `g * stride + index` → the row's offset).
 */
export interface ElementTable {
  readonly groups: string;
  readonly rows: string;
  readonly index: string;
  /** Largest array index + 1: slots per group. */
  readonly stride: number;
}

export function elementTable(mine: readonly { readonly f: JobFacts; readonly num: number }[], header: string): ElementTable {
  const groupNumber = new Map<string, number>();
  let stride = 1;
  for (const { f } of mine) {
    if (!groupNumber.has(f.group)) groupNumber.set(f.group, groupNumber.size);
    stride = Math.max(stride, f.job.arrayIndex + 1);
  }
  const rows = mine.map(({ f, num }) =>
    [
      `${f.group}:${f.job.arrayIndex}`,
      num,
      f.key,
      f.keyPath,
      f.fingerprint,
      f.job.parents.join(',') || '-',
      ...(f.literalFields === '' ? [] : [f.literalFields]),
    ].join('\t'),
  );
  const table = offsetTable([`# ${header}`, '# selector\tnum\tkey\tkey_path\tfingerprint\tparents\tname=value...'], rows, ['# end']);
  const slots = new Array<number>(groupNumber.size * stride).fill(0);
  mine.forEach(({ f }, i) => {
    slots[groupNumber.get(f.group)! * stride + f.job.arrayIndex] = table.offsets[i]!;
  });
  return {
    groups: [`# ${header}`, ...groupNumber.keys()].join('\n'),
    rows: table.text,
    index: offsetIndex(slots),
    stride,
  };
}
