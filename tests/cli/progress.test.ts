/** Progress is shown on a terminal only: never in pipes or CI logs (util-linux `script` gives a pty). */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'libcc-progress-'));
cpSync('examples/minimal/flow.lcp', join(dir, 'flow.lcp'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = join(process.cwd(), 'bin/libcc.js');

function onTerminal(env: Record<string, string | undefined>): string {
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} compile flow.lcp -o out`;
  const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  expect(result.error, 'util-linux `script` is needed for a pseudo-terminal').toBeUndefined();
  return result.stdout;
}

describe('compile progress', () => {
  it('is shown on a terminal and erased before the result', () => {
    const { CI: _ci, ...env } = process.env;
    const output = onTerminal({ ...env, CI: undefined });
    expect(output).toContain('libcc: checking…');
    expect(output).toMatch(/\r\u001b\[Kwrote out: 22 files/);
  });
  it('is never shown under CI', () => {
    expect(onTerminal({ CI: 'true' })).not.toContain('libcc: checking');
  });
  it('is never shown in a pipe', () => {
    const result = spawnSync(process.execPath, [cli, 'compile', 'flow.lcp', '-o', 'piped'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: '' } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
