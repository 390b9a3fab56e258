// The element and job tables: values survive the TSV escaping through bash's `printf %b`
// (assigned, never evaluated), and the fixed-width index addresses each row by byte offset,
// multi-byte characters included, as lib/runtime.sh reads it (`tail -c +N | head`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsvEscape } from '../../src/emit/shell.js';
import { INDEX_RECORD, LinesBuilder, offsetIndex, offsetTable } from '../../src/emit/tables.js';
import { normaliseText } from '../../src/emit/render.js';

const HOSTILE = [
  'plain',
  '',
  "it's",
  'a\tb',
  'line\nbreak\n',
  'cr\r\n',
  '$(touch /tmp/pwned) `id` ${HOME}',
  '\\c stops %b output, \\x41 is not A, \\n is not a newline, \\\\',
  '%s %d %%',
  '-n',
  'trailing space ',
  'ünïcødé — …',
  '\u0001\u001f\u007f',
];

describe('tsvEscape', () => {
  it('leaves no tab or newline in a field, and bash decodes every value exactly with printf %b', () => {
    for (const value of HOSTILE) expect(tsvEscape(value)).not.toMatch(/[\t\n\r]/);
    const script = 'while IFS= read -r field; do printf -v value %b "$field"; printf "%s\\0" "$value"; done';
    const r = spawnSync('bash', ['-c', script], { input: `${HOSTILE.map(tsvEscape).join('\n')}\n`, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
  });
});

describe('offset tables', () => {
  it('addresses each row by the byte offset its index record holds', () => {
    const rows = ['0\tfirst', '1\tsecond — with a multi-byte dash', '2\tthird …', '3\tlast'];
    const table = offsetTable(['# header — with a dash', '# columns'], rows, ['# end']);
    const dir = mkdtempSync(join(tmpdir(), 'libcc-tables-'));
    writeFileSync(join(dir, 't.tsv'), `${table.text}\n`);
    writeFileSync(join(dir, 't.idx'), offsetIndex([table.offsets[0]!, 0, ...table.offsets.slice(1)]));
    const read = (record: number) =>
      spawnSync('bash', ['-c', `off=$(tail -c +$((${record} * ${INDEX_RECORD} + 1)) t.idx | head -c 11); [[ $off =~ ^[0-9]{11}$ ]] || exit 3; ((10#$off > 0)) || exit 4; tail -c +$((10#$off)) t.tsv | head -n 1`], { cwd: dir, encoding: 'utf8' });
    expect(read(0).stdout).toBe(`${rows[0]}\n`);
    expect(read(1).status).toBe(4);
    expect(read(2).stdout).toBe(`${rows[1]}\n`);
    expect(read(4).stdout).toBe(`${rows[3]}\n`);
    expect(read(5).status).toBe(3);
  });
});

describe('tables built as bytes', () => {
  it('hold exactly the normalised text of their lines, whatever the lines end with', () => {
    const cases = [[], [''], ['# h — dash', 'row'], ['row', ''], ['row ', '  '], ['a\r\nb', 'c'], ['ünï', 'trailing tab\t'], ['x', '\u3000']];
    for (const lines of cases) {
      const table = new LinesBuilder();
      const offsets = lines.map((line) => table.line(line));
      const text = normaliseText(lines.join('\n'));
      expect(table.text(), JSON.stringify(lines)).toBe(text);
      expect(table.bytes().toString('utf8'), JSON.stringify(lines)).toBe(text);
      offsets.forEach((offset, i) => expect(offset).toBe(1 + Buffer.byteLength(lines.slice(0, i).map((l) => `${l}\n`).join(''), 'utf8')));
      // Taken again, the same bytes; a table whose bytes were taken (a view of its buffer) is done.
      expect(table.bytes().toString('utf8'), JSON.stringify(lines)).toBe(text);
    }
  });

  it('are a view of the builder buffer once taken, and refuse another line', () => {
    const table = new LinesBuilder();
    for (let i = 0; i < 20_000; i++) table.line(`row ${i}\tü`);
    const bytes = table.bytes();
    expect(bytes.toString('utf8')).toBe(normaliseText(Array.from({ length: 20_000 }, (_, i) => `row ${i}\tü`).join('\n')));
    expect(table.bytes()).toBe(bytes);
    expect(() => table.line('late')).toThrow(/after its bytes were taken/);
  });
});
