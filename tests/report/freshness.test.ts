/**
 * A done-marker counts in the report exactly when it counts for the scripts (`libcc_done_valid`,
 * lib/runtime.sh): real runs with run-local.sh, then a change the scripts see, judged by
 * `libcc report` and by `status.sh --json`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, spawnCollect } from '../e2e/harness.js';
import { runCli } from '../helpers/cli.js';

let root: string;
let out: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-report-fresh-'));
  out = path.join(root, 'out');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Two stages; `after` makes `x` wait for `w`. */
function pipeline(after: string): string {
  return [
    'pipeline fresh',
    'site { scheduler = local }',
    'stage w {',
    '  run = shell """touch "${out}/w" """',
    '  expect "${out}/w" == 1',
    '}',
    `stage x${after} {`,
    '  run = shell """touch "${out}/x" """',
    '  expect "${out}/x" == 1',
    '}',
    '',
  ].join('\n');
}

async function compile(text: string): Promise<void> {
  const flow = path.join(root, 'flow.lcp');
  fs.writeFileSync(flow, text);
  const r = await runCli('compile', flow, '-o', out, '--no-color');
  expect(r.code, r.stderr).toBe(0);
}

async function script(name: string, ...args: string[]) {
  return spawnCollect('bash', [path.join(out, name), ...args], root, cleanEnv({ LIBCC_RUN_DIR: undefined }));
}

async function reportStates(): Promise<Record<string, string>> {
  const r = await runCli('report', out, '--format', 'json');
  expect(r.code, r.stderr).toBe(0);
  return Object.fromEntries((JSON.parse(r.stdout) as { jobs: { id: string; state: string }[] }).jobs.map((j) => [j.id, j.state]));
}

async function scriptStates(): Promise<Record<string, string>> {
  const r = await script('status.sh', '--json');
  return Object.fromEntries((JSON.parse(r.stdout) as { jobs: { stage: string; state: string }[] }).jobs.map((j) => [j.stage, j.state]));
}

describe('done-markers as the scripts judge them', () => {
  it('a job given an upstream job after it ran is stale: its marker does not record that job', async () => {
    await compile(pipeline(''));
    expect((await script('run-local.sh')).code).toBe(0);
    expect(await reportStates()).toEqual({ w: 'done', x: 'done' });
    // Same command, so the same fingerprint; but x's marker records no upstream job, and the
    // scripts want it to record w's marker: x runs again.
    await compile(pipeline(' after w'));
    expect(await scriptStates()).toEqual({ w: 'done', x: 'not_run' });
    expect(await reportStates()).toEqual({ w: 'done', x: 'stale' });
    expect((await script('run-local.sh')).code).toBe(0);
    expect(await reportStates()).toEqual({ w: 'done', x: 'done' });
  }, 60_000);

  it('a marker without an id does not count', async () => {
    await compile(pipeline(''));
    expect((await script('run-local.sh')).code).toBe(0);
    const marker = path.join(out, 'run/state/w/_.done');
    fs.writeFileSync(marker, fs.readFileSync(marker, 'utf8').replace(/^id=.*$/m, 'id='));
    expect(await scriptStates()).toEqual({ w: 'not_run', x: 'done' });
    expect(await reportStates()).toEqual({ w: 'stale', x: 'done' });
  }, 60_000);
});
