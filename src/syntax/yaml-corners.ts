/**
 * YAML corner tables (`import "corners.yaml"`): converted into the same AST the `.lcp` parser
 * produces, with spans pointing into the YAML text, so the checker treats both alike.
 *
 * ```yaml
 * corners:
 *   - name: ssgnp_0p48v_m40c_cworst_CCworst_T
 *     voltage: 0.48V          # any corner property; omitted ones come from the name
 *     mc_samples: 1000
 *   - name: ttg_0p48v_25c_typical
 * sets:
 *   signoff: [ssgnp_0p48v_m40c_cworst_CCworst_T, ttg_0p48v_25c_typical]
 *   all: signoff              # another set
 * ```
 *
 * - Each corner becomes a `CornerDecl` whose body holds one `Property` per field other than
 *   `name`; field names are not checked here (the checker reports unknown ones).
 * - Scalar values, plain or quoted: `0.48V`, `-40C`, `1000` → `Quantity` (the `.lcp` lexer's
 *   rule, with the unit's own span); an identifier (`ssgnp`) → `Reference`; `true`/`false` →
 *   `Boolean`; any other text → `String`. Numbers YAML reads in other forms (`1e3`, `.5`) are
 *   unitless quantities.
 * - Each set becomes a `CornerSetDecl` whose value is a `List` of `Reference`s, or a single
 *   `Reference` to another set. Filters (`where`) are written in `.lcp`:
 *   `corners slow = signoff where corner.process == ssgnp`.
 *
 * - Each library (under `libraries`) becomes a `LibraryDecl`: `id` its name, `node` its node,
 *   `corners` a `List` of `Reference`s (or one `Reference`), `name`/`kit`/`cells` strings whose
 *   `${…}` are decoded as in a raw `.lcp` string; any other field a `Property` (the checker reports
 *   unknown ones, and reads declared attributes).
 *
 * Diagnostics: YAML syntax errors and warnings (including duplicate keys) → `LCP5001`; a shape
 * that is not a corner table → `LCP5002` at the offending node, and the rest is still converted.
 * Never throws.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node as YamlNode,
  type Pair,
  type Scalar,
  type YAMLError,
} from 'yaml';
import { DiagnosticBag, type Diagnostic } from '../diagnostics/diagnostic.js';
import { positionAt, type SourceFile } from '../diagnostics/source.js';
import { span, type Span } from '../diagnostics/span.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type {
  BooleanLiteral,
  CornerDecl,
  CornerSetDecl,
  Declaration,
  LibraryDecl,
  Expression,
  Identifier,
  LcpFile,
  Property,
  QuantityLiteral,
  Reference,
  StringLiteral,
} from './ast.js';
import type { ParseResult } from './result.js';
import { decodeString } from './strings.js';

/** The `.lcp` lexer's quantity rule: digits, optional fraction, optional unit letters. */
const QUANTITY = /^(-?\d+(?:\.\d+)?)([A-Za-z]+)?$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOP_LEVEL_KEYS = ['corners', 'sets', 'libraries'] as const;

/** Library fields that are strings (`kit: ${KIT}/base`), whatever YAML reads them as. */
const LIBRARY_STRING_FIELDS = new Set(['name', 'kit', 'cells']);

export function parseCornerTable(source: SourceFile): ParseResult {
  const converter = new Converter(source);
  const declarations = converter.run();
  const file: LcpFile = {
    kind: 'File',
    path: source.path,
    declarations,
    comments: [],
    span: span(source.path, 0, source.text.length),
  };
  return { file, diagnostics: converter.diagnostics() };
}

/** The text and source offset of a scalar's content. */
interface ScalarText {
  readonly text: string;
  /** Offset of `text[0]` in the file, when `text` is a verbatim slice of the source. */
  readonly offset?: number;
}

class Converter {
  private readonly bag = new DiagnosticBag();
  private readonly source: SourceFile;
  private readonly path: string;
  private readonly text: string;

  constructor(source: SourceFile) {
    this.source = source;
    this.path = source.path;
    this.text = source.text;
  }

