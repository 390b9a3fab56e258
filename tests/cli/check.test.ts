/**
 * `libcc check` for CI: output formats (`sarif`, `github`, `text`), `--max-warnings`, `--strict`,
 * and checking directories and globs.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    const files = ['corners', 'decks', 'graph', 'lints', 'missing_pipeline', 'names', 'queues', 'slots', 'syntax', 'units'];
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
    expect(flows).toEqual({ code: 0, stdout: 'ok: 2 files checked, no problems\n', stderr: '' });
    const units = await runCli('check', 'examples/errors/u?its.lcp', '--format', 'short');
    expect(units).toEqual(await runCli('check', 'examples/errors/units.lcp', '--format', 'short'));
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
