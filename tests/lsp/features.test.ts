/**
 * The language server's editor features end to end, over stdio against the built server:
 * hover, completion, document symbols, references, rename, formatting, quick fixes, links to
 * the error pages and re-checking when an imported file changes on disk.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, Hover, Location, TextEdit, WorkspaceEdit } from 'vscode-languageserver/node.js';
import { formatLcp } from '../../src/syntax/format.js';
import { createSourceFile } from '../../src/diagnostics/source.js';
import { positionOf, rangeOf, TestClient } from './client.js';

const SITE = `site { default_queue = normal }
queue normal { max_mem = 256GB  max_runtime = 24h  max_slots = 16 }
queue short { max_mem = 128GB  max_runtime = 2h  max_slots = 4 }
`;
const CORNERS = `corners:
  - name: ss_0p675v_m40c_typical
sets:
  slow: [ss_0p675v_m40c_typical]
`;
const MAIN = `pipeline t
import "site.lcp"
import "corners.yaml"
env ROOT: path = "/tools"
tool liberate { path = "\${ROOT}/bin/liberate" }
node n { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
library lib : n { corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical] }
library other : n { corners = slow }
stage prep for each library, corner {
  run = shell "echo \${corner.name} \${ROOT}"
  expect "x" >= 1
  resources { queue = short  mem = 64GB }
  estimate = 30m
}
stage char for each library, corner after prep where corner.name == ss_0p675v_m40c_typical {
  run = liberate
  expect "y" >= 1
}
`;

describe('libcc language server features', () => {
  let dir: string;
  let client: TestClient;
  let mainUri: string;
  let siteUri: string;
  let cornersUri: string;
  const uri = (name: string) => pathToFileURL(join(dir, name)).href;
  const at = (text: string, needle: string, occurrence = 1, delta = 0) => ({ textDocument: { uri: mainUri }, position: positionOf(text, needle, occurrence, delta) });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'libcc-lsp-features-'));
    writeFileSync(join(dir, 'main.lcp'), MAIN);
    writeFileSync(join(dir, 'site.lcp'), SITE);
    writeFileSync(join(dir, 'corners.yaml'), CORNERS);
    mainUri = uri('main.lcp');
    siteUri = uri('site.lcp');
    cornersUri = uri('corners.yaml');
    client = new TestClient();
  });

  afterAll(() => {
    client?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('advertises every capability and registers file watchers when the client can', async () => {
    const result = await client.request<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
    });
    expect(result.capabilities).toMatchObject({
      textDocumentSync: 1,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      hoverProvider: true,
      completionProvider: { triggerCharacters: expect.arrayContaining(['.', '{']) },
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
    });
    await client.notify('initialized', {});
    await expect.poll(() => client.registrations).toEqual([
      expect.objectContaining({
        method: 'workspace/didChangeWatchedFiles',
        registerOptions: { watchers: [{ globPattern: '**/*.lcp' }, { globPattern: '**/*.{yaml,yml}' }] },
      }),
    ]);
    expect(await client.open(mainUri, MAIN)).toEqual([]);
  });

  describe('hover', () => {
    const hoverText = async (needle: string, occurrence = 1, delta = 1) => {
      const hover = await client.request<Hover | null>('textDocument/hover', at(MAIN, needle, occurrence, delta));
      return hover === null ? null : (hover.contents as { kind: string; value: string });
    };

    it('shows a property’s value with its unit spelt out and converted', async () => {
      const contents = await hoverText('64GB');
      expect(contents?.kind).toBe('markdown');
      expect(contents?.value).toContain('**resources.mem** — memory');
      expect(contents?.value).toContain('memory, 64 GB = 64·10⁹ bytes');
      expect((await hoverText('30m'))?.value).toContain('duration, 30 m = 1800 seconds (30m)');
      expect((await hoverText('0.4V'))?.value).toContain('voltage, 0.4 V … 1.0 V');
    });

    it('shows a corner’s fields, also where it is used and when it is declared in YAML', async () => {
      const value = (await hoverText('tt_0p75v_25c_typical', 2))!.value;
      expect(value).toContain('**corner** `tt_0p75v_25c_typical`');
      expect(value).toContain('- process: `tt`');
      expect(value).toContain('- voltage: 0.75V');
      expect(value).toContain('- temperature: 25 °C');
      expect(value).toContain('- RC corner: `typical`');
      expect((await hoverText('ss_0p675v_m40c_typical'))!.value).toContain('- temperature: -40 °C');
    });

    it('shows a stage’s fan-out keys, job count and estimate from the plan', async () => {
      const value = (await hoverText('stage prep', 1, 7))!.value;
      expect(value).toContain('**stage** `prep`');
      expect(value).toContain('- for each: `library`, `corner`');
      // `lib` × 2 corners + `other` × its corner set `slow` (1 corner).
      expect(value).toContain('- jobs: 3');
      expect(value).toContain('- estimate: 30m per job (from its `estimate`)');
    });

    it('shows a library’s corners, a queue’s limits, a tool and an env variable', async () => {
      expect((await hoverText('library lib', 1, 9))!.value).toContain('- corners: 2: `tt_0p75v_25c_typical`, `ss_0p675v_m40c_typical`');
      const queue = (await hoverText('queue = short', 1, 9))!.value;
      expect(queue).toContain('**queue** `short`');
      expect(queue).toContain('- max memory: 128GB');
      expect((await hoverText('run = liberate', 1, 7))!.value).toContain('- path: `"${ROOT}/bin/liberate"`');
      expect((await hoverText('${ROOT}', 2, 3))!.value).toContain('- default: `/tools`');
      expect((await hoverText('${corner.name}', 1, 10))!.value).toContain('the corner’s name');
    });

    it('answers null where there is nothing to say', async () => {
      expect(await client.request('textDocument/hover', at(MAIN, 'pipeline', 1, 2))).toBeNull();
    });
  });

  describe('completion', () => {
    const labels = async (text: string, needle: string, delta: number, occurrence = 1) => {
      const version = text === MAIN ? undefined : await change(text);
      const items = await client.request<CompletionItem[]>('textDocument/completion', at(text, needle, occurrence, delta));
      if (version !== undefined) await change(MAIN);
      return items.map((i) => i.label);
    };
    let version = 10;
    const change = async (text: string) => {
      version++;
      await client.notify('textDocument/didChange', { textDocument: { uri: mainUri, version }, contentChanges: [{ text }] });
      return version;
    };

    it('offers corners and corner sets in a library’s list', async () => {
      // In program order: corners.yaml is imported before main.lcp declares its corner.
      expect(await labels(MAIN, '[tt_0p75v', 1)).toEqual(['ss_0p675v_m40c_typical', 'slow', 'tt_0p75v_25c_typical']);
    });

    it('offers stages after `after`, queues after `queue =`, tools after `run =`', async () => {
      expect(await labels(MAIN, 'after prep', 6)).toEqual(['prep']);
      expect(await labels(MAIN, 'queue = short', 8)).toEqual(['normal', 'short']);
      expect(await labels(MAIN, 'run = liberate', 6)).toEqual(['liberate', 'shell']);
    });

    it('puts a space between a trigger character and the name', async () => {
      const text = MAIN.replace('queue = short', 'queue =');
      await change(text);
      const items = await client.request<CompletionItem[]>('textDocument/completion', at(text, 'queue =', 1, 7));
      await change(MAIN);
      expect(items.map((i) => i.textEdit!.newText)).toEqual([' normal', ' short']);
    });

    it('offers env variables, built-ins and fields inside ${…}', async () => {
      expect(await labels(MAIN, '${ROOT}', 2, 2)).toEqual(['ROOT', 'work', 'out', 'pipeline', 'stage', 'node', 'library', 'corner', 'tool', 'prep', 'char']);
      expect(await labels(MAIN, '${corner.name}', 9)).toEqual(['name', 'process', 'voltage', 'temperature', 'rc', 'mc_samples']);
    });

    it('offers tools and their fields after ${tool., a stage\'s directories after ${STAGE.', async () => {
      const text = MAIN.replace(/(stage char[^\n]*\n)/, '$1  // ${tool.liberate.path} ${prep.work}\n');
      expect(await labels(text, '${tool.liberate', 7)).toEqual(['liberate']);
      expect(await labels(text, '${tool.liberate.path', 16)).toEqual(['path', 'version']);
      expect(await labels(text, '${prep.work', 7)).toEqual(['work', 'work_root']);
    });

    it('offers units of the property’s dimension after a number, replacing the partial unit', async () => {
      const items = await client.request<CompletionItem[]>('textDocument/completion', at(MAIN, '64GB', 1, 3));
      expect(items.map((i) => i.label)).toEqual(['B', 'KB', 'MB', 'GB', 'TB', 'KiB', 'MiB', 'GiB', 'TiB']);
      const start = positionOf(MAIN, '64GB', 1, 2);
      expect(items[3]!.textEdit).toEqual({ range: { start, end: { ...start, character: start.character + 1 } }, newText: 'GB' });
    });

    it('offers the block’s properties at the start of an item', async () => {
      const text = MAIN.replace('  estimate = 30m\n', '  estimate = 30m\n  \n');
      const properties = await labels(text, 'estimate = 30m\n  ', 17);
      // `run`, `resources` and `estimate` are already set.
      expect(properties).toEqual(['deck', 'fail_fast', 'array_limit', 'expect', 'retry']);
      const inResources = MAIN.replace('queue = short  mem = 64GB }', 'queue = short  mem = 64GB\n    \n  }');
      expect(await labels(inResources, 'mem = 64GB\n    ', 15)).toEqual(['cpus', 'runtime', 'licenses', 'requeue', 'scheduler']);
    });
  });

  it('lists the document’s symbols, properties nested in their declarations', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: mainUri } });
    expect(symbols.map((s) => s.name)).toEqual(['t', 'ROOT', 'liberate', 'n', 'tt_0p75v_25c_typical', 'lib', 'other', 'prep', 'char']);
    const prep = symbols.find((s) => s.name === 'prep')!;
    expect(prep.detail).toBe('for each library, corner');
    expect(prep.children!.map((c) => c.name)).toEqual(['run', 'resources', 'estimate']);
    expect(prep.children![1]!.children!.map((c) => c.name)).toEqual(['queue', 'mem']);
    expect(prep.selectionRange).toEqual(rangeOf(MAIN, 'prep'));
    // A YAML corner table that is not open: its corners and sets.
    const yaml = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: cornersUri } });
    expect(yaml.map((s) => [s.name, s.kind, s.selectionRange])).toEqual([
      ['ss_0p675v_m40c_typical', 14, rangeOf(CORNERS, 'ss_0p675v_m40c_typical')],
      ['slow', 18, rangeOf(CORNERS, 'slow')],
    ]);
  });

  describe('references and rename', () => {
    it('finds a queue’s declaration and uses across imported files', async () => {
      const locations = await client.request<Location[]>('textDocument/references', { ...at(MAIN, 'queue = short', 1, 9), context: { includeDeclaration: true } });
      expect(locations).toEqual([
        { uri: siteUri, range: rangeOf(SITE, 'short') },
        { uri: mainUri, range: rangeOf(MAIN, 'short') },
      ]);
      const uses = await client.request<Location[]>('textDocument/references', { ...at(MAIN, 'queue = short', 1, 9), context: { includeDeclaration: false } });
      expect(uses).toEqual([{ uri: mainUri, range: rangeOf(MAIN, 'short') }]);
    });

    it('goes to a definition through the same bindings', async () => {
      const location = await client.request<Location>('textDocument/definition', at(MAIN, 'corners = slow', 1, 11));
      expect(location).toEqual({ uri: cornersUri, range: rangeOf(CORNERS, 'slow') });
    });

    it('renames a corner declared in a YAML table everywhere it is used', async () => {
      const prepared = await client.request<{ range: unknown; placeholder: string }>('textDocument/prepareRename', at(MAIN, 'ss_0p675v_m40c_typical', 1, 3));
      expect(prepared).toEqual({ range: rangeOf(MAIN, 'ss_0p675v_m40c_typical'), placeholder: 'ss_0p675v_m40c_typical' });
      const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at(MAIN, 'ss_0p675v_m40c_typical', 1, 3), newName: 'ss_0p6750v_m40c_typical' });
      const edits = (u: string) => (edit.changes![u] ?? []).map((e: TextEdit) => [e.range.start.line, e.newText]);
      expect(edits(cornersUri)).toEqual([
        [1, 'ss_0p6750v_m40c_typical'],
        [3, 'ss_0p6750v_m40c_typical'],
      ]);
      expect(edits(mainUri)).toEqual([
        [7, 'ss_0p6750v_m40c_typical'],
        [15, 'ss_0p6750v_m40c_typical'],
      ]);
    });

    it('renames an env variable in every interpolation', async () => {
      const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at(MAIN, 'ROOT'), newName: 'TOOLS' });
      expect(edit.changes![mainUri]!.map((e) => e.range)).toEqual([rangeOf(MAIN, 'ROOT', 1), rangeOf(MAIN, 'ROOT', 2), rangeOf(MAIN, 'ROOT', 3)]);
    });

    it('refuses invalid names, taken names and built-ins', async () => {
      const rename = (position: ReturnType<typeof at>, newName: string) => client.request('textDocument/rename', { ...position, newName });
      await expect(rename(at(MAIN, 'after prep', 1, 7), '2fast')).rejects.toThrow(/not a valid name/);
      await expect(rename(at(MAIN, 'after prep', 1, 7), 'char')).rejects.toThrow(/a stage named `char` already exists/);
      await expect(rename(at(MAIN, 'ROOT'), 'work')).rejects.toThrow(/is a built-in name/);
      // A corner's name spells its fields: it must keep spelling the same ones.
      await expect(rename(at(MAIN, 'tt_0p75v_25c_typical', 2, 1), 'typical_tt')).rejects.toThrow(/does not follow it/);
      await expect(rename(at(MAIN, 'tt_0p75v_25c_typical', 2, 1), 'tt_0p90v_25c_typical')).rejects.toThrow(/would change its voltage/);
      await expect(rename(at(MAIN, '${corner.name}', 1, 4), 'x')).rejects.toThrow(/`corner` is built into the language/);
      await expect(client.request('textDocument/prepareRename', at(MAIN, 'shell', 1, 2))).rejects.toThrow(/`shell` is built into the language/);
      await expect(client.request('textDocument/prepareRename', at(MAIN, '64GB', 1, 1))).rejects.toThrow(/nothing to rename here/);
    });
  });

  describe('formatting', () => {
    const format = (u: string) => client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: u }, options: { tabSize: 2, insertSpaces: true } });

    it('formats with `libcc fmt`, and leaves a formatted document alone', async () => {
      const messy = 'pipeline   f\nqueue q {max_mem=1GB\n max_runtime = 1h max_slots = 1}\n';
      const messyUri = uri('messy.lcp');
      await client.open(messyUri, messy);
      const edits = await format(messyUri);
      const expected = formatLcp(createSourceFile('messy.lcp', messy));
      expect('text' in expected).toBe(true);
      const formatted = (expected as { text: string }).text;
      expect(edits).toEqual([{ range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } }, newText: formatted }]);
      // Messages are handled in order: the change is applied before the next request.
      await client.notify('textDocument/didChange', { textDocument: { uri: messyUri, version: 2 }, contentChanges: [{ text: formatted }] });
      expect(await format(messyUri)).toEqual([]);
      await client.notify('textDocument/didClose', { textDocument: { uri: messyUri } });
    });

    it('makes no edit to a document with syntax errors', async () => {
      const brokenUri = uri('broken.lcp');
      await client.open(brokenUri, 'pipeline b\nqueue q { max_mem = \n');
      expect(await format(brokenUri)).toEqual([]);
      await client.notify('textDocument/didClose', { textDocument: { uri: brokenUri } });
    });
  });

  it('links diagnostics to their error page and offers their did-you-mean fixes as quick fixes', async () => {
    const typo = MAIN.replace('queue = short', 'queue = shrot');
    const pending = client.nextDiagnostics(mainUri);
    await client.notify('textDocument/didChange', { textDocument: { uri: mainUri, version: 50 }, contentChanges: [{ text: typo }] });
    const diagnostics = await pending;
    expect(diagnostics.map((d) => d.code)).toEqual(['LCP2001']);
    const diagnostic = diagnostics[0]!;
    const href = diagnostic.codeDescription!.href;
    expect(href).toMatch(/^file:.*\/docs\/errors\/LCP2001\.md$/);
    expect(existsSync(fileURLToPath(href))).toBe(true);

    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: mainUri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    expect(actions).toEqual([
      {
        title: 'replace with `short`',
        kind: 'quickfix',
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: { changes: { [mainUri]: [{ range: rangeOf(typo, 'shrot'), newText: 'short' }] } },
      },
    ]);
    // A client that does not send `data` back still gets the fix.
    const { data: _data, ...withoutData } = diagnostic as Diagnostic & { data?: unknown };
    const again = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: mainUri }, range: diagnostic.range, context: { diagnostics: [withoutData] } });
    expect(again.map((a) => a.title)).toEqual(['replace with `short`']);

    const cleared = client.nextDiagnostics(mainUri);
    await client.notify('textDocument/didChange', { textDocument: { uri: mainUri, version: 51 }, contentChanges: [{ text: MAIN }] });
    expect(await cleared).toEqual([]);
  });

  it('re-checks the programs that import a file changed on disk', async () => {
    // site.lcp is not open: the queue `short` disappears from it on disk.
    writeFileSync(join(dir, 'site.lcp'), SITE.replace(/queue short.*\n/, ''));
    let pending = client.nextDiagnostics(mainUri);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: siteUri, type: 2 }] });
    const diagnostics = await pending;
    expect(diagnostics.map((d) => [d.code, d.range])).toEqual([['LCP2001', rangeOf(MAIN, 'short')]]);

    writeFileSync(join(dir, 'site.lcp'), SITE);
    pending = client.nextDiagnostics(mainUri);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: siteUri, type: 2 }] });
    expect(await pending).toEqual([]);
  });

  it('re-checks when a missing import is created on disk', async () => {
    const importing = MAIN.replace('import "site.lcp"\n', 'import "site.lcp"\nimport "extra.lcp"\n');
    let pending = client.nextDiagnostics(mainUri);
    await client.notify('textDocument/didChange', { textDocument: { uri: mainUri, version: 60 }, contentChanges: [{ text: importing }] });
    expect((await pending).map((d) => d.code)).toEqual(['LCP2003']);

    writeFileSync(join(dir, 'extra.lcp'), 'env EXTRA: string = "x"\n');
    pending = client.nextDiagnostics(mainUri);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('extra.lcp'), type: 1 }] });
    // Found now (what extra.lcp itself may have goes to its own URI).
    expect(await pending).toEqual([]);
    // Back to the original text: the same (no) diagnostics, so nothing is published.
    await client.notify('textDocument/didChange', { textDocument: { uri: mainUri, version: 61 }, contentChanges: [{ text: MAIN }] });
  });

  it('survives requests at odd positions and in unknown documents', async () => {
    const odd = [
      { textDocument: { uri: mainUri }, position: { line: 999, character: 999 } },
      { textDocument: { uri: mainUri }, position: { line: 0, character: 0 } },
      { textDocument: { uri: 'file:///no/such/file.lcp' }, position: { line: 0, character: 0 } },
    ];
    for (const params of odd) {
      await client.request('textDocument/hover', params);
      await client.request('textDocument/completion', params);
      await client.request('textDocument/references', { ...params, context: { includeDeclaration: true } });
      await client.request('textDocument/documentSymbol', { textDocument: params.textDocument });
      await client.request('textDocument/formatting', { textDocument: params.textDocument, options: { tabSize: 2, insertSpaces: true } });
    }
    expect(await client.stop()).toBe(0);
    expect(client.log).toBe('');
  });
});
