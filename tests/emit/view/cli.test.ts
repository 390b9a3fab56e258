/** `graphCommand` and `configureGraphCommand` (src/cli/graph.ts), before main.ts wires them. */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, test } from 'vitest';
import { configureGraphCommand, graphCommand, type GraphCliOptions, type GraphCommandOptions } from '../../../src/cli/graph.js';
import { renderGraph } from '../../../src/emit/view/index.js';
// @ts-expect-error: JavaScript without types (the benchmark's pipeline generator)
import { generateCompileFlow } from '../../../bench/compile-flow.js';
import { analyseFile } from '../../helpers/analysis.js';
import { examplePlan } from './helpers.js';

function run(path: string, options: Partial<GraphCommandOptions> = {}) {
  let stdout = '';
  let stderr = '';
  const analysis = analyseFile(path, options.slots === undefined ? {} : { slots: options.slots });
  const code = graphCommand(analysis, { format: 'mermaid', diagnostics: 'short', color: false, ...options }, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'libcc-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('graphCommand', () => {
  test('prints the picture of the plan; stage level by default', () => {
    const result = run('examples/n2_tanager/flow.lcp', { format: 'dot' });
    expect(result).toEqual({ code: 0, stdout: renderGraph(examplePlan('n2_tanager'), { format: 'dot', level: 'stages' }), stderr: '' });
  });

  test('--jobs, --max-jobs, --rankdir, --slots reach the renderer', () => {
    const result = run('examples/n2_tanager/flow.lcp', { format: 'html', jobs: true, maxJobs: 10, rankdir: 'TB', slots: 64 });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(renderGraph(examplePlan('n2_tanager', 64), { format: 'html', level: 'jobs', maxJobs: 10, rankdir: 'TB' }));
    expect(result.stdout).toContain('grouped by');
  });

  test('-o writes the file', () => {
    const file = join(dir, 'plan.svg');
    const result = run('examples/minimal/flow.lcp', { format: 'svg', output: file });
    expect(result).toEqual({ code: 0, stdout: `wrote ${file}\n`, stderr: '' });
    expect(readFileSync(file, 'utf8')).toBe(renderGraph(examplePlan('minimal'), { format: 'svg', level: 'stages' }));
  });

  test('-o replaces a symbolic link at that name (`graph.html -> ~/.bashrc`, committed) instead of writing through it', () => {
    const target = join(dir, 'bashrc');
    writeFileSync(target, 'mine\n', { mode: 0o600 });
    const link = join(dir, 'graph.html');
    symlinkSync(target, link);
    const result = run('examples/minimal/flow.lcp', { format: 'html', output: link });
    expect(result).toEqual({ code: 0, stdout: `wrote ${link}\n`, stderr: '' });
    expect(readFileSync(target, 'utf8')).toBe('mine\n');
    expect(lstatSync(link).isFile()).toBe(true);
    expect(statSync(link).mode & 0o777).toBe(0o644);
    expect(readFileSync(link, 'utf8')).toBe(renderGraph(examplePlan('minimal'), { format: 'html', level: 'stages' }));
  });

  test('an unwritable output is exit 2', () => {
    const result = run('examples/minimal/flow.lcp', { output: join(dir, 'missing', 'x.mmd') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^libcc: error: cannot write /);
  });

  test('graph errors: diagnostics on stderr, nothing drawn, exit 1', () => {
    const result = run('examples/errors/graph.lcp');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('LCP4005');
  });

  test('a picture too big to lay out: exit 2 with what to do instead, nothing drawn', () => {
    const repo = join(dir, 'big');
    mkdirSync(repo);
    generateCompileFlow(repo, 10_500);
    const result = run(join(repo, 'flow.lcp'), { format: 'svg', jobs: true, maxJobs: 1_000_000 });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^libcc: error: \d+ nodes are too many to lay out as svg \(at most 10000\)\nhelp: group the jobs with a smaller --max-jobs .* or draw every job with --format dot or --format mermaid/);
    // DOT of the same jobs is drawn.
    const dot = run(join(repo, 'flow.lcp'), { format: 'dot', jobs: true, maxJobs: 1_000_000 });
    expect(dot.code).toBe(0);
  });

  test('check errors: exit 1', () => {
    const result = run('examples/errors/names.lcp');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/error/);
  });
});

describe('configureGraphCommand', () => {
  function parse(...args: string[]): GraphCliOptions & { file: string } {
    let seen: (GraphCliOptions & { file: string }) | undefined;
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    configureGraphCommand(program.command('graph')).action((file: string, options: GraphCliOptions) => {
      seen = { ...options, file };
    });
    program.parse(['node', 'libcc', 'graph', ...args]);
    return seen!;
  }

  test('defaults', () => {
    expect(parse('f.lcp')).toEqual({ file: 'f.lcp', format: 'mermaid', rankdir: 'LR', diagnostics: 'rich' });
  });

  test('every option', () => {
    expect(parse('f.lcp', '--format', 'svg', '--jobs', '--max-jobs', '50', '--rankdir', 'TB', '--slots', '8', '-o', 'x.svg')).toEqual({
      file: 'f.lcp',
      format: 'svg',
      jobs: true,
      maxJobs: 50,
      rankdir: 'TB',
      slots: 8,
      output: 'x.svg',
      diagnostics: 'rich',
    });
  });

  test('usage errors', () => {
    expect(() => parse('f.lcp', '--stages', '--jobs')).toThrow(/cannot be used with/);
    expect(() => parse('f.lcp', '--format', 'png')).toThrow(/Allowed choices/);
    expect(() => parse('f.lcp', '--jobs', '--max-jobs', '0')).toThrow(/whole number/);
  });
});
