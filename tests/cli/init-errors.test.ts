/**
 * `libcc init` on a directory it cannot create: a usage error naming the component in the way
 * (a file, a dangling link), never an internal error; and `/proc/x` fails at once (Node 20's
 * recursive `mkdir` loops forever there: init creates one directory at a time).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let tmp: string;
const cwd = process.cwd();
beforeEach(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'libcc-init-errors-')));
  mkdirSync(join(tmp, 'work'));
  process.chdir(join(tmp, 'work'));
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(tmp, { recursive: true, force: true });
});

describe('libcc init: a directory it cannot create', () => {
  it('names a file in the way (`afile` is not a directory)', async () => {
    writeFileSync('afile', 'mine\n');
    for (const dir of ['afile/x', 'afile/x/y', './afile/x']) {
      const result = await runCli('init', dir);
      expect(result.code, dir).toBe(2);
      expect(result.stderr).toBe('libcc: error: `afile` is not a directory\n');
      expect(result.stdout).toBe('');
    }
    const deeper = await runCli('init', join(tmp, 'work/afile/x'));
    expect(deeper.stderr).toBe(`libcc: error: \`${join(tmp, 'work/afile')}\` is not a directory\n`);
    expect(readdirSync('.')).toEqual(['afile']);
  });

  it('names a dangling link in the way, below the working directory or not', async () => {
    mkdirSync('i3');
    symlinkSync('../nowhere', 'i3/new');
    const below = await runCli('init', 'i3/new/x');
    expect(below.code).toBe(2);
    expect(below.stderr).toBe('libcc: error: refusing to create the pipeline in i3/new/x: i3/new is a symbolic link (to ../nowhere, which does not resolve), which a repository can commit; give the real path\n');
    const itself = await runCli('init', 'i3/new');
    expect(itself.code).toBe(2);
    expect(itself.stderr).toBe('libcc: error: `i3/new` is a symbolic link (to ../nowhere, which does not resolve): give the real directory\n');
    // Elsewhere (not below the working directory): a link there is followed, but leads nowhere.
    mkdirSync(join(tmp, 'other'));
    symlinkSync('../nowhere', join(tmp, 'other/new'));
    const elsewhere = await runCli('init', join(tmp, 'other/new/x'));
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toBe(`libcc: error: \`${join(tmp, 'other/new')}\` is a symbolic link to ../nowhere, which does not resolve: not a directory to create the pipeline in\n`);
    expect(existsSync(join(tmp, 'nowhere'))).toBe(false);
    expect(existsSync(join(tmp, 'work/nowhere'))).toBe(false);
  });

  it('follows a link to a directory outside the working directory, and creates missing directories one by one', async () => {
    mkdirSync(join(tmp, 'real'));
    symlinkSync(join(tmp, 'real'), join(tmp, 'alias'));
    const result = await runCli('init', join(tmp, 'alias/a/b'));
    expect(result.code).toBe(0);
    expect(readdirSync(join(tmp, 'real/a/b'))).toContain('flow.lcp');
    expect((await runCli('init', 'x/y/z')).code).toBe(0);
    expect(readdirSync('x/y/z')).toContain('flow.lcp');
  });

  it.skipIf(process.platform !== 'linux')('fails at once on /proc/x (no recursive mkdir looping there)', () => {
    const started = Date.now();
    // The built CLI in a child: were it to loop, the test times out instead of hanging the runner.
    const result = spawnSync(process.execPath, [join(cwd, 'bin/libcc.js'), 'init', '/proc/x/y'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(result.signal).toBe(null);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('libcc: error: cannot create the directory `/proc/x`: ENOENT: no such file or directory\n');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
