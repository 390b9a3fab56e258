// submit.sh's options and its failure handling on the LSF stand-in: --dry-run submits nothing,
// --only/--from submit the selected stages and refuse a selection whose upstream is missing,
// and a bsub that fails midway (loudly or silently) aborts the submission and kills what it
// had submitted.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledPipeline, elements, jobName, orderViolationsFromEvents, orderViolationsFromLsf, submittedJobs } from './harness.js';

const pipeline = compiledPipeline('submit');
const site = () => pipeline.site();
/** Submissions of a run from scratch: every unit but the members of a batch (column 9 its batch's number), submitted in it. */
const unitCountOf = () =>
  fs
    .readFileSync(path.join(pipeline.out, 'lib/units.tsv'), 'utf8')
    .split('\n')
    .filter((l) => /^\d+\t/.test(l) && !/^\d+$/.test(l.split('\t')[8]!)).length;

const bsubCalls = (dir: string) => {
  const file = path.join(dir, 'bsub_calls');
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : 0;
};

/** The words of a `bsub …` line printed by --dry-run (printf %q quoting), parsed by bash itself. */
function words(line: string): string[] {
  const r = spawnSync('bash', ['-c', `eval "set -- $1"; printf '%s\\0' "$@"`, '_', line], { encoding: 'utf8' });
  return r.stdout.split('\0').slice(0, -1);
}

