/**
 * Handlebars, set up once for every template: `noEscape` (we emit shell and Tcl, not HTML),
 * `strict` (a missing field is an error, not an empty string), and only the quoting helpers
 * below — values reach generated files through them, never raw.
 *
 * Handlebars' `strict` checks only a path that is printed (`{{library.nmae}}`); a path passed to
 * a helper or a block (`{{tcl library.nmae}}`, `{{#if corner.volts}}`, a hash value) it looks up
 * leniently, so a misspelled field became the word `undefined` in a deck, or a false condition.
 * `strictPaths` marks every path of the parsed template the way Handlebars' compiler marks a
 * printed one, before it is compiled: each is then looked up with the same check (the name must
 * be a property of its object; a property with no value, `library` in a stage without
 * libraries, passes), wherever it is. A path through a block parameter (`as |c|`, `{{c.nmae}}`)
 * Handlebars looks up leniently whatever the flag, so `strictBlockParamPaths` has a helper
 * look it up instead, with the same check.
 */
import Handlebars from 'handlebars';
import { shQuote } from './shell.js';
import { tclQuote } from './tcl.js';
import { findBuiltInAccess, RUNTIME_OPTIONS } from './template-guard.js';

export type TemplateFunction = (context: object) => string;

/** The helpers templates may call; deck-writer.ts calls the same functions. */
export const HELPERS = {
  sh: (value: unknown, options?: unknown) => shQuote(String(given('sh', value, options))),
  tcl: (value: unknown, options?: unknown) => tclQuote(String(given('tcl', value, options))),
  json: (value: unknown, options?: unknown) => JSON.stringify(value === null ? null : given('json', value, options)),
  // `{{dir deck.dirs "netlists"}}`: a deck's `dirs` entry (a Tcl word), else the name itself,
  // a directory of the job's own work directory.
  dir: (dirs: unknown, name: unknown) => {
    const words = dirs !== null && typeof dirs === 'object' ? (dirs as Record<string, unknown>) : {};
    const word = Object.prototype.hasOwnProperty.call(words, String(name)) ? words[String(name)] : undefined;
    return typeof word === 'string' ? word : tclQuote(String(name));
  },
  eq: (a: unknown, b: unknown) => a === b,
  // Called with one argument, Handlebars passes its options object second: a space then.
  join: (values: unknown, separator: unknown) => (Array.isArray(values) ? values.join(typeof separator === 'string' ? separator : ' ') : ''),
};

/**
 * A value to quote, or an error where there is none. Strict paths (below) reject a misspelled
 * field; a field the view has without a value here (`group` in a stage without `group by`,
 * `library` in one without libraries) or `lookup` of a name that is not there still reaches a
 * helper as undefined, and `String(undefined)` would put the word `undefined` in a deck.
 * Handlebars passes its options (with the place in the template) last; deck-writer.ts none.
 */
function given(helper: string, value: unknown, options: unknown): unknown {
  if (value !== undefined && value !== null) return value;
  const start = (options as { loc?: { start?: { line: number; column: number } } } | undefined)?.loc?.start;
  const where = start === undefined ? '' : ` (line ${start.line}, column ${start.column + 1})`;
  throw new Error(`\`${helper}\` was given no value${where}: a field without a value in this job, or \`lookup\` of a name that is not there`);
}

/**
 * The helper `strictBlockParamPaths` has look up a block parameter's field: `{{c.x.y}}` becomes
 * `{{libcc_strict_path c "x" "y"}}`. Not one of `HELPERS`: templates may not name it (a view
 * never has a field of that name, and as a block parameter it would hide the helper).
 */
const STRICT_PATH = 'libcc_strict_path';

/**
 * Each name an own property of the value before it (Handlebars' `container.strict`: the value
 * not falsy and the name its property, even with no value; own, as template-guard.ts keeps
 * prototypes out of reach). Errors are Handlebars' own, at the path (its node's `loc`), for
 * `describeError`.
 */