  diagnostics(): Diagnostic[] {
    // A structure error on a line with a syntax error is usually its consequence (a mis-indented
    // key becomes part of the wrong mapping): report the cause only.
    const syntaxLines = new Set<number>();
    for (const d of this.bag.items) {
      if (d.code !== 'LCP5001') continue;
      const [first, last] = this.lines(d.primary.span);
      for (let line = first; line <= last; line++) syntaxLines.add(line);
    }
    const kept = this.bag.items.filter((d) => {
      if (d.code === 'LCP5001' || syntaxLines.size === 0) return true;
      const [first, last] = this.lines(d.primary.span);
      for (let line = first; line <= last; line++) if (syntaxLines.has(line)) return false;
      return true;
    });
    // Stable, position-ordered: the yaml library reports some errors out of order.
    return kept
      .map((d, i) => ({ d, i }))
      .sort((a, b) => a.d.primary.span.start - b.d.primary.span.start || a.i - b.i)
      .map((x) => x.d);
  }

  run(): Declaration[] {
    let doc: Document.Parsed;
    try {
      doc = parseDocument(this.text, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
    } catch (error) {
      // The yaml library reports problems in `doc.errors`; this is a last resort.
      const message = error instanceof Error ? error.message : String(error);
      this.bag.report('LCP5001', this.span(0, 0), `could not read the yaml corner table: ${lowerFirst(message)}`);
      return [];
    }
    for (const error of [...doc.errors, ...doc.warnings]) this.reportYamlError(error);

    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) return []; // an empty file
    if (!isMap(root)) {
      this.structure(root, 'a corner table is a mapping with the keys `corners` and `sets`', {
        label: 'expected a mapping',
      });
      return [];
    }

    const declarations: Declaration[] = [];
    const seen = new Set<string>();
    for (const pair of root.items) {
      const key = this.keyIdentifier(pair);
      if (key === undefined || isRepeated(seen, key)) continue;
      if (key.name === 'corners') this.corners(pair, declarations);
      else if (key.name === 'sets') this.sets(pair, declarations);
      else if (key.name === 'libraries') this.libraries(pair, declarations);
      else {
        const help = didYouMean(key.name, TOP_LEVEL_KEYS);
        this.bag.report('LCP5002', key.span, `unknown key \`${key.name}\` in a corner table`, {
          label: 'not `corners`, `sets` or `libraries`',
          ...(help === undefined ? {} : { help }),
          notes: ['a corner table has the keys `corners` (a list of corners), `sets` (named corner sets) and `libraries` (a list of libraries)'],
        });
      }
    }
    return declarations;
  }

  // -------------------------------------------------------------------------------------------
  // corners
  // -------------------------------------------------------------------------------------------

  private corners(pair: Pair, out: Declaration[]): void {
    const value = pair.value;
    if (isEmpty(value)) return;
    if (!isSeq(value)) {
      this.structure(value, '`corners` must be a list of corners', { label: 'expected a list' });
      return;
    }
    for (const item of value.items) {
      const decl = this.corner(item);
      if (decl !== undefined) out.push(decl);
    }
  }

  private corner(item: unknown): CornerDecl | undefined {
    if (!isMap(item)) {
      if (isScalar(item) && typeof item.value === 'string' && IDENTIFIER.test(item.value)) {
        this.structure(item, 'a corner must be a mapping with a `name`', {
          label: 'expected a mapping',
          help: `write \`- name: ${item.value}\``,
        });
      } else {
        this.structure(item, 'a corner must be a mapping with a `name`', { label: 'expected a mapping' });
      }
      return undefined;
    }
    const entrySpan = this.nodeSpan(item);
    let name: Identifier | undefined;
    let sawName = false;
    const properties: Property[] = [];
    const seen = new Set<string>();
    for (const pair of item.items) {
      const key = this.keyIdentifier(pair);
      if (key === undefined || isRepeated(seen, key)) continue;
      if (key.name === 'name') {
        sawName = true;
        name = this.cornerName(pair, key);
        continue;
      }
      const value = this.fieldValue(pair, key);
      if (value === undefined) continue;
      properties.push({
        kind: 'Property',
        key,
        value,
        span: this.span(key.span.start, Math.max(key.span.end, value.span.end)),
      });
    }
    if (!sawName) {
      this.bag.report('LCP5002', entrySpan, 'corner without a `name`', {
        label: 'this corner has no `name`',
        help: 'add `name: <corner name>`, e.g. `name: ssgnp_0p48v_m40c_cworst_CCworst_T`',
      });
      return undefined;
    }
    if (name === undefined) return undefined; // reported by cornerName
    return {
      kind: 'CornerDecl',
      name,
      body: { kind: 'Block', items: properties, span: entrySpan },
      span: entrySpan,
    };
  }

