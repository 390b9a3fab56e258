/**
 * The `.lcp` grammar as a Chevrotain `CstParser` (grammar/lcp.ebnf documents the same rules under
 * the same names; a test keeps the two in step).
 *
 * One instance is built at module load (`lcpParser`) and reused: set `input`, call `file()`, read
 * `errors`. Error recovery is on, so one run reports many syntax errors and still yields a CST;
 * messages come from `lcpErrorMessages` and are JSON-encoded `SyntaxMessage`s that `parse.ts`
 * decodes (code, message, help) — never Chevrotain's default wording.
 */
import {
  CstParser,
  EOF,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  MismatchedTokenException,
  NoViableAltException,
  type TokenType,
  tokenMatcher,
} from 'chevrotain';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import {
  AndAnd,
  Bang,
  Colon,
  Comma,
  CompareOp,
  Dot,
  DotDot,
  Equals,
  Identifier,
  KwAfter,
  KwBackoff,
  KwCorner,
  KwCorners,
  KwDeck,
  KwEach,
  KwEnv,
  KwExit,
  KwExpect,
  KwFalse,
  KwFor,
  KwImport,
  KwIn,
  KwLibrary,
  KwNode,
  KwOn,
  KwPipeline,
  KwQueue,
  KwRetry,
  KwShell,
  KwSite,
  KwStage,
  KwAttribute,
  KwDimension,
  KwExtends,
  KwTemplate,
  KwTool,
  KwTrue,
  KwWhere,
  LBracket,
  LCurly,
  LParen,
  Name,
  OrOr,
  Pipe,
  Quantity,
  RBracket,
  RCurly,
  RParen,
  StringLiteral,
  isKeyword,
  tokenLabel,
  vocabulary,
} from './tokens.js';

type TryInRuleRecovery = (this: LcpParser, expected: TokenType, follows: TokenType[]) => IToken;

type SaveError = (this: LcpParser, error: IRecognitionException) => IRecognitionException;

/** Chevrotain's own way to record an error in `errors` (internal), which `LcpParser` counts. */
const chevrotainSaveError = (CstParser.prototype as unknown as { SAVE_ERROR: SaveError }).SAVE_ERROR;

/** What `tryInRuleRecovery` throws when it cannot recover (Chevrotain tells it by its name). */
function inRuleRecoveryFailed(): Error {
  const error = new Error('no in-rule recovery');
  error.name = 'InRuleRecoveryException';
  return error;
}

/** Chevrotain's own in-rule recovery (internal, present since v4), which `LcpParser` extends. */
const chevrotainTryInRuleRecovery = (
  CstParser.prototype as unknown as { tryInRuleRecovery: TryInRuleRecovery }
).tryInRuleRecovery;

/** What a parse error message encodes (Chevrotain only carries a string). */
export interface SyntaxMessage {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly label: string;
  readonly help?: string;
  /** The help assumes the found token was meant as the expected one (a keyword as a name). */
  readonly helpIfReplaced?: boolean;
}

/** What must follow each declaration keyword for a declaration to start there. */
const DECLARATION_NEEDS: ReadonlyMap<TokenType, TokenType> = new Map([
  [KwPipeline, Identifier],
  [KwImport, StringLiteral],
  [KwEnv, Identifier],
  [KwSite, LCurly],
  [KwTool, Identifier],
  [KwQueue, Identifier],
  [KwNode, Identifier],
  [KwLibrary, Identifier],
  [KwCorner, Identifier],
  [KwCorners, Identifier],
  [KwStage, Identifier],
  [KwTemplate, Identifier],
  [KwAttribute, Name],
  [KwDimension, Name],
]);

/**
 * What may follow `keyword name` in a declaration header (`undefined`: anything). Inside a block,
 * where a keyword is also a property name, a declaration is recognised only by its whole header
 * (`stage a {`, `library l : n`, `corners c =`), so that `queue normal` written for
 * `queue = normal` is a stray name in the block, not the start of a `queue` declaration.
 */
const DECLARATION_HEAD_THIRD: ReadonlyMap<TokenType, readonly TokenType[] | undefined> = new Map<
  TokenType,
  readonly TokenType[] | undefined
>([
  [KwPipeline, undefined],
  [KwImport, undefined],
  [KwEnv, [Colon]],
  [KwSite, undefined],
  [KwTool, [LCurly]],
  [KwQueue, [LCurly]],
  [KwNode, [LCurly]],
  [KwLibrary, [Colon, LCurly]],
  [KwCorner, [LCurly]],
  [KwCorners, [Equals]],
  [KwStage, [LCurly, KwFor, KwAfter, KwWhere, KwExtends]],
  [KwTemplate, [LCurly, KwExtends]],
  [KwAttribute, [Dot]],
  [KwDimension, [Equals]],
]);

/** How far recovery looks along a declaration header for its `{` (keeps parsing linear). */
const HEADER_SCAN = 40;

