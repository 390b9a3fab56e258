/**
 * Go-to-definition, as a pure function of the loaded program: the identifier at an offset, and
 * the declaration it names. Names resolve the way the checker resolves them (one namespace per
 * kind, corners and corner sets sharing one, the first declaration winning when a name is
 * declared twice); an identifier that names nothing declared has no definition.
 *
 * What resolves to what:
 * - a stage name in `after` → the stage;
 * - `run = TOOL …` (and a bare `run = TOOL`) → the tool;
 * - `library x : NODE` → the node;
 * - a name in a library's `corners`, in a corner set (`corners s = a where …`, YAML `sets:`) and
 *   right of `corner.name in` / `corner.name ==` → the corner or corner set;
 *   `library.id == x` → the library; `library.node == x`, `node.name == x` → the node;
 * - `resources { queue = Q }`, `site { default_queue = Q }` → the queue;
 * - `${NAME}` in any string → the env variable;
 * - an `import "…"` path → the start of the imported file;
 * - a declaration's own name → itself.
 */
import { posix } from 'node:path';
import type { Span } from '../diagnostics/span.js';
import type {
  Block,
  Declaration,
  Expression,
  Identifier,
  LcpFile,
  StageDecl,
  StringLiteral,
} from '../syntax/ast.js';

export type DefinitionKind = 'pipeline' | 'env' | 'tool' | 'queue' | 'node' | 'library' | 'corner' | 'corner set' | 'stage' | 'file';

/** The namespaces a reference can be looked up in (corners and corner sets share one). */
type Namespace = 'env' | 'tool' | 'queue' | 'node' | 'library' | 'corner' | 'stage';

export interface Definition {
  /** The name, or the imported path for `file`. */
  readonly name: string;
  readonly kind: DefinitionKind;
  /** The identifier (or import path) under the cursor. */
  readonly origin: Span;
  /** The declaration's name; for `file`, the empty span at the start of the imported file. */
  readonly target: Span;
}

/** What findDefinition needs of a `LoadedProgram`. */
export interface DefinitionProgram {
  readonly files: readonly LcpFile[];
  readonly declarations: readonly Declaration[];
}

interface Named {
  readonly kind: DefinitionKind;
  readonly name: Identifier;
}

type Candidate =
  | { readonly type: 'reference'; readonly identifier: Identifier; readonly namespace: Namespace }
  | { readonly type: 'self'; readonly identifier: Identifier; readonly kind: DefinitionKind }
  | { readonly type: 'file'; readonly origin: Span; readonly path: string };

const FANOUT_KEYS = new Set(['node', 'library', 'corner']);

/**
 * The definition of the name at `offset` (UTF-16) in `file` (a path as in the program's spans),
 * or undefined. A cursor just after an identifier counts as on it.
 */
export function findDefinition(program: DefinitionProgram, file: string, offset: number): Definition | undefined {
  const lcpFile = program.files.find((f) => f.path === file);
  if (lcpFile === undefined) return undefined;
  const declaration = lcpFile.declarations.find((d) => contains(d.span, offset));
  if (declaration === undefined) return undefined;

  const candidates: Candidate[] = [];
  collect(declaration, offset, candidates);
  const candidate =
    candidates.find((c) => {
      const s = spanOf(c);
      return s.start <= offset && offset < s.end;
    }) ?? candidates.find((c) => spanOf(c).end === offset);
  if (candidate === undefined) return undefined;

  switch (candidate.type) {
    case 'self':
      return { name: candidate.identifier.name, kind: candidate.kind, origin: candidate.identifier.span, target: candidate.identifier.span };
    case 'file': {
      if (!program.files.some((f) => f.path === candidate.path)) return undefined;
      return { name: candidate.path, kind: 'file', origin: candidate.origin, target: { file: candidate.path, start: 0, end: 0 } };
    }
    case 'reference': {
      const target = symbolTable(program.declarations)[candidate.namespace].get(candidate.identifier.name);
      if (target === undefined) return undefined;
      return { name: candidate.identifier.name, kind: target.kind, origin: candidate.identifier.span, target: target.name.span };
    }
  }
}

