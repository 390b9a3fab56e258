/**
 * `libcc report` (HTML) and `libcc graph --format svg|html` do not print markup on a terminal
 * (src/cli/io.ts `markupOnTerminal`): run by the built CLI on a real pseudo-terminal (util-linux
 * `script`), and through a pipe, where the same commands print.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = resolve('bin/libcc.js');
const hasScript = spawnSync('script', ['--version']).status === 0;
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'libcc-terminal-'));
  cpSync('examples/minimal/flow.lcp', join(root, 'flow.lcp'));
  const compiled = spawnSync(process.execPath, [cli, 'compile', 'flow.lcp'], { cwd: root, encoding: 'utf8' });
  expect(compiled.status, compiled.stderr).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** The CLI with its standard output and error on a pseudo-terminal: what the terminal showed. */
function onTerminal(...args: string[]): { code: number | null; shown: string } {
  const command = [process.execPath, cli, ...args].map(quote).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: root, encoding: 'utf8', env: { ...process.env, TERM: 'dumb' } });
  return { code: r.status, shown: r.stdout.replace(/\r\n/g, '\n') };
}

function piped(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(hasScript || process.env.CI)('HTML and SVG on a terminal', () => {
  it('libcc report refuses the HTML page there (exit 2, with how to get it); json, -o and a pipe work', () => {
    expect(onTerminal('report', 'minimal')).toEqual({
      code: 2,
      shown:
        'libcc: error: the report, an HTML page, is not printed on a terminal\n' +
        'help: write it to a file with `-o report.html`, or pipe it; `--format json` prints its data\n',
    });
    const json = onTerminal('report', 'minimal', '--format', 'json');
    expect(json.code).toBe(0);
    expect(json.shown).toContain('"pipeline": "minimal"');
    const written = onTerminal('report', 'minimal', '-o', 'report.html');
    expect(written.code).toBe(0);
    expect(readFileSync(join(root, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    const page = piped('report', 'minimal');
    expect(page.code).toBe(0);
    expect(page.stdout).toBe(readFileSync(join(root, 'report.html'), 'utf8'));
  });

  it('libcc graph refuses SVG and HTML there; Mermaid and DOT are text and are printed', () => {
    for (const format of ['svg', 'html']) {
      expect(onTerminal('graph', 'flow.lcp', '--format', format)).toEqual({
        code: 2,
        shown:
          `libcc: error: ${format === 'svg' ? 'an SVG picture' : 'an HTML page'} is not printed on a terminal\n` +
          `help: write it to a file with \`-o graph.${format}\`, or pipe it; \`--format mermaid\` and \`--format dot\` draw the graph as text\n`,
      });
      const page = piped('graph', 'flow.lcp', '--format', format);
      expect(page.code).toBe(0);
      expect(page.stdout).toMatch(format === 'svg' ? /^<\?xml [^\n]*\n<svg / : /^<!DOCTYPE html>/i);
      expect(onTerminal('graph', 'flow.lcp', '--format', format, '-o', `graph.${format}`).code).toBe(0);
      expect(readFileSync(join(root, `graph.${format}`), 'utf8')).toBe(page.stdout);
    }
    for (const format of ['mermaid', 'dot']) {
      const text = onTerminal('graph', 'flow.lcp', '--format', format);
      expect(text.code).toBe(0);
      expect(text.shown).toBe(piped('graph', 'flow.lcp', '--format', format).stdout);
    }
  });
});
