// src/diagnostics/codes.ts
var CATALOGUE = {
  // --- LCP1xxx: syntax -----------------------------------------------------------------------
  LCP1001: { severity: "error", title: "unexpected character" },
  LCP1002: { severity: "error", title: "expected a different token" },
  LCP1003: { severity: "error", title: "unterminated string" },
  LCP1004: { severity: "error", title: "malformed interpolation" },
  LCP1005: { severity: "error", title: "unknown escape sequence" },
  LCP1006: { severity: "error", title: "unterminated block comment" },
  LCP1007: { severity: "error", title: "invalid tool invocation" },
  LCP1008: { severity: "error", title: "expected a declaration or value" },
  // --- LCP2xxx: names and declarations ----------------------------------------------------------
  LCP2001: { severity: "error", title: "unknown reference" },
  LCP2002: { severity: "error", title: "duplicate declaration" },
  LCP2003: { severity: "error", title: "import not found" },
  LCP2004: { severity: "error", title: "missing pipeline declaration" },
  LCP2005: { severity: "error", title: "unsupported import" },
  LCP2006: { severity: "error", title: "unknown property" },
  LCP2007: { severity: "error", title: "missing required property" },
  LCP2008: { severity: "error", title: "duplicate property" },
  LCP2009: { severity: "error", title: "reference not in scope" },
  LCP2010: { severity: "error", title: "unknown field" },
  LCP2011: { severity: "error", title: "undeclared environment variable" },
  LCP2012: { severity: "error", title: "unknown fan-out key" },
  // --- LCP3xxx: types, units and domain rules ---------------------------------------------------
  LCP3001: { severity: "error", title: "type mismatch" },
  LCP3002: { severity: "error", title: "missing unit" },
  LCP3003: { severity: "error", title: "unit of the wrong kind" },
  LCP3004: { severity: "error", title: "unknown unit" },
  LCP3005: { severity: "error", title: "value out of range" },
  LCP3006: { severity: "error", title: "unknown enumeration value" },
  LCP3007: { severity: "error", title: "corner name disagrees with its fields" },
  LCP3008: { severity: "error", title: "corner field missing and not derivable from its name" },
  LCP3009: { severity: "error", title: "corner voltage outside the node range" },
  LCP3010: { severity: "error", title: "corner temperature outside the node range" },
  LCP3011: { severity: "error", title: "process corner not offered by the node" },
  LCP3012: { severity: "error", title: "RC corner not offered by the node" },
  LCP3013: { severity: "error", title: "memory exceeds the queue limit" },
  LCP3014: { severity: "error", title: "run time exceeds the queue limit" },
  LCP3015: { severity: "error", title: "slots exceed the queue limit" },
  LCP3016: { severity: "error", title: "corner listed twice" },
  // --- LCP31xx: lints (warnings, suppressible with `// libcc-ignore LCPxxxx`) -----------------
  LCP3101: { severity: "warning", title: "hard-coded absolute path" },
  LCP3102: { severity: "warning", title: "stage without expect" },
  LCP3103: { severity: "warning", title: "unused declaration" },
  LCP3104: { severity: "warning", title: "risky shell command" },
  LCP3105: { severity: "warning", title: "secret-looking literal" },
  LCP3106: { severity: "warning", title: "estimate exceeds the run-time limit" },
  LCP3107: { severity: "warning", title: "suppression names no known code" },
  // --- LCP4xxx: job graph -----------------------------------------------------------------------
  LCP4001: { severity: "error", title: "dependency cycle" },
  LCP4002: { severity: "error", title: "fan-out keys cannot be matched" },
  LCP4003: { severity: "error", title: "job has no matching upstream job" },
  LCP4004: { severity: "error", title: "stage expands to zero jobs" },
  LCP4005: { severity: "error", title: "job array larger than the site maximum" },
  LCP4006: { severity: "error", title: "job needs more slots than the plan allows" },
  // --- LCP5xxx: YAML and configuration ------------------------------------------------------------
  LCP5001: { severity: "error", title: "invalid YAML" },
  LCP5002: { severity: "error", title: "unexpected YAML structure" }
};
var ALL_CODES = Object.keys(CATALOGUE).sort();

