/**
 * CST → AST: a Chevrotain CST visitor (one method per grammar rule, checked by
 * `validateVisitor()`) that builds the plain-data AST of `ast.ts` with exact spans.
 *
 * Error recovery can leave CST nodes without some children and can insert tokens that have no
 * position (`startOffset` NaN). The visitor never throws on such trees: a missing name becomes an
 * Identifier named `''`, a missing value a Reference to a single such Identifier, both with a
 * zero-length span just after the last real token before them. Every method receives that
 * fallback offset (`at`) as its visitor parameter.
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/diagnostic.js';
import { span, type Span } from '../diagnostics/span.js';
import type {
  BinaryOperator,
  Block,
  BlockItem,
  CompareOperator,
  Declaration,
  EnvDecl,
  AfterJoin,
  AttributeDecl,
  DimensionDecl,
  ExpectStatement,
  Expression,
  ForEachClause,
  GroupByClause,
  Identifier,
  LibraryDecl,
  ListExpression,
  NestedBlock,
  Property,
  QuantityLiteral,
  Reference,
  RetryStatement,
  StageDecl,
  TemplateDecl,
  StringLiteral,
} from './ast.js';
import { lcpParser } from './parser.js';
import { decodeString } from './strings.js';
import { PlainString, RawString, UnterminatedRawString } from './tokens.js';

type Ctx = Record<string, CstElement[] | undefined>;

/** An expression together with the source it was written as (parentheses included). */
interface Ex {
  readonly node: Expression;
  readonly extent: Span;
}

const NONE: readonly never[] = [];

/*
 * In this grammar a CST key holds either tokens (token names and token LABELs) or nodes (rule
 * names and rule LABELs), never both, so the accessors need not filter.
 */
function tokens(ctx: Ctx, key: string): readonly IToken[] {
  return (ctx[key] ?? NONE) as readonly IToken[];
}

function nodes(ctx: Ctx, key: string): readonly CstNode[] {
  return (ctx[key] ?? NONE) as readonly CstNode[];
}

function real(token: IToken | undefined): token is IToken {
  return (
    token !== undefined && token.isInsertedInRecovery !== true && Number.isFinite(token.startOffset)
  );
}

function endOf(token: IToken): number {
  return token.startOffset + token.image.length;
}

/** The smallest range covering what was added; zero-length spans (placeholders) are ignored. */
class Extent {
  private start = Number.POSITIVE_INFINITY;
  private end = Number.NEGATIVE_INFINITY;

  constructor(private readonly fileName: string) {}

  token(token: IToken | undefined): this {
    if (real(token)) {
      this.start = Math.min(this.start, token.startOffset);
      this.end = Math.max(this.end, endOf(token));
    }
    return this;
  }

  span(s: Span | undefined): this {
    if (s !== undefined && s.end > s.start) {
      this.start = Math.min(this.start, s.start);
      this.end = Math.max(this.end, s.end);
    }
    return this;
  }

  /** End of what was added so far, or `fallback`. */
  endOr(fallback: number): number {
    return Number.isFinite(this.end) ? this.end : fallback;
  }

  result(fallback: number): Span {
    if (!Number.isFinite(this.start)) return span(this.fileName, fallback, fallback);
    return span(this.fileName, this.start, this.end);
  }
}