  private cornerName(pair: Pair, key: Identifier): Identifier | undefined {
    const value = pair.value;
    if (isEmpty(value)) {
      this.bag.report('LCP5002', key.span, '`name` has no value', { label: 'expected a corner name' });
      return undefined;
    }
    if (!isScalar(value)) {
      this.structure(value, 'a corner `name` must be a single name', { label: 'expected a name' });
      return undefined;
    }
    const scalar = this.scalarText(value);
    const nameSpan = this.textSpan(value, scalar);
    if (!IDENTIFIER.test(scalar.text)) {
      this.bag.report('LCP5002', nameSpan, `corner name \`${scalar.text}\` is not a valid identifier`, {
        label: 'not an identifier',
        notes: ['corner names are identifiers: letters, digits and `_`, not starting with a digit'],
      });
      return undefined;
    }
    return { kind: 'Identifier', name: scalar.text, span: nameSpan };
  }

  private fieldValue(pair: Pair, key: Identifier): Expression | undefined {
    const value = pair.value;
    if (isEmpty(value)) {
      this.bag.report('LCP5002', key.span, `\`${key.name}\` has no value`, { label: 'expected a value' });
      return undefined;
    }
    if (isAlias(value)) {
      this.structure(value, 'yaml aliases are not supported in corner tables', { label: 'write the value here' });
      return undefined;
    }
    if (!isScalar(value)) {
      this.structure(value, `\`${key.name}\` must be a single value, not a ${isSeq(value) ? 'list' : 'mapping'}`, {
        label: 'expected a single value',
      });
      return undefined;
    }
    return this.scalarExpression(value);
  }

  // -------------------------------------------------------------------------------------------
  // libraries
  // -------------------------------------------------------------------------------------------

  /**
   * `libraries:` — each entry a `LibraryDecl`: `id` (the declaration name), `node`, `corners`
   * (a list of corners and sets, or one set), any other library property or attribute.
   */
  private libraries(pair: Pair, out: Declaration[]): void {
    const value = pair.value;
    if (isEmpty(value)) return;
    if (!isSeq(value)) {
      this.structure(value, '`libraries` must be a list of libraries', { label: 'expected a list' });
      return;
    }
    for (const item of value.items) {
      const decl = this.library(item);
      if (decl !== undefined) out.push(decl);
    }
  }

  private library(item: unknown): LibraryDecl | undefined {
    if (!isMap(item)) {
      this.structure(item, 'a library must be a mapping with an `id`', { label: 'expected a mapping' });
      return undefined;
    }
    const entrySpan = this.nodeSpan(item);
    let id: Identifier | undefined;
    let node: Identifier | undefined;
    let sawId = false;
    const properties: Property[] = [];
    const seen = new Set<string>();
    for (const pair of item.items) {
      const key = this.keyIdentifier(pair);
      if (key === undefined || isRepeated(seen, key)) continue;
      if (key.name === 'id' || key.name === 'node') {
        if (key.name === 'id') sawId = true;
        const identifier = this.identifierValue(pair, key, key.name === 'id' ? 'a library id' : 'a node name');
        if (key.name === 'id') id = identifier;
        else node = identifier;
        continue;
      }
      let value: Expression | undefined;
      if (key.name === 'corners') value = this.cornerList(pair, key);
      else if (LIBRARY_STRING_FIELDS.has(key.name)) value = this.stringValue(pair, key);
      else value = this.fieldValue(pair, key);
      if (value === undefined) continue;
      properties.push({ kind: 'Property', key, value, span: this.span(key.span.start, Math.max(key.span.end, value.span.end)) });
    }
    if (!sawId) {
      this.bag.report('LCP5002', entrySpan, 'library without an `id`', {
        label: 'this library has no `id`',
        help: 'add `id: <library>`, the name stages and conditions use (`library.id`); `name` is the full library name',
      });
      return undefined;
    }
    if (id === undefined) return undefined; // reported
    return {
      kind: 'LibraryDecl',
      name: id,
      ...(node ? { node } : {}),
      body: { kind: 'Block', items: properties, span: entrySpan },
      span: entrySpan,
    };
  }

