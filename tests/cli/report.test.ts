/**
 * `libcc report DIR` (src/cli/report.ts) on a directory that is not one `libcc compile` wrote: a
 * usage error that says what to pass, not an empty report with two warnings.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'libcc-report-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('libcc report on a directory that is not a generated directory', () => {
  it('is a usage error naming the generated directory beside the pipeline', async () => {
    cpSync('examples/minimal/flow.lcp', join(root, 'flow.lcp'));
    expect((await runCli('compile', '-q', join(root, 'flow.lcp'))).code).toBe(0);
    const out = join(root, 'report.html');
    const run = await runCli('report', root, '-o', out);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr:
        `libcc: error: \`${root}\` is not a generated directory: it has no plan.json, lib/jobs.tsv or libcc.manifest\n` +
        `help: did you mean \`${join(root, 'minimal')}\`, the directory \`libcc compile\` wrote there?\n`,
    });
    expect((await runCli('report', join(root, 'minimal'), '-o', out)).code).toBe(0);
  });

  it('names the generated directory a directory is in (its run/, lib/)', async () => {
    cpSync('examples/minimal/flow.lcp', join(root, 'flow.lcp'));
    expect((await runCli('compile', '-q', join(root, 'flow.lcp'))).code).toBe(0);
    const run = await runCli('report', join(root, 'minimal', 'lib'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`help: did you mean \`${join(root, 'minimal')}\`, the generated directory it is in?\n`);
  });

  it('says what to pass for a run directory elsewhere, and for any other directory', async () => {
    const runDir = join(root, 'elsewhere');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'events.jsonl'), '');
    const run = await runCli('report', runDir);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`\`${runDir}\` is not a generated directory`);
    expect(run.stderr).toContain(`help: this is a run directory: pass the generated directory whose scripts ran, with \`--run-dir ${runDir}\`\n`);
    mkdirSync(join(root, 'empty'));
    const empty = await runCli('report', join(root, 'empty'));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("help: pass the directory `libcc compile` wrote: by default the pipeline's name, next to its .lcp file");
  });
});

describe('libcc report -o where nothing can be written', () => {
  it('is a usage error saying why, never an internal error, and leaves no temporary file', async () => {
    cpSync('examples/minimal/flow.lcp', join(root, 'flow.lcp'));
    expect((await runCli('compile', '-q', join(root, 'flow.lcp'))).code).toBe(0);
    mkdirSync(join(root, 'a-directory'));
    for (const [output, why] of [
      [join(root, 'a-directory'), 'it is a directory'],
      [join(root, 'no/such/report.html'), 'its directory does not exist'],
      ['', 'not a file name'],
    ] as const) {
      const run = await runCli('report', join(root, 'minimal'), '-o', output);
      expect(run.code, output).toBe(2);
      expect(run.stderr).toContain(`libcc: error: cannot write \`${output}\`: ${why}\n`);
      expect(run.stderr).not.toContain('internal error');
    }
    expect(readdirSync(root).sort()).toEqual(['a-directory', 'flow.lcp', 'minimal']);
  });
});
