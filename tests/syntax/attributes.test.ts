/** Syntax of issue 8: `attribute` declarations and `${a.b:format}` interpolations. */
import { describe, expect, it } from 'vitest';
import { createSourceFile } from '../../src/diagnostics/source.js';
import { formatLcp } from '../../src/syntax/format.js';
import { parseLcp } from '../../src/syntax/parse.js';

function parse(text: string) {
  return parseLcp(createSourceFile('a.lcp', text));
}

describe('attribute declarations', () => {
  it('parse the entity, the name, the type and an optional default', () => {
    const result = parse('attribute library.lpe_dir: string = "LPE"\nattribute corner.product: string\n');
    expect(result.diagnostics).toEqual([]);
    const [first, second] = result.file.declarations;
    expect(first).toMatchObject({
      kind: 'AttributeDecl',
      entity: { name: 'library' },
      name: { name: 'lpe_dir' },
      type: { name: 'string' },
      default: { kind: 'String', text: 'LPE' },
      span: { start: 0, end: 41 },
    });
    expect(second).toMatchObject({ kind: 'AttributeDecl', entity: { name: 'corner' }, name: { name: 'product' }, type: { name: 'string' } });
    expect(second).not.toHaveProperty('default');
  });

  it('take keywords as names and recover from a missing type', () => {
    expect(parse('attribute node.deck: bool = false').diagnostics).toEqual([]);
    const broken = parse('attribute library.lpe_dir string\nnode n { processes = [tt] }\n');
    expect(broken.diagnostics.map((d) => d.code)).toEqual(['LCP1002']);
    expect(broken.file.declarations.map((d) => d.kind)).toEqual(['AttributeDecl', 'NodeDecl']);
  });

  it('are formatted canonically', () => {
    const result = formatLcp(createSourceFile('a.lcp', 'attribute   library . lpe_dir :string="LPE"\nattribute corner.v : voltage=0.5V\n'));
    expect('text' in result && result.text).toBe('attribute library.lpe_dir: string = "LPE"\nattribute corner.v: voltage = 0.5V\n');
  });
});

describe('interpolation formats', () => {
  it('keep the format name with its span, and write it back in the text', () => {
    const result = parse('import "a${corner.voltage:p}b${ corner.temperature : m }"');
    expect(result.diagnostics).toEqual([]);
    const decl = result.file.declarations[0];
    if (decl?.kind !== 'ImportDecl') throw new Error('no import');
    const parts = decl.path.parts.filter((p) => p.kind === 'Interpolation');
    expect(parts.map((p) => p.kind === 'Interpolation' && [p.reference.path.map((i) => i.name).join('.'), p.format?.name])).toEqual([
      ['corner.voltage', 'p'],
      ['corner.temperature', 'm'],
    ]);
    const first = parts[0]!;
    if (first.kind !== 'Interpolation') throw new Error();
    expect(first.format!.span).toEqual({ file: 'a.lcp', start: 26, end: 27 });
    expect(decl.path.text).toBe('a${corner.voltage:p}b${corner.temperature:m}');
  });

  it('report a malformed format as a malformed interpolation', () => {
    for (const text of ['"${a:}"', '"${:p}"', '"${a:1}"', '"${a:p q}"', '"${a:p:q}"']) {
      expect(parse(`import ${text}`).diagnostics.map((d) => d.code), text).toEqual(['LCP1004']);
    }
  });
});
