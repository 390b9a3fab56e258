/** Quoting for generated Tcl decks — the only place values become Tcl text. */
import type { Template, TemplatePart } from '../check/model.js';

/** A Tcl word for any string: braces when that is exact, else a double-quoted word with escapes. */
export function tclQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  if (bracesBalanced(value) && !/[\\\u0000-\u001f\u007f]/.test(value)) return `{${value}}`;
  return `"${escapeTcl(value)}"`;
}

/** Backslash-escapes Tcl's specials; control characters (a `^Z` ends `source`) as `\\uXXXX`. */
function escapeTcl(text: string): string {
  return text
    .replace(/[\\"$[\]{}]/g, (c) => `\\${c}`)
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function bracesBalanced(value: string): boolean {
  let depth = 0;
  for (const c of value) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * A Tcl double-quoted word reading env variables at run time (`$::env(NAME)`). `resolve` gives
 * the Tcl text of the job's other references (a deck's `dirs`); without it only env variables
 * may appear (the checker's scopes make sure).
 */
export function tclTemplate(template: Template, resolve?: (part: Exclude<TemplatePart, { kind: 'text' | 'env' }>) => string): string {
  return `"${tclTemplateBody(template, resolve)}"`;
}

/** The inside of `tclTemplate`'s word, for splicing one template into another. */
export function tclTemplateBody(template: Template, resolve?: (part: Exclude<TemplatePart, { kind: 'text' | 'env' }>) => string): string {
  let out = '';
  for (const part of template.parts) {
    if (part.kind === 'text') out += escapeTcl(part.value);
    else if (part.kind === 'env') out += `$::env(${part.name})`;
    else if (resolve) out += resolve(part);
    else throw new Error(`a ${part.kind} reference cannot appear in a deck value`);
  }
  return out;
}

/** Tcl text for inside a double-quoted word. */
export function tclEscaped(text: string): string {
  return escapeTcl(text);
}
