/**
 * Deck and script templates are read only under their roots (the pipeline's directory, the
 * site's `--templates DIR`, libcc's own): a name with `..` or an absolute name resolves to
 * nothing, and so does a template whose real path — symbolic links resolved — leaves its root.
 * A deck is then "not found" (LCP6001, located at the deck name); a script template falls back
 * to libcc's own. Nothing outside is read, so nothing outside ends up in a generated deck.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hostile, SECRET, type Hostile } from './hostile.js';

let h: Hostile;
const cwd = process.cwd();
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

describe('deck templates that are not plain small files', () => {
  it('a FIFO or a file over 16 MiB next to the pipeline is not found, and not waited on or read', async () => {
    expect(spawnSync('mkfifo', [join(h.repo, 'fifo.tcl.hbs')]).status).toBe(0);
    writeFileSync(join(h.repo, 'huge.tcl.hbs'), Buffer.alloc(17 * 2 ** 20, 0x20));
    for (const deck of ['fifo.tcl.hbs', 'huge.tcl.hbs']) {
      writeFileSync(h.flow, deckPipeline(deck));
      const result = await runCli('check', h.flow, '--no-color');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/error\[LCP6001\]: deck template `[^`]+` not found/);
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

  it('refuses a --templates directory that is a committed link, or reached through one: nothing read', async () => {
    symlinkSync(h.outside, join(h.repo, 'site'));
    mkdirSync(join(h.root, 'real/t'), { recursive: true });
    symlinkSync(join(h.root, 'real'), join(h.repo, 'alias'));
    writeFileSync(h.flow, deckPipeline('secret.hbs'));
    process.chdir(h.repo);
    try {
      for (const [templates, link, target] of [
        ['site', 'site', h.outside],
        ['alias/t', 'alias', join(h.root, 'real')],
      ] as const) {
        for (const command of ['check', 'compile']) {
          const result = await runCli(command, 'flow.lcp', '--templates', templates, '--no-color');
          expect(result.code, `${command} --templates ${templates}`).toBe(2);
          expect(result.stderr).toContain(`refusing to read templates from ${templates}: ${link} is a symbolic link (to ${target}), which a repository can commit; give the real path with --templates`);
          expect(result.stdout + result.stderr).not.toContain(SECRET);
        }
      }
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(h.repo, 'p'))).toBe(false);
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

describe('templates reaching for JavaScript built-ins', () => {
  // The published Handlebars code-execution chain (split → constructor → Function) and its
  // simpler cousins. Each is a located LCP6002 naming the property: no code runs, nothing is
  // written, and Handlebars' own raw warning never reaches the terminal.
  const pwned = () => join(h.outside, 'PWNED');
  const chain = () =>
    '{{#with "s" as |string|}}{{#with "e"}}{{#with split as |conslist|}}{{this.pop}}' +
    '{{this.push (lookup string.sub "constructor")}}{{this.pop}}{{#with string.split as |codelist|}}{{this.pop}}' +
    `{{this.push "return process.mainModule.require('child_process').execSync('touch ${pwned()}');"}}{{this.pop}}` +
    '{{#each conslist}}{{#with (string.sub.apply 0 codelist)}}{{this}}{{/with}}{{/each}}{{/with}}{{/with}}{{/with}}{{/with}}\n';
  const cases: [string, () => string, string][] = [
    ['the code-execution chain', chain, 'constructor'],
    ['`constructor`', () => 'set a "{{constructor.name}}"\n', 'constructor'],
    ['`__proto__` through lookup', () => 'set b "{{lookup this "__proto__"}}"\n', '__proto__'],
    ['`@root.hasOwnProperty`', () => 'set c "{{@root.hasOwnProperty}}"\n', 'hasOwnProperty'],
  ];
  for (const [name, deck, property] of cases) {
    it(`refuses ${name}: LCP6002 naming \`${property}\`, in check and compile`, async () => {
      writeFileSync(join(h.repo, 'hostile.tcl.hbs'), deck());
      writeFileSync(h.flow, deckPipeline('hostile.tcl.hbs'));
      const before = h.snapshot();
      for (const command of ['check', 'compile']) {
        const result = await runCli(command, h.flow, ...(command === 'compile' ? ['-o', h.out] : []), '--no-color');
        expect(result.code).toBe(1);
        const printed = result.stdout + result.stderr;
        expect(printed).toContain(`error[LCP6002]: template \`hostile.tcl.hbs\`: \`${property}\` is a built-in JavaScript property, not a field`);
        expect(printed).toMatch(/flow\.lcp:8:23/);
        expect(printed).not.toContain('Handlebars: Access has been denied');
      }
      expect(existsSync(pwned())).toBe(false);
      expect(existsSync(h.out)).toBe(false);
      expect(h.snapshot()).toEqual(before);
    });
  }

  it("refuses Handlebars' `log` helper, which would print to the terminal: LCP6002, nothing printed", async () => {
    writeFileSync(join(h.repo, 'log.tcl.hbs'), '{{log "{\\"fake\\":1}\u001b]0;pwned\u0007"}}set a 1\n');
    writeFileSync(h.flow, deckPipeline('log.tcl.hbs'));
    const json = await runCli('check', h.flow, '--format', 'json');
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { diagnostics: { code: string; message: string }[] };
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(['LCP6002']);
    expect(parsed.diagnostics[0]!.message).toContain("`log` is not a helper of libcc's templates");
    const rich = await runCli('compile', h.flow, '-o', h.out, '--no-color');
    expect(rich.code).toBe(1);
    expect(rich.stdout + rich.stderr).not.toContain('pwned');
    expect(existsSync(h.out)).toBe(false);
  });

  it('a name computed at render time renders nothing and prints nothing', async () => {
    // `lookup` of a field whose value is a built-in name cannot be seen before rendering;
    // Handlebars refuses it (prototype access is off), silently, so the deck gets an empty word.
    writeFileSync(join(h.repo, 'computed.tcl.hbs'), 'set d "{{lookup this library.name}}"\n');
    writeFileSync(h.flow, deckPipeline('computed.tcl.hbs').replaceAll('base_svt', 'constructor'));
    const result = await runCli('compile', h.flow, '-o', h.out, '--no-color');
    expect(result.stderr).not.toContain('Handlebars: Access has been denied');
    expect(result.code).toBe(0);
    const deck = readdirSync(join(h.out, 'decks'), { recursive: true, encoding: 'utf8' }).find((name) => name.endsWith('.tcl'));
    expect(deck).toBeDefined();
    expect(readFileSync(join(h.out, 'decks', deck!), 'utf8')).toContain('set d ""');
  });
});
