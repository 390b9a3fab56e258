/**
 * The TextMate grammar grammar/lcp.tmLanguage.json (editor highlighting), run with the engine VS
 * Code uses: vscode-textmate on vscode-oniguruma's WASM build.
 *
 * - Every line of every example, template and ```lcp block of docs/language.md is covered by
 *   tokens without gaps, and every non-blank character gets a scope besides `source.lcp`
 *   (identifiers used as values are `variable.other.lcp`, so there is no exception).
 * - The grammar splits text where the real lexer (src/syntax/tokens.ts) does, and gives each
 *   lexer token a scope of its kind; checked on the corpus and on random token soup.
 * - A hand-written sample pins the scopes of each construct.
 * - The grammar's keyword lists are exactly KEYWORD_WORDS.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import vsctm, { type IGrammar, type IToken } from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';
import { decodeString } from '../../src/syntax/strings.js';
import { KEYWORD_WORDS, lcpLexer } from '../../src/syntax/tokens.js';

const root = new URL('../../', import.meta.url);
const grammarPath = new URL('grammar/lcp.tmLanguage.json', root);

interface RawRule {
  match?: string;
  name?: string;
  patterns?: RawRule[];
}
interface RawGrammar {
  scopeName: string;
  repository: Record<string, RawRule>;
}
const rawGrammar = JSON.parse(readFileSync(grammarPath, 'utf8')) as RawGrammar;

let grammar: IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(new URL('node_modules/vscode-oniguruma/release/onig.wasm', root));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => oniguruma.createOnigScanner(patterns),
      createOnigString: (text: string) => oniguruma.createOnigString(text),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.lcp' ? vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath.pathname) : null,
  });
  const loaded = await registry.loadGrammar('source.lcp');
  if (loaded === null) throw new Error('grammar source.lcp did not load');
  grammar = loaded;
});

// --- tokenizing --------------------------------------------------------------------------------

interface LineTokens {
  line: string;
  /** File offset of the line's first character. */
  offset: number;
  tokens: IToken[];
}

/** Tokenize a whole text line by line, carrying the rule stack across lines as an editor does. */
function tokenizeText(text: string): LineTokens[] {
  const out: LineTokens[] = [];
  let state = vsctm.INITIAL;
  let offset = 0;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    out.push({ line, offset, tokens: result.tokens });
    offset += rawLine.length + 1;
  }
  return out;
}

/** Non-empty tokens with file offsets (vscode-textmate reports an empty line as one token 0–1). */
function absoluteTokens(lines: LineTokens[]): { start: number; end: number; scopes: string[] }[] {
  const out: { start: number; end: number; scopes: string[] }[] = [];
  for (const { line, offset, tokens } of lines) {
    for (const t of tokens) {
      const end = Math.min(t.endIndex, line.length);
      if (end > t.startIndex) out.push({ start: offset + t.startIndex, end: offset + end, scopes: t.scopes });
    }
  }
  return out;
}

/** The lexer's whitespace (tokens.ts `WhiteSpace`). */
const BLANK = /[ \t\r\n\f\v\uFEFF]/;

// --- the corpus --------------------------------------------------------------------------------

