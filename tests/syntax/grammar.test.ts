import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lcpParser } from '../../src/syntax/parser.js';
import { AstBuilder } from '../../src/syntax/to-ast.js';

/** Names defined by the camelCase (parser) rules of grammar/lcp.ebnf, comments removed. */
function ebnfRuleNames(): string[] {
  const text = readFileSync(new URL('../../grammar/lcp.ebnf', import.meta.url), 'utf8').replace(/\(\*[\s\S]*?\*\)/g, '');
  return [...text.matchAll(/^\s*([a-z][A-Za-z0-9]*)\s*=/gm)].map((m) => m[1]!);
}

describe('grammar/lcp.ebnf', () => {
  it('defines exactly the rules of the parser', () => {
    const ebnf = ebnfRuleNames();
    expect(new Set(ebnf).size).toBe(ebnf.length);
    expect([...ebnf].sort()).toEqual(Object.keys(lcpParser.getGAstProductions()).sort());
  });

  it('defines every lexical rule it uses', () => {
    const text = readFileSync(new URL('../../grammar/lcp.ebnf', import.meta.url), 'utf8').replace(/\(\*[\s\S]*?\*\)/g, '');
    const defined = new Set([...text.matchAll(/^\s*([A-Za-z][A-Za-z0-9]*)\s*=/gm)].map((m) => m[1]!));
    const bodies = text.replace(/\?[^?]*\?/g, '').replace(/"[^"]*"|'[^']*'/g, '');
    const used = new Set([...bodies.matchAll(/\b([A-Za-z][A-Za-z0-9]*)\b/g)].map((m) => m[1]!));
    for (const name of used) expect(defined, name).toContain(name);
  });

  it('has a visitor method for every rule', () => {
    expect(() => new AstBuilder('f', [])).not.toThrow();
  });
});
