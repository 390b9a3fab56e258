/** `after copy, char | char_mb` (grammar/lcp.ebnf afterClause): joins in the AST and the formatter. */
import { describe, expect, it } from 'vitest';
import { createSourceFile } from '../../src/diagnostics/source.js';
import { formatLcp } from '../../src/syntax/format.js';
import { parseLcp } from '../../src/syntax/parse.js';

function stage(text: string) {
  const result = parseLcp(createSourceFile('main.lcp', text));
  expect(result.diagnostics).toEqual([]);
  const decl = result.file.declarations[0]!;
  if (decl.kind !== 'StageDecl') throw new Error('not a stage');
  return decl;
}

function fmt(text: string): string {
  const result = formatLcp(createSourceFile('main.lcp', text));
  if (!('text' in result)) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
  return result.text;
}

describe('joins in `after`', () => {
  it('keeps every name in `after` and each `|` group as a join with its span', () => {
    const text = 'stage m after copy, char | char_mb | char_x, other { run = shell "true" }';
    const decl = stage(text);
    expect(decl.after.map((a) => a.name)).toEqual(['copy', 'char', 'char_mb', 'char_x', 'other']);
    expect(decl.joins!.map((j) => [j.kind, j.alternatives.map((a) => a.name), text.slice(j.span.start, j.span.end)])).toEqual([
      ['AfterJoin', ['char', 'char_mb', 'char_x'], 'char | char_mb | char_x'],
    ]);
    expect(decl.joins![0]!.alternatives[0]).toBe(decl.after[1]);
  });

  it('a clause without `|` has no joins (the AST is as before)', () => {
    expect(stage('stage m after a, b { run = shell "true" }').joins).toBeUndefined();
  });

  it('`|` is one token, `||` another', () => {
    expect(parseLcp(createSourceFile('main.lcp', 'stage m after a || b { run = shell "true" }')).diagnostics.map((d) => d.code)).toContain('LCP1002');
  });

  it('formats canonically and idempotently', () => {
    const once = fmt('stage m after copy ,char|char_mb {\n  run = shell "true"\n}\n');
    expect(once).toBe('stage m after copy, char | char_mb {\n  run = shell "true"\n}\n');
    expect(fmt(once)).toBe(once);
  });
});
