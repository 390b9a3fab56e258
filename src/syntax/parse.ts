/**
 * Entry point of the syntax phase: `.lcp` text → AST + diagnostics (LCP1001–LCP1008).
 * See README.md in this folder for the invariants.
 */
import type { IRecognitionException, IToken, TokenType } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic, sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../diagnostics/source.js';
import { span, type Span } from '../diagnostics/span.js';
import type { Comment, Declaration, LcpFile } from './ast.js';
import { decodeSyntaxMessage, lcpParser } from './parser.js';
import type { ParseResult } from './result.js';
import { toDeclarations } from './to-ast.js';
import {
  AndAnd,
  Bang,
  COMMENTS_GROUP,
  Colon,
  Comma,
  Equals,
  KwWhere,
  OrOr,
  Identifier,
  KwCorner,
  KwCorners,
  KwEnv,
  KwLibrary,
  KwNode,
  KwPipeline,
  KwQueue,
  KwStage,
  KwTool,
  LBracket,
  LCurly,
  LParen,
  RBracket,
  RCurly,
  RParen,
  UnterminatedBlockComment,
  UnterminatedRawString,
  UnterminatedString,
  lcpLexer,
} from './tokens.js';

function endOf(token: IToken): number {
  return token.startOffset + token.image.length;
}

function isReal(token: IToken | undefined): token is IToken {
  return (
    token !== undefined && token.isInsertedInRecovery !== true && Number.isFinite(token.startOffset)
  );
}

/** Describe characters the lexer could not read, for "unexpected character `…`". */
function showCharacters(text: string): string {
  const shown = text.length > 20 ? `${text.slice(0, 20)}…` : text;
  let out = '';
  for (const ch of shown) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || code === 0x60 || (code >= 0x80 && code <= 0x9f)) {
      out += `\\u{${code.toString(16)}}`;
    } else {
      out += ch;
    }
  }
  return out;
}

function lexHelp(text: string): string | undefined {
  switch (text[0]) {
    case "'":
      return 'strings are written in double quotes: `"…"`';
    case '&':
      return 'the logical and is written `&&`';
    case '|':
      return 'the logical or is written `||`';
    case '-':
      return 'a negative number is written with its digits right after the `-`, as in `-40C`';
    case '#':
      return 'comments start with `//` or `/*`';
    default:
      return undefined;
  }
}