  private identifierValue(pair: Pair, key: Identifier, what: string): Identifier | undefined {
    const value = pair.value;
    if (isEmpty(value) || !isScalar(value)) {
      this.structure(isEmpty(value) ? key : value, `\`${key.name}\` must be ${what}`, { label: `expected ${what}` });
      return undefined;
    }
    const scalar = this.scalarText(value);
    const valueSpan = this.textSpan(value, scalar);
    if (!IDENTIFIER.test(scalar.text)) {
      this.bag.report('LCP5002', valueSpan, `\`${scalar.text}\` is not a valid identifier`, {
        label: 'not an identifier',
        notes: ['names are identifiers: letters, digits and `_`, not starting with a digit'],
      });
      return undefined;
    }
    return { kind: 'Identifier', name: scalar.text, span: valueSpan };
  }

  private cornerList(pair: Pair, key: Identifier): Expression | undefined {
    const value = pair.value;
    if (isEmpty(value)) {
      this.bag.report('LCP5002', key.span, '`corners` has no value', { label: 'expected a list of corners' });
      return undefined;
    }
    if (isSeq(value)) {
      const items: Expression[] = [];
      for (const item of value.items) {
        const reference = this.reference(item);
        if (reference !== undefined) items.push(reference);
      }
      return { kind: 'List', items, span: this.nodeSpan(value) };
    }
    if (isScalar(value)) return this.reference(value);
    this.structure(value, '`corners` must be a list of corners or a corner set name', { label: 'expected a list' });
    return undefined;
  }

  /** A string field: the scalar's text as a string, `${…}` interpolations decoded. */
  private stringValue(pair: Pair, key: Identifier): StringLiteral | undefined {
    const value = pair.value;
    if (isEmpty(value) || !isScalar(value)) return this.fieldValue(pair, key) as StringLiteral | undefined;
    const scalar = this.scalarText(value);
    return this.interpolated(scalar, this.nodeSpan(value));
  }

  /** Decode `${…}` in a scalar's text like a raw `.lcp` string (spans exact when verbatim). */
  private interpolated(scalar: ScalarText, whole: Span): StringLiteral {
    const diagnostics: Diagnostic[] = [];
    const base = scalar.offset ?? whole.start;
    const literal = decodeString(this.path, { image: `\"\"\"${scalar.text}\"\"\"`, start: base - 3, raw: true, terminated: true }, diagnostics);
    if (scalar.offset === undefined) {
      // Not a verbatim slice of the source: point every part at the whole scalar.
      for (const d of diagnostics) this.bag.report(d.code, whole, d.message, { label: d.primary.message });
      return { ...literal, parts: literal.parts.map((p) => ({ ...p, span: whole })), span: whole };
    }
    for (const d of diagnostics) this.bag.report(d.code, d.primary.span, d.message, { label: d.primary.message, ...(d.help ? { help: d.help } : {}) });
    return { ...literal, span: whole };
  }

  // -------------------------------------------------------------------------------------------
  // sets
  // -------------------------------------------------------------------------------------------

  private sets(pair: Pair, out: Declaration[]): void {
    const value = pair.value;
    if (isEmpty(value)) return;
    if (!isMap(value)) {
      this.structure(value, '`sets` must be a mapping from set names to lists of corners', {
        label: 'expected a mapping',
      });
      return;
    }
    const seen = new Set<string>();
    for (const entry of value.items) {
      const decl = this.set(entry, seen);
      if (decl !== undefined) out.push(decl);
    }
  }

  private set(pair: Pair, seen: Set<string>): CornerSetDecl | undefined {
    const name = this.keyIdentifier(pair);
    if (name === undefined || isRepeated(seen, name)) return undefined;
    if (!IDENTIFIER.test(name.name)) {
      this.bag.report('LCP5002', name.span, `corner set name \`${name.name}\` is not a valid identifier`, {
        label: 'not an identifier',
      });
      return undefined;
    }
    const value = pair.value;
    if (isEmpty(value)) {
      this.bag.report('LCP5002', name.span, `corner set \`${name.name}\` has no value`, {
        label: 'expected a list of corners',
        help: `write \`${name.name}: [corner_a, corner_b]\``,
      });
      return undefined;
    }
    let expression: Expression | undefined;
    if (isSeq(value)) {
      const items: Expression[] = [];
      for (const item of value.items) {
        const reference = this.reference(item);
        if (reference !== undefined) items.push(reference);
      }
      expression = { kind: 'List', items, span: this.nodeSpan(value) };
    } else if (isScalar(value)) {
      expression = this.reference(value);
    } else if (isMap(value)) {
      this.structure(value, `corner set \`${name.name}\` must be a list of corners`, {
        label: 'expected a list',
        notes: ['filtered corner sets are written in `.lcp`: `corners slow = signoff where corner.process == ssgnp`'],
      });
    } else {
      this.structure(value, `corner set \`${name.name}\` must be a list of corners`, { label: 'expected a list' });
    }
    if (expression === undefined) return undefined;
    return {
      kind: 'CornerSetDecl',
      name,
      value: expression,
      span: this.span(name.span.start, Math.max(name.span.end, expression.span.end)),
    };
  }

