/**
 * `libcc init` (src/cli/init.ts): the scaffold checks clean, is formatted, compiles, and runs with
 * run-local.sh exactly as its README says; a directory that is not empty is refused.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InitError, initCommand, initProject, isPipelineName, pipelineNameFor } from '../../src/cli/init.js';
import { runCli } from '../helpers/cli.js';

const libccVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
let tmp: string;
const cwd = process.cwd();
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'libcc-init-'));
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(tmp, { recursive: true, force: true });
});

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, output: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

/** The commands of the README's `sh` block, without their comments. */
function readmeCommands(readme: string): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

describe('libcc init', () => {
  it('scaffolds a pipeline that checks clean, compiles and runs as its README says', async () => {
    const dir = join(tmp, 'my-flow');
    const { written } = initProject(dir, {});
    expect(written).toEqual(['flow.lcp', 'corners.yaml', 'site.lcp', '.gitignore', 'README.md', 'package.json']);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toEqual({
      name: 'my-flow',
      version: '0.0.0',
      private: true,
      description: "The characterization pipeline my_flow, in libcc's .lcp language",
      scripts: { check: 'libcc check .', compile: 'libcc compile flow.lcp' },
      devDependencies: { libcc: libccVersion },
    });
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('/node_modules/\n');
    expect(readdirSync(dir).sort()).toEqual([...written].sort());
    const flow = readFileSync(join(dir, 'flow.lcp'), 'utf8');
    expect(flow).toMatch(/^pipeline my_flow$/m);
    expect(flow).toMatch(/^env KIT_DIR: path/m);
    expect(flow).toMatch(/^import "corners\.yaml"/m);
    expect(readFileSync(join(dir, 'corners.yaml'), 'utf8')).toMatch(/^sets:\n {2}signoff:\n/m);
    expect(readFileSync(join(dir, 'site.lcp'), 'utf8')).toMatch(/^site \{[\s\S]*^queue [\s\S]*^tool /m);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('/my_flow/run/\n');

    // Canonical style and no warnings at all, from anywhere.
    expect(await runCli('fmt', '--check', join(dir, 'flow.lcp'), join(dir, 'site.lcp'))).toMatchObject({ code: 0, stderr: '' });
    expect((await runCli('check', '--strict', dir)).code).toBe(0);

    // The README's commands, run from the directory as it says.
    process.chdir(dir);
    const commands = readmeCommands(readFileSync('README.md', 'utf8'));
    expect(commands).toEqual([
      'npx libcc check .',
      'npx libcc plan flow.lcp',
      'npx libcc compile flow.lcp',
      'KIT_DIR=/tmp ./my_flow/run-local.sh -j 2',
    ]);
    const checked = await runCli('check', '.');
    expect(checked).toEqual({ code: 0, stdout: 'ok: 2 files checked, no problems\n', stderr: '' });
    const plan = await runCli('plan', 'flow.lcp');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^pipeline my_flow: 3 stages, 6 jobs$/m);
    const compiled = await runCli('compile', 'flow.lcp');
    expect(compiled).toMatchObject({ code: 0, stderr: '' });
    expect(compiled.stdout).toMatch(/^wrote my_flow: \d+ files .*, 6 jobs\n$/);
    expect((await runCli('compile', 'flow.lcp', '--check')).code).toBe(0);

    const run = spawnSync('bash', ['-c', commands[3]!], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout).toContain('6 job(s) ran, 0 failed, 0 not run');
    expect(run.status).toBe(0);
    const out = join(dir, 'my_flow/run/out/n5/std_svt');
    expect(readFileSync(join(out, 'corners.txt'), 'utf8').trim().split('\n')).toHaveLength(4);
    expect(readFileSync(join(out, 'std_svt.lib'), 'utf8')).toContain('library(std_svt_tt_0p75v_25c_typical) { }');
    // Run state stays out of the committed directory.
    expect((await runCli('compile', 'flow.lcp', '--check')).code).toBe(0);
  });

  it('names the pipeline after the directory, or --name', () => {
    initProject(join(tmp, 'a'), { name: 'n3_campaign' });
    expect(readFileSync(join(tmp, 'a/flow.lcp'), 'utf8')).toMatch(/^pipeline n3_campaign$/m);
    expect(readFileSync(join(tmp, 'a/README.md'), 'utf8')).toContain('./n3_campaign/run-local.sh');

    expect(pipelineNameFor('flows')).toBe('flows');
    expect(pipelineNameFor('/work/My Flow-2/')).toBe('My_Flow_2');
    expect(pipelineNameFor('5nm')).toBe('p_5nm');
    expect(pipelineNameFor('café')).toBe('cafe');
    expect(pipelineNameFor('site')).toBe('site_flow');
    expect(pipelineNameFor('---')).toBe('flow');
    for (const name of ['flows', 'My_Flow_2', 'p_5nm', 'cafe', 'site_flow', 'flow']) expect(isPipelineName(name)).toBe(true);
    for (const name of ['5nm', 'my-flow', 'site', 'pipeline', '']) expect(isPipelineName(name)).toBe(false);
  });

  it('refuses a --name that is not a pipeline name, writing nothing', () => {
    const dir = join(tmp, 'b');
    expect(() => initProject(dir, { name: 'n3-campaign' })).toThrow(InitError);
    const { out, output } = capture();
    expect(initCommand(dir, { name: 'stage' }, output)).toBe(2);
    expect(out.stderr).toMatch(/^libcc: error: `stage` cannot name a pipeline: .*try `--name stage_flow`/);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a directory that is not empty, and a file, writing nothing', () => {
    const dir = join(tmp, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'flow.lcp'), 'mine\n');
    expect(() => initProject(dir, {})).toThrow(InitError);
    expect(() => initProject(dir, {})).toThrow(/is not empty \(flow\.lcp\)/);

    const { out, output } = capture();
    expect(initCommand(dir, {}, output)).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^libcc: error: `.*busy` is not empty \(flow\.lcp\); libcc init writes only into a new or empty directory\n$/);
    expect(readdirSync(dir)).toEqual(['flow.lcp']);
    expect(readFileSync(join(dir, 'flow.lcp'), 'utf8')).toBe('mine\n');

    writeFileSync(join(tmp, 'plain'), '');
    expect(initCommand(join(tmp, 'plain'), {}, output)).toBe(2);
    expect(out.stderr).toMatch(/`.*plain` exists and is not a directory\n$/);
  });

  it('defaults to the current directory and prints what it wrote and what to run next', () => {
    const dir = join(tmp, 'empty');
    mkdirSync(dir);
    process.chdir(dir);
    const { out, output } = capture();
    expect(initCommand(undefined, {}, output)).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(
      'created pipeline `empty` in the current directory: flow.lcp, corners.yaml, site.lcp, .gitignore, README.md, package.json\n' +
        'next: npx libcc check . && npx libcc compile flow.lcp && KIT_DIR=/tmp ./empty/run-local.sh -j 2  (see README.md)\n',
    );
    expect(existsSync(join(dir, 'flow.lcp'))).toBe(true);

    const second = capture();
    process.chdir(tmp);
    expect(initCommand('flows', { name: 'n5_demo' }, second.output)).toBe(0);
    expect(second.out.stdout).toContain('created pipeline `n5_demo` in flows: flows/flow.lcp, flows/corners.yaml,');
    expect(second.out.stdout).toContain('next: cd flows && npx libcc check .');
  });
});
