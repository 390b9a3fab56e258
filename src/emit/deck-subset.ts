/**
 * The plain subset of Handlebars that libcc's own deck templates are written in, read from a
 * template's syntax tree into a small tree of its own. Two things are built on it:
 * deck-check.ts (which views a render cannot fail on: `plan` and `check` skip those renders) and
 * deck-writer.ts (a compile writes such a deck's bytes without Handlebars).
 *
 * The forms (Handlebars 4.7, templates compiled `strict` and `noEscape` and rendered with
 * prototype access off, render.ts and template-guard.ts):
 * - `{{a.b.c}}`, `{{{a.b.c}}}`: a plain path from the current context. A one-part path must not
 *   be a helper's name (the helper would be called instead).
 * - `{{tcl x}}`, `{{sh x}}`, `{{json x}}`, `{{dir x "name"}}`, `{{join x ","}}`, `{{eq x y}}`
 *   and the same as sub-expressions: the helpers of render.ts, with their arity; arguments are
 *   plain paths, literals or such calls.
 * - `{{#if x}}…{{else}}…{{/if}}`, `{{#unless x}}`, `{{else if …}}`: built-in, same context.
 * - Text and comments.
 * Anything else — `#each`, `#with`, `this`, `../`, `@data`, partials, decorators, hash
 * arguments, block parameters, other helpers, a path part that `Object.prototype` has — makes
 * the template not part of the subset (undefined): it is rendered by Handlebars for every job.
 *
 * Text is as Handlebars compiles it: after its whitespace control (`~`, standalone lines), which
 * `Handlebars.parse` applies, and without the pieces it left empty.
 */
import Handlebars from 'handlebars';
import type { HELPERS } from './render.js';
import { isBuiltInProperty } from './template-guard.js';

/**
 * The helpers registered in render.ts (and Handlebars' built-ins): a one-part path with one of
 * these names is a call. Tests pin the list against render.ts.
 */
export const RENDER_HELPERS: ReadonlySet<string> = new Set(['sh', 'tcl', 'json', 'dir', 'eq', 'join']);
const BUILTIN_HELPERS: ReadonlySet<string> = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', 'helperMissing', 'blockHelperMissing']);

/**
 * What a path's value must be for the step that reads it not to throw (deck-check.ts): printed
 * (`primitive`), quoted by `tcl` or `sh` (`given`: a primitive other than undefined and null),
 * by `json` (`jsonable`: null is JSON, undefined is not), an `if` condition or `eq` argument
 * (`notFunction`), `dir`'s first argument (`dirs`), `join`'s first (`joinable`).
 */
export type Need = 'primitive' | 'given' | 'jsonable' | 'notFunction' | 'dirs' | 'joinable';

export type SubsetHelper = keyof typeof HELPERS;

export type SubsetExpression =
  | { readonly kind: 'path'; readonly parts: readonly string[]; readonly need: Need }
  | { readonly kind: 'literal'; readonly value: string | number | boolean | undefined | null }
  | { readonly kind: 'call'; readonly helper: SubsetHelper; readonly args: readonly SubsetExpression[] };

export type SubsetStatement =
  | { readonly kind: 'text'; readonly text: string }
  /** `{{…}}` or `{{{…}}}` (the same under `noEscape`): a path or a helper's result, printed. */
  | { readonly kind: 'print'; readonly value: SubsetExpression }
  | { readonly kind: 'if'; readonly unless: boolean; readonly condition: SubsetExpression; readonly then: readonly SubsetStatement[]; readonly otherwise: readonly SubsetStatement[] };

/** Undefined when the template is not in the subset (or does not parse: the render reports that). */
export function parseDeckSubset(source: string): readonly SubsetStatement[] | undefined {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch {
    return undefined;
  }
  return hasBlockParams(program) ? undefined : statements(program.body);
}

function statements(body: readonly hbs.AST.Statement[]): SubsetStatement[] | undefined {
  const out: SubsetStatement[] = [];
  for (const node of body) {
    const statement = subsetStatement(node);
    if (statement === undefined) return undefined;
    if (statement !== EMPTY) out.push(statement);
  }
  return out;
}

/** Comments, and text that whitespace control emptied: nothing to print. */
const EMPTY: SubsetStatement = { kind: 'text', text: '' };

