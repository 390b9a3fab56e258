// examples/n2_tanager compiled for Slurm, for the tests that run it on the real one-node cluster
// of scripts/slurm/up.sh (tests/slurm/pipeline.test.ts, tests/conformance). The example asks for
// 16–32 CPUs, up to 128 GB, licences and the partition `short` (MaxTime=1 min here): a 2-CPU
// test node refuses that at submission. So the copy gets `scheduler = slurm`, both queues mapped
// to the partition `debug`, and every stage one CPU, 100 MB and 10 minutes. Everything else —
// stages, keys, decks, expects — is the example's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { compileExample, expandIndices, jobName, REPO, Site, type JobRow as TableJob } from '../e2e/harness.js';
import { showJob, slurmCmd, squeueAll, type JobRow } from '../helpers/slurm.js';

export async function compileForSlurm(prefix: string): Promise<{ root: string; out: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `libcc-${prefix}-`));
  fs.chmodSync(root, 0o755);
  const example = path.join(REPO, 'examples/n2_tanager');
  for (const file of ['flow.lcp', 'corners.yaml', 'site.lcp']) fs.copyFileSync(path.join(example, file), path.join(root, file));
  const site = fs
    .readFileSync(path.join(root, 'site.lcp'), 'utf8')
    .replace(/^\s*lsf_unit_for_limits = .*$/m, '  scheduler = slurm')
    .replace(/^queue normal \{/m, 'queue normal { name = "debug" ')
    .replace(/^queue short \{/m, 'queue short { name = "debug" ');
  fs.writeFileSync(path.join(root, 'site.lcp'), site);
  const flow = fs
    .readFileSync(path.join(root, 'flow.lcp'), 'utf8')
    .replace(/resources \{[^{}]*(\{[^{}]*\}[^{}]*)?\}/g, 'resources { cpus = 1  mem = 100MB  runtime = 10m }')
    .replace(/^\s*retry .*$/gm, '');
  fs.writeFileSync(path.join(root, 'flow.lcp'), flow);
  const out = await compileExample(root, path.join(root, 'flow.lcp'));
  return { root, out };
}

/** The Slurm job ids (array ids) of a run, from the ledger. */
export function ledgerIds(runDir: string, runId?: string): string[] {
  const file = path.join(runDir, 'ledger.tsv');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'))
    .filter((f) => runId === undefined || f[0] === runId)
    .map((f) => f[5]!);
}

const UNFINISHED = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED', 'REQUEUED']);

/** Waits until no job of these array ids is pending or running (a pending job whose dependency can never be met counts as stuck: an error). */
export async function waitIdle(ids: readonly string[], timeoutMs = 180_000): Promise<JobRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = squeueAll(ids);
    const stuck = rows.filter((r) => r.state === 'PENDING' && r.reason === 'DependencyNeverSatisfied');
    if (stuck.length > 0) throw new Error(`jobs pend forever (no kill-on-invalid-dep?): ${stuck.map((r) => r.id).join(', ')}`);
    if (!rows.some((r) => UNFINISHED.has(r.state))) return rows;
    if (Date.now() > deadline) throw new Error(`jobs ${ids.join(',')} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Cancels whatever a test left (the cluster may stay up; its jobs may not). */
export function cancelAll(ids: readonly string[]): void {
  if (ids.length > 0) slurmCmd('scancel', ids);
}


/**
 * squeue rows by element, `ARRAY_INDEX` (or the job id of a plain job): the not-yet-started
 * rest of an array is one row (`12_[3-4]`, %K `3-4`), expanded here.
 */
export function elementRows(ids: readonly string[]): Map<string, JobRow> {
  const result = new Map<string, JobRow>();
  for (const row of squeueAll(ids)) {
    if (row.taskId === 'N/A') result.set(row.arrayJobId, row);
    else for (const index of expandIndices(row.taskId)) result.set(`${row.arrayJobId}_${index}`, row);
  }
  return result;
}

/** Violations of the DAG order by Slurm's own times (1 s resolution: a child may start in its parent's last second). */
export function orderViolationsFromSlurm(jobs: readonly TableJob[], elements: ReadonlyMap<number, string>): string[] {
  const times = new Map<number, { start: number; end: number; state: string }>();
  for (const [num, id] of elements) {
    const j = showJob(id);
    times.set(num, { start: Date.parse(j.StartTime ?? ''), end: Date.parse(j.EndTime ?? ''), state: j.JobState ?? '' });
  }
  const problems: string[] = [];
  for (const job of jobs) {
    const mine = times.get(job.num);
    if (!mine || mine.state !== 'COMPLETED') continue;
    for (const p of job.parents) {
      const parent = times.get(p);
      if (!parent) continue; // done before this run
      if (parent.state !== 'COMPLETED' || !(parent.end <= mine.start)) {
        problems.push(`${jobName(job)} started ${mine.start}, parent ${jobName(jobs[p]!)} ${parent.state} ended ${parent.end}`);
      }
    }
  }
  return problems;
}

/** Per job number, the Slurm id of its element in run `runId` (`ARRAY_INDEX`), from the ledger. */
export function slurmElements(site: Site, runId?: string): Map<number, string> {
  return new Map([...site.submittedElements(runId)].map(([job, { id, index }]) => [job, `${id}_${index}`]));
}

/** Compiles `flow` (the text of a flow.lcp) into a new directory readable by Slurm's jobs. */
export async function compileFlow(flow: string, prefix: string): Promise<{ root: string; out: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(root, 0o755);
  fs.writeFileSync(path.join(root, 'flow.lcp'), flow);
  return { root, out: await compileExample(root, path.join(root, 'flow.lcp')) };
}

/**
 * Call inside a `describe`: compiles once (`compile`), gives a run site per test (`site()`), and
 * after each test cancels what it submitted (`beforeCleanup` first) and removes the site.
 */
export function slurmSites(compile: () => Promise<{ root: string; out: string }>, prefix: string, beforeCleanup?: (site: Site) => void): { site(): Site } {
  let root = '';
  let out = '';
  const sites: Site[] = [];
  beforeAll(async () => {
    ({ root, out } = await compile());
  }, 60_000);
  afterEach(async () => {
    while (sites.length) {
      const s = sites.pop()!;
      cancelAll(ledgerIds(s.runDir));
      beforeCleanup?.(s);
      await s.cleanup();
    }
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  return {
    site() {
      const s = Site.create(out, prefix);
      fs.chmodSync(s.root, 0o755);
      sites.push(s);
      return s;
    },
  };
}
