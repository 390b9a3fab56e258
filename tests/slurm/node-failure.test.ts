// A node failure on the real one-node Slurm (issue #12): the node running a job goes DOWN. Slurm
// kills the job and, batch jobs being requeued by default (slurm.conf JobRequeue=1), puts it back
// in the queue under the same id, eligible again after a delay; the node returns by itself when
// its slurmd registers again (ReturnToService=2, scripts/slurm/up.sh). libcc's side: while the
// job waits, status.sh says pending (not failed, although the killed attempt left its
// failed-marker); the second attempt runs and completes, its dependant then runs, nothing else
// runs twice, and every job ends done.
//
// Taking the only node down would disturb every other Slurm test, so this file runs alone, after
// all the others (vitest.config.ts: the `node-failure` project, `sequence.groupOrder`).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobName } from '../e2e/harness.js';
import { faultFlow } from '../helpers/fault-tool.js';
import { ensureSlurm, slurmCmd } from '../helpers/slurm.js';
import { faultSites, waitFor, type StatusJson } from './fault-sites.js';

const slurm = ensureSlurm();
const title = slurm.available ? 'a node failure on a real Slurm' : `a node failure on a real Slurm (skipped: ${slurm.reason})`;
const A_TT = 'n5.a.tt_0p75v_25c_typical';

/** The node's state (`idle`, `down*`, `mixed`…), from sinfo. */
function nodeState(node: string): string {
  return slurmCmd('sinfo', ['-h', '-N', '-n', node, '-o', '%T']).stdout.trim().split('\n')[0] ?? '';
}

describe.skipIf(!slurm.available)(title, () => {
  const { site, touch, ran, isRunning, slurmState, settle } = faultSites(faultFlow('snodefail', 'site { scheduler = slurm }'));

  it('the job is requeued: pending in status.sh meanwhile, then it runs again and completes; its dependant follows, nothing else runs twice', async () => {
    const s = site();
    const aTt = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const r = await s.run('submit.sh');
    expect(r.code, r.stderr).toBe(0);
    await waitFor('make a.tt to run', () => isRunning(s, aTt));
    const first = slurmState(s, aTt)!;
    const node = slurmCmd('sinfo', ['-h', '-N', '-o', '%N']).stdout.trim().split('\n')[0]!;
    expect(slurmCmd('scontrol', ['update', `nodename=${node}`, 'state=down', 'reason=libcc node-failure test']).code).toBe(0);
    try {
      await waitFor('Slurm to requeue make a.tt', () => slurmState(s, aTt)?.state === 'PENDING', 30_000);
      expect(slurmState(s, aTt)).toMatchObject({ id: first.id, state: 'PENDING' });
      // The killed attempt records its SIGTERM; the requeued job is what counts.
      await waitFor('the killed attempt to record its end', () => s.failedReason(aTt) !== undefined, 10_000);
      expect(s.failedReason(aTt)).toMatch(/^killed by signal SIGTERM/);
      const json = await s.run('status.sh', ['--json']);
      expect(json.code, json.stderr).toBe(0);
      const doc = JSON.parse(json.stdout) as StatusJson;
      expect(doc.jobs.find((j) => j.stage === 'make' && j.key === A_TT)).toMatchObject({ state: 'pending', scheduler_state: 'PEND' });
      expect(doc.jobs.find((j) => j.stage === 'gather' && j.key === 'n5.a')).toMatchObject({ state: 'pending' });
      expect(doc.jobs.filter((j) => j.state === 'failed')).toEqual([]);
    } finally {
      // The node comes back when its slurmd registers again; resume it if it has not.
      await waitFor('the node to return', () => !nodeState(node).startsWith('down') || slurmCmd('scontrol', ['update', `nodename=${node}`, 'state=resume']).code === 0, 60_000);
    }
    // Slurm delays a requeued job's start (its BeginTime); an administrator may start it now.
    fs.rmSync(path.join(s.faults, `gate.make.${A_TT.slice(3)}`)); // the second attempt runs through
    expect(slurmCmd('scontrol', ['update', `jobid=${first.id}`, 'StartTime=now']).code).toBe(0);
    await settle(s);
    expect(slurmState(s, aTt)).toMatchObject({ id: first.id, state: 'COMPLETED' });
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect(s.failedReason(aTt)).toBeUndefined();
    const runs = ran(s);
    expect(runs.filter((line) => line === `make ${A_TT.slice(3)}`)).toHaveLength(2);
    expect(new Set(runs).size).toBe(s.jobs.length);
    expect(runs.length).toBe(s.jobs.length + 1);
    expect(runs.indexOf('gather a')).toBeGreaterThan(runs.lastIndexOf(`make ${A_TT.slice(3)}`));
    expect((await s.run('status.sh')).code).toBe(0);
  }, 180_000);
});
