/**
 * A deck's UTF-8 bytes without Handlebars, for templates in deck-subset.ts's subset (libcc's own
 * deck templates are). A compile keeps every deck as bytes (decks.ts, `ByteArena`); through
 * Handlebars each deck was a rope of strings, flattened (as two-byte text: the decks' comments
 * hold `…`), scanned for lone surrogates and encoded — most of a compile's deck rendering at
 * 100k jobs (docs/performance.md). Here the template's text is encoded once, and a deck is that
 * text's bytes and its values' bytes, one after another.
 *
 * The bytes are exactly the UTF-8 of what render.ts's Handlebars returns for the same view, or
 * nothing: a writer gives up (undefined) wherever it cannot be sure, and the caller renders that
 * job with Handlebars as before — which also reports any error. It gives up when a path it reads
 * is not an own property of a plain object, or its value is not what deck-check.ts would require
 * of it (a printed value a primitive, an `if` condition not a function, …); when a helper throws;
 * when a printed string is not well-formed UTF-16 (a lone surrogate, which UTF-8 cannot hold; a
 * deck with one is kept as text); and when a branch of the template would start with a number
 * or a boolean. That last one is Handlebars' own: the pieces of a template or a block are added
 * with JavaScript's `+` (`{{a}}{{b}}` with 1 and 2 prints `3`), which is string concatenation
 * only once a string comes first — and libcc's templates start with text.
 */
import { isPlainObject, meets } from './deck-check.js';
import { parseDeckSubset, type SubsetExpression, type SubsetStatement } from './deck-subset.js';
import { isWellFormed } from './decks.js';
import { ReusedBytes } from '../graph/json-bytes.js';
import { HELPERS } from './render.js';

/** A deck's bytes for a view (valid until the next call), or undefined to render it with Handlebars. */
export type DeckWriter = (view: object) => Uint8Array | undefined;

type Step =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | { readonly kind: 'print'; readonly value: SubsetExpression }
  | { readonly kind: 'if'; readonly unless: boolean; readonly condition: SubsetExpression; readonly then: readonly Step[]; readonly otherwise: readonly Step[] };

/** Undefined when the template is not in the subset. */
export function deckWriter(source: string): DeckWriter | undefined {
  const statements = parseDeckSubset(source);
  const steps = statements && compileSteps(statements);
  if (steps === undefined) return undefined;
  const out = new ReusedBytes();
  return (view) => {
    out.reset();
    try {
      return writeSteps(steps, view, out) ? out.bytes() : undefined;
    } catch {
      // A getter or a helper that threw: Handlebars throws there too, and reports it.
      return undefined;
    }
  };
}

/** Text encoded once (adjacent pieces joined: a comment between them printed nothing). */
function compileSteps(statements: readonly SubsetStatement[]): Step[] | undefined {
  const steps: Step[] = [];
  let text = '';
  const flush = (): boolean => {
    if (text === '') return true;
    if (!isWellFormed(text)) return false;
    steps.push({ kind: 'bytes', bytes: Buffer.from(text, 'utf8') });
    text = '';
    return true;
  };
  for (const s of statements) {
    if (s.kind === 'text') {
      text += s.text;
      continue;
    }
    if (!flush()) return undefined;
    if (s.kind === 'print') steps.push(s);
    else {
      const then = compileSteps(s.then);
      const otherwise = compileSteps(s.otherwise);
      if (then === undefined || otherwise === undefined) return undefined;
      steps.push({ kind: 'if', unless: s.unless, condition: s.condition, then, otherwise });
    }
  }
  return flush() ? steps : undefined;
}

/** False to give up. Each call writes one program (the template's, or a branch's) of Handlebars. */
function writeSteps(steps: readonly Step[], view: object, out: ReusedBytes): boolean {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    switch (step.kind) {
      case 'bytes':
        out.writeBytes(step.bytes);
        break;
      case 'print': {
        const value = evaluate(step.value, view);
        if (value === GIVE_UP) return false;
        // Handlebars appends `value != null ? value : ""`.
        if (value === undefined || value === null) break;
        if (typeof value === 'string') {
          if (!isWellFormed(value)) return false;
          out.write(value);
        } else if ((typeof value === 'number' || typeof value === 'boolean') && i > 0) out.write(String(value));
        else return false;
        break;
      }
      case 'if': {
        const condition = evaluate(step.condition, view);
        if (condition === GIVE_UP) return false; // a function: `need` is notFunction
        // Handlebars' `if`: falsy (0 too) or an empty array takes the other branch.
        const truthy = Boolean(condition) && !(Array.isArray(condition) && condition.length === 0);
        if (!writeSteps(truthy !== step.unless ? step.then : step.otherwise, view, out)) return false;
        break;
      }
    }
  }
  return true;
}

const GIVE_UP = Symbol('give up');

function evaluate(expression: SubsetExpression, view: object): unknown {
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'path': {
      let value: unknown = view;
      for (const part of expression.parts) {
        if (!isPlainObject(value) || !Object.prototype.hasOwnProperty.call(value, part)) return GIVE_UP;
        value = (value as Record<string, unknown>)[part];
      }
      return meets(value, expression.need) ? value : GIVE_UP;
    }
    case 'call': {
      const args: unknown[] = [];
      for (const arg of expression.args) {
        const value = evaluate(arg, view);
        if (value === GIVE_UP) return GIVE_UP;
        args.push(value);
      }
      return (HELPERS[expression.helper] as (...values: unknown[]) => unknown)(...args);
    }
  }
}