  private reference(item: unknown): Reference | undefined {
    if (!isScalar(item) || isEmpty(item)) {
      this.structure(item, 'a corner set lists corners and corner sets by name', { label: 'expected a name' });
      return undefined;
    }
    const scalar = this.scalarText(item);
    const itemSpan = this.textSpan(item, scalar);
    if (!IDENTIFIER.test(scalar.text)) {
      this.bag.report('LCP5002', itemSpan, `\`${scalar.text}\` is not a corner or corner set name`, {
        label: 'not an identifier',
      });
      return undefined;
    }
    return {
      kind: 'Reference',
      path: [{ kind: 'Identifier', name: scalar.text, span: itemSpan }],
      span: itemSpan,
    };
  }

  // -------------------------------------------------------------------------------------------
  // scalars
  // -------------------------------------------------------------------------------------------

  private scalarExpression(node: Scalar): Expression {
    const whole = this.nodeSpan(node);
    if (typeof node.value === 'boolean') {
      const literal: BooleanLiteral = { kind: 'Boolean', value: node.value, span: whole };
      return literal;
    }
    const scalar = this.scalarText(node);
    const valueSpan = this.textSpan(node, scalar);
    const quantity = QUANTITY.exec(scalar.text);
    if (quantity !== null) {
      const digits = quantity[1]!;
      const unit = quantity[2];
      const literal: QuantityLiteral = {
        kind: 'Quantity',
        value: Number(digits),
        digits,
        ...(unit === undefined
          ? {}
          : {
              unit,
              unitSpan:
                scalar.offset === undefined
                  ? valueSpan
                  : this.span(scalar.offset + digits.length, scalar.offset + scalar.text.length),
            }),
        span: valueSpan,
      };
      return literal;
    }
    if (typeof node.value === 'number' && Number.isFinite(node.value)) {
      // A number YAML reads in another notation (`1e3`, `.5`, `0x10`): a unitless quantity.
      const literal: QuantityLiteral = { kind: 'Quantity', value: node.value, digits: scalar.text, span: valueSpan };
      return literal;
    }
    if (IDENTIFIER.test(scalar.text)) {
      const reference: Reference = {
        kind: 'Reference',
        path: [{ kind: 'Identifier', name: scalar.text, span: valueSpan }],
        span: valueSpan,
      };
      return reference;
    }
    const text = typeof node.value === 'string' ? node.value : scalar.text;
    const literal: StringLiteral = {
      kind: 'String',
      parts: [{ kind: 'Text', value: text, span: valueSpan }],
      text,
      span: whole,
    };
    return literal;
  }

  /**
   * The text a scalar stands for, and where it starts when it is a verbatim slice of the source:
   * plain scalars as written (so `1000` stays `1000`, not YAML's reading of it), quoted ones
   * between their quotes when they contain no escapes or line breaks.
   */
  private scalarText(node: Scalar): ScalarText {
    const range = node.range;
    const value = node.value;
    const decoded = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
    if (!range) return { text: decoded };
    const [start, valueEnd] = range;
    const raw = this.text.slice(start, valueEnd);
    switch (node.type) {
      case 'PLAIN':
        return raw.includes('\n') || raw.includes('\r') ? { text: decoded } : { text: raw, offset: start };
      case 'QUOTE_DOUBLE':
      case 'QUOTE_SINGLE': {
        const inner = raw.slice(1, -1);
        return inner === decoded ? { text: inner, offset: start + 1 } : { text: decoded };
      }
      default:
        return { text: decoded };
    }
  }

  /** The span of a scalar's text when it is verbatim, else of the whole node. */
  private textSpan(node: YamlNode, scalar: ScalarText): Span {
    if (scalar.offset !== undefined) return this.span(scalar.offset, scalar.offset + scalar.text.length);
    return this.nodeSpan(node);
  }

