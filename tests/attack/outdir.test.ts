/**
 * `-o` must name a directory of libcc's own: never `/`, the home directory or one of its
 * ancestors (by name or through a symbolic link; refused before anything is read there, even
 * with --force), never one reached through a link the repository committed, and never an
 * existing directory holding files libcc did not generate.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hostile, type Hostile } from './hostile.js';

let h: Hostile;
let home: string | undefined;
const cwd = process.cwd();
beforeEach(() => {
  h = hostile();
  home = process.env.HOME;
});
afterEach(() => {
  process.chdir(cwd);
  if (home === undefined) delete process.env.HOME;
  else process.env.HOME = home;
  h.cleanup();
});

/** A change to the pipeline, so that a compile has files to write and one to remove. */
function editPipeline(): void {
  writeFileSync(h.flow, readFileSync(h.flow, 'utf8').replace(/stage merge[\s\S]*$/, ''));
}

describe('-o', () => {
  it('refuses / for compile, compile --check and diff, quickly and without walking it', async () => {
    const listing = readdirSync('/').sort();
    for (const args of [['compile'], ['compile', '--force'], ['compile', '--check'], ['diff']]) {
      const started = Date.now();
      const result = await runCli(args[0]!, h.flow, '-o', '/', ...args.slice(1));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/refusing to use \/ as the output directory: it is the root of the file system/);
      expect(result.stderr).not.toMatch(/internal error/);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
    expect(readdirSync('/').sort()).toEqual(listing);
  });

  it('refuses the home directory and its ancestors, even with --force', async () => {
    const fakeHome = realpathSync(mkdtempSync(join(tmpdir(), 'libcc-home-')));
    try {
      mkdirSync(join(fakeHome, 'user'));
      writeFileSync(join(fakeHome, 'user/.bashrc'), 'mine\n');
      process.env.HOME = join(fakeHome, 'user');
      for (const out of [join(fakeHome, 'user'), `${join(fakeHome, 'user')}/`, fakeHome]) {
        const result = await runCli('compile', h.flow, '-o', out, '--force');
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/your home directory; choose a directory of its own with -o/);
      }
      expect(readdirSync(join(fakeHome, 'user'))).toEqual(['.bashrc']);
      // A directory inside home is fine.
      expect((await runCli('compile', h.flow, '-o', join(fakeHome, 'user/generated'))).code).toBe(0);
    } finally {
      rmSync(fakeHome, { recursive: true, force: true });
    }
  });

  it('refuses the home directory named through a symbolic link (`alias -> ..`), even with --force', async () => {
    const fakeHome = realpathSync(mkdtempSync(join(tmpdir(), 'libcc-home-')));
    try {
      mkdirSync(join(fakeHome, 'user'));
      writeFileSync(join(fakeHome, 'user/.bashrc'), 'mine\n');
      symlinkSync(fakeHome, join(fakeHome, 'alias'));
      process.env.HOME = join(fakeHome, 'user');
      for (const [out, relation] of [
        [join(fakeHome, 'alias/user'), 'is'],
        [join(fakeHome, 'alias/alias/user/'), 'is'],
        [join(fakeHome, 'alias'), 'holds'],
      ] as const) {
        for (const args of [['compile', '--force'], ['compile', '--check'], ['diff']]) {
          const result = await runCli(args[0]!, h.flow, '-o', out, ...args.slice(1));
          expect(result.code, `${args.join(' ')} -o ${out}`).toBe(2);
          expect(result.stderr).toContain(`refusing to use ${out} as the output directory: it ${relation} your home directory (${relation === 'is' ? join(fakeHome, 'user') : fakeHome} once symbolic links are resolved); choose a directory of its own with -o`);
        }
      }
      expect(readdirSync(join(fakeHome, 'user'))).toEqual(['.bashrc']);
      // HOME itself given through the alias: its real path is compared.
      process.env.HOME = join(fakeHome, 'alias/user');
      expect((await runCli('compile', h.flow, '-o', join(fakeHome, 'user'), '--force')).stderr).toMatch(/it is your home directory; choose/);
      expect(readdirSync(join(fakeHome, 'user'))).toEqual(['.bashrc']);
    } finally {
      rmSync(fakeHome, { recursive: true, force: true });
    }
  });

  it('refuses a directory reached through a link committed below the working directory (`gen -> outside`, `-o gen/out`)', async () => {
    // A directory libcc generated out there: a compile through the link would rewrite and remove files in it.
    expect((await runCli('compile', h.flow, '-o', join(h.outside, 'out'))).code).toBe(0);
    symlinkSync(h.outside, join(h.repo, 'gen'));
    editPipeline();
    const before = h.snapshot();
    process.chdir(h.repo);
    for (const args of [['compile'], ['compile', '--force'], ['compile', '--check'], ['diff']]) {
      const result = await runCli(args[0]!, 'flow.lcp', '-o', 'gen/out', ...args.slice(1));
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toBe(`libcc: error: refusing to use gen/out as the output directory: gen is a symbolic link (to ${h.outside}), which a repository can commit; give the real path with -o\n`);
      expect(result.stdout).toBe('');
    }
    // Deeper, and with `..` after the link (the kernel follows the link first).
    mkdirSync(join(h.repo, 'sub'));
    symlinkSync(join(h.outside, 'dir'), join(h.repo, 'sub/link'));
    for (const out of ['sub/link/out', './sub/link/../out', 'sub/link/../../gen/out']) {
      const result = await runCli('compile', 'flow.lcp', '-o', out, '--force');
      expect(result.code, out).toBe(2);
      expect(result.stderr).toMatch(/(sub\/link|gen) is a symbolic link \(to .*\), which a repository can commit; give the real path with -o/);
    }
    expect(h.snapshot()).toEqual(before);
    expect(existsSync(join(h.outside, 'dir/out'))).toBe(false);
  });

  it('refuses a directory reached through a link committed below the pipeline\'s directory, named by an absolute path', async () => {
    symlinkSync(h.outside, join(h.repo, 'gen'));
    const before = h.snapshot();
    for (const args of [['compile', '--force'], ['compile', '--check'], ['diff']]) {
      const result = await runCli(args[0]!, h.flow, '-o', join(h.repo, 'gen/out'), ...args.slice(1));
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(`${join(h.repo, 'gen')} is a symbolic link (to ${h.outside}), which a repository can commit; give the real path with -o`);
    }
    expect(h.snapshot()).toEqual(before);
  });

  it('follows links above the working directory and the pipeline\'s (site aliases such as /home -> /export/home)', async () => {
    mkdirSync(join(h.root, 'export'));
    symlinkSync(join(h.root, 'export'), join(h.root, 'alias'));
    process.chdir(h.repo);
    for (const out of [join(h.root, 'alias/out'), '../alias/out2']) {
      const result = await runCli('compile', 'flow.lcp', '-o', out);
      expect(result.code, `${out}: ${result.stderr}`).toBe(0);
      expect((await runCli('compile', 'flow.lcp', '-o', out, '--check')).code).toBe(0);
    }
    expect(readdirSync(join(h.root, 'export')).sort()).toEqual(['out', 'out2']);
    // The repository reached through an alias is still the repository: a link below it is refused.
    symlinkSync(h.outside, join(h.repo, 'gen'));
    symlinkSync(h.repo, join(h.root, 'aliased-repo'));
    const before = h.snapshot();
    const refused = await runCli('compile', 'flow.lcp', '-o', join(h.root, 'aliased-repo/gen/out'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${join(h.root, 'aliased-repo/gen')} is a symbolic link (to ${h.outside})`);
    expect(h.snapshot()).toEqual(before);
  });

  it('refuses an existing directory with files libcc did not generate', async () => {
    const before = h.snapshot();
    const mtime = statSync(h.outside).mtimeMs;
    const result = await runCli('compile', h.flow, '-o', h.outside);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not empty and was not generated by libcc \(no libcc\.manifest\); choose another directory with -o/);
    expect(h.snapshot()).toEqual(before);
    // Not even a lock file came and went.
    expect(statSync(h.outside).mtimeMs).toBe(mtime);
  });

  it("refuses a directory holding only libcc's stage names without its lock: they are not a compile libcc interrupted, and are kept", async () => {
    const out = join(h.repo, 'out');
    mkdirSync(join(out, '.libcc-stage'), { recursive: true });
    writeFileSync(join(out, '.libcc-stage/notes.txt'), 'precious\n');
    writeFileSync(join(out, '.libcc-journal.tmp'), 'mine\n');
    for (const args of [[], ['--check']]) {
      const result = await runCli('compile', h.flow, '-o', out, ...args);
      if (args.length === 0) {
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('holds .libcc-stage or .libcc-journal.tmp but no libcc.manifest and no .libcc.lock: not a compile libcc interrupted here');
      }
      expect(readFileSync(join(out, '.libcc-stage/notes.txt'), 'utf8')).toBe('precious\n');
      expect(readFileSync(join(out, '.libcc-journal.tmp'), 'utf8')).toBe('mine\n');
    }
    expect(readdirSync(out).sort()).toEqual(['.libcc-journal.tmp', '.libcc-stage']);
  });

  it('refuses a file as the output directory', async () => {
    const result = await runCli('compile', h.flow, '-o', join(h.outside, 'victim.txt'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/exists and is not a directory/);
    expect(dirname(h.flow)).toBe(h.repo);
  });
});
