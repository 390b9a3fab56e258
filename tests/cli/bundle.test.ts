/**
 * The shipped CLI is the esbuild bundle in dist/bundle/ (scripts/bundle.mjs, run by `npm run
 * build`): one script with its V8 code cache (bin/load-cli.js). It prints what the sources print,
 * with, without or with a spoilt cache; finds templates and docs from its own location; ships no
 * source maps; and runs the language server, graph pictures and jsdiff only for the commands that
 * use them (startup time, issue 10; numbers in `npm run bench` and docs/performance.md).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GRAPH_FORMATS as VIEW_FORMATS } from '../../src/emit/view/index.js';
import { GRAPH_FORMATS } from '../../src/cli/graph-options.js';
import { runCli } from '../helpers/cli.js';

const bundle = 'dist/bundle';
const bin = (...args: string[]) => spawnSync(process.execPath, ['bin/libcc.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

/** What the fallback test runs: start-up, the analysis, diagnostics, a plan with its deck checks, a doc page. */
const FALLBACK_COMMANDS = [['--version'], ['check', 'examples/n2_tanager/flow.lcp'], ['check', 'examples/errors/units.lcp'], ['plan', 'examples/minimal/flow.lcp'], ['explain', 'LCP2001']];

/** A dependency's or a source module's initialiser in the bundle: esbuild names it by its path. */
const LAZY_MODULES = /^(src\/lsp\/|src\/cli\/(graph|diff)\.ts$|node_modules\/(vscode-languageserver|vscode-jsonrpc|@dagrejs\/dagre|diff)\/)/;

/**
 * How many times each module initialiser of the bundle ran in `libcc …args` (V8's precise coverage,
 * which Node writes for NODE_V8_COVERAGE).
 */
