import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { createSourceFile } from '../../src/diagnostics/source.js';
import type { StringLiteral } from '../../src/syntax/ast.js';
import { parseLcp } from '../../src/syntax/parse.js';
import { decodeString } from '../../src/syntax/strings.js';

/** Parse `import <literal>` and return the string and the diagnostics. */
function literal(source: string): { text: string; string: StringLiteral; diagnostics: readonly Diagnostic[] } {
  const text = `import ${source}`;
  const result = parseLcp(createSourceFile('s.lcp', text));
  const decl = result.file.declarations[0];
  if (decl?.kind !== 'ImportDecl') throw new Error('no import');
  return { text, string: decl.path, diagnostics: result.diagnostics };
}

function slice(text: string, s: { start: number; end: number }): string {
  return text.slice(s.start, s.end);
}

describe('string literals', () => {
  it('decodes the four escapes', () => {
    const { string, diagnostics } = literal('"a\\"b\\\\c\\nd\\te"');
    expect(diagnostics).toEqual([]);
    expect(string.text).toBe('a"b\\c\nd\te');
    expect(string.parts).toEqual([{ kind: 'Text', value: 'a"b\\c\nd\te', span: { file: 's.lcp', start: 8, end: 21 } }]);
    expect(string.span).toEqual({ file: 's.lcp', start: 7, end: 22 });
  });

  it('reports an unknown escape (LCP1005) and keeps the character', () => {
    const { text, string, diagnostics } = literal('"a\\qb\\.c"');
    expect(string.text).toBe('aqb.c');
    expect(diagnostics.map((d) => [d.code, slice(text, d.primary.span), d.message])).toEqual([
      ['LCP1005', '\\q', 'unknown escape sequence `\\q`'],
      ['LCP1005', '\\.', 'unknown escape sequence `\\.`'],
    ]);
  });

  it('takes raw strings literally, across lines', () => {
    const { string, diagnostics } = literal('"""rsync -a "x\\y" \n $HOME"""');
    expect(diagnostics).toEqual([]);
    expect(string.text).toBe('rsync -a "x\\y" \n $HOME');
    expect(string.parts).toHaveLength(1);
    expect(literal('""""""').string).toMatchObject({ text: '', parts: [] });
    expect(literal('""').string).toMatchObject({ text: '', parts: [] });
  });

  it('splits interpolations with exact spans', () => {
    const { text, string, diagnostics } = literal('"${work}/lpe/${ corner.rc }/x"');
    expect(diagnostics).toEqual([]);
    expect(string.text).toBe('${work}/lpe/${corner.rc}/x');
    expect(string.parts.map((p) => [p.kind, slice(text, p.span)])).toEqual([
      ['Interpolation', '${work}'],
      ['Text', '/lpe/'],
      ['Interpolation', '${ corner.rc }'],
      ['Text', '/x'],
    ]);
    const second = string.parts[2];
    if (second?.kind !== 'Interpolation') throw new Error('shape');
    expect(slice(text, second.reference.span)).toBe('corner.rc');
    expect(second.reference.path.map((p) => [p.name, slice(text, p.span)])).toEqual([
      ['corner', 'corner'],
      ['rc', 'rc'],
    ]);
    expect(second.reference.path[1]!.span).toEqual({ file: 's.lcp', start: 30, end: 32 });
  });

  it('interpolates in raw strings, with spans across lines', () => {
    const { text, string } = literal('"""a\n"${library.kit}"\n"""');
    const part = string.parts[1];
    if (part?.kind !== 'Interpolation') throw new Error('shape');
    expect(part.reference.path.map((p) => slice(text, p.span))).toEqual(['library', 'kit']);
    expect(string.text).toBe('a\n"${library.kit}"\n');
  });

  it('keeps escapes and interpolations apart', () => {
    const { string } = literal('"\\"${a}\\""');
    expect(string.parts.map((p) => (p.kind === 'Text' ? p.value : `<${p.reference.path[0]!.name}>`))).toEqual([
      '"',
      '<a>',
      '"',
    ]);
  });

  it('writes `$${` as a literal `${` and a lone `$` as itself', () => {
    const { string, diagnostics } = literal('"$${HOME} $HOME $ $$ $"');
    expect(diagnostics).toEqual([]);
    expect(string.parts).toHaveLength(1);
    expect(string.text).toBe('${HOME} $HOME $ $$ $');
    expect(literal('"""for f in *; do echo $${f%.x}; done"""').string.text).toBe('for f in *; do echo ${f%.x}; done');
  });

  it('reports empty, malformed and unclosed interpolations (LCP1004) and keeps going', () => {
    const { text, string, diagnostics } = literal('"${} ${a b} ${a.} ${ok} ${x"');
    expect(diagnostics.map((d) => [d.code, slice(text, d.primary.span), d.message])).toEqual([
      ['LCP1004', '${}', 'empty interpolation `${}`'],
      ['LCP1004', '${a b}', 'malformed interpolation `${a b}`'],
      ['LCP1004', '${a.}', 'malformed interpolation `${a.}`'],
      ['LCP1004', '${', 'unclosed interpolation `${`'],
    ]);
    expect(string.text).toBe('${} ${a b} ${a.} ${ok} ${x');
    expect(string.parts.filter((p) => p.kind === 'Interpolation')).toHaveLength(1);
    expect(diagnostics[0]!.help).toContain('$${');
  });

  it('recovers inside a malformed interpolation', () => {
    const { string, diagnostics } = literal('"${a ${b}"');
    expect(diagnostics.map((d) => d.code)).toEqual(['LCP1004']);
    expect(string.text).toBe('${a ${b}');
  });

  it('decodes unterminated strings up to the end of the line', () => {
    const out: Diagnostic[] = [];
    const decoded = decodeString('f', { image: '"a ${b} c\\', start: 10, raw: false, terminated: false }, out);
    expect(decoded.text).toBe('a ${b} c\\');
    expect(out).toEqual([]);
    expect(decoded.span).toEqual({ file: 'f', start: 10, end: 20 });
  });

  it('is linear on pathological input', () => {
    const out: Diagnostic[] = [];
    const image = `"${'${'.repeat(100_000)}"`;
    const started = performance.now();
    decodeString('f', { image, start: 0, raw: false, terminated: true }, out);
    const image2 = `"""${'${a b'.repeat(50_000)}}"""`;
    decodeString('f', { image: image2, start: 0, raw: true, terminated: true }, out);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out.map((d) => d.code)).toEqual(['LCP1004', 'LCP1004']);
  });
});
