/**
 * `libcc check` for CI: output formats (`sarif`, `github`, `text`), `--max-warnings`, `--strict`,
 * and checking directories and globs.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { sarifSchemaErrors } from '../fixtures/sarif/validate.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

const lines = (text: string) => text.split('\n').filter(Boolean);

describe('libcc check --format', () => {
  it('prints SARIF that validates and equals the golden log, with libcc’s own version', async () => {
    const run = await runCli('check', 'examples/errors/units.lcp', '--format', 'sarif');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(sarifSchemaErrors(run.stdout)).toEqual([]);
    const log = JSON.parse(run.stdout) as { runs: { tool: { driver: { version: string } } }[] };
    expect(log.runs[0]!.tool.driver.version).toBe(pkg.version);
    log.runs[0]!.tool.driver.version = '0.0.0-golden';
    expect(log).toEqual(JSON.parse(readFileSync('tests/fixtures/sarif/units.sarif.json', 'utf8')));
  });

  it('prints SARIF for a clean program too (rules, no results) and exits 0', async () => {
    const run = await runCli('check', 'examples/minimal/flow.lcp', '--format', 'sarif');
    expect(run.code).toBe(0);
    expect(sarifSchemaErrors(run.stdout)).toEqual([]);
    expect((JSON.parse(run.stdout) as { runs: { results: unknown[] }[] }).runs[0]!.results).toEqual([]);
  });

  it('prints GitHub annotations and nothing else', async () => {
    const run = await runCli('check', 'examples/errors/lints.lcp', '--format', 'github');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync('tests/fixtures/sarif/lints.github.txt', 'utf8'));
    expect(lines(run.stdout).every((line) => line.startsWith('::warning file=examples/errors/lints.lcp,line='))).toBe(true);
    const clean = await runCli('check', 'examples/minimal/flow.lcp', '--format', 'github');
    expect(clean).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('accepts `text` as another name for `rich`', async () => {
    const text = await runCli('check', 'examples/errors/units.lcp', '--format', 'text', '--no-color');
    const rich = await runCli('check', 'examples/errors/units.lcp', '--no-color');
    expect(text).toEqual(rich);
    expect(text.stdout).toContain('error[LCP3004]: unknown unit `hrs`');
  });
});

describe('libcc check runs the whole analysis (src/driver)', () => {
  it('reports a dependency cycle as a GitHub annotation and as SARIF, and exits 1', async () => {
    const github = await runCli('check', 'examples/errors/stages.lcp', '--format', 'github');
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(/^::error file=examples\/errors\/stages\.lcp,line=25,col=15,.*title=LCP4001.*::`after` clauses form a cycle: `a` → `c` → `b` → `a`/m);
    const sarif = await runCli('check', 'examples/errors/stages.lcp', '--format', 'sarif');
    expect(sarif.code).toBe(1);
    expect(sarifSchemaErrors(sarif.stdout)).toEqual([]);
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] }).runs[0]!.results;
    expect(results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.region.startLine])).toEqual([
      ['LCP4002', 'error', 19],
      ['LCP4001', 'error', 25],
    ]);
  });

  it('reports job-graph and deck-template errors that only expansion and rendering reveal', async () => {
    for (const [file, code] of [['graph.lcp', 'LCP4005'], ['graph.lcp', 'LCP4003'], ['graph.lcp', 'LCP4004'], ['decks.lcp', 'LCP6001'], ['templates.lcp', 'LCP6002']] as const) {
      const run = await runCli('check', `examples/errors/${file}`, '--format', 'short');
      expect(run.code, file).toBe(1);
      expect(run.stdout).toMatch(new RegExp(`^examples/errors/${file.replace('.', '\\.')}:\\d+:\\d+: error\\[${code}\\]`, 'm'));
    }
  });

  it('finds decks in `--templates DIR` as compile does', async () => {
    const site = mkdtempSync(join(tmpdir(), 'libcc-site-'));
    try {
      const flow = join(site, 'flow.lcp');
      writeFileSync(flow, readFileSync('examples/errors/decks.lcp', 'utf8'));
      mkdirSync(join(site, 'templates', 'liberate'), { recursive: true });
      expect((await runCli('check', flow, '--format', 'short')).code).toBe(1);
      writeFileSync(join(site, 'templates', 'liberate', 'chr.tcl.hbs'), 'set_var x {{tcl corner.name}}\n');
      expect(await runCli('check', flow, '--templates', join(site, 'templates'))).toMatchObject({ code: 0 });
      expect((await runCli('check', flow, '--templates', join(site, 'nowhere'))).code).toBe(2);
    } finally {
      rmSync(site, { recursive: true, force: true });
    }
  });

  // A deck template's syntax error was reported only once every other error was fixed.
  it('reports a deck template that does not compile with the other errors, in one run, as compile does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libcc-decks-'));
    try {
      const flow = join(dir, 'flow.lcp');
      writeFileSync(flow, `pipeline dk
env TOOLS: path = "/tools"
tool liberate { path = "\${TOOLS}/liberate" kind = liberate }
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [ss] }
library l : n5 { corners = [ss_0p6v_m40c] kit = "\${TOOLS}/kits/l" cells = "\${TOOLS}/kits/l/cells.txt" }
corner ss_0p6v_m40c {}
stage a for each library, corner { run = liberate deck "liberate/mine.tcl.hbs"  expect "\${work}/x" == 1 }
stage b for each library, corner { run = liberate deck "liberate/nope.tcl.hbs"  expect "\${work}/x" == 1  resources { memory = 4GB } }
`);
      mkdirSync(join(dir, 'liberate'));
      writeFileSync(join(dir, 'liberate', 'mine.tcl.hbs'), 'set v {{corner.voltage}\n');
      const expected = [
        `${flow}:7:56: error[LCP6002]: template \`liberate/mine.tcl.hbs\`: syntax error on line 1`,
        `${flow}:8:56: error[LCP6001]: deck template \`liberate/nope.tcl.hbs\` not found`,
        `${flow}:8:118: error[LCP2006]: unknown property \`memory\` in the resources of stage \`b\``,
      ];
      const run = await runCli('check', flow, '--format', 'short');
      expect(run.code).toBe(1);
      expect(lines(run.stdout).map((line) => line.replace(/ \(help: .*\)$/, ''))).toEqual(expected);
      const compile = await runCli('compile', flow, '--diagnostics', 'short');
      expect(compile.code).toBe(1);
      expect(lines(compile.stderr).map((line) => line.replace(/ \(help: .*\)$/, ''))).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('survives a reader that closes early (no EPIPE stack trace)', async () => {
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync('bash', ['-c', 'node bin/libcc.js check --format sarif examples/errors/units.lcp | head -1; echo "status=${PIPESTATUS[0]}"'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('{\nstatus=1\n');
  });
});

describe('libcc check --max-warnings and --strict', () => {
  // examples/errors/lints.lcp has 9 warnings and no error.
  it('fails when there are more warnings than allowed, with one line on stderr', async () => {
    const within = await runCli('check', 'examples/errors/lints.lcp', '--max-warnings', '9', '--format', 'short');
    expect(within.code).toBe(0);
    expect(within.stderr).toBe('');
    const over = await runCli('check', 'examples/errors/lints.lcp', '--max-warnings', '8', '--format', 'short');
    expect(over.code).toBe(1);
    expect(over.stdout).toBe(within.stdout);
    expect(over.stderr).toBe('libcc: 9 warnings, more than --max-warnings 8 allows\n');
    expect((await runCli('check', 'examples/errors/lints.lcp', '--max-warnings=0')).code).toBe(1);
    expect((await runCli('check', 'examples/minimal/flow.lcp', '--max-warnings', '0')).code).toBe(0);
  });

  it('fails on any warning under --strict', async () => {
    const strict = await runCli('check', 'examples/errors/lints.lcp', '--strict', '--format', 'github');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe('libcc: 9 warnings, and --strict makes warnings fail the check\n');
    expect(strict.stdout).toBe(readFileSync('tests/fixtures/sarif/lints.github.txt', 'utf8'));
    expect((await runCli('check', 'examples/minimal/flow.lcp', '--strict'))).toMatchObject({ code: 0, stderr: '' });
  });

  it('keeps exit 1 for errors, whatever the options, without the warning message', async () => {
    for (const options of [[], ['--strict'], ['--max-warnings', '100']]) {
      const run = await runCli('check', 'examples/errors/units.lcp', '--format', 'short', ...options);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('');
    }
  });

  it('rejects a count that is not a whole number (exit 2)', async () => {
    for (const bad of ['-1', 'x', '1.5', '']) {
      const run = await runCli('check', 'examples/minimal/flow.lcp', '--max-warnings', bad);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--max-warnings');
    }
  });
});

describe('libcc check with directories and globs', () => {
  const temp = mkdtempSync(join(tmpdir(), 'libcc-check-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('checks every .lcp file under a directory, reporting each diagnostic once', async () => {
    const all = await runCli('check', 'examples/errors', '--format', 'short');
    expect(all.code).toBe(1);
    const files = readdirSync('examples/errors').filter((f) => f.endsWith('.lcp')).map((f) => f.replace(/\.lcp$/, ''));
    expect(files.length).toBeGreaterThan(10);
    const separately: string[] = [];
    for (const file of files) separately.push(...lines((await runCli('check', `examples/errors/${file}.lcp`, '--format', 'short')).stdout));
    expect(lines(all.stdout).sort()).toEqual(separately.sort());
    expect(new Set(lines(all.stdout)).size).toBe(lines(all.stdout).length);
    for (const file of ['corners.lcp', 'bad_corners.yaml', 'lints.lcp', 'missing_pipeline.lcp', 'names.lcp', 'queues.lcp', 'syntax.lcp', 'units.lcp']) {
      expect(all.stdout).toContain(`examples/errors/${file}:`);
    }
    // Naming a file twice, or inside a directory also named, changes nothing.
    expect(await runCli('check', 'examples/errors/units.lcp', 'examples/errors/', './examples/errors/units.lcp', '--format', 'short')).toEqual(all);
  });

  it('checks a file imported by another checked file only as part of it', async () => {
    // site.lcp has no `pipeline`: alone it is LCP2004; imported by flow.lcp it is fine.
    expect((await runCli('check', 'examples/n2_tanager/site.lcp')).code).toBe(1);
    const dirs = await runCli('check', 'examples/minimal', 'examples/n2_tanager');
    expect(dirs).toEqual({ code: 0, stdout: 'ok: 3 files checked, no problems\n', stderr: '' });
    expect((await runCli('check', 'examples/n2_tanager/site.lcp', 'examples/n2_tanager/flow.lcp')).code).toBe(0);
  });

  it('expands globs that reach it unexpanded (quoted in CI)', async () => {
    const glob = await runCli('check', 'examples/**/*.lcp', '--format', 'short');
    expect(glob).toEqual(await runCli('check', 'examples', '--format', 'short'));
    const flows = await runCli('check', 'examples/*/flow.lcp');
    expect(flows).toEqual({ code: 0, stdout: 'ok: 4 files checked, no problems\n', stderr: '' });
    const units = await runCli('check', 'examples/errors/u?its.lcp', '--format', 'short');
    expect(units).toEqual(await runCli('check', 'examples/errors/units.lcp', '--format', 'short'));
  });

  it('expands braces and character classes (tinyglobby)', async () => {
    const braces = await runCli('check', 'examples/{minimal,n2_tanager}/flow.lcp');
    expect(braces).toEqual({ code: 0, stdout: 'ok: 2 files checked, no problems\n', stderr: '' });
    const classes = await runCli('check', 'examples/[mn]*/*.lcp');
    expect(classes).toEqual(await runCli('check', 'examples/minimal', 'examples/n2_tanager'));
    expect(classes.stdout).toBe('ok: 3 files checked, no problems\n');
    const both = await runCli('check', 'examples/errors/{units,names}.lcp', '--format', 'short');
    expect(both).toEqual(await runCli('check', 'examples/errors/names.lcp', 'examples/errors/units.lcp', '--format', 'short'));
  });

  it('fails with a usage error (exit 2) when a directory or glob names no .lcp file', async () => {
    mkdirSync(join(temp, 'empty'));
    expect(await runCli('check', join(temp, 'empty'))).toEqual({
      code: 2,
      stdout: '',
      stderr: `libcc: error: no .lcp files under \`${join(temp, 'empty')}\`\n`,
    });
    expect(await runCli('check', 'examples/nothing/**/*.lcp')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'libcc: error: no .lcp files match `examples/nothing/**/*.lcp`\n',
    });
  });

  it('skips node_modules and .git, and follows no other rule than *.lcp', async () => {
    const root = join(temp, 'repo');
    mkdirSync(join(root, 'flows', 'deep'), { recursive: true });
    mkdirSync(join(root, 'node_modules', 'pkg'), { recursive: true });
    mkdirSync(join(root, '.git'), { recursive: true });
    cpSync('examples/minimal/flow.lcp', join(root, 'flows', 'deep', 'flow.lcp'));
    writeFileSync(join(root, 'flows', 'notes.txt'), 'not a pipeline');
    writeFileSync(join(root, 'node_modules', 'pkg', 'broken.lcp'), 'this is } not a pipeline');
    writeFileSync(join(root, '.git', 'broken.lcp'), 'neither {');
    const run = await runCli('check', root);
    expect(run).toEqual({ code: 0, stdout: `ok: ${root}/flows/deep/flow.lcp checked, no problems\n`, stderr: '' });
    expect((await runCli('check', join(root, '**', '*.lcp'))).code).toBe(0);
  });
});