/** Index of the last token that ends at or before `offset` (tokens are sorted), or -1. */
function lastTokenBefore(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (endOf(tokens[mid]!) <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * How deeply a file may nest before it is a syntax error (LCP1008): the parser is recursive and
 * must not exhaust the stack. Each bracket costs roughly the stack it takes to parse — a list
 * nests many grammar rules, a `!` few — so the limit allows about 25 nested lists, 50 nested
 * blocks or 60 nested parentheses, far more than any real program, and stays well within
 * Node's default stack (measured: the parser overflows near 800 units).
 */
export const MAX_NESTING = 300;

const NESTING_COST = new Map<TokenType, number>([
  [LParen, 5],
  [LBracket, 12],
  [LCurly, 6],
]);
const BANG_COST = 1;

/**
 * At most this many `&&` and `||` in one expression. The
 * parser reads a chain in a loop, but it builds a tree as deep as the chain is long, and the
 * checker and the evaluator walk that tree recursively: a `where` of ~1 500 `||` terms
 * overflowed the stack. Past the limit the file ends in LCP1008 (expression too long).
 */
export const MAX_OPERATORS = 500;
/** Tokens that end an expression: the operator count starts again after them. */
const ENDS_EXPRESSION: ReadonlySet<TokenType> = new Set([Comma, Equals, Colon, KwWhere, LCurly, RCurly]);

const DECLARATION_KEYWORDS: ReadonlySet<TokenType> = new Set([
  KwPipeline,
  KwEnv,
  KwTool,
  KwQueue,
  KwNode,
  KwLibrary,
  KwCorner,
  KwCorners,
  KwStage,
]);

/** Tokens after which a pending `!` no longer encloses what follows. */
const ENDS_OPERAND: ReadonlySet<TokenType> = new Set([Comma, Equals, AndAnd, OrOr, KwWhere, Colon]);

/**
 * The first token past the nesting limit, or undefined. A declaration header (`stage x`: a
 * keyword followed by an identifier, which nothing nested can contain) resets the count: the
 * parser starts afresh there, however many brackets were left open before it.
 */
function tooDeep(tokens: readonly IToken[]): { token: IToken; operators: boolean } | undefined {
  const frames: { cost: number; bangs: number }[] = [];
  let depth = 0;
  let bangs = 0;
  let operators = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const type = token.tokenType;
    if (type === AndAnd || type === OrOr) {
      if (++operators > MAX_OPERATORS) return { token, operators: true };
    } else if (ENDS_EXPRESSION.has(type)) operators = 0;
    const cost = NESTING_COST.get(type);
    if (cost !== undefined) {
      // `depth` counts the open brackets and the `!` pending around each of them.
      frames.push({ cost, bangs });
      depth += cost + bangs;
      bangs = 0;
    } else if (type === RParen || type === RBracket || type === RCurly) {
      const frame = frames.pop();
      if (frame !== undefined) {
        depth -= frame.cost + frame.bangs;
        bangs = frame.bangs;
      } else {
        bangs = 0;
      }
    } else if (type === Bang) {
      bangs += BANG_COST;
    } else if (ENDS_OPERAND.has(type)) {
      bangs = 0;
    } else if (DECLARATION_KEYWORDS.has(type) && tokens[i + 1]?.tokenType === Identifier) {
      frames.length = 0;
      depth = 0;
      bangs = 0;
      operators = 0;
    }
    if (depth + bangs > MAX_NESTING) return { token, operators: false };
  }
  return undefined;
}

function parseUnsafe(source: SourceFile): ParseResult {
  const file = source.path;
  const text = source.text;
  const diagnostics: Diagnostic[] = [];

  // --- lexing ----------------------------------------------------------------------------------
  const lexed = lcpLexer.tokenize(text);
  for (const error of lexed.errors) {
    const start = Math.max(0, Math.min(error.offset, text.length));
    const end = Math.max(start, Math.min(start + Math.max(error.length, 1), text.length));
    const bad = text.slice(start, end);
    const plural = [...bad].length > 1;
    const help = lexHelp(bad);
    diagnostics.push(
      makeDiagnostic(
        'LCP1001',
        span(file, start, end),
        `unexpected ${plural ? 'characters' : 'character'} \`${showCharacters(bad)}\``,
        { label: 'not part of the language', ...(help === undefined ? {} : { help }) },
      ),
    );
  }

  const comments: Comment[] = [];
  for (const token of lexed.groups[COMMENTS_GROUP] ?? []) {
    const s = span(file, token.startOffset, endOf(token));
    comments.push({ kind: 'Comment', text: token.image, span: s });
    if (token.tokenType === UnterminatedBlockComment) {
      diagnostics.push(
        makeDiagnostic('LCP1006', span(file, s.start, s.start + 2), 'unterminated block comment', {
          label: 'this comment is never closed',
          help: 'close it with `*/`',
        }),
      );
    }
  }

  let tokens = lexed.tokens;
  for (const token of tokens) {
    const type = token.tokenType;
    if (type === UnterminatedString || type === UnterminatedRawString) {
      const quote = type === UnterminatedRawString ? 3 : 1;
      diagnostics.push(
        makeDiagnostic(
          'LCP1003',
          span(file, token.startOffset, token.startOffset + quote),
          'unterminated string',
          {
            label: 'this string is never closed',
            help:
              quote === 3
                ? 'close it with `"""`'
                : 'close it with `"` on the same line; use `"""…"""` for a string spanning lines',
          },
        ),
      );
    }
  }

  const tooFar = tooDeep(tokens);
  if (tooFar !== undefined) {
    const deep = tooFar.token;
    diagnostics.push(
      makeDiagnostic(
        'LCP1008',
        span(file, deep.startOffset, endOf(deep)),
        tooFar.operators ? `expression too long: more than ${MAX_OPERATORS} \`&&\` and \`||\`` : 'nesting too deep',
        tooFar.operators
          ? { label: 'one operator too many', notes: ['the rest of the file was not parsed'], help: 'split the condition: name corner sets and combine them' }
          : { label: 'too deeply nested', notes: ['the rest of the file was not parsed'] },
      ),
    );
    tokens = tokens.slice(0, tokens.indexOf(deep));
  }

  // --- parsing ---------------------------------------------------------------------------------
  lcpParser.text = text;
  lcpParser.input = tokens;
  const cst = lcpParser.file();
  const errors: IRecognitionException[] = lcpParser.errors;
  const insertionPoints = lcpParser.insertionPoints;
  const deletions = lcpParser.deletions;

  const seenTokens = new Set<number>();
  const seenStarts = new Set<number>();
  const lastEnd = tokens.length > 0 ? endOf(tokens[tokens.length - 1]!) : 0;
  for (const error of errors) {
    const decoded = decodeSyntaxMessage(error.message);
    const found = error.token;
    const atEof = !isReal(found);
    // After a truncation (nesting too deep) the end of input is not the end of the file.
    if (atEof && tooFar !== undefined) continue;
    const foundKey = atEof ? -1 : found.startOffset;
    if (seenTokens.has(foundKey)) continue;

    let primary: Span;
    let help = decoded.help;
    // A deleted token was not meant as the expected one: a help assuming it was does not apply.
    if (!atEof && decoded.helpIfReplaced === true && deletions.has(found.startOffset)) help = undefined;
    if (atEof) {
      primary = span(file, lastEnd, lastEnd);
    } else if (error.name === 'MismatchedTokenException' && insertionPoints.has(found.startOffset)) {
      if (decoded.helpIfReplaced === true) help = undefined;
      // The expected token is missing before `found`: point just after the previous real token.
      const previous = tokens[lastTokenBefore(tokens, found.startOffset)];
      const at = previous === undefined ? found.startOffset : endOf(previous);
      primary = span(file, at, at);
    } else {
      primary = span(file, found.startOffset, endOf(found));
    }
    if (seenStarts.has(primary.start)) continue;
    seenTokens.add(foundKey);
    seenStarts.add(primary.start);
    diagnostics.push(
      makeDiagnostic(decoded.code, primary, decoded.message, {
        label: decoded.label,
        ...(help === undefined ? {} : { help }),
      }),
    );
  }

  // --- AST -------------------------------------------------------------------------------------
  const declarations: Declaration[] = toDeclarations(cst, file, diagnostics);
  const lcpFile: LcpFile = {
    kind: 'File',
    path: file,
    declarations,
    comments,
    span: span(file, 0, text.length),
  };
  return { file: lcpFile, diagnostics: sortDiagnostics(diagnostics) };
}

/**
 * Parse one `.lcp` file. Never throws: whatever the input, the result holds a well-formed
 * (possibly partial) AST and the syntax diagnostics, sorted by position.
 */
export function parseLcp(source: SourceFile): ParseResult {
  try {
    return parseUnsafe(source);
  } catch (error) {
    // Defence in depth: a bug here must not crash the compiler. Tests assert this is unreachable.
    const detail = error instanceof Error ? error.message : String(error);
    return {
      file: {
        kind: 'File',
        path: source.path,
        declarations: [],
        comments: [],
        span: span(source.path, 0, source.text.length),
      },
      diagnostics: [
        makeDiagnostic('LCP1008', span(source.path, 0, 0), 'internal error in the parser', {
          notes: [detail.split('\n')[0] ?? ''],
          help: 'please report this as a bug in libcc, with the file that caused it',
        }),
      ],
    };
  }
}
