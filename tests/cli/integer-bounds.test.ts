/**
 * LCP3005 for a whole number out of range names the bound it is past (src/check/values.ts,
 * `readInteger`): `mc_samples: 99999999999999999999999999` is too large, not "less than 1". The
 * upper bound of a field without one of its own is 2^53 - 1, the largest whole number held exactly.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject } from '../../src/cli/init.js';
import { runCli } from '../helpers/cli.js';

const HUGE = '99999999999999999999999999';
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'libcc-bounds-'));
  initProject(tmp, { name: 'bounds' });
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** The scaffold's corners.yaml with `mc_samples: value` on its spelled-out corner. */
function cornerSamples(value: string): void {
  const path = join(tmp, 'corners.yaml');
  const text = readFileSync(path, 'utf8');
  const edited = text.replace(/^(\s*)process: ff\b.*$/m, (line, indent: string) => `${line}\n${indent}mc_samples: ${value}`);
  expect(edited).not.toBe(text);
  writeFileSync(path, edited);
}

describe('LCP3005 names the bound a whole number is past', () => {
  it('a corners.yaml `mc_samples` too large: between 1 and 2^53 - 1, not "at least 1"', async () => {
    cornerSamples(HUGE);
    const result = await runCli('check', tmp, '--format', 'short');
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain(`error[LCP3005]: \`mc_samples\` must be between 1 and 9007199254740991, found ${HUGE}`);
    expect(result.stdout + result.stderr).not.toContain('must be at least 1');
    const rich = await runCli('check', tmp);
    expect(rich.stdout + rich.stderr).toContain('9007199254740991 (2^53 - 1) is the largest whole number libcc holds exactly');
  });

  it('a value too small still says "at least 1"', async () => {
    cornerSamples('0');
    const result = await runCli('check', tmp, '--format', 'short');
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain('error[LCP3005]: `mc_samples` must be at least 1, found 0');
  });

  it('the same in a .lcp file (`cpus` of a stage)', async () => {
    const flow = join(tmp, 'flow.lcp');
    const text = readFileSync(flow, 'utf8');
    const edited = text.replace(/cpus = \d+/, `cpus = ${HUGE}`);
    expect(edited).not.toBe(text);
    writeFileSync(flow, edited);
    const result = await runCli('check', flow, '--format', 'short');
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain(`error[LCP3005]: \`cpus\` must be between 1 and 9007199254740991, found ${HUGE}`);
  });
});
