/**
 * Completion in context, from the text before the cursor and the checker's bindings:
 *
 * | before the cursor | offers |
 * |---|---|
 * | `${…` (`${corner.…`) | env variables and built-ins (the entity's fields) |
 * | a number (`64`, `64G`) | units (of the property's dimension when known) |
 * | `stage s … after a, …` | stages |
 * | `extends …`, `stage_template = …` | stage templates |
 * | `queue = …`, `default_queue = …` | queues |
 * | `run = …` | tools and `shell` |
 * | `corners = [a, …`, `corners s = …` | corners and corner sets |
 * | `library x : …` | nodes |
 * | `for each …` | fan-out keys and declared dimensions |
 * | `corner.…`, `library.…`, `node.…` (conditions) | the entity's fields and declared attributes |
 * | the start of an item in a block | the block's properties (its schema, as `readBlock` read it) |
 * | the start of a top-level line | declaration keywords |
 *
 * Every item replaces the partial word before the cursor (`replace`), so clients whose word
 * pattern differs (`64G` is one word) still filter and insert correctly.
 */
import { ENTITY_FIELDS } from '../check/fields.js';
import type { FanoutKey } from '../check/model.js';
import type { Namespace } from '../check/references.js';
import { RESERVED_NAMES } from '../check/symbols.js';
import { lookupUnit, UNITS, type Dimension } from '../check/units.js';
import { BUILTIN_DOCS, FIELD_DOCS, PROPERTY_DOCS } from './hover.js';
import { bodyOf, declarationAt, fileOf, nestedBlocksAt, type ProgramView } from './view.js';

export type CompletionKind = 'property' | 'unit' | 'variable' | 'field' | 'keyword' | 'stage' | 'queue' | 'tool' | 'corner' | 'corner set' | 'node' | 'library' | 'env' | 'template' | 'attribute' | 'dimension';

export interface Completion {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  readonly documentation?: string;
  /** Offsets of the text the item replaces (the partial word before the cursor). */
  readonly replace: { readonly start: number; readonly end: number };
  readonly insertText?: string;
}

const KEYWORDS = ['pipeline', 'import', 'env', 'site', 'tool', 'queue', 'node', 'library', 'corner', 'corners', 'dimension', 'stage'];

/** The dimension of a property's quantities, for unit completion. */
const PROPERTY_DIMENSION: Readonly<Record<string, Dimension>> = {
  mem: 'memory',
  max_mem: 'memory',
  runtime: 'duration',
  max_runtime: 'duration',
  estimate: 'duration',
  vdd: 'voltage',
  voltage: 'voltage',
  temperature: 'temperature',
};