function strictPath(this: unknown, value: unknown, ...namesAndOptions: unknown[]): unknown {
  const options = namesAndOptions.pop() as { loc?: hbs.AST.SourceLocation; fn?: unknown };
  const { loc } = options;
  let current = value;
  for (const name of namesAndOptions as string[]) {
    if (!current || !Object.prototype.hasOwnProperty.call(current, name)) {
      throw new Handlebars.Exception(`"${name}" not defined in ${Object.prototype.toString.call(current)}`, { loc } as hbs.AST.Node);
    }
    current = (current as Record<string, unknown>)[name];
  }
  // `{{#c.x}}…{{/c.x}}`: the block as Handlebars renders one for a value, with its
  // `blockHelperMissing` (still the instance's helper; a render moves its copy to its hooks).
  return options.fn === undefined ? current : (handlebars.helpers['blockHelperMissing'] as Handlebars.HelperDelegate).call(this, current, options);
}

const handlebars = Handlebars.create();
// Handlebars' `log` prints its arguments to the console: a template from a repository could write
// escape sequences to the terminal, or text into `check --format json`. Replaced by a helper that
// refuses (LCP6002); the other built-ins (`if`, `unless`, `each`, `with`, `lookup`) only render.
handlebars.registerHelper('log', () => {
  throw new Error(`\`log\` is not a helper of libcc's templates: it would print to the terminal (the helpers: ${Object.keys(HELPERS).join(', ')})`);
});
for (const [name, helper] of Object.entries(HELPERS)) handlebars.registerHelper(name, helper);
handlebars.registerHelper(STRICT_PATH, strictPath);

export class TemplateError extends Error {}

/** Compiles a template; `name` is used in error messages. */
export function compileTemplate(name: string, source: string): TemplateFunction {
  let compiled: HandlebarsTemplateDelegate;
  try {
    // `compile` is lazy: parse now, so a syntax error is found before anything is rendered.
    const program = handlebars.parse(source);
    const builtIn = findBuiltInAccess(program);
    if (builtIn !== undefined) {
      throw new TemplateError(
        `template \`${name}\`: \`${builtIn.name}\` is a built-in JavaScript property, not a field; templates may not read it (line ${builtIn.line}, column ${builtIn.column})`,
      );
    }
    compiled = handlebars.compile(strictPaths(strictBlockParamPaths(name, program)), { noEscape: true, strict: true });
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw new TemplateError(`template \`${name}\`: ${describeError(error)}`);
  }
  return (context: object) => {
    try {
      return compiled(context, RUNTIME_OPTIONS);
    } catch (error) {
      throw new TemplateError(`template \`${name}\`: ${describeError(error)}`);
    }
  };
}

/**
 * Every path of a template looked up strictly. Handlebars' compiler reads `strict` from a path
 * node (compiler.js, `PathExpression`) and sets it itself only on a printed path and a helper's
 * name; setting it on the others gives them the same lookup (`container.strict`). A path of a
 * block parameter (`as |c|`) is looked up leniently whatever the flag: see below.
 */
function strictPaths(program: hbs.AST.Program): hbs.AST.Program {
  class Strict extends Handlebars.Visitor {
    override PathExpression(path: hbs.AST.PathExpression): void {
      (path as hbs.AST.PathExpression & { strict?: boolean }).strict = true;
    }
  }
  new Strict().accept(program);
  return program;
}

/**
 * A path through a block parameter with fields (`c.x`) replaced by a call of `STRICT_PATH` where
 * it is a value: printed, a helper's or block's argument, a hash value, a block's value
 * (`{{#c.x}}…{{/c.x}}`). Which paths, as Handlebars decides (compiler.js,
 * `PathExpression`): a path with no `../`, not `this` or `./`, not `@data`, whose first name is a
 * block parameter of an enclosing block's program (not its `{{else}}`) — the block's own
 * arguments are outside it. A block parameter's field used as a helper's name is left as it is.
 */
