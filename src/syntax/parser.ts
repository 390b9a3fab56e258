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
  type IToken,
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
  KwTool,
  KwTrue,
  KwWhere,
  LBracket,
  LCurly,
  LParen,
  Name,
  OrOr,
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
]);

const DECLARATION_HELP =
  'a file holds declarations: `pipeline`, `import`, `env`, `site`, `tool`, `queue`, `node`, `library`, `corner`, `corners`, `stage`';

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

/** Messages in our style: "expected `{`, found `stage`", with context where the rule tells. */
export const lcpErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    const found = describeToken(actual);
    if (expected === EOF) {
      return encode({
        code: 'LCP1008',
        message: `expected a declaration, found ${found}`,
        label: 'expected a declaration',
        help: DECLARATION_HELP,
      });
    }
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
    return encode({
      code: 'LCP1008',
      message: `expected a declaration, found ${describeToken(firstRedundant)}`,
      label: 'expected a declaration',
      help: DECLARATION_HELP,
    });
  },

  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, ruleName }) {
    const token = actual[0];
    const found = describeToken(token);
    let what: string;
    if (ruleName === 'declaration' || ruleName === 'file') {
      return encode({
        code: 'LCP1008',
        message: `expected a declaration, found ${found}`,
        label: 'expected a declaration',
        help: DECLARATION_HELP,
      });
    }
    if (ruleName === 'blockItem' && token !== undefined) {
      // `expect` and `retry` open statements unless a property (`expect = …`) follows.
      const needs =
        token.tokenType === KwExpect ? StringLiteral : token.tokenType === KwRetry ? Quantity : undefined;
      if (needs !== undefined) {
        const label = tokenLabel(needs);
        return encode({
          code: 'LCP1002',
          message: `expected ${label} after ${describeToken(token)}, found ${describeToken(actual[1])}`,
          label: `expected ${label} after this`,
        });
      }
    }
    if (ruleName === 'blockItem') what = 'a property or `}`';
    else if (VALUE_RULES.has(ruleName)) what = 'a value';
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

  constructor() {
    super(vocabulary as TokenType[], {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: lcpErrorMessages,
    });
    this.performSelfAnalysis();
  }

  /** The source text of the current input (set by `parse.ts` before `input`). */
  text = '';

  /** The last token of the last complete declaration (or the start-of-input marker). */
  private lastDeclarationEnd: IToken | undefined;

  /**
   * Whether a declaration may start at LA(1). Always, unless error recovery skipped tokens since
   * the last declaration: then only at a keyword that begins a line or is followed by what its
   * declaration needs (`stage x`, `import "…"`, `site {`), so that a mistyped declaration such as
   * `stages copy_kits for each library, corner {` is one error, not a cascade starting at
   * `library ,`.
   */
  private mayStartDeclaration(): boolean {
    const previous = this.LA(0);
    if (previous === this.lastDeclarationEnd) return true;
    const next = this.LA(1);
    const needed = DECLARATION_NEEDS.get(next.tokenType);
    if (needed === undefined) return true; // not a declaration keyword: the lookahead decides
    if (tokenMatcher(this.LA(2), needed)) return true;
    if (!Number.isFinite(previous.startOffset) || !Number.isFinite(next.startOffset)) return true;
    const gapStart = previous.startOffset + previous.image.length;
    for (let i = next.startOffset - 1; i >= gapStart; i--) {
      const ch = this.text.charCodeAt(i);
      if (ch === 10 || ch === 13) return true;
    }
    return false;
  }

  override reset(): void {
    super.reset();
    this.insertionPoints?.clear();
  }

  /**
   * Chevrotain's in-rule recovery, plus one case of our own: a keyword written where a
   * declaration name belongs (`stage corner {`) is taken as that name when the token after it
   * fits, so one mistake gives one diagnostic instead of a cascade.
   */
  tryInRuleRecovery(expectedTokType: TokenType, follows: TokenType[]): IToken {
    const next = this.LA(1);
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
    this.ACTION(() => {
      this.lastDeclarationEnd = this.LA(0);
    });
    this.MANY({
      GATE: () => this.mayStartDeclaration(),
      DEF: () => {
        this.SUBRULE(this.declaration);
        this.ACTION(() => {
          this.lastDeclarationEnd = this.LA(0);
        });
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
      this.SUBRULE(this.expression);
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
    this.OPTION(() => {
      this.CONSUME(Colon);
      this.CONSUME2(Identifier, { LABEL: 'nodeName' });
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
    this.SUBRULE(this.expression);
  });

  stageDecl = this.RULE('stageDecl', () => {
    this.CONSUME(KwStage);
    this.CONSUME(Identifier, { LABEL: 'declName' });
    this.OPTION(() => this.SUBRULE(this.forEachClause));
    this.OPTION2(() => this.SUBRULE(this.afterClause));
    this.OPTION3(() => this.SUBRULE(this.whereClause));
    this.SUBRULE(this.block);
  });

  forEachClause = this.RULE('forEachClause', () => {
    this.CONSUME(KwFor);
    this.CONSUME(KwEach);
    this.SUBRULE(this.name);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.name);
    });
  });

  afterClause = this.RULE('afterClause', () => {
    this.CONSUME(KwAfter);
    this.CONSUME(Identifier);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.CONSUME2(Identifier);
    });
  });

  whereClause = this.RULE('whereClause', () => {
    this.CONSUME(KwWhere);
    this.SUBRULE(this.orExpression);
  });

  // --- blocks ------------------------------------------------------------------------------------

  block = this.RULE('block', () => {
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.blockItem));
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

  property = this.RULE('property', () => {
    this.SUBRULE(this.name);
    this.CONSUME(Equals);
    this.SUBRULE(this.expression);
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
    this.SUBRULE(this.name);
    this.MANY(() => {
      this.CONSUME(Dot);
      this.SUBRULE2(this.name);
    });
    this.OPTION(() => {
      this.CONSUME(KwDeck);
      this.CONSUME(StringLiteral);
    });
    this.OPTION2(() => this.SUBRULE(this.list));
  });

  list = this.RULE('list', () => {
    this.CONSUME(LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.expression);
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