export function complete(view: ProgramView, path: string, offset: number): Completion[] {
  const source = view.loaded.sources.get(path);
  if (source === undefined) return [];
  const text = source.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(lineStart, offset);
  const file = fileOf(view, path);
  const decl = file ? declarationAt(file, offset) : undefined;
  // The declaration's text up to the cursor (its header and the body so far).
  const declStart = decl && decl.span.start <= offset ? decl.span.start : lineStart;
  const before = text.slice(Math.max(declStart, offset - 4000), offset);
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(line)?.[0] ?? '';
  const replace = { start: offset - word.length, end: offset };
  // Right after `=`, `:` or `,` (a trigger character), a name goes after a space.
  const pad = /[=:,]$/.test(text.slice(lineStart, replace.start)) ? ' ' : '';
  const bindings = view.bindings;

  const names = (namespace: Namespace, exclude?: string): Completion[] =>
    (bindings?.names(namespace) ?? [])
      .filter((b) => b.name !== exclude)
      .map((b) => ({ label: b.name, kind: b.kind, detail: b.kind, replace, ...(pad ? { insertText: `${pad}${b.name}` } : {}) }));

  // ${…}: env variables, built-ins and entity fields.
  const interpolation = /\$\{([A-Za-z0-9_.]*)$/.exec(line);
  if (interpolation) {
    const written = interpolation[1]!;
    const parts = written.split('.');
    const field = (label: string, documentation: string): Completion => ({ label, kind: 'field', detail: 'field', documentation, replace });
    if (parts[0] === 'tool' && parts.length === 2) return names('tool').map((c) => ({ ...c, insertText: c.label }));
    if (parts[0] === 'tool' && parts.length === 3) return [field('path', "the tool's `path`"), field('version', "the tool's `version`")];
    if (parts.length === 2 && (bindings?.names('stage') ?? []).some((b) => b.name === parts[0])) {
      return [field('work', "the work directory of this job's job of the stage"), field('work_root', 'the directory of all its jobs')];
    }
    if (parts.length > 1) return fields(view, parts[0]!, replace);
    return [
      ...names('env').map((c) => ({ ...c, kind: 'env' as const, detail: 'env variable' })),
      ...[...RESERVED_NAMES].map((name): Completion => ({ label: name, kind: 'variable', detail: 'built-in', ...(BUILTIN_DOCS[name] ? { documentation: BUILTIN_DOCS[name] } : {}), replace })),
      { label: 'tool', kind: 'variable', detail: 'built-in', documentation: '`${tool.NAME.path}`, `${tool.NAME.version}`', replace },
      ...names('stage').map((c) => ({ ...c, detail: 'stage: `${NAME.work}`, `${NAME.work_root}`', insertText: c.label })),
    ];
  }
  if (/"(?:[^"\\\n]|\\.)*$/.test(line) && (line.match(/"/g) ?? []).length % 2 === 1) return []; // inside a string

  // A number: its unit.
  const quantity = /(?:^|[^A-Za-z0-9_.])-?\d+(?:\.\d+)?([A-Za-z]*)$/.exec(line);
  if (quantity) {
    const unitWritten = quantity[1]!;
    const key = /([A-Za-z_]\w*)\s*=[^=]*$/.exec(line)?.[1];
    const dimension = key !== undefined ? PROPERTY_DIMENSION[key] : undefined;
    return Object.keys(UNITS)
      .filter((unit) => dimension === undefined || lookupUnit(unit)!.dimension === dimension)
      .map((unit) => ({ label: unit, kind: 'unit', detail: lookupUnit(unit)!.dimension, replace: { start: offset - unitWritten.length, end: offset } }));
  }

  if (decl?.kind === 'StageDecl' && !before.includes('{')) {
    if (/\bafter\s+(?:[A-Za-z_]\w*\s*[,|]\s*)*[A-Za-z_]*$/.test(before)) return names('stage', decl.name.name);
    if (/\bfor\s+each\s+(?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]*$/.test(before)) {
      const builtin = ['node', 'library', 'corner'].map((key): Completion => ({ label: key, kind: 'keyword', detail: 'fan-out key', documentation: `one job per ${key}`, replace, ...(pad ? { insertText: `${pad}${key}` } : {}) }));
      return [...builtin, ...names('dimension')];
    }
  }
  if (/\bextends\s+[A-Za-z_]*$/.test(line) || /\bstage_template\s*=\s*[A-Za-z_]*$/.test(line)) {
    return names('template', decl?.kind === 'TemplateDecl' ? decl.name.name : undefined);
  }
  if (/\b(?:default_)?queue\s*=\s*[A-Za-z_]*$/.test(line)) return names('queue');
  if (/\brun\s*=\s*[A-Za-z_]*$/.test(line)) {
    return [...names('tool'), { label: 'shell', kind: 'keyword', detail: 'run a shell command', insertText: `${pad}shell "`, replace }];
  }
  if (/\blibrary\s+[A-Za-z_]\w*\s*:\s*[A-Za-z_]*$/.test(before)) return names('node');
  if (/\bcorners\s*=\s*(?:\[[^\]]*)?[A-Za-z_]*$/.test(before) || (decl?.kind === 'CornerSetDecl' && /=\s*[^{}]*$/.test(before) && !/\bwhere\b/.test(before))) {
    return names('corner', decl?.kind === 'CornerSetDecl' ? decl.name.name : undefined);
  }
  const field = /\b(corner|library|node)\.([A-Za-z_]*)$/.exec(line);
  if (field) return fields(view, field[1]!, replace);

  // The start of an item: a property of the block's schema, or a declaration keyword.
  if (/^\s*[A-Za-z_]*$/.test(line)) {
    const recorded = bindings?.schemaAt(path, offset);
    if (recorded && decl && decl.span.start < offset) {
      // Properties already set in the block (other than the one being typed) are not offered again.
      const block = [bodyOf(decl), ...nestedBlocksAt(decl, offset).map((n) => n.body)].find(
        (b) => b !== undefined && b.span.start === recorded.block.start && b.span.end === recorded.block.end,
      );
      const taken = new Set(
        (block?.items ?? []).flatMap((item) => ('key' in item && !(item.key.span.start <= offset && offset <= item.key.span.end) ? [item.key.name] : [])),
      );
      const properties = Object.entries(recorded.schema.properties).filter(([key]) => !taken.has(key)).map(([key, shape]): Completion => ({
        label: key,
        kind: 'property',
        detail: PROPERTY_DOCS[key]?.type ?? shape,
        ...(PROPERTY_DOCS[key] ? { documentation: PROPERTY_DOCS[key].doc } : {}),
        insertText: shape === 'block' ? `${key} {` : `${key} = `,
        replace,
      }));
      const statements = (recorded.schema.statements ?? []).map((s): Completion => ({ label: s, kind: 'keyword', detail: 'statement', replace }));
      return [...properties, ...statements];
    }
    if (decl === undefined || line.trim() === '' || offset <= decl.span.start + word.length) {
      return KEYWORDS.map((k) => ({ label: k, kind: 'keyword', detail: 'declaration', replace }));
    }
  }
  return [];
}

function fields(view: ProgramView, entity: string, replace: Completion['replace']): Completion[] {
  const table = (ENTITY_FIELDS as Readonly<Record<string, Readonly<Record<string, string>>>>)[entity];
  if (table === undefined) return [];
  const builtIn = Object.entries(table).map(([name, type]): Completion => ({
    label: name,
    kind: 'field',
    detail: type,
    ...(FIELD_DOCS[`${entity}.${name}`] ? { documentation: FIELD_DOCS[`${entity}.${name}`] } : {}),
    replace,
  }));
  const declared = [...(view.bindings?.models.attributes?.[entity as FanoutKey].values() ?? [])].map(
    (a): Completion => ({ label: a.name, kind: 'attribute', detail: `${a.type} attribute`, replace }),
  );
  return [...builtIn, ...declared];
}