// src/diagnostics/diagnostic.ts
function makeDiagnostic(code, span2, message, options = {}) {
  const diagnostic = {
    code,
    severity: CATALOGUE[code].severity,
    message,
    primary: { span: span2, message: options.label ?? "" },
    secondary: options.secondary ?? [],
    notes: options.notes ?? [],
    ...options.help === void 0 ? {} : { help: options.help }
  };
  return diagnostic;
}
function sortDiagnostics(diagnostics) {
  return [...diagnostics].sort(
    (a, b) => compareStrings(a.primary.span.file, b.primary.span.file) || a.primary.span.start - b.primary.span.start || a.primary.span.end - b.primary.span.end || compareStrings(a.code, b.code) || compareStrings(a.message, b.message)
  );
}
function compareStrings(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// src/diagnostics/span.ts
function span(file, start, end) {
  return { file, start, end };
}

// src/syntax/parser.ts
import {
  CstParser,
  EOF as EOF2,
  tokenMatcher
} from "chevrotain";

// src/syntax/tokens.ts
import { createToken, EOF, Lexer } from "chevrotain";
var Name = createToken({ name: "Name", pattern: Lexer.NA, label: "name" });
var StringLiteral = createToken({ name: "StringLiteral", pattern: Lexer.NA, label: "string" });
var CompareOp = createToken({
  name: "CompareOp",
  pattern: Lexer.NA,
  label: "comparison operator"
});
var WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\v\uFEFF]+/,
  group: Lexer.SKIPPED,
  label: "whitespace"
});
var COMMENTS_GROUP = "comments";
var LineComment = createToken({
  name: "LineComment",
  pattern: /\/\/[^\n\r]*/,
  group: COMMENTS_GROUP,
  label: "comment"
});
var BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: COMMENTS_GROUP,
  label: "comment"
});
var UnterminatedBlockComment = createToken({
  name: "UnterminatedBlockComment",
  pattern: /\/\*[\s\S]*/,
  group: COMMENTS_GROUP,
  label: "comment"
});
var RawString = createToken({
  name: "RawString",
  pattern: /"""[\s\S]*?"""/,
  categories: [StringLiteral],
  label: "string"
});
var UnterminatedRawString = createToken({
  name: "UnterminatedRawString",
  pattern: /"""[\s\S]*/,
  categories: [StringLiteral],
  label: "string"
});
var PlainString = createToken({
  name: "PlainString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  categories: [StringLiteral],
  label: "string"
});
var UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringLiteral],
  label: "string"
});
var Quantity = createToken({
  name: "Quantity",
  pattern: /-?\d+(?:\.\d+)?(?:[A-Za-z]+)?/,
  label: "quantity"
});
var Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [Name],
  label: "identifier"
});
function keyword(word) {
  const name = `Kw${word[0].toUpperCase()}${word.slice(1)}`;
  return createToken({
    name,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Name],
    label: `\`${word}\``
  });
}
var KwPipeline = keyword("pipeline");
var KwImport = keyword("import");
var KwEnv = keyword("env");
var KwSite = keyword("site");
var KwTool = keyword("tool");
var KwQueue = keyword("queue");
var KwNode = keyword("node");
var KwLibrary = keyword("library");
var KwCorners = keyword("corners");
var KwCorner = keyword("corner");
var KwStage = keyword("stage");
var KwFor = keyword("for");
var KwEach = keyword("each");
var KwAfter = keyword("after");
var KwWhere = keyword("where");
var KwShell = keyword("shell");
var KwDeck = keyword("deck");
var KwExpect = keyword("expect");
var KwRetry = keyword("retry");
var KwOn = keyword("on");
var KwExit = keyword("exit");
var KwBackoff = keyword("backoff");
var KwIn = keyword("in");
var KwTrue = keyword("true");
var KwFalse = keyword("false");
var KEYWORDS = [
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
  KwFalse
];
var KEYWORD_WORDS = KEYWORDS.map((t2) => t2.PATTERN.source);
function punct(name, text, categories = []) {
  return createToken({ name, pattern: text, categories, label: `\`${text}\`` });
}
var LCurly = punct("LCurly", "{");
var RCurly = punct("RCurly", "}");
var LBracket = punct("LBracket", "[");
var RBracket = punct("RBracket", "]");
var LParen = punct("LParen", "(");
var RParen = punct("RParen", ")");
var Comma = punct("Comma", ",");
var Colon = punct("Colon", ":");
var DotDot = punct("DotDot", "..");
var Dot = punct("Dot", ".");
var EqEq = punct("EqEq", "==", [CompareOp]);
var NotEq = punct("NotEq", "!=", [CompareOp]);
var LessEq = punct("LessEq", "<=", [CompareOp]);
var Less = punct("Less", "<", [CompareOp]);
var GreaterEq = punct("GreaterEq", ">=", [CompareOp]);
var Greater = punct("Greater", ">", [CompareOp]);
var Equals = punct("Equals", "=");
var AndAnd = punct("AndAnd", "&&");
var OrOr = punct("OrOr", "||");
var Bang = punct("Bang", "!");
var allTokens = [
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
  Bang
];
var vocabulary = [...allTokens, Name, StringLiteral, CompareOp];
var lcpLexer = new Lexer(allTokens, {
  positionTracking: "onlyOffset",
  ensureOptimizations: true
});
function tokenLabel(type) {
  if (type === EOF) return "end of file";
  return type.LABEL ?? type.name;
}
function isKeyword(type) {
  return KEYWORDS.includes(type);
}

// src/syntax/parser.ts
var chevrotainTryInRuleRecovery = CstParser.prototype.tryInRuleRecovery;
var VALUE_RULES = /* @__PURE__ */ new Set([
  "expression",
  "orExpression",
  "andExpression",
  "notExpression",
  "comparison",
  "range",
  "primary",
  "invocation"
]);
function describeToken(token) {
  if (token === void 0 || token.tokenType === EOF2 || !Number.isFinite(token.startOffset)) {
    return "end of file";
  }
  const image = token.image;
  if (image.length > 40 || /[\r\n`]/.test(image)) {
    return token.tokenType.LABEL === "string" ? "a string" : tokenLabel(token.tokenType);
  }
  return `\`${image}\``;
}
function encode(message) {
  return JSON.stringify(message);
}
function decodeSyntaxMessage(text) {
  try {
    const value = JSON.parse(text);
    if (typeof value === "object" && value !== null && typeof value.code === "string" && typeof value.message === "string") {
      return value;
    }
  } catch {
  }
  return { code: "LCP1008", message: "unexpected input", label: "unexpected" };
}
function unitHelp(previous, actual) {
  if (previous !== void 0 && previous.tokenType === Quantity && /^-?[\d.]+$/.test(previous.image) && actual.tokenType === Identifier && /^[A-Za-z]+$/.test(actual.image)) {
    return `write the unit directly after the number, as in \`${previous.image}${actual.image}\``;
  }
  return void 0;
}
function expectedOneOf(paths) {
  const labels = [];
  for (const path of paths) {
    const first = path[0];
    if (first === void 0) continue;
    const label = tokenLabel(first);
    if (!labels.includes(label)) labels.push(label);
  }
  if (labels.length === 0) return "something else";
  if (labels.length === 1) return labels[0];
  return `one of ${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}
var lcpErrorMessages = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    const found = describeToken(actual);
    if (expected === EOF2) {
      return encode({
        code: "LCP1008",
        message: `expected a declaration, found ${found}`,
        label: "expected a declaration",
        help: "a file holds declarations: `pipeline`, `import`, `env`, `site`, `tool`, `queue`, `node`, `library`, `corner`, `corners`, `stage`"
      });
    }
    if (ruleName === "block" && expected === RCurly) {
      const help2 = unitHelp(previous, actual);
      return encode({
        code: "LCP1002",
        message: `expected \`}\` or a property, found ${found}`,
        label: "expected `}`",
        ...help2 === void 0 ? {} : { help: help2 }
      });
    }
    const label = tokenLabel(expected);
    if (expected === Identifier && isKeyword(actual.tokenType)) {
      return encode({
        code: "LCP1002",
        message: `expected ${label}, found ${found}`,
        label: `expected ${label}`,
        help: `${found} is a keyword and cannot name a declaration`,
        helpIfReplaced: true
      });
    }
    const help = unitHelp(previous, actual);
    return encode({
      code: "LCP1002",
      message: `expected ${label}, found ${found}`,
      label: `expected ${label}`,
      ...help === void 0 ? {} : { help }
    });
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return encode({
      code: "LCP1008",
      message: `expected a declaration, found ${describeToken(firstRedundant)}`,
      label: "expected a declaration"
    });
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, ruleName }) {
    const token = actual[0];
    const found = describeToken(token);
    let what;
    if (ruleName === "declaration" || ruleName === "file") what = "a declaration";
    else if (ruleName === "blockItem") what = "a property or `}`";
    else if (VALUE_RULES.has(ruleName)) what = "a value";
    else what = expectedOneOf(expectedPathsPerAlt.flat());
    const help = token === void 0 ? void 0 : unitHelp(previous, token);
    return encode({
      code: "LCP1008",
      message: `expected ${what}, found ${found}`,
      label: `expected ${what}`,
      ...help === void 0 ? {} : { help }
    });
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const what = VALUE_RULES.has(ruleName) ? "a value" : expectedOneOf(expectedIterationPaths);
    return encode({
      code: "LCP1008",
      message: `expected ${what}, found ${describeToken(actual[0])}`,
      label: `expected ${what}`
    });
  }
};
var LcpParser = class extends CstParser {
  /**
   * Start offsets of the tokens before which recovery inserted a missing token during the last
   * parse: their diagnostics are anchored just after the previous real token.
   */
  insertionPoints = /* @__PURE__ */ new Set();
  constructor() {
    super(vocabulary, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: lcpErrorMessages
    });
    this.performSelfAnalysis();
  }
  reset() {
    super.reset();
    this.insertionPoints?.clear();
  }
  /**
   * Chevrotain's in-rule recovery, plus one case of our own: a keyword written where a
   * declaration name belongs (`stage corner {`) is taken as that name when the token after it
   * fits, so one mistake gives one diagnostic instead of a cascade.
   */
  tryInRuleRecovery(expectedTokType, follows) {
    const next = this.LA(1);
    if (expectedTokType === Identifier && isKeyword(next.tokenType)) {
      const after = this.LA(2);
      if (after.tokenType === EOF2 || follows.some((type) => tokenMatcher(after, type))) {
        this.SKIP_TOKEN();
        return next;
      }
    }
    return chevrotainTryInRuleRecovery.call(this, expectedTokType, follows);
  }
  getTokenToInsert(tokType) {
    const next = this.LA(1);
    if (Number.isFinite(next.startOffset)) this.insertionPoints.add(next.startOffset);
    return super.getTokenToInsert(tokType);
  }
  // --- file and declarations ---------------------------------------------------------------------
  file = this.RULE("file", () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });
  declaration = this.RULE("declaration", () => {
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
      { ALT: () => this.SUBRULE(this.stageDecl) }
    ]);
  });
  pipelineDecl = this.RULE("pipelineDecl", () => {
    this.CONSUME(KwPipeline);
    this.CONSUME(Identifier, { LABEL: "declName" });
  });
  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(KwImport);
    this.CONSUME(StringLiteral);
  });
  envDecl = this.RULE("envDecl", () => {
    this.CONSUME(KwEnv);
    this.CONSUME(Identifier, { LABEL: "declName" });
    this.CONSUME(Colon);
    this.SUBRULE(this.name, { LABEL: "typeName" });
    this.OPTION(() => {
      this.CONSUME(Equals);
      this.SUBRULE(this.expression);
    });
  });
  siteDecl = this.RULE("siteDecl", () => {
    this.CONSUME(KwSite);
    this.SUBRULE(this.block);
  });
  toolDecl = this.RULE("toolDecl", () => {
    this.CONSUME(KwTool);
    this.CONSUME(Identifier, { LABEL: "declName" });
    this.SUBRULE(this.block);
  });
  queueDecl = this.RULE("queueDecl", () => {
    this.CONSUME(KwQueue);
    this.CONSUME(Identifier, { LABEL: "declName" });
    this.SUBRULE(this.block);
  });
  nodeDecl = this.RULE("nodeDecl", () => {
    this.CONSUME(KwNode);
    this.CONSUME(Identifier, { LABEL: "declName" });
    this.SUBRULE(this.block);
  });
  libraryDecl = this.RULE("libraryDecl", () => {
    this.CONSUME(KwLibrary);
    this.CONSUME(Identifier, { LABEL: "declName" });
    this.OPTION(() => {
      this.CONSUME(Colon);
      this.CONSUME2(Identifier, { LABEL: "nodeName" });
    });
    this.SUBRULE(this.block);
  });
  cornerDecl = this.RULE("cornerDecl", () => {
    this.CONSUME(KwCorner);
    this.CONSUME(Identifier, { LABEL: "declName" });
    this.SUBRULE(this.block);
  });
  cornerSetDecl = this.RULE("cornerSetDecl", () => {
    this.CONSUME(KwCorners);
    this.CONSUME(Identifier, { LABEL: "declName" });
    this.CONSUME(Equals);
    this.SUBRULE(this.expression);
  });
  stageDecl = this.RULE("stageDecl", () => {
    this.CONSUME(KwStage);
    this.CONSUME(Identifier, { LABEL: "declName" });
    this.OPTION(() => this.SUBRULE(this.forEachClause));
    this.OPTION2(() => this.SUBRULE(this.afterClause));
    this.OPTION3(() => this.SUBRULE(this.whereClause));
    this.SUBRULE(this.block);
  });
  forEachClause = this.RULE("forEachClause", () => {
    this.CONSUME(KwFor);
    this.CONSUME(KwEach);
    this.SUBRULE(this.name);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.name);
    });
  });
  afterClause = this.RULE("afterClause", () => {
    this.CONSUME(KwAfter);
    this.CONSUME(Identifier);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.CONSUME2(Identifier);
    });
  });
  whereClause = this.RULE("whereClause", () => {
    this.CONSUME(KwWhere);
    this.SUBRULE(this.orExpression);
  });
  // --- blocks ------------------------------------------------------------------------------------
  block = this.RULE("block", () => {
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.blockItem));
    this.CONSUME(RCurly);
  });
  blockItem = this.RULE("blockItem", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.expectStatement) },
      { ALT: () => this.SUBRULE(this.retryStatement) },
      { ALT: () => this.SUBRULE(this.property) },
      { ALT: () => this.SUBRULE(this.nestedBlock) }
    ]);
  });
  property = this.RULE("property", () => {
    this.SUBRULE(this.name);
    this.CONSUME(Equals);
    this.SUBRULE(this.expression);
  });
  nestedBlock = this.RULE("nestedBlock", () => {
    this.SUBRULE(this.name);
    this.SUBRULE(this.block);
  });
  expectStatement = this.RULE("expectStatement", () => {
    this.CONSUME(KwExpect);
    this.CONSUME(StringLiteral);
    this.OPTION(() => {
      this.SUBRULE(this.compareOperator);
      this.CONSUME(Quantity);
    });
  });
  retryStatement = this.RULE("retryStatement", () => {
    this.CONSUME(KwRetry);
    this.CONSUME(Quantity, { LABEL: "count" });
    this.OPTION(() => {
      this.CONSUME(KwOn);
      this.CONSUME(KwExit);
      this.CONSUME2(Quantity, { LABEL: "exitCode" });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.CONSUME3(Quantity, { LABEL: "exitCode" });
      });
    });
    this.OPTION2(() => {
      this.CONSUME(KwBackoff);
      this.CONSUME4(Quantity, { LABEL: "backoff" });
    });
  });
  compareOperator = this.RULE("compareOperator", () => {
    this.CONSUME(CompareOp);
  });
  // --- expressions -------------------------------------------------------------------------------
  expression = this.RULE("expression", () => {
    this.SUBRULE(this.orExpression, { LABEL: "source" });
    this.OPTION(() => {
      this.CONSUME(KwWhere);
      this.SUBRULE2(this.orExpression, { LABEL: "condition" });
    });
  });
  orExpression = this.RULE("orExpression", () => {
    this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(OrOr);
      this.SUBRULE2(this.andExpression);
    });
  });
  andExpression = this.RULE("andExpression", () => {
    this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.CONSUME(AndAnd);
      this.SUBRULE2(this.notExpression);
    });
  });
  notExpression = this.RULE("notExpression", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Bang);
          this.SUBRULE(this.notExpression);
        }
      },
      { ALT: () => this.SUBRULE(this.comparison) }
    ]);
  });
  comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.range, { LABEL: "left" });
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.compareOperator) },
        { ALT: () => this.CONSUME(KwIn) }
      ]);
      this.SUBRULE2(this.range, { LABEL: "right" });
    });
  });
  range = this.RULE("range", () => {
    this.SUBRULE(this.primary, { LABEL: "low" });
    this.OPTION(() => {
      this.CONSUME(DotDot);
      this.SUBRULE2(this.primary, { LABEL: "high" });
    });
  });
  primary = this.RULE("primary", () => {
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
          }
        },
        { ALT: () => this.SUBRULE(this.shellRun) },
        { ALT: () => this.SUBRULE(this.invocation) }
      ]
    });
  });
  shellRun = this.RULE("shellRun", () => {
    this.CONSUME(KwShell);
    this.CONSUME(StringLiteral);
  });
  invocation = this.RULE("invocation", () => {
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
  list = this.RULE("list", () => {
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
  name = this.RULE("name", () => {
    this.CONSUME(Name);
  });
};
var lcpParser = new LcpParser();

// src/syntax/strings.ts
var INTERPOLATION_HELP = "an interpolation holds a name or a dotted name, as in `${corner.rc}`; write `$${` for a literal `${`";
var NAME_START = /[A-Za-z_]/;
var NAME_PART = /[A-Za-z0-9_]/;
function isBlank(ch) {
  return ch === " " || ch === "	" || ch === "\n" || ch === "\r";
}
function showable(text) {
  return text.length <= 40 && !/[\r\n`]/.test(text);
}
function parseDottedName(image, from, to, base, file) {
  let i = from;
  while (i < to && isBlank(image[i])) i++;
  let end = to;
  while (end > i && isBlank(image[end - 1])) end--;
  if (i >= end) return void 0;
  const path = [];
  for (; ; ) {
    const segStart = i;
    if (i >= end || !NAME_START.test(image[i])) return void 0;
    i++;
    while (i < end && NAME_PART.test(image[i])) i++;
    path.push({
      kind: "Identifier",
      name: image.slice(segStart, i),
      span: span(file, base + segStart, base + i)
    });
    if (i === end) return path;
    if (image[i] !== ".") return void 0;
    i++;
  }
}
function decodeString(file, token, diagnostics) {
  const { image, start: base, raw } = token;
  const quote = raw ? 3 : 1;
  const contentStart = Math.min(quote, image.length);
  let contentEnd = token.terminated ? image.length - quote : image.length;
  if (contentEnd < contentStart) contentEnd = contentStart;
  const parts = [];
  let text = "";
  let buffer = "";
  let bufferStart = -1;
  let bufferEnd = -1;
  let literalUntil = -1;
  let closeFrom = -1;
  let closeAt = -2;
  let unclosedReported = false;
  const append = (value, from, to) => {
    if (bufferStart < 0) bufferStart = from;
    bufferEnd = to;
    buffer += value;
  };
  const flush = () => {
    if (bufferStart < 0) return;
    parts.push({ kind: "Text", value: buffer, span: span(file, base + bufferStart, base + bufferEnd) });
    text += buffer;
    buffer = "";
    bufferStart = -1;
    bufferEnd = -1;
  };
  const findClose = (from) => {
    if (closeAt === -1 && closeFrom <= from) return -1;
    if (closeAt >= from && closeFrom <= from) return closeAt;
    const at = image.indexOf("}", from);
    closeFrom = from;
    closeAt = at >= contentEnd ? -1 : at;
    return closeAt;
  };
  let i = contentStart;
  while (i < contentEnd) {
    let j = i;
    while (j < contentEnd) {
      const ch2 = image.charCodeAt(j);
      if (ch2 === 36 || !raw && ch2 === 92) break;
      j++;
    }
    if (j > i) {
      append(image.slice(i, j), i, j);
      i = j;
      continue;
    }
    const ch = image[i];
    if (ch === "\\") {
      if (i + 1 >= contentEnd) {
        append("\\", i, i + 1);
        i++;
        continue;
      }
      const code = image.codePointAt(i + 1);
      const next = String.fromCodePoint(code);
      const width = 1 + next.length;
      let value;
      switch (next) {
        case '"':
          value = '"';
          break;
        case "\\":
          value = "\\";
          break;
        case "n":
          value = "\n";
          break;
        case "t":
          value = "	";
          break;
        default: {
          value = next;
          const written = `\\${next}`;
          diagnostics.push(
            makeDiagnostic(
              "LCP1005",
              span(file, base + i, base + i + width),
              `unknown escape sequence \`${showable(written) ? written : "\\"}\``,
              {
                label: "unknown escape",
                help: 'the escapes are `\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash, or use a raw `"""\u2026"""` string'
              }
            )
          );
        }
      }
      append(value, i, i + width);
      i += width;
      continue;
    }
    if (i < literalUntil) {
      append("$", i, i + 1);
      i++;
      continue;
    }
    if (image[i + 1] === "$" && image[i + 2] === "{" && i + 2 < contentEnd) {
      append("${", i, i + 3);
      i += 3;
      continue;
    }
    if (image[i + 1] !== "{" || i + 1 >= contentEnd) {
      append("$", i, i + 1);
      i++;
      continue;
    }
    const close = unclosedReported ? -1 : findClose(i + 2);
    if (close < 0) {
      if (!unclosedReported) {
        unclosedReported = true;
        diagnostics.push(
          makeDiagnostic("LCP1004", span(file, base + i, base + i + 2), "unclosed interpolation `${`", {
            label: "this `${` is never closed",
            help: INTERPOLATION_HELP
          })
        );
      }
      literalUntil = contentEnd;
      append("${", i, i + 2);
      i += 2;
      continue;
    }
    const path = parseDottedName(image, i + 2, close, base, file);
    if (path === void 0) {
      const inner = image.slice(i + 2, close);
      const empty = inner.trim() === "";
      const message = empty ? "empty interpolation `${}`" : showable(inner) ? `malformed interpolation \`\${${inner}}\`` : "malformed interpolation";
      diagnostics.push(
        makeDiagnostic("LCP1004", span(file, base + i, base + close + 1), message, {
          label: empty ? "expected a name" : "expected a name or a dotted name",
          help: INTERPOLATION_HELP
        })
      );
      literalUntil = close;
      append("${", i, i + 2);
      i += 2;
      continue;
    }
    flush();
    const first = path[0];
    const last = path[path.length - 1];
    parts.push({
      kind: "Interpolation",
      reference: {
        kind: "Reference",
        path,
        span: span(file, first.span.start, last.span.end)
      },
      span: span(file, base + i, base + close + 1)
    });
    text += `\${${path.map((p) => p.name).join(".")}}`;
    i = close + 1;
  }
  flush();
  return { kind: "String", parts, text, span: span(file, base, base + image.length) };
}

// src/syntax/to-ast.ts
function isToken(element) {
  return element.image !== void 0;
}
function tokens(ctx, key) {
  const list = ctx[key];
  return list === void 0 ? [] : list.filter(isToken);
}
function nodes(ctx, key) {
  const list = ctx[key];
  return list === void 0 ? [] : list.filter((e) => !isToken(e));
}
function real(token) {
  return token !== void 0 && token.isInsertedInRecovery !== true && Number.isFinite(token.startOffset);
}
function endOf(token) {
  return token.startOffset + token.image.length;
}
var Extent = class {
  constructor(fileName) {
    this.fileName = fileName;
  }
  start = Number.POSITIVE_INFINITY;
  end = Number.NEGATIVE_INFINITY;
  token(token) {
    if (real(token)) {
      this.start = Math.min(this.start, token.startOffset);
      this.end = Math.max(this.end, endOf(token));
    }
    return this;
  }
  span(s) {
    if (s !== void 0 && s.end > s.start) {
      this.start = Math.min(this.start, s.start);
      this.end = Math.max(this.end, s.end);
    }
    return this;
  }
  /** End of what was added so far, or `fallback`. */
  endOr(fallback) {
    return Number.isFinite(this.end) ? this.end : fallback;
  }
  result(fallback) {
    if (!Number.isFinite(this.start)) return span(this.fileName, fallback, fallback);
    return span(this.fileName, this.start, this.end);
  }
};
var COMPARE_OPERATORS = {
  "==": "==",
  "!=": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">="
};
var QUANTITY = /^(-?\d+(?:\.\d+)?)([A-Za-z]*)$/;
var BaseVisitor = lcpParser.getBaseCstVisitorConstructor();
var AstBuilder = class extends BaseVisitor {
  constructor(fileName, diagnostics) {
    super();
    this.fileName = fileName;
    this.diagnostics = diagnostics;
    this.validateVisitor();
  }
  // --- helpers -------------------------------------------------------------------------------------
  extent() {
    return new Extent(this.fileName);
  }
  after(token, fallback) {
    return real(token) ? endOf(token) : fallback;
  }
  tokenSpan(token) {
    return span(this.fileName, token.startOffset, endOf(token));
  }
  identifier(token, at) {
    if (real(token)) return { kind: "Identifier", name: token.image, span: this.tokenSpan(token) };
    return { kind: "Identifier", name: "", span: span(this.fileName, at, at) };
  }
  missing(at) {
    const s = span(this.fileName, at, at);
    const node = {
      kind: "Reference",
      path: [{ kind: "Identifier", name: "", span: s }],
      span: s
    };
    return { node, extent: s };
  }
  string(token, at) {
    if (!real(token)) return { kind: "String", parts: [], text: "", span: span(this.fileName, at, at) };
    const type = token.tokenType;
    return decodeString(
      this.fileName,
      {
        image: token.image,
        start: token.startOffset,
        raw: type === RawString || type === UnterminatedRawString,
        terminated: type === RawString || type === PlainString
      },
      this.diagnostics
    );
  }
  quantity(token) {
    const s = this.tokenSpan(token);
    const match = QUANTITY.exec(token.image);
    const digits = match?.[1] ?? token.image;
    const unit = match?.[2] ?? "";
    const literal = {
      kind: "Quantity",
      value: Number(digits),
      digits,
      ...unit === "" ? {} : { unit, unitSpan: span(this.fileName, token.startOffset + digits.length, s.end) },
      span: s
    };
    return literal;
  }
  quantityOrMissing(token, at) {
    if (!real(token)) return this.missing(at);
    const node = this.quantity(token);
    return { node, extent: node.span };
  }
  /** Visit an expression-level node; a missing node is a placeholder at `at`. */
  ex(node, at) {
    if (node === void 0) return this.missing(at);
    return this.visit(node, at) ?? this.missing(at);
  }
  nameOf(node, at) {
    if (node === void 0) return this.identifier(void 0, at);
    return this.visit(node, at);
  }
  blockOf(node, at) {
    if (node === void 0) return { kind: "Block", items: [], span: span(this.fileName, at, at) };
    return this.visit(node, at);
  }
  /** `keyword name block` declarations. */
  named(kind, ctx, keywordKey, at) {
    const keyword2 = tokens(ctx, keywordKey)[0];
    const nameToken = tokens(ctx, "declName")[0];
    let pos = this.after(keyword2, at);
    const name = this.identifier(nameToken, pos);
    pos = this.after(nameToken, pos);
    const body = this.blockOf(nodes(ctx, "block")[0], pos);
    const s = this.extent().token(keyword2).span(name.span).span(body.span).result(at);
    return { kind, name, body, span: s };
  }
  // --- file and declarations ----------------------------------------------------------------------
  file(ctx, at) {
    const result = [];
    let pos = at;
    for (const node of nodes(ctx, "declaration")) {
      const declaration = this.visit(node, pos);
      if (declaration !== void 0) {
        result.push(declaration);
        pos = Math.max(pos, declaration.span.end);
      }
    }
    return result;
  }
  declaration(ctx, at) {
    for (const key of Object.keys(ctx)) {
      const node = nodes(ctx, key)[0];
      if (node !== void 0) return this.visit(node, at);
    }
    return void 0;
  }
  pipelineDecl(ctx, at) {
    const keyword2 = tokens(ctx, "KwPipeline")[0];
    const name = this.identifier(tokens(ctx, "declName")[0], this.after(keyword2, at));
    return {
      kind: "PipelineDecl",
      name,
      span: this.extent().token(keyword2).span(name.span).result(at)
    };
  }
  importDecl(ctx, at) {
    const keyword2 = tokens(ctx, "KwImport")[0];
    const path = this.string(tokens(ctx, "StringLiteral")[0], this.after(keyword2, at));
    return {
      kind: "ImportDecl",
      path,
      span: this.extent().token(keyword2).span(path.span).result(at)
    };
  }
  envDecl(ctx, at) {
    const keyword2 = tokens(ctx, "KwEnv")[0];
    const nameToken = tokens(ctx, "declName")[0];
    const colon = tokens(ctx, "Colon")[0];
    const equals = tokens(ctx, "Equals")[0];
    let pos = this.after(keyword2, at);
    const name = this.identifier(nameToken, pos);
    pos = this.after(colon, this.after(nameToken, pos));
    const type = this.nameOf(nodes(ctx, "typeName")[0], pos);
    pos = Math.max(pos, type.span.end);
    const ext = this.extent().token(keyword2).span(name.span).token(colon).span(type.span);
    const valueNode = nodes(ctx, "expression")[0];
    if (equals === void 0 && valueNode === void 0) {
      return { kind: "EnvDecl", name, type, span: ext.result(at) };
    }
    const value = this.ex(valueNode, this.after(equals, pos));
    ext.token(equals).span(value.extent);
    return { kind: "EnvDecl", name, type, default: value.node, span: ext.result(at) };
  }
  siteDecl(ctx, at) {
    const keyword2 = tokens(ctx, "KwSite")[0];
    const keywordSpan = real(keyword2) ? this.tokenSpan(keyword2) : span(this.fileName, at, at);
    const body = this.blockOf(nodes(ctx, "block")[0], this.after(keyword2, at));
    return {
      kind: "SiteDecl",
      keyword: keywordSpan,
      body,
      span: this.extent().token(keyword2).span(body.span).result(at)
    };
  }
  toolDecl(ctx, at) {
    return this.named("ToolDecl", ctx, "KwTool", at);
  }
  queueDecl(ctx, at) {
    return this.named("QueueDecl", ctx, "KwQueue", at);
  }
  nodeDecl(ctx, at) {
    return this.named("NodeDecl", ctx, "KwNode", at);
  }
  cornerDecl(ctx, at) {
    return this.named("CornerDecl", ctx, "KwCorner", at);
  }
  libraryDecl(ctx, at) {
    const keyword2 = tokens(ctx, "KwLibrary")[0];
    const nameToken = tokens(ctx, "declName")[0];
    const colon = tokens(ctx, "Colon")[0];
    const nodeToken = tokens(ctx, "nodeName")[0];
    let pos = this.after(keyword2, at);
    const name = this.identifier(nameToken, pos);
    pos = this.after(nameToken, pos);
    const ext = this.extent().token(keyword2).span(name.span);
    let node;
    if (colon !== void 0 || nodeToken !== void 0) {
      pos = this.after(colon, pos);
      node = this.identifier(nodeToken, pos);
      pos = this.after(nodeToken, pos);
      ext.token(colon).span(node.span);
    }
    const body = this.blockOf(nodes(ctx, "block")[0], pos);
    ext.span(body.span);
    return node === void 0 ? { kind: "LibraryDecl", name, body, span: ext.result(at) } : { kind: "LibraryDecl", name, node, body, span: ext.result(at) };
  }
  cornerSetDecl(ctx, at) {
    const keyword2 = tokens(ctx, "KwCorners")[0];
    const nameToken = tokens(ctx, "declName")[0];
    const equals = tokens(ctx, "Equals")[0];
    let pos = this.after(keyword2, at);
    const name = this.identifier(nameToken, pos);
    pos = this.after(equals, this.after(nameToken, pos));
    const value = this.ex(nodes(ctx, "expression")[0], pos);
    return {
      kind: "CornerSetDecl",
      name,
      value: value.node,
      span: this.extent().token(keyword2).span(name.span).token(equals).span(value.extent).result(at)
    };
  }
  stageDecl(ctx, at) {
    const keyword2 = tokens(ctx, "KwStage")[0];
    const nameToken = tokens(ctx, "declName")[0];
    let pos = this.after(keyword2, at);
    const name = this.identifier(nameToken, pos);
    pos = this.after(nameToken, pos);
    const ext = this.extent().token(keyword2).span(name.span);
    const forEachNode = nodes(ctx, "forEachClause")[0];
    let forEach;
    if (forEachNode !== void 0) {
      forEach = this.visit(forEachNode, pos);
      ext.span(forEach.span);
      pos = ext.endOr(pos);
    }
    const afterNode = nodes(ctx, "afterClause")[0];
    let after = [];
    if (afterNode !== void 0) {
      const clause = this.visit(afterNode, pos);
      after = clause.names;
      ext.span(clause.span);
      pos = ext.endOr(pos);
    }
    const whereNode = nodes(ctx, "whereClause")[0];
    let where;
    if (whereNode !== void 0) {
      const clause = this.visit(whereNode, pos);
      where = clause.condition;
      ext.span(clause.span);
      pos = ext.endOr(pos);
    }
    const body = this.blockOf(nodes(ctx, "block")[0], pos);
    ext.span(body.span);
    return {
      kind: "StageDecl",
      name,
      ...forEach === void 0 ? {} : { forEach },
      after,
      ...where === void 0 ? {} : { where: where.node },
      body,
      span: ext.result(at)
    };
  }
  forEachClause(ctx, at) {
    const forToken = tokens(ctx, "KwFor")[0];
    const each = tokens(ctx, "KwEach")[0];
    const ext = this.extent().token(forToken).token(each);
    let pos = this.after(each, this.after(forToken, at));
    const commas = tokens(ctx, "Comma");
    const keys = [];
    nodes(ctx, "name").forEach((node, index) => {
      if (index > 0) pos = this.after(commas[index - 1], pos);
      const key = this.nameOf(node, pos);
      keys.push(key);
      ext.span(key.span);
      pos = Math.max(pos, key.span.end);
    });
    if (keys.length === 0) keys.push(this.identifier(void 0, pos));
    for (const comma of commas) ext.token(comma);
    return { kind: "ForEach", keys, span: ext.result(at) };
  }
  afterClause(ctx, at) {
    const keyword2 = tokens(ctx, "KwAfter")[0];
    const ext = this.extent().token(keyword2);
    let pos = this.after(keyword2, at);
    const commas = tokens(ctx, "Comma");
    const names = [];
    tokens(ctx, "Identifier").forEach((token, index) => {
      if (index > 0) pos = this.after(commas[index - 1], pos);
      const name = this.identifier(token, pos);
      names.push(name);
      ext.span(name.span);
      pos = this.after(token, pos);
    });
    if (names.length === 0) names.push(this.identifier(void 0, pos));
    for (const comma of commas) ext.token(comma);
    return { names, span: ext.result(at) };
  }
  whereClause(ctx, at) {
    const keyword2 = tokens(ctx, "KwWhere")[0];
    const condition = this.ex(nodes(ctx, "orExpression")[0], this.after(keyword2, at));
    return { condition, span: this.extent().token(keyword2).span(condition.extent).result(at) };
  }
  // --- blocks -------------------------------------------------------------------------------------
  block(ctx, at) {
    const open = tokens(ctx, "LCurly")[0];
    const close = tokens(ctx, "RCurly")[0];
    const ext = this.extent().token(open);
    let pos = this.after(open, at);
    const items = [];
    for (const node of nodes(ctx, "blockItem")) {
      const item = this.visit(node, pos);
      if (item === void 0) continue;
      items.push(item);
      ext.span(item.span);
      pos = Math.max(pos, item.span.end);
    }
    ext.token(close);
    return { kind: "Block", items, span: ext.result(at) };
  }
  blockItem(ctx, at) {
    for (const key of Object.keys(ctx)) {
      const node = nodes(ctx, key)[0];
      if (node !== void 0) return this.visit(node, at);
    }
    return void 0;
  }
  property(ctx, at) {
    const key = this.nameOf(nodes(ctx, "name")[0], at);
    const equals = tokens(ctx, "Equals")[0];
    const value = this.ex(nodes(ctx, "expression")[0], this.after(equals, Math.max(at, key.span.end)));
    return {
      kind: "Property",
      key,
      value: value.node,
      span: this.extent().span(key.span).token(equals).span(value.extent).result(at)
    };
  }
  nestedBlock(ctx, at) {
    const key = this.nameOf(nodes(ctx, "name")[0], at);
    const body = this.blockOf(nodes(ctx, "block")[0], Math.max(at, key.span.end));
    return {
      kind: "NestedBlock",
      key,
      body,
      span: this.extent().span(key.span).span(body.span).result(at)
    };
  }
  expectStatement(ctx, at) {
    const keyword2 = tokens(ctx, "KwExpect")[0];
    const stringToken = tokens(ctx, "StringLiteral")[0];
    const pattern = this.string(stringToken, this.after(keyword2, at));
    const ext = this.extent().token(keyword2).span(pattern.span);
    const opNode = nodes(ctx, "compareOperator")[0];
    const quantityToken = tokens(ctx, "Quantity")[0];
    if (opNode === void 0 && quantityToken === void 0) {
      return { kind: "ExpectStatement", pattern, span: ext.result(at) };
    }
    let pos = this.after(stringToken, this.after(keyword2, at));
    const opToken = opNode === void 0 ? void 0 : this.visit(opNode, pos);
    const operator = real(opToken) ? COMPARE_OPERATORS[opToken.image] : void 0;
    pos = this.after(opToken, pos);
    const count = this.quantityOrMissing(quantityToken, pos);
    ext.token(opToken).span(count.extent);
    return {
      kind: "ExpectStatement",
      pattern,
      ...operator === void 0 || !real(opToken) ? {} : { operator, operatorSpan: this.tokenSpan(opToken) },
      count: count.node,
      span: ext.result(at)
    };
  }
  retryStatement(ctx, at) {
    const keyword2 = tokens(ctx, "KwRetry")[0];
    const countToken = tokens(ctx, "count")[0];
    let pos = this.after(keyword2, at);
    const count = this.quantityOrMissing(countToken, pos);
    pos = this.after(countToken, pos);
    const ext = this.extent().token(keyword2).span(count.extent);
    const on = tokens(ctx, "KwOn")[0];
    const exit = tokens(ctx, "KwExit")[0];
    ext.token(on).token(exit);
    pos = this.after(exit, this.after(on, pos));
    const commas = tokens(ctx, "Comma");
    const exitCodes = [];
    tokens(ctx, "exitCode").forEach((token, index) => {
      if (index > 0) pos = this.after(commas[index - 1], pos);
      const code = this.quantityOrMissing(token, pos);
      exitCodes.push(code.node);
      ext.span(code.extent);
      pos = this.after(token, pos);
    });
    if ((on !== void 0 || exit !== void 0) && exitCodes.length === 0) {
      exitCodes.push(this.missing(pos).node);
    }
    for (const comma of commas) ext.token(comma);
    const backoffKeyword = tokens(ctx, "KwBackoff")[0];
    const backoffToken = tokens(ctx, "backoff")[0];
    let backoff;
    if (backoffKeyword !== void 0 || backoffToken !== void 0) {
      backoff = this.quantityOrMissing(backoffToken, this.after(backoffKeyword, pos));
      ext.token(backoffKeyword).span(backoff.extent);
    }
    return {
      kind: "RetryStatement",
      count: count.node,
      exitCodes,
      ...backoff === void 0 ? {} : { backoff: backoff.node },
      span: ext.result(at)
    };
  }
  compareOperator(ctx) {
    return tokens(ctx, "CompareOp")[0];
  }
  // --- expressions --------------------------------------------------------------------------------
  expression(ctx, at) {
    const source = this.ex(nodes(ctx, "source")[0], at);
    const where = tokens(ctx, "KwWhere")[0];
    const conditionNode = nodes(ctx, "condition")[0];
    if (where === void 0 && conditionNode === void 0) return source;
    const condition = this.ex(conditionNode, this.after(where, source.extent.end));
    const s = this.extent().span(source.extent).token(where).span(condition.extent).result(at);
    return {
      node: { kind: "Filter", source: source.node, condition: condition.node, span: s },
      extent: s
    };
  }
  /** Left-associative chain `a op b op c`. */
  chain(operands, operators, at) {
    let left = this.ex(operands[0], at);
    const count = Math.max(operators.length, operands.length - 1);
    for (let i = 0; i < count; i++) {
      const opToken = operators[i];
      const opPos = this.after(opToken, left.extent.end);
      const right = this.ex(operands[i + 1], opPos);
      const operatorSpan = real(opToken) ? this.tokenSpan(opToken) : span(this.fileName, left.extent.end, left.extent.end);
      const operator = opToken?.image === "&&" ? "&&" : "||";
      const s = this.extent().span(left.extent).token(opToken).span(right.extent).result(left.extent.end);
      left = {
        node: { kind: "Binary", operator, operatorSpan, left: left.node, right: right.node, span: s },
        extent: s
      };
    }
    return left;
  }
  orExpression(ctx, at) {
    return this.chain(nodes(ctx, "andExpression"), tokens(ctx, "OrOr"), at);
  }
  andExpression(ctx, at) {
    return this.chain(nodes(ctx, "notExpression"), tokens(ctx, "AndAnd"), at);
  }
  notExpression(ctx, at) {
    const bang = tokens(ctx, "Bang")[0];
    if (bang === void 0) return this.ex(nodes(ctx, "comparison")[0], at);
    const operand = this.ex(nodes(ctx, "notExpression")[0], this.after(bang, at));
    const s = this.extent().token(bang).span(operand.extent).result(at);
    return { node: { kind: "Not", operand: operand.node, span: s }, extent: s };
  }
  comparison(ctx, at) {
    const left = this.ex(nodes(ctx, "left")[0], at);
    const opNode = nodes(ctx, "compareOperator")[0];
    const inToken = tokens(ctx, "KwIn")[0];
    const rightNode = nodes(ctx, "right")[0];
    if (opNode === void 0 && inToken === void 0 && rightNode === void 0) return left;
    const opToken = inToken ?? (opNode === void 0 ? void 0 : this.visit(opNode, at));
    const operator = opToken === void 0 ? "==" : opToken === inToken ? "in" : COMPARE_OPERATORS[opToken.image] ?? "==";
    const operatorSpan = real(opToken) ? this.tokenSpan(opToken) : span(this.fileName, left.extent.end, left.extent.end);
    const right = this.ex(rightNode, this.after(opToken, left.extent.end));
    const s = this.extent().span(left.extent).token(opToken).span(right.extent).result(at);
    return {
      node: { kind: "Binary", operator, operatorSpan, left: left.node, right: right.node, span: s },
      extent: s
    };
  }
  range(ctx, at) {
    const low = this.ex(nodes(ctx, "low")[0], at);
    const dots = tokens(ctx, "DotDot")[0];
    const highNode = nodes(ctx, "high")[0];
    if (dots === void 0 && highNode === void 0) return low;
    const high = this.ex(highNode, this.after(dots, low.extent.end));
    const s = this.extent().span(low.extent).token(dots).span(high.extent).result(at);
    return { node: { kind: "Range", low: low.node, high: high.node, span: s }, extent: s };
  }
  primary(ctx, at) {
    const stringToken = tokens(ctx, "StringLiteral")[0];
    if (stringToken !== void 0) {
      const node = this.string(stringToken, at);
      return { node, extent: node.span };
    }
    const quantityToken = tokens(ctx, "Quantity")[0];
    if (quantityToken !== void 0) return this.quantityOrMissing(quantityToken, at);
    const boolToken = tokens(ctx, "KwTrue")[0] ?? tokens(ctx, "KwFalse")[0];
    if (boolToken !== void 0) {
      if (!real(boolToken)) return this.missing(at);
      const s = this.tokenSpan(boolToken);
      return { node: { kind: "Boolean", value: boolToken.image === "true", span: s }, extent: s };
    }
    const open = tokens(ctx, "LParen")[0];
    if (open !== void 0) {
      const inner = this.ex(nodes(ctx, "expression")[0], this.after(open, at));
      const close = tokens(ctx, "RParen")[0];
      return {
        node: inner.node,
        extent: this.extent().token(open).span(inner.extent).token(close).result(at)
      };
    }
    for (const key of ["list", "shellRun", "invocation"]) {
      const node = nodes(ctx, key)[0];
      if (node !== void 0) return this.ex(node, at);
    }
    return this.missing(at);
  }
  shellRun(ctx, at) {
    const keyword2 = tokens(ctx, "KwShell")[0];
    const command = this.string(tokens(ctx, "StringLiteral")[0], this.after(keyword2, at));
    const s = this.extent().token(keyword2).span(command.span).result(at);
    return { node: { kind: "ShellRun", command, span: s }, extent: s };
  }
  invocation(ctx, at) {
    const dots = tokens(ctx, "Dot");
    const path = [];
    let pos = at;
    nodes(ctx, "name").forEach((node, index) => {
      if (index > 0) pos = this.after(dots[index - 1], pos);
      const segment = this.nameOf(node, pos);
      path.push(segment);
      pos = Math.max(pos, segment.span.end);
    });
    if (path.length === 0) path.push(this.identifier(void 0, at));
    const refExtent = this.extent();
    for (const segment of path) refExtent.span(segment.span);
    for (const dot of dots) refExtent.token(dot);
    const refSpan = refExtent.result(at);
    const deckKeyword = tokens(ctx, "KwDeck")[0];
    const listNode = nodes(ctx, "list")[0];
    if (deckKeyword === void 0 && listNode === void 0) {
      const node = { kind: "Reference", path, span: refSpan };
      return { node, extent: refSpan };
    }
    const ext = this.extent().span(refSpan);
    let deck;
    if (deckKeyword !== void 0) {
      deck = this.string(tokens(ctx, "StringLiteral")[0], this.after(deckKeyword, pos));
      ext.token(deckKeyword).span(deck.span);
    }
    let args;
    if (listNode !== void 0) {
      const list = this.ex(listNode, ext.endOr(pos));
      if (list.node.kind === "List") {
        args = list.node;
        ext.span(list.extent);
      }
    }
    if (path.length > 1) {
      const written = path.map((p) => p.name).join(".");
      this.diagnostics.push(
        makeDiagnostic(
          "LCP1007",
          refSpan,
          written.length <= 40 ? `a tool run needs a plain tool name, found \`${written}\`` : "a tool run needs a plain tool name, found a dotted name",
          {
            label: "expected the name of a `tool`",
            help: `run the tool by its declared name, as in \`${path[0].name || "liberate"} deck "\u2026"\``
          }
        )
      );
    }
    const s = ext.result(at);
    return {
      node: {
        kind: "ToolRun",
        tool: path[0],
        ...deck === void 0 ? {} : { deck },
        ...args === void 0 ? {} : { args },
        span: s
      },
      extent: s
    };
  }
  list(ctx, at) {
    const open = tokens(ctx, "LBracket")[0];
    const close = tokens(ctx, "RBracket")[0];
    const commas = tokens(ctx, "Comma");
    const ext = this.extent().token(open);
    let pos = this.after(open, at);
    const items = [];
    nodes(ctx, "expression").forEach((node, index) => {
      if (index > 0) pos = this.after(commas[index - 1], pos);
      const item = this.ex(node, pos);
      items.push(item.node);
      ext.span(item.extent);
      pos = Math.max(pos, item.extent.end);
    });
    for (const comma of commas) ext.token(comma);
    ext.token(close);
    const s = ext.result(at);
    return { node: { kind: "List", items, span: s }, extent: s };
  }
  name(ctx, at) {
    return this.identifier(tokens(ctx, "Name")[0], at);
  }
};
function toDeclarations(cst, file, diagnostics) {
  const builder = new AstBuilder(file, diagnostics);
  return builder.visit(cst, 0) ?? [];
}

// src/syntax/parse.ts
function endOf2(token) {
  return token.startOffset + token.image.length;
}
function isReal(token) {
  return token !== void 0 && token.isInsertedInRecovery !== true && Number.isFinite(token.startOffset);
}
function showCharacters(text) {
  const shown = text.length > 20 ? `${text.slice(0, 20)}\u2026` : text;
  let out = "";
  for (const ch of shown) {
    const code = ch.codePointAt(0);
    if (code < 32 || code === 127 || code === 96 || code >= 128 && code <= 159) {
      out += `\\u{${code.toString(16)}}`;
    } else {
      out += ch;
    }
  }
  return out;
}
function lexHelp(text) {
  switch (text[0]) {
    case "'":
      return 'strings are written in double quotes: `"\u2026"`';
    case "&":
      return "the logical and is written `&&`";
    case "|":
      return "the logical or is written `||`";
    case "-":
      return "a negative number is written with its digits right after the `-`, as in `-40C`";
    case "#":
      return "comments start with `//` or `/*`";
    default:
      return void 0;
  }
}
function lastTokenBefore(tokens2, offset) {
  let lo = 0;
  let hi = tokens2.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = lo + hi >> 1;
    if (endOf2(tokens2[mid]) <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
var MAX_NESTING = 300;
var NESTING_COST = /* @__PURE__ */ new Map([
  [LParen, 5],
  [LBracket, 12],
  [LCurly, 6]
]);
var BANG_COST = 1;
var DECLARATION_KEYWORDS = /* @__PURE__ */ new Set([
  KwPipeline,
  KwEnv,
  KwTool,
  KwQueue,
  KwNode,
  KwLibrary,
  KwCorner,
  KwCorners,
  KwStage
]);
var ENDS_OPERAND = /* @__PURE__ */ new Set([Comma, Equals, AndAnd, OrOr, KwWhere, Colon]);
function tooDeep(tokens2) {
  const frames = [];
  let depth = 0;
  let bangs = 0;
  for (let i = 0; i < tokens2.length; i++) {
    const token = tokens2[i];
    const type = token.tokenType;
    const cost = NESTING_COST.get(type);
    if (cost !== void 0) {
      frames.push({ cost, bangs });
      depth += cost + bangs;
      bangs = 0;
    } else if (type === RParen || type === RBracket || type === RCurly) {
      const frame = frames.pop();
      if (frame !== void 0) {
        depth -= frame.cost + frame.bangs;
        bangs = frame.bangs;
      } else {
        bangs = 0;
      }
    } else if (type === Bang) {
      bangs += BANG_COST;
    } else if (ENDS_OPERAND.has(type)) {
      bangs = 0;
    } else if (DECLARATION_KEYWORDS.has(type) && tokens2[i + 1]?.tokenType === Identifier) {
      frames.length = 0;
      depth = 0;
      bangs = 0;
    }
    if (depth + bangs > MAX_NESTING) return token;
  }
  return void 0;
}
function parseUnsafe(source) {
  const file = source.path;
  const text = source.text;
  const diagnostics = [];
  const lexed = lcpLexer.tokenize(text);
  for (const error of lexed.errors) {
    const start = Math.max(0, Math.min(error.offset, text.length));
    const end = Math.max(start, Math.min(start + Math.max(error.length, 1), text.length));
    const bad = text.slice(start, end);
    const plural = [...bad].length > 1;
    const help = lexHelp(bad);
    diagnostics.push(
      makeDiagnostic(
        "LCP1001",
        span(file, start, end),
        `unexpected ${plural ? "characters" : "character"} \`${showCharacters(bad)}\``,
        { label: "not part of the language", ...help === void 0 ? {} : { help } }
      )
    );
  }
  const comments = [];
  for (const token of lexed.groups[COMMENTS_GROUP] ?? []) {
    const s = span(file, token.startOffset, endOf2(token));
    comments.push({ kind: "Comment", text: token.image, span: s });
    if (token.tokenType === UnterminatedBlockComment) {
      diagnostics.push(
        makeDiagnostic("LCP1006", span(file, s.start, s.start + 2), "unterminated block comment", {
          label: "this comment is never closed",
          help: "close it with `*/`"
        })
      );
    }
  }
  let tokens2 = lexed.tokens;
  for (const token of tokens2) {
    const type = token.tokenType;
    if (type === UnterminatedString || type === UnterminatedRawString) {
      const quote = type === UnterminatedRawString ? 3 : 1;
      diagnostics.push(
        makeDiagnostic(
          "LCP1003",
          span(file, token.startOffset, token.startOffset + quote),
          "unterminated string",
          {
            label: "this string is never closed",
            help: quote === 3 ? 'close it with `"""`' : 'close it with `"` on the same line; use `"""\u2026"""` for a string spanning lines'
          }
        )
      );
    }
  }
  const deep = tooDeep(tokens2);
  if (deep !== void 0) {
    diagnostics.push(
      makeDiagnostic(
        "LCP1008",
        span(file, deep.startOffset, endOf2(deep)),
        "nesting too deep",
        { label: "too deeply nested", notes: ["the rest of the file was not parsed"] }
      )
    );
    tokens2 = tokens2.slice(0, tokens2.indexOf(deep));
  }
  lcpParser.input = tokens2;
  const cst = lcpParser.file();
  const errors = lcpParser.errors;
  const insertionPoints = lcpParser.insertionPoints;
  const seenTokens = /* @__PURE__ */ new Set();
  const seenStarts = /* @__PURE__ */ new Set();
  const lastEnd = tokens2.length > 0 ? endOf2(tokens2[tokens2.length - 1]) : 0;
  for (const error of errors) {
    const decoded = decodeSyntaxMessage(error.message);
    const found = error.token;
    const atEof = !isReal(found);
    const foundKey = atEof ? -1 : found.startOffset;
    if (seenTokens.has(foundKey)) continue;
    let primary;
    let help = decoded.help;
    if (atEof) {
      primary = span(file, lastEnd, lastEnd);
    } else if (error.name === "MismatchedTokenException" && insertionPoints.has(found.startOffset)) {
      if (decoded.helpIfReplaced === true) help = void 0;
      const previous = tokens2[lastTokenBefore(tokens2, found.startOffset)];
      const at = previous === void 0 ? found.startOffset : endOf2(previous);
      primary = span(file, at, at);
    } else {
      primary = span(file, found.startOffset, endOf2(found));
    }
    if (seenStarts.has(primary.start)) continue;
    seenTokens.add(foundKey);
    seenStarts.add(primary.start);
    diagnostics.push(
      makeDiagnostic(decoded.code, primary, decoded.message, {
        label: decoded.label,
        ...help === void 0 ? {} : { help }
      })
    );
  }
  const declarations = toDeclarations(cst, file, diagnostics);
  const lcpFile = {
    kind: "File",
    path: file,
    declarations,
    comments,
    span: span(file, 0, text.length)
  };
  return { file: lcpFile, diagnostics: sortDiagnostics(diagnostics) };
}
function parseLcp(source) {
  try {
    return parseUnsafe(source);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      file: {
        kind: "File",
        path: source.path,
        declarations: [],
        comments: [],
        span: span(source.path, 0, source.text.length)
      },
      diagnostics: [
        makeDiagnostic("LCP1008", span(source.path, 0, 0), "internal error in the parser", {
          notes: [String(error instanceof Error ? error.stack : error), detail.split("\n")[0] ?? ""],
          help: "please report this as a bug in libcc, with the file that caused it"
        })
      ]
    };
  }
}

// src/diagnostics/source.ts
function createSourceFile(path, text) {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) lineStarts.push(i + 1);
    else if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      lineStarts.push(i + 1);
    }
  }
  return { path, text, lineStarts };
}

// ../../tmp/p9.ts
import { readFileSync } from "node:fs";
var sample = readFileSync("/tmp/sample.lcp", "utf8");
var big = "";
for (let i = 0; i < 200; i++) big += sample.replace(/n2_tanager|base_svt|copy_kits|liberate|normal|tcbn02|LIB_CHAR_BASE|TOOLS_ROOT/g, (m) => m + i);
var t = () => Number(process.hrtime.bigint()) / 1e6;
for (let k = 0; k < 8; k++) {
  const a = t();
  const lx = lcpLexer.tokenize(big);
  const b = t();
  lcpParser.input = lx.tokens;
  const cst = lcpParser.file();
  const c = t();
  const decls = toDeclarations(cst, "x", []);
  const d = t();
  const r = parseLcp(createSourceFile("x", big));
  const e = t();
  console.log("lex", (b - a).toFixed(1), "parse", (c - b).toFixed(1), "ast", (d - c).toFixed(1), "total", (e - d).toFixed(1), lx.tokens.length, "tokens");
}