const DECLARATION_HELP =
  'a file holds declarations: `pipeline`, `import`, `env`, `site`, `tool`, `queue`, `node`, `library`, `corner`, `corners`, `attribute`, `dimension`, `template`, `stage`';

/** Rules whose failure means "a value was expected here". */
const VALUE_RULES = new Set([
  'expression',
  'orExpression',
  'andExpression',
  'notExpression',
  'comparison',
  'range',
  'primary',
  'invocation',
]);

/** `found …` part of a message: the token as written, or what it is. */
export function describeToken(token: IToken | undefined): string {
  if (token === undefined || token.tokenType === EOF || !Number.isFinite(token.startOffset)) {
    return 'end of file';
  }
  const image = token.image;
  if (image.length > 40 || /[\r\n`]/.test(image)) {
    return token.tokenType.LABEL === 'string' ? 'a string' : tokenLabel(token.tokenType);
  }
  return `\`${image}\``;
}

function encode(message: SyntaxMessage): string {
  return JSON.stringify(message);
}

/** Decode what `lcpErrorMessages` produced; anything else becomes a generic message. */
export function decodeSyntaxMessage(text: string): SyntaxMessage {
  try {
    const value: unknown = JSON.parse(text);
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as SyntaxMessage).code === 'string' &&
      typeof (value as SyntaxMessage).message === 'string'
    ) {
      return value as SyntaxMessage;
    }
  } catch {
    // fall through
  }
  return { code: 'LCP1008', message: 'unexpected input', label: 'unexpected' };
}

function unitHelp(previous: IToken | undefined, actual: IToken): string | undefined {
  if (
    previous !== undefined &&
    previous.tokenType === Quantity &&
    /^-?[\d.]+$/.test(previous.image) &&
    actual.tokenType === Identifier &&
    /^[A-Za-z]+$/.test(actual.image)
  ) {
    return `write the unit directly after the number, as in \`${previous.image}${actual.image}\``;
  }
  return undefined;
}

function expectedOneOf(paths: TokenType[][]): string {
  const labels: string[] = [];
  for (const path of paths) {
    const first = path[0];
    if (first === undefined) continue;
    const label = tokenLabel(first);
    if (!labels.includes(label)) labels.push(label);
  }
  if (labels.length === 0) return 'something else';
  if (labels.length === 1) return labels[0]!;
  return `one of ${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]!}`;
}

/**
 * "expected a property or `}`, found …" for a token that starts no block item; for `expect` and
 * `retry` not followed by what their statement needs, "expected string after `expect`, …".
 */
function strayInBlockMessage(token: IToken, after: IToken, previous: IToken | undefined): SyntaxMessage {
  const needs =
    token.tokenType === KwExpect ? StringLiteral : token.tokenType === KwRetry ? Quantity : undefined;
  if (needs !== undefined) {
    const label = tokenLabel(needs);
    return {
      code: 'LCP1002',
      message: `expected ${label} after ${describeToken(token)}, found ${describeToken(after)}`,
      label: `expected ${label} after this`,
    };
  }
  const help = unitHelp(previous, token);
  return {
    code: 'LCP1008',
    message: `expected a property or \`}\`, found ${describeToken(token)}`,
    label: 'expected a property or `}`',
    ...(help === undefined ? {} : { help }),
  };
}

function declarationExpected(found: IToken | undefined): SyntaxMessage {
  return {
    code: 'LCP1008',
    message: `expected a declaration, found ${describeToken(found)}`,
    label: 'expected a declaration',
    help: DECLARATION_HELP,
  };
}

/** A name as written, for a help text (or `fallback` when it is long or odd). */
function shown(token: IToken, fallback: string): string {
  return token.image.length <= 40 && !/[\r\n`]/.test(token.image) ? token.image : fallback;
}

/** Messages in our style: "expected `{`, found `stage`", with context where the rule tells. */
export const lcpErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    const found = describeToken(actual);
    if (expected === EOF) return encode(declarationExpected(actual));
    if (ruleName === 'block' && expected === RCurly) {
      const help = unitHelp(previous, actual);
      return encode({
        code: 'LCP1002',
        message: `expected \`}\` or a property, found ${found}`,
        label: 'expected `}`',
        ...(help === undefined ? {} : { help }),
      });
    }
    const label = tokenLabel(expected);
    if (expected === Identifier && isKeyword(actual.tokenType)) {
      return encode({
        code: 'LCP1002',
        message: `expected ${label}, found ${found}`,
        label: `expected ${label}`,
        help: `${found} is a keyword and cannot name a declaration`,
        helpIfReplaced: true,
      });
    }
    const help = unitHelp(previous, actual);
    return encode({
      code: 'LCP1002',
      message: `expected ${label}, found ${found}`,
      label: `expected ${label}`,
      ...(help === undefined ? {} : { help }),
    });
  },

  buildNotAllInputParsedMessage({ firstRedundant }) {
    return encode(declarationExpected(firstRedundant));
  },

  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, ruleName }) {
    const token = actual[0];
    const found = describeToken(token);
    let what: string;
    if (ruleName === 'declaration' || ruleName === 'file') return encode(declarationExpected(token));
    if (ruleName === 'blockItem' && token !== undefined && actual[1] !== undefined) {
      // Not reached in practice: `block` enters an item only where one starts.
      return encode(strayInBlockMessage(token, actual[1], previous));
    }
    if (VALUE_RULES.has(ruleName)) what = 'a value';
    else what = expectedOneOf(expectedPathsPerAlt.flat());
    const help = token === undefined ? undefined : unitHelp(previous, token);
    return encode({
      code: 'LCP1008',
      message: `expected ${what}, found ${found}`,
      label: `expected ${what}`,
      ...(help === undefined ? {} : { help }),
    });
  },

  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const what = VALUE_RULES.has(ruleName) ? 'a value' : expectedOneOf(expectedIterationPaths);
    return encode({
      code: 'LCP1008',
      message: `expected ${what}, found ${describeToken(actual[0])}`,
      label: `expected ${what}`,
    });
  },
};

