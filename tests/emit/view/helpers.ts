/**
 * Helpers for the graph-picture tests: plans of the examples built by the real loader, checker
 * and planner; a small XML well-formedness checker; a DOT tokenizer good enough to find node
 * declarations and edges.
 */
import { expect } from 'vitest';
import { check } from '../../../src/check/check.js';
import { fileSystemHost } from '../../../src/cli/io.js';
import { buildPlan, type Plan } from '../../../src/graph/plan.js';
import { loadProgram } from '../../../src/syntax/load.js';

/** The plan of `examples/<name>/flow.lcp`, as `libcc plan` builds it. */
export function examplePlan(name: string, slots?: number): Plan {
  const loaded = loadProgram(`examples/${name}/flow.lcp`, fileSystemHost);
  if (loaded === undefined) throw new Error(`cannot read examples/${name}/flow.lcp`);
  const checked = check(loaded);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const planned = buildPlan(checked.program!, slots === undefined ? {} : { slots });
  expect(planned.diagnostics).toEqual([]);
  return planned.plan!;
}

// --- XML ------------------------------------------------------------------------------------------

export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[A-Za-z0-9_:.-]/;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Parses `text` as an XML document (prolog with `<?xml?>`, `<!DOCTYPE …>` and comments allowed;
 * no DTD subset, no CDATA) and returns the root element; throws with an offset on the first
 * well-formedness error: unbalanced or mismatched tags, raw `<` or `&` in text or attributes,
 * unknown entities, duplicate attributes, unquoted attributes, content after the root.
 */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const fail = (message: string): never => {
    throw new Error(`XML error at ${i}: ${message} (near ${JSON.stringify(text.slice(Math.max(0, i - 40), i + 40))})`);
  };
  const name = (): string => {
    if (!NAME_START.test(text[i] ?? '')) fail('expected a name');
    const start = i;
    while (i < text.length && NAME_CHAR.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  const space = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const decode = (raw: string, where: string): string =>
    raw.replace(/&([^;&]*);|&/g, (match, entity: string | undefined) => {
      if (entity === undefined) return fail(`raw & in ${where}`);
      if (entity in PREDEFINED) return PREDEFINED[entity]!;
      if (/^#\d+$/.test(entity)) return String.fromCodePoint(Number(entity.slice(1)));
      if (/^#x[0-9A-Fa-f]+$/.test(entity)) return String.fromCodePoint(parseInt(entity.slice(2), 16));
      return fail(`unknown entity ${match} in ${where}`);
    });
  const misc = (): boolean => {
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
      return true;
    }
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) fail('unterminated processing instruction');
      i = end + 2;
      return true;
    }
    return false;
  };

  // Prolog.
  for (;;) {
    space();
    if (misc()) continue;
    if (text.startsWith('<!DOCTYPE', i)) {
      const end = text.indexOf('>', i);
      if (end < 0 || text.slice(i, end).includes('[')) fail('unsupported DOCTYPE');
      i = end + 1;
      continue;
    }
    break;
  }
  if (text[i] !== '<') fail('expected the root element');

  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < text.length) {
    if (stack.length === 0 && root !== undefined) {
      space();
      if (i >= text.length) break;
      if (misc()) continue;
      fail('content after the root element');
    }
    if (text[i] === '<') {
      if (misc()) continue;
      if (text.startsWith('<![CDATA[', i) || text.startsWith('<!', i)) fail('unsupported markup declaration');
      if (text[i + 1] === '/') {
        i += 2;
        const closing = name();
        space();
        if (text[i] !== '>') fail('expected > after end tag name');
        i++;
        const open = stack.pop();
        if (open === undefined) fail(`end tag </${closing}> without a start tag`);
        if (open!.name !== closing) fail(`</${closing}> closes <${open!.name}>`);
        continue;
      }
      i++;
      const element: XmlElement = { name: name(), attributes: new Map(), children: [], text: '' };
      for (;;) {
        const before = i;
        space();
        if (text[i] === '/' && text[i + 1] === '>') {
          i += 2;
          attach(element);
          break;
        }
        if (text[i] === '>') {
          i++;
          attach(element);
          stack.push(element);
          break;
        }
        if (i === before) fail('expected whitespace before an attribute');
        const attribute = name();
        space();
        if (text[i] !== '=') fail(`attribute ${attribute} without a value`);
        i++;
        space();
        const quote = text[i];
        if (quote !== '"' && quote !== "'") fail(`unquoted value of ${attribute}`);
        const end = text.indexOf(quote!, i + 1);
        if (end < 0) fail('unterminated attribute value');
        const raw = text.slice(i + 1, end);
        if (raw.includes('<')) fail(`raw < in attribute ${attribute}`);
        if (element.attributes.has(attribute)) fail(`duplicate attribute ${attribute}`);
        (element.attributes as Map<string, string>).set(attribute, decode(raw, `attribute ${attribute}`));
        i = end + 1;
      }
      continue;
    }
    const end = text.indexOf('<', i);
    const raw = text.slice(i, end < 0 ? text.length : end);
    if (stack.length === 0) fail('text outside the root element');
    if (raw.includes(']]>')) fail(']]> in text');
    stack[stack.length - 1]!.text += decode(raw, 'text');
    i = end < 0 ? text.length : end;
  }
  if (stack.length > 0) fail(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root === undefined) fail('no root element');
  return root!;

  function attach(element: XmlElement): void {
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.children.push(element);
    else if (root === undefined) root = element;
    else fail('a second root element');
  }
}

