/**
 * CLI conventions (issue 10): `-` and `--stdin-filename` for check and fmt, fmt on directories
 * and `--diff`, `--quiet`, one `--diagnostic-format` option with the older names as aliases.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const root = process.cwd();
const bin = join(root, 'bin/libcc.js');
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'libcc-conventions-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function libcc(args: string[], input?: string, cwd = root) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, input: input ?? '', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('standard input', () => {
  it('check - reads the pipeline from stdin; --stdin-filename names it and places its imports', () => {
    const flow = readFileSync('examples/n2_tanager/flow.lcp', 'utf8');
    expect(libcc(['check', '-', '--stdin-filename', 'examples/n2_tanager/flow.lcp'], flow)).toEqual({
      code: 0,
      stdout: 'ok: examples/n2_tanager/flow.lcp checked, no problems\n',
      stderr: '',
    });
    const broken = flow.replace('cpus = 16', 'cpus = "x"');
    const run = libcc(['check', '-', '--stdin-filename', 'examples/n2_tanager/flow.lcp', '--diagnostic-format', 'short'], broken);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^examples\/n2_tanager\/flow\.lcp:\d+:\d+: error\[LCP3001\]: `cpus` expects an integer/);
    // Without a name: `<stdin>`, imports next to the working directory.
    expect(libcc(['check', '-'], 'pipeline p\n', tmp).stdout).toMatch(/<stdin>/);
  });

  it('fmt - prints the formatted text; with --check and --diff it reports instead', () => {
    expect(libcc(['fmt', '-'], 'pipeline   demo\n')).toEqual({ code: 0, stdout: 'pipeline demo\n', stderr: '' });
    expect(libcc(['fmt', '-'], 'pipeline demo\n')).toEqual({ code: 0, stdout: 'pipeline demo\n', stderr: '' });
    expect(libcc(['fmt', '-', '--check', '--stdin-filename', 'x.lcp'], 'pipeline   demo\n')).toMatchObject({ code: 1, stdout: expect.stringContaining('would reformat: x.lcp\n') });
    expect(libcc(['fmt', '-', '--check'], 'pipeline demo\n')).toEqual({ code: 0, stdout: 'ok: <stdin> already formatted\n', stderr: '' });
    expect(libcc(['fmt', '-', '--diff', '--stdin-filename', 'x.lcp'], 'pipeline   demo\n')).toEqual({
      code: 1,
      stdout: '--- a/x.lcp\n+++ b/x.lcp\n@@ -1,1 +1,1 @@\n-pipeline   demo\n+pipeline demo\n',
      stderr: '',
    });
    const bad = libcc(['fmt', '-', '--stdin-filename', 'x.lcp'], 'pipeline {\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^x\.lcp:1:\d+: error\[LCP1/);
  });
});

describe('fmt on directories and globs, and --diff', () => {
  it('formats every .lcp file under a directory; --diff prints a patch git can apply and writes nothing', async () => {
    const dir = join(tmp, 'flows');
    mkdirSync(join(dir, 'deep'), { recursive: true });
    cpSync('examples/minimal/flow.lcp', join(dir, 'deep', 'flow.lcp'));
    writeFileSync(join(dir, 'a.lcp'), 'pipeline   a\n');
    writeFileSync(join(dir, 'notes.txt'), 'pipeline   not lcp\n');
    const diff = libcc(['fmt', '--diff', 'flows'], undefined, tmp);
    expect(diff).toEqual({ code: 1, stdout: '--- a/flows/a.lcp\n+++ b/flows/a.lcp\n@@ -1,1 +1,1 @@\n-pipeline   a\n+pipeline a\n', stderr: '' });
    expect(readFileSync(join(dir, 'a.lcp'), 'utf8')).toBe('pipeline   a\n');
    // The patch applies (git apply) and leaves the files formatted.
    writeFileSync(join(tmp, 'fmt.patch'), diff.stdout);
    const applied = spawnSync('git', ['apply', 'fmt.patch'], { cwd: tmp, encoding: 'utf8' });
    expect(applied.stderr).toBe('');
    expect(readFileSync(join(dir, 'a.lcp'), 'utf8')).toBe('pipeline a\n');
    writeFileSync(join(dir, 'a.lcp'), 'pipeline   a\n');
    expect(libcc(['fmt', 'flows'], undefined, tmp)).toEqual({ code: 0, stdout: 'formatted: flows/a.lcp\n', stderr: '' });
    expect(libcc(['fmt', '--check', 'flows/**/*.lcp'], undefined, tmp)).toEqual({ code: 0, stdout: 'ok: 2 files already formatted\n', stderr: '' });
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('pipeline   not lcp\n');
    expect((await runCli('fmt', join(tmp, 'nothing-here'))).code).toBe(2);
  });

  it('--diff of a file named by an absolute path or with ./ writes its path as git does (a/tmp/…, no a//)', () => {
    const file = join(tmp, 'abs.lcp');
    writeFileSync(file, 'pipeline   abs\n');
    const name = file.replace(/^\/+/, '');
    expect(libcc(['fmt', '--diff', file])).toEqual({ code: 1, stdout: `--- a/${name}\n+++ b/${name}\n@@ -1,1 +1,1 @@\n-pipeline   abs\n+pipeline abs\n`, stderr: '' });
    // It applies from the root, as the path says.
    writeFileSync(join(tmp, 'abs.patch'), libcc(['fmt', '--diff', file]).stdout);
    const applied = spawnSync('git', ['apply', join(tmp, 'abs.patch')], { cwd: '/', encoding: 'utf8' });
    expect(applied.status, applied.stderr + applied.stdout).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('pipeline abs\n');
    writeFileSync(join(tmp, 'rel.lcp'), 'pipeline   rel\n');
    expect(libcc(['fmt', '--diff', './rel.lcp'], undefined, tmp).stdout).toMatch(/^--- a\/rel\.lcp\n\+\+\+ b\/rel\.lcp\n/);
  });
});

