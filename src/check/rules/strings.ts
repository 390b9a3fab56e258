/** Visits every string literal of the program, with where it appears, for the text lints. */
import type { Block, Declaration, Expression, StringLiteral } from '../../syntax/ast.js';

export type StringContext = 'import' | 'env-default' | 'shell' | 'value';

/** Where a string stands: its context, and the property it is the value of (if any). */
export interface StringSite {
  readonly context: StringContext;
  readonly property?: string;
}

export function forEachString(declarations: readonly Declaration[], visit: (literal: StringLiteral, site: StringSite) => void): void {
  const expression = (e: Expression | undefined, context: StringContext, property?: string): void => {
    if (e === undefined) return;
    switch (e.kind) {
      case 'String':
        visit(e, property === undefined ? { context } : { context, property });
        return;
      case 'List':
        for (const item of e.items) expression(item, context, property);
        return;
      case 'Range':
        expression(e.low, context, property);
        expression(e.high, context, property);
        return;
      case 'Binary':
        expression(e.left, context, property);
        expression(e.right, context, property);
        return;
      case 'Not':
        expression(e.operand, context, property);
        return;
      case 'Filter':
        expression(e.source, context, property);
        expression(e.condition, context, property);
        return;
      case 'ShellRun':
        visit(e.command, { context: 'shell' });
        return;
      case 'ToolRun':
        expression(e.deck, context, property);
        expression(e.args, context, property);
        return;
      default:
        return;
    }
  };
  const block = (b: Block): void => {
    for (const item of b.items) {
      if (item.kind === 'Property') expression(item.value, 'value', item.key.name);
      else if (item.kind === 'NestedBlock') block(item.body);
      else if (item.kind === 'ExpectStatement') visit(item.pattern, { context: 'value', property: 'expect' });
    }
  };
  for (const d of declarations) {
    switch (d.kind) {
      case 'ImportDecl':
        visit(d.path, { context: 'import' });
        break;
      case 'EnvDecl':
        expression(d.default, 'env-default');
        break;
      case 'CornerSetDecl':
        expression(d.value, 'value');
        break;
      case 'AttributeDecl':
        expression(d.default, 'value', d.name.name);
        break;
      case 'StageDecl':
        expression(d.where, 'value');
        block(d.body);
        break;
      case 'PipelineDecl':
      case 'DimensionDecl':
        break;
      default:
        block(d.body);
    }
  }
}
