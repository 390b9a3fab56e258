/**
 * `libcc completion bash|zsh|fish` (src/cli/completion.ts). The bash script is sourced in a real
 * bash and asked for completions the way bash asks (COMP_WORDS, COMP_CWORD, then `compgen`
 * inside the function); zsh and fish scripts are syntax-checked when those shells are installed,
 * and fish is asked for completions (`complete -C`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CODES } from '../../src/diagnostics/codes.js';
import { runCli } from '../helpers/cli.js';

let tmp: string;
let bash: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'libcc-completion-'));
  bash = join(tmp, 'libcc.bash');
  const run = await runCli('completion', 'bash');
  expect(run.code).toBe(0);
  writeFileSync(bash, run.stdout);
  mkdirSync(join(tmp, 'work', 'flows'), { recursive: true });
  writeFileSync(join(tmp, 'work', 'flow.lcp'), '');
  writeFileSync(join(tmp, 'work', 'notes.txt'), '');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What bash would offer after typing `line` (words split on spaces; a trailing space starts a new word). */
function complete(line: string): string[] {
  const words = line.split(' ');
  const script = [
    `source ${JSON.stringify(bash)}`,
    `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    '_libcc',
    'printf "%s\\n" "${COMPREPLY[@]}"',
    // The function is registered for `libcc`:
    'complete -p libcc >&2',
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { cwd: join(tmp, 'work'), encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stderr).toContain('-F _libcc libcc');
  return result.stdout.split('\n').filter((w) => w !== '').sort();
}

describe('bash completion', () => {
  it('completes commands', () => {
    expect(complete('libcc ')).toEqual(
      ['--help', '--version', 'check', 'compile', 'completion', 'diff', 'explain', 'fmt', 'graph', 'init', 'lsp', 'plan', 'report'].sort(),
    );
    expect(complete('libcc c')).toEqual(['check', 'compile', 'completion']);
  });

  it("completes a command's options and the choices of their values", () => {
    expect(complete('libcc check --s')).toEqual(['--scheduler', '--stdin-filename', '--strict']);
    expect(complete('libcc compile --scheduler ')).toEqual(['local', 'lsf', 'slurm']);
    expect(complete('libcc check --diagnostic-format ')).toEqual(['github', 'json', 'rich', 'sarif', 'short', 'text']);
    expect(complete('libcc check --format s')).toEqual(['sarif', 'short']);
    expect(complete('libcc plan --diagnostic-format ')).toEqual(['json', 'rich', 'short']);
    expect(complete('libcc graph --format ')).toEqual(['dot', 'html', 'mermaid', 'svg']);
    expect(complete('libcc graph --rankdir ')).toEqual(['LR', 'TB']);
    expect(complete('libcc fmt --')).toEqual(['--check', '--diff', '--help', '--stdin-filename']);
    expect(complete('libcc completion ')).toEqual(['bash', 'fish', 'zsh']);
  });

  it('completes .lcp files and directories, codes for explain', () => {
    expect(complete('libcc check ')).toEqual(['flow.lcp', 'flows']);
    expect(complete('libcc explain LCP200')).toEqual(ALL_CODES.filter((c) => c.startsWith('LCP200')));
    expect(complete('libcc compile flow.lcp -o ')).toEqual(['flow.lcp', 'flows', 'notes.txt']);
  });
});

describe('zsh and fish completion', () => {
  const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

  it('zsh: a #compdef function with every command and option', async () => {
    const { code, stdout } = await runCli('completion', 'zsh');
    expect(code).toBe(0);
    expect(stdout.startsWith('#compdef libcc\n')).toBe(true);
    for (const command of ['check', 'plan', 'compile', 'diff', 'graph', 'fmt', 'init', 'lsp', 'explain', 'completion']) expect(stdout).toContain(`    ${command}) _arguments`);
    expect(stdout).toContain("'--diagnostic-format[");
    expect(stdout).toContain(':value:(rich text short json sarif github)');
    if (has('zsh')) {
      const file = join(tmp, '_libcc');
      writeFileSync(file, stdout);
      expect(spawnSync('zsh', ['-n', file], { encoding: 'utf8' }).stderr).toBe('');
    }
  });

  it('fish: complete lines for every command and option', async () => {
    const { code, stdout } = await runCli('completion', 'fish');
    expect(code).toBe(0);
    expect(stdout).toContain("complete -c libcc -n '__fish_use_subcommand' -a check -d ");
    expect(stdout).toContain("complete -c libcc -n '__fish_seen_subcommand_from check' -l diagnostic-format -x -a 'rich text short json sarif github'");
    expect(stdout).toContain("complete -c libcc -n '__fish_seen_subcommand_from check' -s q -l quiet -d ");
    if (has('fish')) {
      const file = join(tmp, 'libcc.fish');
      writeFileSync(file, stdout);
      expect(spawnSync('fish', ['--no-execute', file], { encoding: 'utf8' }).stderr).toBe('');
      // What fish offers (`complete -C`), first column only.
      const offered = (line: string) =>
        spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`], { cwd: join(tmp, 'work'), encoding: 'utf8' })
          .stdout.split('\n')
          .filter(Boolean)
          .map((row) => row.split('\t')[0])
          .sort();
      expect(offered('libcc check --diagnostic-format ')).toEqual(['github', 'json', 'rich', 'sarif', 'short', 'text']);
      expect(offered('libcc com')).toEqual(['compile', 'completion']);
      expect(offered('libcc explain LCP200')).toEqual(ALL_CODES.filter((c) => c.startsWith('LCP200')));
      expect(offered('libcc check ')).toContain('flow.lcp');
    }
  });

  it('refuses an unknown shell', async () => {
    expect((await runCli('completion', 'tcsh')).code).toBe(2);
  });
});
