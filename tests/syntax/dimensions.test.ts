/** `dimension NAME = [values]` (grammar/lcp.ebnf dimensionDecl): parsing, spans and formatting. */
import { describe, expect, it } from 'vitest';
import { createSourceFile } from '../../src/diagnostics/source.js';
import { formatLcp } from '../../src/syntax/format.js';
import { parseLcp } from '../../src/syntax/parse.js';

function parse(text: string) {
  return parseLcp(createSourceFile('main.lcp', text));
}

function fmt(text: string): string {
  const result = formatLcp(createSourceFile('main.lcp', text));
  if (!('text' in result)) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
  return result.text;
}

describe('dimension declarations', () => {
  it('parses the name and values with their spans', () => {
    const text = 'dimension arcs = [cons, non_cons]\nstage s for each library, arcs { run = shell "true" }';
    const result = parse(text);
    expect(result.diagnostics).toEqual([]);
    const decl = result.file.declarations[0]!;
    expect(decl.kind).toBe('DimensionDecl');
    if (decl.kind !== 'DimensionDecl') return;
    expect(text.slice(decl.span.start, decl.span.end)).toBe('dimension arcs = [cons, non_cons]');
    expect(decl.name.name).toBe('arcs');
    expect(decl.values.map((v) => [v.name, text.slice(v.span.start, v.span.end)])).toEqual([
      ['cons', 'cons'],
      ['non_cons', 'non_cons'],
    ]);
    const stage = result.file.declarations[1]!;
    expect(stage.kind === 'StageDecl' && stage.forEach!.keys.map((k) => k.name)).toEqual(['library', 'arcs']);
  });

  it('parses an empty list and a keyword as the name (the checker reports both)', () => {
    const result = parse('dimension corner = []');
    expect(result.diagnostics).toEqual([]);
    const decl = result.file.declarations[0]!;
    expect(decl.kind === 'DimensionDecl' && [decl.name.name, decl.values.length]).toEqual(['corner', 0]);
  });

  it('a value that is not a name is a syntax error', () => {
    expect(parse('dimension arcs = [cons, "x"]').diagnostics.map((d) => d.code)).toContain('LCP1002');
  });

  it('`dimension` stays usable as a property name', () => {
    expect(parse('tool t { dimension = 3 }').diagnostics).toEqual([]);
  });

  it('formats canonically and idempotently', () => {
    const once = fmt('dimension   arcs=[ cons ,non_cons ]\n');
    expect(once).toBe('dimension arcs = [cons, non_cons]\n');
    expect(fmt(once)).toBe(once);
    expect(fmt('dimension e = []\n')).toBe('dimension e = []\n');
  });
});
