/**
 * `libcc lsp`: the language server over stdio. It publishes the diagnostics of the driver's
 * analysis (src/driver: the same as `libcc check`, with links to the error pages and quick
 * fixes) and answers definition, references, rename, hover, completion, document symbols and
 * formatting; it re-checks programs when an imported file changes on disk.
 * Synchronous and without debouncing: every open or change re-checks the programs the document
 * belongs to. See README.md in this folder.
 */
import { existsSync, readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import {
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  LSPErrorCodes,
  MarkupKind,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  SymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeActionParams,
  type CompletionItem,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
  type DocumentSymbol,
  type FileEvent,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type Location,
  type Position as LspPosition,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyse } from '../driver/analyse.js';
import { fileSystemTemplates } from '../driver/templates.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createSourceFile, positionAt, type SourceFile } from '../diagnostics/source.js';
import type { Span } from '../diagnostics/span.js';
import { formatLcp } from '../syntax/format.js';
import { parseLcp } from '../syntax/parse.js';
import { displayPath, loadProgram, type LoaderHost } from '../syntax/load.js';
import { linkLeavesDirectory, safeFileSystemHost } from '../syntax/read-source.js';
import { complete, type CompletionKind } from './completion.js';
import { findDefinition } from './definitions.js';
import { hover } from './hover.js';
import { bindingAt, invalidNewName, occurrences, renameSpans, renameTarget } from './navigation.js';
import { outline, type OutlineKind, type OutlineSymbol } from './outline.js';
import type { ProgramView } from './view.js';

/** At most this many sibling `.lcp` files are tried when looking for the pipeline that imports a file. */
const MAX_SIBLINGS = 64;

/** Serves the protocol on the given streams until the client sends `exit` (which ends the process). */
export function startLanguageServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, builtinTemplates = defaultTemplatesDir()): void {
  const connection = createConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace(connection, documents, builtinTemplates);
  let watchDynamically = false;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    watchDynamically = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Full,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', '{', '[', ',', ':', '='] },
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'libcc' },
    };
  });
  connection.onInitialized(() => {
    // Imported files that are not open change on disk (a `git pull`, another editor): watch them.
    if (!watchDynamically) return;
    connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.lcp' }, { globPattern: '**/*.{yaml,yml}' }] })
      .catch((error: unknown) => workspace.logError('registering file watchers', error));
  });

  documents.onDidChangeContent((event) => workspace.changed(event.document.uri));
  documents.onDidClose((event) => workspace.closed(event.document.uri));
  connection.onDidChangeWatchedFiles((params) => workspace.filesChanged(params.changes));
  connection.onDefinition((params) => workspace.definition(params.textDocument.uri, params.position));
  connection.onReferences((params) => workspace.references(params.textDocument.uri, params.position, params.context.includeDeclaration));
  connection.onPrepareRename((params) => workspace.prepareRename(params.textDocument.uri, params.position));
  connection.onRenameRequest((params) => workspace.rename(params.textDocument.uri, params.position, params.newName));
  connection.onHover((params) => workspace.hover(params.textDocument.uri, params.position));
  connection.onCompletion((params) => workspace.completion(params.textDocument.uri, params.position));
  connection.onDocumentSymbol((params) => workspace.documentSymbols(params.textDocument.uri));
  connection.onDocumentFormatting((params) => workspace.format(params.textDocument.uri));
  connection.onCodeAction((params) => workspace.codeActions(params));

  documents.listen(connection);
  connection.listen();
}

/** libcc's own templates: `templates/` of the package (two levels above this module in src/ and dist/). */
function defaultTemplatesDir(): string {
  return fileURLToPath(new URL('../../templates', import.meta.url));
}

/** `libcc lsp`: the server on stdin/stdout. Anything logged goes to stderr, never into the protocol. */
export function lspCommand(): void {
  const toStderr = (...args: unknown[]) => {
    process.stderr.write(`${format(...args)}\n`);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
  startLanguageServer(process.stdin, process.stdout);
}

// ---------------------------------------------------------------------------------------------
// Paths and positions
// ---------------------------------------------------------------------------------------------

/** The program path of a document: the file system path for `file:` URIs, else the URI itself. */
export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return displayPath(fileURLToPath(uri));
    } catch {
      // A malformed file URI: fall through and key it by its text.
    }
  }
  return displayPath(uri);
}

