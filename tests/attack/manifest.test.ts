/**
 * A manifest is data from a pull request: a line naming a path outside the generated directory
 * must not make compile delete it, diff print it or `--check` list it; nor may a path too long
 * for the system end a compile half-way (ENAMETOOLONG as an internal error). The manifest is validated
 * before any listed file is looked at; a bad one is a usage error (exit 2) and nothing changes.
 */
import { readFileSync, writeFileSync, symlinkSync, existsSync, truncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/cli/manifest.js';
import { MAX_PATH_BYTES } from '../../src/cli/safe-fs.js';
import { runCli } from '../helpers/cli.js';
import { hostile, SECRET, type Hostile } from './hostile.js';

let h: Hostile;
beforeEach(() => {
  h = hostile();
});
afterEach(() => h.cleanup());

const compile = (...args: string[]) => runCli('compile', h.flow, '-o', h.out, ...args);
const diff = () => runCli('diff', h.flow, '-o', h.out);

/** Compiles, then appends `line` to the manifest (as a pull request would). */
async function plant(line: string): Promise<string> {
  expect((await compile()).code).toBe(0);
  const manifest = join(h.out, 'libcc.manifest');
  const before = readFileSync(manifest, 'utf8');
  writeFileSync(manifest, `${before}${line}\n`);
  return readFileSync(manifest, 'utf8');
}

const victimHash = () => sha256(`${SECRET}\n`);

/** A relative path of `bytes` bytes made of names of at most 255: fine on its own, too long under a directory. */
function pathOfBytes(bytes: number): string {
  const names: string[] = [];
  for (let left = bytes; left > 0; left -= 256) names.push('n'.repeat(Math.min(255, left)));
  return names.join('/').slice(0, bytes);
}

describe('a hostile manifest', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a `../` path', () => `${victimHash()}  ../../outside/victim.txt`, /`\.\.` leaves the directory/],
    ['a `..` inside a path', () => `${victimHash()}  jobs/../../../outside/victim.txt`, /`\.\.` leaves the directory/],
    ['an absolute path', () => `${victimHash()}  ${join(h.outside, 'victim.txt')}`, /absolute path/],
    ['/etc/passwd', () => `${'0'.repeat(64)}  /etc/passwd`, /absolute path/],
    ['a backslash', () => `${victimHash()}  ..\\..\\outside\\victim.txt`, /backslash/],
    ['a `.` component', () => `${victimHash()}  ./submit.sh`, /not normalised/],
    ['the manifest itself', () => `${victimHash()}  libcc.manifest`, /libcc's own file/],
    ['the run state', () => `${victimHash()}  run/state/x.done`, /run state/],
    ['a malformed line', () => `rm -rf ../outside`, /not a manifest line/],
    ['a name over 255 bytes', () => `${'0'.repeat(64)}  jobs/${'a'.repeat(300)}.sh`, /refusing the path `jobs\/a{95}…`: a name of 303 bytes \(a file or directory name is at most 255\)/],
    ['a path too long for the system in the directory', () => `${'0'.repeat(64)}  ${pathOfBytes(MAX_PATH_BYTES - 8)}`, /: path too long in .*\/out \(\d+ bytes; the system takes at most \d+\)/],
  ];
  for (const [name, line, message] of cases) {
    it(`with ${name}: compile, compile --check and diff refuse it, touching nothing`, async () => {
      const manifest = await plant(line());
      const before = h.snapshot();
      // A new pipeline version, so that compile would remove files and diff would show them.
      writeFileSync(h.flow, readFileSync(h.flow, 'utf8').replace(/stage merge[\s\S]*$/, ''));
      for (const run of [compile, () => compile('--force'), () => compile('--check'), diff]) {
        const result = await run();
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(message);
        expect(result.stderr).toMatch(/libcc\.manifest:\d+/);
        expect(result.stdout).not.toContain(SECRET);
        expect(result.stdout).not.toContain('root:');
        expect(result.stderr).not.toMatch(/internal error|ENAMETOOLONG/);
      }
      expect(h.snapshot()).toEqual(before);
      expect(readFileSync(join(h.out, 'libcc.manifest'), 'utf8')).toBe(manifest);
      expect(existsSync(join(h.out, 'jobs/merge.sh'))).toBe(true);
    });
  }

  it('with a path listed twice is refused', async () => {
    await plant(`${'0'.repeat(64)}  submit.sh`);
    const result = await compile();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/`submit\.sh` is listed twice/);
  });

  it('with a control character in a path is refused, the character not echoed', async () => {
    await plant(`${victimHash()}  jobs/x\u001b[2Jy.sh`);
    const result = await compile();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/control character/);
    expect(result.stderr).not.toContain('\u001b');
  });

  it('with a C1 control character (CSI, OSC as one UTF-8 character) in a path is refused, the character not echoed', async () => {
    await plant(`${victimHash()}  jobs/x\u009b2J\u009d0;T\u009c.sh`);
    const result = await compile();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/control character in path/);
    expect(result.stderr).not.toMatch(/[\u0080-\u009f]/);
  });

  it('that is a symbolic link is refused, not followed', async () => {
    const fake = join(h.outside, 'victim.txt');
    expect((await compile()).code).toBe(0);
    const before = h.snapshot();
    const { rmSync } = await import('node:fs');
    rmSync(join(h.out, 'libcc.manifest'));
    symlinkSync(fake, join(h.out, 'libcc.manifest'));
    for (const run of [compile, () => compile('--check'), diff]) {
      const result = await run();
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/libcc\.manifest is a symbolic link/);
    }
    expect(h.snapshot()).toEqual(before);
  });
});

describe('files too large to read back', () => {
  // Sparse files: a pull request can commit gigabytes of zeros that git stores in kilobytes.
  const huge = (path: string, mib: number) => {
    writeFileSync(path, '');
    truncateSync(path, mib * 2 ** 20);
  };

  it('a manifest over 256 MiB is refused with its size by compile, compile --check and diff', async () => {
    expect((await compile()).code).toBe(0);
    huge(join(h.out, 'libcc.manifest'), 300);
    for (const run of [compile, () => compile('--check'), diff]) {
      const result = await run();
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/libcc\.manifest is 300 MiB, more than libcc reads back \(256 MiB\); remove it/);
      expect(result.stderr).not.toMatch(/internal error/);
    }
    expect(statSync(join(h.out, 'libcc.manifest')).size).toBe(300 * 2 ** 20);
  });

  it('a generated file grown over it is compared and hashed in pieces: edited for compile, changed for --check; diff refuses to show it', async () => {
    expect((await compile()).code).toBe(0);
    huge(join(h.out, 'plan.json'), 300);
    const refused = await compile();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('plan.json (edited since it was generated)');
    const check = await compile('--check');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('changed: plan.json');
    const shown = await diff();
    expect(shown.code).toBe(2);
    expect(shown.stderr).toMatch(/plan\.json is 300 MiB, more than libcc reads back/);
    expect((await compile('--force')).code).toBe(0);
    expect(statSync(join(h.out, 'plan.json')).size).toBeLessThan(2 ** 20);
  });
});
