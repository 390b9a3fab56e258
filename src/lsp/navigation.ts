/**
 * Definitions, references and rename: lookups in the checker's bindings (src/check/references.ts),
 * never a second resolver. A name may belong to several programs (a `site.lcp` imported by two
 * pipelines): references and rename gather the uses of the same declaration in every program
 * that contains it.
 */
import { compileCornerStyle, isCornerStyleError, parseCornerName, temperaturesEqual, voltagesEqual } from '../check/corner-name.js';
import { ENTITY_FIELDS } from '../check/fields.js';
import { attributeName, type Binding, type BindingHit } from '../check/references.js';
import { RESERVED_NAMES, reservedEnvReason } from '../check/symbols.js';
import type { Span } from '../diagnostics/span.js';
import { textOf, type ProgramView } from './view.js';

/** Names the language gives a meaning: they have no declaration to rename. */
const BUILT_IN = new Set([...RESERVED_NAMES, 'shell', 'deck', 'where', 'after', 'for', 'each', 'in', 'true', 'false', 'expect', 'retry', 'on', 'exit', 'backoff']);
/** Words YAML reads as something other than a string (a corner may be declared in a YAML table). */
const YAML_SPECIAL = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'null', 'y', 'n', 'True', 'False', 'Yes', 'No', 'On', 'Off', 'Null', 'TRUE', 'FALSE', 'NULL']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface Located {
  readonly view: ProgramView;
  readonly hit: BindingHit;
}

/** The binding at an offset, in the first program that has one there. */
export function bindingAt(views: readonly ProgramView[], path: string, offset: number): Located | undefined {
  for (const view of views) {
    const hit = view.bindings?.at(path, offset);
    if (hit) return { view, hit };
  }
  return undefined;
}

/** The declaration and every use of the binding, across the programs (each span once, declaration first). */
export function occurrences(views: readonly ProgramView[], binding: Binding, includeDeclaration: boolean): Span[] {
  const spans: Span[] = includeDeclaration ? [binding.declaration] : [];
  const seen = new Set(spans.map(key));
  for (const view of views) {
    const same = view.bindings?.bindings.find((b) => b.namespace === binding.namespace && b.name === binding.name && key(b.declaration) === key(binding.declaration));
    for (const use of same?.uses ?? []) {
      if (seen.has(key(use))) continue;
      seen.add(key(use));
      spans.push(use);
    }
  }
  return spans;
}

export type RenameCheck = { readonly ok: true; readonly located: Located } | { readonly ok: false; readonly message: string };

/** Whether the name at the offset can be renamed (a declared name, not a built-in). */
export function renameTarget(views: readonly ProgramView[], path: string, offset: number, wordAt: string): RenameCheck {
  const located = bindingAt(views, path, offset);
  if (located) return { ok: true, located };
  if (wordAt !== '' && BUILT_IN.has(wordAt)) return { ok: false, message: `\`${wordAt}\` is built into the language and cannot be renamed` };
  return { ok: false, message: 'nothing to rename here: put the cursor on the name of a declaration or on a use of it' };
}

/** Why `newName` cannot replace the binding's name, or undefined when it can. */
export function invalidNewName(located: Located, newName: string): string | undefined {
  const { binding } = located.hit;
  if (!IDENTIFIER.test(newName)) return `\`${newName}\` is not a valid name: use letters, digits and \`_\`, not starting with a digit`;
  if (newName === 'true' || newName === 'false') return `\`${newName}\` is a boolean literal, not a name`;
  if (binding.namespace === 'env') {
    const reason = reservedEnvReason(newName);
    if (reason !== undefined) return `\`${newName}\` ${reason} and cannot be an env variable`;
  }
  if (binding.namespace === 'corner' && YAML_SPECIAL.has(newName)) return `\`${newName}\` is not a string in a YAML corner table`;
  if (binding.kind === 'corner' && newName !== binding.name) {
    const changed = cornerStyleChange(located, newName);
    if (changed !== undefined) return changed;
  }
  if (binding.namespace === 'attribute') {
    // `library.multibit` → `library.<newName>`: the entity stays, the name must not be a field.
    const entity = binding.name.slice(0, binding.name.indexOf('.'));
    if (newName !== binding.name.slice(entity.length + 1)) {
      if ((ENTITY_FIELDS as Readonly<Record<string, Readonly<Record<string, string>>>>)[entity]?.[newName] !== undefined) return `\`${newName}\` is a built-in field of \`${entity}\``;
      if (located.view.bindings?.lookup('attribute', attributeName(entity, newName))) return `an attribute \`${entity}.${newName}\` already exists`;
    }
    return undefined;
  }
  if (newName !== binding.name && located.view.bindings?.lookup(binding.namespace, newName)) {
    const other = located.view.bindings.lookup(binding.namespace, newName)!;
    return `a ${other.kind} named \`${newName}\` already exists`;
  }
  return undefined;
}

/** The spans to replace with the new name (the declaration and every use). */
export function renameSpans(views: readonly ProgramView[], located: Located): Span[] {
  return occurrences(views, located.hit.binding, true);
}

/** The spans whose text is the name itself (a quoted YAML scalar's span includes its quotes). */
export function isVerbatim(view: ProgramView, span: Span, name: string): boolean {
  return textOf(view, span) === name;
}

/**
 * A corner whose name spells its fields (the site's `corner_style`) must keep spelling the same
 * ones: `tt_0p75v_25c` cannot become `fast` nor `tt_0p90v_25c`.
 */
function cornerStyleChange(located: Located, newName: string): string | undefined {
  const site = located.view.bindings?.models.site;
  if (site === undefined) return undefined;
  const style = compileCornerStyle(site.cornerStyle);
  if (isCornerStyleError(style)) return undefined;
  const before = parseCornerName(style, located.hit.binding.name);
  if (before === undefined) return undefined;
  const after = parseCornerName(style, newName);
  const reason = `the corner’s name spells its fields in the corner style \`${site.cornerStyle}\``;
  if (after === undefined) return `${reason}, and \`${newName}\` does not follow it`;
  const differences = [
    ...(after.process !== before.process ? ['process'] : []),
    ...(!voltagesEqual(after.voltage, before.voltage) ? ['voltage'] : []),
    ...(!temperaturesEqual(after.temperature, before.temperature) ? ['temperature'] : []),
    ...(after.rc !== before.rc ? ['RC corner'] : []),
  ];
  return differences.length === 0 ? undefined : `${reason}: \`${newName}\` would change its ${differences.join(', ')}`;
}

function key(span: Span): string {
  return `${span.file}\u0000${span.start}\u0000${span.end}`;
}
