/**
 * Which deck renders cannot fail, without rendering them. `plan` and `check` render every deck
 * only for its errors (LCP6002); at 100k jobs that was about 40 % of `plan`, most of it inside
 * Handlebars (docs/performance.md). A render in strict mode fails only at a step that can throw:
 * a missing field (`strict`), a property read on a missing object, a helper that throws or is
 * missing, a partial, a decorator, a function value called. A template whose every step is one
 * of the plain forms below, with every path it names present in the view, has none of those
 * steps left, so its render returns a string whatever the values. `deckChecker` reads the
 * template's syntax tree once and returns a check of a view, or undefined when the template uses
 * anything else; a view the check does not pass is rendered for real, and only then is an error
 * reported — the check never decides that a render fails, only that it cannot.
 *
 * The forms (Handlebars 4.7, templates compiled `strict` and `noEscape` and rendered with
 * prototype access off, render.ts and template-guard.ts):
 * - `{{a.b.c}}`, `{{{a.b.c}}}`: every part an own property of a plain object (the view's objects
 *   are object literals), the last one a string, number, boolean, undefined or null (printed as
 *   is; not a function, which Handlebars would call). A one-part path must not be a helper's
 *   name (the helper would be called instead).
 * - `{{tcl x}}`, `{{sh x}}`, `{{json x}}`, `{{dir x "name"}}`, `{{join x ","}}`, `{{eq x y}}`
 *   and the same as sub-expressions: the helpers of render.ts, with their arity and arguments
 *   they cannot throw on (a primitive; `dir`'s first a primitive or a plain object of data
 *   properties; `join`'s first an array of primitives or anything else but a function).
 * - `{{#if x}}…{{else}}…{{/if}}`, `{{#unless x}}`, `{{else if …}}`: built-in, same context;
 *   `x` anything but a function (`if` calls a function value).
 * - Text and comments.
 * Anything else — `#each`, `#with`, `this`, `../`, `@data`, partials, decorators, hash
 * arguments, block parameters, other helpers, a path part that `Object.prototype` has — is not
 * analysed: the template is rendered for every job, as before.
 *
 * Reading a path runs the view's getters (`library.kitTcl`), as the render would; a getter
 * that throws fails the check. The caller still renders one job of each template for real:
 * Handlebars compiles a template on its first render, and that compile's own errors surface
 * there.
 */
import Handlebars from 'handlebars';
import { isBuiltInProperty } from './template-guard.js';

/**
 * The helpers registered in render.ts (and Handlebars' built-ins): a one-part path with one of
 * these names is a call. The analysis relies on render.ts's helpers never throwing on the
 * arguments `call` allows (tclQuote, shQuote, JSON.stringify of a primitive, `===`, Array#join
 * of primitives); a helper that could throw must be left out of `call`. Tests pin both.
 */
export const RENDER_HELPERS: ReadonlySet<string> = new Set(['sh', 'tcl', 'json', 'dir', 'eq', 'join']);
const BUILTIN_HELPERS: ReadonlySet<string> = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', 'helperMissing', 'blockHelperMissing']);

/** What a path's value must be for the step that reads it not to throw. */
type Need = 'primitive' | 'notFunction' | 'dirs' | 'joinable';

interface PathCheck {
  readonly parts: readonly string[];
  readonly need: Need;
}

/** A check of a view: true when rendering the template with it cannot throw. */
export type DeckCheck = (view: object) => boolean;