/** An absolute file system path (posix, or a Windows drive path with `/`). */
function isFileSystemPath(path: string): boolean {
  return posix.isAbsolute(path) || /^[A-Za-z]:\//.test(path);
}

function lspPosition(source: SourceFile, offset: number): LspPosition {
  const p = positionAt(source, offset);
  return { line: p.line - 1, character: p.column - 1 };
}

function lspRange(source: SourceFile | undefined, span: Span): Range {
  if (source === undefined) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { start: lspPosition(source, span.start), end: lspPosition(source, Math.max(span.start, span.end)) };
}

/** The identifier at (or right before) an offset, or ''. */
function wordAt(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1]!)) start--;
  let end = offset;
  while (end < text.length && /[A-Za-z0-9_]/.test(text[end]!)) end++;
  return text.slice(start, end);
}

/** The offset of an LSP position in a source (clamped to its line and to the text). */
function offsetOf(source: SourceFile, position: LspPosition): number {
  const starts = source.lineStarts;
  if (position.line < 0) return 0;
  const start = starts[position.line];
  if (start === undefined) return source.text.length;
  const next = starts[position.line + 1] ?? source.text.length;
  let lineEnd = next;
  while (lineEnd > start && (source.text[lineEnd - 1] === '\n' || source.text[lineEnd - 1] === '\r')) lineEnd--;
  return Math.min(start + Math.max(0, position.character), lineEnd);
}

// ---------------------------------------------------------------------------------------------
// The workspace: programs of the open documents, their diagnostics, and what was published
// ---------------------------------------------------------------------------------------------

interface Analysis extends ProgramView {
  /** Every diagnostic of the driver's analysis. */
  readonly diagnostics: readonly Diagnostic[];
}

/** What a published diagnostic carries in `data`: its fixes, ready to apply. */
interface DiagnosticData {
  readonly fixes: readonly { readonly title: string; readonly uri: string; readonly range: Range; readonly newText: string }[];
}

/** The error pages of the installed package (`docs/errors/LCPxxxx.md`). */
function defaultErrorDocsDir(): string {
  return fileURLToPath(new URL('../../docs/errors', import.meta.url));
}

const SYMBOL_KINDS: Readonly<Record<OutlineKind, SymbolKind>> = {
  pipeline: SymbolKind.Module,
  env: SymbolKind.Variable,
  site: SymbolKind.Namespace,
  tool: SymbolKind.Function,
  queue: SymbolKind.Object,
  node: SymbolKind.Class,
  library: SymbolKind.Package,
  corner: SymbolKind.Constant,
  'corner set': SymbolKind.Array,
  dimension: SymbolKind.Enum,
  stage: SymbolKind.Event,
  template: SymbolKind.Interface,
  attribute: SymbolKind.Field,
  property: SymbolKind.Property,
  block: SymbolKind.Struct,
};

const COMPLETION_KINDS: Readonly<Record<CompletionKind, CompletionItemKind>> = {
  property: CompletionItemKind.Property,
  unit: CompletionItemKind.Unit,
  variable: CompletionItemKind.Variable,
  field: CompletionItemKind.Field,
  keyword: CompletionItemKind.Keyword,
  stage: CompletionItemKind.Event,
  queue: CompletionItemKind.Reference,
  tool: CompletionItemKind.Function,
  corner: CompletionItemKind.Constant,
  'corner set': CompletionItemKind.Constant,
  node: CompletionItemKind.Class,
  library: CompletionItemKind.Module,
  env: CompletionItemKind.Variable,
  template: CompletionItemKind.Interface,
  attribute: CompletionItemKind.Field,
  dimension: CompletionItemKind.Enum,
};

class Workspace {
  /** Programs by root path: every program that contains an open document. */
  private readonly analyses = new Map<string, Analysis>();
  /** The URIs of documents opened (now or before) by program path, as the client spelt them. */
  private readonly uris = new Map<string, string>();
  /** What was last published, by program path (JSON), so only changes are sent. */
  private readonly published = new Map<string, string>();
  /** Whether the error page of a code exists, by code. */
  private readonly errorPages = new Map<string, string | undefined>();
  private readonly errorDocsDir = defaultErrorDocsDir();