function lcpFilesUnder(dir: string): string[] {
  return (readdirSync(new URL(dir, root), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.lcp'))
    .sort()
    .map((f) => `${dir}/${f}`);
}

const corpus: { name: string; text: string }[] = [
  ...[...lcpFilesUnder('examples'), ...lcpFilesUnder('templates')].map((path) => ({
    name: path,
    text: readFileSync(new URL(path, root), 'utf8'),
  })),
  ...[...readFileSync(new URL('docs/language.md', root), 'utf8').matchAll(/^```lcp\n([\s\S]*?)^```/gm)].map((m, i) => ({
    name: `docs/language.md, lcp block ${i + 1}`,
    text: m[1]!,
  })),
];

describe('the corpus', () => {
  it('is what the task says: every example and the lcp blocks of docs/language.md', () => {
    expect(corpus.filter((c) => c.name.startsWith('examples/')).length).toBeGreaterThanOrEqual(13);
    expect(corpus.filter((c) => c.name.startsWith('docs/')).length).toBeGreaterThanOrEqual(2);
  });
});

// --- (a) and (b): coverage -----------------------------------------------------------------------

/** Problems with the tokens of one text: gaps, overlaps, and non-blank characters left in bare `source.lcp`. */
function coverageProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [n, { line, tokens }] of tokenizeText(text).entries()) {
    const where = `line ${n + 1} ${JSON.stringify(line)}`;
    if (tokens.length === 0) {
      problems.push(`${where}: no tokens`);
      continue;
    }
    if (tokens[0]!.startIndex !== 0) problems.push(`${where}: first token starts at ${tokens[0]!.startIndex}`);
    for (let i = 1; i < tokens.length; i++) {
      if (tokens[i]!.startIndex !== tokens[i - 1]!.endIndex) {
        problems.push(`${where}: token ${i} starts at ${tokens[i]!.startIndex}, previous ends at ${tokens[i - 1]!.endIndex}`);
      }
    }
    // The engine tokenizes the line with its newline: the last token ends at the line's end, or
    // one after it when the newline belongs to a construct that goes on (a raw string, a comment).
    const last = tokens[tokens.length - 1]!;
    if (last.endIndex !== line.length && last.endIndex !== line.length + 1) {
      problems.push(`${where}: tokens end at ${last.endIndex}, not ${line.length}`);
    }
    for (const t of tokens) {
      if (t.scopes[0] !== 'source.lcp') problems.push(`${where}: a token outside source.lcp`);
      const slice = line.slice(t.startIndex, t.endIndex);
      if (t.scopes.length === 1 && [...slice].some((ch) => !BLANK.test(ch))) {
        problems.push(`${where}: ${JSON.stringify(slice)} at ${t.startIndex} has no scope`);
      }
    }
  }
  return problems;
}

describe('coverage of every line', () => {
  it.each(corpus)('$name: tokens cover each line without gaps, every non-blank character scoped', ({ text }) => {
    expect(coverageProblems(text)).toEqual([]);
  });
});

// --- agreement with the lexer --------------------------------------------------------------------

const KEYWORD_SCOPES = /^(keyword\.other\.declaration|keyword\.control|keyword\.operator\.word|constant\.language\.boolean)\.lcp$/;

/** Whether the grammar's first piece of a lexer token of type `tokenType` has a scope of its kind. */
function scopedAsLexed(tokenType: string, scopes: readonly string[]): boolean {
  const innermost = scopes[scopes.length - 1]!;
  if (/Comment$/.test(tokenType)) return scopes.some((s) => s.startsWith('comment.'));
  if (/String$/.test(tokenType)) return scopes.includes('punctuation.definition.string.begin.lcp');
  if (tokenType === 'Quantity') return innermost === 'constant.numeric.quantity.lcp';
  // A keyword is a keyword, except as a property key (`queue = normal`) or in a dotted reference.
  if (tokenType.startsWith('Kw')) return KEYWORD_SCOPES.test(innermost) || /^variable\.other\.(property\.)?lcp$/.test(innermost);
  if (tokenType === 'Identifier') return /^(variable\.other\.(property\.)?lcp|entity\.name\.type\.lcp|storage\.type\.lcp)$/.test(innermost);
  return /^(punctuation\.(section|separator|accessor)\.|keyword\.operator\.(range|comparison|logical|assignment)\.lcp$)/.test(innermost);
}

/**
 * Where the grammar and the lexer disagree: every lexer token (comments included) must begin and
 * end at token boundaries of the grammar, with a scope of its kind; characters the lexer rejects
 * (LCP1001) must be `invalid.illegal.character.lcp`; in each string, the interpolations the
 * decoder (src/syntax/strings.ts) finds must be exactly the grammar's `meta.interpolation.lcp`
 * (except in a string with an interpolation spanning lines, which the grammar does not follow).
 */
