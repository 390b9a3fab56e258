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
 * libraries, passes), wherever it is.
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

const handlebars = Handlebars.create();
for (const [name, helper] of Object.entries(HELPERS)) handlebars.registerHelper(name, helper);

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
    compiled = handlebars.compile(strictPaths(program), { noEscape: true, strict: true });
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
 * block parameter (`as |c|`) is looked up leniently whatever the flag, printed or not.
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
