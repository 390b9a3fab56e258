/** Visits every string literal of the program, with where it appears, for the text lints. */
import type { Block, Declaration, Expression, StringLiteral } from '../../syntax/ast.js';

export type StringContext = 'import' | 'env-default' | 'shell' | 'value';

export function forEachString(declarations: readonly Declaration[], visit: (literal: StringLiteral, context: StringContext) => void): void {
  const expression = (e: Expression | undefined, context: StringContext): void => {
    if (e === undefined) return;
    switch (e.kind) {
      case 'String':
        visit(e, context);
        return;
      case 'List':
        for (const item of e.items) expression(item, context);
        return;
      case 'Range':
        expression(e.low, context);
        expression(e.high, context);
        return;
      case 'Binary':
        expression(e.left, context);
        expression(e.right, context);
        return;
      case 'Not':
        expression(e.operand, context);
        return;
      case 'Filter':
        expression(e.source, context);
        expression(e.condition, context);
        return;
      case 'ShellRun':
        visit(e.command, 'shell');
        return;
      case 'ToolRun':
        expression(e.deck, context);
        expression(e.args, context);
        return;
      default:
        return;
    }
  };
  const block = (b: Block): void => {
    for (const item of b.items) {
      if (item.kind === 'Property') expression(item.value, 'value');
      else if (item.kind === 'NestedBlock') block(item.body);
      else if (item.kind === 'ExpectStatement') visit(item.pattern, 'value');
    }
  };
  for (const d of declarations) {
    switch (d.kind) {
      case 'ImportDecl':
        visit(d.path, 'import');
        break;
      case 'EnvDecl':
        expression(d.default, 'env-default');
        break;
      case 'CornerSetDecl':
        expression(d.value, 'value');
        break;
      case 'StageDecl':
        expression(d.where, 'value');
        block(d.body);
        break;
      case 'PipelineDecl':
        break;
      default:
        block(d.body);
    }
  }
}
