/** `for each library, corner group by …` (grammar/lcp.ebnf groupByClause): parsing and formatting. */
import { describe, expect, it } from 'vitest';
import { createSourceFile } from '../../src/diagnostics/source.js';
import { formatLcp } from '../../src/syntax/format.js';
import { parseLcp } from '../../src/syntax/parse.js';

function fmt(text: string): string {
  const result = formatLcp(createSourceFile('main.lcp', text));
  if (!('text' in result)) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
  return result.text;
}

describe('group by', () => {
  it('parses the fields with spans, inside the for-each clause', () => {
    const text = 'stage lvf for each library, corner group by process, rc after char { run = shell "true" }';
    const result = parseLcp(createSourceFile('main.lcp', text));
    expect(result.diagnostics).toEqual([]);
    const decl = result.file.declarations[0]!;
    if (decl.kind !== 'StageDecl') throw new Error('not a stage');
    const clause = decl.forEach!.groupBy!;
    expect(clause.kind).toBe('GroupBy');
    expect(text.slice(clause.span.start, clause.span.end)).toBe('group by process, rc');
    expect(clause.fields.map((f) => text.slice(f.span.start, f.span.end))).toEqual(['process', 'rc']);
    expect(text.slice(decl.forEach!.span.start, decl.forEach!.span.end)).toBe('for each library, corner group by process, rc');
    expect(decl.after.map((a) => a.name)).toEqual(['char']);
  });

  it('`group` and `by` are contextual: still ordinary names elsewhere', () => {
    const result = parseLcp(createSourceFile('main.lcp', 'stage group for each library { run = shell "true"  by = 1 }'));
    expect(result.diagnostics).toEqual([]);
  });

  it('formats canonically and idempotently', () => {
    const once = fmt('stage lvf for each library,corner   group  by process ,rc {\n  run = shell "true"\n}\n');
    expect(once).toBe('stage lvf for each library, corner group by process, rc {\n  run = shell "true"\n}\n');
    expect(fmt(once)).toBe(once);
  });
});
