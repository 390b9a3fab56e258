/** When the CLI colours its output (src/cli/io.ts `useColor`): flags, NO_COLOR, FORCE_COLOR, TERM=dumb. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useColor } from '../../src/cli/io.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('useColor', () => {
  it('colours a terminal, not a pipe', () => {
    expect(useColor(tty, undefined, {})).toBe(true);
    expect(useColor(pipe, undefined, {})).toBe(false);
  });

  it('obeys --color and --no-color above everything', () => {
    expect(useColor(pipe, true, { NO_COLOR: '1' })).toBe(true);
    expect(useColor(tty, false, { FORCE_COLOR: '1' })).toBe(false);
  });

  it('turns colour off with NO_COLOR (non-empty) and TERM=dumb', () => {
    expect(useColor(tty, undefined, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(tty, undefined, { NO_COLOR: '' })).toBe(true);
    expect(useColor(tty, undefined, { TERM: 'dumb' })).toBe(false);
    expect(useColor(tty, undefined, { TERM: 'xterm-256color' })).toBe(true);
  });

  it('reads FORCE_COLOR like Node: 0 and false off, anything else on', () => {
    for (const value of ['0', 'false', 'FALSE']) {
      expect(useColor(tty, undefined, { FORCE_COLOR: value }), value).toBe(false);
      expect(useColor(pipe, undefined, { FORCE_COLOR: value }), value).toBe(false);
    }
    for (const value of ['1', '2', '3', 'true', '']) expect(useColor(pipe, undefined, { FORCE_COLOR: value }), value).toBe(true);
    expect(useColor(pipe, undefined, { FORCE_COLOR: '1', TERM: 'dumb' })).toBe(true);
    expect(useColor(pipe, undefined, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
  });

  it('applies to the built CLI', () => {
    const run = (env: Record<string, string | undefined>) =>
      spawnSync(process.execPath, ['bin/libcc.js', 'check', 'examples/errors/units.lcp'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: undefined, ...env } }).stdout;
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    expect(run({ FORCE_COLOR: '1' })).toMatch(ansi);
    expect(run({ FORCE_COLOR: '0' })).not.toMatch(ansi);
    expect(run({})).not.toMatch(ansi);
  });
});
