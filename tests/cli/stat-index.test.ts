// The stat index (src/cli/stat-index.ts): a no-change re-compile trusts a generated file whose
// lstat is as recorded when libcc last hashed it, and hashes every other. These tests shift the
// clock (`Date.now`) past the settling time instead of sleeping, and prove that an edit which
// keeps size and modification time is still noticed, that a planted or damaged index is never
// trusted, and that a linked cache directory is neither read nor written through.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MANIFEST } from '../../src/cli/generated-dir.js';
import { NOT_FROM_HERE } from '../../src/cli/up-to-date.js';
import { recordManifestOrigin } from '../../src/cli/manifest-origin.js';
import { SETTLE_MS } from '../../src/cli/stat-index.js';
import { runCli } from '../helpers/cli.js';
import { FAST_PATH_NOT_TAKEN, FAST_PATH_TAKEN, fastPathSandbox } from '../helpers/fast-path.js';

const NOTE = FAST_PATH_TAKEN;
const NOT_TAKEN = FAST_PATH_NOT_TAKEN;
const sandbox = fastPathSandbox('libcc-stat-');
afterEach(() => vi.restoreAllMocks());

const out = () => join(sandbox(), 'out');
const index = () => join(out(), '.libcc-cache/stat-index');
const compile = (...args: string[]) => runCli('compile', join(sandbox(), 'flow.lcp'), '-o', out(), ...args);
/** Every file the tree holds, as the clock will see it: settled (the clock runs ahead). */
const later = () => {
  const real = Date.now.bind(Date);
  vi.spyOn(Date, 'now').mockImplementation(() => real() + SETTLE_MS + 10_000);
};
/** How many files the fast path verified, and how many of them the index vouched for. */
const taken = (stderr: string) => {
  const match = NOTE.exec(stderr);
  if (match === null) throw new Error(`fast path not taken: ${NOT_TAKEN.exec(stderr)?.[1] ?? stderr}`);
  return { files: Number(match[1]), trusted: Number(match[2]) };
};