function spanOf(candidate: Candidate): Span {
  return candidate.type === 'file' ? candidate.origin : candidate.identifier.span;
}

/** Inclusive of the end: a cursor right after the last character is still "in" it. */
function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

// ---------------------------------------------------------------------------------------------
// Symbols
// ---------------------------------------------------------------------------------------------

function symbolTable(declarations: readonly Declaration[]): Record<Namespace, Map<string, Named>> {
  const table: Record<Namespace, Map<string, Named>> = {
    env: new Map(),
    tool: new Map(),
    queue: new Map(),
    node: new Map(),
    library: new Map(),
    corner: new Map(),
    stage: new Map(),
  };
  const add = (namespace: Namespace, kind: DefinitionKind, name: Identifier) => {
    if (name.name !== '' && !table[namespace].has(name.name)) table[namespace].set(name.name, { kind, name });
  };
  for (const decl of declarations) {
    switch (decl.kind) {
      case 'EnvDecl':
        add('env', 'env', decl.name);
        break;
      case 'ToolDecl':
        add('tool', 'tool', decl.name);
        break;
      case 'QueueDecl':
        add('queue', 'queue', decl.name);
        break;
      case 'NodeDecl':
        add('node', 'node', decl.name);
        break;
      case 'LibraryDecl':
        add('library', 'library', decl.name);
        break;
      case 'CornerDecl':
        add('corner', 'corner', decl.name);
        break;
      case 'CornerSetDecl':
        add('corner', 'corner set', decl.name);
        break;
      case 'StageDecl':
        add('stage', 'stage', decl.name);
        break;
      case 'PipelineDecl':
      case 'ImportDecl':
      case 'SiteDecl':
        break;
    }
  }
  return table;
}

// ---------------------------------------------------------------------------------------------
// The walk: every identifier of the declaration that could name something, with its namespace
// ---------------------------------------------------------------------------------------------

