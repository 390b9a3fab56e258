/**
 * The CI recipes of docs/ci.md (docs/ci/*.y*ml): every `npx libcc …` command they run is run here,
 * on a project scaffolded by `libcc init flows` and compiled (its generated directory "committed"),
 * and must pass; on a stale or broken project the same commands must fail. docs/ci.md shows each
 * recipe file verbatim.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { initProject } from '../../src/cli/init.js';
import { runCli, type CliRun } from '../helpers/cli.js';

const RECIPES = {
  'pre-commit': 'docs/ci/pre-commit-config.yaml',
  github: 'docs/ci/github-workflow.yml',
  gitlab: 'docs/ci/gitlab-ci.yml',
} as const;
type Recipe = keyof typeof RECIPES;

/** The repository (the tests change directory into the scratch project). */
const repo = process.cwd();
const text = (recipe: Recipe) => readFileSync(join(repo, RECIPES[recipe]), 'utf8');
const yamlOf = (recipe: Recipe) => parse(text(recipe)) as Record<string, unknown>;

/** A `libcc` command of a recipe: its arguments, and where `>` sends its output. */
interface Command {
  readonly recipe: Recipe;
  readonly line: string;
  readonly args: string[];
  readonly stdoutTo?: string;
}

/** `npx libcc ARGS… [> FILE]`; anything more of the shell is an error, so the test cannot silently run less than CI does. */
function command(recipe: Recipe, line: string): Command {
  const words = line.trim().split(/\s+/);
  expect(words.slice(0, 2), line).toEqual(['npx', 'libcc']);
  for (const word of words) {
    const unsupported = /["'`$;&|<\\*?]/.test(word) || (word.includes('>') && word !== '>');
    expect(unsupported, `shell syntax this test does not interpret: \`${word}\` in \`${line}\``).toBe(false);
  }
  const redirect = words.indexOf('>');
  if (redirect === -1) return { recipe, line, args: words.slice(2) };
  expect(redirect, line).toBe(words.length - 2);
  return { recipe, line, args: words.slice(2, redirect), stdoutTo: words[redirect + 1]! };
}

/** Shell lines → the `npx libcc` commands among them (every other line must not mention libcc). */
function libccCommands(recipe: Recipe, lines: readonly string[]): Command[] {
  return lines
    .flatMap((block) => block.split('\n'))
    .map((line) => line.trim())
    .filter((line) => {
      if (line.startsWith('npx libcc ')) return true;
      expect(line, 'a libcc command this test would not run').not.toMatch(/libcc/);
      return false;
    })
    .map((line) => command(recipe, line));
}

/** Files of the project as pre-commit sees them (relative, `/`), for hooks that take file names. */
function projectFiles(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'run' || entry.name === '.git' ? [] : projectFiles(root, path);
    return [path];
  });
}

interface Hook {
  id: string;
  entry: string;
  language: string;
  files?: string;
  exclude?: string;
  pass_filenames?: boolean;
}

/** pre-commit: each local hook's entry, with the files it matches appended unless `pass_filenames: false`. */
function preCommitCommands(root: string): Command[] {
  const config = yamlOf('pre-commit') as { repos: { repo: string; hooks: Hook[] }[] };
  const hooks = config.repos.flatMap((repo) => {
    expect(repo.repo).toBe('local');
    return repo.hooks;
  });
  const files = projectFiles(root).sort();
  return hooks.flatMap((hook) => {
    expect(hook.language, hook.id).toBe('system');
    const matched = files.filter((file) => new RegExp(hook.files ?? '').test(file) && !(hook.exclude !== undefined && new RegExp(hook.exclude).test(file)));
    expect(matched, `hook ${hook.id} matches no file of the project, so it would never run`).not.toEqual([]);
    const [entry] = libccCommands('pre-commit', [hook.entry]);
    expect(entry, hook.id).toBeDefined();
    return [hook.pass_filenames === false ? entry! : { ...entry!, args: [...entry!.args, ...matched], line: `${entry!.line} ${matched.join(' ')}` }];
  });
}

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}

function githubSteps(): Step[] {
  const workflow = yamlOf('github') as { jobs: Record<string, { steps: Step[] }> };
  return Object.values(workflow.jobs).flatMap((job) => job.steps);
}

function githubCommands(): Command[] {
  return libccCommands('github', githubSteps().flatMap((step) => (step.run === undefined ? [] : [step.run])));
}

function gitlabCommands(): Command[] {
  const config = yamlOf('gitlab') as Record<string, { before_script?: string[]; script?: string[]; after_script?: string[] }>;
  const jobs = Object.entries(config).filter(([name, job]) => !name.startsWith('.') && typeof job === 'object' && job !== null && 'script' in job);
  expect(jobs.length).toBeGreaterThan(0);
  return libccCommands('gitlab', jobs.flatMap(([, job]) => [...(job.before_script ?? []), ...(job.script ?? []), ...(job.after_script ?? [])]));
}

