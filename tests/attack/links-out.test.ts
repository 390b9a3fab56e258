/**
 * A symbolic link a repository commits (`site -> /elsewhere`) must not lead libcc out of it: the
 * rule of `compile -o` (`checkOutputDir`, src/cli/safe-fs.ts) for every other path libcc writes at
 * or reads a directory from — `graph -o`, `report -o`, `report <dir>` (and `--run-dir`,
 * `--history`), the files `fmt` rewrites and the directory `init` fills. Each refusal is a usage
 * error (exit 2) and the sentinel directory is left exactly as it was.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hostile, SECRET, type Hostile } from './hostile.js';

let h: Hostile;
const cwd = process.cwd();
beforeEach(() => {
  h = hostile();
});
afterEach(() => {
  process.chdir(cwd);
  h.cleanup();
});

describe('graph -o', () => {
  it('refuses a file reached through a link committed below the working directory (`site -> outside`)', async () => {
    writeFileSync(join(h.outside, 'graph.html'), `${SECRET}\n`);
    symlinkSync(h.outside, join(h.repo, 'site'));
    const before = h.snapshot();
    process.chdir(h.repo);
    for (const out of ['site/graph.html', 'site/new.html', './site/dir/graph.dot']) {
      const result = await runCli('graph', 'flow.lcp', '-o', out);
      expect(result.code, out).toBe(2);
      expect(result.stderr).toBe(`libcc: error: refusing to write ${out}: site is a symbolic link (to ${h.outside}), which a repository can commit; give the real path with -o\n`);
      expect(result.stdout).toBe('');
    }
    expect(h.snapshot()).toEqual(before);
    // A real directory is written as before.
    mkdirSync('real');
    expect((await runCli('graph', 'flow.lcp', '-o', 'real/graph.html')).code).toBe(0);
    expect(readFileSync('real/graph.html', 'utf8')).toContain('pipeline minimal');
  });

  it("refuses a link committed below the pipeline's directory, named by an absolute path from elsewhere", async () => {
    symlinkSync(h.outside, join(h.repo, 'site'));
    mkdirSync(join(h.root, 'elsewhere'));
    const before = h.snapshot();
    process.chdir(join(h.root, 'elsewhere'));
    const result = await runCli('graph', h.flow, '-o', join(h.repo, 'site/graph.html'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(h.repo, 'site')} is a symbolic link (to ${h.outside}), which a repository can commit; give the real path with -o`);
    expect(h.snapshot()).toEqual(before);
  });
});

describe('report', () => {
  it('refuses -o through a link committed below the working directory', async () => {
    process.chdir(h.repo);
    expect((await runCli('compile', 'flow.lcp')).code).toBe(0);
    symlinkSync(h.outside, 'site');
    writeFileSync(join(h.outside, 'report.html'), `${SECRET}\n`);
    const before = h.snapshot();
    for (const format of ['html', 'json']) {
      const result = await runCli('report', 'minimal', '-o', 'site/report.html', '--format', format);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`libcc: error: refusing to write site/report.html: site is a symbolic link (to ${h.outside}), which a repository can commit; give the real path with -o\n`);
    }
    // Below the generated directory too (`minimal/site -> outside`), wherever it is.
    symlinkSync(h.outside, 'minimal/site');
    const inside = await runCli('report', join(h.repo, 'minimal'), '-o', join(h.repo, 'minimal/site/report.html'));
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain(`${join(h.repo, 'minimal/site')} is a symbolic link (to ${h.outside}), which a repository can commit`);
    expect(h.snapshot()).toEqual(before);
    // A real path is written as before.
    expect((await runCli('report', 'minimal', '-o', 'report.html')).code).toBe(0);
    expect(existsSync('report.html')).toBe(true);
  });

  it('refuses to read a generated directory (or run directory, or history) reached through a link below the working directory', async () => {
    // A generated directory out there, with a run state of its own.
    expect((await runCli('compile', h.flow, '-o', join(h.outside, 'gen'))).code).toBe(0);
    mkdirSync(join(h.outside, 'gen/run'));
    writeFileSync(join(h.outside, 'gen/run/events.jsonl'), `{"time":1,"event":"start","stage":"${SECRET}","job":"_"}\n`);
    symlinkSync(h.outside, join(h.repo, 'lnk'));
    process.chdir(h.repo);
    expect((await runCli('compile', 'flow.lcp')).code).toBe(0);
    const before = h.snapshot();
    for (const args of [['lnk/gen'], ['lnk/gen', '--format', 'json'], ['./lnk/gen/'], [join(h.repo, 'lnk/gen')]]) {
      const result = await runCli('report', ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^libcc: error: refusing to read .*: .*lnk is a symbolic link \(to .*\), which a repository can commit; give the real directory\n$/);
      expect(result.stdout).toBe('');
    }
    // The link itself was refused already; still is.
    expect((await runCli('report', 'lnk')).code).toBe(2);
    const runDir = await runCli('report', 'minimal', '--run-dir', 'lnk/gen/run');
    expect(runDir.code).toBe(2);
    expect(runDir.stderr).toBe(`libcc: error: refusing to read the run directory lnk/gen/run: lnk is a symbolic link (to ${h.outside}), which a repository can commit; give the real directory with --run-dir\n`);
    expect(runDir.stdout).toBe('');
    // `--history` reads no events there: a warning, as for any unusable history directory.
    const history = await runCli('plan', 'flow.lcp', '--history', 'lnk/gen');
    expect(history.code).toBe(0);
    expect(history.stderr).toContain(`libcc: warning: refusing to read lnk/gen: lnk is a symbolic link (to ${h.outside}), which a repository can commit; give the real directory\n`);
    expect(history.stderr + history.stdout).not.toContain(SECRET);
    expect(h.snapshot()).toEqual(before);
    // The real generated directory reads as before.
    expect((await runCli('report', 'minimal', '--format', 'json')).code).toBe(0);
  });
});

describe('fmt', () => {
  const UNFORMATTED = 'pipeline   x\n';

  beforeEach(() => {
    writeFileSync(join(h.outside, 'x.lcp'), UNFORMATTED);
    symlinkSync('../outside', join(h.repo, 'sub'));
    process.chdir(h.repo);
  });

  it('does not rewrite a file reached through a link below the working directory (`repo/sub -> ../outside`)', async () => {
    const before = h.snapshot();
    for (const path of ['sub/x.lcp', './sub/x.lcp', join(h.repo, 'sub/x.lcp'), 'sub', 'sub/*.lcp']) {
      const result = await runCli('fmt', path);
      expect(result.code, path).toBe(2);
      // `sub` and `sub/*.lcp` name secret.lcp too: each file is refused.
      expect(result.stderr).toMatch(/^(libcc: error: refusing to rewrite .*\.lcp: .*sub is a symbolic link \(to .*outside\), which a repository can commit; format it at its real path\n)+$/);
      expect(result.stderr).toContain('x.lcp: ');
      expect(result.stdout).toBe('');
    }
    expect(h.snapshot()).toEqual(before);
    expect(readFileSync(join(h.outside, 'x.lcp'), 'utf8')).toBe(UNFORMATTED);
  });

  it('formats the other files, and a directory scan does not enter the link', async () => {
    writeFileSync('mine.lcp', UNFORMATTED);
    const before = h.snapshot();
    const both = await runCli('fmt', 'mine.lcp', 'sub/x.lcp');
    expect(both.code).toBe(2);
    expect(both.stdout).toBe('formatted: mine.lcp\n');
    expect(readFileSync('mine.lcp', 'utf8')).not.toBe(UNFORMATTED);
    writeFileSync('mine.lcp', UNFORMATTED);
    const scan = await runCli('fmt', '.');
    expect(scan.code).toBe(0);
    expect(scan.stdout).not.toContain('sub/');
    expect(h.snapshot()).toEqual(before);
  });

  it('reads it with --check and --diff, which write nothing, as `libcc check` does', async () => {
    const before = h.snapshot();
    const check = await runCli('fmt', '--check', 'sub/x.lcp');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('would reformat: sub/x.lcp\n');
    const diff = await runCli('fmt', '--diff', 'sub/x.lcp');
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('+pipeline x');
    const checked = await runCli('check', 'sub/x.lcp');
    expect(checked.stderr).not.toContain('refusing');
    expect(h.snapshot()).toEqual(before);
  });
});

describe('init', () => {
  it('refuses to create a pipeline through a link committed below the working directory', async () => {
    mkdirSync(join(h.outside, 'empty'));
    symlinkSync(h.outside, join(h.repo, 'lnk'));
    symlinkSync(join(h.outside, 'empty'), join(h.repo, 'lnk-empty'));
    symlinkSync(join(h.outside, 'missing'), join(h.repo, 'dangling'));
    const before = h.snapshot();
    process.chdir(h.repo);
    const refusals: [string, string][] = [
      ['lnk/new', `libcc: error: refusing to create the pipeline in lnk/new: lnk is a symbolic link (to ${h.outside}), which a repository can commit; give the real path\n`],
      ['lnk/empty', `libcc: error: refusing to create the pipeline in lnk/empty: lnk is a symbolic link (to ${h.outside}), which a repository can commit; give the real path\n`],
      ['lnk-empty', `libcc: error: \`lnk-empty\` is a symbolic link (to ${join(h.outside, 'empty')}): give the real directory\n`],
      ['dangling', `libcc: error: \`dangling\` is a symbolic link (to ${join(h.outside, 'missing')}, which does not resolve): give the real directory\n`],
      ['dangling/x', `libcc: error: refusing to create the pipeline in dangling/x: dangling is a symbolic link (to ${join(h.outside, 'missing')}, which does not resolve), which a repository can commit; give the real path\n`],
    ];
    for (const [dir, message] of refusals) {
      const result = await runCli('init', dir);
      expect(result.code, dir).toBe(2);
      expect(result.stderr).toBe(message);
      expect(result.stdout).toBe('');
    }
    expect(h.snapshot()).toEqual(before);
    expect(readdirSync(join(h.outside, 'empty'))).toEqual([]);
    expect(existsSync(join(h.outside, 'missing'))).toBe(false);
  });
});