function collect(decl: Declaration, offset: number, out: Candidate[]): void {
  const reference = (identifier: Identifier | undefined, namespace: Namespace) => {
    if (identifier !== undefined && identifier.name !== '' && contains(identifier.span, offset)) out.push({ type: 'reference', identifier, namespace });
  };
  const self = (identifier: Identifier, kind: DefinitionKind) => {
    if (identifier.name !== '' && contains(identifier.span, offset)) out.push({ type: 'self', identifier, kind });
  };

  /** Any expression; a bare single name resolves in `bare` when given. */
  const expression = (e: Expression | undefined, bare?: Namespace): void => {
    if (e === undefined || !contains(e.span, offset)) return;
    switch (e.kind) {
      case 'String':
        string(e);
        return;
      case 'Reference':
        if (bare !== undefined && e.path.length === 1) reference(e.path[0], bare);
        return;
      case 'List':
        for (const item of e.items) expression(item, bare);
        return;
      case 'Range':
        expression(e.low);
        expression(e.high);
        return;
      case 'Binary':
      case 'Not':
      case 'Filter':
        condition(e);
        return;
      case 'ShellRun':
        string(e.command);
        return;
      case 'ToolRun':
        reference(e.tool, 'tool');
        if (e.deck) string(e.deck);
        expression(e.args);
        return;
      case 'Quantity':
      case 'Boolean':
        return;
    }
  };

  const string = (literal: StringLiteral): void => {
    for (const part of literal.parts) {
      if (part.kind !== 'Interpolation') continue;
      const path = part.reference.path;
      if (path.length === 1 && !FANOUT_KEYS.has(path[0]!.name)) reference(path[0], 'env');
    }
  };

  /** A corner-set expression: names are corners or corner sets. */
  const cornerSet = (e: Expression | undefined): void => {
    if (e === undefined || !contains(e.span, offset)) return;
    if (e.kind === 'List') for (const item of e.items) cornerSet(item);
    else if (e.kind === 'Reference') {
      if (e.path.length === 1) reference(e.path[0], 'corner');
    } else if (e.kind === 'Filter') {
      cornerSet(e.source);
      condition(e.condition);
    } else expression(e);
  };

  /** A condition (`where …`): literals compared with a name field resolve in that field's namespace. */
  const condition = (e: Expression | undefined): void => {
    if (e === undefined || !contains(e.span, offset)) return;
    if (e.kind === 'Not') return condition(e.operand);
    if (e.kind === 'Filter') return cornerSet(e);
    if (e.kind !== 'Binary') return expression(e);
    if (e.operator === '&&' || e.operator === '||') {
      condition(e.left);
      condition(e.right);
      return;
    }
    const leftNamespace = fieldNamespace(e.left);
    const rightNamespace = fieldNamespace(e.right);
    if (leftNamespace !== undefined) expression(e.right, leftNamespace);
    else if (rightNamespace !== undefined) expression(e.left, rightNamespace);
    else {
      expression(e.left);
      expression(e.right);
    }
  };

  /** Properties of a block; `special` gives the walk of particular keys' values. */
  const block = (b: Block, special: Record<string, (e: Expression) => void> = {}, nested: Record<string, Record<string, (e: Expression) => void>> = {}): void => {
    if (!contains(b.span, offset)) return;
    for (const item of b.items) {
      if (!contains(item.span, offset)) continue;
      switch (item.kind) {
        case 'Property': {
          const walk = Object.prototype.hasOwnProperty.call(special, item.key.name) ? special[item.key.name] : undefined;
          if (walk) walk(item.value);
          else expression(item.value);
          break;
        }
        case 'NestedBlock':
          block(item.body, Object.prototype.hasOwnProperty.call(nested, item.key.name) ? nested[item.key.name] : {});
          break;
        case 'ExpectStatement':
          string(item.pattern);
          expression(item.count);
          break;
        case 'RetryStatement':
          expression(item.count);
          for (const code of item.exitCodes) expression(code);
          expression(item.backoff);
          break;
      }
    }
  };

  switch (decl.kind) {
    case 'PipelineDecl':
      self(decl.name, 'pipeline');
      return;
    case 'ImportDecl': {
      const literal = decl.path;
      if (!contains(literal.span, offset) || literal.parts.some((p) => p.kind === 'Interpolation')) return;
      const written = literal.text;
      const base = posix.dirname(literal.span.file);
      const target = posix.normalize(posix.isAbsolute(written) ? written : posix.join(base, written));
      out.push({ type: 'file', origin: literal.span, path: target.startsWith('./') ? target.slice(2) : target });
      return;
    }
    case 'EnvDecl':
      self(decl.name, 'env');
      expression(decl.default);
      return;
    case 'SiteDecl':
      block(decl.body, { default_queue: (e) => expression(e, 'queue') });
      return;
    case 'ToolDecl':
      self(decl.name, 'tool');
      block(decl.body);
      return;
    case 'QueueDecl':
      self(decl.name, 'queue');
      block(decl.body);
      return;
    case 'NodeDecl':
      self(decl.name, 'node');
      block(decl.body);
      return;
    case 'CornerDecl':
      self(decl.name, 'corner');
      block(decl.body);
      return;
    case 'LibraryDecl':
      self(decl.name, 'library');
      reference(decl.node, 'node');
      block(decl.body, { corners: cornerSet });
      return;
    case 'CornerSetDecl':
      self(decl.name, 'corner set');
      cornerSet(decl.value);
      return;
    case 'StageDecl':
      stage(decl);
      return;
  }

  function stage(s: StageDecl): void {
    self(s.name, 'stage');
    for (const name of s.after) reference(name, 'stage');
    condition(s.where);
    block(s.body, { run: (e) => expression(e, 'tool') }, { resources: { queue: (e) => expression(e, 'queue') } });
  }
}

/** The namespace of the values a name field compares with: `corner.name` → corners, … */
function fieldNamespace(e: Expression): Namespace | undefined {
  if (e.kind !== 'Reference' || e.path.length !== 2) return undefined;
  const entity = e.path[0]!.name;
  const field = e.path[1]!.name;
  if (entity === 'corner' && field === 'name') return 'corner';
  if (entity === 'library' && field === 'id') return 'library';
  if ((entity === 'library' && field === 'node') || (entity === 'node' && field === 'name')) return 'node';
  return undefined;
}