  /** A pair's key as an identifier (span on the key's text); reports and skips other keys. */
  private keyIdentifier(pair: unknown): Identifier | undefined {
    if (!isPair(pair)) return undefined;
    const key = pair.key;
    if (isScalar(key) && key.value !== null && key.value !== undefined && typeof key.value !== 'object') {
      const scalar = this.scalarText(key);
      return { kind: 'Identifier', name: scalar.text, span: this.textSpan(key, scalar) };
    }
    if (key === null || key === undefined || (isScalar(key) && (key.value === null || key.value === undefined))) {
      // `: value` with no key: the yaml library reports the syntax; nothing to add unless it did not.
      const valueNode = isNodeWithRange(pair.value) ? pair.value : undefined;
      if (valueNode !== undefined) this.structure(valueNode, 'a value without a key', { label: 'expected `key: value`' });
      return undefined;
    }
    this.structure(key, 'keys in a corner table must be plain names', { label: 'expected a name' });
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // diagnostics and spans
  // -------------------------------------------------------------------------------------------

  private reportYamlError(error: YAMLError): void {
    const [start, end] = Array.isArray(error.pos) ? error.pos : [0, 0];
    const from = clamp(start, this.text.length);
    let to = Math.max(from, clamp(end, this.text.length));
    if (error.code === 'DUPLICATE_KEY') {
      // The library points at the key's first character; cover the whole key.
      const key = /^[^\s:,{}[\]]+/.exec(this.text.slice(from, from + 1024));
      if (key !== null) to = Math.max(to, from + key[0].length);
    }
    this.bag.report('LCP5001', this.span(from, to), yamlMessage(error), { label: describeYamlCode(error.code) });
  }

  private structure(
    node: unknown,
    message: string,
    options: { label?: string; help?: string; notes?: string[] } = {},
  ): void {
    this.bag.report('LCP5002', isNodeWithRange(node) ? this.nodeSpan(node) : this.span(0, 0), message, {
      ...(options.label === undefined ? {} : { label: options.label }),
      ...(options.help === undefined ? {} : { help: options.help }),
      ...(options.notes === undefined ? {} : { notes: options.notes }),
    });
  }

  /** First and last line (1-based) a span touches. */
  private lines(range: Span): [number, number] {
    const first = positionAt(this.source, range.start).line;
    const last = range.end > range.start ? positionAt(this.source, range.end - 1).line : first;
    return [first, last];
  }

  private nodeSpan(node: YamlNode): Span {
    const range = node.range;
    if (!range) return this.span(0, 0);
    return this.span(range[0], Math.max(range[0], range[1]));
  }

  private span(start: number, end: number): Span {
    const from = clamp(start, this.text.length);
    return span(this.path, from, Math.max(from, clamp(end, this.text.length)));
  }
}

/**
 * Whether a mapping already had this key. The yaml library reports the duplicate (`LCP5001`);
 * the first occurrence wins, so the checker does not report it a second time.
 */
function isRepeated(seen: Set<string>, key: Identifier): boolean {
  if (seen.has(key.name)) return true;
  seen.add(key.name);
  return false;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (isScalar(value) && (value.value === null || value.value === undefined));
}

function isNodeWithRange(value: unknown): value is YamlNode {
  return (isScalar(value) || isMap(value) || isSeq(value) || isAlias(value)) && Array.isArray((value as YamlNode).range);
}

function clamp(offset: number, length: number): number {
  if (!Number.isFinite(offset)) return 0;
  return Math.max(0, Math.min(length, Math.trunc(offset)));
}

function lowerFirst(text: string): string {
  return text.length > 0 && /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

/** The yaml library's message, lowercase, without a code frame or trailing period. */
function yamlMessage(error: YAMLError): string {
  const firstLine = (error.message.split(/\r?\n/)[0] ?? '').replace(/ at line \d+, column \d+:?$/, '').trim();
  const message = lowerFirst(firstLine).replace(/\.$/, '');
  return message === '' ? 'invalid yaml' : message;
}

function describeYamlCode(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'duplicate key';
    case 'MISSING_CHAR':
      return 'something is missing here';
    case 'BAD_INDENT':
    case 'TAB_AS_INDENT':
      return 'check the indentation';
    case 'MULTIPLE_DOCS':
      return 'a corner table is one document';
    default:
      return '';
  }
}
