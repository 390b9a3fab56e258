import { readFileSync } from 'node:fs';
import { Lexer, type TokenType } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { createSourceFile } from '../../src/diagnostics/source.js';
import { parseLcp } from '../../src/syntax/parse.js';
import { KEYWORD_WORDS, LEXER_CONFIG, allTokens, lcpLexer, tokenLabel } from '../../src/syntax/tokens.js';

function lex(text: string): [string, string][] {
  const result = lcpLexer.tokenize(text);
  return result.tokens.map((t) => [t.tokenType.name, t.image]);
}

function diagnostics(text: string) {
  return parseLcp(createSourceFile('t.lcp', text)).diagnostics;
}

describe('lexer', () => {
  it('passes Chevrotain\'s checks of the token definitions, which the shared lexer skips', () => {
    // Throws on a definition error (an unreachable token, a pattern that can match nothing, …).
    const checked = new Lexer(allTokens as TokenType[], { ...LEXER_CONFIG, skipValidations: false });
    expect(checked.lexerDefinitionErrors).toEqual([]);
    const text = readFileSync('examples/n2_tanager/flow.lcp', 'utf8');
    const kinds = (lexer: Lexer) => lexer.tokenize(text).tokens.map((t) => `${t.tokenType.name} ${t.startOffset} ${t.image}`);
    expect(kinds(lcpLexer)).toEqual(kinds(checked));
  });

  it('tells keywords from identifiers that start with them', () => {
    expect(lex('corner corners cornerstone corner_x cornersX Corner')).toEqual([
      ['KwCorner', 'corner'],
      ['KwCorners', 'corners'],
      ['Identifier', 'cornerstone'],
      ['Identifier', 'corner_x'],
      ['Identifier', 'cornersX'],
      ['Identifier', 'Corner'],
    ]);
    expect(lex('in index true truex for_each each')).toEqual([
      ['KwIn', 'in'],
      ['Identifier', 'index'],
      ['KwTrue', 'true'],
      ['Identifier', 'truex'],
      ['Identifier', 'for_each'],
      ['KwEach', 'each'],
    ]);
  });

  it('lexes every keyword as a keyword', () => {
    expect(KEYWORD_WORDS).toHaveLength(29);
    for (const word of KEYWORD_WORDS) {
      const [token] = lex(word);
      expect(token?.[0]).toMatch(/^Kw/);
      expect(token?.[1]).toBe(word);
    }
  });

  it('lexes quantities with units, negative numbers and ranges', () => {
    expect(lex('0.48V 480mV -40C 64GB 30m 1000 398.15K 512MiB')).toEqual(
      ['0.48V', '480mV', '-40C', '64GB', '30m', '1000', '398.15K', '512MiB'].map((q) => ['Quantity', q]),
    );
    expect(lex('1..2')).toEqual([
      ['Quantity', '1'],
      ['DotDot', '..'],
      ['Quantity', '2'],
    ]);
    expect(lex('0.40V .. 0.95V')).toEqual([
      ['Quantity', '0.40V'],
      ['DotDot', '..'],
      ['Quantity', '0.95V'],
    ]);
    expect(lex('-40C..150C')).toEqual([
      ['Quantity', '-40C'],
      ['DotDot', '..'],
      ['Quantity', '150C'],
    ]);
    // A space between number and unit makes two tokens.
    expect(lex('64 GB')).toEqual([
      ['Quantity', '64'],
      ['Identifier', 'GB'],
    ]);
  });

  it('lexes punctuation, longest first', () => {
    expect(lex('{ } [ ] ( ) , : = .. . == != < <= > >= && || !').map(([, image]) => image)).toEqual(
      '{ } [ ] ( ) , : = .. . == != < <= > >= && || !'.split(' '),
    );
    expect(lex('a.b.c').map(([name]) => name)).toEqual(['Identifier', 'Dot', 'Identifier', 'Dot', 'Identifier']);
    expect(lex('x<=1').map(([name]) => name)).toEqual(['Identifier', 'LessEq', 'Quantity']);
  });

  it('lexes plain, raw and unterminated strings', () => {
    expect(lex('"a\\"b" """x\n"y"\n""" ""')).toEqual([
      ['PlainString', '"a\\"b"'],
      ['RawString', '"""x\n"y"\n"""'],
      ['PlainString', '""'],
    ]);
    expect(lex('"abc\nx')).toEqual([
      ['UnterminatedString', '"abc'],
      ['Identifier', 'x'],
    ]);
    expect(lex('"""abc\nx')).toEqual([['UnterminatedRawString', '"""abc\nx']]);
  });

  it('puts comments in their own group, in order', () => {
    const result = lcpLexer.tokenize('a // one\n/* two\n */ b /* three');
    expect(result.tokens.map((t) => t.image)).toEqual(['a', 'b']);
    expect(result.groups.comments?.map((t) => [t.tokenType.name, t.image])).toEqual([
      ['LineComment', '// one'],
      ['BlockComment', '/* two\n */'],
      ['UnterminatedBlockComment', '/* three'],
    ]);
  });

  it('gives every token a human label', () => {
    for (const type of allTokens) expect(tokenLabel(type)).not.toBe(type.name);
    expect(tokenLabel(allTokens.find((t) => t.name === 'LCurly')!)).toBe('`{`');
    expect(tokenLabel(allTokens.find((t) => t.name === 'Identifier')!)).toBe('identifier');
    expect(tokenLabel(allTokens.find((t) => t.name === 'KwStage')!)).toBe('`stage`');
  });

  it('reports one LCP1001 per run of unexpected characters', () => {
    const text = 'pipeline p @@@ # é\nqueue q { max_mem = 1GB; }';
    const found = diagnostics(text);
    expect(found.map((d) => [d.code, text.slice(d.primary.span.start, d.primary.span.end)])).toEqual([
      ['LCP1001', '@@@'],
      ['LCP1001', '#'],
      ['LCP1001', 'é'],
      ['LCP1001', ';'],
    ]);
    expect(found[0]!.message).toBe('unexpected characters `@@@`');
    expect(found[3]!.message).toBe('unexpected character `;`');
    expect(found[1]!.help).toMatch(/comments start with/);
  });

  it('reports LCP1003 for unterminated strings and keeps parsing', () => {
    const text = 'import "corners.yaml\npipeline p';
    const result = parseLcp(createSourceFile('t.lcp', text));
    expect(result.diagnostics.map((d) => [d.code, d.primary.span.start, d.primary.span.end])).toEqual([
      ['LCP1003', 7, 8],
    ]);
    expect(result.file.declarations.map((d) => d.kind)).toEqual(['ImportDecl', 'PipelineDecl']);
    const imported = result.file.declarations[0]!;
    expect(imported.kind === 'ImportDecl' && imported.path.text).toBe('corners.yaml');

    const raw = diagnostics('stage s { run = shell """echo\n }');
    expect(raw.map((d) => [d.code, d.primary.span.start, d.primary.span.end])).toContainEqual(['LCP1003', 22, 25]);
  });

  it('reports LCP1006 for an unterminated block comment', () => {
    const result = parseLcp(createSourceFile('t.lcp', 'pipeline p\n/* never closed\nstage s {}'));
    expect(result.diagnostics.map((d) => [d.code, d.primary.span.start, d.primary.span.end])).toEqual([
      ['LCP1006', 11, 13],
    ]);
    expect(result.file.comments).toHaveLength(1);
    expect(result.file.declarations.map((d) => d.kind)).toEqual(['PipelineDecl']);
  });
});