/** Undefined when the template is not in the analysed subset (or does not parse: the render reports that). */
export function deckChecker(source: string): DeckCheck | undefined {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch {
    return undefined;
  }
  const checks = new Map<string, PathCheck>();
  const add = (path: hbs.AST.PathExpression, need: Need): boolean => {
    const parts = plainParts(path);
    if (parts === undefined) return false;
    checks.set(`${need}\u0000${parts.join('\u0000')}`, { parts, need });
    return true;
  };

  /** A helper argument (or an `if` condition) whose value must be `need`. */
  const argument = (node: hbs.AST.Expression, need: Need): boolean => {
    switch (node.type) {
      case 'PathExpression':
        return add(node as hbs.AST.PathExpression, need);
      case 'SubExpression':
        // Every analysed helper returns a string or a boolean (json: a string or undefined).
        return call(node as hbs.AST.SubExpression);
      case 'StringLiteral':
      case 'NumberLiteral':
      case 'BooleanLiteral':
      case 'UndefinedLiteral':
      case 'NullLiteral':
        return true;
      default:
        return false;
    }
  };

  /** `{{helper args…}}` or `(helper args…)` with one of render.ts's helpers. */
  const call = (node: { path: hbs.AST.PathExpression | hbs.AST.Literal; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }): boolean => {
    if (node.hash !== undefined || node.path.type !== 'PathExpression') return false;
    const name = simpleName(node.path as hbs.AST.PathExpression);
    const params = node.params;
    switch (name) {
      case 'tcl':
      case 'sh':
      case 'json':
        return params.length === 1 && argument(params[0]!, 'primitive');
      case 'dir':
        return params.length === 2 && argument(params[0]!, 'dirs') && argument(params[1]!, 'primitive');
      case 'join':
        return (params.length === 1 || params.length === 2) && argument(params[0]!, 'joinable') && (params.length === 1 || argument(params[1]!, 'primitive'));
      case 'eq':
        return params.length === 2 && argument(params[0]!, 'notFunction') && argument(params[1]!, 'notFunction');
      default:
        return false;
    }
  };

  const statements = (body: readonly hbs.AST.Statement[]): boolean => body.every(statement);
  const statement = (node: hbs.AST.Statement): boolean => {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return true;
      case 'MustacheStatement': {
        const mustache = node as hbs.AST.MustacheStatement;
        if (mustache.params.length > 0 || mustache.hash !== undefined) return call(mustache);
        if (mustache.path.type !== 'PathExpression') return false;
        const path = mustache.path as hbs.AST.PathExpression;
        const name = simpleName(path);
        if (name !== undefined && (RENDER_HELPERS.has(name) || BUILTIN_HELPERS.has(name))) return false;
        return add(path, 'primitive');
      }
      case 'BlockStatement': {
        const block = node as hbs.AST.BlockStatement;
        const name = block.path.type === 'PathExpression' ? simpleName(block.path) : undefined;
        if ((name !== 'if' && name !== 'unless') || block.hash !== undefined || block.params.length !== 1) return false;
        if (hasBlockParams(block.program) || hasBlockParams(block.inverse)) return false;
        return argument(block.params[0]!, 'notFunction') && statements(block.program?.body ?? []) && statements(block.inverse?.body ?? []);
      }
      default:
        // Partials, partial blocks, decorators.
        return false;
    }
  };

  if (hasBlockParams(program) || !statements(program.body)) return undefined;
  const root = pathTree([...checks.values()]);
  return (view) => {
    try {
      return satisfies(view, root);
    } catch {
      // A getter that throws: the render would fail there too.
      return false;
    }
  };
}

/** The paths as a tree, so that a prefix shared by several paths is read once per view. */
interface PathNode {
  readonly needs: Need[];
  readonly children: Map<string, PathNode>;
}

function pathTree(checks: readonly PathCheck[]): PathNode {
  const root: PathNode = { needs: [], children: new Map() };
  for (const check of checks) {
    let node = root;
    for (const part of check.parts) {
      let child = node.children.get(part);
      if (child === undefined) node.children.set(part, (child = { needs: [], children: new Map() }));
      node = child;
    }
    if (!node.needs.includes(check.need)) node.needs.push(check.need);
  }
  return root;
}

/** A path's parts when it is a plain lookup from the current context: no `this`, `../`, `@data`. */
function plainParts(path: hbs.AST.PathExpression): readonly string[] | undefined {
  if (path.data || path.depth !== 0 || path.parts.length === 0 || /^\.|this\b/.test(path.original)) return undefined;
  // `constructor`, `__proto__`, …: refused by template-guard.ts before any render; not analysed.
  if (path.parts.some(isBuiltInProperty)) return undefined;
  return path.parts;
}

/** The name of a one-part path (a possible helper call), else undefined. */
function simpleName(path: hbs.AST.PathExpression): string | undefined {
  return path.parts.length === 1 && !path.data && path.depth === 0 && !/^\.|this\b/.test(path.original) ? path.parts[0] : undefined;
}

function hasBlockParams(program: hbs.AST.Program | undefined): boolean {
  return program !== undefined && program.blockParams !== undefined && program.blockParams.length > 0;
}

/** Every path under `node` is an own property of a plain object, and each value is what its step needs. */
function satisfies(value: unknown, node: PathNode): boolean {
  for (const need of node.needs) if (!meets(value, need)) return false;
  if (node.children.size === 0) return true;
  if (!isPlainObject(value)) return false;
  for (const [part, child] of node.children) {
    if (!Object.prototype.hasOwnProperty.call(value, part) || !satisfies((value as Record<string, unknown>)[part], child)) return false;
  }
  return true;
}

function meets(value: unknown, need: Need): boolean {
  switch (need) {
    case 'primitive':
      return isPrimitive(value);
    case 'notFunction':
      return typeof value !== 'function';
    case 'dirs':
      return isPrimitive(value) || (isPlainObject(value) && hasOnlyDataProperties(value));
    case 'joinable':
      return Array.isArray(value) ? value.every(isPrimitive) : typeof value !== 'function';
  }
}

/** No getter to run when a helper reads a property (`dir` reads one by name). */
function hasOnlyDataProperties(value: object): boolean {
  for (const key of Reflect.ownKeys(value)) if (!('value' in Object.getOwnPropertyDescriptor(value, key)!)) return false;
  return true;
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Values whose `String()` and concatenation run no code. */
function isPrimitive(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
