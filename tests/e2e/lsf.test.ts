// End to end on the LSF stand-in (tests/lsf): submit.sh hands the whole DAG of
// examples/n2_tanager to "LSF" by job ID, the stand-in runs the jobs for real, status.sh reads
// markers plus one bjobs call; a failure terminates its dependants (-ti) and a re-submission
// runs only the failed part.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compiledPipeline,
  descendants,
  elements,
  eventsByJob,
  expectedOutputs,
  jobName,
  lsfElement,
  orderViolationsFromEvents,
  orderViolationsFromLsf,
  submittedJobs,
} from './harness.js';

const pipeline = compiledPipeline('lsf');
const site = () => pipeline.site();

const bsubCalls = (dir: string) => {
  const file = path.join(dir, 'bsub_calls');
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : 0;
};

describe('submit.sh on the LSF stand-in', () => {
  it('runs the whole DAG in dependency order; status.sh agrees; a second submit has nothing to do', async () => {
    const s = site();
    const lsf = s.lsf();
    const r = await s.submitWith(lsf, 'submit.sh');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const ledger = s.ledger();
    const runId = ledger[0]!.runId;
    const group = `/libcc/n2_tanager/${runId}`;
    expect(r.stderr).toBe(`libcc: submitted run ${runId} as job group ${group}; follow it with status.sh\n`);
    // One ledger line per bsub call, all in this run's group; fewer calls than jobs (arrays).
    expect(ledger.every((l) => l.runId === runId && l.group === group)).toBe(true);
    expect(ledger.length).toBe(bsubCalls(lsf.dir));
    expect(ledger.length).toBeLessThan(s.jobs.length);

    await lsf.waitIdle(60_000);
    const records = lsf.jobs();
    expect(records.every((j) => j.group === group)).toBe(true);
    // Every job was submitted exactly once, ran once, and is DONE.
    expect(submittedJobs(s.jobs, records, group)).toEqual(s.jobs.map((j) => j.num));
    for (const { record, index, element } of elements(records)) {
      expect(element.state, `${record.name}[${index}]`).toBe('DONE');
      expect(element.history, `${record.name}[${index}]`).toHaveLength(1);
    }
    // Every job with parents was submitted with a dependency, and -ti.
    for (const job of s.jobs.filter((j) => j.parents.length > 0)) {
      const { record } = lsfElement(records, job, group)!;
      expect(record.depend, jobName(job)).toMatch(/done\(/);
      expect(record.ti, jobName(job)).toBe(true);
    }
    expect(orderViolationsFromLsf(s.jobs, records, group)).toEqual([]);
    expect(orderViolationsFromEvents(s.jobs, s.events())).toEqual([]);
    // The wrapper saw LSF's job ID.
    const byJob = eventsByJob(s.events());
    for (const job of s.jobs) {
      const { record } = lsfElement(records, job, group)!;
      expect((byJob.get(jobName(job))!.starts[0] as unknown as { job_id: string }).job_id, jobName(job)).toBe(String(record.id));
      expect(byJob.get(jobName(job))!.ends.map((e) => e.status), jobName(job)).toEqual(['done']);
      expect(s.isDone(job), jobName(job)).toBe(true);
    }
    for (const lib of expectedOutputs(s)) expect(fs.existsSync(lib), lib).toBe(true);
    // LSF wrote each job's output where submit.sh asked (the log directories existed).
    for (const { element } of elements(records)) {
      expect(element.outputLost).toBeFalsy();
      expect(fs.existsSync(element.outFile!), element.outFile!).toBe(true);
    }

    const status = await s.submitWith(lsf, 'status.sh');
    expect(status.code, status.stdout).toBe(0);
    for (const [stage, n] of [['copy_kits', 12], ['characterize', 12], ['lvf', 8], ['post_lvf', 8], ['copy_nominal', 4], ['merge_lvf', 8], ['release', 2]] as const) {
      expect(status.stdout).toMatch(new RegExp(`^${stage}\\s+${n}\\s+${n}\\s+0\\s+0\\s+0\\s+0\\s+0$`, 'm'));
    }

    const calls = bsubCalls(lsf.dir);
    const again = await s.submitWith(lsf, 'submit.sh');
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('libcc: nothing to submit: every selected job is done\n');
    expect(bsubCalls(lsf.dir)).toBe(calls);
    expect(lsf.jobs()).toHaveLength(records.length);
  });

  it('a failed job terminates its dependants, the rest finish, status.sh reports it, and a re-submit runs only the failed part', async () => {
    const s = site();
    // Base_svt's kit lacks the netlists of RC corner rcbest_CCbest_T: copy_kits copies an empty
    // directory and its `expect "${work}/netlists/*.spi" >= 1` fails, for the two ffgnp corners.
    const lpe = path.join(s.base, 'kits/base_svt/LPE/LPE_rcbest_CCbest_T');
    const saved = path.join(s.root, 'saved-lpe');
    fs.renameSync(lpe, saved);
    fs.mkdirSync(lpe);

    const lsf = s.lsf();
    const r = await s.submitWith(lsf, 'submit.sh');
    expect(r.code, r.stderr).toBe(0);
    const group = s.ledger()[0]!.group;
    await lsf.waitIdle(60_000);
    const records = lsf.jobs();

    const failed = s.jobs.filter((j) => j.stage === 'copy_kits' && j.key.startsWith('tcbn02.base_svt.ffgnp_'));
    expect(failed).toHaveLength(2);
    const doomed = descendants(s.jobs, failed.map((j) => j.num));
    // characterize, lvf, post_lvf, merge_lvf of both corners, and base_svt's release.
    expect(doomed.size).toBe(9);
    for (const job of s.jobs) {
      const { element } = lsfElement(records, job, group)!;
      if (failed.includes(job)) {
        expect(element.state, jobName(job)).toBe('EXIT');
        expect(element.exitCode, jobName(job)).toBe(1);
        expect(s.failedReason(job)).toBe(
          `expect failed: \${work}/netlists/*.spi matched 0 file(s), expected >= 1 (pattern ${s.runDir}/work/copy_kits/tcbn02/base_svt/${job.key.split('.')[2]}/netlists/*.spi)`,
        );
      } else if (doomed.has(job.num)) {
        // Terminated as an orphan (-ti), not left pending forever, and never started.
        expect(element.state, jobName(job)).toBe('EXIT');
        expect(element.exitReason, jobName(job)).toBe('TERM_ORPHAN_SYSTEM');
        expect(element.everStarted, jobName(job)).toBe(false);
        expect(s.isDone(job)).toBe(false);
      } else {
        expect(element.state, jobName(job)).toBe('DONE');
        expect(s.isDone(job), jobName(job)).toBe(true);
      }
    }
    expect(orderViolationsFromLsf(s.jobs, records, group)).toEqual([]);

    const status = await s.submitWith(lsf, 'status.sh');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^copy_kits\s+12\s+10\s+0\s+0\s+2\s+0\s+0$/m);
    expect(status.stdout).toMatch(/^release\s+2\s+1\s+0\s+0\s+1\s+0\s+0$/m);
    expect(status.stdout).toMatch(/^copy_nominal\s+4\s+4\s+0\s+0\s+0\s+0\s+0$/m);
    for (const job of failed) expect(status.stdout).toContain(`  ${jobName(job)}: expect failed: \${work}/netlists/*.spi matched 0 file(s), expected >= 1`);
    for (const n of doomed) expect(status.stdout).toContain(`  ${jobName(s.jobs[n]!)}: terminated by LSF before it ran`);

    // Fix the kit, submit again: only the failed jobs and their dependants are submitted.
    fs.rmSync(lpe, { recursive: true });
    fs.renameSync(saved, lpe);
    const again = await s.submitWith(lsf, 'submit.sh');
    expect(again.code, again.stderr).toBe(0);
    const runs = [...new Set(s.ledger().map((l) => l.group))];
    expect(runs).toHaveLength(2);
    const group2 = runs[1]!;
    expect(again.stderr).toContain(`as job group ${group2}`);
    await lsf.waitIdle(60_000);
    const records2 = lsf.jobs();
    expect(submittedJobs(s.jobs, records2, group2)).toEqual([...failed.map((j) => j.num), ...doomed].sort((a, b) => a - b));
    for (const { record, index, element } of elements(records2.filter((j) => j.group === group2))) {
      expect(element.state, `${record.name}[${index}]`).toBe('DONE');
    }
    expect(orderViolationsFromLsf(s.jobs, records2, group2)).toEqual([]);
    expect(orderViolationsFromEvents(s.jobs, s.events())).toEqual([]);
    // Jobs that were done ran once in all; the failed part twice (failed jobs) or once (orphans).
    const byJob = eventsByJob(s.events());
    for (const job of s.jobs) expect(byJob.get(jobName(job))?.starts.length, jobName(job)).toBe(failed.includes(job) ? 2 : 1);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    for (const lib of expectedOutputs(s)) expect(fs.existsSync(lib), lib).toBe(true);

    const status2 = await s.submitWith(lsf, 'status.sh');
    expect(status2.code, status2.stdout).toBe(0);
    expect(status2.stdout).not.toContain('failed jobs');
    expect((await s.submitWith(lsf, 'submit.sh')).stderr).toContain('nothing to submit');
  });

  it('status.sh counts a job this run has pending, held or running again by its LSF state, not by an earlier failed-marker; a held or suspended job is named with how to release it', async () => {
    const s = site();
    const lsf = s.lsf();
    const copy = s.jobs.filter((j) => j.stage === 'copy_kits');
    const [held, running, stale] = [copy[5]!, copy[6]!, copy[0]!];
    // Earlier attempts failed all three.
    for (const job of [held, running, stale]) {
      fs.mkdirSync(path.dirname(s.stateFile(job, 'failed')), { recursive: true });
      fs.writeFileSync(s.stateFile(job, 'failed'), 'reason=an earlier attempt failed\nexit_code=1\n');
    }
    // This run: one of them is held (PSUSP), one runs (blocked on a gate file).
    const group = '/libcc/n2_tanager/run-2';
    fs.mkdirSync(s.runDir, { recursive: true });
    fs.writeFileSync(path.join(s.runDir, 'ledger.tsv'), `run-2\t${group}\tcopy_kits\ttcbn02.base_svt\t0\t1\t6,7\n`);
    const gate = path.join(s.root, 'gate');
    const hold = await lsf.bsub(['-H', '-J', `n2_tanager.copy_kits.${held.group}[${held.index}]`, '-g', group, 'true']);
    const run = await lsf.bsub(['-J', `n2_tanager.copy_kits.${running.group}[${running.index}]`, '-g', group, `while [ ! -e ${gate} ]; do sleep 0.05; done`]);
    expect(hold.id).not.toBeNull();
    await lsf.waitFor((jobs) => jobs.find((j) => j.id === run.id)?.elements[String(running.index)]?.state === 'RUN', 20_000, 'the job to run');
    // The running one is suspended (USUSP): it still counts as running.
    expect((await lsf.run('bstop', [`${run.id}[${running.index}]`])).code).toBe(0);

    const status = await s.submitWith(lsf, 'status.sh');
    expect(status.stdout).toMatch(/^copy_kits\s+12\s+0\s+1\s+1\s+1\s+9\s+0$/m);
    expect(status.stdout).toContain(`  ${jobName(stale)}: an earlier attempt failed`);
    // The held job counts as pending, the suspended one as running; both are named apart, with
    // the command that lets them go on: neither goes on by itself.
    const release = `bresume '${hold.id}[${held.index}]'`;
    const resume = `bresume '${run.id}[${running.index}]'`;
    expect(status.stdout).toContain(
      '\nheld or suspended jobs (counted as pending or running; they do not go on by themselves):\n' +
        `  ${jobName(held)}: held by LSF (PSUSP): it starts only when released: ${release}\n` +
        `  ${jobName(running)}: suspended by LSF (USUSP): it goes on only when resumed: ${resume}\n`,
    );
    // In the matrix: H for the held one, S for the suspended one (stage 1, copy_kits).
    expect(status.stdout).toContain('\n  ffgnp_0p60v_m40c_rcbest_CCbest_T  H - - -   -\n  ffgnp_0p60v_125c_rcbest_CCbest_T  S - - -   -\n');
    expect(status.stdout.split('failed jobs')[1]).not.toContain(jobName(held));
    expect(status.stdout.split('failed jobs')[1]).not.toContain(jobName(running));
    expect(status.code).toBe(1);
    const json = await s.submitWith(lsf, 'status.sh', ['--json']);
    const jobs = (JSON.parse(json.stdout) as { jobs: { stage: string; key: string; state: string; scheduler_state: string | null; reason: string | null }[] }).jobs;
    const entry = (job: (typeof s.jobs)[number]) => jobs.find((j) => j.stage === job.stage && j.key === job.key);
    expect(entry(held)).toMatchObject({ state: 'pending', scheduler_state: 'HELD', reason: `held by LSF (PSUSP): it starts only when released: ${release}` });
    expect(entry(running)).toMatchObject({ state: 'running', scheduler_state: 'SUSP', reason: `suspended by LSF (USUSP): it goes on only when resumed: ${resume}` });
    expect((await lsf.run('bresume', [`${run.id}[${running.index}]`])).code).toBe(0);
    fs.writeFileSync(gate, '');
  });


  it('a whole run stopped (bstop -g GROUP 0): status.sh lists 20 held or suspended jobs and counts the rest; resumed, the run completes', async () => {
    const s = site();
    const gate = path.join(s.root, 'gate');
    const lsf = s.lsf({ env: { E2E_TOOL_GATE: gate } });
    const r = await s.submitWith(lsf, 'submit.sh');
    expect(r.code, r.stderr).toBe(0);
    const group = s.ledger()[0]!.group;
    const toolJobs = s.jobs.filter((j) => j.stage === 'characterize' || j.stage === 'lvf');
    await lsf.waitFor((records) => toolJobs.every((j) => lsfElement(records, j, group)?.element.state === 'RUN'), 30_000, 'characterize and lvf to run');
    expect((await lsf.run('bstop', ['-g', group, '0'])).code).toBe(0);
    const unfinished = s.jobs.filter((j) => !s.isDone(j));
    expect(unfinished.length).toBeGreaterThan(20);
    const status = await s.submitWith(lsf, 'status.sh');
    expect(status.code, status.stderr).toBe(0);
    const listed = status.stdout.split('held or suspended jobs (counted as pending or running; they do not go on by themselves):\n')[1]!.split('\n');
    expect(listed.slice(0, 20).every((line) => / (held|suspended) by LSF \((PSUSP|USUSP)\): it (starts|goes on) only when (released|resumed): bresume '\d+\[\d+\]'$/.test(line))).toBe(true);
    expect(listed[20]).toBe(`  … and ${unfinished.length - 20} more (status.sh --json lists every job)`);
    const json = JSON.parse((await s.submitWith(lsf, 'status.sh', ['--json'])).stdout) as { jobs: { scheduler_state: string | null }[] };
    expect(json.jobs.filter((j) => j.scheduler_state === 'SUSP')).toHaveLength(toolJobs.length);
    expect(json.jobs.filter((j) => j.scheduler_state === 'HELD')).toHaveLength(unfinished.length - toolJobs.length);

    expect((await lsf.run('bresume', ['-g', group, '0'])).code).toBe(0);
    fs.writeFileSync(gate, '');
    await lsf.waitIdle(60_000);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    const after = await s.submitWith(lsf, 'status.sh');
    expect(after.code).toBe(0);
    expect(after.stdout).not.toContain('held or suspended');
  });

  it('kill.sh ends the whole run: running jobs record that they were killed, pending ones never start', async () => {
    const s = site();
    const gate = path.join(s.root, 'gate');
    // bkill's SIGINT has 2 s before SIGTERM follows, even on a loaded machine.
    const lsf = s.lsf({ env: { E2E_TOOL_GATE: gate, LSF_STANDIN_TERM_INTERVAL_MS: '2000' } });
    try {
      const r = await s.submitWith(lsf, 'submit.sh');
      expect(r.code, r.stderr).toBe(0);
      const group = s.ledger()[0]!.group;
      // copy_kits finishes; characterize and lvf start and wait at the gate inside the tool.
      const toolJobs = s.jobs.filter((j) => j.stage === 'characterize' || j.stage === 'lvf');
      await lsf.waitFor((records) => toolJobs.every((j) => lsfElement(records, j, group)?.element.state === 'RUN'), 30_000, 'characterize and lvf to run');

      // The run is in flight: submitting again would run its jobs twice at once. Refused.
      const calls = bsubCalls(lsf.dir);
      const twice = await s.submitWith(lsf, 'submit.sh');
      expect(twice.code).toBe(1);
      expect(twice.stderr).toMatch(new RegExp(`^libcc: error: job group ${group} still has \\d+ unfinished job\\(s\\): wait for them \\(status\\.sh\\) or kill them \\(kill\\.sh\\), then submit again\\n$`));
      expect(bsubCalls(lsf.dir)).toBe(calls);
      const dry = await s.submitWith(lsf, 'submit.sh', ['--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stderr).toContain(`libcc: warning: job group ${group} still has`);

      const k = await s.submitWith(lsf, 'kill.sh');
      expect(k.code, k.stderr).toBe(0);
      expect(k.stderr).toContain(`libcc: killing job group ${group}`);
      await lsf.waitIdle(30_000);
      const records = lsf.jobs();
      for (const job of s.jobs) {
        const { element } = lsfElement(records, job, group)!;
        if (job.stage === 'copy_kits') {
          expect(element.state, jobName(job)).toBe('DONE');
        } else if (toolJobs.includes(job)) {
          expect(element.state, jobName(job)).toBe('EXIT');
          expect(element.exitReason, jobName(job)).toBe('TERM_OWNER');
          expect([130, 143], jobName(job)).toContain(element.exitCode);
          expect(s.failedReason(job), jobName(job)).toMatch(/^killed by signal SIG(INT|TERM) \(a kill of the run, a run limit, or an interrupt\)$/);
          expect(eventsByJob(s.events()).get(jobName(job))!.ends.map((e) => e.status)).toEqual(['failed']);
        } else {
          expect(element.state, jobName(job)).toBe('EXIT');
          expect(element.everStarted, jobName(job)).toBe(false);
        }
      }
      const status = await s.submitWith(lsf, 'status.sh');
      expect(status.code).toBe(1);
      expect(status.stdout).toMatch(/^characterize\s+12\s+0\s+0\s+0\s+12\s+0\s+0$/m);
      expect(status.stdout).toContain(`  characterize ${toolJobs[0]!.key}: killed by signal SIG`);
    } finally {
      fs.writeFileSync(gate, '');
    }
  });

});
