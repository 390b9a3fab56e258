import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSourceFile, positionAt } from '../../src/diagnostics/source.js';
import { MAX_NESTING, parseLcp } from '../../src/syntax/parse.js';

function run(text: string) {
  const source = createSourceFile('main.lcp', text);
  const result = parseLcp(source);
  const where = (offset: number) => {
    const p = positionAt(source, offset);
    return `${p.line}:${p.column}`;
  };
  return {
    ...result,
    /** `[code, line:col, message]` of each diagnostic. */
    found: result.diagnostics.map((d) => [d.code, where(d.primary.span.start), d.message]),
    names: result.file.declarations.map((d) => `${d.kind}:${'name' in d ? d.name.name : ''}`),
  };
}

describe('syntax errors and recovery', () => {
  it('reports three separate errors and keeps the declarations around them', () => {
    const text = [
      'pipeline p',
      'tool liberate { path = "/x" }',
      'queue normal { max_mem = 256GB  max_runtime = }',
      'node n2 { vdd = 0.4V .. 0.9V }',
      'library base : n2 {',
      '  corners = [a b]',
      '}',
      'stage copy_kits for each library {',
      '  run = shell "true"',
      '}',
      'stage { run = shell "x" }',
      'corner c1 { process = ss }',
    ].join('\n');
    const result = run(text);
    expect(result.found).toEqual([
      ['LCP1008', '3:47', 'expected a value, found `}`'],
      ['LCP1002', '6:15', 'expected `]`, found `b`'],
      ['LCP1002', '11:6', 'expected identifier, found `{`'],
    ]);
    expect(result.names).toEqual([
      'PipelineDecl:p',
      'ToolDecl:liberate',
      'QueueDecl:normal',
      'NodeDecl:n2',
      'LibraryDecl:base',
      'StageDecl:copy_kits',
      'StageDecl:',
      'CornerDecl:c1',
    ]);
    // The missing stage name is an empty identifier right after `stage`.
    const unnamed = result.file.declarations[6]!;
    expect(unnamed.kind === 'StageDecl' && unnamed.name).toEqual({
      kind: 'Identifier',
      name: '',
      span: { file: 'main.lcp', start: text.indexOf('stage {') + 5, end: text.indexOf('stage {') + 5 },
    });
    // The property whose value is missing is kept with an empty reference.
    expect(result.file.declarations[2]).toMatchObject({
      body: { items: [{ key: { name: 'max_mem' } }, { key: { name: 'max_runtime' }, value: { kind: 'Reference', path: [{ name: '' }] } }] },
    });
  });

  it('anchors a missing token just after the previous one', () => {
    const result = run('tool liberate {\n  path = "/x"\n\nstage a { run = shell "true" }');
    expect(result.found).toEqual([['LCP1008', '4:1', 'expected a property or `}`, found `stage`']]);
    expect(result.names).toEqual(['ToolDecl:liberate', 'StageDecl:a']);

    const missingNode = run('library base : { }');
    expect(missingNode.found).toEqual([['LCP1002', '1:15', 'expected identifier, found `{`']]);
    expect(missingNode.file.declarations[0]).toMatchObject({
      kind: 'LibraryDecl',
      node: { name: '', span: { start: 14, end: 14 } },
    });

    const missingName = run('pipeline\nstage s { }');
    expect(missingName.found).toEqual([['LCP1002', '1:9', 'expected identifier, found `stage`']]);
    expect(missingName.diagnostics[0]!.primary.span).toEqual({ file: 'main.lcp', start: 8, end: 8 });
    expect(missingName.names).toEqual(['PipelineDecl:', 'StageDecl:s']);
  });

  it('anchors errors at the end of the file after the last token', () => {
    const result = run('tool t { a = 1  \n\n');
    expect(result.found).toEqual([['LCP1002', '1:15', 'expected `}` or a property, found end of file']]);
    expect(result.diagnostics[0]!.primary.span).toMatchObject({ start: 14, end: 14 });
    expect(run('corners c =').found).toEqual([['LCP1008', '1:12', 'expected a value, found end of file']]);
  });

  it('reports a keyword used as a declaration name once, and keeps the name', () => {
    const result = run('stage corner { run = shell "x" }\nlibrary node : n { }');
    expect(result.found).toEqual([
      ['LCP1002', '1:7', 'expected identifier, found `corner`'],
      ['LCP1002', '2:9', 'expected identifier, found `node`'],
    ]);
    expect(result.diagnostics[0]!.help).toBe('`corner` is a keyword and cannot name a declaration');
    expect(result.names).toEqual(['StageDecl:corner', 'LibraryDecl:node']);
  });

  it('skips junk at the top level and resumes at the next declaration', () => {
    const result = run('stages copy_kits for each library, corner {\n  run = shell "true"\n}\npipeline p');
    expect(result.found).toEqual([['LCP1008', '1:1', 'expected a declaration, found `stages`']]);
    expect(result.names).toEqual(['PipelineDecl:p']);
    expect(result.diagnostics[0]!.help).toContain('`stage`');

    const sameLine = run('pipeline p } tool t { } ] stage s { }');
    expect(sameLine.found).toEqual([
      ['LCP1008', '1:12', 'expected a declaration, found `}`'],
      ['LCP1008', '1:25', 'expected a declaration, found `]`'],
    ]);
    expect(sameLine.names).toEqual(['PipelineDecl:p', 'ToolDecl:t', 'StageDecl:s']);
  });

  it('suggests writing the unit next to the number', () => {
    const result = run('queue q { max_mem = 64 GB }');
    expect(result.found).toEqual([['LCP1008', '1:24', 'expected a property or `}`, found `GB`']]);
    expect(result.diagnostics[0]!.help).toBe('write the unit directly after the number, as in `64GB`');
  });

  it('explains an incomplete `expect` or `retry`', () => {
    expect(run('stage s { retry }').found).toEqual([['LCP1002', '1:11', 'expected quantity after `retry`, found `}`']]);
    expect(run('stage s { expect 3 }').found).toEqual([['LCP1002', '1:11', 'expected string after `expect`, found `3`']]);
    // As property names they are fine.
    expect(run('stage s { expect = 3  retry = 2 }').diagnostics).toEqual([]);
  });

  it('does not carry state from one parse to the next', () => {
    expect(run('tool { a = }\nstages x').diagnostics.length).toBeGreaterThan(0);
    expect(run('tool t { a = 1 }\npipeline p').diagnostics).toEqual([]);
    expect(run('tool t { a = 1 ').found).toEqual([['LCP1002', '1:15', 'expected `}` or a property, found end of file']]);
  });

  it('never reports two errors at one position', () => {
    const result = run('tool t { a = ( [ ( }');
    const starts = result.diagnostics.map((d) => d.primary.span.start);
    expect(new Set(starts).size).toBe(starts.length);
    expect(result.diagnostics.length).toBeGreaterThan(0);
  });

  it('uses our wording, never Chevrotain defaults', () => {
    const inputs = ['tool', 'tool t {', 'stage s for', 'x', 'corners c = [a,,]', 'stage s { retry }', 'env E', 'a.b ]'];
    for (const input of inputs) {
      for (const d of run(input).diagnostics) {
        expect(d.message).not.toMatch(/-->|<--|Expecting|token of type|EOF/);
        expect(d.message).toMatch(/^[a-z]/);
        expect(d.message).not.toMatch(/\.$/);
      }
    }
  });

  it('limits nesting instead of overflowing the stack', () => {
    const deep = run(`corners c = ${'['.repeat(5000)}`);
    expect(deep.found).toEqual([['LCP1008', expect.any(String), 'nesting too deep']]);
    expect(run(`corners c = ${'!'.repeat(MAX_NESTING + 1)}a`).found.map((f) => f[2])).toContain('nesting too deep');
    // Reasonable nesting is fine.
    expect(run(`corners c = ${'['.repeat(10)}${']'.repeat(10)}`).diagnostics).toEqual([]);
    expect(run(`corners c = ${'('.repeat(40)}a${')'.repeat(40)}`).diagnostics).toEqual([]);
    // Unclosed blocks of separate declarations do not add up.
    expect(run('stage s { '.repeat(200)).found.map((f) => f[2])).not.toContain('nesting too deep');
  });
});

describe('the examples of docs/errors/LCP1xxx.md', () => {
  for (const code of ['LCP1001', 'LCP1002', 'LCP1003', 'LCP1004', 'LCP1005', 'LCP1006', 'LCP1007', 'LCP1008']) {
    const url = new URL(`../../docs/errors/${code}.md`, import.meta.url);
    it.skipIf(!existsSync(url))(`${code}: reports what the page shows`, () => {
      const page = readFileSync(url, 'utf8');
      const blocks = [...page.matchAll(/```lcp\n([\s\S]*?)```/g)].map((m) => m[1]!);
      const shown = /error\[(LCP\d{4})\]: (.*)\n\s*--> [^:]+:(\d+):(\d+)/.exec(page);
      expect(shown).not.toBeNull();
      const [, shownCode, message, line, column] = shown!;
      const bad = run(blocks[0]!);
      expect(bad.found).toEqual([[shownCode, `${line}:${column}`, message]]);
      // The fixed version parses cleanly.
      expect(run(blocks[blocks.length - 1]!).diagnostics).toEqual([]);
    });
  }
});