function lexerDisagreements(text: string): string[] {
  const lines = tokenizeText(text);
  const tokens = absoluteTokens(lines);
  const starts = new Map(tokens.map((t) => [t.start, t]));
  const boundaries = new Set<number>([...tokens.flatMap((t) => [t.start, t.end]), ...lines.flatMap((l) => [l.offset, l.offset + l.line.length])]);
  const problems: string[] = [];
  const result = lcpLexer.tokenize(text);
  const lexed = [...result.tokens, ...((result.groups['comments'] ?? []) as typeof result.tokens)];
  for (const tok of lexed) {
    const start = tok.startOffset;
    const end = start + tok.image.length;
    const what = `${tok.tokenType.name} ${JSON.stringify(tok.image)} at ${start}`;
    if (!boundaries.has(start) || !boundaries.has(end)) {
      problems.push(`${what}: the grammar splits it differently`);
      continue;
    }
    const scopes = starts.get(start)?.scopes ?? ['source.lcp'];
    if (!scopedAsLexed(tok.tokenType.name, scopes)) problems.push(`${what}: scopes ${scopes.join(' ')}`);
    if (/String$/.test(tok.tokenType.name)) {
      const decoded = decodeString(
        't.lcp',
        { image: tok.image, start, raw: tok.tokenType.name.includes('Raw'), terminated: !tok.tokenType.name.startsWith('Unterminated') },
        [],
      );
      const spans = decoded.parts.flatMap((p) => (p.kind === 'Interpolation' ? [p.span] : []));
      if (spans.some((sp) => /[\r\n]/.test(text.slice(sp.start, sp.end)))) continue;
      const expected = spans.map((sp) => `${sp.start}-${sp.end}`);
      const found: string[] = [];
      let open = -1;
      for (const t of tokens) {
        if (t.start < start || t.end > end) continue;
        if (t.scopes.includes('punctuation.section.interpolation.begin.lcp')) open = t.start;
        if (t.scopes.includes('punctuation.section.interpolation.end.lcp')) found.push(`${open}-${t.end}`);
      }
      if (found.join() !== expected.join()) problems.push(`${what}: interpolations ${found.join()} instead of ${expected.join()}`);
    }
  }
  for (const error of result.errors) {
    for (let i = error.offset; i < error.offset + error.length; i++) {
      if (BLANK.test(text[i]!)) continue;
      const t = tokens.find((x) => x.start <= i && i < x.end);
      if (t?.scopes[t.scopes.length - 1] !== 'invalid.illegal.character.lcp') {
        problems.push(`illegal character ${JSON.stringify(text[i])} at ${i}: scope ${t?.scopes.join(' ')}`);
      }
    }
  }
  return problems;
}

