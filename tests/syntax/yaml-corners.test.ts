import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { createSourceFile, positionAt, type SourceFile } from '../../src/diagnostics/source.js';
import type { Span } from '../../src/diagnostics/span.js';
import type {
  CornerDecl,
  CornerSetDecl,
  Expression,
  LcpFile,
  Property,
  QuantityLiteral,
  Reference,
  StringLiteral,
} from '../../src/syntax/ast.js';
import { parseCornerTable } from '../../src/syntax/yaml-corners.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/yaml/', import.meta.url));

function fixture(name: string): SourceFile {
  return createSourceFile(`tests/fixtures/yaml/${name}`, readFileSync(FIXTURES + name, 'utf8'));
}

function parse(text: string, path = 'corners.yaml'): { source: SourceFile; file: LcpFile; diagnostics: readonly Diagnostic[] } {
  const source = createSourceFile(path, text);
  const { file, diagnostics } = parseCornerTable(source);
  return { source, file, diagnostics };
}

/** `line:column` and the text a span covers. */
function at(source: SourceFile, span: Span): string {
  const p = positionAt(source, span.start);
  return `${p.line}:${p.column} ${source.text.slice(span.start, span.end)}`;
}

function corners(file: LcpFile): CornerDecl[] {
  return file.declarations.filter((d): d is CornerDecl => d.kind === 'CornerDecl');
}

function sets(file: LcpFile): CornerSetDecl[] {
  return file.declarations.filter((d): d is CornerSetDecl => d.kind === 'CornerSetDecl');
}

function properties(decl: CornerDecl): Property[] {
  return decl.body.items.filter((i): i is Property => i.kind === 'Property');
}

function property(decl: CornerDecl, key: string): Expression {
  const found = properties(decl).find((p) => p.key.name === key);
  if (found === undefined) throw new Error(`no property ${key}`);
  return found.value;
}

