/**
 * The generated directories of the examples: committed, byte-for-byte reproducible, and made of
 * valid files — every script passes `bash -n` and `shellcheck`, every deck is valid Tcl that a
 * real `tclsh` parses. (Running them is tests/e2e's job.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entryDir } from '../helpers/golden.js';
import { runCli } from '../helpers/cli.js';
import { UPDATE_GOLDEN } from '../helpers/golden.js';

const EXAMPLES = ['minimal', 'n2_tanager', 'templates', 'lib_char_auto'];
const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** The generated files: not the run state, nor libcc's cache (the manifest's origin, the stat index), which git never sees. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !/^(run|\.libcc-cache)\//.test(relative(dir, join(entryDir(e), e.name))))
    .map((e) => relative(dir, join(entryDir(e), e.name)))
    .sort();
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(files(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe.each(EXAMPLES)('examples/%s: generated scripts', (example) => {
  const committed = `examples/${example}/${example}`;

  it('the committed output is up to date (`libcc compile --check`)', async () => {
    if (UPDATE_GOLDEN) expect((await runCli('compile', `examples/${example}/flow.lcp`)).code).toBe(0);
    const run = await runCli('compile', `examples/${example}/flow.lcp`, '--check');
    expect(run.stdout).toBe(`ok: ${committed} is up to date with examples/${example}/flow.lcp\n`);
    expect(run.code).toBe(0);
  });

  it('is byte-for-byte the same whatever directory it is compiled from', () => {
    // Two copies of the example in different places, compiled from different working directories.
    const a = mkdtempSync(join(tmpdir(), 'libcc-gen-'));
    const b = mkdtempSync(join(tmpdir(), 'libcc-gen-'));
    temporary.push(a, b);
    cpSync(`examples/${example}`, join(a, example), { recursive: true, filter: (src) => !src.endsWith(`/${example}/${example}`) });
    cpSync(`examples/${example}`, join(b, 'nested', example), { recursive: true, filter: (src) => !src.endsWith(`/${example}/${example}`) });
    const cli = join(process.cwd(), 'bin/libcc.js');
    execFileSync(process.execPath, [cli, 'compile', `${example}/flow.lcp`], { cwd: a });
    execFileSync(process.execPath, [cli, 'compile', join(b, 'nested', example, 'flow.lcp')], { cwd: tmpdir() });
    const first = snapshot(join(a, example, example));
    const second = snapshot(join(b, 'nested', example, example));
    expect(Object.keys(second)).toEqual(Object.keys(first));
    const differing = Object.keys(first).filter((path) => first[path] !== second[path]);
    expect(differing, 'files that differ between the two compiles').toEqual([]);
    const committedFiles = snapshot(committed);
    expect(Object.keys(first).filter((path) => first[path] !== committedFiles[path]), 'files that differ from the committed output').toEqual([]);
    for (const [path, content] of Object.entries(first)) {
      expect(content.includes(a) || content.includes(tmpdir()) || content.includes(process.cwd()), `${path} holds an absolute path`).toBe(false);
      expect(/20\d\d-\d\d-\d\d/.test(content), `${path} holds a date`).toBe(false);
      expect(content.endsWith('\n') && !content.endsWith('\n\n'), `${path} ends with exactly one newline`).toBe(true);
      expect(content.includes('\r'), `${path} has LF endings`).toBe(false);
    }
  });

  it('marks scripts executable and nothing else', () => {
    for (const path of files(committed)) {
      const executable = (statSync(join(committed, path)).mode & 0o111) !== 0;
      expect(executable, path).toBe(path.endsWith('.sh') && !path.startsWith('lib/'));
    }
  });

  it('every shell file passes bash -n and shellcheck', () => {
    const scripts = files(committed).filter((f) => f.endsWith('.sh'));
    expect(scripts.length).toBeGreaterThan(4);
    for (const script of scripts) {
      const result = spawnSync('bash', ['-n', join(committed, script)], { encoding: 'utf8' });
      expect(result.stderr, script).toBe('');
      expect(result.status, script).toBe(0);
    }
    const shellcheck = spawnSync('shellcheck', ['-x', ...scripts], { cwd: committed, encoding: 'utf8' });
    expect(shellcheck.error, 'shellcheck must be installed (.ci/run installs it)').toBeUndefined();
    expect(shellcheck.stdout).toBe('');
    expect(shellcheck.status).toBe(0);
    // shellcheck -x analyses lib/runtime.sh again for every wrapper that sources it: about a
    // minute of CPU for lib_char_auto's 27 scripts on a slow 2-core machine, more under load.
  }, 300_000);

  it('never silences a scheduler command: no bsub/bjobs/bkill/sbatch/squeue/scancel/scontrol with `|| true` or stderr thrown away', () => {
    const calls: string[] = [];
    for (const script of files(committed).filter((f) => f.endsWith('.sh'))) {
      const lines = readFileSync(join(committed, script), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (/^\s*#/.test(line) || !/(^|[\s($])(bsub|bjobs|bkill|sbatch|squeue|scancel|scontrol) /.test(line)) return;
        calls.push(`${script}:${i + 1}`);
        expect(line, `${script}:${i + 1}`).not.toMatch(/\|\|\s*true|2>\s*\/dev\/null|\|\s*(grep|wc)/);
      });
    }
    // The calls this guards are all in lib/scheduler.sh (the shared scripts call its functions):
    // bsub, bjobs via libcc_bjobs, the bkill of kill.sh, fail-fast and an aborted submission.
    expect(calls.filter((c) => c.startsWith('lib/scheduler.sh')).length).toBeGreaterThanOrEqual(4);
    expect(calls.filter((c) => !c.startsWith('lib/scheduler.sh'))).toEqual([]);
  });

  it('every deck is valid Tcl, parsed by a real tclsh', () => {
    const decks = files(committed).filter((f) => f.endsWith('.tcl'));
    if (example !== 'n2_tanager' && example !== 'lib_char_auto') {
      expect(decks).toEqual([]);
      return;
    }
    expect(decks.length).toBeGreaterThan(10);
    const script = decks.map((deck) => `set f [open ${JSON.stringify(join(committed, deck))}]; set text [read $f]; close $f\nif {![info complete $text]} { puts "incomplete: ${deck}"; exit 1 }\n`).join('');
    const result = spawnSync('tclsh', [], { input: `${script}puts ok\n`, encoding: 'utf8' });
    expect(result.error, 'tclsh must be installed (.ci/run installs tcl)').toBeUndefined();
    expect(result.stdout).toBe('ok\n');
  });
});