let root: string;
let commands: Command[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'libcc-ci-'));
  initProject(join(root, 'flows'), {});
  process.chdir(root);
  // The generated directory is committed next to the pipeline.
  expect((await runCli('compile', 'flows/flow.lcp')).code).toBe(0);
  commands = [...preCommitCommands(root), ...githubCommands(), ...gitlabCommands()];
});
afterAll(() => {
  process.chdir(repo);
  rmSync(root, { recursive: true, force: true });
});

async function run(cmd: Command): Promise<CliRun> {
  const result = await runCli(...cmd.args);
  if (cmd.stdoutTo !== undefined) writeFileSync(join(root, cmd.stdoutTo), result.stdout);
  return result;
}

describe('CI recipes (docs/ci.md)', () => {
  it('docs/ci.md shows each recipe file verbatim', () => {
    const doc = readFileSync(join(repo, 'docs/ci.md'), 'utf8');
    for (const [recipe, path] of Object.entries(RECIPES)) {
      expect(doc, `${path} in docs/ci.md`).toContain(`\`\`\`yaml\n${readFileSync(join(repo, path), 'utf8')}\`\`\`\n`);
      expect(doc, recipe).toContain(`(${path.replace(/^docs\//, '')})`);
    }
  });

  it('run the three gates: check, fmt --check (pre-commit) and compile --check', () => {
    const lines = commands.map((c) => `${c.recipe}: ${c.line}`);
    expect(lines).toEqual([
      'pre-commit: npx libcc check flows/',
      'pre-commit: npx libcc fmt --check flows/flow.lcp flows/site.lcp',
      'pre-commit: npx libcc compile flows/flow.lcp --check',
      'github: npx libcc check --format github flows/',
      'github: npx libcc check --format sarif flows/ > libcc.sarif',
      'github: npx libcc compile flows/flow.lcp --check',
      'gitlab: npx libcc check flows/',
      'gitlab: npx libcc compile flows/flow.lcp --check',
    ]);
  });

  it('every libcc command of the recipes passes on a freshly scaffolded and compiled project', async () => {
    for (const cmd of commands) {
      const result = await run(cmd);
      expect(result.stderr, `${cmd.recipe}: ${cmd.line}`).toBe('');
      expect(result.code, `${cmd.recipe}: ${cmd.line}\n${result.stdout}`).toBe(0);
      if (cmd.args.join(' ').includes('--format sarif')) {
        const sarif = JSON.parse(readFileSync(join(root, cmd.stdoutTo!), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
        expect(sarif.version).toBe('2.1.0');
        expect(sarif.runs[0]!.results).toEqual([]);
      }
      if (cmd.args.includes('github')) expect(result.stdout).toBe('');
    }
  });

  it('the same commands fail on stale generated scripts and on a pipeline with an error', async () => {
    const flow = join(root, 'flows/flow.lcp');
    const original = readFileSync(flow, 'utf8');
    try {
      writeFileSync(flow, original.replace('estimate = 10m', 'estimate = 20m'));
      for (const cmd of commands.filter((c) => c.args[0] === 'compile')) {
        const result = await run(cmd);
        expect(result.code, cmd.line).toBe(1);
        expect(result.stdout).toContain('changed: plan.json');
      }
      writeFileSync(flow, original.replace('mem = 4GB', 'mem = 4'));
      for (const cmd of commands.filter((c) => c.args[0] === 'check')) {
        expect((await run(cmd)).code, cmd.line).toBe(1);
      }
      const sarif = JSON.parse(readFileSync(join(root, 'libcc.sarif'), 'utf8')) as { runs: { results: { ruleId: string; level: string }[] }[] };
      expect(sarif.runs[0]!.results).toContainEqual(expect.objectContaining({ ruleId: 'LCP3002', level: 'error' }));
    } finally {
      writeFileSync(flow, original);
    }
  });

  it('the GitHub workflow installs with npm ci on Node 20 and uploads the SARIF file it writes, even after a failure', () => {
    const steps = githubSteps();
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with).toMatchObject({ 'node-version': 20 });
    const install = steps.findIndex((s) => s.run === 'npm ci');
    const firstLibcc = steps.findIndex((s) => s.run?.includes('npx libcc'));
    expect(install).toBeGreaterThan(-1);
    expect(install).toBeLessThan(firstLibcc);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.if).toMatch(/^always\(\)/);
    const sarifStep = commands.find((c) => c.recipe === 'github' && c.args.includes('sarif'));
    expect(upload?.with?.sarif_file).toBe(sarifStep?.stdoutTo);
    const workflow = yamlOf('github') as { jobs: Record<string, { permissions?: Record<string, string> }> };
    expect(Object.values(workflow.jobs)[0]!.permissions).toMatchObject({ 'security-events': 'write' });
  });
});
