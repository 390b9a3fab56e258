/**
 * The abstract syntax tree of one `.lcp` file: plain data, a `kind` discriminant and a `span`
 * on every node, no classes and no behaviour. Produced by `parse()`, consumed by `src/check`.
 * Nodes built from tokens that error recovery invented are still well-formed (names may be
 * empty strings); the diagnostics say what was missing.
 */
import type { Span } from '../diagnostics/span.js';

export interface Identifier {
  readonly kind: 'Identifier';
  readonly name: string;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Files and declarations
// ---------------------------------------------------------------------------------------------

export interface LcpFile {
  readonly kind: 'File';
  readonly path: string;
  readonly declarations: readonly Declaration[];
  /** Every comment, in source order (suppressions, and the formatter keeps them). */
  readonly comments: readonly Comment[];
  readonly span: Span;
}

export interface Comment {
  readonly kind: 'Comment';
  /** Full text including the `//` or `/* *\/` delimiters. */
  readonly text: string;
  readonly span: Span;
}

export type Declaration =
  | PipelineDecl
  | ImportDecl
  | EnvDecl
  | SiteDecl
  | ToolDecl
  | QueueDecl
  | NodeDecl
  | LibraryDecl
  | CornerDecl
  | CornerSetDecl
  | AttributeDecl
  | DimensionDecl
  | TemplateDecl
  | StageDecl;

/** `pipeline n2_tanager` */
export interface PipelineDecl {
  readonly kind: 'PipelineDecl';
  readonly name: Identifier;
  readonly span: Span;
}

/** `import "corners.yaml"` — another .lcp file or a YAML corner table. */
export interface ImportDecl {
  readonly kind: 'ImportDecl';
  readonly path: StringLiteral;
  readonly span: Span;
}

/** `env TOOLS_ROOT: path = "/tools"` */
export interface EnvDecl {
  readonly kind: 'EnvDecl';
  readonly name: Identifier;
  readonly type: Identifier;
  readonly default?: Expression;
  readonly span: Span;
}

/** `site { mem_unit = MB ... }` */
export interface SiteDecl {
  readonly kind: 'SiteDecl';
  readonly keyword: Span;
  readonly body: Block;
  readonly span: Span;
}

/** `tool liberate { path = "..." args = ["--trio"] }` */
export interface ToolDecl {
  readonly kind: 'ToolDecl';
  readonly name: Identifier;
  readonly body: Block;
  readonly span: Span;
}

/** `queue normal { max_mem = 256GB ... }` */
export interface QueueDecl {
  readonly kind: 'QueueDecl';
  readonly name: Identifier;
  readonly body: Block;
  readonly span: Span;
}

/** `node tcbn02 { vdd = 0.40V .. 0.95V ... }` */
export interface NodeDecl {
  readonly kind: 'NodeDecl';
  readonly name: Identifier;
  readonly body: Block;
  readonly span: Span;
}

/** `library base_svt : tcbn02 { ... }` */
export interface LibraryDecl {
  readonly kind: 'LibraryDecl';
  readonly name: Identifier;
  readonly node?: Identifier;
  readonly body: Block;
  readonly span: Span;
}

/** `corner ssgnp_0p48v_m40c_cworst_CCworst_T { process = ssgnp ... }` */
export interface CornerDecl {
  readonly kind: 'CornerDecl';
  readonly name: Identifier;
  readonly body: Block;
  readonly span: Span;
}

/** `corners slow = signoff where corner.process == ssgnp` — a named corner set. */
export interface CornerSetDecl {
  readonly kind: 'CornerSetDecl';
  readonly name: Identifier;
  readonly value: Expression;
  readonly span: Span;
}

/**
 * `attribute library.lpe_dir: string = "LPE"` — a typed user attribute of every node, library
 * or corner, with an optional default (without one, each entity must set it).
 */
export interface AttributeDecl {
  readonly kind: 'AttributeDecl';
  /** `node`, `library` or `corner` (the checker reports anything else). */
  readonly entity: Identifier;
  readonly name: Identifier;
  readonly type: Identifier;
  readonly default?: Expression;
  readonly span: Span;
}

/**
 * `dimension arcs = [cons, non_cons]` — a fan-out key of the user's own: `for each library, arcs`
 * runs a job per library and value (language.md §4.1).
 */
export interface DimensionDecl {
  readonly kind: 'DimensionDecl';
  readonly name: Identifier;
  /** In the order written: the order of the jobs. */
  readonly values: readonly Identifier[];
  readonly span: Span;
}

/** `stage characterize for each library, corner after copy_kits where … { … }` */
export interface StageDecl {
  readonly kind: 'StageDecl';
  readonly name: Identifier;
  /** Absent: the stage runs once. */
  readonly forEach?: ForEachClause;
  /** Every stage the `after` clause names, alternatives of joins included, in source order. */
  readonly after: readonly Identifier[];
  /** `after copy, char | char_mb`: each `|` group; absent when the clause has none. */
  readonly joins?: readonly AfterJoin[];
  readonly where?: Expression;
  /** `extends merge_step`: the stage template whose properties the body overrides. */
  readonly extends?: Identifier;
  readonly body: Block;
  readonly span: Span;
}

/**
 * `template merge_step extends base { run = … resources { … } }` — stage properties shared by
 * the stages that extend it (language.md, "Stage templates").
 */
export interface TemplateDecl {
  readonly kind: 'TemplateDecl';
  readonly name: Identifier;
  readonly extends?: Identifier;
  readonly body: Block;
  readonly span: Span;
}

/**
 * `char | char_mb` in an `after` clause: wait for exactly one of the alternatives, the one whose
 * jobs match (language.md §4.2, "Joins"). The identifiers are the same objects as in `after`.
 */
export interface AfterJoin {
  readonly kind: 'AfterJoin';
  readonly alternatives: readonly Identifier[];
  readonly span: Span;
}

export interface ForEachClause {
  readonly kind: 'ForEach';
  readonly keys: readonly Identifier[];
  /** `for each library, corner group by process, rc`: corners grouped by those fields. */
  readonly groupBy?: GroupByClause;
  readonly span: Span;
}

/** `group by process, rc, temperature` (contextual words): the corner fields a group shares. */
export interface GroupByClause {
  readonly kind: 'GroupBy';
  readonly fields: readonly Identifier[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

export interface Block {
  readonly kind: 'Block';
  readonly items: readonly BlockItem[];
  readonly span: Span;
}

export type BlockItem = Property | NestedBlock | ExpectStatement | RetryStatement;

/** `key = value` */
export interface Property {
  readonly kind: 'Property';
  readonly key: Identifier;
  readonly value: Expression;
  readonly span: Span;
}

/** `resources { ... }` */
export interface NestedBlock {
  readonly kind: 'NestedBlock';
  readonly key: Identifier;
  readonly body: Block;
  readonly span: Span;
}

export type CompareOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** `expect "${work}/ldb/*.ldb.gz" == 1` — without an operator: `>= 1`. */
export interface ExpectStatement {
  readonly kind: 'ExpectStatement';
  readonly pattern: StringLiteral;
  readonly operator?: CompareOperator;
  readonly operatorSpan?: Span;
  readonly count?: Expression;
  readonly span: Span;
}

/** `retry 2 on exit 75, 76 backoff 10m` */
export interface RetryStatement {
  readonly kind: 'RetryStatement';
  readonly count: Expression;
  readonly exitCodes: readonly Expression[];
  readonly backoff?: Expression;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

export type Expression =
  | StringLiteral
  | QuantityLiteral
  | BooleanLiteral
  | Reference
  | ListExpression
  | RangeExpression
  | BinaryExpression
  | NotExpression
  | FilterExpression
  | ShellRun
  | ToolRun;

/** A string; `${a.b}` interpolations split it into parts. Triple-quoted strings are raw. */
export interface StringLiteral {
  readonly kind: 'String';
  readonly parts: readonly StringPart[];
  /** The value with interpolations written back as `${…}`, for messages. */
  readonly text: string;
  readonly span: Span;
}

export type StringPart = TextPart | InterpolationPart;

export interface TextPart {
  readonly kind: 'Text';
  /** Unescaped text. */
  readonly value: string;
  readonly span: Span;
}

/**
 * `${corner.rc}`: the reference's span covers the name inside the braces. `${corner.voltage:p}`
 * has a `format` (the name after `:`).
 */
export interface InterpolationPart {
  readonly kind: 'Interpolation';
  readonly reference: Reference;
  readonly format?: Identifier;
  readonly span: Span;
}

/** `0.48V`, `-40C`, `64GB`, `30m`, `1000` — a number with an optional unit suffix. */
export interface QuantityLiteral {
  readonly kind: 'Quantity';
  readonly value: number;
  /** The digits as written (`0.480`), without the unit. */
  readonly digits: string;
  readonly unit?: string;
  readonly unitSpan?: Span;
  readonly span: Span;
}

export interface BooleanLiteral {
  readonly kind: 'Boolean';
  readonly value: boolean;
  readonly span: Span;
}

/** `ssgnp`, `normal`, `corner.process`: a dotted name resolved by the checker. */
export interface Reference {
  readonly kind: 'Reference';
  readonly path: readonly Identifier[];
  readonly span: Span;
}

export interface ListExpression {
  readonly kind: 'List';
  readonly items: readonly Expression[];
  readonly span: Span;
}

/** `0.40V .. 0.95V` (inclusive). */
export interface RangeExpression {
  readonly kind: 'Range';
  readonly low: Expression;
  readonly high: Expression;
  readonly span: Span;
}

export type BinaryOperator = CompareOperator | '&&' | '||' | 'in';

export interface BinaryExpression {
  readonly kind: 'Binary';
  readonly operator: BinaryOperator;
  readonly operatorSpan: Span;
  readonly left: Expression;
  readonly right: Expression;
  readonly span: Span;
}

export interface NotExpression {
  readonly kind: 'Not';
  readonly operand: Expression;
  readonly span: Span;
}

/** `signoff where corner.process == ssgnp` — a corner set filtered by a condition. */
export interface FilterExpression {
  readonly kind: 'Filter';
  readonly source: Expression;
  readonly condition: Expression;
  readonly span: Span;
}

/** `shell "rsync -a …"` */
export interface ShellRun {
  readonly kind: 'ShellRun';
  readonly command: StringLiteral;
  readonly span: Span;
}

/** `liberate deck "liberate/char.tcl.hbs"`, `merge_tool ["--in", "a.lib"]` */
export interface ToolRun {
  readonly kind: 'ToolRun';
  readonly tool: Identifier;
  readonly deck?: StringLiteral;
  readonly args?: ListExpression;
  readonly span: Span;
}
