/** `libcc fmt [--check]` (src/cli/fmt.ts) over an in-memory file system: output and exit codes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fmtCommand, type FmtIo } from '../../src/cli/fmt.js';
import { renderShort } from '../../src/diagnostics/render.js';
import { createSourceFile } from '../../src/diagnostics/source.js';
import { parseLcp } from '../../src/syntax/parse.js';

const FORMATTED = 'pipeline p\n\nnode n { processes = [tt] }\n';
const UNFORMATTED = 'pipeline   p\n\n\nnode n {processes=[tt]}';
const BROKEN = 'pipeline p\nnode n { processes = [tt }\n';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  files: Map<string, string>;
  writes: string[];
}

function run(files: Record<string, string>, args: string[], check: boolean, options: { failWrites?: boolean } = {}): Run {
  const state = new Map(Object.entries(files));
  const result: Run = { code: 0, stdout: '', stderr: '', files: state, writes: [] };
  const io: FmtIo = {
    read: (path) => state.get(path),
    write: (path, text) => {
      if (options.failWrites) throw new Error('read-only file system');
      result.writes.push(path);
      state.set(path, text);
    },
    stdout: (text) => (result.stdout += text),
    stderr: (text) => (result.stderr += text),
  };
  result.code = fmtCommand(args, { check }, io);
  return result;
}

describe('libcc fmt', () => {
  it('rewrites files that are not formatted, and lists them', () => {
    const r = run({ 'a.lcp': UNFORMATTED, 'b.lcp': FORMATTED }, ['a.lcp', 'b.lcp'], false);
    expect(r.code).toBe(0);
    expect(r.writes).toEqual(['a.lcp']);
    expect(r.files.get('a.lcp')).toBe(FORMATTED);
    expect(r.stdout).toBe('formatted: a.lcp\n');
    expect(r.stderr).toBe('');
  });

  it('is silent and writes nothing when every file is formatted', () => {
    const r = run({ 'b.lcp': FORMATTED }, ['b.lcp'], false);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '', writes: [] });
  });

  it('formats the examples like formatLcp, idempotently', () => {
    const text = readFileSync('examples/n2_tanager/flow.lcp', 'utf8');
    const first = run({ 'flow.lcp': text }, ['flow.lcp'], false);
    expect(first.code).toBe(0);
    const second = run({ 'flow.lcp': first.files.get('flow.lcp')! }, ['flow.lcp'], true);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('ok: flow.lcp already formatted\n');
  });
});

describe('libcc fmt --check', () => {
  it('exits 0 when every file is formatted', () => {
    const r = run({ 'a.lcp': FORMATTED, 'b.lcp': FORMATTED }, ['a.lcp', 'b.lcp'], true);
    expect(r).toMatchObject({ code: 0, stdout: 'ok: 2 files already formatted\n', stderr: '', writes: [] });
  });

  it('exits 1 and lists the files that would change, writing nothing', () => {
    const r = run({ 'a.lcp': UNFORMATTED, 'b.lcp': FORMATTED, 'c.lcp': FORMATTED.replace(/\n/g, '\r\n') }, ['a.lcp', 'b.lcp', 'c.lcp'], true);
    expect(r.code).toBe(1);
    expect(r.writes).toEqual([]);
    expect(r.files.get('a.lcp')).toBe(UNFORMATTED);
    expect(r.stdout).toBe('would reformat: a.lcp\nwould reformat: c.lcp\n2 files are not formatted: run `libcc fmt` on them\n');
    expect(r.stderr).toBe('');
  });
});

describe('libcc fmt: errors', () => {
  it('exits 1 on syntax errors, printing them in short form and leaving the file alone', () => {
    for (const check of [false, true]) {
      const r = run({ 'bad.lcp': BROKEN, 'a.lcp': UNFORMATTED }, ['bad.lcp', 'a.lcp'], check);
      expect(r.code).toBe(1);
      const source = createSourceFile('bad.lcp', BROKEN);
      const expected = renderShort(parseLcp(source).diagnostics, new Map([['bad.lcp', source]]));
      expect(expected).toMatch(/^bad\.lcp:2:\d+: error\[LCP1002\]/);
      expect(r.stderr).toBe(`${expected}libcc: \`bad.lcp\` has syntax errors: not formatted\n`);
      expect(r.files.get('bad.lcp')).toBe(BROKEN);
      // The other file is still processed.
      expect(r.writes).toEqual(check ? [] : ['a.lcp']);
    }
  });

  it('refuses examples/errors/syntax.lcp with every one of its diagnostics', () => {
    const path = 'examples/errors/syntax.lcp';
    const text = readFileSync(path, 'utf8');
    const r = run({ [path]: text }, [path], true);
    expect(r.code).toBe(1);
    const codes = [...r.stderr.matchAll(/error\[(LCP\d+)\]/g)].map((m) => m[1]);
    expect(codes).toEqual(parseLcp(createSourceFile(path, text)).diagnostics.map((d) => d.code));
  });

  it('exits 2 when a file cannot be read, still processing the others', () => {
    const r = run({ 'a.lcp': UNFORMATTED, 'bad.lcp': BROKEN }, ['missing.lcp', 'a.lcp', 'bad.lcp'], false);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('libcc: error: cannot read `missing.lcp`: no such file, or not readable\n');
    expect(r.stderr).toContain('error[LCP1002]');
    expect(r.writes).toEqual(['a.lcp']);
    expect(run({}, ['missing.lcp'], true).code).toBe(2);
  });

  it('exits 2 when a file cannot be written', () => {
    const r = run({ 'a.lcp': UNFORMATTED }, ['a.lcp'], false, { failWrites: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('libcc: error: cannot write `a.lcp`: read-only file system\n');
    expect(r.stdout).toBe('');
  });

  it('shows diagnostics under the normalised path', () => {
    const r = run({ './bad.lcp': BROKEN }, ['./bad.lcp'], true);
    expect(r.stderr.startsWith('bad.lcp:2:')).toBe(true);
  });
});