  private readonly host: LoaderHost = {
    readFile: (path) => {
      const document = this.openDocument(path);
      if (document !== undefined) return document.getText();
      if (!isFileSystemPath(path)) return undefined; // a file of a non-file URI that is not open
      // As the CLI reads it: a regular file of at most 16 MiB, never a device or a FIFO (a hostile
      // `import "/dev/zero"` would otherwise hang the server or fill its memory).
      return safeFileSystemHost.readFile(path);
    },
    // Imports that a symbolic link takes out of the root's directory are refused, as in the CLI.
    realPath: (path) => (isFileSystemPath(path) ? safeFileSystemHost.realPath(path) : undefined),
  };

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly builtinTemplates: string,
  ) {}

  changed(uri: string): void {
    this.guard(`checking ${uri}`, () => {
      const path = uriToPath(uri);
      this.uris.set(path, uri);
      this.update(path);
    });
  }

  closed(uri: string): void {
    this.guard(`closing ${uri}`, () => this.update(uriToPath(uri)));
  }

  definition(uri: string, position: LspPosition): Location | null {
    return this.guard(`finding a definition in ${uri}`, () => {
      const path = uriToPath(uri);
      let analysis = this.analysisOf(path);
      if (analysis === undefined && this.openDocument(path) !== undefined) {
        this.uris.set(path, uri);
        this.update(path);
        analysis = this.analysisOf(path);
      }
      const source = analysis?.loaded.sources.get(path);
      if (analysis === undefined || source === undefined) return null;
      const offset = offsetOf(source, position);
      // Names: the checker's bindings, as for references and rename. What they do not hold —
      // an import path (→ the file) and a name that is no binding's (the pipeline's, a second
      // declaration's: → itself) — comes from the AST walk.
      const bound = bindingAt(this.viewsOf(path), path, offset);
      if (bound) return this.location(bound.hit.binding.declaration);
      const found = findDefinition(analysis.loaded, path, offset);
      if (found === undefined) return null;
      const self = found.origin.file === found.target.file && found.origin.start === found.target.start && found.origin.end === found.target.end;
      if (found.kind !== 'file' && !self) return null;
      return this.location(found.target);
    }) ?? null;
  }

  references(uri: string, position: LspPosition, includeDeclaration: boolean): Location[] | null {
    return this.guard(`finding references in ${uri}`, () => {
      const at = this.at(uri, position);
      if (at === undefined) return null;
      const views = this.viewsOf(at.path);
      const bound = bindingAt(views, at.path, at.offset);
      if (bound === undefined) return null;
      return occurrences(views, bound.hit.binding, includeDeclaration).map((span) => this.location(span));
    }) ?? null;
  }

  prepareRename(uri: string, position: LspPosition): { range: Range; placeholder: string } | ResponseError<void> | null {
    return this.guard(`preparing a rename in ${uri}`, () => {
      const at = this.at(uri, position);
      if (at === undefined) return null;
      const target = renameTarget(this.viewsOf(at.path), at.path, at.offset, wordAt(at.text, at.offset));
      if (!target.ok) return new ResponseError(LSPErrorCodes.RequestFailed, target.message);
      const { hit, view } = target.located;
      return { range: lspRange(view.loaded.sources.get(hit.span.file), hit.span), placeholder: hit.binding.name };
    }) ?? null;
  }

  rename(uri: string, position: LspPosition, newName: string): WorkspaceEdit | ResponseError<void> | null {
    return this.guard(`renaming in ${uri}`, () => {
      const at = this.at(uri, position);
      if (at === undefined) return null;
      const views = this.viewsOf(at.path);
      const target = renameTarget(views, at.path, at.offset, wordAt(at.text, at.offset));
      if (!target.ok) return new ResponseError(LSPErrorCodes.RequestFailed, target.message);
      const invalid = invalidNewName(target.located, newName);
      if (invalid !== undefined) return new ResponseError(LSPErrorCodes.RequestFailed, `cannot rename to \`${newName}\`: ${invalid}`);
      const changes: Record<string, TextEdit[]> = {};
      if (newName === target.located.hit.binding.name) return { changes };
      for (const span of renameSpans(views, target.located)) {
        const source = views.map((v) => v.loaded.sources.get(span.file)).find((s) => s !== undefined);
        (changes[this.uriOf(span.file)] ??= []).push({ range: lspRange(source, span), newText: newName });
      }
      return { changes };
    }) ?? null;
  }

  hover(uri: string, position: LspPosition): Hover | null {
    return this.guard(`hovering in ${uri}`, () => {
      const at = this.at(uri, position);
      if (at === undefined) return null;
      for (const view of this.viewsOf(at.path)) {
        const found = hover(view, at.path, at.offset);
        if (found) return { contents: { kind: MarkupKind.Markdown, value: found.markdown }, range: lspRange(at.source, found.span) };
      }
      return null;
    }) ?? null;
  }

  completion(uri: string, position: LspPosition): CompletionItem[] {
    return this.guard(`completing in ${uri}`, () => {
      const at = this.at(uri, position);
      const view = at && this.viewsOf(at.path)[0];
      if (at === undefined || view === undefined) return [];
      return complete(view, at.path, at.offset).map((item, index): CompletionItem => ({
        label: item.label,
        kind: COMPLETION_KINDS[item.kind],
        ...(item.detail ? { detail: item.detail } : {}),
        ...(item.documentation ? { documentation: { kind: MarkupKind.Markdown, value: item.documentation } } : {}),
        sortText: String(index).padStart(4, '0'),
        filterText: item.label,
        textEdit: { range: lspRange(at.source, { file: at.path, ...item.replace }), newText: item.insertText ?? item.label },
      }));
    }) ?? [];
  }

  documentSymbols(uri: string): DocumentSymbol[] {
    return this.guard(`listing the symbols of ${uri}`, () => {
      const path = uriToPath(uri);
      const view = this.viewsOf(path)[0];
      const file = view?.loaded.files.find((f) => f.path === path);
      const source = view?.loaded.sources.get(path);
      if (file === undefined || source === undefined) return [];
      const convert = (symbol: OutlineSymbol): DocumentSymbol => ({
        name: symbol.name,
        kind: SYMBOL_KINDS[symbol.kind],
        ...(symbol.detail ? { detail: symbol.detail } : {}),
        range: lspRange(source, symbol.span),
        selectionRange: lspRange(source, symbol.selection),
        children: symbol.children.map(convert),
      });
      return outline(file, (span) => source.text.slice(span.start, span.end)).map(convert);
    }) ?? [];
  }

  /** `libcc fmt` on an open `.lcp` document: one edit of the whole text, none when formatted or broken. */
  format(uri: string): TextEdit[] {
    return this.guard(`formatting ${uri}`, () => {
      const document = this.documents.get(uri);
      const path = uriToPath(uri);
      if (document === undefined || !(path.endsWith('.lcp') || document.languageId === 'lcp')) return [];
      const text = document.getText();
      const result = formatLcp(createSourceFile(path, text));
      if (!('text' in result) || result.text === text) return [];
      return [{ range: { start: { line: 0, character: 0 }, end: document.positionAt(text.length) }, newText: result.text }];
    }) ?? [];
  }

  /** Quick fixes: the fixes the diagnostics carry (did-you-mean suggestions and the like). */
  codeActions(params: CodeActionParams): CodeAction[] {
    return this.guard(`computing code actions in ${params.textDocument.uri}`, () => {
      if (params.context.only && !params.context.only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
      const actions: CodeAction[] = [];
      for (const diagnostic of params.context.diagnostics) {
        const data = (diagnostic.data ?? this.publishedData(params.textDocument.uri, diagnostic)) as DiagnosticData | undefined;
        if (!data || !Array.isArray(data.fixes)) continue;
        data.fixes.forEach((fix, index) => {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            ...(index === 0 ? { isPreferred: true } : {}),
            edit: { changes: { [fix.uri]: [{ range: fix.range, newText: fix.newText }] } },
          });
        });
      }
      return actions;
    }) ?? [];
  }

  /** Files changed on disk (`workspace/didChangeWatchedFiles`): re-check the programs that read them. */
  filesChanged(changes: readonly FileEvent[]): void {
    this.guard('re-checking changed files', () => {
      const roots = new Set<string>();
      for (const change of changes) {
        const path = uriToPath(change.uri);
        if (this.openDocument(path) !== undefined) continue; // the editor's text wins
        for (const [root, analysis] of this.analyses) {
          // A file created or deleted may be an import that was missing (or is now).
          if (analysis.loaded.sources.has(path) || change.type !== FileChangeType.Changed) roots.add(root);
        }
      }
      if (roots.size === 0) return;
      for (const root of roots) this.analyse(root);
      this.publish();
    });
  }

  logError(what: string, error: unknown): void {
    this.log(what, error);
  }

  /** The path, source, offset and text of a position in a checked document. */
  private at(uri: string, position: LspPosition): { path: string; source: SourceFile; offset: number; text: string } | undefined {
    const path = uriToPath(uri);
    if (this.analysisOf(path) === undefined && this.openDocument(path) !== undefined) {
      this.uris.set(path, uri);
      this.update(path);
    }
    const source = this.analysisOf(path)?.loaded.sources.get(path);
    if (source === undefined) return undefined;
    return { path, source, offset: offsetOf(source, position), text: source.text };
  }

  /** Every program that contains the file, the one it was found in first. */
  private viewsOf(path: string): Analysis[] {
    const first = this.analysisOf(path);
    if (first === undefined) return [];
    return [first, ...[...this.analyses.values()].filter((a) => a !== first && a.loaded.sources.has(path))];
  }

  private location(span: Span): Location {
    const source = [...this.analyses.values()].map((a) => a.loaded.sources.get(span.file)).find((s) => s !== undefined);
    return { uri: this.uriOf(span.file), range: lspRange(source, span) };
  }

  /** The fixes of a published diagnostic, for clients that do not send `data` back. */
  private publishedData(uri: string, diagnostic: LspDiagnostic): unknown {
    const json = this.published.get(uriToPath(uri));
    if (json === undefined) return undefined;
    const list = JSON.parse(json) as LspDiagnostic[];
    const same = list.find((d) => d.code === diagnostic.code && d.message === diagnostic.message && JSON.stringify(d.range) === JSON.stringify(diagnostic.range));
    return same?.data;
  }

  /** Re-checks every program that contains `path`, finds programs for uncovered open documents, publishes. */
  private update(path: string): void {
    for (const [root, analysis] of [...this.analyses]) if (analysis.loaded.sources.has(path)) this.analyse(root);
    // A document that declares a pipeline is a program of its own, even when another imports it.
    if (this.openDocument(path) !== undefined && !this.analyses.has(path) && this.declaresPipeline(path)) this.analyse(path);
    for (const open of this.openPaths()) {
      if (this.analysisOf(open) !== undefined) continue;
      for (const root of this.rootsFor(open)) this.analyse(root);
      if (this.analysisOf(open) === undefined) this.analyse(open);
    }
    // Programs none of whose files is open any more are forgotten (their diagnostics cleared).
    for (const [root, analysis] of [...this.analyses]) {
      if (![...analysis.loaded.sources.keys()].some((file) => this.openDocument(file) !== undefined)) this.analyses.delete(root);
    }
    this.publish();
  }

  private analyse(root: string): void {
    try {
      const loaded = loadProgram(root, this.host);
      if (loaded === undefined) {
        this.analyses.delete(root);
        return;
      }
      // The same analysis as `libcc check`/`compile`: the editor shows what CI would report.
      const templates = fileSystemTemplates({ flowDir: posix.dirname(root), builtinDir: this.builtinTemplates });
      const analysis = analyse(loaded, { templates });
      this.analyses.set(root, {
        loaded,
        diagnostics: analysis.diagnostics,
        bindings: analysis.bindings,
        ...(analysis.program ? { program: analysis.program } : {}),
        ...(analysis.plan ? { plan: analysis.plan } : {}),
      });
    } catch (error) {
      this.log(`checking ${root}`, error);
    }
  }

  /** Pipelines next to a file without one that import it (directly or not). */
  private rootsFor(path: string): string[] {
    if (!isFileSystemPath(path)) return [];
    if (path.endsWith('.lcp') && this.declaresPipeline(path)) return [path];
    const dir = posix.dirname(path);
    let names: string[];
    try {
      names = readdirSync(dir).filter((name) => name.endsWith('.lcp')).sort();
    } catch {
      return [];
    }
    const roots: string[] = [];
    for (const name of names.slice(0, MAX_SIBLINGS)) {
      const candidate = posix.join(dir, name);
      // A sibling that links out of the directory is not read, as the CLI refuses it: its lines
      // would come back as diagnostics (`evil.lcp -> ~/secret.lcp`, committed).
      if (candidate === path || linkLeavesDirectory(candidate) !== undefined || !this.declaresPipeline(candidate)) continue;
      const loaded = loadProgram(candidate, this.host);
      if (loaded?.sources.has(path)) roots.push(candidate);
    }
    return roots;
  }

  private declaresPipeline(path: string): boolean {
    if (!path.endsWith('.lcp')) return false;
    const text = this.host.readFile(path);
    if (text === undefined) return false;
    return parseLcp(createSourceFile(path, text)).file.declarations.some((d) => d.kind === 'PipelineDecl');
  }

  /** Diagnostics of every file that is open or has some, each once; clears what disappeared. */
  private publish(): void {
    const next = new Map<string, LspDiagnostic[]>();
    const seen = new Set<string>();
    for (const analysis of this.analyses.values()) {
      for (const file of analysis.loaded.sources.keys()) {
        if (this.openDocument(file) !== undefined && !next.has(file)) next.set(file, []);
      }
      for (const d of analysis.diagnostics) {
        const key = `${d.code}\u0000${d.primary.span.file}\u0000${d.primary.span.start}\u0000${d.primary.span.end}\u0000${d.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const list = next.get(d.primary.span.file) ?? [];
        list.push(this.toLsp(d, analysis.loaded.sources));
        next.set(d.primary.span.file, list);
      }
    }
    // Files published before that are neither open nor have diagnostics now are cleared once.
    for (const file of this.published.keys()) if (!next.has(file)) next.set(file, []);
    for (const [file, diagnostics] of next) {
      const json = JSON.stringify(diagnostics);
      if (this.published.get(file) !== json) void this.connection.sendDiagnostics({ uri: this.uriOf(file), diagnostics });
      if (diagnostics.length === 0 && this.openDocument(file) === undefined) this.published.delete(file);
      else this.published.set(file, json);
    }
  }

  private toLsp(d: Diagnostic, sources: ReadonlyMap<string, SourceFile>): LspDiagnostic {
    const lines = [d.message, ...d.notes.map((note) => `note: ${note}`), ...(d.help === undefined ? [] : [`help: ${d.help}`])];
    const related: DiagnosticRelatedInformation[] = d.secondary.map((label) => ({
      location: { uri: this.uriOf(label.span.file), range: lspRange(sources.get(label.span.file), label.span) },
      message: label.message === '' ? 'related' : label.message,
    }));
    const page = this.errorPage(d.code);
    const fixes: DiagnosticData['fixes'] = (d.fixes ?? []).map((fix) => ({
      title: fix.title,
      uri: this.uriOf(fix.span.file),
      range: lspRange(sources.get(fix.span.file), fix.span),
      newText: fix.replacement,
    }));
    return {
      range: lspRange(sources.get(d.primary.span.file), d.primary.span),
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: d.code,
      ...(page ? { codeDescription: { href: page } } : {}),
      source: 'libcc',
      message: lines.join('\n'),
      ...(related.length > 0 ? { relatedInformation: related } : {}),
      ...(fixes.length > 0 ? { data: { fixes } satisfies DiagnosticData } : {}),
    };
  }

  /** The `file:` URI of the code's page in the installed package's `docs/errors/`, when it exists. */
  private errorPage(code: string): string | undefined {
    if (!this.errorPages.has(code)) {
      const path = posix.join(this.errorDocsDir.replace(/\\/g, '/'), `${code}.md`);
      this.errorPages.set(code, existsSync(path) ? pathToFileURL(path).href : undefined);
    }
    return this.errorPages.get(code);
  }

  private analysisOf(path: string): Analysis | undefined {
    if (this.analyses.has(path)) return this.analyses.get(path);
    for (const analysis of this.analyses.values()) if (analysis.loaded.sources.has(path)) return analysis;
    return undefined;
  }

  private openDocument(path: string): TextDocument | undefined {
    const uri = this.uris.get(path);
    return uri === undefined ? undefined : this.documents.get(uri);
  }

  private openPaths(): string[] {
    return this.documents.all().map((document) => uriToPath(document.uri));
  }

  private uriOf(path: string): string {
    const known = this.uris.get(path);
    if (known !== undefined) return known;
    return isFileSystemPath(path) ? pathToFileURL(path).href : path;
  }

  private guard<T>(what: string, run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      this.log(what, error);
      return undefined;
    }
  }

  private log(what: string, error: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    try {
      this.connection.console.error(`libcc: internal error while ${what}: ${detail}`);
    } catch {
      // The connection is gone: nothing to report to.
    }
  }
}
