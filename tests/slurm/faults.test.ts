// Fault injection on the real one-node Slurm of scripts/slurm/up.sh (issue #12; the LSF stand-in
// and run-local.sh have theirs in tests/e2e/faults.test.ts): sbatch failing midway, a job killed
// mid-run (scancel, and SIGKILL that leaves no trace but its started-marker, also once Slurm has
// forgotten the job), a tool that exits 0 without its output, two submit.sh at once, squeue
// failing while jobs exist. After each: nothing finished is lost, no done job runs again, no job
// pends forever (waitIdle throws on DependencyNeverSatisfied), status.sh tells the truth.
// Client failures are PATH shims around the real sbatch/squeue (tests/helpers/slurm.ts).
// Skipped, with the reason, only where Slurm cannot be started; under CI as root it must run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobName } from '../e2e/harness.js';
import { faultFlow } from '../helpers/fault-tool.js';
import { ensureSlurm, slurmCmd, writeForgettingSqueue, writeShim } from '../helpers/slurm.js';
import { faultSites, waitFor, type StatusJson } from './fault-sites.js';
import { ledgerIds } from './pipeline.js';

const slurm = ensureSlurm();
const title = slurm.available ? 'faults on a real Slurm' : `faults on a real Slurm (skipped: ${slurm.reason})`;

// make keeps one array per library (an `array_limit`, which is per array, keeps a stage out of
// batches; with two corners a library it holds nothing back): these faults are about the n-th of
// several submissions. Batches on Slurm: tests/slurm/pipeline.test.ts; batches under faults:
// tests/e2e/faults.test.ts (LSF stand-in).
const FLOW = faultFlow('sfaults', 'site { scheduler = slurm }', '', 'array_limit = 2');

