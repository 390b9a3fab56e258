import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSourceFile, positionAt } from '../../src/diagnostics/source.js';
import { MAX_NESTING, parseLcp } from '../../src/syntax/parse.js';
import { checkSource, PRELUDE } from '../helpers/program.js';

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

/** The items of a block as `kind:key` (`expect`/`retry` statements by kind alone). */
function itemKeys(block: { items: readonly { kind: string; key?: { name: string } }[] }): string[] {
  return block.items.map((item) => (item.key === undefined ? item.kind : `${item.kind}:${item.key.name}`));
}

describe('recovery without cascades', () => {
  it('reports a stray name in a nested block once and keeps both stages whole', () => {
    const text = [
      'pipeline p',
      'stage a {',
      '  run = shell "x"',
      '  resources { cpus = 16  mem = 64 GB }',
      '}',
      'stage b { run = shell "y" }',
      '',
    ].join('\n');
    const result = run(text);
    expect(result.found).toEqual([['LCP1008', '4:35', 'expected a property or `}`, found `GB`']]);
    expect(result.diagnostics[0]!.help).toBe('write the unit directly after the number, as in `64GB`');
    expect(result.names).toEqual(['PipelineDecl:p', 'StageDecl:a', 'StageDecl:b']);
    const [, a, b] = result.file.declarations;
    if (a?.kind !== 'StageDecl' || b?.kind !== 'StageDecl') throw new Error('stages expected');
    expect(itemKeys(a.body)).toEqual(['Property:run', 'NestedBlock:resources']);
    const resources = a.body.items[1]!;
    if (resources.kind !== 'NestedBlock') throw new Error('nested block expected');
    expect(itemKeys(resources.body)).toEqual(['Property:cpus', 'Property:mem']);
    expect(text.slice(resources.body.span.start, resources.body.span.end)).toBe('{ cpus = 16  mem = 64 GB }');
    expect(text.slice(a.span.start, a.span.end)).toBe(text.slice(text.indexOf('stage a'), text.indexOf('}\nstage b') + 1));
    expect(itemKeys(b.body)).toEqual(['Property:run']);
  });

  it('reports any stray tokens in a block once and resumes at the next item or the block’s `}`', () => {
    const cases: [string, string[][]][] = [
      // junk, then the next property on the same line
      ['tool t { path = "x" ] ) args = [] }\ntool u { }', [['LCP1008', '1:21', 'expected a property or `}`, found `]`']]],
      // a value without a key
      ['queue q {\n  = 3\n  max_slots = 4\n}\nqueue r { }', [['LCP1008', '2:3', 'expected a property or `}`, found `=`']]],
      // a braced group without a key is skipped whole: its `}` is not the block's
      ['stage s {\n  { a = 1 }\n  run = shell "x"\n}\nstage t { }', [['LCP1008', '2:3', 'expected a property or `}`, found `{`']]],
      // a doubled `{`, whose `}` is not there
      ['node n { { vdd = 1V }\nnode m { }', [['LCP1008', '1:10', 'expected a property or `}`, found `{`']]],
      // `queue normal` for `queue = normal` is a stray name, not a `queue` declaration
      ['stage s {\n  resources { queue normal\n cpus = 1 }\n  run = shell "x"\n}', [['LCP1008', '2:15', 'expected a property or `}`, found `queue`']]],
      // junk after a property whose value already failed is part of the same mistake
      ['corners c = a\nlibrary l : n { corners = c where .voltage <= 0.5V  kit = "k" }', [['LCP1008', '2:35', 'expected a value, found `.`']]],
    ];
    for (const [text, found] of cases) expect(run(text).found, text).toEqual(found);
    expect(run(cases[0]![0]).names).toEqual(['ToolDecl:t', 'ToolDecl:u']);
    expect(run(cases[0]![0]).file.declarations[0]).toMatchObject({ body: { items: [{ key: { name: 'path' } }, { key: { name: 'args' } }] } });
    expect(run(cases[1]![0]).names).toEqual(['QueueDecl:q', 'QueueDecl:r']);
    expect(run(cases[2]![0]).file.declarations[0]).toMatchObject({ body: { items: [{ key: { name: 'run' } }] } });
    expect(run(cases[3]![0]).file.declarations[0]).toMatchObject({ body: { items: [{ key: { name: 'vdd' } }] } });
    expect(run(cases[3]![0]).names).toEqual(['NodeDecl:n', 'NodeDecl:m']);
    expect(run(cases[4]![0]).file.declarations[0]).toMatchObject({
      body: { items: [{ key: { name: 'resources' }, body: { items: [{ key: { name: 'cpus' } }] } }, { key: { name: 'run' } }] },
    });
    expect(run(cases[5]![0]).file.declarations[1]).toMatchObject({ body: { items: [{ key: { name: 'corners' } }, { key: { name: 'kit' } }] } });
  });

  it('takes `library NAME NODE {` as a library of that node, with one error', () => {
    const text = 'library base tcbn02 { }';
    const result = run(text);
    expect(result.found).toEqual([['LCP1002', '1:14', 'expected `:` or `{`, found `tcbn02`']]);
    expect(result.diagnostics[0]!.help).toBe('write `library base : tcbn02 { … }`');
    expect(result.file.declarations).toMatchObject([
      { kind: 'LibraryDecl', name: { name: 'base' }, node: { name: 'tcbn02', span: { start: 13, end: 19 } }, body: { items: [] } },
    ]);
    expect(result.file.declarations[0]!.span).toMatchObject({ start: 0, end: text.length });
    // Without a block after it, the name is not taken for the node; the declaration ends there.
    const noBlock = run('library base tcbn02\nstage s { }');
    expect(noBlock.found).toEqual([['LCP1002', '1:14', 'expected `{`, found `tcbn02`']]);
    expect(noBlock.names).toEqual(['LibraryDecl:base', 'StageDecl:s']);
  });

  it('reports a dotted tool name with the last segment as the example, and names no tool', () => {
    const text = 'stage s { run = tools.merge deck "x" }';
    const result = run(text);
    expect(result.found).toEqual([['LCP1007', '1:17', 'a tool run needs a plain tool name, found `tools.merge`']]);
    expect(result.diagnostics[0]!.help).toBe('a tool is referenced by its declared name, e.g. `merge deck "…"`');
    expect(result.file.declarations[0]).toMatchObject({
      body: {
        items: [
          {
            value: {
              kind: 'ToolRun',
              tool: { kind: 'Identifier', name: '', span: { start: 16, end: 27 } },
              deck: { text: 'x' },
              span: { start: 16, end: 36 },
            },
          },
        ],
      },
    });
    expect(run('stage s { run = a.b ["x"] }').diagnostics[0]!.help).toBe('a tool is referenced by its declared name, e.g. `b ["…"]`');
    // The checker says nothing more about the tool (no "unknown tool `tools`").
    const checked = checkSource(`${PRELUDE}tool merge { path = "bin/merge" }\nstage m for each library { run = tools.merge deck "x"  expect "a" }\n`);
    expect(checked.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['LCP1007']);
  });

  it('takes a string right after a tool name as its deck, with one error', () => {
    const text = 'stage s { run = liberate "char.tcl" }';
    const result = run(text);
    expect(result.found).toEqual([['LCP1007', '1:26', 'expected `deck` or an argument list after the tool name']]);
    expect(result.diagnostics[0]!.help).toBe(
      'write `liberate deck "char.tcl"` for a deck, or `liberate ["char.tcl"]` for arguments',
    );
    expect(result.file.declarations[0]).toMatchObject({
      body: {
        items: [
          {
            value: {
              kind: 'ToolRun',
              tool: { name: 'liberate', span: { start: 16, end: 24 } },
              deck: { kind: 'String', text: 'char.tcl', span: { start: 25, end: 35 } },
              span: { start: 16, end: 35 },
            },
          },
        ],
      },
    });
    // Only in `run`: elsewhere a string after a name is a stray string.
    expect(run('stage s { kit = base "x" }').found).toEqual([['LCP1008', '1:22', 'expected a property or `}`, found `"x"`']]);
    expect(run('stage s { run = [liberate "x"] }').found).toEqual([['LCP1002', '1:27', 'expected `]`, found `"x"`']]);
    // Checking goes on without further errors.
    const checked = checkSource(`${PRELUDE}tool liberate { path = "bin/liberate" }\nstage c for each library { run = liberate "char.tcl"  expect "a" }\n`);
    expect(checked.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['LCP1007']);
  });

  it('takes a missing value before the next item as missing, not the item as the value', () => {
    const text = ['stage s {', '  run = shell "x"', '  estimate =', '  resources { cpus = 1 }', '}', 'stage t { }'].join('\n');
    const result = run(text);
    expect(result.found).toEqual([['LCP1008', '3:13', 'expected a value, found `resources`']]);
    // Anchored just after `=`: the value is simply missing there.
    expect(result.diagnostics[0]!.primary.span).toMatchObject({ start: text.indexOf('=\n') + 1, end: text.indexOf('=\n') + 1 });
    expect(result.names).toEqual(['StageDecl:s', 'StageDecl:t']);
    expect(result.file.declarations[0]).toMatchObject({
      body: {
        items: [
          { key: { name: 'run' } },
          { kind: 'Property', key: { name: 'estimate' }, value: { kind: 'Reference', path: [{ name: '' }] } },
          { kind: 'NestedBlock', key: { name: 'resources' }, body: { items: [{ key: { name: 'cpus' } }] } },
        ],
      },
    });
    // The same on one line, and before `expect`/`retry` on the next line.
    expect(run('tool t { path = args = [] }').found).toEqual([['LCP1008', '1:16', 'expected a value, found `args`']]);
    expect(run('stage s {\n  estimate =\n  expect "x"\n}').found).toEqual([['LCP1008', '2:13', 'expected a value, found `expect`']]);
    // A value that is a name on the next line is still a value.
    expect(run('stage s {\n  estimate =\n    two_hours\n  run = shell "x"\n}').diagnostics).toEqual([]);
    // At the top level, before the next declaration.
    const top = run('corners c =\nstage s { }');
    expect(top.found).toEqual([['LCP1008', '1:12', 'expected a value, found `stage`']]);
    expect(top.names).toEqual(['CornerSetDecl:c', 'StageDecl:s']);
    expect(run('env E: path =\nstage s { }').names).toEqual(['EnvDecl:E', 'StageDecl:s']);
  });

  it('skips a hole in a list and keeps the items around it', () => {
    expect(run('corners c = [a, , b]').found).toEqual([['LCP1008', '1:17', 'expected a value, found `,`']]);
    expect(run('corners c = [a, , b]').file.declarations[0]).toMatchObject({ value: { items: [{ path: [{ name: 'a' }] }, { path: [{ name: 'b' }] }] } });
    expect(run('corners c = [, b]').found).toEqual([['LCP1008', '1:14', 'expected a value, found `,`']]);
    expect(run('corners c = [a, , , b, ]').found).toEqual([['LCP1008', '1:17', 'expected a value, found `,`']]);
  });

  it('deletes a doubled token and skips extra words in a declaration header', () => {
    const doubled = run('stage s for for each library { }');
    expect(doubled.found).toEqual([['LCP1002', '1:13', 'expected `each`, found `for`']]);
    expect(doubled.file.declarations[0]).toMatchObject({ forEach: { keys: [{ name: 'library' }] } });
    const keyword = run('library library base : n { }');
    expect(keyword.found).toEqual([['LCP1002', '1:9', 'expected identifier, found `library`']]);
    // The token was deleted, not taken as the name: no "is a keyword" help.
    expect(keyword.diagnostics[0]!.help).toBeUndefined();
    expect(keyword.file.declarations[0]).toMatchObject({ name: { name: 'base' }, node: { name: 'n' } });
    const header = run('stage a after b c {\n  run = shell "x"\n}\nstage d { }');
    expect(header.found).toEqual([['LCP1002', '1:17', 'expected `{`, found `c`']]);
    expect(header.names).toEqual(['StageDecl:a', 'StageDecl:d']);
    expect(header.file.declarations[0]).toMatchObject({ after: [{ name: 'b' }], body: { items: [{ key: { name: 'run' } }] } });
  });

  it('skips a top-level `{ … }` whole when its declaration keyword is missing', () => {
    const text = 'pipeline p\nbase_svt : n2 {\n  corners = [a]\n}\nstage s { }';
    expect(run(text).found).toEqual([['LCP1008', '2:1', 'expected a declaration, found `base_svt`']]);
    expect(run(text).names).toEqual(['PipelineDecl:p', 'StageDecl:s']);
  });
});
