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
 * The forms are deck-subset.ts's. What each step needs: every part of a path an own property of
 * a plain object (the view's objects are object literals); a printed value a string, number,
 * boolean, undefined or null (not a function, which Handlebars would call); a helper's argument
 * one it cannot throw on (a primitive; `dir`'s first a primitive or a plain object of data
 * properties; `join`'s first an array of primitives or anything else but a function); an `if`
 * condition anything but a function (`if` calls a function value). Every path is checked, in
 * either branch of every `if`, so that the check of a view does not depend on its values.
 *
 * Reading a path runs the view's getters (`library.kitTcl`), as the render would; a getter
 * that throws fails the check. The caller still renders one job of each template for real:
 * Handlebars compiles a template on its first render, and that compile's own errors surface
 * there.
 */
import { parseDeckSubset, subsetPaths, type Need } from './deck-subset.js';

export { RENDER_HELPERS } from './deck-subset.js';

interface PathCheck {
  readonly parts: readonly string[];
  readonly need: Need;
}

/** A check of a view: true when rendering the template with it cannot throw. */
export type DeckCheck = (view: object) => boolean;

/** Undefined when the template is not in the analysed subset (or does not parse: the render reports that). */
export function deckChecker(source: string): DeckCheck | undefined {
  const statements = parseDeckSubset(source);
  if (statements === undefined) return undefined;
  const checks = new Map<string, PathCheck>();
  for (const { parts, need } of subsetPaths(statements)) checks.set(`${need}\u0000${parts.join('\u0000')}`, { parts, need });
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

export function meets(value: unknown, need: Need): boolean {
  switch (need) {
    case 'primitive':
      return isPrimitive(value);
    case 'given':
      return isPrimitive(value) && value !== undefined && value !== null;
    case 'jsonable':
      return isPrimitive(value) && value !== undefined;
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

export function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Values whose `String()` and concatenation run no code. */
function isPrimitive(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
