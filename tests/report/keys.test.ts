/**
 * The report keys jobs as the generated scripts do (`jobKey`): real runs with run-local.sh of a
 * stage with a dimension (tests/report/fixtures/dimension.lcp) and of a `group by` stage between
 * per-corner ones (group-by.lcp), reported with `libcc report`: each job's key and state, the
 * same verdicts as `status.sh --json` (which reads the same markers), no problem reading the
 * run, and the corner grid, where no job hides another.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, spawnCollect, type RunResult } from '../e2e/harness.js';
import { runCli } from '../helpers/cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));

interface Compiled {
  readonly root: string;
  readonly out: string;
  /** run-local.sh with `args`. */
  run(...args: string[]): Promise<RunResult>;
}

/** The scripts' environment: none of the test runner's LIBCC_ or LSB_ variables, the run under `out/run`. */
const scriptEnv = () => cleanEnv({ LIBCC_RUN_DIR: undefined });

async function compileFixture(name: string): Promise<Compiled> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `libcc-report-keys-${name}-`));
  const out = path.join(root, 'out');
  const compiled = await runCli('compile', path.join(here, 'fixtures', `${name}.lcp`), '-o', out, '--no-color');
  if (compiled.code !== 0) throw new Error(`compile failed: ${compiled.stderr}`);
  return { root, out, run: (...args) => spawnCollect('bash', [path.join(out, 'run-local.sh'), ...args], root, scriptEnv()) };
}

interface ReportedJob {
  readonly id: string;
  readonly key: string;
  readonly corner?: string;
  readonly state: string;
  readonly reason?: string;
  readonly runs: number;
}

async function reportJson(out: string): Promise<{ jobs: ReportedJob[]; problems: string[]; stderr: string }> {
  const r = await runCli('report', out, '--format', 'json');
  expect(r.code, r.stderr).toBe(0);
  const json = JSON.parse(r.stdout) as { jobs: ReportedJob[]; problems: string[] };
  return { ...json, stderr: r.stderr };
}

async function reportHtml(c: Compiled): Promise<string> {
  const file = path.join(c.root, 'report.html');
  const r = await runCli('report', c.out, '-o', file);
  expect(r.code, r.stderr).toBe(0);
  return fs.readFileSync(file, 'utf8');
}

/** status.sh --json's jobs, in lib/jobs.tsv order (the plan's): key and verdict. */
async function scriptVerdicts(c: Compiled): Promise<{ key: string; verdict: string }[]> {
  const r = await spawnCollect('bash', [path.join(c.out, 'status.sh'), '--json'], c.root, scriptEnv());
  const jobs = (JSON.parse(r.stdout) as { jobs: { key: string; state: string }[] }).jobs;
  return jobs.map((j) => ({ key: j.key, verdict: verdict(j.state) }));
}

/** Done, failed, or neither: what the report and status.sh both tell (stale, blocked and not run are all "not done"). */
function verdict(state: string): string {
  return state === 'done' || state === 'failed' ? state : 'not done';
}

/** The `<tr>` of a library's corner grid whose first cell is `label`. */
function gridRow(html: string, label: string): string {
  const row = html.split('\n').find((line) => line.startsWith(`<tr><td class="mono">${label}</td>`));
  expect(row, `a grid row ${label}`).toBeDefined();
  return row!;
}

/**
 * The fixture compiled and run once for the describe block that calls it (its jobs partly fail:
 * `failing` says which), removed after; the returned function gives it to the tests.
 */
function ranFixture(name: string, failing: string): () => Compiled {
  let c: Compiled;
  beforeAll(async () => {
    c = await compileFixture(name);
    const run = await c.run();
    expect(run.code, failing).not.toBe(0);
  }, 60_000);
  afterAll(() => fs.rmSync(c.root, { recursive: true, force: true }));
  return () => c;
}

/** The report's verdict of every job is the one status.sh gives. */
function itGivesStatusVerdicts(fixture: () => Compiled): void {
  it('gives the verdicts status.sh gives, job by job', async () => {
    const c = fixture();
    const r = await reportJson(c.out);
    expect(r.jobs.map((j) => ({ key: j.key, verdict: verdict(j.state) }))).toEqual(await scriptVerdicts(c));
  });
}