describe('agreement with the lexer (src/syntax/tokens.ts)', () => {
  it.each(corpus)('$name: the grammar splits and classifies text as the lexer does', ({ text }) => {
    expect(lexerDisagreements(text)).toEqual([]);
  });

  it('agrees on random token soup, errors included', () => {
    const pieces = [
      ...KEYWORD_WORDS,
      ...KEYWORD_WORDS.map((w) => `${w}x`),
      'name', '_x1', 'a.b', 'corner.rc', 'a..b', '0.48V', '-40C', '64GB', '1v95', '12', '-', '1.',
      '"', '""', '"""', '"a"', '"\\"', '"\\q"', '"${a.b}"', '"$${x}"', '"${}"', '"${ a b}"', '"${a ${b}}"', '"$x"',
      '"${ a }"', '"${a .b}"', '"${a}${b}"', '"\\$${x}"', '"""${\na}"""', '"""${a\n}"""',
      '"""${x}\n"""', '"""a\n${b}\n"""', '/*', '*/', '/* c */', '//', '// c\n', '// libcc-ignore LCP3102\n',
      '{', '}', '[', ']', '(', ')', ',', ':', '.', '..', '==', '!=', '<', '<=', '>', '>=', '=', '&&', '||', '!',
      '&', '|', ';', '…', '$', '\\', '${', '}', ' ', ' ', '\t', '\n', '\n', 'é',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(coverageProblems(text), text).toEqual([]);
        expect(lexerDisagreements(text), text).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});

// --- (c): a hand-written sample --------------------------------------------------------------------

const SAMPLE = [
  /*  0 */ 'pipeline demo  // a trailing comment',
  /*  1 */ '/* a block comment',
  /*  2 */ '   spanning lines */',
  /*  3 */ 'env KIT: path = "/kits"',
  /*  4 */ 'node n5 {',
  /*  5 */ '  // a comment inside a block',
  /*  6 */ '  vdd = 0.48V .. 950mV /* inline */ temperature = -40C .. 125C',
  /*  7 */ '  processes = [ss, tt]',
  /*  8 */ '}',
  /*  9 */ 'corners slow = [ss_0p48v_m40c_typical]',
  /* 10 */ 'library lib : n5 { corners = slow where corner.process == ss }',
  /* 11 */ 'stage go for each library, corner after prep where !(corner.voltage < 0.5V) && true {',
  /* 12 */ '  run = shell """echo "${corner.name}" \\n',
  /* 13 */ '    $${HOME} ${ library.kit } $HOME"""',
  /* 14 */ '  expect "a\\"b\\\\c\\q ${work}/x $${lit} ${} " >= 1',
  /* 15 */ '  retry 2 on exit 75 backoff 10m',
  /* 16 */ '  resources { queue = normal  mem = 512MiB  cpus = 64 }  // libcc-ignore lcp3106, LCP3102',
  /* 17 */ '}',
  /* 18 */ 'tool cornerstone { path = "${KIT}/bin ; unterminated',
  /* 19 */ 'template step extends base { retry 1 }',
  /* 20 */ 'stage s1 after go extends step { }',
].join('\n');

describe('a hand-written sample', () => {
  let lines: LineTokens[];
  beforeAll(() => {
    lines = tokenizeText(SAMPLE);
  });

  /** Scopes (without `source.lcp`) of the `nth` token of line `n` whose text is `text`. */
  function scopes(n: number, text: string, nth = 0): string[] {
    const { line, tokens } = lines[n]!;
    const found = tokens.filter((t) => line.slice(t.startIndex, t.endIndex) === text);
    const token = found[nth];
    if (token === undefined) {
      const shown = tokens.map((t) => `${JSON.stringify(line.slice(t.startIndex, t.endIndex))}: ${t.scopes.slice(1).join(' ')}`);
      throw new Error(`no token ${JSON.stringify(text)} (#${nth}) on line ${n}:\n${shown.join('\n')}`);
    }
    return token.scopes.slice(1);
  }

  it('is covered like the corpus and agrees with the lexer', () => {
    expect(coverageProblems(SAMPLE)).toEqual([]);
    expect(lexerDisagreements(SAMPLE)).toEqual([]);
  });

  it('scopes declaration keywords, declared names and env types', () => {
    expect(scopes(0, 'pipeline')).toEqual(['keyword.other.declaration.lcp']);
    expect(scopes(0, 'demo')).toEqual(['entity.name.type.lcp']);
    expect(scopes(3, 'env')).toEqual(['keyword.other.declaration.lcp']);
    expect(scopes(3, 'KIT')).toEqual(['entity.name.type.lcp']);
    expect(scopes(3, ':')).toEqual(['punctuation.separator.colon.lcp']);
    expect(scopes(3, 'path')).toEqual(['storage.type.lcp']);
    expect(scopes(4, 'n5')).toEqual(['entity.name.type.lcp']);
    expect(scopes(9, 'corners')).toEqual(['keyword.other.declaration.lcp']);
    expect(scopes(9, 'slow')).toEqual(['entity.name.type.lcp']);
    expect(scopes(10, 'lib')).toEqual(['entity.name.type.lcp']);
    expect(scopes(10, 'n5')).toEqual(['variable.other.lcp']);
    expect(scopes(11, 'stage')).toEqual(['keyword.other.declaration.lcp']);
    expect(scopes(11, 'go')).toEqual(['entity.name.type.lcp']);
    expect(scopes(18, 'cornerstone')).toEqual(['entity.name.type.lcp']);
    expect(scopes(19, 'template')).toEqual(['keyword.other.declaration.lcp']);
    expect(scopes(19, 'step')).toEqual(['entity.name.type.lcp']);
  });

  it('scopes stage templates and `extends`', () => {
    expect(scopes(19, 'extends')).toEqual(['keyword.control.lcp']);
    expect(scopes(19, 'base')).toEqual(['variable.other.lcp']);
    expect(scopes(20, 'extends')).toEqual(['keyword.control.lcp']);
    expect(scopes(20, 'step')).toEqual(['variable.other.lcp']);
  });

  it('scopes the other keywords, and keywords used as names', () => {
    for (const word of ['for', 'each', 'after', 'where']) expect(scopes(11, word)).toEqual(['keyword.control.lcp']);
    expect(scopes(11, 'library')).toEqual(['keyword.other.declaration.lcp']);
    expect(scopes(11, 'true')).toEqual(['constant.language.boolean.lcp']);
    expect(scopes(12, 'shell')).toEqual(['keyword.control.lcp']);
    for (const word of ['retry', 'on', 'exit', 'backoff']) expect(scopes(15, word)).toEqual(['keyword.control.lcp']);
    // keywords as property keys and in dotted references
    expect(scopes(10, 'corners')).toEqual(['variable.other.property.lcp']);
    expect(scopes(16, 'queue')).toEqual(['variable.other.property.lcp']);
    expect(scopes(10, 'corner')).toEqual(['variable.other.lcp']);
    expect(scopes(10, '.')).toEqual(['punctuation.accessor.lcp']);
    expect(scopes(10, 'process')).toEqual(['variable.other.lcp']);
    // identifiers used as values
    expect(scopes(10, 'slow')).toEqual(['variable.other.lcp']);
    expect(scopes(11, 'prep')).toEqual(['variable.other.lcp']);
    expect(scopes(16, 'normal')).toEqual(['variable.other.lcp']);
    expect(scopes(7, 'processes')).toEqual(['variable.other.property.lcp']);
  });

  it('scopes quantities and their units', () => {
    expect(scopes(6, '0.48')).toEqual(['constant.numeric.quantity.lcp']);
    expect(scopes(6, 'V')).toEqual(['constant.numeric.quantity.lcp', 'keyword.other.unit.lcp']);
    expect(scopes(6, '950')).toEqual(['constant.numeric.quantity.lcp']);
    expect(scopes(6, 'mV')).toEqual(['constant.numeric.quantity.lcp', 'keyword.other.unit.lcp']);
    expect(scopes(6, '-40')).toEqual(['constant.numeric.quantity.lcp']);
    expect(scopes(6, 'C')).toEqual(['constant.numeric.quantity.lcp', 'keyword.other.unit.lcp']);
    expect(scopes(15, '10')).toEqual(['constant.numeric.quantity.lcp']);
    expect(scopes(15, 'm')).toEqual(['constant.numeric.quantity.lcp', 'keyword.other.unit.lcp']);
    expect(scopes(16, 'MiB')).toEqual(['constant.numeric.quantity.lcp', 'keyword.other.unit.lcp']);
    expect(scopes(16, '64')).toEqual(['constant.numeric.quantity.lcp']);
    expect(scopes(15, '2')).toEqual(['constant.numeric.quantity.lcp']);
  });

  it('scopes operators and punctuation', () => {
    expect(scopes(6, '..')).toEqual(['keyword.operator.range.lcp']);
    expect(scopes(6, '=')).toEqual(['keyword.operator.assignment.lcp']);
    expect(scopes(10, '==')).toEqual(['keyword.operator.comparison.lcp']);
    expect(scopes(11, '<')).toEqual(['keyword.operator.comparison.lcp']);
    expect(scopes(11, '!')).toEqual(['keyword.operator.logical.lcp']);
    expect(scopes(11, '&&')).toEqual(['keyword.operator.logical.lcp']);
    expect(tokenizeText('stage m after a, b | c {}')[0]!.tokens.find((t) => t.endIndex - t.startIndex === 1 && 'stage m after a, b | c {}'[t.startIndex] === '|')!.scopes.slice(1)).toEqual([
      'punctuation.separator.alternative.lcp',
    ]);
    expect(scopes(14, '>=')).toEqual(['keyword.operator.comparison.lcp']);
    expect(scopes(11, '(')).toEqual(['punctuation.section.parens.begin.lcp']);
    expect(scopes(11, ')')).toEqual(['punctuation.section.parens.end.lcp']);
    expect(scopes(11, ',')).toEqual(['punctuation.separator.comma.lcp']);
    expect(scopes(4, '{')).toEqual(['punctuation.section.block.begin.lcp']);
    expect(scopes(8, '}')).toEqual(['punctuation.section.block.end.lcp']);
    expect(scopes(7, '[')).toEqual(['punctuation.section.list.begin.lcp']);
    expect(scopes(7, ']')).toEqual(['punctuation.section.list.end.lcp']);
  });

  it('scopes line comments, block comments spanning lines and comments inside a block', () => {
    expect(scopes(0, '//')).toEqual(['comment.line.double-slash.lcp', 'punctuation.definition.comment.lcp']);
    expect(scopes(0, ' a trailing comment')).toEqual(['comment.line.double-slash.lcp']);
    expect(scopes(1, '/*')).toEqual(['comment.block.lcp', 'punctuation.definition.comment.begin.lcp']);
    expect(scopes(1, ' a block comment')).toEqual(['comment.block.lcp']);
    expect(scopes(2, '   spanning lines ')).toEqual(['comment.block.lcp']);
    expect(scopes(2, '*/')).toEqual(['comment.block.lcp', 'punctuation.definition.comment.end.lcp']);
    expect(scopes(3, 'env')).toEqual(['keyword.other.declaration.lcp']); // the comment ended
    expect(scopes(5, ' a comment inside a block')).toEqual(['comment.line.double-slash.lcp']);
    expect(scopes(6, ' inline ')).toEqual(['comment.block.lcp']);
    expect(scopes(6, 'temperature')).toEqual(['variable.other.property.lcp']); // after the inline comment
    // a suppression: the directive and its codes (any case), as src/check/suppressions.ts reads them
    expect(scopes(16, 'libcc-ignore')).toEqual(['comment.line.double-slash.lcp', 'keyword.other.directive.suppress.lcp']);
    expect(scopes(16, 'lcp3106')).toEqual(['comment.line.double-slash.lcp', 'constant.other.diagnostic-code.lcp']);
    expect(scopes(16, 'LCP3102')).toEqual(['comment.line.double-slash.lcp', 'constant.other.diagnostic-code.lcp']);
  });

  it('scopes a double-quoted string with escapes and interpolations', () => {
    const str = 'string.quoted.double.lcp';
    expect(scopes(3, '"')).toEqual([str, 'punctuation.definition.string.begin.lcp']);
    expect(scopes(3, '/kits')).toEqual([str]);
    expect(scopes(3, '"', 1)).toEqual([str, 'punctuation.definition.string.end.lcp']);
    expect(scopes(14, '\\"')).toEqual([str, 'constant.character.escape.lcp']);
    expect(scopes(14, '\\\\')).toEqual([str, 'constant.character.escape.lcp']);
    expect(scopes(14, '\\q')).toEqual([str, 'invalid.illegal.unknown-escape.lcp']);
    expect(scopes(14, '${')).toEqual([str, 'meta.interpolation.lcp', 'punctuation.section.interpolation.begin.lcp']);
    expect(scopes(14, 'work')).toEqual([str, 'meta.interpolation.lcp', 'variable.other.lcp']);
    expect(scopes(14, '}')).toEqual([str, 'meta.interpolation.lcp', 'punctuation.section.interpolation.end.lcp']);
    // `$${` is a literal `${`: an escape, and what follows is plain text
    expect(scopes(14, '$${')).toEqual([str, 'constant.character.escape.lcp']);
    expect(scopes(14, 'lit} ')).toEqual([str]);
    // `${}` is no interpolation (LCP1004): its `${` is marked, the rest is text
    expect(scopes(14, '${', 1)).toEqual([str, 'invalid.illegal.interpolation.lcp']);
  });

  it('scopes a raw string spanning lines: interpolations and `$${`, but no escapes', () => {
    const raw = 'string.quoted.triple.lcp';
    expect(scopes(12, '"""')).toEqual([raw, 'punctuation.definition.string.begin.lcp']);
    expect(scopes(12, 'echo "')).toEqual([raw]);
    expect(scopes(12, 'corner')).toEqual([raw, 'meta.interpolation.lcp', 'variable.other.lcp']);
    expect(scopes(12, '.')).toEqual([raw, 'meta.interpolation.lcp', 'punctuation.accessor.lcp']);
    expect(scopes(12, 'name')).toEqual([raw, 'meta.interpolation.lcp', 'variable.other.lcp']);
    expect(scopes(12, '" \\n')).toEqual([raw]); // `\n` is two characters in a raw string
    expect(scopes(13, '    ')).toEqual([raw]); // the second line is still in the string
    expect(scopes(13, '$${')).toEqual([raw, 'constant.character.escape.lcp']);
    expect(scopes(13, 'HOME} ')).toEqual([raw]);
    expect(scopes(13, 'library')).toEqual([raw, 'meta.interpolation.lcp', 'variable.other.lcp']);
    expect(scopes(13, 'kit')).toEqual([raw, 'meta.interpolation.lcp', 'variable.other.lcp']);
    expect(scopes(13, ' $HOME')).toEqual([raw]); // `$` without `{` is literal
    expect(scopes(13, '"""')).toEqual([raw, 'punctuation.definition.string.end.lcp']);
    expect(scopes(14, 'expect')).toEqual(['keyword.control.lcp']); // the raw string ended
  });

  it('marks errors the lexer reports: an unterminated string runs to the end of its line', () => {
    expect(scopes(18, '"')).toEqual([
      'string.quoted.double.lcp',
      'punctuation.definition.string.begin.lcp',
      'invalid.illegal.unterminated-string.lcp',
    ]);
    expect(scopes(18, '/bin ; unterminated')).toEqual(['string.quoted.double.lcp']);
    expect(tokenizeText('a ; b')[0]!.tokens.map((t) => t.scopes.slice(1).join(' '))).toContain('invalid.illegal.character.lcp');
  });
});

// --- (d): keywords in step with tokens.ts ------------------------------------------------------

/** The words of a `(?:a|b|c)(?![A-Za-z0-9_])` alternation. */
function alternationWords(source: string): string[] {
  const m = /^\(\?:([a-z|]+)\)\(\?!\[A-Za-z0-9_\]\)$/.exec(source);
  if (m === null) throw new Error(`not a keyword alternation: ${source}`);
  return m[1]!.split('|');
}

describe('keywords in step with src/syntax/tokens.ts', () => {
  const keywordRules = rawGrammar.repository['keywords']!.patterns!;
  const lists = new Map(keywordRules.map((r) => [r.name!, alternationWords(r.match!)]));

  it('the grammar lists every keyword exactly once', () => {
    const all = [...lists.values()].flat();
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...KEYWORD_WORDS].sort());
    expect(lists.get('constant.language.boolean.lcp')).toEqual(['true', 'false']);
  });

  it('declared names exclude every keyword, after the keywords that declare names', () => {
    const named = rawGrammar.repository['named-declaration']!.match!;
    const env = rawGrammar.repository['env-declaration']!.match!;
    expect(/^\(([a-z|]+)\)/.exec(named)![1]!.split('|').sort()).toEqual(
      ['corner', 'corners', 'dimension', 'library', 'node', 'pipeline', 'queue', 'stage', 'template', 'tool'],
    );
    for (const source of [named, env]) {
      const exclusion = /\(\?!\(\?:([a-z|]+)\)\(\?!\[A-Za-z0-9_\]\)\)/.exec(source);
      expect(exclusion, source).not.toBeNull();
      expect(exclusion![1]!.split('|').sort()).toEqual([...KEYWORD_WORDS].sort());
    }
    for (const word of lists.get('keyword.other.declaration.lcp')!) {
      expect(KEYWORD_WORDS).toContain(word);
    }
  });

  it.each(KEYWORD_WORDS.map((word) => [word]))('`%s` is a keyword, a name before `=` or `.`, and part of longer names', (word) => {
    const only = (text: string) => {
      const [line] = tokenizeText(text);
      return line!.tokens.map((t) => [line!.line.slice(t.startIndex, t.endIndex), t.scopes.slice(1).join(' ')]);
    };
    const [[, scope]] = only(word) as [[string, string]];
    expect(scope).toMatch(KEYWORD_SCOPES);
    expect(only(`${word} = 1`)[0]).toEqual([word, 'variable.other.property.lcp']);
    expect(only(`${word}.x`)[0]).toEqual([word, 'variable.other.lcp']);
    expect(only(`x.${word}`)[2]).toEqual([word, 'variable.other.lcp']);
    expect(only(`${word}x ${word}_ _${word} ${word}1`).filter(([, s]) => s !== '')).toEqual(
      [`${word}x`, `${word}_`, `_${word}`, `${word}1`].map((w) => [w, 'variable.other.lcp']),
    );
    // never a declared name
    expect(only(`stage ${word}`)[2]).toEqual([word, scope]);
  });
});

describe('a deck block', () => {
  const TEXT = 'stage c {\n  run = liberate deck "c.hbs"\n  deck { packet_clients = 200  rsh_cmd = "bsub -o %B/%L"  netlist_format = hspice }\n}';

  it('is covered like the corpus and agrees with the lexer', () => {
    expect(coverageProblems(TEXT)).toEqual([]);
    expect(lexerDisagreements(TEXT)).toEqual([]);
  });

  it('scopes `deck` as the keyword it is, and its fields as property keys', () => {
    const { line, tokens } = tokenizeText(TEXT)[2]!;
    const scoped = (text: string) => tokens.find((t) => line.slice(t.startIndex, t.endIndex) === text)?.scopes.slice(1);
    expect(scoped('deck')).toEqual(['keyword.control.lcp']);
    for (const key of ['packet_clients', 'rsh_cmd', 'netlist_format']) expect(scoped(key)).toEqual(['variable.other.property.lcp']);
  });
});
