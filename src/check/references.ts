/**
 * The checker's bindings: every declaration (of the namespaces a name can be looked up in) and
 * every use the checker resolved to it. Recorded while checking, by the places that resolve
 * names (`ctx.references.use(…)` next to `ctx.markUsed(…)`), never by a second resolver; built
 * into a `Bindings` table against the symbol table at the end of `check()`.
 *
 * Editors read it (src/lsp): go-to-definition, find references and rename are lookups in this
 * table. It also keeps the block schemas `readBlock` read each block against, for completion
 * of property names.
 *
 * What is recorded as a use: a stage in `after`, a stage template in `extends`, the tool of `run`, the queue of
 * `resources { queue }` and `site { default_queue }`, a library's node, corner and corner-set
 * names (library `corners`, corner sets — `.lcp` and YAML `sets:` —, `corner.name in SET`),
 * names compared with `corner.name`, `library.id`, `library.node`, `node.name`, `${ENV}`
 * in strings, a declared dimension in `for each`, `where` and `${…}`, and a declared attribute
 * (`library.multibit`) where an entity sets it (its block or YAML entry), in a condition and in
 * an interpolation. Only uses that resolve; an unknown name has no binding (it has a diagnostic).
 *
 * Attributes are named `<entity>.<name>` in their namespace (`library.multibit`): a library and
 * a corner attribute may share a name. Their spans cover the name alone (`multibit`).
 */
import type { Span } from '../diagnostics/span.js';
import type { Identifier } from '../syntax/ast.js';
import type { AttributeSchemas } from './attributes.js';
import type { CornerModel, EnvModel, LibraryModel, NodeModel, QueueModel, SiteModel, StageModel, ToolModel } from './model.js';
import type { BlockSchema } from './schema.js';
import type { SymbolTable } from './symbols.js';

/** The namespaces names are looked up in (corners and corner sets share one). */
export type Namespace = 'env' | 'tool' | 'queue' | 'node' | 'library' | 'corner' | 'stage' | 'template' | 'attribute' | 'dimension';

export type BindingKind = 'env' | 'tool' | 'queue' | 'node' | 'library' | 'corner' | 'corner set' | 'stage' | 'template' | 'attribute' | 'dimension';

export interface Binding {
  readonly name: string;
  readonly namespace: Namespace;
  readonly kind: BindingKind;
  /** The declaration's name (in a `.lcp` file or a YAML corner table). */
  readonly declaration: Span;
  /** The resolved uses, in program order, each once. */
  readonly uses: readonly Span[];
}

export interface BindingHit {
  readonly binding: Binding;
  /** The declaration's name or the use under the offset. */
  readonly span: Span;
  readonly isDeclaration: boolean;
}

export interface RecordedSchema {
  /** The block (`{ … }`) read against the schema. */
  readonly block: Span;
  readonly schema: BlockSchema;
}

/**
 * The typed model of each declaration that built without errors of its own, by name: what
 * editors show on hover even when the program as a whole has errors.
 */
export interface DeclaredModels {
  readonly site?: SiteModel;
  readonly envs: ReadonlyMap<string, EnvModel>;
  readonly tools: ReadonlyMap<string, ToolModel>;
  readonly queues: ReadonlyMap<string, QueueModel>;
  readonly nodes: ReadonlyMap<string, NodeModel>;
  readonly libraries: ReadonlyMap<string, LibraryModel>;
  readonly corners: ReadonlyMap<string, CornerModel>;
  readonly stages: ReadonlyMap<string, StageModel>;
  /** Declared attributes that checked, by entity and name. */
  readonly attributes?: AttributeSchemas;
}

export const NO_MODELS: DeclaredModels = {
  envs: new Map(),
  tools: new Map(),
  queues: new Map(),
  nodes: new Map(),
  libraries: new Map(),
  corners: new Map(),
  stages: new Map(),
};

export class Bindings {
  constructor(
    readonly bindings: readonly Binding[],
    /** Block schemas, in the order `readBlock` read them. */
    readonly schemas: readonly RecordedSchema[],
    readonly models: DeclaredModels = NO_MODELS,
  ) {}

  /** The names declared in a namespace, in program order. */
  names(namespace: Namespace): Binding[] {
    return this.bindings.filter((b) => b.namespace === namespace);
  }