describe('compile: the stat index', () => {
  it('is recorded by a verifying compile and then vouches for every file; git never sees it', async () => {
    expect((await compile()).code).toBe(0);
    // Files written just now are not recorded (an edit could share their clock tick).
    const fresh = taken((await compile()).stderr);
    expect(fresh.trusted).toBe(0);
    expect(existsSync(index())).toBe(false);

    later();
    const first = taken((await compile()).stderr);
    expect(first.trusted).toBe(0);
    expect(readFileSync(index(), 'utf8').split('\n')[0]).toBe('libcc-stat-index 1');
    const second = taken((await compile()).stderr);
    // Every listed file (the manifest itself is read, not indexed).
    expect(second).toEqual({ files: first.files, trusted: first.files - 1 });

    // --check uses it and never writes it.
    const before = statSync(index()).mtimeMs;
    expect(taken((await compile('--check')).stderr).trusted).toBe(first.files - 1);
    expect(statSync(index()).mtimeMs).toBe(before);

    execFileSync('git', ['init', '-q', sandbox()]);
    const status = execFileSync('git', ['-C', sandbox(), 'status', '--porcelain', '--untracked-files=all'], { encoding: 'utf8' });
    expect(status).toContain('out/submit.sh');
    expect(status).not.toContain('.libcc-cache');
  });

  it('does not hide an edit that keeps the size and the modification time', async () => {
    await compile();
    later();
    await compile();
    expect(taken((await compile()).stderr).trusted).toBeGreaterThan(0);

    const path = join(out(), 'submit.sh');
    const text = readFileSync(path, 'utf8');
    const { mtimeNs } = statSync(path, { bigint: true });
    const edited = text.replace('set -euo pipefail', 'set -eu  pipefail');
    expect(edited).not.toBe(text);
    expect(edited.length).toBe(text.length);
    writeFileSync(path, edited);
    // Back to the very nanosecond (as `touch -r` or `cp -p` would).
    const seconds = mtimeNs / 1_000_000_000n;
    execFileSync('touch', ['-m', '-d', `@${seconds}.${String(mtimeNs - seconds * 1_000_000_000n).padStart(9, '0')}`, path]);
    expect(statSync(path, { bigint: true }).mtimeNs).toBe(mtimeNs);

    const after = await compile();
    expect(NOT_TAKEN.exec(after.stderr)?.[1]).toBe('submit.sh was edited');
    expect(after.code).toBe(2);
    expect(after.stderr).toContain('submit.sh (edited since it was generated)');
    expect(readFileSync(path, 'utf8')).toBe(edited);
  });

  it('trusts nothing of an index that came with the tree (a copy, a checkout) or is damaged', async () => {
    await compile();
    later();
    await compile();
    const files = taken((await compile()).stderr).files;

    // The tree and its index copied elsewhere (as a commit of both would be checked out): new inodes and change times.
    const copy = join(sandbox(), 'copy');
    cpSync(out(), copy, { recursive: true, preserveTimestamps: true });
    rmSync(out(), { recursive: true });
    cpSync(copy, out(), { recursive: true, preserveTimestamps: true });
    expect(existsSync(index())).toBe(true);
    // A copied manifest is rendered to compare (manifest-origin.ts); were it trusted as libcc's
    // own, the copied index would still vouch for nothing.
    expect(recordManifestOrigin(out(), MANIFEST)).toBeUndefined();
    expect(taken((await compile()).stderr)).toEqual({ files, trusted: 0 });
    expect(taken((await compile()).stderr).trusted).toBe(files - 1);

    // Lines out of manifest order (an index libcc did not write so) are still found.
    const [header, ...entries] = readFileSync(index(), 'utf8').trimEnd().split('\n');
    writeFileSync(index(), `${[header, ...entries.reverse()].join('\n')}\n`);
    expect(taken((await compile()).stderr).trusted).toBe(files - 1);

    for (const damage of ['libcc-stat-index 2\n', `${readFileSync(index(), 'utf8')}not an entry\n`, readFileSync(index(), 'utf8').slice(0, -1)]) {
      writeFileSync(index(), damage);
      expect(taken((await compile()).stderr).trusted).toBe(0);
      expect(taken((await compile()).stderr).trusted).toBe(files - 1);
    }
  });

  it('is removed by a compile that writes, and entries of files no longer generated are dropped', async () => {
    await compile();
    later();
    await compile();
    expect(existsSync(index())).toBe(true);
    const stale = `${'0'.repeat(64)} 33188 1 1 1 1 1 gone.sh`;
    writeFileSync(index(), readFileSync(index(), 'utf8') + `${stale}\n`);
    await compile();
    expect(readFileSync(index(), 'utf8')).not.toContain('gone.sh');

    const site = join(sandbox(), 'site.lcp');
    writeFileSync(site, readFileSync(site, 'utf8').replace('max_slots = 64', 'max_slots = 32'));
    const changed = await compile();
    expect(NOT_TAKEN.exec(changed.stderr)?.[1]).toBe('the inputs differ from those libcc.manifest records');
    expect(existsSync(index())).toBe(false);
    // The cache directory is libcc's own: not a reason to call the directory foreign.
    rmSync(join(out(), 'libcc.manifest'));
    for (const name of readdirSync(out())) if (name !== '.libcc-cache') rmSync(join(out(), name), { recursive: true });
    expect((await compile()).code).toBe(0);
  });

  it('is neither read nor written through a linked cache directory', async () => {
    await compile();
    const elsewhere = join(sandbox(), 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'stat-index'), 'precious\n');
    rmSync(join(out(), '.libcc-cache'), { recursive: true });
    symlinkSync(elsewhere, join(out(), '.libcc-cache'));
    later();
    const run = await compile();
    // Nothing read through it, the manifest's origin included: the directory is rendered to compare.
    expect(NOT_TAKEN.exec(run.stderr)?.[1]).toBe(NOT_FROM_HERE);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(0 changed)');
    expect(readdirSync(elsewhere)).toEqual(['stat-index']);
    expect(readFileSync(join(elsewhere, 'stat-index'), 'utf8')).toBe('precious\n');

    // A full compile (inputs changed) removes no file through it either.
    const site = join(sandbox(), 'site.lcp');
    writeFileSync(site, readFileSync(site, 'utf8').replace('max_slots = 64', 'max_slots = 32'));
    expect((await compile()).code).toBe(0);
    expect(readFileSync(join(elsewhere, 'stat-index'), 'utf8')).toBe('precious\n');
  });

  it('a FIFO in place of a cache file is refused, not waited on: compile, --check and diff finish', async () => {
    await compile();
    for (const name of ['stat-index', 'manifest-origin']) {
      const path = join(out(), '.libcc-cache', name);
      rmSync(path, { force: true });
      execFileSync('mkfifo', [path]);
      for (const args of [['compile'], ['compile', '--check'], ['diff']]) {
        // A child process: a read blocked on the FIFO would block the test's own thread too.
        const run = spawnSync(process.execPath, ['bin/libcc.js', ...args, join(sandbox(), 'flow.lcp'), '-o', out()], { encoding: 'utf8', timeout: 60_000 });
        expect(run.signal, `${args.join(' ')} with a FIFO at ${name}`).toBeNull();
        expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      }
      rmSync(path);
    }
  });
});