function strictBlockParamPaths(template: string, root: hbs.AST.Program): hbs.AST.Program {
  const scopes: (readonly string[])[] = [];
  const scopedId = (Handlebars.AST.helpers as unknown as { scopedId(path: hbs.AST.PathExpression): boolean }).scopedId;
  const isField = (node: hbs.AST.Node): node is hbs.AST.PathExpression => {
    if (node.type !== 'PathExpression') return false;
    const path = node as hbs.AST.PathExpression;
    if (!path.data && path.parts[0] === STRICT_PATH) reserved(template, path);
    return path.parts.length > 1 && !path.data && !path.depth && !scopedId(path) && scopes.some((names) => names.includes(path.parts[0]!));
  };
  const expression = (node: hbs.AST.Expression): hbs.AST.Expression => {
    if (isField(node)) return strictCall(node);
    if (node.type === 'SubExpression') args(node as Call);
    return node;
  };
  const args = (node: Call): void => {
    if (node.path !== undefined) isField(node.path);
    node.params = node.params.map(expression);
    for (const pair of node.hash?.pairs ?? []) pair.value = expression(pair.value);
  };
  const program = (node: hbs.AST.Program | undefined): void => {
    if (node === undefined) return;
    scopes.push(node.blockParams ?? []);
    for (const statement of node.body as Statement[]) {
      if (statement.program?.blockParams?.includes(STRICT_PATH)) reserved(template, statement);
      // A path alone in `{{…}}` or `{{#…}}` is a value; with arguments, a helper's name.
      const alone = statement.params?.length === 0 && !statement.hash && statement.path !== undefined && isField(statement.path) ? statement.path : undefined;
      if (alone !== undefined && (statement.type === 'MustacheStatement' || statement.type === 'BlockStatement')) {
        // `{{c.x}}`: `{{libcc_strict_path c "x"}}`, at the path (a helper's options carry its
        // statement's `loc`); `{{#c.x}}…{{/c.x}}` likewise, a block of the helper.
        Object.assign(statement, strictCall(alone), { type: statement.type });
      } else if (statement.params !== undefined) {
        args(statement as Call);
      }
      // A partial's name is a path (a name, not a value) or `(…)`.
      if (statement.name?.type === 'SubExpression') args(statement.name as Call);
      program(statement.program);
      program(statement.inverse);
    }
    scopes.pop();
  };
  program(root);
  return root;
}

/** What `strictBlockParamPaths` reads of a statement or sub-expression (the parser leaves out a missing `hash`). */
interface Call extends hbs.AST.Node {
  path?: hbs.AST.Node;
  params: hbs.AST.Expression[];
  hash?: hbs.AST.Hash;
}
type Statement = hbs.AST.Statement & Partial<Omit<Call, keyof hbs.AST.Node>> & { program?: hbs.AST.Program; inverse?: hbs.AST.Program; name?: hbs.AST.Expression };

/** `c.x.y` as `(libcc_strict_path c "x" "y")`, located at the path. */
function strictCall(path: hbs.AST.PathExpression): Call {
  const { loc } = path;
  const names = path.parts.slice(1).map((value): hbs.AST.StringLiteral => ({ type: 'StringLiteral', value, original: value, loc }));
  return { type: 'SubExpression', path: pathOf(STRICT_PATH, loc), params: [pathOf(path.parts[0]!, loc), ...names], loc };
}

function pathOf(name: string, loc: hbs.AST.SourceLocation): hbs.AST.PathExpression {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc };
}

function reserved(template: string, node: hbs.AST.Node): never {
  const { line, column } = node.loc.start;
  throw new TemplateError(`template \`${template}\`: \`${STRICT_PATH}\` is a name libcc reserves, not a field (line ${line}, column ${column + 1})`);
}

/** Handlebars' messages, made readable: `"volts" not defined in [object Object] - 1:61`. */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const undefinedField = /^"([^"]+)" not defined in .* - (\d+):(\d+)$/.exec(message);
  if (undefinedField) return `\`${undefinedField[1]}\` is not defined (line ${undefinedField[2]}, column ${Number(undefinedField[3]) + 1})`;
  return message.split('\n')[0]!.replace(/^Parse error on line (\d+):?/, 'syntax error on line $1').toLowerCase();
}

/** LF endings and exactly one trailing newline, so output is byte-stable across platforms. */
export function normaliseText(text: string): string {
  // trimEnd strips what `\s` matches; a regex `\s+$` is tried at every whitespace run (slow on big files).
  return `${(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).trimEnd()}\n`;
}