function subsetStatement(node: hbs.AST.Statement): SubsetStatement | undefined {
  switch (node.type) {
    case 'ContentStatement': {
      const text = (node as hbs.AST.ContentStatement).value;
      return text === '' ? EMPTY : { kind: 'text', text };
    }
    case 'CommentStatement':
      return EMPTY;
    case 'MustacheStatement': {
      const mustache = node as hbs.AST.MustacheStatement;
      if (mustache.params.length > 0 || mustache.hash !== undefined) {
        const value = call(mustache);
        return value && { kind: 'print', value };
      }
      if (mustache.path.type !== 'PathExpression') return undefined;
      const path = mustache.path as hbs.AST.PathExpression;
      const name = simpleName(path);
      if (name !== undefined && (RENDER_HELPERS.has(name) || BUILTIN_HELPERS.has(name))) return undefined;
      const value = pathExpression(path, 'primitive');
      return value && { kind: 'print', value };
    }
    case 'BlockStatement': {
      const block = node as hbs.AST.BlockStatement;
      const name = block.path.type === 'PathExpression' ? simpleName(block.path) : undefined;
      if ((name !== 'if' && name !== 'unless') || block.hash !== undefined || block.params.length !== 1) return undefined;
      if (hasBlockParams(block.program) || hasBlockParams(block.inverse)) return undefined;
      const condition = argument(block.params[0]!, 'notFunction');
      const then = statements(block.program?.body ?? []);
      const otherwise = statements(block.inverse?.body ?? []);
      if (condition === undefined || then === undefined || otherwise === undefined) return undefined;
      return { kind: 'if', unless: name === 'unless', condition, then, otherwise };
    }
    default:
      // Partials, partial blocks, decorators.
      return undefined;
  }
}

/** A helper argument (or an `if` condition) whose value must be `need`. */
function argument(node: hbs.AST.Expression, need: Need): SubsetExpression | undefined {
  switch (node.type) {
    case 'PathExpression':
      return pathExpression(node as hbs.AST.PathExpression, need);
    case 'SubExpression':
      return call(node as hbs.AST.SubExpression);
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return { kind: 'literal', value: (node as hbs.AST.StringLiteral | hbs.AST.NumberLiteral | hbs.AST.BooleanLiteral).value };
    // No value, to a helper that refuses one (render.ts): out of the subset, so rendered (and refused).
    case 'UndefinedLiteral':
      return need === 'given' || need === 'jsonable' ? undefined : { kind: 'literal', value: undefined };
    case 'NullLiteral':
      return need === 'given' ? undefined : { kind: 'literal', value: null };
    default:
      return undefined;
  }
}

/** `{{helper args…}}` or `(helper args…)` with one of render.ts's helpers and its arity. */
function call(node: { path: hbs.AST.PathExpression | hbs.AST.Literal; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }): SubsetExpression | undefined {
  if (node.hash !== undefined || node.path.type !== 'PathExpression') return undefined;
  const helper = simpleName(node.path as hbs.AST.PathExpression);
  const needs = helper === undefined ? undefined : ARGUMENT_NEEDS.find(([name, arities]) => name === helper && arities.some((a) => a.length === node.params.length));
  if (needs === undefined) return undefined;
  const arity = needs[1].find((a) => a.length === node.params.length)!;
  const args: SubsetExpression[] = [];
  for (let i = 0; i < arity.length; i++) {
    const arg = argument(node.params[i]!, arity[i]!);
    if (arg === undefined) return undefined;
    args.push(arg);
  }
  return { kind: 'call', helper: needs[0], args };
}

/**
 * Each analysed helper with the arities it is analysed at, and what each argument must be for it
 * not to throw (render.ts's helpers: tclQuote, shQuote, JSON.stringify of a primitive, `===`,
 * Array#join of primitives).
 */
const ARGUMENT_NEEDS: readonly (readonly [SubsetHelper, readonly (readonly Need[])[]])[] = [
  ['tcl', [['given']]],
  ['sh', [['given']]],
  ['json', [['jsonable']]],
  ['dir', [['dirs', 'primitive']]],
  ['join', [['joinable'], ['joinable', 'primitive']]],
  ['eq', [['notFunction', 'notFunction']]],
];

function pathExpression(path: hbs.AST.PathExpression, need: Need): SubsetExpression | undefined {
  const parts = plainParts(path);
  return parts && { kind: 'path', parts, need };
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

/** Every path an expression or statement list reads, in either branch of every `if`. */
export function* subsetPaths(statements: readonly SubsetStatement[]): Generator<Extract<SubsetExpression, { kind: 'path' }>> {
  for (const s of statements) {
    if (s.kind === 'print') yield* expressionPaths(s.value);
    else if (s.kind === 'if') {
      yield* expressionPaths(s.condition);
      yield* subsetPaths(s.then);
      yield* subsetPaths(s.otherwise);
    }
  }
}

function* expressionPaths(e: SubsetExpression): Generator<Extract<SubsetExpression, { kind: 'path' }>> {
  if (e.kind === 'path') yield e;
  else if (e.kind === 'call') for (const a of e.args) yield* expressionPaths(a);
}