describe('submit.sh --dry-run, --only, --from', () => {
  it('--dry-run prints every bsub command, with dependencies and -ti, and submits nothing', async () => {
    const s = site();
    const lsf = s.lsf();
    const r = await s.submitWith(lsf, 'submit.sh', ['--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('libcc: dry run: nothing was submitted\n');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(unitCountOf());
    for (const line of lines) expect(line).toMatch(/^bsub /);
    const first = words(lines[0]!);
    // Both libraries' copies in one batch: base_svt's 7 corners, then base_lvt's 5.
    expect(first.slice(0, 3)).toEqual(['bsub', '-J', 'n2_tanager.copy_kits.g1-2[1-12]']);
    expect(first[first.length - 1]).toBe(`${pipeline.out}/jobs/copy_kits.sh g1-2`);
    expect(first).not.toContain('-w');
    // characterize's batch waits 1:1 on copy_kits' batch (the dry run's fake IDs stand for LSF's).
    const characterize = words(lines.find((l) => l.includes('characterize.g1-2'))!);
    expect(characterize[characterize.indexOf('-w') + 1]).toBe('done(DRY1[*])');
    expect(characterize).toContain('-ti');
    expect(characterize.slice(characterize.indexOf('-q'), characterize.indexOf('-q') + 2)).toEqual(['-q', 'normal']);
    expect(characterize).toEqual(expect.arrayContaining(['-n', '16', '-M', '61036', '-W', '48:00', '-P', 'libchar']));
    // Nothing reached LSF, nothing was written.
    expect(bsubCalls(lsf.dir)).toBe(0);
    expect(lsf.jobs()).toEqual([]);
    expect(fs.existsSync(s.runDir)).toBe(false);
  });

  it('--only and --from submit the selected stages; a selection whose upstream is not done fails before submitting anything', async () => {
    const s = site();
    const lsf = s.lsf();

    const unknown = await s.submitWith(lsf, 'submit.sh', ['--only', 'copy_kits', '--only', 'charcterize']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('libcc: error: no stage named charcterize');

    // characterize needs copy_kits, which is neither done nor selected.
    const orphan = await s.submitWith(lsf, 'submit.sh', ['--only', 'characterize']);
    expect(orphan.code).toBe(1);
    expect(orphan.stderr).toContain(
      'libcc: error: job characterize tcbn02.base_svt.ssgnp_0p48v_m40c_cworst_CCworst_T needs copy_kits tcbn02.base_svt.ssgnp_0p48v_m40c_cworst_CCworst_T, which is neither done nor part of this submission',
    );
    expect(bsubCalls(lsf.dir)).toBe(0);

    const kits = await s.submitWith(lsf, 'submit.sh', ['--only', 'copy_kits']);
    expect(kits.code, kits.stderr).toBe(0);
    await lsf.waitIdle(30_000);
    const group1 = s.ledger()[0]!.group;
    expect(submittedJobs(s.jobs, lsf.jobs(), group1)).toEqual(s.jobs.filter((j) => j.stage === 'copy_kits').map((j) => j.num));
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(job.stage === 'copy_kits');

    // --from lvf: lvf, post_lvf, merge_lvf, release — but merge_lvf needs characterize, which is
    // not done: refused before the lvf jobs are submitted.
    const calls = bsubCalls(lsf.dir);
    const from = await s.submitWith(lsf, 'submit.sh', ['--from', 'lvf']);
    expect(from.code).toBe(1);
    expect(from.stderr).toMatch(/libcc: error: job merge_lvf \S+ needs characterize \S+, which is neither done nor part of this submission/);
    expect(from.stderr).toContain('run submit.sh again');
    expect(bsubCalls(lsf.dir)).toBe(calls);

    // With copy_kits done, characterize alone needs no dependency; its batch stays a batch.
    const dry = await s.submitWith(lsf, 'submit.sh', ['--only', 'characterize', '--dry-run']);
    expect(dry.code).toBe(0);
    const dryLines = dry.stdout.trim().split('\n');
    expect(dryLines.map((l) => words(l)[2])).toEqual(['n2_tanager.characterize.g1-2[1-12]']);
    for (const line of dryLines) expect(words(line)).not.toContain('-w');

    // --from characterize would leave merge_lvf without post_lvf (not downstream of characterize).
    const partial = await s.submitWith(lsf, 'submit.sh', ['--from', 'characterize']);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toMatch(/libcc: error: job merge_lvf \S+ needs post_lvf \S+, which is neither done nor part of this submission/);
    expect(bsubCalls(lsf.dir)).toBe(calls);

    // --only characterize --only copy_nominal: one batch for characterize, without -w.
    const nominal = await s.submitWith(lsf, 'submit.sh', ['--only', 'characterize', '--only', 'copy_nominal']);
    expect(nominal.code, nominal.stderr).toBe(0);
    await lsf.waitIdle(30_000);
    const group2 = s.ledger().at(-1)!.group;
    const characterizeUnits = s.ledger().filter((l) => l.group === group2 && l.stage === 'characterize');
    expect(characterizeUnits.map((l) => l.indices)).toEqual(['1-12']);
    expect(lsf.job(characterizeUnits[0]!.id)!.depend).toBeNull();
    expect(submittedJobs(s.jobs, lsf.jobs(), group2)).toEqual(s.jobs.filter((j) => ['characterize', 'copy_nominal'].includes(j.stage)).map((j) => j.num));

    // --from lvf now has every upstream job done: lvf, post_lvf, merge_lvf and release run.
    const rest = await s.submitWith(lsf, 'submit.sh', ['--from', 'lvf']);
    expect(rest.code, rest.stderr).toBe(0);
    await lsf.waitIdle(60_000);
    const group3 = s.ledger().at(-1)!.group;
    const records = lsf.jobs();
    expect(submittedJobs(s.jobs, records, group3)).toEqual(s.jobs.filter((j) => ['lvf', 'post_lvf', 'merge_lvf', 'release'].includes(j.stage)).map((j) => j.num));
    for (const { record, index, element } of elements(records)) expect(element.state, `${record.name}[${index}]`).toBe('DONE');
    expect(orderViolationsFromLsf(s.jobs, records, group3)).toEqual([]);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect((await s.submitWith(lsf, 'submit.sh')).stderr).toContain('nothing to submit');
  });
});

describe('submit.sh and batches', () => {
  it('a batch that cannot be submitted whole (part of it done) gives way to its members, each an array as before', async () => {
    const s = site();
    const lsf = s.lsf();
    expect((await s.submitWith(lsf, 'submit.sh', ['--only', 'copy_kits'])).code).toBe(0);
    await lsf.waitIdle(30_000);
    // base_lvt's copies are to be run again; base_svt's stay done.
    const lvt = s.jobs.filter((j) => j.stage === 'copy_kits' && j.group === 'tcbn02.base_lvt');
    for (const job of lvt) fs.rmSync(s.stateFile(job, 'done'));
    const dry = await s.submitWith(lsf, 'submit.sh', ['--only', 'copy_kits', '--only', 'characterize', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    const lines = dry.stdout.trim().split('\n').map(words);
    const dependency = (w: string[]) => (w.includes('-w') ? w[w.indexOf('-w') + 1] : '');
    expect(lines.map((w) => [w[2], dependency(w), w[w.length - 1]!.split('/').pop()])).toEqual([
      ['n2_tanager.copy_kits.tcbn02.base_lvt[1-5]', '', 'copy_kits.sh tcbn02.base_lvt'],
      // base_svt's copies are done: no dependency; base_lvt's wait 1:1 on the copies above.
      ['n2_tanager.characterize.tcbn02.base_svt[1-7]', '', 'characterize.sh tcbn02.base_svt'],
      ['n2_tanager.characterize.tcbn02.base_lvt[1-5]', 'done(DRY1[*])', 'characterize.sh tcbn02.base_lvt'],
    ]);
  });
});

describe('submit.sh when bsub fails midway', () => {
  it('a failing bsub (exit 255): exits non-zero, says how to resume, and kills what it submitted', async () => {
    const s = site();
    // One slot and a slow scheduler tick (12 copy_kits jobs take over 3.6 s): copy_kits is still
    // running or pending when bsub fails.
    // The second bsub is characterize's batch (the first: copy_kits', both libraries).
    const lsf = s.lsf({ slots: 1, pollMs: 300, env: { LSF_STANDIN_FAIL_SUBMIT: '2' } });
    const r = await s.submitWith(lsf, 'submit.sh');
    expect(r.code).toBe(1);
    const ledger = s.ledger();
    expect(ledger.map((l) => l.stage)).toEqual(['copy_kits']);
    const group = ledger[0]!.group;
    expect(r.stderr).toContain('libcc: error: bsub failed for stage characterize (n2_tanager.characterize.g1-2[1-12]): Contacting batch daemon: Communication timeout. Job not submitted.');
    expect(r.stderr).toContain(`libcc: killing the jobs of this run (job group ${group})`);
    expect(r.stderr).toContain('libcc: fix the cause, then run submit.sh again: jobs with a valid done-marker are skipped');
    expect(r.stderr).not.toContain('bkill failed');

    await lsf.waitIdle(30_000);
    const records = lsf.jobs();
    expect(records.map((j) => j.name)).toEqual(['n2_tanager.copy_kits.g1-2']);
    const all = elements(records);
    // Nothing is left pending or running; what had not finished was killed.
    for (const { element } of all) expect(['DONE', 'EXIT']).toContain(element.state);
    const killed = all.filter(({ element }) => element.state === 'EXIT');
    expect(killed.length).toBeGreaterThan(0);
    for (const { element } of killed) expect(element.exitReason).toBe('TERM_OWNER');
  });

  it('a bsub that prints an error but exits 0 is caught too; submitting again resumes', async () => {
    const s = site();
    // The third bsub: after the batches of copy_kits and characterize, lvf's first element.
    const lsf = s.lsf({ env: { LSF_STANDIN_FAIL_SUBMIT: '3', LSF_STANDIN_FAIL_SILENT: '1' } });
    const r = await s.submitWith(lsf, 'submit.sh');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/libcc: error: bsub did not confirm the submission of stage lvf \(n2_tanager\.lvf\.tcbn02\.base_svt\[1\]\): .*Job not submitted\./);
    expect(r.stderr).toContain('libcc: killing the jobs of this run');
    expect(r.stderr).toContain('run submit.sh again');
    expect(s.ledger()).toHaveLength(2);
    await lsf.waitIdle(30_000);
    for (const { element } of elements(lsf.jobs())) expect(['DONE', 'EXIT']).toContain(element.state);

    // The injected failure was the 3rd call only: submitting again completes the run, and
    // submits only what is not done.
    const notDone = s.jobs.filter((j) => !s.isDone(j)).map((j) => j.num);
    const again = await s.submitWith(lsf, 'submit.sh');
    expect(again.code, again.stderr).toBe(0);
    await lsf.waitIdle(60_000);
    const group2 = s.ledger().at(-1)!.group;
    expect(submittedJobs(s.jobs, lsf.jobs(), group2)).toEqual(notDone);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect(orderViolationsFromLsf(s.jobs, lsf.jobs(), group2)).toEqual([]);
    expect(orderViolationsFromEvents(s.jobs, s.events())).toEqual([]);
  });
});
