/**
 * Tokens of the `.lcp` language (docs/language.md, section 1) and the one shared lexer.
 *
 * Every token type carries a human `label` so parse errors read "expected `{`, found `stage`".
 * Keywords come before `Identifier` in `allTokens` and use `longer_alt: Identifier`, so
 * `cornerstone` is an identifier while `corner` and `corners` are keywords. Identifier and every
 * keyword belong to the category `Name`, which the parser accepts wherever a keyword may be used
 * as a plain name (property keys, `for each` keys, segments of dotted references).
 *
 * Error tokens: an unterminated `"…` (to the end of its line) or `"""…` (to the end of the file)
 * and an unterminated `/*` are real tokens, so the lexer never gives up on them; `parse.ts`
 * reports them (LCP1003, LCP1006) and the parser treats unterminated strings as strings.
 */
import { createToken, EOF, Lexer, type TokenType } from 'chevrotain';

// --- categories ----------------------------------------------------------------------------------

/** Anything usable as a name: an identifier or any keyword. */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA, label: 'name' });

/** Any string literal, terminated or not, raw or not. */
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: Lexer.NA, label: 'string' });

/** `== != < <= > >=` */
export const CompareOp = createToken({
  name: 'CompareOp',
  pattern: Lexer.NA,
  label: 'comparison operator',
});

// --- trivia ------------------------------------------------------------------------------------

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v\uFEFF]+/,
  group: Lexer.SKIPPED,
  label: 'whitespace',
});

export const COMMENTS_GROUP = 'comments';

export const LineComment = createToken({
  name: 'LineComment',
  pattern: /\/\/[^\n\r]*/,
  group: COMMENTS_GROUP,
  label: 'comment',
});

export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: COMMENTS_GROUP,
  label: 'comment',
});

/** `/*` never closed: runs to the end of the file (LCP1006). */
export const UnterminatedBlockComment = createToken({
  name: 'UnterminatedBlockComment',
  pattern: /\/\*[\s\S]*/,
  group: COMMENTS_GROUP,
  label: 'comment',
});

// --- literals ------------------------------------------------------------------------------------

/** `"""…"""`: may span lines, no escapes. Must come before `PlainString`. */
export const RawString = createToken({
  name: 'RawString',
  pattern: /"""[\s\S]*?"""/,
  categories: [StringLiteral],
  label: 'string',
});