const A_TT = 'n5.a.tt_0p75v_25c_typical';
const B_TT = 'n5.b.tt_0p75v_25c_typical';
const HOST = os.hostname();
const SIGTERM_REASON = 'killed by signal SIGTERM (a kill of the run, a run limit, or an interrupt)';
const KILLED = /^killed: started on \S+ at [\d-]+ [\d:]+ \(process \d+, job \d+_1, attempt 1\) and never recorded its end: SIGKILL, a crash, a lost host, or a full disk$/;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.skipIf(!slurm.available)(title, () => {
  const { site, touch, ran, toolKey, isRunning, markerIds, started, slurmState, settle } = faultSites(FLOW);

  it('sbatch failing on its 3rd call: submit.sh stops, cancels what it submitted, exits 1; the resubmission completes, nothing done runs again', async () => {
    const s = site();
    const aTt = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const release = path.join(s.faults, 'release');
    // Calls 1 and 2 (make n5.a, make n5.b) go through; call 3 (gather n5.a) waits until the
    // make jobs that can finish have finished, then fails as sbatch does when slurmctld is down.
    writeShim(s.shims, 'sbatch', { holdOn: 3, failOn: 3, release });
    const first = s.start('submit.sh', [], { env: { PATH: `${s.shims}:${process.env.PATH ?? ''}` } });
    const others = s.jobs.filter((j) => j.stage === 'make' && j !== aTt);
    // COMPLETED, not just done-markers: a job still COMPLETING would be cancelled by the abort.
    await waitFor('make jobs to finish and make a.tt to run', () => isRunning(s, aTt) && others.every((j) => slurmState(s, j)?.state === 'COMPLETED'));
    fs.writeFileSync(release, '');
    const r = await first.done;
    expect(r.code, r.stderr).toBe(1);
    const ids = ledgerIds(s.runDir);
    expect(ids).toHaveLength(2);
    const runId = s.ledger()[0]!.runId;
    expect(r.stderr).toBe(
      'libcc: error: sbatch failed for stage gather (sfaults.gather.n5[1]): sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n' +
        `libcc: killing the jobs of this run (run ${runId})\n` +
        `cancelled job(s) ${ids.join(' ')}\n` +
        'libcc: fix the cause, then run submit.sh again: jobs with a valid done-marker are skipped\n',
    );
    expect(fs.existsSync(path.join(s.runDir, 'lock'))).toBe(false);
    // Nothing of the run is left pending or running: the gated job was cancelled, the rest had finished.
    await settle(s);
    expect(slurmState(s, aTt)?.state).toBe('CANCELLED');
    for (const j of others) expect(slurmState(s, j)?.state, jobName(j)).toBe('COMPLETED');
    expect(s.failedReason(aTt)).toBe(SIGTERM_REASON);
    const status = await s.run('status.sh');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^make\s+4\s+3\s+0\s+0\s+1\s+0\s+0$/m);
    expect(status.stdout).toMatch(/^gather\s+2\s+0\s+0\s+0\s+0\s+2\s+0$/m);

    const before = markerIds(s);
    fs.rmSync(path.join(s.faults, `gate.make.${A_TT.slice(3)}`));
    const again = await s.run('submit.sh', [], { path: s.shims });
    expect(again.code, again.stderr).toBe(0);
    const secondRun = s.ledger().at(-1)!.runId;
    expect(s.ledger().filter((l) => l.runId === secondRun).map((l) => `${l.stage} ${l.arrayGroup} ${l.indices}`)).toEqual(['make n5.a 1', 'gather n5 1', 'gather n5 2']);
    await settle(s, secondRun);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    for (const [job, id] of Object.entries(before)) expect(markerIds(s)[job], job).toBe(id);
    // Each tool ran once, but the cancelled one, which ran again.
    expect(ran(s).sort()).toEqual([...s.jobs.map(toolKey), toolKey(aTt)].sort());
    expect((await s.run('status.sh')).code).toBe(0);
  }, 180_000);

  it('sbatch failing on its 2nd call, squeue and scancel failing too: submit.sh names exactly the job ids left and how to kill them; kill.sh does', async () => {
    const s = site();
    const aTt = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    writeShim(s.shims, 'sbatch', { failOn: 2 });
    const scancelMessage = 'scancel: error: Kill job error on job id 1: Unable to contact slurm controller (connect failure)';
    writeShim(s.shims, 'scancel', { failOn: 0, message: scancelMessage, code: 8 });
    const squeueMessage = 'squeue: error: slurm_load_jobs error: Unable to contact slurm controller (connect failure)';
    writeShim(s.shims, 'squeue', { failOn: 0, message: squeueMessage });
    const r = await s.run('submit.sh', [], { path: s.shims });
    expect(r.code).toBe(1);
    const [left, ...more] = ledgerIds(s.runDir);
    expect(more).toEqual([]);
    const runId = s.ledger()[0]!.runId;
    expect(r.stderr).toBe(
      'libcc: error: sbatch failed for stage make (sfaults.make.n5.b[1-2]): sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)' +
        `; squeue could not tell whether Slurm accepted the job anyway: ${squeueMessage}\n` +
        `libcc: killing the jobs of this run (run ${runId})\n` +
        `libcc: error: scancel ${left} exited with code 8: ${scancelMessage}\n` +
        `libcc: kill the jobs of run ${runId} by hand (kill.sh --run-id ${runId})\n` +
        'libcc: fix the cause, then run submit.sh again: jobs with a valid done-marker are skipped\n',
    );
    expect(fs.existsSync(path.join(s.runDir, 'lock'))).toBe(false);
    await waitFor('make a.tt to run', () => isRunning(s, aTt));
    expect(slurmState(s, aTt)?.state).toBe('RUNNING');
    const killed = await s.run('kill.sh', ['--run-id', runId]);
    expect(killed.code, killed.stderr).toBe(0);
    expect(killed.stdout).toBe(`cancelled job(s) ${left}\n`);
    await settle(s);
    expect(slurmState(s, aTt)?.state).toBe('CANCELLED');
  }, 120_000);

  it('sbatch failing after slurmctld accepted the job (a client timeout): submit.sh finds the job by its name and log path, records it and goes on', async () => {
    const s = site();
    const message = 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation';
    writeShim(s.shims, 'sbatch', { failOn: 2, runFirst: true, message });
    const r = await s.run('submit.sh', [], { path: s.shims });
    expect(r.code, r.stderr).toBe(0);
    const ledger = s.ledger();
    expect(ledger.map((l) => `${l.stage} ${l.arrayGroup} ${l.indices}`)).toEqual(['make n5.a 1-2', 'make n5.b 1-2', 'gather n5 1', 'gather n5 2']);
    expect(r.stderr).toContain(`libcc: sbatch reported a failure for stage make (sfaults.make.n5.b[1-2]) (${message}), but Slurm accepted it as job ${ledger[1]!.id}: going on\n`);
    await settle(s);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect(ran(s).sort()).toEqual(s.jobs.map(toolKey).sort());
    // gather n5.b waited for the job found that way.
    expect(slurmState(s, s.job('gather', 'n5.b'))?.state).toBe('COMPLETED');
    expect(s.events().filter((e) => e.event === 'start' && e.stage === 'make' && e.job.startsWith('n5.b.')).map((e) => (e as unknown as { job_id: string }).job_id).sort()).toEqual([`${ledger[1]!.id}_1`, `${ledger[1]!.id}_2`]);
  }, 120_000);

  it('sbatch timing out before slurmctld registered the job: submit.sh asks squeue again for a while, finds it and goes on', async () => {
    const s = site();
    const message = 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation';
    writeShim(s.shims, 'sbatch', { failOn: 2, runLater: 2, message });
    const r = await s.run('submit.sh', [], { path: s.shims });
    expect(r.code, r.stderr).toBe(0);
    const ledger = s.ledger();
    expect(ledger.map((l) => `${l.stage} ${l.arrayGroup} ${l.indices}`)).toEqual(['make n5.a 1-2', 'make n5.b 1-2', 'gather n5 1', 'gather n5 2']);
    expect(r.stderr).toContain(`but Slurm accepted it as job ${ledger[1]!.id}: going on\n`);
    await settle(s);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    // Each job ran once: the late one was not submitted again.
    expect(ran(s).sort()).toEqual(s.jobs.map(toolKey).sort());
  }, 120_000);

  it('sbatch timing out and no job ever appearing: submit.sh waits 15 s at most, then stops and says so', async () => {
    const s = site();
    const message = 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation';
    writeShim(s.shims, 'sbatch', { failOn: 2, message });
    const r = await s.run('submit.sh', [], { path: s.shims });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`libcc: error: sbatch failed for stage make (sfaults.make.n5.b[1-2]): ${message}; no job of it appeared in squeue within 15 s\n`);
    await settle(s);
    const resumed = await s.run('submit.sh');
    expect(resumed.code, resumed.stderr).toBe(0);
    await settle(s);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
  }, 120_000);

  it('a job SIGKILLed and one scancelled mid-run: failed in status.sh (also once Slurm forgot them), dependants cancelled, not pending; the resubmission runs only those', async () => {
    const s = site();
    const aTt = s.job('make', A_TT);
    const bTt = s.job('make', B_TT);
    for (const key of [A_TT, B_TT]) touch(s, `gate.make.${key.slice(3)}`);
    const r = await s.run('submit.sh');
    expect(r.code, r.stderr).toBe(0);
    const runId = s.ledger()[0]!.runId;
    await waitFor('both gated jobs to run', () => isRunning(s, aTt) && isRunning(s, bTt));
    // SIGKILL of a.tt's whole process group (the OOM killer, a crash): nothing gets to record it.
    const marker = started(s, aTt);
    expect(marker).toMatchObject({ host: HOST, run: runId, attempt: '1', job_id: expect.stringMatching(/^\d+_1$/) });
    process.kill(-Number(marker.pgid), 'SIGKILL');
    // scancel of b.tt's element: Slurm sends SIGTERM, the wrapper records it.
    const bId = `${s.ledger().find((l) => l.stage === 'make' && l.arrayGroup === 'n5.b')!.id}_1`;
    expect(slurmCmd('scancel', [bId]).code).toBe(0);
    await settle(s);
    expect(slurmState(s, aTt)?.state).toBe('FAILED');
    expect(slurmState(s, bTt)?.state).toBe('CANCELLED');
    // --kill-on-invalid-dep=yes: the dependants are cancelled, none pends forever.
    for (const g of s.jobs.filter((j) => j.stage === 'gather')) expect(slurmState(s, g), jobName(g)).toMatchObject({ state: 'CANCELLED', reason: 'DependencyNeverSatisfied' });
    expect(s.failedReason(aTt)).toBeUndefined();
    expect(s.failedReason(bTt)).toBe(SIGTERM_REASON);

    const status = await s.run('status.sh');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^make\s+4\s+2\s+0\s+0\s+2\s+0\s+0$/m);
    expect(status.stdout).toMatch(/^gather\s+2\s+0\s+0\s+0\s+2\s+0\s+0$/m);
    expect(status.stdout).toMatch(new RegExp(`^  make ${esc(A_TT)}: killed: started on ${esc(HOST)} at .* \\(process \\d+, job ${marker.job_id}, attempt 1\\) and never recorded its end`, 'm'));
    expect(status.stdout).toContain(`  make ${B_TT}: ${SIGTERM_REASON}`);
    expect(status.stdout).toContain(`  gather n5.a: terminated by Slurm before it ran: upstream job make ${A_TT} failed`);

    // Once slurmctld has purged the jobs (MinJobAge), the markers alone tell the same.
    const forget = path.join(s.faults, 'forget');
    fs.writeFileSync(forget, ledgerIds(s.runDir).join('\n'));
    writeForgettingSqueue(s.shims, forget);
    const json = await s.run('status.sh', ['--json'], { path: s.shims });
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout) as StatusJson;
    expect(doc.scheduler).toMatchObject({ answered: true, error: null });
    const state = (stage: string, key: string) => doc.jobs.find((j) => j.stage === stage && j.key === key);
    expect(state('make', A_TT)).toMatchObject({ state: 'failed', scheduler_state: null, reason: expect.stringMatching(KILLED) });
    expect(state('make', B_TT)).toMatchObject({ state: 'failed', scheduler_state: null, reason: SIGTERM_REASON });
    expect(state('gather', 'n5.a')).toMatchObject({ state: 'blocked', reason: `upstream job make ${A_TT} failed` });
    expect(state('gather', 'n5.b')).toMatchObject({ state: 'blocked', reason: `upstream job make ${B_TT} failed` });
    expect(doc.jobs.filter((j) => j.state === 'done')).toHaveLength(2);

    const before = markerIds(s);
    fs.rmSync(path.join(s.faults, 'ran'));
    for (const key of [A_TT, B_TT]) fs.rmSync(path.join(s.faults, `gate.make.${key.slice(3)}`));
    const again = await s.run('submit.sh');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`^libcc: make ${esc(A_TT)} was killed: started on .*; it is submitted again$`, 'm'));
    const secondRun = s.ledger().at(-1)!.runId;
    await settle(s, secondRun);
    expect(ran(s).sort()).toEqual(['gather a', 'gather b', 'make a.tt_0p75v_25c_typical', 'make b.tt_0p75v_25c_typical']);
    for (const [job, id] of Object.entries(before)) expect(markerIds(s)[job], job).toBe(id);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect((await s.run('status.sh')).code).toBe(0);
  }, 180_000);

  it('scancel reaching the tool before the wrapper (Slurm signals the processes of a job in no set order): the kill is recorded, not the tool\'s exit code', async () => {
    const s = site();
    const aTt = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const r = await s.run('submit.sh');
    expect(r.code, r.stderr).toBe(0);
    await waitFor('make a.tt to run', () => isRunning(s, aTt));
    // The tool dies of SIGTERM first; the job's own SIGTERM (scancel) follows 200 ms later.
    process.kill(Number(fs.readFileSync(path.join(s.faults, `pid.make.${A_TT.slice(3)}`), 'utf8')), 'SIGTERM');
    await new Promise((res) => setTimeout(res, 200));
    const aId = `${s.ledger().find((l) => l.stage === 'make' && l.arrayGroup === 'n5.a')!.id}_1`;
    expect(slurmCmd('scancel', [aId]).code).toBe(0);
    await settle(s);
    expect(slurmState(s, aTt)?.state).toBe('CANCELLED');
    expect(s.failedReason(aTt)).toBe(SIGTERM_REASON);
    expect(ran(s).filter((l) => l === toolKey(aTt))).toHaveLength(1);
  }, 120_000);

  it('scancel --signal=KILL of a running element cancels it as plain scancel does (SIGTERM first), though the man page says KILL spares the job', async () => {
    const s = site();
    const aTt = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    expect((await s.run('submit.sh')).code).toBe(0);
    await waitFor('make a.tt to run', () => isRunning(s, aTt));
    const aId = `${s.ledger().find((l) => l.stage === 'make' && l.arrayGroup === 'n5.a')!.id}_1`;
    expect(slurmCmd('scancel', ['--signal=KILL', aId]).code).toBe(0);
    await settle(s);
    expect(slurmState(s, aTt)?.state).toBe('CANCELLED');
    expect(s.failedReason(aTt)).toBe(SIGTERM_REASON);
    expect(slurmState(s, s.job('gather', 'n5.a'))).toMatchObject({ state: 'CANCELLED', reason: 'DependencyNeverSatisfied' });
    expect((await s.run('status.sh')).stdout).toContain(`  make ${A_TT}: ${SIGTERM_REASON}`);
  }, 120_000);

  it('a tool that exits 0 without its output: the job fails (Slurm FAILED), its dependant is cancelled, status.sh gives the expect reason', async () => {
    const s = site();
    const aTt = s.job('make', A_TT);
    touch(s, `noout.make.${A_TT.slice(3)}`);
    const r = await s.run('submit.sh');
    expect(r.code, r.stderr).toBe(0);
    await settle(s);
    expect(slurmState(s, aTt)).toMatchObject({ state: 'FAILED', reason: 'NonZeroExitCode' });
    expect(slurmState(s, s.job('gather', 'n5.a'))).toMatchObject({ state: 'CANCELLED', reason: 'DependencyNeverSatisfied' });
    expect(slurmState(s, s.job('gather', 'n5.b'))?.state).toBe('COMPLETED');
    const reason = `expect failed: \${out}/result matched 0 file(s), expected == 1 (pattern ${s.runDir}/out/n5/a/tt_0p75v_25c_typical/result)`;
    expect(s.failedReason(aTt)).toBe(reason);
    expect(s.isDone(aTt)).toBe(false);
    const logs = fs.readdirSync(path.join(s.runDir, 'logs/make')).map((f) => fs.readFileSync(path.join(s.runDir, 'logs/make', f), 'utf8'));
    expect(logs.filter((l) => l.includes('finished, wrote nothing') && l.includes(`libcc: job make ${A_TT} failed: ${reason}`))).toHaveLength(1);
    const status = await s.run('status.sh');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^make\s+4\s+3\s+0\s+0\s+1\s+0\s+0$/m);
    expect(status.stdout).toContain(`  make ${A_TT}: ${reason}\n      | finished, wrote nothing\n`);
    const doc = JSON.parse((await s.run('status.sh', ['--json'])).stdout) as StatusJson;
    expect(doc.jobs.find((j) => j.stage === 'make' && j.key === A_TT)).toMatchObject({ state: 'failed', scheduler_state: 'EXIT', reason });
  }, 120_000);

  it('a job held in the queue (scontrol hold) and one suspended while running (scontrol suspend): status.sh counts them pending and running and names them apart with the commands that let them go on; released and resumed, they complete', async () => {
    const s = site();
    const aTt = s.job('make', A_TT);
    const gatherA = s.job('gather', 'n5.a');
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const r = await s.run('submit.sh');
    expect(r.code, r.stderr).toBe(0);
    await waitFor('make a.tt to run', () => isRunning(s, aTt));
    const element = `${slurmState(s, gatherA)!.arrayJobId}_${gatherA.index}`;
    expect(slurmCmd('scontrol', ['hold', element]).code).toBe(0);
    await waitFor('Slurm to show the hold', () => /^JobHeld/.test(slurmState(s, gatherA)?.reason ?? ''), 10_000);
    const reason = slurmState(s, gatherA)!.reason;
    const why = `held by Slurm (${reason}): it starts only when released: scontrol release ${element}`;
    const running = `${slurmState(s, aTt)!.arrayJobId}_${aTt.index}`;
    expect(slurmCmd('scontrol', ['suspend', running]).code).toBe(0);
    await waitFor('Slurm to suspend make a.tt', () => slurmState(s, aTt)?.state === 'SUSPENDED', 10_000);
    const suspended = `suspended by Slurm (SUSPENDED): it goes on only when resumed: scontrol resume ${running}`;

    const status = await s.run('status.sh');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^gather\s+2\s+0\s+0\s+2\s+0\s+0\s+0$/m);
    expect(status.stdout).toContain(
      `\nheld or suspended jobs (counted as pending or running; they do not go on by themselves):\n  make ${A_TT}: ${suspended}\n  gather n5.a: ${why}\n`,
    );
    expect(status.stdout).not.toContain('gather n5.b:');
    const json = await s.run('status.sh', ['--json']);
    const jobs = (JSON.parse(json.stdout) as StatusJson).jobs;
    expect(jobs.find((j) => j.stage === 'gather' && j.key === 'n5.a')).toMatchObject({ state: 'pending', scheduler_state: 'HELD', reason: why });
    expect(jobs.find((j) => j.stage === 'gather' && j.key === 'n5.b')).toMatchObject({ state: 'pending', scheduler_state: 'PEND', reason: null });
    expect(jobs.find((j) => j.stage === 'make' && j.key === A_TT)).toMatchObject({ state: 'running', scheduler_state: 'SUSP', reason: suspended });

    expect(slurmCmd('scontrol', ['release', element]).code).toBe(0);
    expect(slurmCmd('scontrol', ['resume', running]).code).toBe(0);
    touch(s, 'open');
    await settle(s);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    const after = await s.run('status.sh');
    expect(after.code).toBe(0);
    expect(after.stdout).not.toContain('held or suspended');
  }, 120_000);

  it('a finished job that Slurm runs again under the same id (scontrol requeue; a node lost between its done-marker and its exit): the wrapper finds its own valid done-marker and does not compute it again', async () => {
    const s = site();
    const aTt = s.job('make', A_TT);
    const r = await s.run('submit.sh');
    expect(r.code, r.stderr).toBe(0);
    await settle(s);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    const before = markerIds(s);
    const runs = ran(s).length;
    const element = `${slurmState(s, aTt)!.arrayJobId}_${aTt.index}`;
    expect(slurmCmd('scontrol', ['requeue', element]).code).toBe(0);
    await waitFor('Slurm to requeue make a.tt', () => slurmState(s, aTt)?.state === 'PENDING', 10_000);
    // Slurm delays a requeued job's start; started at once, not within the second of the requeue.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(slurmCmd('scontrol', ['update', `jobid=${element}`, 'StartTime=now']).code).toBe(0);
    await settle(s);
    expect(slurmState(s, aTt)?.state).toBe('COMPLETED');
    expect(ran(s)).toHaveLength(runs);
    expect(markerIds(s)).toEqual(before);
    const logs = fs.readdirSync(path.join(s.runDir, 'logs', 'make')).map((f) => fs.readFileSync(path.join(s.runDir, 'logs', 'make', f), 'utf8'));
    expect(logs.join('')).toContain(
      `libcc: job make ${A_TT}: this job (${element}) already completed it and its done-marker is valid: not run again (submit.sh --force make re-runs it)`,
    );
    expect((await s.run('status.sh')).code).toBe(0);
  }, 120_000);

  it('two submit.sh at once on one run directory: the second exits 2 naming the holder and submits nothing; the first completes', async () => {
    const s = site();
    const release = path.join(s.faults, 'release');
    const calls = writeShim(s.shims, 'sbatch', { holdOn: 1, release });
    const first = s.start('submit.sh', [], { env: { PATH: `${s.shims}:${process.env.PATH ?? ''}` } });
    await waitFor('the first submit.sh to reach sbatch', () => fs.existsSync(calls));
    const second = await s.run('submit.sh', [], { path: s.shims });
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(
      `libcc: error: ${s.runDir} is in use by submit.sh (process ${first.pid} on host ${HOST}, since ${/since ([^)]*)\)/.exec(second.stderr)?.[1]}): wait for it to finish, or stop it (kill ${first.pid})\n`,
    );
    expect(fs.readFileSync(calls, 'utf8').trim()).toBe('1');
    fs.writeFileSync(release, '');
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    expect(new Set(s.ledger().map((l) => l.runId)).size).toBe(1);
    expect(fs.readFileSync(calls, 'utf8').trim()).toBe('4');
    await settle(s);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect(ran(s).sort()).toEqual(s.jobs.map(toolKey).sort());
  }, 120_000);

  it('squeue failing while jobs exist: status.sh says Slurm did not answer (exit 3, nothing "not run"), submit.sh refuses, as it does while jobs run; both recover', async () => {
    const s = site();
    const aTt = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const r = await s.run('submit.sh');
    expect(r.code, r.stderr).toBe(0);
    const runId = s.ledger()[0]!.runId;
    const gatherA = s.job('gather', 'n5.a');
    await waitFor('make a.tt to run, the jobs not behind it to finish', () => isRunning(s, aTt) && s.jobs.filter((j) => j !== aTt && j !== gatherA).every((j) => slurmState(s, j)?.state === 'COMPLETED'));
    // While Slurm answers: a.tt running, gather a pending on it; a new submission refuses.
    const live = await s.run('status.sh');
    expect(live.code, live.stderr).toBe(0);
    expect(live.stdout).toMatch(/^make\s+4\s+3\s+1\s+0\s+0\s+0\s+0$/m);
    expect(live.stdout).toMatch(/^gather\s+2\s+1\s+0\s+1\s+0\s+0\s+0$/m);
    const busy = await s.run('submit.sh');
    expect(busy.code).toBe(1);
    expect(busy.stderr).toBe(`libcc: error: run ${runId} still has 2 unfinished job(s): wait for them (status.sh) or kill them (kill.sh), then submit again\n`);

    const message = 'squeue: error: slurm_load_jobs error: Unable to contact slurm controller (connect failure)';
    writeShim(s.shims, 'squeue', { failOn: 0, message });
    const why = `squeue exited with code 1: ${message}`;

    const status = await s.run('status.sh', [], { path: s.shims });
    expect(status.code).toBe(3);
    expect(status.stderr).toBe(
      `libcc: error: cannot reach the scheduler for run ${runId}: ${why}\nlibcc: jobs without a marker of this run are shown as unknown: they may be pending or running\n`,
    );
    // Every job not done is unknown: none is reported not run, pending or failed.
    const rows = [...status.stdout.matchAll(/^(make|gather)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/gm)].map((m) => m.slice(1).map((x) => (/^\d+$/.test(x) ? Number(x) : x)));
    expect(rows).toHaveLength(2);
    for (const [, jobs, done, run, pend, failed, none, unknown] of rows as number[][]) expect({ run, pend, failed, none, unknown }).toEqual({ run: 0, pend: 0, failed: 0, none: 0, unknown: jobs! - done! });
    expect(status.stdout).toContain(`the scheduler did not answer (${why}): the counts above are incomplete`);
    const json = await s.run('status.sh', ['--json'], { path: s.shims });
    expect(json.code).toBe(3);
    const doc = JSON.parse(json.stdout) as StatusJson;
    expect(doc).toMatchObject({ exit_code: 3, scheduler: { name: 'Slurm', queried: true, answered: false, error: why } });
    expect(doc.jobs.find((j) => j.stage === 'make' && j.key === A_TT)?.state).toBe('unknown');
    expect(doc.jobs.filter((j) => !['done', 'unknown'].includes(j.state))).toEqual([]);

    // Nor when the controller itself does not answer `scontrol ping`.
    const down = path.join(s.root, 'down');
    const pingMessage = 'Slurmctld(primary) at vm is DOWN';
    writeShim(down, 'scontrol', { failOn: 0, message: pingMessage, stdout: true });
    const noPing = JSON.parse((await s.run('status.sh', ['--json'], { path: down })).stdout) as StatusJson;
    expect(noPing).toMatchObject({ exit_code: 3, scheduler: { answered: false, error: `scontrol ping exited with code 1: ${pingMessage}` } });
    expect(noPing.jobs.filter((j) => !['done', 'unknown'].includes(j.state))).toEqual([]);

    const submit = await s.run('submit.sh', [], { path: s.shims });
    expect(submit.code).toBe(1);
    expect(submit.stderr).toContain(`libcc: error: cannot tell whether run ${runId} still has unfinished jobs: the scheduler did not answer (${why})`);
    expect(new Set(s.ledger().map((l) => l.runId)).size).toBe(1);

    touch(s, 'open');
    await settle(s);
    const ok = await s.run('status.sh');
    expect(ok.code, ok.stdout).toBe(0);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect(ran(s).sort()).toEqual(s.jobs.map(toolKey).sort());
  }, 120_000);

  // A client that never answers (slurmctld wedged, an NFS stall): libcc_sched_cmd stops it after
  // LIBCC_SCHEDULER_TIMEOUT seconds (docs/generated-scripts.md, "Scheduler commands time out").
  const BOUND = { LIBCC_SCHEDULER_TIMEOUT: '2' };
  const timedOut = (cmd: string) => `${cmd} did not answer within 2 s (LIBCC_SCHEDULER_TIMEOUT): stopped; retry when Slurm answers, or raise LIBCC_SCHEDULER_TIMEOUT if it is only slow`;

  it('squeue or scontrol ping hanging: status.sh stops it after the bound and exits 3 naming it, no unfinished job shown done or not run; submit.sh refuses', async () => {
    const s = site();
    const aTt = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const r = await s.run('submit.sh');
    expect(r.code, r.stderr).toBe(0);
    const runId = s.ledger()[0]!.runId;
    const gatherA = s.job('gather', 'n5.a');
    await waitFor('make a.tt to run, the jobs not behind it to finish', () => isRunning(s, aTt) && s.jobs.filter((j) => j !== aTt && j !== gatherA).every((j) => slurmState(s, j)?.state === 'COMPLETED'));

    writeShim(s.shims, 'squeue', { failOn: 0, hang: true });
    const status = await s.run('status.sh', [], { path: s.shims, env: BOUND });
    expect(status.code).toBe(3);
    expect(status.stderr).toBe(
      `libcc: error: cannot reach the scheduler for run ${runId}: ${timedOut('squeue')}\nlibcc: jobs without a marker of this run are shown as unknown: they may be pending or running\n`,
    );
    const doc = JSON.parse((await s.run('status.sh', ['--json'], { path: s.shims, env: BOUND })).stdout) as StatusJson;
    expect(doc).toMatchObject({ exit_code: 3, scheduler: { answered: false, error: timedOut('squeue') } });
    expect(doc.jobs.filter((j) => j.state === 'done')).toHaveLength(4);
    expect(doc.jobs.filter((j) => j.state !== 'done').map((j) => `${j.stage} ${j.key} ${j.state}`).sort()).toEqual(['gather n5.a unknown', `make ${A_TT} unknown`]);
    const submit = await s.run('submit.sh', [], { path: s.shims, env: BOUND });
    expect(submit.code).toBe(1);
    expect(submit.stderr).toContain(`libcc: error: cannot tell whether run ${runId} still has unfinished jobs: the scheduler did not answer (${timedOut('squeue')})`);
    expect(new Set(s.ledger().map((l) => l.runId)).size).toBe(1);

    const wedged = path.join(s.root, 'wedged');
    writeShim(wedged, 'scontrol', { failOn: 0, hang: true });
    const noPing = JSON.parse((await s.run('status.sh', ['--json'], { path: wedged, env: BOUND })).stdout) as StatusJson;
    expect(noPing).toMatchObject({ exit_code: 3, scheduler: { answered: false, error: timedOut('scontrol') } });
    expect(noPing.jobs.filter((j) => !['done', 'unknown'].includes(j.state))).toEqual([]);

    touch(s, 'open');
    await settle(s);
    expect((await s.run('status.sh', [], { env: BOUND })).code).toBe(0);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
  }, 120_000);

  it('sbatch hanging after slurmctld accepted the job, or registering it only after libcc stopped sbatch: submit.sh finds it and goes on; nothing is submitted twice', async () => {
    for (const late of [false, true]) {
      const s = site();
      const calls = writeShim(s.shims, 'sbatch', late ? { failOn: 2, hang: true, runLater: 3 } : { failOn: 2, hang: true, runFirst: true });
      const r = await s.run('submit.sh', [], { path: s.shims, env: BOUND });
      expect(r.code, r.stderr).toBe(0);
      const ledger = s.ledger();
      expect(ledger.map((l) => `${l.stage} ${l.arrayGroup} ${l.indices}`)).toEqual(['make n5.a 1-2', 'make n5.b 1-2', 'gather n5 1', 'gather n5 2']);
      expect(r.stderr).toContain(`libcc: sbatch reported a failure for stage make (sfaults.make.n5.b[1-2]) (${timedOut('sbatch')}), but Slurm accepted it as job ${ledger[1]!.id}: going on\n`);
      expect(fs.readFileSync(calls, 'utf8').trim()).toBe('4');
      await settle(s);
      for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
      // Each job ran once: the job sbatch did not report was not submitted again.
      expect(ran(s).sort()).toEqual(s.jobs.map(toolKey).sort());
    }
  }, 180_000);

  it('sbatch hanging and no job ever appearing: submit.sh stops after the bound and 15 s of squeue, says so; the next submit.sh completes', async () => {
    const s = site();
    writeShim(s.shims, 'sbatch', { failOn: 2, hang: true });
    const r = await s.run('submit.sh', [], { path: s.shims, env: BOUND });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`libcc: error: sbatch failed for stage make (sfaults.make.n5.b[1-2]): ${timedOut('sbatch')}; no job of it appeared in squeue within 15 s\n`);
    expect(s.ledger()).toHaveLength(1);
    await settle(s);
    const resumed = await s.run('submit.sh', [], { env: BOUND });
    expect(resumed.code, resumed.stderr).toBe(0);
    await settle(s);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
  }, 120_000);

});
