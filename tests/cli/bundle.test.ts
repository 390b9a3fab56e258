/**
 * The shipped CLI is the esbuild bundle in dist/bundle/ (scripts/bundle.mjs, run by `npm run
 * build`): it prints what the sources print, finds templates and docs from its own location, ships
 * no source maps, and loads the language server, graph pictures and jsdiff only for the commands
 * that use them (startup time, issue 10; numbers in `npm run bench`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GRAPH_FORMATS as VIEW_FORMATS } from '../../src/emit/view/index.js';
import { GRAPH_FORMATS } from '../../src/cli/graph-options.js';
import { runCli } from '../helpers/cli.js';

const bundle = 'dist/bundle';
const bin = (...args: string[]) => spawnSync(process.execPath, ['bin/libcc.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

/** The bundle files main.js loads at startup: its static imports, transitively. */
function staticallyLoaded(): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(bundle, file), 'utf8');
    for (const m of text.matchAll(/(?:from\s*|import\s*)"\.\/([^"]+)"/g)) visit(m[1]!);
  };
  visit('main.js');
  return seen;
}

describe('the bundled CLI', () => {
  it('is built, without source maps', () => {
    expect(existsSync(join(bundle, 'main.js')), 'run `npm run build` first').toBe(true);
    expect(readdirSync(bundle).filter((f) => f.endsWith('.map') || !f.endsWith('.js'))).toEqual([]);
    for (const file of readdirSync(bundle)) expect(readFileSync(join(bundle, file), 'utf8')).not.toContain('sourceMappingURL');
  });

  it('loads the language server, graph pictures and jsdiff lazily', () => {
    const startup = [...staticallyLoaded()];
    const lazy = readdirSync(bundle).filter((f) => /^(server|graph|diff)-/.test(f));
    expect(lazy.length).toBe(3);
    for (const file of lazy) expect(startup).not.toContain(file);
    for (const file of startup) expect(readFileSync(join(bundle, file), 'utf8')).not.toMatch(/vscode-languageserver|Content-Length/);
  });

  it('prints what the sources print', async () => {
    for (const args of [['--version'], ['--help'], ['check', 'examples/n2_tanager/flow.lcp'], ['check', 'examples/errors/units.lcp'], ['explain', 'LCP2001'], ['plan', 'examples/minimal/flow.lcp']]) {
      const source = await runCli(...args);
      const built = bin(...args);
      expect({ code: built.status, stdout: built.stdout, stderr: built.stderr }, args.join(' ')).toEqual(source);
    }
  });

  it('finds its templates and docs from the bundle (graph, diff and compile included)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libcc-bundle-'));
    try {
      const compiled = bin('compile', 'examples/minimal/flow.lcp', '-o', join(dir, 'out'));
      expect(compiled.stderr).toBe('');
      expect(compiled.status).toBe(0);
      expect(bin('diff', 'examples/minimal/flow.lcp', '-o', join(dir, 'out'), '--exit-code').status).toBe(0);
      const graph = bin('graph', 'examples/minimal/flow.lcp', '--format', 'svg');
      expect(graph.status).toBe(0);
      expect(graph.stdout).toContain('<svg');
      const sarif = bin('check', '--format', 'sarif', 'examples/errors/names.lcp');
      expect(sarif.stdout).toContain('"help"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('offers the graph formats src/emit/view renders', () => {
    expect(GRAPH_FORMATS).toEqual(VIEW_FORMATS);
  });
});
