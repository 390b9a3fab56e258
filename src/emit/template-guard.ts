/**
 * Templates come from repositories and site directories, so they are untrusted. Handlebars
 * (4.6 and later) already refuses to resolve a property that is not the value's own (the
 * prototype-pollution and code-execution chains go through `constructor` and `__proto__`), but
 * it then renders nothing and prints a raw warning. A template that names one of JavaScript's
 * built-in object properties is refused here instead, at compile time, with its position — a
 * located LCP6002 rather than an empty value. A name computed at render time (`lookup` of a
 * field's value) is still refused by Handlebars, silently (see `RUNTIME_OPTIONS`).
 */
import Handlebars from 'handlebars';

/** Names on every object's prototype, plus the prototype links themselves. */
const BUILT_IN: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype']);

/** Whether a name is one of JavaScript's built-in object properties rather than a possible field. */
export function isBuiltInProperty(name: string): boolean {
  return BUILT_IN.has(name);
}

/** Render options: prototype access is off, and says nothing (the guard above is what reports). */
export const RUNTIME_OPTIONS = Object.freeze({ allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });

export interface GuardFinding {
  readonly name: string;
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/** The first built-in property a parsed template names (a path segment or a `lookup` literal). */
export function findBuiltInAccess(program: hbs.AST.Program): GuardFinding | undefined {
  let found: GuardFinding | undefined;
  const at = (name: string, node: hbs.AST.Node): void => {
    found ??= { name, line: node.loc.start.line, column: node.loc.start.column + 1 };
  };
  class Guard extends Handlebars.Visitor {
    override PathExpression(path: hbs.AST.PathExpression): void {
      const name = path.parts.find(isBuiltInProperty);
      if (name !== undefined) at(name, path);
    }
    override SubExpression(node: hbs.AST.SubExpression): void {
      checkLookup(node);
      super.SubExpression(node);
    }
    override MustacheStatement(node: hbs.AST.MustacheStatement): void {
      checkLookup(node);
      super.MustacheStatement(node);
    }
    override BlockStatement(node: hbs.AST.BlockStatement): void {
      checkLookup(node);
      super.BlockStatement(node);
    }
  }
  const checkLookup = (node: { path: hbs.AST.PathExpression | hbs.AST.Literal; params: hbs.AST.Expression[] }): void => {
    if (node.path.type !== 'PathExpression' || (node.path as hbs.AST.PathExpression).original !== 'lookup') return;
    for (const param of node.params) {
      if (param.type === 'StringLiteral' && isBuiltInProperty((param as hbs.AST.StringLiteral).value)) at((param as hbs.AST.StringLiteral).value, param);
    }
  };
  new Guard().accept(program);
  return found;
}
