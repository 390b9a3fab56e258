/**
 * Imports are confined to the directory of the root pipeline file: `../`, absolute paths and
 * symbolic links pointing out are refused (LCP2005, located at the import) and the file is not
 * read — its content never shows in a diagnostic.
 */
import { lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hostile, SECRET, type Hostile } from './hostile.js';

let h: Hostile;
beforeEach(() => {
  h = hostile();
});
afterEach(() => h.cleanup());

const pipeline = (imports: string) => `pipeline p\n${imports}\nstage s {\n  run = shell "true"\n  expect "\${out}/x" == 1\n}\n`;

describe('import traversal', () => {
  const written: [string, () => string][] = [
    ['`../` to a .lcp file', () => '../outside/secret.lcp'],
    ['`../` to a YAML file', () => '../outside/secret.yaml'],
    ['`..` after a real directory', () => 'sub/../../outside/secret.lcp'],
    ['an absolute path', () => join(h.outside, 'secret.lcp')],
  ];
  for (const [name, path] of written) {
    it(`refuses ${name}, located, without reading it`, async () => {
      mkdirSync(join(h.repo, 'sub'));
      writeFileSync(h.flow, pipeline(`import "${path()}"`));
      const before = h.snapshot();
      for (const command of ['check', 'compile']) {
        const result = await runCli(command, h.flow, '--no-color');
        expect(result.code).toBe(1);
        const printed = result.stdout + result.stderr;
        expect(printed).toMatch(/error\[LCP2005\]: cannot import `[^`]+`: it is outside the directory of `[^`]*flow\.lcp`/);
        expect(printed).toMatch(/flow\.lcp:2:8/);
        expect(printed).not.toContain(SECRET);
      }
      expect(h.snapshot()).toEqual(before);
    });
  }

  it('refuses a symbolic link in the repository that points out', async () => {
    symlinkSync(join(h.outside, 'secret.yaml'), join(h.repo, 'corners.yaml'));
    symlinkSync(h.outside, join(h.repo, 'shared'));
    for (const target of ['corners.yaml', 'shared/secret.lcp']) {
      writeFileSync(h.flow, pipeline(`import "${target}"`));
      const result = await runCli('check', h.flow, '--no-color');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/error\[LCP2005\]: cannot import `[^`]+`: a symbolic link takes it outside the directory of/);
      expect(result.stdout + result.stderr).not.toContain(SECRET);
    }
  });

  it('still follows imports (and links) that stay inside', async () => {
    mkdirSync(join(h.repo, 'shared'));
    writeFileSync(join(h.repo, 'shared/corners.yaml'), 'corners: []\n');
    symlinkSync('shared/corners.yaml', join(h.repo, 'linked.yaml'));
    writeFileSync(join(h.repo, 'shared/more.lcp'), 'import "corners.yaml"\nimport "../linked.yaml"\n');
    writeFileSync(h.flow, pipeline('import "shared/more.lcp"\nimport "./shared/corners.yaml"'));
    const result = await runCli('check', relative(process.cwd(), h.flow), '--no-color');
    expect(result.stdout).not.toMatch(/LCP2005|LCP2003/);
    expect(result.code).toBe(0);
  });
});

describe('a pipeline file that is a link out of its directory', () => {
  it('is refused by every command that reads it, named or found under a directory, and not read', async () => {
    const evil = join(h.repo, 'evil.lcp');
    symlinkSync(join(h.outside, 'secret.lcp'), evil);
    const before = h.snapshot();
    const runs = [
      ['check', evil],
      ['check', h.repo],
      ['plan', evil],
      ['compile', evil],
      ['diff', evil],
      ['fmt', '--check', h.repo],
      ['fmt', evil],
    ];
    for (const args of runs) {
      const result = await runCli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/refusing `[^`]*evil\.lcp`: it is a symbolic link to \S*secret\.lcp, outside its directory/);
      expect(result.stdout + result.stderr).not.toContain(SECRET);
    }
    expect(h.snapshot()).toEqual(before);
    // `fmt` neither wrote through the link nor replaced it.
    expect(lstatSync(evil).isSymbolicLink()).toBe(true);
  });

  it('a link that stays in the directory is read', async () => {
    symlinkSync('flow.lcp', join(h.repo, 'linked.lcp'));
    const result = await runCli('check', join(h.repo, 'linked.lcp'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no problems');
  });
});
