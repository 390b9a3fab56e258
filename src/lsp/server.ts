/**
 * `libcc lsp`: a minimal language server over stdio. It publishes the diagnostics of the driver's
 * analysis (src/driver: the same as `libcc check`) and answers go-to-definition.
 * Synchronous and without debouncing: every open or change re-checks the programs the document
 * belongs to. See README.md in this folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import {
  createConnection,
  DiagnosticSeverity,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
  type InitializeResult,
  type Location,
  type Position as LspPosition,
  type Range,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyse } from '../driver/analyse.js';
import { fileSystemTemplates } from '../driver/templates.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createSourceFile, positionAt, type SourceFile } from '../diagnostics/source.js';
import type { Span } from '../diagnostics/span.js';
import { parseLcp } from '../syntax/parse.js';
import { displayPath, loadProgram, type LoadedProgram, type LoaderHost } from '../syntax/load.js';
import { findDefinition } from './definitions.js';

/** At most this many sibling `.lcp` files are tried when looking for the pipeline that imports a file. */
const MAX_SIBLINGS = 64;

/** Serves the protocol on the given streams until the client sends `exit` (which ends the process). */
export function startLanguageServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, builtinTemplates = defaultTemplatesDir()): void {
  const connection = createConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace(connection, documents, builtinTemplates);

  connection.onInitialize(
    (): InitializeResult => ({
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Full,
        definitionProvider: true,
      },
      serverInfo: { name: 'libcc' },
    }),
  );

  documents.onDidChangeContent((event) => workspace.changed(event.document.uri));
  documents.onDidClose((event) => workspace.closed(event.document.uri));
  connection.onDefinition((params) => workspace.definition(params.textDocument.uri, params.position));

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

interface Analysis {
  readonly loaded: LoadedProgram;
  /** Every diagnostic of the driver's analysis. */
  readonly diagnostics: readonly Diagnostic[];
}

class Workspace {
  /** Programs by root path: every program that contains an open document. */
  private readonly analyses = new Map<string, Analysis>();
  /** The URIs of documents opened (now or before) by program path, as the client spelt them. */
  private readonly uris = new Map<string, string>();
  /** What was last published, by program path (JSON), so only changes are sent. */
  private readonly published = new Map<string, string>();

  private readonly host: LoaderHost = {
    readFile: (path) => {
      const document = this.openDocument(path);
      if (document !== undefined) return document.getText();
      if (!isFileSystemPath(path)) return undefined; // a file of a non-file URI that is not open
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
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
      const found = findDefinition(analysis.loaded, path, offsetOf(source, position));
      if (found === undefined) return null;
      return { uri: this.uriOf(found.target.file), range: lspRange(analysis.loaded.sources.get(found.target.file), found.target) };
    }) ?? null;
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
      const { diagnostics } = analyse(loaded, { templates });
      this.analyses.set(root, { loaded, diagnostics });
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
      if (candidate === path || !this.declaresPipeline(candidate)) continue;
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
    return {
      range: lspRange(sources.get(d.primary.span.file), d.primary.span),
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: d.code,
      source: 'libcc',
      message: lines.join('\n'),
      ...(related.length > 0 ? { relatedInformation: related } : {}),
    };
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