describe('a stage with a dimension: a job per library, corner and value', () => {
  const fixture = ranFixture('dimension', 'the cons jobs fail');

  it('each job is keyed with its dimension value and has the state its markers give', async () => {
    const c = fixture();
    const r = await reportJson(c.out);
    expect(r.jobs.map((j) => [j.id, j.key, j.state])).toEqual([
      ['char[l,ss_0p6v_m40c,cons]', 'n5.l.ss_0p6v_m40c.cons', 'failed'],
      ['char[l,tt_0p7v_25c,cons]', 'n5.l.tt_0p7v_25c.cons', 'failed'],
      ['char[l,ss_0p6v_m40c,non_cons]', 'n5.l.ss_0p6v_m40c.non_cons', 'done'],
      ['char[l,tt_0p7v_25c,non_cons]', 'n5.l.tt_0p7v_25c.non_cons', 'done'],
    ]);
    expect(r.jobs[0]).toMatchObject({ corner: 'ss_0p6v_m40c', dimensions: { arcs: 'cons' }, reason: 'command exited with code 4 (attempt 1)' });
    expect(r.jobs.map((j) => j.runs)).toEqual([1, 1, 1, 1]);
    // Every event and marker belongs to a job of the plan.
    expect(r.problems).toEqual([]);
    expect(r.stderr).toBe('');
  });

  itGivesStatusVerdicts(fixture);

  it("the corner grid shows a corner's two jobs in one cell, coloured by the failed one", async () => {
    const c = fixture();
    const html = await reportHtml(c);
    for (const corner of ['ss_0p6v_m40c', 'tt_0p7v_25c']) {
      const row = gridRow(html, corner);
      expect(row).toContain(`<td class="cell state-failed" data-jobs="char[l,${corner},cons] char[l,${corner},non_cons]" data-state="failed"`);
      expect(row).toContain(`title="char[l,${corner},cons]: failed: command exited with code 4 (attempt 1)&#10;char[l,${corner},non_cons]: done">1/2</td>`);
    }
  });
});

describe('a group by stage between per-corner stages', () => {
  const fixture = ranFixture('group-by', 'the tt group fails');

  it("a grouped job is keyed with its group's name; the jobs after it are done or not run", async () => {
    const c = fixture();
    const r = await reportJson(c.out);
    expect(r.jobs.map((j) => [j.id, j.key, j.state])).toEqual([
      ['char[l,ss_0p6v_m40c]', 'n5.l.ss_0p6v_m40c', 'done'],
      ['char[l,ss_0p7v_m40c]', 'n5.l.ss_0p7v_m40c', 'done'],
      ['char[l,tt_0p7v_25c]', 'n5.l.tt_0p7v_25c', 'done'],
      ['char[l,tt_0p8v_25c]', 'n5.l.tt_0p8v_25c', 'done'],
      ['lvf[l,ss_m40c]', 'n5.l.ss_m40c', 'done'],
      ['lvf[l,tt_25c]', 'n5.l.tt_25c', 'failed'],
      ['post[l,ss_0p6v_m40c]', 'n5.l.ss_0p6v_m40c', 'done'],
      ['post[l,ss_0p7v_m40c]', 'n5.l.ss_0p7v_m40c', 'done'],
      ['post[l,tt_0p7v_25c]', 'n5.l.tt_0p7v_25c', 'not run'],
      ['post[l,tt_0p8v_25c]', 'n5.l.tt_0p8v_25c', 'not run'],
    ]);
    expect(r.jobs[4]).toMatchObject({ group: 'ss_m40c', corners: ['ss_0p6v_m40c', 'ss_0p7v_m40c'] });
    expect(r.jobs[4]!.corner).toBeUndefined();
    expect(r.jobs[5]!.reason).toBe('command exited with code 5 (attempt 1)');
    expect(r.problems).toEqual([]);
    expect(r.stderr).toBe('');
  });

  itGivesStatusVerdicts(fixture);

  it('the corner grid has a row per group for the grouped stage', async () => {
    const c = fixture();
    const html = await reportHtml(c);
    expect(gridRow(html, 'ss_m40c (group)')).toContain('<td class="cell state-done" data-job="lvf[l,ss_m40c]" data-state="done"');
    expect(gridRow(html, 'tt_25c (group)')).toContain('<td class="cell state-failed" data-job="lvf[l,tt_25c]" data-state="failed" title="failed: command exited with code 5 (attempt 1)">failed</td>');
    expect(gridRow(html, 'tt_0p7v_25c')).toContain('<td class="cell state-not-run" data-job="post[l,tt_0p7v_25c]" data-state="not run"');
  });

  // Last: it changes the run.
  it('a grouped job run again makes the done jobs after it stale, as the scripts judge them', async () => {
    const c = fixture();
    fs.rmSync(path.join(c.out, 'run/state/lvf/n5.l.ss_m40c.done'));
    const rerun = await c.run('--only', 'lvf');
    expect(rerun.code, 'the tt group fails again').not.toBe(0);
    const r = await reportJson(c.out);
    expect(r.jobs.filter((j) => j.id.startsWith('lvf') || j.id.startsWith('post')).map((j) => [j.id, j.state, j.runs])).toEqual([
      ['lvf[l,ss_m40c]', 'done', 2],
      ['lvf[l,tt_25c]', 'failed', 2],
      ['post[l,ss_0p6v_m40c]', 'stale', 1],
      ['post[l,ss_0p7v_m40c]', 'stale', 1],
      ['post[l,tt_0p7v_25c]', 'not run', 0],
      ['post[l,tt_0p8v_25c]', 'not run', 0],
    ]);
    expect(r.jobs.map((j) => ({ key: j.key, verdict: verdict(j.state) }))).toEqual(await scriptVerdicts(c));
  }, 60_000);
});