function moduleInitialisers(...args: string[]): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'libcc-coverage-'));
  try {
    const run = spawnSync(process.execPath, ['bin/libcc.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', NODE_V8_COVERAGE: dir } });
    expect(run.status, run.stderr).toBe(0);
    const counts = new Map<string, number>();
    for (const file of readdirSync(dir)) {
      const coverage = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[] };
      for (const script of coverage.result.filter((s) => s.url.endsWith('/dist/bundle/libcc.cjs'))) {
        for (const fn of script.functions) if (LAZY_MODULES.test(fn.functionName)) counts.set(fn.functionName, fn.ranges[0]!.count);
      }
    }
    return counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the bundled CLI', () => {
  it('is built, one script and its code cache (and the modules of its threads), without source maps', () => {
    expect(existsSync(join(bundle, 'libcc.cjs')), 'run `npm run build` first').toBe(true);
    expect(readdirSync(bundle).sort()).toEqual(['fingerprint-thread.js', 'libcc.cjs', 'libcc.cjs.cache', 'verify-thread.js', 'writer-thread.js']);
    for (const name of ['fingerprint-thread.js', 'libcc.cjs', 'verify-thread.js', 'writer-thread.js']) expect(readFileSync(join(bundle, name), 'utf8')).not.toContain('sourceMappingURL');
  });

  it('initialises the language server, graph pictures and jsdiff only for the commands that use them', () => {
    for (const args of [['--version'], ['check', 'examples/minimal/flow.lcp'], ['plan', 'examples/minimal/flow.lcp']]) {
      const counts = moduleInitialisers(...args);
      for (const group of ['src/lsp/server.ts', 'src/cli/graph.ts', 'src/cli/diff.ts', 'node_modules/vscode-languageserver/', 'node_modules/@dagrejs/dagre/', 'node_modules/diff/']) {
        expect([...counts.keys()].some((name) => name.startsWith(group)), group).toBe(true);
      }
      expect([...counts].filter(([, count]) => count > 0), args.join(' ')).toEqual([]);
    }
    const graph = moduleInitialisers('graph', 'examples/minimal/flow.lcp', '--format', 'dot');
    expect(graph.get('src/cli/graph.ts')).toBe(1);
    expect(graph.get('src/lsp/server.ts')).toBe(0);
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

  it('loads child_process and crypto on first use, not when the bundle loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libcc-lazy-'));
    try {
      const probe = `const { loadCli } = require('./bin/load-cli.js');
        const loaded = () => process.moduleLoadList.filter((m) => /^NativeModule (child_process|crypto)$/.test(m)).join(',') || 'none';
        const quiet = { stdout() {}, stderr() {} };
        const { main } = loadCli();
        const seen = [loaded()];
        main(['node', 'libcc', 'plan', 'examples/minimal/flow.lcp'], quiet)
          .then((code) => seen.push(code, loaded()))
          .then(() => main(['node', 'libcc', 'compile', 'examples/minimal/flow.lcp', '-o', ${JSON.stringify(join(dir, 'out'))}], quiet))
          .then((code) => console.log([...seen, code, loaded()].join(' ')));`;
      // From standard input: `node -e` loads crypto itself.
      const run = spawnSync(process.execPath, ['-'], { input: probe, encoding: 'utf8' });
      // compile hashes what it writes: crypto is loaded then.
      expect(run.stdout).toBe('none 0 none 0 NativeModule crypto\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs with its code cache, which V8 accepts', () => {
    const probe = "import('./bin/load-cli.js').then(({ loadCli }) => console.log(loadCli().script.cachedDataRejected))";
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(run.stdout).toBe('false\n');
  });

  it('runs the same without a code cache, or with one V8 rejects', async () => {
    const expected = await Promise.all(FALLBACK_COMMANDS.map((args) => runCli(...args)));
    const dir = mkdtempSync(join(tmpdir(), 'libcc-no-cache-'));
    try {
      // A copy of the package's run-time files, whose cache is then removed or spoilt.
      for (const part of ['package.json', 'bin', 'dist/bundle', 'templates', 'docs']) cpSync(part, join(dir, part), { recursive: true });
      const cache = join(dir, 'dist/bundle/libcc.cjs.cache');
      const real = readFileSync(cache);
      // The cache starts with the bundle's build line (scripts/bundle.mjs), then V8's data.
      const v8Data = real.indexOf('\n') + 1;
      expect(real.subarray(0, v8Data).toString()).toMatch(/^\/\/# libcc-build [0-9a-f]{64}\n$/);
      const spoilt: [string, (() => void)][] = [
        ['missing', () => rmSync(cache)],
        ['garbage', () => writeFileSync(cache, Buffer.concat([real.subarray(0, v8Data), Buffer.alloc(real.length - v8Data, 0x5a)]))],
        ['truncated', () => writeFileSync(cache, real.subarray(0, real.length >> 1))],
        // Another V8 version: the version hash in V8's header (after our build line and V8's magic number) differs.
        ['another V8', () => writeFileSync(cache, Buffer.concat([real.subarray(0, v8Data + 4), Buffer.from(real.subarray(v8Data + 4, v8Data + 8).map((b) => b ^ 0xff)), real.subarray(v8Data + 8)]))],
        // The cache of another build of the same length, which V8 would accept (it checks only the source's length).
        [
          'another build',
          () => {
            writeFileSync(cache, real);
            const bundle = join(dir, 'dist/bundle/libcc.cjs');
            writeFileSync(bundle, readFileSync(bundle, 'utf8').replace(/(\/\/# libcc-build )(\w)/, (_, line: string, digit: string) => line + (digit === '0' ? '1' : '0')));
          },
        ],
      ];
      for (const [label, spoil] of spoilt) {
        spoil();
        const probe = "import('./bin/load-cli.js').then(({ loadCli }) => console.log(loadCli().script.cachedDataRejected))";
        const rejected = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: dir, encoding: 'utf8' });
        expect(rejected.stdout, label).toBe(label === 'missing' || label === 'another build' ? 'undefined\n' : 'true\n');
        FALLBACK_COMMANDS.forEach((args, i) => {
          const built = spawnSync(process.execPath, [join(dir, 'bin/libcc.js'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
          expect({ code: built.status, stdout: built.stdout, stderr: built.stderr }, `${label}: ${args.join(' ')}`).toEqual(expected[i]);
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('offers the graph formats src/emit/view renders', () => {
    expect(GRAPH_FORMATS).toEqual(VIEW_FORMATS);
  });
});