const COMPARE_OPERATORS: Readonly<Record<string, CompareOperator>> = {
  '==': '==',
  '!=': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

const QUANTITY = /^(-?\d+(?:\.\d+)?)([A-Za-z]*)$/;

const BaseVisitor = lcpParser.getBaseCstVisitorConstructor<number, unknown>();

/** Builds the AST of one file; create one per parse (it holds the file name and diagnostics). */
export class AstBuilder extends BaseVisitor {
  constructor(
    private readonly fileName: string,
    private readonly diagnostics: Diagnostic[],
  ) {
    super();
    this.validateVisitor();
  }

  // --- helpers -------------------------------------------------------------------------------------

  private extent(): Extent {
    return new Extent(this.fileName);
  }

  private after(token: IToken | undefined, fallback: number): number {
    return real(token) ? endOf(token) : fallback;
  }

  private tokenSpan(token: IToken): Span {
    return span(this.fileName, token.startOffset, endOf(token));
  }

  private identifier(token: IToken | undefined, at: number): Identifier {
    if (real(token)) return { kind: 'Identifier', name: token.image, span: this.tokenSpan(token) };
    return { kind: 'Identifier', name: '', span: span(this.fileName, at, at) };
  }

  private missing(at: number): Ex {
    const s = span(this.fileName, at, at);
    const node: Reference = {
      kind: 'Reference',
      path: [{ kind: 'Identifier', name: '', span: s }],
      span: s,
    };
    return { node, extent: s };
  }

  private string(token: IToken | undefined, at: number): StringLiteral {
    if (!real(token)) return { kind: 'String', parts: [], text: '', span: span(this.fileName, at, at) };
    const type = token.tokenType;
    return decodeString(
      this.fileName,
      {
        image: token.image,
        start: token.startOffset,
        raw: type === RawString || type === UnterminatedRawString,
        terminated: type === RawString || type === PlainString,
      },
      this.diagnostics,
    );
  }

  private quantity(token: IToken): QuantityLiteral {
    const s = this.tokenSpan(token);
    const match = QUANTITY.exec(token.image);
    const digits = match?.[1] ?? token.image;
    const unit = match?.[2] ?? '';
    const literal: QuantityLiteral = {
      kind: 'Quantity',
      value: Number(digits),
      digits,
      ...(unit === ''
        ? {}
        : { unit, unitSpan: span(this.fileName, token.startOffset + digits.length, s.end) }),
      span: s,
    };
    return literal;
  }

  private quantityOrMissing(token: IToken | undefined, at: number): Ex {
    if (!real(token)) return this.missing(at);
    const node = this.quantity(token);
    return { node, extent: node.span };
  }

  /** Visit an expression-level node; a missing node is a placeholder at `at`. */
  private ex(node: CstNode | undefined, at: number): Ex {
    if (node === undefined) return this.missing(at);
    return (this.visit(node, at) as Ex | undefined) ?? this.missing(at);
  }

  private nameOf(node: CstNode | undefined, at: number): Identifier {
    if (node === undefined) return this.identifier(undefined, at);
    return this.visit(node, at) as Identifier;
  }

  private blockOf(node: CstNode | undefined, at: number): Block {
    if (node === undefined) return { kind: 'Block', items: [], span: span(this.fileName, at, at) };
    return this.visit(node, at) as Block;
  }

  /** `keyword name block` declarations. */
  private named<K extends 'ToolDecl' | 'QueueDecl' | 'NodeDecl' | 'CornerDecl'>(
    kind: K,
    ctx: Ctx,
    keywordKey: string,
    at: number,
  ): { kind: K; name: Identifier; body: Block; span: Span } {
    const keyword = tokens(ctx, keywordKey)[0];
    const nameToken = tokens(ctx, 'declName')[0];
    let pos = this.after(keyword, at);
    const name = this.identifier(nameToken, pos);
    pos = this.after(nameToken, pos);
    const body = this.blockOf(nodes(ctx, 'block')[0], pos);
    const s = this.extent().token(keyword).span(name.span).span(body.span).result(at);
    return { kind, name, body, span: s };
  }

  // --- file and declarations ----------------------------------------------------------------------

  file(ctx: Ctx, at: number): Declaration[] {
    const result: Declaration[] = [];
    let pos = at;
    for (const node of nodes(ctx, 'declaration')) {
      const declaration = this.visit(node, pos) as Declaration | undefined;
      if (declaration !== undefined) {
        result.push(declaration);
        pos = Math.max(pos, declaration.span.end);
      }
    }
    return result;
  }

  declaration(ctx: Ctx, at: number): Declaration | undefined {
    for (const key of Object.keys(ctx)) {
      const node = nodes(ctx, key)[0];
      if (node !== undefined) return this.visit(node, at) as Declaration;
    }
    return undefined;
  }

  pipelineDecl(ctx: Ctx, at: number): Declaration {
    const keyword = tokens(ctx, 'KwPipeline')[0];
    const name = this.identifier(tokens(ctx, 'declName')[0], this.after(keyword, at));
    return {
      kind: 'PipelineDecl',
      name,
      span: this.extent().token(keyword).span(name.span).result(at),
    };
  }

  importDecl(ctx: Ctx, at: number): Declaration {
    const keyword = tokens(ctx, 'KwImport')[0];
    const path = this.string(tokens(ctx, 'StringLiteral')[0], this.after(keyword, at));
    return {
      kind: 'ImportDecl',
      path,
      span: this.extent().token(keyword).span(path.span).result(at),
    };
  }

  envDecl(ctx: Ctx, at: number): EnvDecl {
    const keyword = tokens(ctx, 'KwEnv')[0];
    const nameToken = tokens(ctx, 'declName')[0];
    const colon = tokens(ctx, 'Colon')[0];
    const equals = tokens(ctx, 'Equals')[0];
    let pos = this.after(keyword, at);
    const name = this.identifier(nameToken, pos);
    pos = this.after(colon, this.after(nameToken, pos));
    const type = this.nameOf(nodes(ctx, 'typeName')[0], pos);
    pos = Math.max(pos, type.span.end);
    const ext = this.extent().token(keyword).span(name.span).token(colon).span(type.span);
    const valueNode = nodes(ctx, 'expression')[0];
    if (equals === undefined && valueNode === undefined) {
      return { kind: 'EnvDecl', name, type, span: ext.result(at) };
    }
    const value = this.ex(valueNode, this.after(equals, pos));
    ext.token(equals).span(value.extent);
    return { kind: 'EnvDecl', name, type, default: value.node, span: ext.result(at) };
  }

  siteDecl(ctx: Ctx, at: number): Declaration {
    const keyword = tokens(ctx, 'KwSite')[0];
    const keywordSpan = real(keyword) ? this.tokenSpan(keyword) : span(this.fileName, at, at);
    const body = this.blockOf(nodes(ctx, 'block')[0], this.after(keyword, at));
    return {
      kind: 'SiteDecl',
      keyword: keywordSpan,
      body,
      span: this.extent().token(keyword).span(body.span).result(at),
    };
  }

  toolDecl(ctx: Ctx, at: number): Declaration {
    return this.named('ToolDecl', ctx, 'KwTool', at);
  }

  queueDecl(ctx: Ctx, at: number): Declaration {
    return this.named('QueueDecl', ctx, 'KwQueue', at);
  }

  nodeDecl(ctx: Ctx, at: number): Declaration {
    return this.named('NodeDecl', ctx, 'KwNode', at);
  }

  cornerDecl(ctx: Ctx, at: number): Declaration {
    return this.named('CornerDecl', ctx, 'KwCorner', at);
  }

  libraryDecl(ctx: Ctx, at: number): LibraryDecl {
    const keyword = tokens(ctx, 'KwLibrary')[0];
    const nameToken = tokens(ctx, 'declName')[0];
    const colon = tokens(ctx, 'Colon')[0];
    const nodeToken = tokens(ctx, 'nodeName')[0];
    let pos = this.after(keyword, at);
    const name = this.identifier(nameToken, pos);
    pos = this.after(nameToken, pos);
    const ext = this.extent().token(keyword).span(name.span);
    let node: Identifier | undefined;
    if (colon !== undefined || nodeToken !== undefined) {
      pos = this.after(colon, pos);
      node = this.identifier(nodeToken, pos);
      pos = this.after(nodeToken, pos);
      ext.token(colon).span(node.span);
    }
    const body = this.blockOf(nodes(ctx, 'block')[0], pos);
    ext.span(body.span);
    return node === undefined
      ? { kind: 'LibraryDecl', name, body, span: ext.result(at) }
      : { kind: 'LibraryDecl', name, node, body, span: ext.result(at) };
  }

  cornerSetDecl(ctx: Ctx, at: number): Declaration {
    const keyword = tokens(ctx, 'KwCorners')[0];
    const nameToken = tokens(ctx, 'declName')[0];
    const equals = tokens(ctx, 'Equals')[0];
    let pos = this.after(keyword, at);
    const name = this.identifier(nameToken, pos);
    pos = this.after(equals, this.after(nameToken, pos));
    const value = this.ex(nodes(ctx, 'expression')[0], pos);
    return {
      kind: 'CornerSetDecl',
      name,
      value: value.node,
      span: this.extent().token(keyword).span(name.span).token(equals).span(value.extent).result(at),
    };
  }

  dimensionDecl(ctx: Ctx, at: number): DimensionDecl {
    const keyword = tokens(ctx, 'KwDimension')[0];
    const equals = tokens(ctx, 'Equals')[0];
    const open = tokens(ctx, 'LBracket')[0];
    const close = tokens(ctx, 'RBracket')[0];
    let pos = this.after(keyword, at);
    const name = this.nameOf(nodes(ctx, 'declName')[0], pos);
    pos = this.after(open, this.after(equals, Math.max(pos, name.span.end)));
    const ext = this.extent().token(keyword).span(name.span).token(equals).token(open);
    const values = tokens(ctx, 'valueName').map((token) => {
      const value = this.identifier(token, pos);
      pos = Math.max(pos, value.span.end);
      ext.span(value.span);
      return value;
    });
    for (const comma of tokens(ctx, 'Comma')) ext.token(comma);
    ext.token(close);
    return { kind: 'DimensionDecl', name, values, span: ext.result(at) };
  }

  attributeDecl(ctx: Ctx, at: number): AttributeDecl {
    const keyword = tokens(ctx, 'KwAttribute')[0];
    const dot = tokens(ctx, 'Dot')[0];
    const colon = tokens(ctx, 'Colon')[0];
    const equals = tokens(ctx, 'Equals')[0];
    let pos = this.after(keyword, at);
    const entity = this.nameOf(nodes(ctx, 'entityName')[0], pos);
    pos = this.after(dot, Math.max(pos, entity.span.end));
    const name = this.nameOf(nodes(ctx, 'attributeName')[0], pos);
    pos = this.after(colon, Math.max(pos, name.span.end));
    const type = this.nameOf(nodes(ctx, 'typeName')[0], pos);
    pos = Math.max(pos, type.span.end);
    const ext = this.extent().token(keyword).span(entity.span).token(dot).span(name.span).token(colon).span(type.span);
    const valueNode = nodes(ctx, 'expression')[0];
    if (equals === undefined && valueNode === undefined) {
      return { kind: 'AttributeDecl', entity, name, type, span: ext.result(at) };
    }
    const value = this.ex(valueNode, this.after(equals, pos));
    ext.token(equals).span(value.extent);
    return { kind: 'AttributeDecl', entity, name, type, default: value.node, span: ext.result(at) };
  }

  stageDecl(ctx: Ctx, at: number): StageDecl {
    const keyword = tokens(ctx, 'KwStage')[0];
    const nameToken = tokens(ctx, 'declName')[0];
    let pos = this.after(keyword, at);
    const name = this.identifier(nameToken, pos);
    pos = this.after(nameToken, pos);
    const ext = this.extent().token(keyword).span(name.span);

    const forEachNode = nodes(ctx, 'forEachClause')[0];
    let forEach: ForEachClause | undefined;
    if (forEachNode !== undefined) {
      forEach = this.visit(forEachNode, pos) as ForEachClause;
      ext.span(forEach.span);
      pos = ext.endOr(pos);
    }
    const afterNode = nodes(ctx, 'afterClause')[0];
    let after: Identifier[] = [];
    let joins: AfterJoin[] = [];
    if (afterNode !== undefined) {
      const clause = this.visit(afterNode, pos) as { names: Identifier[]; joins: AfterJoin[]; span: Span };
      after = clause.names;
      joins = clause.joins;
      ext.span(clause.span);
      pos = ext.endOr(pos);
    }
    const whereNode = nodes(ctx, 'whereClause')[0];
    let where: Ex | undefined;
    if (whereNode !== undefined) {
      const clause = this.visit(whereNode, pos) as { condition: Ex; span: Span };
      where = clause.condition;
      ext.span(clause.span);
      pos = ext.endOr(pos);
    }
    const base = this.optionalExtends(ctx, pos, ext);
    if (base !== undefined) pos = ext.endOr(pos);
    const body = this.blockOf(nodes(ctx, 'block')[0], pos);
    ext.span(body.span);
    return {
      kind: 'StageDecl',
      name,
      ...(forEach === undefined ? {} : { forEach }),
      after,
      ...(joins.length === 0 ? {} : { joins }),
      ...(where === undefined ? {} : { where: where.node }),
      ...(base === undefined ? {} : { extends: base }),
      body,
      span: ext.result(at),
    };
  }

  templateDecl(ctx: Ctx, at: number): TemplateDecl {
    const keyword = tokens(ctx, 'KwTemplate')[0];
    const nameToken = tokens(ctx, 'declName')[0];
    let pos = this.after(keyword, at);
    const name = this.identifier(nameToken, pos);
    pos = this.after(nameToken, pos);
    const ext = this.extent().token(keyword).span(name.span);
    const base = this.optionalExtends(ctx, pos, ext);
    if (base !== undefined) pos = ext.endOr(pos);
    const body = this.blockOf(nodes(ctx, 'block')[0], pos);
    ext.span(body.span);
    return { kind: 'TemplateDecl', name, ...(base === undefined ? {} : { extends: base }), body, span: ext.result(at) };
  }

  /** The template named by an optional `extends NAME` clause of a stage or template; extends `ext`. */
  private optionalExtends(ctx: Ctx, pos: number, ext: ReturnType<typeof this.extent>): Identifier | undefined {
    const extendsNode = nodes(ctx, 'extendsClause')[0];
    if (extendsNode === undefined) return undefined;
    const clause = this.visit(extendsNode, pos) as { name: Identifier; span: Span };
    ext.span(clause.span);
    return clause.name;
  }

  extendsClause(ctx: Ctx, at: number): { name: Identifier; span: Span } {
    const keyword = tokens(ctx, 'KwExtends')[0];
    const token = tokens(ctx, 'Identifier')[0];
    const name = this.identifier(token, this.after(keyword, at));
    return { name, span: this.extent().token(keyword).span(name.span).result(at) };
  }

  forEachClause(ctx: Ctx, at: number): ForEachClause {
    const forToken = tokens(ctx, 'KwFor')[0];
    const each = tokens(ctx, 'KwEach')[0];
    const ext = this.extent().token(forToken).token(each);
    let pos = this.after(each, this.after(forToken, at));
    const commas = tokens(ctx, 'Comma');
    const keys: Identifier[] = [];
    nodes(ctx, 'name').forEach((node, index) => {
      if (index > 0) pos = this.after(commas[index - 1], pos);
      const key = this.nameOf(node, pos);
      keys.push(key);
      ext.span(key.span);
      pos = Math.max(pos, key.span.end);
    });
    if (keys.length === 0) keys.push(this.identifier(undefined, pos));
    for (const comma of commas) ext.token(comma);
    const groupNode = nodes(ctx, 'groupByClause')[0];
    if (groupNode === undefined) return { kind: 'ForEach', keys, span: ext.result(at) };
    const groupBy = this.visit(groupNode, pos) as GroupByClause;
    ext.span(groupBy.span);
    return { kind: 'ForEach', keys, groupBy, span: ext.result(at) };
  }

  groupByClause(ctx: Ctx, at: number): GroupByClause {
    const group = tokens(ctx, 'groupWord')[0];
    const by = tokens(ctx, 'byWord')[0];
    const ext = this.extent().token(group).token(by);
    let pos = this.after(by, this.after(group, at));
    const commas = tokens(ctx, 'Comma');
    const fields: Identifier[] = [];
    nodes(ctx, 'field').forEach((node, index) => {
      if (index > 0) pos = this.after(commas[index - 1], pos);
      const field = this.nameOf(node, pos);
      fields.push(field);
      ext.span(field.span);
      pos = Math.max(pos, field.span.end);
    });
    for (const comma of commas) ext.token(comma);
    return { kind: 'GroupBy', fields, span: ext.result(at) };
  }

  afterClause(ctx: Ctx, at: number): { names: Identifier[]; joins: AfterJoin[]; span: Span } {
    const keyword = tokens(ctx, 'KwAfter')[0];
    const ext = this.extent().token(keyword);
    let pos = this.after(keyword, at);
    // Separators in source order: `,` starts a new dependency, `|` adds an alternative.
    const separators = [...tokens(ctx, 'Comma'), ...tokens(ctx, 'Pipe')].sort((a, b) => a.startOffset - b.startOffset);
    const names: Identifier[] = [];
    const groups: Identifier[][] = [];
    tokens(ctx, 'Identifier').forEach((token, index) => {
      const separator = index > 0 ? separators[index - 1] : undefined;
      if (index > 0) pos = this.after(separator, pos);
      const name = this.identifier(token, pos);
      names.push(name);
      if (separator?.image === '|' && groups.length > 0) groups[groups.length - 1]!.push(name);
      else groups.push([name]);
      ext.span(name.span);
      pos = this.after(token, pos);
    });
    if (names.length === 0) names.push(this.identifier(undefined, pos));
    for (const separator of separators) ext.token(separator);
    const joins = groups
      .filter((group) => group.length > 1)
      .map((alternatives): AfterJoin => ({ kind: 'AfterJoin', alternatives, span: span(alternatives[0]!.span.file, alternatives[0]!.span.start, alternatives[alternatives.length - 1]!.span.end) }));
    return { names, joins, span: ext.result(at) };
  }

  whereClause(ctx: Ctx, at: number): { condition: Ex; span: Span } {
    const keyword = tokens(ctx, 'KwWhere')[0];
    const condition = this.ex(nodes(ctx, 'orExpression')[0], this.after(keyword, at));
    return { condition, span: this.extent().token(keyword).span(condition.extent).result(at) };
  }

  // --- blocks -------------------------------------------------------------------------------------

  block(ctx: Ctx, at: number): Block {
    const open = tokens(ctx, 'LCurly')[0];
    const close = tokens(ctx, 'RCurly')[0];
    const ext = this.extent().token(open);
    let pos = this.after(open, at);
    const items: BlockItem[] = [];
    for (const node of nodes(ctx, 'blockItem')) {
      const item = this.visit(node, pos) as BlockItem | undefined;
      if (item === undefined) continue;
      items.push(item);
      ext.span(item.span);
      pos = Math.max(pos, item.span.end);
    }
    ext.token(close);
    return { kind: 'Block', items, span: ext.result(at) };
  }

  blockItem(ctx: Ctx, at: number): BlockItem | undefined {
    for (const key of Object.keys(ctx)) {
      const node = nodes(ctx, key)[0];
      if (node !== undefined) return this.visit(node, at) as BlockItem;
    }
    return undefined;
  }

  property(ctx: Ctx, at: number): Property {
    const key = this.nameOf(nodes(ctx, 'name')[0], at);
    const equals = tokens(ctx, 'Equals')[0];
    const value = this.ex(nodes(ctx, 'expression')[0], this.after(equals, Math.max(at, key.span.end)));
    return {
      kind: 'Property',
      key,
      value: value.node,
      span: this.extent().span(key.span).token(equals).span(value.extent).result(at),
    };
  }

  nestedBlock(ctx: Ctx, at: number): NestedBlock {
    const key = this.nameOf(nodes(ctx, 'name')[0], at);
    const body = this.blockOf(nodes(ctx, 'block')[0], Math.max(at, key.span.end));
    return {
      kind: 'NestedBlock',
      key,
      body,
      span: this.extent().span(key.span).span(body.span).result(at),
    };
  }

  expectStatement(ctx: Ctx, at: number): ExpectStatement {
    const keyword = tokens(ctx, 'KwExpect')[0];
    const stringToken = tokens(ctx, 'StringLiteral')[0];
    const pattern = this.string(stringToken, this.after(keyword, at));
    const ext = this.extent().token(keyword).span(pattern.span);
    const opNode = nodes(ctx, 'compareOperator')[0];
    const quantityToken = tokens(ctx, 'Quantity')[0];
    if (opNode === undefined && quantityToken === undefined) {
      return { kind: 'ExpectStatement', pattern, span: ext.result(at) };
    }
    let pos = this.after(stringToken, this.after(keyword, at));
    const opToken = opNode === undefined ? undefined : (this.visit(opNode, pos) as IToken | undefined);
    const operator = real(opToken) ? COMPARE_OPERATORS[opToken.image] : undefined;
    pos = this.after(opToken, pos);
    const count = this.quantityOrMissing(quantityToken, pos);
    ext.token(opToken).span(count.extent);
    return {
      kind: 'ExpectStatement',
      pattern,
      ...(operator === undefined || !real(opToken)
        ? {}
        : { operator, operatorSpan: this.tokenSpan(opToken) }),
      count: count.node,
      span: ext.result(at),
    };
  }

  retryStatement(ctx: Ctx, at: number): RetryStatement {
    const keyword = tokens(ctx, 'KwRetry')[0];
    const countToken = tokens(ctx, 'count')[0];
    let pos = this.after(keyword, at);
    const count = this.quantityOrMissing(countToken, pos);
    pos = this.after(countToken, pos);
    const ext = this.extent().token(keyword).span(count.extent);
    const on = tokens(ctx, 'KwOn')[0];
    const exit = tokens(ctx, 'KwExit')[0];
    ext.token(on).token(exit);
    pos = this.after(exit, this.after(on, pos));
    const commas = tokens(ctx, 'Comma');
    const exitCodes: Expression[] = [];
    tokens(ctx, 'exitCode').forEach((token, index) => {
      if (index > 0) pos = this.after(commas[index - 1], pos);
      const code = this.quantityOrMissing(token, pos);
      exitCodes.push(code.node);
      ext.span(code.extent);
      pos = this.after(token, pos);
    });
    if ((on !== undefined || exit !== undefined) && exitCodes.length === 0) {
      exitCodes.push(this.missing(pos).node);
    }
    for (const comma of commas) ext.token(comma);
    const backoffKeyword = tokens(ctx, 'KwBackoff')[0];
    const backoffToken = tokens(ctx, 'backoff')[0];
    let backoff: Ex | undefined;
    if (backoffKeyword !== undefined || backoffToken !== undefined) {
      backoff = this.quantityOrMissing(backoffToken, this.after(backoffKeyword, pos));
      ext.token(backoffKeyword).span(backoff.extent);
    }
    return {
      kind: 'RetryStatement',
      count: count.node,
      exitCodes,
      ...(backoff === undefined ? {} : { backoff: backoff.node }),
      span: ext.result(at),
    };
  }

  compareOperator(ctx: Ctx): IToken | undefined {
    return tokens(ctx, 'CompareOp')[0];
  }

  // --- expressions --------------------------------------------------------------------------------

  expression(ctx: Ctx, at: number): Ex {
    const source = this.ex(nodes(ctx, 'source')[0], at);
    const where = tokens(ctx, 'KwWhere')[0];
    const conditionNode = nodes(ctx, 'condition')[0];
    if (where === undefined && conditionNode === undefined) return source;
    const condition = this.ex(conditionNode, this.after(where, source.extent.end));
    const s = this.extent().span(source.extent).token(where).span(condition.extent).result(at);
    return {
      node: { kind: 'Filter', source: source.node, condition: condition.node, span: s },
      extent: s,
    };
  }

  /** Left-associative chain `a op b op c`. */
  private chain(operands: readonly CstNode[], operators: readonly IToken[], at: number): Ex {
    let left = this.ex(operands[0], at);
    const count = Math.max(operators.length, operands.length - 1);
    for (let i = 0; i < count; i++) {
      const opToken = operators[i];
      const opPos = this.after(opToken, left.extent.end);
      const right = this.ex(operands[i + 1], opPos);
      const operatorSpan = real(opToken)
        ? this.tokenSpan(opToken)
        : span(this.fileName, left.extent.end, left.extent.end);
      const operator: BinaryOperator = opToken?.image === '&&' ? '&&' : '||';
      const s = this.extent().span(left.extent).token(opToken).span(right.extent).result(left.extent.end);
      left = {
        node: { kind: 'Binary', operator, operatorSpan, left: left.node, right: right.node, span: s },
        extent: s,
      };
    }
    return left;
  }

  orExpression(ctx: Ctx, at: number): Ex {
    return this.chain(nodes(ctx, 'andExpression'), tokens(ctx, 'OrOr'), at);
  }

  andExpression(ctx: Ctx, at: number): Ex {
    return this.chain(nodes(ctx, 'notExpression'), tokens(ctx, 'AndAnd'), at);
  }

  notExpression(ctx: Ctx, at: number): Ex {
    const bang = tokens(ctx, 'Bang')[0];
    if (bang === undefined) return this.ex(nodes(ctx, 'comparison')[0], at);
    const operand = this.ex(nodes(ctx, 'notExpression')[0], this.after(bang, at));
    const s = this.extent().token(bang).span(operand.extent).result(at);
    return { node: { kind: 'Not', operand: operand.node, span: s }, extent: s };
  }

  comparison(ctx: Ctx, at: number): Ex {
    const left = this.ex(nodes(ctx, 'left')[0], at);
    const opNode = nodes(ctx, 'compareOperator')[0];
    const inToken = tokens(ctx, 'KwIn')[0];
    const rightNode = nodes(ctx, 'right')[0];
    if (opNode === undefined && inToken === undefined && rightNode === undefined) return left;
    const opToken =
      inToken ?? (opNode === undefined ? undefined : (this.visit(opNode, at) as IToken | undefined));
    const operator: BinaryOperator =
      opToken === undefined ? '==' : opToken === inToken ? 'in' : (COMPARE_OPERATORS[opToken.image] ?? '==');
    const operatorSpan = real(opToken)
      ? this.tokenSpan(opToken)
      : span(this.fileName, left.extent.end, left.extent.end);
    const right = this.ex(rightNode, this.after(opToken, left.extent.end));
    const s = this.extent().span(left.extent).token(opToken).span(right.extent).result(at);
    return {
      node: { kind: 'Binary', operator, operatorSpan, left: left.node, right: right.node, span: s },
      extent: s,
    };
  }

  range(ctx: Ctx, at: number): Ex {
    const low = this.ex(nodes(ctx, 'low')[0], at);
    const dots = tokens(ctx, 'DotDot')[0];
    const highNode = nodes(ctx, 'high')[0];
    if (dots === undefined && highNode === undefined) return low;
    const high = this.ex(highNode, this.after(dots, low.extent.end));
    const s = this.extent().span(low.extent).token(dots).span(high.extent).result(at);
    return { node: { kind: 'Range', low: low.node, high: high.node, span: s }, extent: s };
  }

  primary(ctx: Ctx, at: number): Ex {
    const stringToken = tokens(ctx, 'StringLiteral')[0];
    if (stringToken !== undefined) {
      const node = this.string(stringToken, at);
      return { node, extent: node.span };
    }
    const quantityToken = tokens(ctx, 'Quantity')[0];
    if (quantityToken !== undefined) return this.quantityOrMissing(quantityToken, at);
    const boolToken = tokens(ctx, 'KwTrue')[0] ?? tokens(ctx, 'KwFalse')[0];
    if (boolToken !== undefined) {
      if (!real(boolToken)) return this.missing(at);
      const s = this.tokenSpan(boolToken);
      return { node: { kind: 'Boolean', value: boolToken.image === 'true', span: s }, extent: s };
    }
    const open = tokens(ctx, 'LParen')[0];
    if (open !== undefined) {
      const inner = this.ex(nodes(ctx, 'expression')[0], this.after(open, at));
      const close = tokens(ctx, 'RParen')[0];
      return {
        node: inner.node,
        extent: this.extent().token(open).span(inner.extent).token(close).result(at),
      };
    }
    for (const key of ['list', 'shellRun', 'invocation']) {
      const node = nodes(ctx, key)[0];
      if (node !== undefined) return this.ex(node, at);
    }
    return this.missing(at);
  }

  shellRun(ctx: Ctx, at: number): Ex {
    const keyword = tokens(ctx, 'KwShell')[0];
    const command = this.string(tokens(ctx, 'StringLiteral')[0], this.after(keyword, at));
    const s = this.extent().token(keyword).span(command.span).result(at);
    return { node: { kind: 'ShellRun', command, span: s }, extent: s };
  }

  invocation(ctx: Ctx, at: number): Ex {
    const dots = tokens(ctx, 'Dot');
    const path: Identifier[] = [];
    let pos = at;
    nodes(ctx, 'name').forEach((node, index) => {
      if (index > 0) pos = this.after(dots[index - 1], pos);
      const segment = this.nameOf(node, pos);
      path.push(segment);
      pos = Math.max(pos, segment.span.end);
    });
    if (path.length === 0) path.push(this.identifier(undefined, at));
    const refExtent = this.extent();
    for (const segment of path) refExtent.span(segment.span);
    for (const dot of dots) refExtent.token(dot);
    const refSpan = refExtent.result(at);

    const deckKeyword = tokens(ctx, 'KwDeck')[0];
    // `liberate "char.tcl"` (reported by the parser, LCP1007): the string is the deck.
    const bareDeck = tokens(ctx, 'bareDeck')[0];
    const listNode = nodes(ctx, 'list')[0];
    if (deckKeyword === undefined && bareDeck === undefined && listNode === undefined) {
      const node: Reference = { kind: 'Reference', path, span: refSpan };
      return { node, extent: refSpan };
    }

    const ext = this.extent().span(refSpan);
    let deck: StringLiteral | undefined;
    if (deckKeyword !== undefined) {
      deck = this.string(tokens(ctx, 'StringLiteral')[0], this.after(deckKeyword, pos));
      ext.token(deckKeyword).span(deck.span);
    } else if (bareDeck !== undefined) {
      deck = this.string(bareDeck, pos);
      ext.span(deck.span);
    }
    let args: ListExpression | undefined;
    if (listNode !== undefined) {
      const list = this.ex(listNode, ext.endOr(pos));
      if (list.node.kind === 'List') {
        args = list.node;
        ext.span(list.extent);
      }
    }
    let tool = path[0]!;
    if (path.length > 1) {
      const written = path.map((p) => p.name).join('.');
      // The example names the last segment: in `tools.merge`, `merge` is likely the tool.
      const example = [...path].reverse().find((p) => p.name !== '')?.name ?? 'liberate';
      const form = deck === undefined ? '["…"]' : 'deck "…"';
      this.diagnostics.push(
        makeDiagnostic(
          'LCP1007',
          refSpan,
          written.length <= 40
            ? `a tool run needs a plain tool name, found \`${written}\``
            : 'a tool run needs a plain tool name, found a dotted name',
          {
            label: 'expected the name of a `tool`',
            help: `a tool is referenced by its declared name, e.g. \`${example} ${form}\``,
          },
        ),
      );
      // No tool is named: an empty name (later phases say nothing more) over the dotted reference.
      tool = { kind: 'Identifier', name: '', span: refSpan };
    }
    const s = ext.result(at);
    return {
      node: {
        kind: 'ToolRun',
        tool,
        ...(deck === undefined ? {} : { deck }),
        ...(args === undefined ? {} : { args }),
        span: s,
      },
      extent: s,
    };
  }

  list(ctx: Ctx, at: number): Ex {
    const open = tokens(ctx, 'LBracket')[0];
    const close = tokens(ctx, 'RBracket')[0];
    const commas = tokens(ctx, 'Comma');
    const ext = this.extent().token(open);
    let pos = this.after(open, at);
    const items: Expression[] = [];
    nodes(ctx, 'expression').forEach((node, index) => {
      if (index > 0) pos = this.after(commas[index - 1], pos);
      const item = this.ex(node, pos);
      items.push(item.node);
      ext.span(item.extent);
      pos = Math.max(pos, item.extent.end);
    });
    for (const comma of commas) ext.token(comma);
    ext.token(close);
    const s = ext.result(at);
    return { node: { kind: 'List', items, span: s }, extent: s };
  }

  name(ctx: Ctx, at: number): Identifier {
    return this.identifier(tokens(ctx, 'Name')[0], at);
  }
}

/** The declarations of a `file` CST node. Never throws on recovered trees. */
export function toDeclarations(cst: CstNode, file: string, diagnostics: Diagnostic[]): Declaration[] {
  const builder = new AstBuilder(file, diagnostics);
  return (builder.visit(cst, 0) as Declaration[] | undefined) ?? [];
}