function summary(source: SourceFile, diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code} ${at(source, d.primary.span).split('\n')[0]} — ${d.message}`);
}

/** Every span of a node tree, with the path to it. */
function allSpans(value: unknown, path = '$', out: { path: string; span: Span }[] = []): { path: string; span: Span }[] {
  if (Array.isArray(value)) value.forEach((v, i) => allSpans(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'span' || key === 'unitSpan') && v !== null && typeof v === 'object') out.push({ path: `${path}.${key}`, span: v as Span });
      else allSpans(v, `${path}.${key}`, out);
    }
  }
  return out;
}

describe('a valid corner table', () => {
  const source = fixture('valid.yaml');
  const { file, diagnostics } = parseCornerTable(source);

  it('has no diagnostics and a file node over the whole text', () => {
    expect(diagnostics).toEqual([]);
    expect(file.kind).toBe('File');
    expect(file.path).toBe('tests/fixtures/yaml/valid.yaml');
    expect(file.span).toEqual({ file: file.path, start: 0, end: source.text.length });
    expect(file.comments).toEqual([]);
    expect(file.declarations.map((d) => d.kind)).toEqual([
      'CornerDecl',
      'CornerDecl',
      'CornerDecl',
      'CornerSetDecl',
      'CornerSetDecl',
      'CornerSetDecl',
      'CornerSetDecl',
    ]);
  });

  it('turns each corner into a CornerDecl named by the `name` value', () => {
    const [a, b, c] = corners(file);
    expect(a!.name.name).toBe('ssgnp_0p48v_m40c_cworst_CCworst_T');
    expect(at(source, a!.name.span)).toBe('3:11 ssgnp_0p48v_m40c_cworst_CCworst_T');
    expect(b!.name.name).toBe('ttg_0p48v_25c_typical');
    expect(at(source, b!.name.span)).toBe('9:11 ttg_0p48v_25c_typical');
    expect(properties(b!)).toEqual([]);
    // A quoted name: the span covers the text inside the quotes.
    expect(c!.name.name).toBe('ffgnp_0p880v_125c_rcbest_CCbest_T');
    expect(at(source, c!.name.span)).toBe('10:12 ffgnp_0p880v_125c_rcbest_CCbest_T');
    expect(at(source, a!.span).startsWith('3:5 name: ssgnp')).toBe(true);
    expect(a!.body.span).toEqual(a!.span);
  });

  it('turns each other field into a Property with the key’s span', () => {
    const [a] = corners(file);
    expect(properties(a!).map((p) => [p.key.name, at(source, p.key.span)])).toEqual([
      ['process', '4:5 process'],
      ['voltage', '5:5 voltage'],
      ['temperature', '6:5 temperature'],
      ['rc', '7:5 rc'],
      ['mc_samples', '8:5 mc_samples'],
    ]);
    const voltage = properties(a!).find((p) => p.key.name === 'voltage')!;
    expect(at(source, voltage.span)).toBe('5:5 voltage: 0.48V');
  });

  it('converts values like the .lcp parser would', () => {
    const [a, , c] = corners(file);
    expect(property(a!, 'process')).toEqual<Reference>({
      kind: 'Reference',
      path: [{ kind: 'Identifier', name: 'ssgnp', span: property(a!, 'process').span }],
      span: property(a!, 'process').span,
    });
    expect(at(source, property(a!, 'process').span)).toBe('4:14 ssgnp');

    const voltage = property(a!, 'voltage') as QuantityLiteral;
    expect(voltage).toMatchObject({ kind: 'Quantity', value: 0.48, digits: '0.48', unit: 'V' });
    expect(at(source, voltage.span)).toBe('5:14 0.48V');
    expect(at(source, voltage.unitSpan!)).toBe('5:18 V');

    const temperature = property(a!, 'temperature') as QuantityLiteral;
    expect(temperature).toMatchObject({ kind: 'Quantity', value: -40, digits: '-40', unit: 'C' });
    expect(at(source, temperature.unitSpan!)).toBe('6:21 C');

    const rc = property(a!, 'rc') as Reference;
    expect(rc.kind).toBe('Reference');
    expect(rc.path.map((i) => i.name)).toEqual(['cworst_CCworst_T']);

    const samples = property(a!, 'mc_samples') as QuantityLiteral;
    expect(samples).toEqual({ kind: 'Quantity', value: 1000, digits: '1000', span: samples.span });
    expect(at(source, samples.span)).toBe('8:17 1000');

    expect(property(c!, 'voltage')).toMatchObject({ kind: 'Quantity', value: 880, digits: '880', unit: 'mV' });
    // Quoted quantities are quantities; their spans are inside the quotes.
    const kelvin = property(c!, 'temperature') as QuantityLiteral;
    expect(kelvin).toMatchObject({ kind: 'Quantity', value: 398.15, digits: '398.15', unit: 'K' });
    expect(at(source, kelvin.span)).toBe('12:19 398.15K');
    expect(at(source, kelvin.unitSpan!)).toBe('12:25 K');

    const note = property(c!, 'note') as StringLiteral;
    expect(note.kind).toBe('String');
    expect(note.text).toBe('signoff corner, see ticket 42');
    expect(note.parts).toEqual([{ kind: 'Text', value: 'signoff corner, see ticket 42', span: note.parts[0]!.span }]);
    expect(at(source, note.parts[0]!.span)).toBe('13:12 signoff corner, see ticket 42');
    expect(at(source, note.span)).toBe('13:11 "signoff corner, see ticket 42"');

    expect(property(c!, 'lvf')).toMatchObject({ kind: 'Boolean', value: true });
  });

  it('turns sets into CornerSetDecls of references', () => {
    const [signoff, fast, everything, alias] = sets(file);
    expect(signoff!.name.name).toBe('signoff');
    expect(at(source, signoff!.name.span)).toBe('16:3 signoff');
    expect(signoff!.value.kind).toBe('List');
    const items = signoff!.value.kind === 'List' ? signoff!.value.items : [];
    expect(items.map((i) => (i as Reference).path[0]!.name)).toEqual(['ssgnp_0p48v_m40c_cworst_CCworst_T', 'ttg_0p48v_25c_typical']);
    expect(items.map((i) => at(source, i.span))).toEqual(['16:13 ssgnp_0p48v_m40c_cworst_CCworst_T', '16:48 ttg_0p48v_25c_typical']);
    expect(at(source, signoff!.value.span)).toBe('16:12 [ssgnp_0p48v_m40c_cworst_CCworst_T, ttg_0p48v_25c_typical]');

    expect(fast!.value.kind === 'List' && fast!.value.items.map((i) => at(source, i.span))).toEqual([
      '18:7 ffgnp_0p880v_125c_rcbest_CCbest_T',
    ]);
    expect(everything!.value.kind === 'List' && everything!.value.items.map((i) => (i as Reference).path[0]!.name)).toEqual(['signoff', 'fast']);
    expect(alias!.value).toMatchObject({ kind: 'Reference', path: [{ name: 'signoff' }] });
  });

  it('gives every node a well-formed span in the file', () => {
    for (const { path, span } of allSpans(file)) {
      expect(span.file, path).toBe(file.path);
      expect(span.start, path).toBeGreaterThanOrEqual(0);
      expect(span.end, path).toBeGreaterThanOrEqual(span.start);
      expect(span.end, path).toBeLessThanOrEqual(source.text.length);
    }
  });
});

describe('YAML syntax errors', () => {
  it('reports all of them as LCP5001 at their positions, and still converts the rest', () => {
    const source = fixture('syntax-errors.yaml');
    const { file, diagnostics } = parseCornerTable(source);
    const errors = diagnostics.filter((d) => d.code === 'LCP5001');
    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(summary(source, errors)).toEqual([
      'LCP5001 4:5 voltage — map keys must be unique',
      'LCP5001 5:11 t — nested mappings are not allowed in compact mappings',
      'LCP5001 5:11 ttg_0p48v_25c_typical — implicit keys need to be on a single line',
      'LCP5001 8:1 \t — tabs are not allowed as indentation',
      'LCP5001 11:1  — flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(summary(source, diagnostics.filter((d) => d.code !== 'LCP5001'))).toEqual([]);
    for (const d of errors) {
      expect(d.severity).toBe('error');
      expect(d.message).toMatch(/^[a-z]/);
      expect(d.message).not.toMatch(/\n/);
      expect(d.message).not.toMatch(/\.$/);
    }
    // The first corner survives; its duplicate `voltage` key keeps the first value only.
    const first = corners(file)[0]!;
    expect(first.name.name).toBe('ssgnp_0p48v_m40c_cworst_CCworst_T');
    expect(properties(first).map((p) => p.key.name)).toEqual(['voltage']);
    expect((property(first, 'voltage') as QuantityLiteral).digits).toBe('0.48');
    expect(sets(file).map((s) => s.name.name)).toEqual(['signoff']);
  });

  it('reports an unterminated quote and a multi-document file', () => {
    const unterminated = parse('corners:\n  - name: a\n    rc: "typical\n');
    expect(unterminated.diagnostics.map((d) => d.code)).toContain('LCP5001');
    expect(unterminated.diagnostics.find((d) => d.code === 'LCP5001')!.message).toMatch(/missing closing "quote/);

    const twoDocs = parse('corners: []\n---\ncorners: []\n');
    expect(twoDocs.diagnostics.map((d) => [d.code, d.message])).toContainEqual([
      'LCP5001',
      expect.stringMatching(/^source contains multiple documents/),
    ]);
  });

  it('reports diagnostics in source order', () => {
    const { diagnostics } = parse('corners:\n  - name: a\n    name: b\n  - [\nfoo: : bar\n  x\n"unterminated\n');
    const starts = diagnostics.map((d) => d.primary.span.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(diagnostics.length).toBeGreaterThanOrEqual(4);
  });
});

describe('structural errors', () => {
  const source = fixture('structure-errors.yaml');
  const { file, diagnostics } = parseCornerTable(source);

  it('reports each as LCP5002 at the offending node', () => {
    expect(diagnostics.every((d) => d.code === 'LCP5002')).toBe(true);
    expect(summary(source, diagnostics)).toEqual([
      'LCP5002 4:5 ttg_0p48v_25c_typical — a corner must be a mapping with a `name`',
      'LCP5002 5:5 voltage: 0.5V — corner without a `name`',
      'LCP5002 7:11 0p48v_bad_name — corner name `0p48v_bad_name` is not a valid identifier',
      'LCP5002 8:11 [a, b] — a corner `name` must be a single name',
      'LCP5002 10:14 [0.88V, 0.9V] — `voltage` must be a single value, not a list',
      'LCP5002 11:5 rc — `rc` has no value',
      'LCP5002 12:18 { value: 125C } — `temperature` must be a single value, not a mapping',
      'LCP5002 15:48 [nested] — a corner set lists corners and corner sets by name',
      'LCP5002 15:59 not a name — `not a name` is not a corner or corner set name',
      'LCP5002 16:8 { from: signoff, where: "corner.process == ssgnp" } — corner set `lvf` must be a list of corners',
      'LCP5002 17:1 cornrs — unknown key `cornrs` in a corner table',
    ]);
  });

  it('helps where it can', () => {
    const byMessage = (fragment: string): Diagnostic => diagnostics.find((d) => d.message.includes(fragment))!;
    expect(byMessage('a corner must be a mapping').help).toBe('write `- name: ttg_0p48v_25c_typical`');
    expect(byMessage('unknown key `cornrs`').help).toBe('did you mean `corners`?');
    expect(byMessage('corner set `lvf`').notes.join(' ')).toMatch(/corners slow = signoff where corner.process == ssgnp/);
  });

  it('keeps converting the rest', () => {
    expect(corners(file).map((c) => c.name.name)).toEqual(['ssgnp_0p48v_m40c_cworst_CCworst_T', 'ffgnp_0p88v_125c_typical']);
    // Unknown fields are the checker's business (LCP2006): they become properties.
    expect(properties(corners(file)[1]!).map((p) => p.key.name)).toEqual(['voltag']);
    const signoff = sets(file)[0]!;
    expect(signoff.value.kind === 'List' && signoff.value.items.map((i) => (i as Reference).path[0]!.name)).toEqual([
      'ssgnp_0p48v_m40c_cworst_CCworst_T',
    ]);
  });

  it('rejects a top level that is not a mapping', () => {
    const source2 = fixture('not-a-mapping.yaml');
    const result = parseCornerTable(source2);
    expect(result.file.declarations).toEqual([]);
    expect(summary(source2, result.diagnostics)).toEqual([
      'LCP5002 1:1 - name: ssgnp_0p48v_m40c_cworst_CCworst_T — a corner table is a mapping with the keys `corners` and `sets`',
    ]);
    expect(parse('just text').diagnostics.map((d) => d.code)).toEqual(['LCP5002']);
  });

  it('rejects `corners` that is not a list and `sets` that is not a mapping', () => {
    const { source: s, diagnostics: d } = parse('corners: ssgnp_0p48v_m40c\nsets: [a, b]\n');
    expect(summary(s, d)).toEqual([
      'LCP5002 1:10 ssgnp_0p48v_m40c — `corners` must be a list of corners',
      'LCP5002 2:7 [a, b] — `sets` must be a mapping from set names to lists of corners',
    ]);
  });

  it('accepts an empty file and empty sections', () => {
    for (const text of ['', '# only a comment\n', 'corners:\nsets:\n', 'corners: []\nsets: {}\n']) {
      const result = parse(text);
      expect(result.diagnostics, JSON.stringify(text)).toEqual([]);
      expect(result.file.declarations).toEqual([]);
    }
  });

  it('rejects aliases', () => {
    const { diagnostics: d } = parse('corners:\n  - name: a\n    mc_samples: &n 10\n  - name: b\n    mc_samples: *n\n');
    expect(d.map((x) => x.message)).toEqual(['yaml aliases are not supported in corner tables']);
  });
});

describe('quantities', () => {
  it('points a bad unit at the unit inside the YAML', () => {
    const source = fixture('bad-unit.yaml');
    const { file, diagnostics } = parseCornerTable(source);
    expect(diagnostics).toEqual([]);
    const corner = corners(file)[0]!;
    const voltage = property(corner, 'voltage') as QuantityLiteral;
    expect(voltage).toMatchObject({ kind: 'Quantity', value: 0.48, digits: '0.48', unit: 'Vv' });
    expect(at(source, voltage.unitSpan!)).toBe('3:18 Vv');
    const temperature = property(corner, 'temperature') as QuantityLiteral;
    expect(temperature).toMatchObject({ kind: 'Quantity', value: -40, digits: '-40', unit: 'F' });
    expect(at(source, temperature.unitSpan!)).toBe('4:22 F');
    const memory = property(corner, 'mc_samples') as QuantityLiteral;
    expect(memory).toMatchObject({ value: 64, digits: '64', unit: 'Gb' });
    expect(at(source, memory.unitSpan!)).toBe('5:19 Gb');
    const unitless = property(corner, 'mem') as QuantityLiteral;
    expect(unitless).toEqual({ kind: 'Quantity', value: 64, digits: '64', span: unitless.span });
  });

  it('follows the .lcp lexer’s rule for what is a quantity', () => {
    const value = (text: string): Expression => {
      const { file } = parse(`corners:\n  - name: a\n    x: ${text}\n`);
      return property(corners(file)[0]!, 'x');
    };
    expect(value('30m')).toMatchObject({ kind: 'Quantity', value: 30, unit: 'm' });
    expect(value('0.480')).toMatchObject({ kind: 'Quantity', value: 0.48, digits: '0.480' });
    expect(value('-0.5V')).toMatchObject({ kind: 'Quantity', value: -0.5, digits: '-0.5', unit: 'V' });
    expect(value('1e3')).toMatchObject({ kind: 'Quantity', value: 1000, digits: '1e3' });
    expect(value('64 GB')).toMatchObject({ kind: 'String', text: '64 GB' });
    expect(value('0.48.V')).toMatchObject({ kind: 'String', text: '0.48.V' });
    expect(value('/tools/bin')).toMatchObject({ kind: 'String', text: '/tools/bin' });
    expect(value('"a \\"quoted\\" b"')).toMatchObject({ kind: 'String', text: 'a "quoted" b' });
    expect(value('false')).toMatchObject({ kind: 'Boolean', value: false });
    expect(value('per_slot')).toMatchObject({ kind: 'Reference', path: [{ name: 'per_slot' }] });
    expect(value("'ssgnp'")).toMatchObject({ kind: 'Reference', path: [{ name: 'ssgnp' }] });
    // A double-quoted value with an escape: no verbatim slice, so the span is the whole scalar.
    const escaped = value('"0.5\\u0056"') as QuantityLiteral;
    expect(escaped).toMatchObject({ kind: 'Quantity', value: 0.5, unit: 'V' });
    expect(escaped.unitSpan).toEqual(escaped.span);
  });
});

describe('robustness', () => {
  it('never throws on arbitrary text, and every span stays in the file', () => {
    const yamlish = fc.string({
      unit: fc.constantFrom('corners', 'sets', 'name', ':', ' ', '  ', '\n', '-', '[', ']', '{', '}', ',', '"', "'", '#', '&a', '*a', '!t', '|', '>', '0.48V', 'ssgnp_0p48v_m40c', '\t', '---', '?', '%'),
      maxLength: 60,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string(), yamlish), (text) => {
        const source = createSourceFile('fuzz.yaml', text);
        const result = parseCornerTable(source);
        for (const d of result.diagnostics) {
          expect(['LCP5001', 'LCP5002']).toContain(d.code);
          expect(d.primary.span.end).toBeLessThanOrEqual(text.length);
        }
        for (const { span } of allSpans(result.file)) {
          expect(span.start).toBeGreaterThanOrEqual(0);
          expect(span.end).toBeGreaterThanOrEqual(span.start);
          expect(span.end).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('is deterministic', () => {
    const text = readFileSync(FIXTURES + 'structure-errors.yaml', 'utf8');
    expect(parse(text)).toEqual(parse(text));
  });
});