describe('--quiet and --diagnostic-format', () => {
  it('--quiet prints errors only, and no success line', async () => {
    expect(await runCli('check', '--quiet', 'examples/errors/lints.lcp')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await runCli('check', '-q', 'examples/minimal/flow.lcp')).toEqual({ code: 0, stdout: '', stderr: '' });
    const errors = await runCli('check', '-q', '--diagnostic-format', 'short', 'examples/errors/units.lcp');
    expect(errors.code).toBe(1);
    expect(errors.stdout.split('\n').filter(Boolean).every((line) => / error\[LCP\d+\]/.test(line))).toBe(true);
    // Warnings still count for --strict.
    expect((await runCli('check', '-q', '--strict', 'examples/errors/lints.lcp')).code).toBe(1);
    const plan = await runCli('plan', '-q', 'examples/errors/lints.lcp');
    expect(plan.stderr).toBe('');
  });

  // `check --strict -q` failed on warnings it did not show.
  it('--quiet still shows the warnings that fail the check (--strict, over --max-warnings)', async () => {
    const all = await runCli('check', '--diagnostic-format', 'short', 'examples/errors/lints.lcp');
    const warnings = all.stdout.split('\n').filter((line) => / warning\[LCP\d+\]/.test(line));
    expect(warnings.length).toBe(9);
    for (const options of [['--strict'], ['--max-warnings', '8']]) {
      const run = await runCli('check', '-q', '--diagnostic-format', 'short', ...options, 'examples/errors/lints.lcp');
      expect(run.code, options.join(' ')).toBe(1);
      expect(run.stdout.split('\n').filter(Boolean), options.join(' ')).toEqual(warnings);
      expect(run.stderr, options.join(' ')).toMatch(/^libcc: 9 warnings, /);
    }
    expect(await runCli('check', '-q', '--max-warnings', '9', 'examples/errors/lints.lcp')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  // `compile -q` printed `wrote DIR: N files (M changed), J jobs` all the same.
  it('compile --quiet prints no success line (nor compile --check), and still fails loudly', async () => {
    cpSync('examples/minimal/flow.lcp', join(tmp, 'flow.lcp'));
    const out = join(tmp, 'out');
    for (const quiet of ['-q', '--quiet']) expect(await runCli('compile', quiet, join(tmp, 'flow.lcp'), '-o', out)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(out, 'libcc.manifest'), 'utf8')).toContain('generated by libcc');
    expect(await runCli('compile', '-q', '--check', join(tmp, 'flow.lcp'), '-o', out)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await runCli('compile', join(tmp, 'flow.lcp'), '-o', out)).stdout).toMatch(/^wrote .*: \d+ files \(0 changed\), 3 jobs\n$/);
    writeFileSync(join(tmp, 'flow.lcp'), readFileSync(join(tmp, 'flow.lcp'), 'utf8').replace('estimate = 10m', 'estimate = 11m'));
    const stale = await runCli('compile', '-q', '--check', join(tmp, 'flow.lcp'), '-o', out);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('is stale');
  });

  it('--diagnostic-format on every command; --format (check) and --diagnostics (others) are aliases', async () => {
    const file = 'examples/errors/units.lcp';
    const check = await runCli('check', '--diagnostic-format', 'json', file);
    expect(await runCli('check', '--format', 'json', file)).toEqual(check);
    for (const command of ['plan', 'compile', 'diff', 'graph']) {
      const run = await runCli(command, '--diagnostic-format', 'short', file);
      expect(run.code, command).toBe(1);
      expect(run.stderr, command).toMatch(/^examples\/errors\/units\.lcp:\d+:\d+: error\[LCP/);
      expect(await runCli(command, '--diagnostics', 'short', file), command).toEqual(run);
      expect((await runCli(command, '--help')).stdout, command).toContain('--diagnostic-format <format>');
    }
    expect((await runCli('check', '--diagnostic-format', 'xml', file)).code).toBe(2);
  });
});
