// The Slurm back end on a real slurmctld (scripts/slurm/up.sh): examples/n2_tanager, compiled for
// Slurm (tests/slurm/pipeline.ts), runs to completion with the Liberate/Variety stubs; the order
// of execution respects the DAG by Slurm's own StartTime/EndTime; a failing element cancels
// exactly its descendants (--kill-on-invalid-dep) while the rest completes; a resume re-runs
// only the failed part; kill.sh leaves nothing of the run in the queue. Skipped, with the reason,
// only where Slurm cannot be started (not root, no apt-get); under CI as root it must run.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { descendants, jobName, orderViolationsFromEvents } from '../e2e/harness.js';
import { ensureSlurm, squeueAll } from '../helpers/slurm.js';
import { compileForSlurm, elementRows, ledgerIds, orderViolationsFromSlurm, slurmElements, slurmSites, waitIdle } from './pipeline.js';

const slurm = ensureSlurm();
const title = slurm.available ? 'n2_tanager on a real Slurm' : `n2_tanager on a real Slurm (skipped: ${slurm.reason})`;

describe.skipIf(!slurm.available)(title, () => {
  const { site } = slurmSites(() => compileForSlurm('slurm-e2e'), 'libcc-slurm-site-');

  it('runs the whole DAG: every job COMPLETED in DAG order by Slurm\'s times; status.sh agrees; a second submit has nothing to do', async () => {
    const s = site();
    const r = await s.run('submit.sh');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/libcc: submitted run \S+; follow it with status.sh/);
    const ids = ledgerIds(s.runDir);
    expect(ids.length).toBeLessThan(s.jobs.length); // arrays, not one sbatch per job
    const rows = await waitIdle(ids);
    expect(rows.filter((r) => r.state !== 'COMPLETED')).toEqual([]);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    const elements = slurmElements(s);
    expect(elements.size).toBe(s.jobs.length);
    expect(orderViolationsFromSlurm(s.jobs, elements)).toEqual([]);
    expect(orderViolationsFromEvents(s.jobs, s.events())).toEqual([]);
    // The wrapper knows its element: the start event names Slurm's ARRAY_INDEX id.
    const started = new Map(s.events().filter((e) => e.event === 'start').map((e) => [`${e.stage} ${e.job}`, (e as unknown as { job_id: string }).job_id]));
    for (const job of s.jobs) expect(started.get(jobName(job)), jobName(job)).toBe(elements.get(job.num));

    const status = await s.run('status.sh');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^release\s+2\s+2\s+0\s+0\s+0\s+0\s+0$/m);
    const again = await s.run('submit.sh');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe('libcc: nothing to submit: every selected job is done\n');
    // Every job finished: Slurm says so, and kill.sh cancels nothing (scancel would be silent).
    const runId = s.ledger()[0]!.runId;
    const killed = await s.run('kill.sh');
    expect(killed).toMatchObject({ code: 0, stdout: '', stderr: `libcc: killing run ${runId}\nlibcc: no unfinished job in run ${runId}: nothing to cancel\n` });
    expect(squeueAll(ids).filter((row) => row.state !== 'COMPLETED')).toEqual([]);
  }, 240_000);

  it('a failing element cancels exactly its descendants, the rest completes; a resume re-runs only the failed part', async () => {
    const s = site();
    const model = path.join(s.base, 'kits/base_svt/models/ttg.scs');
    const saved = fs.readFileSync(model);
    fs.rmSync(model);
    const r = await s.run('submit.sh');
    expect(r.code, r.stderr).toBe(0);
    const firstRun = s.ledger()[0]!.runId;
    await waitIdle(ledgerIds(s.runDir));
    const failed = s.jobs.filter((j) => j.stage === 'characterize' && j.key.startsWith('tcbn02.base_svt.ttg_')).map((j) => j.num);
    expect(failed.length).toBe(2);
    const doomed = descendants(s.jobs, failed);
    const elements = slurmElements(s, firstRun);
    const states = elementRows(ledgerIds(s.runDir));
    for (const job of s.jobs) {
      const row = states.get(elements.get(job.num)!);
      if (failed.includes(job.num)) expect(row?.state, jobName(job)).toBe('FAILED');
      else if (doomed.has(job.num)) expect(row, jobName(job)).toMatchObject({ state: 'CANCELLED', reason: 'DependencyNeverSatisfied' });
      else expect(row?.state, jobName(job)).toBe('COMPLETED');
    }
    expect(orderViolationsFromSlurm(s.jobs, elements)).toEqual([]);
    const status = await s.run('status.sh');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^characterize\s+12\s+10\s+0\s+0\s+2\s+0\s+0$/m);
    for (const n of doomed) expect(status.stdout).toContain(`  ${jobName(s.jobs[n]!)}: terminated by Slurm before it ran`);

    // Fix the kit, resume: exactly the failed jobs and their descendants are submitted again.
    fs.writeFileSync(model, saved);
    const resume = await s.run('submit.sh');
    expect(resume.code, resume.stderr).toBe(0);
    const secondRun = s.ledger().at(-1)!.runId;
    expect(secondRun).not.toBe(firstRun);
    await waitIdle(ledgerIds(s.runDir, secondRun));
    const rerun = [...slurmElements(s, secondRun).keys()].sort((a, b) => a - b);
    expect(rerun).toEqual([...failed, ...doomed].sort((a, b) => a - b));
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect(orderViolationsFromSlurm(s.jobs, slurmElements(s, secondRun))).toEqual([]);
  }, 300_000);

  it('kill.sh midway leaves nothing of the run pending or running', async () => {
    const s = site();
    // The tools wait for a gate that never opens: characterize and lvf hang once they start.
    const r = await s.run('submit.sh', [], { env: { E2E_TOOL_GATE: path.join(s.root, 'never') } });
    expect(r.code, r.stderr).toBe(0);
    const ids = ledgerIds(s.runDir);
    const squeueNames = new Map(s.ledger().map((l) => [String(l.id), l.stage]));
    const deadline = Date.now() + 60_000;
    while (!squeueAll(ids).some((row) => row.state === 'RUNNING' && row.id.includes('_') && /characterize|lvf/.test(squeueNames.get(row.arrayJobId) ?? ''))) {
      if (Date.now() > deadline) throw new Error('nothing started');
      await new Promise((res) => setTimeout(res, 250));
    }
    const killed = await s.run('kill.sh');
    expect(killed.code, killed.stderr).toBe(0);
    expect(killed.stderr).toContain('libcc: killing run ');
    expect(killed.stdout).toContain(`cancelled job(s) ${ids.join(' ')}`);
    const rows = await waitIdle(ids, 60_000);
    expect(rows.filter((row) => !['COMPLETED', 'CANCELLED', 'FAILED'].includes(row.state))).toEqual([]);
    expect(rows.some((row) => row.state === 'CANCELLED')).toBe(true);
    const status = await s.run('status.sh');
    expect(status.stdout).toMatch(/^release\s+2\s+0\s+0\s+0\s+\d+\s+\d+\s+0$/m);
  }, 180_000);
});
