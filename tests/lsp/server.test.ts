/**
 * The language server end to end: the built server (dist/lsp/server.js) in a child process,
 * driven over stdio with JSON-RPC (Content-Length framing): initialize → didOpen →
 * publishDiagnostics → didChange → definition → shutdown/exit.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type Location,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node.js';
import { positionOf, rangeOf, withTimeout } from './client.js';

const SERVER = 'tests/lsp/run-server.mjs';

const MAIN = `pipeline t
import "corners.yaml"
node n { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
library lib : n { corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typicl] }
stage prep for each library, corner { run = shell "echo \${corner.name}"  expect "x" >= 1 }
stage s for each library, corner after prep { run = shell "echo \${corner.name}"  expect "y" >= 1 }
`;
const FIXED = MAIN.replace('ss_0p675v_m40c_typicl', 'ss_0p675v_m40c_typical');
const CORNERS = `corners:
  - name: ss_0p675v_m40c_typical
`;

describe('libcc language server over stdio', () => {
  let dir: string;
  let mainUri: string;
  let cornersUri: string;
  let child: ChildProcessWithoutNullStreams;
  let client: MessageConnection;
  let stderr = '';
  const published: PublishDiagnosticsParams[] = [];
  const waiters: { uri: string; resolve: (diagnostics: Diagnostic[]) => void }[] = [];

  /** The next diagnostics published for `uri` (after this call). */
  const nextDiagnostics = (uri: string): Promise<Diagnostic[]> =>
    withTimeout(new Promise((resolve) => waiters.push({ uri, resolve })), `diagnostics for ${uri}`);

  beforeAll(() => {
    if (!existsSync('dist/lsp/server.js')) throw new Error('dist/lsp/server.js is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'libcc-lsp-'));
    writeFileSync(join(dir, 'main.lcp'), MAIN);
    writeFileSync(join(dir, 'corners.yaml'), CORNERS);
    mainUri = pathToFileURL(join(dir, 'main.lcp')).href;
    cornersUri = pathToFileURL(join(dir, 'corners.yaml')).href;

    child = spawn(process.execPath, [SERVER], { stdio: 'pipe' });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      published.push(params);
      const index = waiters.findIndex((w) => w.uri === params.uri);
      if (index >= 0) waiters.splice(index, 1)[0]!.resolve(params.diagnostics);
    });
    // The server logs internal errors to the client: none are expected.
    client.onNotification('window/logMessage', (params: { message: string }) => (stderr += `${params.message}\n`));
    client.listen();
  });

  afterAll(() => {
    client?.dispose();
    if (child && child.exitCode === null) child.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers initialize with full document sync and definitions', async () => {
    const result = await withTimeout(
      client.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
        processId: process.pid,
        rootUri: pathToFileURL(dir).href,
        capabilities: {},
      }),
      'initialize',
    );
    expect(result.capabilities).toMatchObject({ textDocumentSync: 1, definitionProvider: true });
    await client.sendNotification('initialized', {});
  });

  it('publishes the checker’s diagnostics when a document is opened', async () => {
    const diagnostics = nextDiagnostics(mainUri);
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: mainUri, languageId: 'lcp', version: 1, text: MAIN },
    });
    const received = await diagnostics;
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      code: 'LCP2001',
      severity: 1,
      source: 'libcc',
      range: rangeOf(MAIN, 'ss_0p675v_m40c_typicl'),
    });
    expect(received[0]!.message).toMatch(/^unknown corner `ss_0p675v_m40c_typicl`\nhelp: did you mean `ss_0p675v_m40c_typical`/);
  });

  it('clears the diagnostics when a change fixes the mistake', async () => {
    const diagnostics = nextDiagnostics(mainUri);
    await client.sendNotification('textDocument/didChange', {
      textDocument: { uri: mainUri, version: 2 },
      contentChanges: [{ text: FIXED }],
    });
    expect(await diagnostics).toEqual([]);
  });

  it('goes from a stage name in `after` to the stage declaration', async () => {
    const location = await withTimeout(
      client.sendRequest<Location | null>('textDocument/definition', {
        textDocument: { uri: mainUri },
        position: positionOf(FIXED, 'after prep', 1, 8),
      }),
      'definition',
    );
    expect(location).toEqual({ uri: mainUri, range: rangeOf(FIXED, 'prep') });
  });

  it('goes from a corner in a library’s list to its entry in the YAML corner table', async () => {
    const location = await withTimeout(
      client.sendRequest<Location | null>('textDocument/definition', {
        textDocument: { uri: mainUri },
        position: positionOf(FIXED, 'ss_0p675v_m40c_typical', 1, 5),
      }),
      'definition',
    );
    expect(location).toEqual({ uri: cornersUri, range: rangeOf(CORNERS, 'ss_0p675v_m40c_typical') });
  });

  it('answers null where there is nothing to go to', async () => {
    const location = await withTimeout(
      client.sendRequest<Location | null>('textDocument/definition', {
        textDocument: { uri: mainUri },
        position: positionOf(FIXED, 'pipeline', 1, 2),
      }),
      'definition',
    );
    expect(location).toBeNull();
  });

  it('publishes what `libcc check` reports: stage-graph, job-graph and deck-template errors', async () => {
    const cyclic = `${FIXED}stage a after b { run = shell "x"  expect "x" >= 1 }\nstage b after a { run = shell "x"  expect "x" >= 1 }\n`;
    let diagnostics = nextDiagnostics(mainUri);
    await client.sendNotification('textDocument/didChange', { textDocument: { uri: mainUri, version: 3 }, contentChanges: [{ text: cyclic }] });
    expect((await diagnostics).map((d) => d.code)).toEqual(['LCP4001']);

    // A deck next to the pipeline that names a field the deck view does not have (LCP6002).
    writeFileSync(join(dir, 'op.tcl.hbs'), 'set_operating_condition -voltage {{corner.volts}}\n');
    const decked = `${FIXED}tool lib_tool { path = "/bin/true"  kind = liberate }\nstage d for each library, corner { run = lib_tool deck "op.tcl.hbs"  expect "x" >= 1 }\n`;
    diagnostics = nextDiagnostics(mainUri);
    await client.sendNotification('textDocument/didChange', { textDocument: { uri: mainUri, version: 4 }, contentChanges: [{ text: decked }] });
    expect((await diagnostics).filter((d) => d.severity === 1).map((d) => d.code)).toEqual(['LCP6002']);

    diagnostics = nextDiagnostics(mainUri);
    await client.sendNotification('textDocument/didChange', { textDocument: { uri: mainUri, version: 5 }, contentChanges: [{ text: FIXED }] });
    expect(await diagnostics).toEqual([]);
  });

  it('checks a file without a pipeline as part of the pipeline next to it that imports it', async () => {
    const diagnostics = nextDiagnostics(cornersUri);
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: cornersUri, languageId: 'yaml', version: 1, text: CORNERS.replace('typical', 'typical\n    mc_samples: 0') },
    });
    // Checked alone it would have no pipeline (LCP2004); within main.lcp's program, only its own mistake.
    const received = await diagnostics;
    expect(received.map((d) => [d.code, d.range.start.line])).toEqual([['LCP3005', 2]]);
    const cleared = nextDiagnostics(cornersUri);
    await client.sendNotification('textDocument/didClose', { textDocument: { uri: cornersUri } });
    expect(await cleared).toEqual([]);
  });

  it('finds the pipeline that imports an opened file among the .lcp files next to it', async () => {
    // examples/n2_tanager/site.lcp is imported by flow.lcp, which is not open.
    const path = resolve('examples/n2_tanager/site.lcp');
    const uri = pathToFileURL(path).href;
    const text = readFileSync(path, 'utf8');
    const diagnostics = nextDiagnostics(uri);
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'lcp', version: 1, text } });
    expect(await diagnostics).toEqual([]);
    const location = await withTimeout(
      client.sendRequest<Location | null>('textDocument/definition', {
        textDocument: { uri },
        position: positionOf(text, 'default_queue = normal', 1, 18),
      }),
      'definition',
    );
    expect(location).toEqual({ uri, range: rangeOf(text, 'normal', 2) });
    // It had no diagnostics: closing it publishes nothing.
    await client.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('survives documents that are not files and requests about unknown documents', async () => {
    const uri = 'untitled:Untitled-1';
    const diagnostics = nextDiagnostics(uri);
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'lcp', version: 1, text: 'stage ( { "\u{1F600} import "nowhere.lcp"\n' },
    });
    const codes = (await diagnostics).map((d) => d.code);
    expect(codes).toContain('LCP2004');
    expect(codes.some((code) => String(code).startsWith('LCP1'))).toBe(true);
    const nothing = await withTimeout(
      client.sendRequest<Location | null>('textDocument/definition', {
        textDocument: { uri: 'file:///no/such/file.lcp' },
        position: { line: 99, character: 99 },
      }),
      'definition',
    );
    expect(nothing).toBeNull();
    const cleared = nextDiagnostics(uri);
    await client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    expect(await cleared).toEqual([]);
  });

  it('reads imports from disk as the CLI does: no device, no FIFO, no link out of the directory', async () => {
    const repo = join(dir, 'hostile');
    mkdirSync(repo);
    writeFileSync(join(dir, 'secret.yaml'), 'corners: [TOP-SECRET\n');
    symlinkSync('/dev/zero', join(repo, 'zero.yaml'));
    symlinkSync(join(dir, 'secret.yaml'), join(repo, 'out.yaml'));
    expect(spawnSync('mkfifo', [join(repo, 'fifo.lcp')]).status).toBe(0);
    const text = 'pipeline h\nimport "zero.yaml"\nimport "fifo.lcp"\nimport "out.yaml"\nstage s { run = shell "true"  expect "x" >= 1 }\n';
    const uri = pathToFileURL(join(repo, 'flow.lcp')).href;
    const diagnostics = nextDiagnostics(uri);
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'lcp', version: 1, text } });
    const received = await diagnostics;
    // /dev/zero and the secret are behind links out (LCP2005); the FIFO is not a regular file (LCP2003), and is not waited on.
    expect(received.map((d) => [d.code, d.range.start.line])).toEqual([
      ['LCP2005', 1],
      ['LCP2003', 2],
      ['LCP2005', 3],
    ]);
    expect(JSON.stringify(received)).not.toContain('TOP-SECRET');
    const cleared = nextDiagnostics(uri);
    await client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    expect(await cleared).toEqual([]);
  });

  it('does not look for the importing pipeline in a sibling that links out of the directory, as the CLI refuses it', async () => {
    const repo = join(dir, 'siblings');
    mkdirSync(repo);
    // Out of the directory: a pipeline that imports the open file, with a secret in its mistakes.
    writeFileSync(join(dir, 'stolen.lcp'), 'pipeline stolen\nimport "site.lcp"\nlibrary TOP_SECRET_LIB : TOP_SECRET_NODE { corners = [tt] }\n');
    symlinkSync(join(dir, 'stolen.lcp'), join(repo, 'evil.lcp'));
    const text = 'corner tt_0p75v_25c_typical {}\n';
    const uri = pathToFileURL(join(repo, 'site.lcp')).href;
    const diagnostics = nextDiagnostics(uri);
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'lcp', version: 1, text } });
    // Checked on its own: no pipeline (LCP2004), not as part of evil.lcp's program.
    expect((await diagnostics).map((d) => d.code)).toContain('LCP2004');
    // A request answered after every notification sent before it.
    await withTimeout(client.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }), 'documentSymbol');
    expect(published.map((p) => p.uri)).not.toContain(pathToFileURL(join(repo, 'evil.lcp')).href);
    expect(JSON.stringify(published)).not.toContain('TOP_SECRET');
    const cleared = nextDiagnostics(uri);
    await client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    expect(await cleared).toEqual([]);
  });

  it('shuts down and exits cleanly', async () => {
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(await withTimeout(client.sendRequest('shutdown'), 'shutdown')).toBeNull();
    await client.sendNotification('exit');
    expect(await withTimeout(exited, 'the server to exit')).toBe(0);
    expect(stderr).toBe('');
    // Diagnostics were only ever published for open documents.
    expect(new Set(published.map((p) => p.uri))).toEqual(
      new Set([
        mainUri,
        cornersUri,
        pathToFileURL(resolve('examples/n2_tanager/site.lcp')).href,
        'untitled:Untitled-1',
        pathToFileURL(join(dir, 'hostile/flow.lcp')).href,
        pathToFileURL(join(dir, 'siblings/site.lcp')).href,
      ]),
    );
  });
});
