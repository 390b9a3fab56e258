/**
 * Deck and script templates are read only under their roots (the pipeline's directory, the
 * site's `--templates DIR`, libcc's own): a name with `..` or an absolute name resolves to
 * nothing, and so does a template whose real path — symbolic links resolved — leaves its root.
 * A deck is then "not found" (LCP6001, located at the deck name); a script template falls back
 * to libcc's own. Nothing outside is read, so nothing outside ends up in a generated deck.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hostile, SECRET, type Hostile } from './hostile.js';

let h: Hostile;
beforeEach(() => {
  h = hostile();
});
afterEach(() => h.cleanup());

const deckPipeline = (deck: string) => `pipeline p
env KIT_ROOT: path
tool liberate { path = "\${KIT_ROOT}/bin/liberate"  args = ["--trio"]  kind = liberate }
node tcbn02 { processes = [ssgnp] }
corner ssgnp_0p48v_m40c_cworst_CCworst_T {}
library base_svt : tcbn02 { kit = "\${KIT_ROOT}/base_svt"  cells = "\${KIT_ROOT}/base_svt/cells.list"  corners = [ssgnp_0p48v_m40c_cworst_CCworst_T] }
stage characterize for each library, corner {
  run = liberate deck "${deck}"
  expect "\${work}/char/*.lib" >= 1
}
`;

/** Every file's text under a directory. */
function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
}

describe('deck names', () => {
  const names: [string, () => string][] = [
    ['`..`', () => '../outside/secret.hbs'],
    ['`..` far up', () => '../../../../../../etc/passwd'],
    ['an absolute path', () => join(h.outside, 'secret.hbs')],
  ];
  for (const [name, deck] of names) {
    it(`with ${name} is a located LCP6001, nothing read`, async () => {
      writeFileSync(h.flow, deckPipeline(deck()));
      const before = h.snapshot();
      for (const command of ['check', 'compile']) {
        const result = await runCli(command, h.flow, '--no-color');
        expect(result.code).toBe(1);
        const printed = result.stdout + result.stderr;
        expect(printed).toMatch(/error\[LCP6001\]: deck template `[^`]+` not found/);
        expect(printed).toMatch(/flow\.lcp:8:23/);
        expect(printed).not.toContain(SECRET);
        expect(printed).not.toContain('root:');
      }
      expect(h.snapshot()).toEqual(before);
    });
  }

  it('naming a symbolic link next to the pipeline that points out is not found', async () => {
    symlinkSync(join(h.outside, 'secret.hbs'), join(h.repo, 'deck.tcl.hbs'));
    symlinkSync(join(h.outside), join(h.repo, 'decks'));
    for (const deck of ['deck.tcl.hbs', 'decks/secret.hbs']) {
      writeFileSync(h.flow, deckPipeline(deck));
      const result = await runCli('compile', h.flow, '--no-color');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/error\[LCP6001\]/);
      expect(result.stderr).not.toContain(SECRET);
    }
  });
});

describe('--templates with a symbolic link out', () => {
  it('never reads the link: a deck behind it is not found, a script template falls back to libcc\'s own', async () => {
    const site = join(h.root, 'site');
    mkdirSync(join(site, 'sh'), { recursive: true });
    symlinkSync(join(h.outside, 'secret.hbs'), join(site, 'sh/kill.sh.hbs'));
    symlinkSync(h.outside, join(site, 'liberate'));
    writeFileSync(h.flow, deckPipeline('liberate/secret.hbs'));
    const refused = await runCli('compile', h.flow, '--templates', site, '--no-color');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error\[LCP6001\]: deck template `liberate\/secret\.hbs` not found/);
    expect(refused.stderr).not.toContain(SECRET);

    writeFileSync(h.flow, deckPipeline('liberate/char.tcl.hbs'));
    const before = h.snapshot();
    const result = await runCli('compile', h.flow, '--templates', site, '-o', h.out, '--no-color');
    expect(result.code).toBe(0);
    expect((await runCli('compile', h.flow, '-o', join(h.repo, 'plain'))).code).toBe(0);
    expect(readFileSync(join(h.out, 'kill.sh'), 'utf8')).toBe(readFileSync(join(h.repo, 'plain/kill.sh'), 'utf8'));
    expect(allText(h.out)).not.toContain(SECRET);
    expect(h.snapshot()).toEqual(before);
  });

  it('still reads links that stay inside the templates directory', async () => {
    const site = join(h.root, 'site');
    mkdirSync(join(site, 'sh'), { recursive: true });
    writeFileSync(join(site, 'real-kill.sh.hbs'), readFileSync('templates/sh/kill.sh.hbs', 'utf8').replace('set -euo pipefail', 'set -euo pipefail\n# site kill'));
    symlinkSync('../real-kill.sh.hbs', join(site, 'sh/kill.sh.hbs'));
    const result = await runCli('compile', h.flow, '--templates', site, '-o', h.out);
    expect(result.code).toBe(0);
    expect(readFileSync(join(h.out, 'kill.sh'), 'utf8')).toContain('# site kill');
  });
});
