/**
 * Names from a repository or a run directory reach libcc's own messages (not only diagnostics,
 * which their renderer makes safe): a file name `check` or `fmt` found, a lock's holder, a run's
 * stage and job names, a command-line argument. A control character in them (an ESC starting a
 * terminal sequence, an OSC setting the window title) is shown escaped (`\u{1b}`), never sent to
 * the terminal.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hostile, type Hostile } from './hostile.js';

let h: Hostile;
const cwd = process.cwd();
beforeEach(() => {
  h = hostile();
});
afterEach(() => {
  process.chdir(cwd);
  h.cleanup();
});

/** An OSC (window title) and a CSI (clear screen), as a hostile name would carry them. */
const SEQUENCE = '\u001b]0;pwned\u0007\u001b[2J';
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe("libcc's own messages naming hostile things", () => {
  it('check and fmt name a file found under a directory escaped', async () => {
    const dir = join(h.repo, 'flows');
    mkdirSync(dir);
    writeFileSync(join(dir, `a${SEQUENCE}.lcp`), 'pipeline x\nstage   s { run = shell "echo"  expect "x" == 1 }\n');
    for (const args of [['check', dir], ['fmt', '--check', dir], ['fmt', dir], ['check', dir]]) {
      const result = await runCli(...args);
      const printed = result.stdout + result.stderr;
      expect(printed, args.join(' ')).toContain('a\\u{1b}]0;pwned\\u{7}\\u{1b}[2J.lcp');
      expect(printed, args.join(' ')).not.toMatch(RAW);
    }
  });

  it("a compile refused by a lock shows the lock's holder escaped", async () => {
    expect((await runCli('compile', h.flow, '-o', h.out)).code).toBe(0);
    writeFileSync(join(h.out, '.libcc.lock'), `1 ${SEQUENCE} x\n`);
    const result = await runCli('compile', h.flow, '-o', h.out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is locked by another libcc compile (process 1 on \\u{1b}]0;pwned\\u{7}\\u{1b}[2J, since x)');
    expect(result.stderr).not.toMatch(RAW);
  });

  it("report's warnings show a run's file, stage and job names escaped", async () => {
    expect((await runCli('compile', h.flow, '-o', h.out)).code).toBe(0);
    mkdirSync(join(h.out, 'run/state/characterize'), { recursive: true });
    symlinkSync('x', join(h.out, `run/state/characterize/a${SEQUENCE}`));
    writeFileSync(join(h.out, 'run/events.jsonl'), `${JSON.stringify({ time: 1, event: 'start', stage: `\u001b[31mS`, job: `j${SEQUENCE}` })}\n`);
    const result = await runCli('report', h.out, '-o', join(h.root, 'report.html'));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('a\\u{1b}]0;pwned');
    expect(result.stderr).toContain('\\u{1b}[31mS');
    expect(result.stderr).not.toMatch(RAW);
  });

  it('an unknown option is echoed escaped', async () => {
    const result = await runCli('check', `--bogus${SEQUENCE}`, h.flow);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus\\u{1b}]0;pwned");
    expect(result.stderr).not.toMatch(RAW);
  });

  it('init names its directory escaped', async () => {
    process.chdir(h.root);
    const result = await runCli('init', `new${SEQUENCE}`, '--name', 'fresh');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('new\\u{1b}]0;pwned');
    expect(result.stdout).not.toMatch(RAW);
  });
});
