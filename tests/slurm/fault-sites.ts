// The sites of the Slurm fault suite (faults.test.ts): the fault pipeline
// (tests/helpers/fault-tool.ts) compiled once, a run site per test with the fault tool and a
// shims directory, everything a test submitted cancelled after it, and what the tests read back.
import fs from 'node:fs';
import path from 'node:path';
import { jobName, type JobRow, type Site } from '../e2e/harness.js';
import { installFaultTool } from '../helpers/fault-tool.js';
import { compileFlow, elementRows, ledgerIds, slurmSites, waitIdle } from './pipeline.js';

export interface FaultSite extends Site {
  faults: string;
  shims: string;
}

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface StatusJson {
  exit_code: number;
  scheduler: { name: string; queried: boolean; answered: boolean | null; error: string | null };
  jobs: { stage: string; key: string; state: string; reason: string | null; scheduler_state: string | null }[];
}

/** Call inside a `describe`: registers the hooks, returns the helpers. */
export function faultSites(flow: string) {
  const sites = slurmSites(() => compileFlow(flow, 'libcc-slurm-faults-'), 'libcc-slurm-faults-site-', (s) => fs.writeFileSync(path.join((s as FaultSite).faults, 'open'), ''));

  function site(): FaultSite {
    const s = sites.site() as FaultSite;
    s.faults = installFaultTool(s);
    s.shims = path.join(s.root, 'shims');
    return s;
  }
  const touch = (s: FaultSite, name: string) => fs.writeFileSync(path.join(s.faults, name), '');
  /** The tool's runs, `stage key` per line. */
  const ran = (s: FaultSite) => (fs.existsSync(path.join(s.faults, 'ran')) ? fs.readFileSync(path.join(s.faults, 'ran'), 'utf8').trim().split('\n') : []);
  const toolKey = (job: JobRow) => `${job.stage} ${job.key.replace(/^n5\./, '')}`;
  const isRunning = (s: FaultSite, job: JobRow) => fs.existsSync(path.join(s.faults, `running.${toolKey(job).replace(' ', '.')}`));
  /** Done-marker ids of the jobs that are done: a job that runs again gets a new one. */
  const markerIds = (s: FaultSite) =>
    Object.fromEntries(s.jobs.filter((j) => s.isDone(j)).map((j) => [jobName(j), /^id=(.*)$/m.exec(fs.readFileSync(s.stateFile(j, 'done'), 'utf8'))![1]]));
  const started = (s: FaultSite, job: JobRow) =>
    Object.fromEntries(
      fs
        .readFileSync(path.join(s.runDir, 'state', job.stage, `${job.key}.started`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  /** Slurm's state of job `job` in run `runId` (its element, from the ledger). */
  const slurmState = (s: FaultSite, job: JobRow, runId?: string) => {
    const element = s.submittedElements(runId).get(job.num);
    return element ? elementRows([String(element.id)]).get(`${element.id}_${element.index}`) : undefined;
  };
  const settle = (s: FaultSite, runId?: string) => waitIdle(ledgerIds(s.runDir, runId), 120_000);
  return { site, touch, ran, toolKey, isRunning, markerIds, started, slurmState, settle };
}