/** Every element in document order. */
export function allElements(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (e: XmlElement) => {
    out.push(e);
    e.children.forEach(visit);
  };
  visit(root);
  return out;
}

export function classesOf(e: XmlElement): string[] {
  return (e.attributes.get('class') ?? '').split(/\s+/).filter((c) => c !== '');
}

// --- DOT ------------------------------------------------------------------------------------------

export type DotToken =
  | { readonly kind: 'id'; readonly value: string; readonly quoted: boolean }
  | { readonly kind: 'html'; readonly value: string }
  | { readonly kind: 'punct'; readonly value: string };

/** Tokens of a DOT file: quoted strings (unescaped), HTML strings (`<…>`, nested), bare ids, `->`, punctuation. */
export function tokenizeDot(text: string): DotToken[] {
  const tokens: DotToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (' \t\r\n'.includes(ch)) {
      i++;
    } else if (ch === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted string');
        const c = text[i]!;
        if (c === '"') break;
        if (c === '\n') throw new Error('raw newline in a quoted string');
        if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      tokens.push({ kind: 'id', value, quoted: true });
    } else if (ch === '<') {
      let depth = 0;
      const start = i;
      do {
        if (i >= text.length) throw new Error('unterminated HTML string');
        if (text[i] === '<') depth++;
        else if (text[i] === '>') depth--;
        i++;
      } while (depth > 0);
      tokens.push({ kind: 'html', value: text.slice(start + 1, i - 1) });
    } else if (text.startsWith('->', i)) {
      tokens.push({ kind: 'punct', value: '->' });
      i += 2;
    } else if ('{}[]=,;'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch });
      i++;
    } else if (/[A-Za-z0-9_.#-]/.test(ch)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_.#-]/.test(text[i]!)) i++;
      tokens.push({ kind: 'id', value: text.slice(start, i), quoted: false });
    } else {
      throw new Error(`unexpected ${JSON.stringify(ch)} at ${i}`);
    }
  }
  return tokens;
}

export interface DotGraph {
  readonly nodes: string[];
  readonly edges: [string, string][];
  /** Attribute lists by node id / `from -> to`. */
  readonly attributes: Map<string, Map<string, string>>;
}

/**
 * Statements of a `digraph NAME { … }` with node and edge statements (`a [..];`, `a -> b [..];`)
 * and `graph|node|edge [..];` defaults. Braces must balance and the body must end at the last `}`.
 */
export function parseDot(text: string): DotGraph {
  const tokens = tokenizeDot(text);
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && t.value === '{') depth++;
    if (t.kind === 'punct' && t.value === '}') depth--;
    if (depth < 0) throw new Error('unbalanced }');
  }
  if (depth !== 0) throw new Error('unbalanced {');
  let i = 0;
  const next = () => tokens[i++];
  const expectPunct = (value: string) => {
    const t = next();
    if (t?.kind !== 'punct' || t.value !== value) throw new Error(`expected ${value}, got ${JSON.stringify(t)}`);
  };
  const head = next();
  if (head?.kind !== 'id' || head.value !== 'digraph') throw new Error('expected digraph');
  if (next()?.kind !== 'id') throw new Error('expected the graph name');
  expectPunct('{');
  const graph: DotGraph = { nodes: [], edges: [], attributes: new Map() };
  const attributeList = (): Map<string, string> => {
    const map = new Map<string, string>();
    if (tokens[i]?.kind === 'punct' && tokens[i]!.value === '[') {
      i++;
      while (!(tokens[i]?.kind === 'punct' && tokens[i]!.value === ']')) {
        const key = next();
        if (key?.kind !== 'id') throw new Error(`expected an attribute name, got ${JSON.stringify(key)}`);
        expectPunct('=');
        const value = next();
        if (value === undefined || value.kind === 'punct') throw new Error(`expected a value for ${key.value}`);
        map.set(key.value, value.value);
        if (tokens[i]?.kind === 'punct' && tokens[i]!.value === ',') i++;
      }
      i++;
    }
    return map;
  };
  while (!(tokens[i]?.kind === 'punct' && tokens[i]!.value === '}')) {
    const first = next();
    if (first?.kind !== 'id') throw new Error(`expected a statement, got ${JSON.stringify(first)}`);
    if (!first.quoted && ['graph', 'node', 'edge'].includes(first.value)) {
      attributeList();
    } else if (tokens[i]?.kind === 'punct' && tokens[i]!.value === '->') {
      i++;
      const second = next();
      if (second?.kind !== 'id') throw new Error('expected an edge target');
      graph.edges.push([first.value, second.value]);
      graph.attributes.set(`${first.value} -> ${second.value}`, attributeList());
    } else {
      graph.nodes.push(first.value);
      graph.attributes.set(first.value, attributeList());
    }
    expectPunct(';');
  }
  i++;
  if (i !== tokens.length) throw new Error('tokens after the closing brace');
  return graph;
}