export class LcpParser extends CstParser {
  /**
   * Start offsets of the tokens before which recovery inserted a missing token during the last
   * parse: their diagnostics are anchored just after the previous real token.
   */
  readonly insertionPoints = new Set<number>();

  /** Start offsets of the tokens that recovery deleted during the last parse. */
  readonly deletions = new Set<number>();

  /**
   * `validate: false` (the shared `lcpParser`) skips Chevrotain's checks of the grammar (ambiguous
   * or empty alternatives, left recursion, duplicate names), which cost every `libcc` start-up and
   * find nothing in a grammar that a test builds with them (tests/syntax/parser.test.ts). They only
   * report: the parser built either way is the same.
   */
  constructor({ validate = false }: { validate?: boolean } = {}) {
    super(vocabulary as TokenType[], {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: lcpErrorMessages,
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
  }

  /** The source text of the current input (set by `parse.ts` before `input`). */
  text = '';

  /**
   * Whether a declaration starts at LA(1): its keyword, followed by what the declaration needs
   * (`stage x`, `import "…"`, `site {`) or at the beginning of a line (`pipeline` with its name
   * missing). A keyword elsewhere is a name that strayed out of its place: in
   * `stages copy_kits for each library, corner {`, `library ,` starts nothing.
   */
  private atDeclarationStart(): boolean {
    const next = this.LA(1);
    const needed = DECLARATION_NEEDS.get(next.tokenType);
    if (needed === undefined) return false;
    return tokenMatcher(this.LA(2), needed) || this.lineBreakBetween(this.LA(0), next);
  }

  /**
   * Recovery at the top level: when no declaration starts at LA(1), report it once and skip to
   * the next declaration start. A `{ … }` on the way is skipped whole (`base_svt : n2 { corners =
   * … }` with its keyword missing is one error, not one more at `corners =`), unless a whole
   * declaration header begins a line inside it (the `}` may be the missing one).
   */
  private skipStrayAtTop(quiet = false): void {
    const first = this.LA(1);
    if (first.tokenType === EOF || this.atDeclarationStart()) return;
    if (!quiet) this.report(declarationExpected(first), first);
    let depth = 0;
    for (let next = first; next.tokenType !== EOF; next = this.LA(1)) {
      if (depth === 0 && this.atDeclarationStart()) return;
      if (depth > 0 && this.atDeclarationHead() && this.lineBreakBetween(this.LA(0), next)) return;
      if (tokenMatcher(next, LCurly)) depth++;
      else if (tokenMatcher(next, RCurly) && depth > 0) depth--;
      this.SKIP_TOKEN();
    }
  }

  /** Whether a line break separates two tokens (true when either has no position). */
  private lineBreakBetween(previous: IToken, next: IToken): boolean {
    if (!Number.isFinite(previous.startOffset) || !Number.isFinite(next.startOffset)) return true;
    const gapStart = previous.startOffset + previous.image.length;
    for (let i = next.startOffset - 1; i >= gapStart; i--) {
      const ch = this.text.charCodeAt(i);
      if (ch === 10 || ch === 13) return true;
    }
    return false;
  }

  /** Whether a block item starts at LA(1): `name =`, `name {`, `expect "…"` or `retry N`. */
  private atBlockItem(): boolean {
    const next = this.LA(1);
    const after = this.LA(2);
    if (next.tokenType === KwExpect && tokenMatcher(after, StringLiteral)) return true;
    if (next.tokenType === KwRetry && tokenMatcher(after, Quantity)) return true;
    return tokenMatcher(next, Name) && (tokenMatcher(after, Equals) || tokenMatcher(after, LCurly));
  }

  /** Whether a whole declaration header starts at LA(k): `stage a {`, `library l :`, `import "…"`. */
  private atDeclarationHead(k = 1): boolean {
    const type = this.LA(k).tokenType;
    const needed = DECLARATION_NEEDS.get(type);
    if (needed === undefined || !tokenMatcher(this.LA(k + 1), needed)) return false;
    const third = DECLARATION_HEAD_THIRD.get(type);
    return third === undefined || third.some((t) => tokenMatcher(this.LA(k + 2), t));
  }

  /**
   * Whether the value after `=` is missing, in a block: the next item (`name =`, `name {`) follows
   * directly, or an `expect`/`retry` statement or a declaration begins the next line. Then
   * `estimate =` followed by `resources { … }` is one error, and `resources` is still a block.
   */
  private valueMissingInBlock(): boolean {
    const next = this.LA(1);
    const after = this.LA(2);
    if (tokenMatcher(next, Name) && (tokenMatcher(after, Equals) || tokenMatcher(after, LCurly))) {
      return true;
    }
    return (this.atBlockItem() || this.atDeclarationHead()) && this.lineBreakBetween(this.LA(0), next);
  }

  /** Whether the value after `=` of a top-level declaration is missing: a declaration follows. */
  private valueMissingAtTop(): boolean {
    return this.atDeclarationHead() && this.lineBreakBetween(this.LA(0), this.LA(1));
  }

  /** The token a message of ours was last reported at: one message per token. */
  private lastReported: IToken | undefined;

  /** The first token of the value of the current `run = …` property (see `invocation`). */
  private runValue: IToken | undefined;

  /**
   * Record an error of our own recovery in `errors` (in order with Chevrotain's). `missing`: the
   * expected thing is simply absent before `token`, so the diagnostic points just after the
   * previous token.
   */
  private report(message: SyntaxMessage, token: IToken, missing = false): void {
    if (token === this.lastReported) return;
    this.lastReported = token;
    let error: IRecognitionException;
    if (missing) {
      if (Number.isFinite(token.startOffset)) this.insertionPoints.add(token.startOffset);
      error = new MismatchedTokenException(encode(message), token, this.LA(0));
    } else {
      error = new NoViableAltException(encode(message), token, this.LA(0));
    }
    this.SAVE_ERROR(error);
  }

  /** How many errors were recorded so far in this parse (ours and Chevrotain's). */
  private errorCount = 0;

  /** Chevrotain's (internal) error recording, counted. */
  SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    this.errorCount++;
    return chevrotainSaveError.call(this, error);
  }

  /**
   * The value after `=`, with recovery: when `missing()` says the value is simply absent (the
   * next item or declaration follows), no expression is attempted and one LCP1008 is reported
   * just after `=`. `option` is the rule's OPTION method of a free index (Chevrotain needs a
   * distinct index per call site within a rule).
   */
  private valueAfterEquals(option: LcpParser['OPTION'], missing: () => boolean): void {
    const parsed = option.call(this, {
      GATE: () => !missing(),
      DEF: () => {
        this.SUBRULE(this.expression);
        return true;
      },
    });
    this.ACTION(() => {
      if (parsed !== true) this.reportMissingValue(missing());
    });
  }

  /** After `=` no value was parsed: report it (just after `=` when the value is simply missing). */
  private reportMissingValue(missing: boolean): void {
    const next = this.LA(1);
    this.report(
      {
        code: 'LCP1008',
        message: `expected a value, found ${describeToken(next)}`,
        label: 'expected a value',
      },
      next,
      missing,
    );
  }

  /**
   * Recovery inside a block: when LA(1) starts no block item (a stray name such as `GB` in
   * `mem = 64 GB`, a value without a key, a mistyped statement), report it once and skip to the
   * next block item or to this block's own `}` (a `{ … }` skipped on the way is skipped whole), so
   * that the closing brace of an enclosing block is never taken for this one's. At a declaration
   * header (`stage b {`) the block's `}` is missing: stop there, `block` then inserts it.
   */
  private skipStrayInBlock(quiet = false): void {
    const first = this.LA(1);
    if (first.tokenType === EOF || tokenMatcher(first, RCurly) || this.atBlockItem()) return;
    if (!quiet) this.report(strayInBlockMessage(first, this.LA(2), this.LA(0)), first);
    // `{ {` on one line: a doubled brace, whose `}` is not there; skip it alone.
    while (
      tokenMatcher(this.LA(1), LCurly) &&
      tokenMatcher(this.LA(0), LCurly) &&
      !this.lineBreakBetween(this.LA(0), this.LA(1))
    ) {
      this.SKIP_TOKEN();
    }
    let depth = 0;
    for (let next = this.LA(1); next.tokenType !== EOF; next = this.LA(1)) {
      if (depth === 0 && (tokenMatcher(next, RCurly) || this.atBlockItem())) return;
      if (this.atDeclarationHead()) return;
      if (tokenMatcher(next, LCurly)) depth++;
      else if (tokenMatcher(next, RCurly)) depth--;
      this.SKIP_TOKEN();
    }
  }

  /**
   * In a list, right after `[` (`atStart`) or after an item: a comma with no item before it
   * (`[, b]`, `[a, , b]`) is reported once ("expected a value, found `,`") and skipped, so that
   * the list goes on instead of ending there and leaving its items as junk.
   */
  private skipEmptyListItems(atStart: boolean): void {
    let reported = false;
    const report = (): void => {
      if (!reported) this.reportMissingValue(false);
      reported = true;
    };
    if (atStart) {
      while (tokenMatcher(this.LA(1), Comma)) {
        report();
        this.SKIP_TOKEN();
      }
      return;
    }
    while (tokenMatcher(this.LA(1), Comma) && tokenMatcher(this.LA(2), Comma)) {
      this.SKIP_TOKEN(); // the item's own comma: the next one follows no item
      report();
    }
  }

  /** `library base tcbn02 { … }`: the `:` before the node is missing. */
  private reportMissingColon(): void {
    const node = this.LA(1);
    const library = this.LA(0);
    this.report(
      {
        code: 'LCP1002',
        message: `expected \`:\` or \`{\`, found ${describeToken(node)}`,
        label: 'expected `:`',
        help: `write \`library ${shown(library, 'NAME')} : ${shown(node, 'NODE')} { … }\``,
      },
      node,
    );
  }

  /** `run = liberate "char.tcl"`: a string right after the tool name. */
  private reportBareDeck(tool: IToken): void {
    const string = this.LA(1);
    const text = shown(string, '"…"');
    const name = shown(tool, 'liberate');
    this.report(
      {
        code: 'LCP1007',
        message: 'expected `deck` or an argument list after the tool name',
        label: 'expected `deck` before this',
        help: `write \`${name} deck ${text}\` for a deck, or \`${name} [${text}]\` for arguments`,
      },
      string,
    );
  }

  override reset(): void {
    super.reset();
    this.insertionPoints?.clear();
    this.deletions?.clear();
    this.lastReported = undefined;
    this.runValue = undefined;
    this.errorCount = 0;
  }

  /**
   * Chevrotain's in-rule recovery, plus one case of our own: a keyword written where a
   * declaration name belongs (`stage corner {`) is taken as that name when the token after it
   * fits, so one mistake gives one diagnostic instead of a cascade.
   */
  tryInRuleRecovery(expectedTokType: TokenType, follows: TokenType[]): IToken {
    const next = this.LA(1);
    const expected = this.LA(2);
    const third = this.LA(3);
    if (
      next.tokenType === this.LA(0).tokenType &&
      next.image === this.LA(0).image &&
      tokenMatcher(expected, expectedTokType) &&
      expected.tokenType !== EOF &&
      (third.tokenType === EOF || follows.some((type) => tokenMatcher(third, type)))
    ) {
      // A doubled token (`for for each library`): when the two tokens after it fit, delete it
      // rather than insert the expected token before it (which Chevrotain prefers, and which
      // would take the second `for` as the name after `each`). Other tokens keep Chevrotain's
      // choice: in `[a b]` the `,` is missing, and the error points between the two.
      if (Number.isFinite(next.startOffset)) this.deletions.add(next.startOffset);
      this.SKIP_TOKEN();
      this.SKIP_TOKEN();
      return expected;
    }
    if (expectedTokType === LCurly) {
      // A declaration header with something extra before its block (`stage a after b c {`,
      // `tool t t {`): skip to the `{` on the same line rather than open the block early and
      // take the rest of the header and the whole block for junk inside it.
      // When the line has none and the next one starts a declaration, the block is missing
      // altogether (`library base tcbn02` and then `stage s {`): give up here, so that the
      // declaration ends at the next one with this one error (rule-level recovery).
      if (!this.lineBreakBetween(this.LA(0), next)) {
        for (let k = 2; k <= HEADER_SCAN; k++) {
          const token = this.LA(k);
          if (token.tokenType === EOF || tokenMatcher(token, RCurly)) break;
          if (this.lineBreakBetween(this.LA(k - 1), token)) {
            if (this.atDeclarationHead(k)) throw inRuleRecoveryFailed();
            break;
          }
          if (tokenMatcher(token, LCurly)) {
            for (let i = 0; i < k; i++) this.SKIP_TOKEN();
            return token;
          }
        }
      }
    }
    if (expectedTokType === Identifier && isKeyword(next.tokenType)) {
      const after = this.LA(2);
      if (after.tokenType === EOF || follows.some((type) => tokenMatcher(after, type))) {
        this.SKIP_TOKEN();
        return next;
      }
    }
    return chevrotainTryInRuleRecovery.call(this, expectedTokType, follows);
  }

  protected override getTokenToInsert(tokType: TokenType): IToken {
    const next = this.LA(1);
    if (Number.isFinite(next.startOffset)) this.insertionPoints.add(next.startOffset);
    return super.getTokenToInsert(tokType);
  }

  // --- file and declarations ---------------------------------------------------------------------

  file = this.RULE('file', () => {
    this.ACTION(() => this.skipStrayAtTop());
    this.MANY({
      GATE: () => this.atDeclarationStart(),
      DEF: () => {
        let errorsBefore = 0;
        this.ACTION(() => {
          errorsBefore = this.errorCount;
        });
        this.SUBRULE(this.declaration);
        // As in `block`: junk after a declaration that had an error is skipped quietly.
        this.ACTION(() => this.skipStrayAtTop(this.errorCount > errorsBefore));
      },
    });
  });

  declaration = this.RULE('declaration', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.pipelineDecl) },
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.envDecl) },
      { ALT: () => this.SUBRULE(this.siteDecl) },
      { ALT: () => this.SUBRULE(this.toolDecl) },
      { ALT: () => this.SUBRULE(this.queueDecl) },
      { ALT: () => this.SUBRULE(this.nodeDecl) },
      { ALT: () => this.SUBRULE(this.libraryDecl) },
      { ALT: () => this.SUBRULE(this.cornerDecl) },
      { ALT: () => this.SUBRULE(this.cornerSetDecl) },
      { ALT: () => this.SUBRULE(this.attributeDecl) },
      { ALT: () => this.SUBRULE(this.dimensionDecl) },
      { ALT: () => this.SUBRULE(this.templateDecl) },
      { ALT: () => this.SUBRULE(this.stageDecl) },
    ]);
  });

  pipelineDecl = this.RULE('pipelineDecl', () => {
    this.CONSUME(KwPipeline);
    this.CONSUME(Identifier, { LABEL: 'declName' });
  });

  importDecl = this.RULE('importDecl', () => {
    this.CONSUME(KwImport);
    this.CONSUME(StringLiteral);
  });

  envDecl = this.RULE('envDecl', () => {
    this.CONSUME(KwEnv);
    this.CONSUME(Identifier, { LABEL: 'declName' });
    this.CONSUME(Colon);
    this.SUBRULE(this.name, { LABEL: 'typeName' });
    this.OPTION(() => {
      this.CONSUME(Equals);
      this.valueAfterEquals(this.OPTION2, () => this.valueMissingAtTop());
    });
  });

  siteDecl = this.RULE('siteDecl', () => {
    this.CONSUME(KwSite);
    this.SUBRULE(this.block);
  });

  toolDecl = this.RULE('toolDecl', () => {
    this.CONSUME(KwTool);
    this.CONSUME(Identifier, { LABEL: 'declName' });
    this.SUBRULE(this.block);
  });

  queueDecl = this.RULE('queueDecl', () => {
    this.CONSUME(KwQueue);
    this.CONSUME(Identifier, { LABEL: 'declName' });
    this.SUBRULE(this.block);
  });

  nodeDecl = this.RULE('nodeDecl', () => {
    this.CONSUME(KwNode);
    this.CONSUME(Identifier, { LABEL: 'declName' });
    this.SUBRULE(this.block);
  });

  libraryDecl = this.RULE('libraryDecl', () => {
    this.CONSUME(KwLibrary);
    this.CONSUME(Identifier, { LABEL: 'declName' });
    this.OPTION({
      GATE: () => tokenMatcher(this.LA(1), Colon) || tokenMatcher(this.LA(2), LCurly),
      DEF: () => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(Colon);
              this.CONSUME2(Identifier, { LABEL: 'nodeName' });
            },
          },
          {
            // Recovery: `library base tcbn02 { … }`, the `:` is missing; the node is kept.
            ALT: () => {
              this.ACTION(() => this.reportMissingColon());
              this.CONSUME3(Identifier, { LABEL: 'nodeName' });
            },
          },
        ]);
      },
    });
    this.SUBRULE(this.block);
  });

  cornerDecl = this.RULE('cornerDecl', () => {
    this.CONSUME(KwCorner);
    this.CONSUME(Identifier, { LABEL: 'declName' });
    this.SUBRULE(this.block);
  });

  cornerSetDecl = this.RULE('cornerSetDecl', () => {
    this.CONSUME(KwCorners);
    this.CONSUME(Identifier, { LABEL: 'declName' });
    this.CONSUME(Equals);
    this.valueAfterEquals(this.OPTION, () => this.valueMissingAtTop());
  });

  attributeDecl = this.RULE('attributeDecl', () => {
    this.CONSUME(KwAttribute);
    this.SUBRULE(this.name, { LABEL: 'entityName' });
    this.CONSUME(Dot);
    this.SUBRULE2(this.name, { LABEL: 'attributeName' });
    this.CONSUME(Colon);
    this.SUBRULE3(this.name, { LABEL: 'typeName' });
    this.OPTION(() => {
      this.CONSUME(Equals);
      this.valueAfterEquals(this.OPTION2, () => this.valueMissingAtTop());
    });
  });

  /** `dimension arcs = [cons, non_cons]`: a fan-out key of the user's own (language.md §4.1). */
  dimensionDecl = this.RULE('dimensionDecl', () => {
    this.CONSUME(KwDimension);
    // A name, keywords included, so that `dimension corner = […]` gets the checker's LCP2014.
    this.SUBRULE(this.name, { LABEL: 'declName' });
    this.CONSUME(Equals);
    this.CONSUME(LBracket);
    this.OPTION(() => {
      this.CONSUME2(Identifier, { LABEL: 'valueName' });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.CONSUME3(Identifier, { LABEL: 'valueName' });
      });
    });
    this.CONSUME(RBracket);
  });

  stageDecl = this.RULE('stageDecl', () => {
    this.CONSUME(KwStage);
    this.CONSUME(Identifier, { LABEL: 'declName' });
    this.OPTION(() => this.SUBRULE(this.forEachClause));
    this.OPTION2(() => this.SUBRULE(this.afterClause));
    this.OPTION3(() => this.SUBRULE(this.whereClause));
    this.OPTION4(() => this.SUBRULE(this.extendsClause));
    this.SUBRULE(this.block);
  });

  /** `template merge_step extends base { … }`: stage properties a stage can extend. */
  templateDecl = this.RULE('templateDecl', () => {
    this.CONSUME(KwTemplate);
    this.CONSUME(Identifier, { LABEL: 'declName' });
    this.OPTION(() => this.SUBRULE(this.extendsClause));
    this.SUBRULE(this.block);
  });

  extendsClause = this.RULE('extendsClause', () => {
    this.CONSUME(KwExtends);
    this.CONSUME(Identifier);
  });

  forEachClause = this.RULE('forEachClause', () => {
    this.CONSUME(KwFor);
    this.CONSUME(KwEach);
    this.SUBRULE(this.name);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.name);
    });
    this.OPTION({
      // `group by` are contextual words, not keywords: `group` stays an ordinary name elsewhere.
      GATE: () => this.LA(1).image === 'group' && this.LA(2).image === 'by',
      DEF: () => this.SUBRULE(this.groupByClause),
    });
  });

  /** `group by process, rc, temperature`: one job per group of corners sharing those fields. */
  groupByClause = this.RULE('groupByClause', () => {
    this.CONSUME(Identifier, { LABEL: 'groupWord' });
    this.CONSUME2(Identifier, { LABEL: 'byWord' });
    this.SUBRULE(this.name, { LABEL: 'field' });
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.name, { LABEL: 'field' });
    });
  });

  /** `after a, b | c`: `,` separates dependencies, `|` the alternatives of one (a join). */
  afterClause = this.RULE('afterClause', () => {
    this.CONSUME(KwAfter);
    this.CONSUME(Identifier);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(Comma) }, { ALT: () => this.CONSUME(Pipe) }]);
      this.CONSUME2(Identifier);
    });
  });

  whereClause = this.RULE('whereClause', () => {
    this.CONSUME(KwWhere);
    this.SUBRULE(this.orExpression);
  });

  // --- blocks ------------------------------------------------------------------------------------

  /**
   * An item is entered only where one starts (`skipStrayInBlock` reports and skips anything else),
   * so a stray token costs one diagnostic and never the `}` of an enclosing block.
   */
  block = this.RULE('block', () => {
    this.CONSUME(LCurly);
    this.ACTION(() => this.skipStrayInBlock());
    this.MANY({
      GATE: () => this.atBlockItem(),
      DEF: () => {
        let errorsBefore = 0;
        this.ACTION(() => {
          errorsBefore = this.errorCount;
        });
        this.SUBRULE(this.blockItem);
        // Junk right after an item that already had an error is most likely the rest of the
        // same mistake (`corners = signoff where .voltage <= 0.54V`): skip it without a message.
        this.ACTION(() => this.skipStrayInBlock(this.errorCount > errorsBefore));
      },
    });
    this.CONSUME(RCurly);
  });

  blockItem = this.RULE('blockItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.expectStatement) },
      { ALT: () => this.SUBRULE(this.retryStatement) },
      { ALT: () => this.SUBRULE(this.property) },
      { ALT: () => this.SUBRULE(this.nestedBlock) },
    ]);
  });

  /**
   * `name = expression`. Recovery: when the next item follows `=` directly (`estimate =` and then
   * `resources { … }`) the value is missing, rather than `resources` being taken as the value and
   * its block as junk; and when no value starts at all (`max_runtime = }`) the error is reported
   * here and the block goes on.
   */
  property = this.RULE('property', () => {
    let key: IToken | undefined;
    this.ACTION(() => {
      key = this.LA(1);
    });
    this.SUBRULE(this.name);
    this.CONSUME(Equals);
    this.ACTION(() => {
      this.runValue = key?.image === 'run' ? this.LA(1) : undefined;
    });
    this.valueAfterEquals(this.OPTION, () => this.valueMissingInBlock());
  });

  nestedBlock = this.RULE('nestedBlock', () => {
    this.SUBRULE(this.name);
    this.SUBRULE(this.block);
  });

  expectStatement = this.RULE('expectStatement', () => {
    this.CONSUME(KwExpect);
    this.CONSUME(StringLiteral);
    this.OPTION(() => {
      this.SUBRULE(this.compareOperator);
      this.CONSUME(Quantity);
    });
  });

  retryStatement = this.RULE('retryStatement', () => {
    this.CONSUME(KwRetry);
    this.CONSUME(Quantity, { LABEL: 'count' });
    this.OPTION(() => {
      this.CONSUME(KwOn);
      this.CONSUME(KwExit);
      this.CONSUME2(Quantity, { LABEL: 'exitCode' });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.CONSUME3(Quantity, { LABEL: 'exitCode' });
      });
    });
    this.OPTION2(() => {
      this.CONSUME(KwBackoff);
      this.CONSUME4(Quantity, { LABEL: 'backoff' });
    });
  });

  compareOperator = this.RULE('compareOperator', () => {
    this.CONSUME(CompareOp);
  });

  // --- expressions -------------------------------------------------------------------------------

  expression = this.RULE('expression', () => {
    this.SUBRULE(this.orExpression, { LABEL: 'source' });
    this.OPTION(() => {
      this.CONSUME(KwWhere);
      this.SUBRULE2(this.orExpression, { LABEL: 'condition' });
    });
  });

  orExpression = this.RULE('orExpression', () => {
    this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(OrOr);
      this.SUBRULE2(this.andExpression);
    });
  });

  andExpression = this.RULE('andExpression', () => {
    this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.CONSUME(AndAnd);
      this.SUBRULE2(this.notExpression);
    });
  });

  notExpression = this.RULE('notExpression', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Bang);
          this.SUBRULE(this.notExpression);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.range, { LABEL: 'left' });
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.compareOperator) },
        { ALT: () => this.CONSUME(KwIn) },
      ]);
      this.SUBRULE2(this.range, { LABEL: 'right' });
    });
  });

  range = this.RULE('range', () => {
    this.SUBRULE(this.primary, { LABEL: 'low' });
    this.OPTION(() => {
      this.CONSUME(DotDot);
      this.SUBRULE2(this.primary, { LABEL: 'high' });
    });
  });

  primary = this.RULE('primary', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.CONSUME(StringLiteral) },
        { ALT: () => this.CONSUME(Quantity) },
        { ALT: () => this.CONSUME(KwTrue) },
        { ALT: () => this.CONSUME(KwFalse) },
        { ALT: () => this.SUBRULE(this.list) },
        {
          ALT: () => {
            this.CONSUME(LParen);
            this.SUBRULE(this.expression);
            this.CONSUME(RParen);
          },
        },
        { ALT: () => this.SUBRULE(this.shellRun) },
        { ALT: () => this.SUBRULE(this.invocation) },
      ],
    });
  });

  shellRun = this.RULE('shellRun', () => {
    this.CONSUME(KwShell);
    this.CONSUME(StringLiteral);
  });

  invocation = this.RULE('invocation', () => {
    let first: IToken | undefined;
    this.ACTION(() => {
      first = this.LA(1);
    });
    this.SUBRULE(this.name);
    this.MANY(() => {
      this.CONSUME(Dot);
      this.SUBRULE2(this.name);
    });
    this.OPTION(() => {
      this.CONSUME(KwDeck);
      this.CONSUME(StringLiteral);
    });
    // Recovery: `run = liberate "char.tcl"`, a string right after a plain tool name in the value
    // of `run`, is taken as the deck (LCP1007).
    this.OPTION3({
      GATE: () => first !== undefined && first === this.runValue && this.LA(0) === first,
      DEF: () => {
        this.ACTION(() => {
          if (first !== undefined) this.reportBareDeck(first);
        });
        this.CONSUME2(StringLiteral, { LABEL: 'bareDeck' });
      },
    });
    this.OPTION2(() => this.SUBRULE(this.list));
  });

  /** Recovery: an empty item (`[, b]`, `[a, , b]`) is reported and its comma skipped. */
  list = this.RULE('list', () => {
    this.CONSUME(LBracket);
    this.ACTION(() => this.skipEmptyListItems(true));
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.ACTION(() => this.skipEmptyListItems(false));
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.expression);
        this.ACTION(() => this.skipEmptyListItems(false));
      });
      this.OPTION2(() => this.CONSUME2(Comma));
    });
    this.CONSUME(RBracket);
  });

  /** An identifier or any keyword. */
  name = this.RULE('name', () => {
    this.CONSUME(Name);
  });
}

/** The shared parser instance (construction runs the grammar analysis: do it once). */
export const lcpParser = new LcpParser();
