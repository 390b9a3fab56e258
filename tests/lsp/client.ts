/**
 * A JSON-RPC client for the built language server (tests/lsp/run-server.mjs in a child
 * process): requests with a timeout, the diagnostics it publishes, what it logs.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type MessageConnection,
  type Position,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node.js';

const SERVER = 'tests/lsp/run-server.mjs';
export const TIMEOUT = 10_000;

/** The 0-based LSP position of the `occurrence`-th `needle` (plus `delta` characters). */
export function positionOf(text: string, needle: string, occurrence = 1, delta = 0): Position {
  let at = -1;
  for (let i = 0; i < occurrence; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, at + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

export function rangeOf(text: string, needle: string, occurrence = 1) {
  const start = positionOf(text, needle, occurrence);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

export function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), TIMEOUT);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export class TestClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: MessageConnection;
  /** stderr and `window/logMessage`: nothing is expected there. */
  log = '';
  readonly published: PublishDiagnosticsParams[] = [];
  /** `client/registerCapability` requests the server sent. */
  readonly registrations: unknown[] = [];
  private readonly waiters: { uri: string; resolve: (diagnostics: Diagnostic[]) => void }[] = [];

  constructor() {
    if (!existsSync('dist/lsp/server.js')) throw new Error('dist/lsp/server.js is missing: run `npm run build` first');
    this.child = spawn(process.execPath, [SERVER], { stdio: 'pipe' });
    this.child.stderr.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push(params);
      const index = this.waiters.findIndex((w) => w.uri === params.uri);
      if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(params.diagnostics);
    });
    this.connection.onNotification('window/logMessage', (params: { message: string }) => (this.log += `${params.message}\n`));
    this.connection.onRequest('client/registerCapability', (params: { registrations: unknown[] }) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    this.connection.listen();
  }

  request<T>(method: string, params?: unknown): Promise<T> {
    return withTimeout(this.connection.sendRequest<T>(method, params), method);
  }

  notify(method: string, params?: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** The next diagnostics published for `uri` (after this call). */
  nextDiagnostics(uri: string): Promise<Diagnostic[]> {
    return withTimeout(new Promise((resolve) => this.waiters.push({ uri, resolve })), `diagnostics for ${uri}`);
  }

  /** Opens a document and waits for its diagnostics. */
  async open(uri: string, text: string, languageId = 'lcp'): Promise<Diagnostic[]> {
    const diagnostics = this.nextDiagnostics(uri);
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return diagnostics;
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.on('exit', (code) => resolve(code)));
    await this.request('shutdown');
    await this.notify('exit');
    const code = await withTimeout(exited, 'the server to exit');
    this.connection.dispose();
    return code;
  }

  kill(): void {
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }
}
