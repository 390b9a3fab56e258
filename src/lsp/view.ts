/**
 * What the editor features read of one analysed program, and small AST helpers they share.
 * Pure: no protocol types beyond plain data, no I/O.
 */
import type { Bindings } from '../check/references.js';
import type { CheckedProgram } from '../check/model.js';
import type { Span } from '../diagnostics/span.js';
import type { Plan } from '../graph/plan.js';
import type { Block, Declaration, Expression, InterpolationPart, LcpFile, NestedBlock, Property, StringLiteral } from '../syntax/ast.js';
import type { LoadedProgram } from '../syntax/load.js';

export interface ProgramView {
  readonly loaded: LoadedProgram;
  /** The checker's bindings (always present once checked, errors or not). */
  readonly bindings?: Bindings;
  /** Present when the program checked without errors. */
  readonly program?: CheckedProgram;
  /** Present when the program expanded into jobs. */
  readonly plan?: Plan;
}

/** Inclusive of the end: a cursor right after the last character is still "in" it. */
export function touches(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

export function fileOf(view: ProgramView, path: string): LcpFile | undefined {
  return view.loaded.files.find((f) => f.path === path);
}

/** The declaration of `file` at `offset`. */
export function declarationAt(file: LcpFile, offset: number): Declaration | undefined {
  return file.declarations.find((d) => touches(d.span, offset));
}

/** The body block of a declaration, if it has one. */
export function bodyOf(decl: Declaration): Block | undefined {
  return 'body' in decl ? decl.body : undefined;
}

export interface PropertyAt {
  readonly property: Property;
  /** The keys of the nested blocks around it, outermost first (`['resources']`). */
  readonly path: readonly string[];
  readonly declaration: Declaration;
}

/** The innermost property at `offset` (on its key or its value). */
export function propertyAt(decl: Declaration, offset: number): PropertyAt | undefined {
  const walk = (block: Block, path: string[]): PropertyAt | undefined => {
    if (!touches(block.span, offset)) return undefined;
    for (const item of block.items) {
      if (!touches(item.span, offset)) continue;
      if (item.kind === 'Property') return { property: item, path, declaration: decl };
      if (item.kind === 'NestedBlock') {
        const inner = walk(item.body, [...path, item.key.name]);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  const body = bodyOf(decl);
  return body ? walk(body, []) : undefined;
}

/** The nested blocks (`resources { … }`) around `offset`, outermost first. */
export function nestedBlocksAt(decl: Declaration, offset: number): NestedBlock[] {
  const found: NestedBlock[] = [];
  let block = bodyOf(decl);
  while (block !== undefined) {
    const nested = block.items.find((i): i is NestedBlock => i.kind === 'NestedBlock' && i.body.span.start < offset && offset < i.body.span.end);
    if (nested === undefined) break;
    found.push(nested);
    block = nested.body;
  }
  return found;
}

/** Every string literal of a declaration (properties, statements, env defaults, runs). */
export function stringsOf(decl: Declaration): StringLiteral[] {
  const out: StringLiteral[] = [];
  const expression = (e: Expression | undefined): void => {
    if (e === undefined) return;
    switch (e.kind) {
      case 'String':
        out.push(e);
        return;
      case 'List':
        e.items.forEach(expression);
        return;
      case 'Range':
      case 'Binary':
        expression('low' in e ? e.low : e.left);
        expression('high' in e ? e.high : e.right);
        return;
      case 'Not':
        expression(e.operand);
        return;
      case 'Filter':
        expression(e.source);
        expression(e.condition);
        return;
      case 'ShellRun':
        out.push(e.command);
        return;
      case 'ToolRun':
        if (e.deck) out.push(e.deck);
        expression(e.args);
        return;
      default:
        return;
    }
  };
  const block = (b: Block): void => {
    for (const item of b.items) {
      if (item.kind === 'Property') expression(item.value);
      else if (item.kind === 'NestedBlock') block(item.body);
      else if (item.kind === 'ExpectStatement') {
        out.push(item.pattern);
        expression(item.count);
      }
    }
  };
  if (decl.kind === 'EnvDecl') expression(decl.default);
  if (decl.kind === 'CornerSetDecl') expression(decl.value);
  if (decl.kind === 'StageDecl') expression(decl.where);
  const body = bodyOf(decl);
  if (body) block(body);
  return out;
}

/** The `${…}` interpolation at `offset`, if any. */
export function interpolationAt(decl: Declaration, offset: number): InterpolationPart | undefined {
  for (const literal of stringsOf(decl)) {
    if (!touches(literal.span, offset)) continue;
    for (const part of literal.parts) if (part.kind === 'Interpolation' && touches(part.span, offset)) return part;
  }
  return undefined;
}

export function textOf(view: ProgramView, span: Span): string {
  return view.loaded.sources.get(span.file)?.text.slice(span.start, span.end) ?? '';
}