/** `"""…` never closed: runs to the end of the file (LCP1003). */
export const UnterminatedRawString = createToken({
  name: 'UnterminatedRawString',
  pattern: /"""[\s\S]*/,
  categories: [StringLiteral],
  label: 'string',
});

/** `"…"` on one line, with backslash escapes. */
export const PlainString = createToken({
  name: 'PlainString',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  categories: [StringLiteral],
  label: 'string',
});

/** `"…` never closed: runs to the end of its line (LCP1003). */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringLiteral],
  label: 'string',
});

/** A number with an optional unit written directly after it: `0.48V`, `-40C`, `64GB`, `1000`. */
export const Quantity = createToken({
  name: 'Quantity',
  pattern: /-?\d+(?:\.\d+)?(?:[A-Za-z]+)?/,
  label: 'quantity',
});

// --- identifiers and keywords --------------------------------------------------------------------

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [Name],
  label: 'identifier',
});

function keyword(word: string): TokenType {
  const name = `Kw${word[0]!.toUpperCase()}${word.slice(1)}`;
  return createToken({
    name,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Name],
    label: `\`${word}\``,
  });
}

export const KwPipeline = keyword('pipeline');
export const KwImport = keyword('import');
export const KwEnv = keyword('env');
export const KwSite = keyword('site');
export const KwTool = keyword('tool');
export const KwQueue = keyword('queue');
export const KwNode = keyword('node');
export const KwLibrary = keyword('library');
/** `corners` must be tried before `corner`. */
export const KwCorners = keyword('corners');
export const KwCorner = keyword('corner');
export const KwStage = keyword('stage');
export const KwAttribute = keyword('attribute');
export const KwDimension = keyword('dimension');
export const KwTemplate = keyword('template');
export const KwExtends = keyword('extends');
export const KwFor = keyword('for');
export const KwEach = keyword('each');
export const KwAfter = keyword('after');
export const KwWhere = keyword('where');
export const KwShell = keyword('shell');
export const KwDeck = keyword('deck');
export const KwExpect = keyword('expect');
export const KwRetry = keyword('retry');
export const KwOn = keyword('on');
export const KwExit = keyword('exit');
export const KwBackoff = keyword('backoff');
export const KwIn = keyword('in');
export const KwTrue = keyword('true');
export const KwFalse = keyword('false');

/** In the order they must be tried (`corners` before `corner`). */
export const KEYWORDS: readonly TokenType[] = [
  KwPipeline,
  KwImport,
  KwEnv,
  KwSite,
  KwTool,
  KwQueue,
  KwNode,
  KwLibrary,
  KwCorners,
  KwCorner,
  KwStage,
  KwAttribute,
  KwDimension,
  KwTemplate,
  KwExtends,
  KwFor,
  KwEach,
  KwAfter,
  KwWhere,
  KwShell,
  KwDeck,
  KwExpect,
  KwRetry,
  KwOn,
  KwExit,
  KwBackoff,
  KwIn,
  KwTrue,
  KwFalse,
];

/** The keyword spellings, for messages and tests. */
export const KEYWORD_WORDS: readonly string[] = KEYWORDS.map((t) => (t.PATTERN as RegExp).source);

// --- punctuation ---------------------------------------------------------------------------------

function punct(name: string, text: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: text, categories, label: `\`${text}\`` });
}

export const LCurly = punct('LCurly', '{');
export const RCurly = punct('RCurly', '}');
export const LBracket = punct('LBracket', '[');
export const RBracket = punct('RBracket', ']');
export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const Comma = punct('Comma', ',');
export const Colon = punct('Colon', ':');
export const DotDot = punct('DotDot', '..');
export const Dot = punct('Dot', '.');
export const EqEq = punct('EqEq', '==', [CompareOp]);
export const NotEq = punct('NotEq', '!=', [CompareOp]);
export const LessEq = punct('LessEq', '<=', [CompareOp]);
export const Less = punct('Less', '<', [CompareOp]);
export const GreaterEq = punct('GreaterEq', '>=', [CompareOp]);
export const Greater = punct('Greater', '>', [CompareOp]);
export const Equals = punct('Equals', '=');
export const AndAnd = punct('AndAnd', '&&');
export const OrOr = punct('OrOr', '||');
/** `after copy, char | char_mb`: alternatives of a join (language.md §4.2). After `||`. */
export const Pipe = punct('Pipe', '|');
export const Bang = punct('Bang', '!');

/** Every token type, in the order the lexer tries them. */
export const allTokens: readonly TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  RawString,
  UnterminatedRawString,
  PlainString,
  UnterminatedString,
  Quantity,
  ...KEYWORDS,
  Identifier,
  LCurly,
  RCurly,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  Colon,
  DotDot,
  Dot,
  EqEq,
  NotEq,
  LessEq,
  Less,
  GreaterEq,
  Greater,
  Equals,
  AndAnd,
  OrOr,
  Pipe,
  Bang,
];

/** The vocabulary the parser knows: the lexed tokens and the categories. */
export const vocabulary: readonly TokenType[] = [...allTokens, Name, StringLiteral, CompareOp];

/**
 * How the lexer is built. Chevrotain's checks of the token definitions (`skipValidations: false`)
 * find nothing to report in a lexer that a test builds with them (tests/syntax/lexer.test.ts), so
 * `lcpLexer` skips them: they cost every `libcc` start-up.
 */
export const LEXER_CONFIG = {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
} as const;

/** The one lexer: built once, reused for every file (Chevrotain lexers are stateless). */
export const lcpLexer = new Lexer(allTokens as TokenType[], { ...LEXER_CONFIG, skipValidations: true });

/** Human description of a token type, as used in "expected …" messages. */
export function tokenLabel(type: TokenType): string {
  if (type === EOF) return 'end of file';
  return type.LABEL ?? type.name;
}

export function isKeyword(type: TokenType): boolean {
  return KEYWORDS.includes(type);
}