  /** The binding whose declaration name or a use is at `offset` (a cursor right after counts). */
  at(file: string, offset: number): BindingHit | undefined {
    let after: BindingHit | undefined;
    for (const binding of this.bindings) {
      for (const [span, isDeclaration] of [[binding.declaration, true] as const, ...binding.uses.map((u) => [u, false] as const)]) {
        if (span.file !== file) continue;
        if (span.start <= offset && offset < span.end) return { binding, span, isDeclaration };
        if (span.end === offset && after === undefined) after = { binding, span, isDeclaration };
      }
    }
    return after;
  }

  /** The binding of a declared name. */
  lookup(namespace: Namespace, name: string): Binding | undefined {
    return this.bindings.find((b) => b.namespace === namespace && b.name === name);
  }

  /** The schema of the innermost recorded block containing `offset` (strictly inside its braces). */
  schemaAt(file: string, offset: number): RecordedSchema | undefined {
    let best: RecordedSchema | undefined;
    for (const recorded of this.schemas) {
      const b = recorded.block;
      if (b.file !== file || !(b.start < offset && offset < b.end)) continue;
      if (best === undefined || b.end - b.start < best.block.end - best.block.start) best = recorded;
    }
    return best;
  }
}

/** Filled while checking (one per `CheckContext`). */
export class ReferenceRecorder {
  private readonly uses: { namespace: Namespace; name: string; span: Span }[] = [];
  private readonly schemas: RecordedSchema[] = [];

  /** A name the checker resolved in `namespace` (it is declared there). */
  use(namespace: Namespace, identifier: Pick<Identifier, 'name' | 'span'>): void {
    if (identifier.name === '') return;
    this.uses.push({ namespace, name: identifier.name, span: identifier.span });
  }

  schema(block: Span, schema: BlockSchema): void {
    this.schemas.push({ block, schema });
  }

  /** The table, against the binder's symbols (the first declaration of a name wins). */
  build(symbols: SymbolTable, models: DeclaredModels = NO_MODELS): Bindings {
    const bindings: Binding[] = [];
    const index = new Map<string, { binding: Binding; uses: Span[]; seen: Set<string> }>();
    const add = (namespace: Namespace, kind: BindingKind, name: Identifier) => {
      const uses: Span[] = [];
      const binding: Binding = { name: name.name, namespace, kind, declaration: name.span, uses };
      bindings.push(binding);
      index.set(`${namespace}\u0000${name.name}`, { binding, uses, seen: new Set() });
    };
    for (const d of symbols.envs.values()) add('env', 'env', d.name);
    for (const d of symbols.tools.values()) add('tool', 'tool', d.name);
    for (const d of symbols.queues.values()) add('queue', 'queue', d.name);
    for (const d of symbols.nodes.values()) add('node', 'node', d.name);
    for (const d of symbols.libraries.values()) add('library', 'library', d.name);
    for (const d of symbols.corners.values()) add('corner', d.kind === 'CornerDecl' ? 'corner' : 'corner set', d.name);
    for (const d of symbols.stages.values()) add('stage', 'stage', d.name);
    for (const d of symbols.templates.values()) add('template', 'template', d.name);
    const attributes = new Set<string>();
    for (const d of symbols.attributes) {
      const qualified = attributeName(d.entity.name, d.name.name);
      if (d.name.name === '' || !['node', 'library', 'corner'].includes(d.entity.name) || attributes.has(qualified)) continue;
      attributes.add(qualified);
      add('attribute', 'attribute', { kind: 'Identifier', name: qualified, span: d.name.span });
    }
    for (const d of symbols.dimensions.values()) add('dimension', 'dimension', d.name);
    for (const use of this.uses) {
      const entry = index.get(`${use.namespace}\u0000${use.name}`);
      if (entry === undefined) continue;
      const key = `${use.span.file}\u0000${use.span.start}\u0000${use.span.end}`;
      if (entry.seen.has(key) || sameSpan(use.span, entry.binding.declaration)) continue;
      entry.seen.add(key);
      entry.uses.push(use.span);
    }
    for (const entry of index.values()) entry.uses.sort(compareSpans);
    return new Bindings(bindings, this.schemas, models);
  }
}

/** The name of an attribute in the `attribute` namespace: `library.multibit`. */
export function attributeName(entity: string, name: string): string {
  return `${entity}.${name}`;
}

function sameSpan(a: Span, b: Span): boolean {
  return a.file === b.file && a.start === b.start && a.end === b.end;
}

function compareSpans(a: Span, b: Span): number {
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.start - b.start;
}
