import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSourceFile } from '../../src/diagnostics/source.js';
import type { Span } from '../../src/diagnostics/span.js';
import type { Declaration, Expression, LcpFile } from '../../src/syntax/ast.js';
import { parseLcp } from '../../src/syntax/parse.js';
import { LcpParser } from '../../src/syntax/parser.js';

function parseClean(text: string): LcpFile {
  const result = parseLcp(createSourceFile('main.lcp', text));
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return result.file;
}

function only(text: string): Declaration {
  const file = parseClean(text);
  expect(file.declarations).toHaveLength(1);
  return file.declarations[0]!;
}

/** The value of the single property of `tool t { x = <text> }`. */
function value(text: string): Expression {
  const decl = only(`tool t { x = ${text} }`);
  if (decl.kind !== 'ToolDecl') throw new Error('not a tool');
  const item = decl.body.items[0];
  if (item?.kind !== 'Property') throw new Error('not a property');
  return item.value;
}

function at(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

describe('the grammar', () => {
  it('passes Chevrotain\'s grammar checks, which the shared parser skips', () => {
    // Throws "Parser Definition Errors detected" on an ambiguous or empty alternative, left recursion, ….
    expect(() => new LcpParser({ validate: true })).not.toThrow();
  });
});

describe('declarations', () => {
  it('parses pipeline and import', () => {
    const text = 'pipeline n2_tanager\nimport "corners.yaml"';
    const file = parseClean(text);
    expect(file).toMatchObject({
      kind: 'File',
      path: 'main.lcp',
      span: { file: 'main.lcp', start: 0, end: text.length },
      declarations: [
        { kind: 'PipelineDecl', name: { kind: 'Identifier', name: 'n2_tanager' }, span: { start: 0, end: 19 } },
        { kind: 'ImportDecl', path: { kind: 'String', text: 'corners.yaml', span: { start: 27, end: 41 } }, span: { start: 20, end: 41 } },
      ],
    });
    expect(file.declarations[0]!.kind === 'PipelineDecl' && file.declarations[0]!.name.span).toEqual({
      file: 'main.lcp',
      start: 9,
      end: 19,
    });
  });

  it('parses env with and without a default', () => {
    const text = 'env LIB: path\nenv ROOT: path = "/tools"';
    const [a, b] = parseClean(text).declarations;
    expect(a).toMatchObject({ kind: 'EnvDecl', name: { name: 'LIB' }, type: { name: 'path' } });
    expect(a).not.toHaveProperty('default');
    expect(at(text, a!.span)).toBe('env LIB: path');
    expect(b).toMatchObject({ kind: 'EnvDecl', name: { name: 'ROOT' }, default: { kind: 'String', text: '/tools' } });
    expect(at(text, b!.span)).toBe('env ROOT: path = "/tools"');
    // A keyword may be the type name.
    expect(only('env X: string')).toMatchObject({ type: { name: 'string' } });
  });

  it('parses site, tool, queue, node and corner blocks', () => {
    expect(only('site { lsf_unit_for_limits = MB  max_array_size = 1000 }')).toMatchObject({
      kind: 'SiteDecl',
      keyword: { start: 0, end: 4 },
      body: {
        kind: 'Block',
        items: [
          { kind: 'Property', key: { name: 'lsf_unit_for_limits' }, value: { kind: 'Reference', path: [{ name: 'MB' }] } },
          { kind: 'Property', key: { name: 'max_array_size' }, value: { kind: 'Quantity', value: 1000, digits: '1000' } },
        ],
      },
    });
    expect(only('tool liberate { path = "/x"  args = ["--trio"] }')).toMatchObject({
      kind: 'ToolDecl',
      name: { name: 'liberate' },
      body: { items: [{ key: { name: 'path' } }, { key: { name: 'args' }, value: { kind: 'List', items: [{ kind: 'String', text: '--trio' }] } }] },
    });
    expect(only('queue normal { max_mem = 256GB }')).toMatchObject({
      kind: 'QueueDecl',
      name: { name: 'normal' },
      body: { items: [{ value: { kind: 'Quantity', value: 256, unit: 'GB' } }] },
    });
    expect(only('node tcbn02 { vdd = 0.40V .. 0.95V }')).toMatchObject({
      kind: 'NodeDecl',
      body: { items: [{ value: { kind: 'Range', low: { value: 0.4, unit: 'V' }, high: { value: 0.95, unit: 'V' } } }] },
    });
    const text = 'corner ssgnp_0p48v_m40c { process = ssgnp  voltage = 0.48V }';
    const corner = only(text);
    expect(corner).toMatchObject({ kind: 'CornerDecl', name: { name: 'ssgnp_0p48v_m40c' } });
    expect(corner.span).toEqual({ file: 'main.lcp', start: 0, end: text.length });
    if (corner.kind === 'CornerDecl') expect(at(text, corner.body.span)).toBe('{ process = ssgnp  voltage = 0.48V }');
  });

  it('parses libraries with and without a node', () => {
    const text = 'library base_svt : tcbn02 { name = "x" }';
    const lib = only(text);
    expect(lib).toMatchObject({ kind: 'LibraryDecl', name: { name: 'base_svt' }, node: { name: 'tcbn02' } });
    if (lib.kind === 'LibraryDecl') expect(at(text, lib.node!.span)).toBe('tcbn02');
    expect(only('library x { }')).not.toHaveProperty('node');
  });

  it('parses corner sets, with filters', () => {
    const text = 'corners slow_lvf = slow where corner.process == ssgnp';
    const set = only(text);
    expect(set).toMatchObject({
      kind: 'CornerSetDecl',
      name: { name: 'slow_lvf' },
      value: {
        kind: 'Filter',
        source: { kind: 'Reference', path: [{ name: 'slow' }] },
        condition: {
          kind: 'Binary',
          operator: '==',
          left: { kind: 'Reference', path: [{ name: 'corner' }, { name: 'process' }] },
          right: { kind: 'Reference', path: [{ name: 'ssgnp' }] },
        },
      },
    });
    expect(set.span).toEqual({ file: 'main.lcp', start: 0, end: text.length });
    if (set.kind === 'CornerSetDecl' && set.value.kind === 'Filter') {
      expect(at(text, set.value.span)).toBe('slow where corner.process == ssgnp');
      expect(at(text, set.value.condition.span)).toBe('corner.process == ssgnp');
    }
    expect(only('corners all = [a, b, slow,]')).toMatchObject({
      value: { kind: 'List', items: [{ path: [{ name: 'a' }] }, { path: [{ name: 'b' }] }, { path: [{ name: 'slow' }] }] },
    });
  });

  it('parses stages with every clause and statement', () => {
    const text = [
      'stage characterize for each library, corner after copy_kits, prepare',
      '    where corner.voltage < 0.5V {',
      '  run = liberate deck "liberate/char.tcl.hbs"',
      '  expect "${work}/ldb/*.ldb.gz" == 1',
      '  expect "${work}/log"',
      '  retry 2 on exit 75, 76 backoff 10m',
      '  resources { queue = normal  cpus = 8  licenses { liberate = 1 } }',
      '  estimate = 2h',
      '}',
    ].join('\n');
    const stage = only(text);
    expect(stage).toMatchObject({
      kind: 'StageDecl',
      name: { name: 'characterize' },
      forEach: { kind: 'ForEach', keys: [{ name: 'library' }, { name: 'corner' }] },
      after: [{ name: 'copy_kits' }, { name: 'prepare' }],
      where: { kind: 'Binary', operator: '<', right: { kind: 'Quantity', value: 0.5, unit: 'V' } },
      body: {
        items: [
          {
            kind: 'Property',
            key: { name: 'run' },
            value: { kind: 'ToolRun', tool: { name: 'liberate' }, deck: { text: 'liberate/char.tcl.hbs' } },
          },
          { kind: 'ExpectStatement', pattern: { text: '${work}/ldb/*.ldb.gz' }, operator: '==', count: { kind: 'Quantity', value: 1 } },
          { kind: 'ExpectStatement', pattern: { text: '${work}/log' } },
          {
            kind: 'RetryStatement',
            count: { value: 2 },
            exitCodes: [{ value: 75 }, { value: 76 }],
            backoff: { value: 10, unit: 'm' },
          },
          {
            kind: 'NestedBlock',
            key: { name: 'resources' },
            body: {
              items: [
                { kind: 'Property', key: { name: 'queue' }, value: { path: [{ name: 'normal' }] } },
                { kind: 'Property', key: { name: 'cpus' } },
                { kind: 'NestedBlock', key: { name: 'licenses' }, body: { items: [{ key: { name: 'liberate' } }] } },
              ],
            },
          },
          { kind: 'Property', key: { name: 'estimate' }, value: { value: 2, unit: 'h' } },
        ],
      },
    });
    if (stage.kind !== 'StageDecl') throw new Error('not a stage');
    expect(stage.span).toEqual({ file: 'main.lcp', start: 0, end: text.length });
    expect(at(text, stage.forEach!.span)).toBe('for each library, corner');
    const [, expect1, expect2, retry] = stage.body.items;
    expect(expect1?.kind === 'ExpectStatement' && at(text, expect1.operatorSpan!)).toBe('==');
    expect(at(text, expect1!.span)).toBe('expect "${work}/ldb/*.ldb.gz" == 1');
    expect(expect2).not.toHaveProperty('operator');
    expect(expect2).not.toHaveProperty('count');
    expect(at(text, retry!.span)).toBe('retry 2 on exit 75, 76 backoff 10m');
  });

  it('parses stage templates and `extends` on templates and stages', () => {
    const text = 'template step extends base { retry 1 }\nstage s for each library after a where corner.process == ss extends step { }';
    const file = parseClean(text);
    const [template, stage] = file.declarations;
    expect(template).toMatchObject({ kind: 'TemplateDecl', name: { name: 'step' }, extends: { name: 'base' }, body: { items: [{ kind: 'RetryStatement' }] } });
    if (template?.kind !== 'TemplateDecl' || stage?.kind !== 'StageDecl') throw new Error('kinds');
    expect(at(text, template.span)).toBe('template step extends base { retry 1 }');
    expect(at(text, template.extends!.span)).toBe('base');
    expect(stage).toMatchObject({ after: [{ name: 'a' }], where: { kind: 'Binary' }, extends: { name: 'step' } });
    expect(at(text, stage.extends!.span)).toBe('step');
    expect(only('template t { run = shell "x" }')).not.toHaveProperty('extends');
    expect(only('stage s extends t { }')).toMatchObject({ kind: 'StageDecl', extends: { name: 't' } });
  });

  it('accepts a stage with no clauses and keywords as keys and field names', () => {
    expect(only('stage merge { run = shell "true" }')).toMatchObject({ kind: 'StageDecl', after: [] });
    expect(only('stage s for each node { x = node.name }')).toMatchObject({
      forEach: { keys: [{ name: 'node' }] },
      body: { items: [{ value: { path: [{ name: 'node' }, { name: 'name' }] } }] },
    });
  });

  it('parses a `deck { … }` block: the keyword `deck` names a nested block', () => {
    const text = 'stage c { run = liberate deck "char.tcl.hbs"  deck { packet_clients = 200  netlist_format = hspice } }';
    const decl = only(text);
    if (decl.kind !== 'StageDecl') throw new Error('not a stage');
    const [run, deck] = decl.body.items;
    expect(run).toMatchObject({ kind: 'Property', key: { name: 'run' }, value: { kind: 'ToolRun', tool: { name: 'liberate' } } });
    expect(deck).toMatchObject({
      kind: 'NestedBlock',
      key: { name: 'deck' },
      body: {
        items: [
          { kind: 'Property', key: { name: 'packet_clients' }, value: { kind: 'Quantity' } },
          { kind: 'Property', key: { name: 'netlist_format' }, value: { kind: 'Reference', path: [{ name: 'hspice' }] } },
        ],
      },
    });
    expect(at(text, deck!.span)).toBe('deck { packet_clients = 200  netlist_format = hspice }');
  });

  it('keeps comments in order', () => {
    const text = '// first\npipeline p /* second */ // third\n';
    const file = parseClean(text);
    expect(file.comments.map((c) => c.text)).toEqual(['// first', '/* second */', '// third']);
    expect(file.comments.map((c) => at(text, c.span))).toEqual(['// first', '/* second */', '// third']);
    expect(file.comments[0]).toEqual({ kind: 'Comment', text: '// first', span: { file: 'main.lcp', start: 0, end: 8 } });
  });

  it('parses the sample of docs/language.md without diagnostics', () => {
    const doc = readFileSync(new URL('../../docs/language.md', import.meta.url), 'utf8');
    const sample = /```lcp\n([\s\S]*?)```/.exec(doc)![1]!;
    const file = parseClean(sample);
    expect(file.declarations.map((d) => d.kind)).toEqual([
      'PipelineDecl',
      'ImportDecl',
      'ImportDecl',
      'EnvDecl',
      'EnvDecl',
      'ToolDecl',
      'QueueDecl',
      'NodeDecl',
      'LibraryDecl',
      'StageDecl',
    ]);
    expect(file.comments.length).toBeGreaterThan(0);
  });
});

describe('expressions', () => {
  it('parses literals', () => {
    expect(value('"s"')).toMatchObject({ kind: 'String', text: 's' });
    expect(value('true')).toMatchObject({ kind: 'Boolean', value: true });
    expect(value('false')).toMatchObject({ kind: 'Boolean', value: false });
    expect(value('-40C')).toEqual({
      kind: 'Quantity',
      value: -40,
      digits: '-40',
      unit: 'C',
      unitSpan: { file: 'main.lcp', start: 16, end: 17 },
      span: { file: 'main.lcp', start: 13, end: 17 },
    });
    expect(value('0.480')).toEqual({ kind: 'Quantity', value: 0.48, digits: '0.480', span: { file: 'main.lcp', start: 13, end: 18 } });
    expect(value('[]')).toMatchObject({ kind: 'List', items: [] });
  });

  it('gives || lower precedence than &&, and ! binds tightest', () => {
    expect(value('a || b && !c')).toMatchObject({
      kind: 'Binary',
      operator: '||',
      left: { kind: 'Reference' },
      right: { kind: 'Binary', operator: '&&', right: { kind: 'Not', operand: { kind: 'Reference', path: [{ name: 'c' }] } } },
    });
    expect(value('a || b || c')).toMatchObject({
      operator: '||',
      left: { operator: '||', left: { path: [{ name: 'a' }] }, right: { path: [{ name: 'b' }] } },
      right: { path: [{ name: 'c' }] },
    });
    expect(value('(a || b) && c')).toMatchObject({ operator: '&&', left: { operator: '||' } });
  });

  it('parses comparisons, membership and ranges', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>=']) {
      expect(value(`corner.voltage ${op} 0.5V`)).toMatchObject({ kind: 'Binary', operator: op });
    }
    expect(value('corner.process in [ssgnp, ttg]')).toMatchObject({
      kind: 'Binary',
      operator: 'in',
      right: { kind: 'List', items: [{ kind: 'Reference' }, { kind: 'Reference' }] },
    });
    expect(value('corner.voltage in 0.4V .. 0.6V')).toMatchObject({
      operator: 'in',
      right: { kind: 'Range', low: { value: 0.4 }, high: { value: 0.6 } },
    });
    expect(value('1..2')).toMatchObject({ kind: 'Range', low: { value: 1 }, high: { value: 2 } });
  });

  it('spans operators and parenthesised operands', () => {
    const text = 'tool t { x = !(a == b) && c }';
    const decl = parseClean(text).declarations[0]!;
    if (decl.kind !== 'ToolDecl' || decl.body.items[0]?.kind !== 'Property') throw new Error('shape');
    const and = decl.body.items[0].value;
    if (and.kind !== 'Binary' || and.left.kind !== 'Not' || and.left.operand.kind !== 'Binary') throw new Error('shape');
    expect(at(text, and.span)).toBe('!(a == b) && c');
    expect(at(text, and.operatorSpan)).toBe('&&');
    expect(at(text, and.left.span)).toBe('!(a == b)');
    expect(at(text, and.left.operand.span)).toBe('a == b');
    expect(at(text, and.left.operand.operatorSpan)).toBe('==');
  });

  it('parses shell runs and tool runs', () => {
    expect(value('shell "make all"')).toMatchObject({ kind: 'ShellRun', command: { text: 'make all' } });
    expect(value('merge_tool ["--in", "a.lib"]')).toMatchObject({
      kind: 'ToolRun',
      tool: { name: 'merge_tool' },
      args: { kind: 'List', items: [{ text: '--in' }, { text: 'a.lib' }] },
    });
    const run = value('liberate deck "char.tcl.hbs" ["-v"]');
    expect(run).toMatchObject({ kind: 'ToolRun', deck: { text: 'char.tcl.hbs' }, args: { items: [{ text: '-v' }] } });
    expect(run.span).toEqual({ file: 'main.lcp', start: 13, end: 48 });
    expect(value('liberate')).toMatchObject({ kind: 'Reference', path: [{ name: 'liberate' }] });
  });

  it('reports a dotted tool name (LCP1007) and still builds a ToolRun', () => {
    const text = 'tool t { run = cadence.liberate deck "x" }';
    const result = parseLcp(createSourceFile('main.lcp', text));
    expect(result.diagnostics.map((d) => [d.code, at(text, d.primary.span)])).toEqual([['LCP1007', 'cadence.liberate']]);
    expect(result.diagnostics[0]!.message).toBe('a tool run needs a plain tool name, found `cadence.liberate`');
    expect(result.diagnostics[0]!.help).toBe('a tool is referenced by its declared name, e.g. `liberate deck "…"`');
    // No tool is named: an empty name (the checker stays silent) spanning the dotted reference.
    const decl = result.file.declarations[0]!;
    expect(decl).toMatchObject({
      body: { items: [{ value: { kind: 'ToolRun', tool: { kind: 'Identifier', name: '' }, deck: { text: 'x' } } }] },
    });
    const item = decl.kind === 'ToolDecl' ? decl.body.items[0] : undefined;
    const tool = item?.kind === 'Property' && item.value.kind === 'ToolRun' ? item.value.tool : undefined;
    expect(at(text, tool!.span)).toBe('cadence.liberate');
  });
});
