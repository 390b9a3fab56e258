// End to end, without LSF: examples/n2_tanager compiled, then run-local.sh runs its 54 jobs
// (Liberate/Variety stubs in real tclsh on the fake kit) in dependency order.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledPipeline, descendants, eventsByJob, expectedOutputs, jobName, libraryName, orderViolationsFromEvents } from './harness.js';

const pipeline = compiledPipeline('local');
const site = () => pipeline.site();

const LOCAL_ONLY = `pipeline localonly
site { scheduler = local }
stage hello {
  run = shell """mkdir -p "\${out}" && touch "\${out}/hi" """
  expect "\${out}/hi" == 1
}
`;

describe('submit.sh of a pipeline compiled for local runs', () => {
  const localOnly = compiledPipeline('local-only', LOCAL_ONLY);

  // It used to fail as a submission would, ending "fix the cause, then run submit.sh again".
  it('is a usage error that points to run-local.sh, dry run or not, and writes no run state', async () => {
    const s = localOnly.site();
    for (const args of [[], ['--dry-run']]) {
      const r = await s.run('submit.sh', args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('compiled for local runs (scheduler = local): nothing to submit; run run-local.sh');
      expect(r.stderr).not.toContain('again');
      expect(r.stdout).toBe('');
    }
    expect(fs.existsSync(path.join(s.runDir, 'ledger.tsv'))).toBe(false);
    expect((await s.run('run-local.sh')).code).toBe(0);
  });

  it("writes its markers with the umask's mode, readable by a team that shares the run directory", async () => {
    const s = localOnly.site();
    const previous = process.umask(0o002);
    let r;
    try {
      r = await s.run('run-local.sh');
    } finally {
      process.umask(previous);
    }
    expect(r.code, r.stderr).toBe(0);
    const state = path.join(s.runDir, 'state/hello');
    const names = fs.readdirSync(state);
    expect(names.some((name) => name.endsWith('.done'))).toBe(true);
    for (const name of names) expect((fs.statSync(path.join(state, name)).mode & 0o777).toString(8), name).toBe('664');
    expect(names.filter((name) => name.startsWith('.tmp.'))).toEqual([]);
  });
});

describe('run-local.sh on n2_tanager', () => {
  it('runs every job after its parents, writes every output, and resumes with nothing to do', async () => {
    const s = site();
    expect(s.jobs).toHaveLength(54);
    const r = await s.run('run-local.sh', ['-j', '4']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('libcc: 54 job(s) ran, 0 failed, 0 not run');

    // Every job left a done-marker made by the job as compiled now, and no failed-marker.
    for (const job of s.jobs) {
      expect(s.isDone(job), `${jobName(job)} done`).toBe(true);
      expect(s.failedReason(job), jobName(job)).toBeUndefined();
    }

    // Exactly one start and one successful end per job, and every start after its parents ended.
    const events = s.events();
    const byJob = eventsByJob(events);
    expect(byJob.size).toBe(54);
    for (const job of s.jobs) {
      const e = byJob.get(jobName(job));
      expect(e?.starts, jobName(job)).toHaveLength(1);
      expect(e?.ends.map((x) => x.status), jobName(job)).toEqual(['done']);
      expect(e!.ends[0]!.line).toBeGreaterThan(e!.starts[0]!.line);
    }
    expect(orderViolationsFromEvents(s.jobs, events)).toEqual([]);

    // Results: one .lib per library × corner (merged where there is LVF), and the release lists.
    const libs = expectedOutputs(s);
    expect(libs).toHaveLength(12);
    for (const lib of libs) expect(fs.existsSync(lib), lib).toBe(true);
    for (const id of ['base_svt', 'base_lvt']) {
      const release = path.join(s.runDir, 'out/tcbn02', id, `${libraryName(id)}.release.txt`);
      const listed = fs.readFileSync(release, 'utf8').trim().split('\n').sort();
      expect(listed).toEqual(libs.filter((l) => l.includes(`/${id}/`)));
    }
    // A merged library carries the LVF sensitivities; a nominal one is Liberate's CCS library.
    const merged = libs.find((l) => l.includes('ssgnp_0p48v_m40c'))!;
    expect(fs.readFileSync(merged, 'utf8')).toMatch(/ocv_sigma_cell_rise/);
    const nominal = libs.find((l) => l.includes('ttg_0p48v_25c'))!;
    expect(fs.readFileSync(nominal, 'utf8')).toMatch(/library \(tcbn02_bwph130pnpnl3p48cpd_base_\w+_ttg_0p48v_25c_typical\)/);

    // status.sh: everything done.
    const status = await s.run('status.sh');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^copy_kits\s+12\s+12\s+0\s+0\s+0\s+0\s+0$/m);
    expect(status.stdout).toMatch(/^release\s+2\s+2\s+0\s+0\s+0\s+0\s+0$/m);
    expect(status.stdout).not.toContain('failed jobs');

    // Run again: valid done-markers mean nothing runs.
    const again = await s.run('run-local.sh', ['-j', '4']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('libcc: 0 job(s) ran, 0 failed, 0 not run');
    expect(s.events()).toHaveLength(events.length);
  });

  it('does not run the dependants of a failed job, reports it, and re-runs only the failed part', async () => {
    const s = site();
    // The kit lacks the ttg model of base_svt: its two ttg characterizations fail in Liberate.
    const model = path.join(s.base, 'kits/base_svt/models/ttg.scs');
    const saved = fs.readFileSync(model);
    fs.rmSync(model);

    const r = await s.run('run-local.sh', ['-j', '4']);
    expect(r.code).toBe(1);
    const failed = s.jobs.filter((j) => j.stage === 'characterize' && j.key.startsWith('tcbn02.base_svt.ttg_'));
    expect(failed).toHaveLength(2);
    const blocked = descendants(s.jobs, failed.map((j) => j.num));
    expect([...blocked].map((n) => jobName(s.jobs[n]!)).sort()).toEqual([
      'copy_nominal tcbn02.base_svt.ttg_0p48v_25c_typical',
      'copy_nominal tcbn02.base_svt.ttg_0p54v_85c_typical',
      'release tcbn02.base_svt',
    ]);
    expect(r.stdout).toContain(`libcc: ${54 - blocked.size} job(s) ran, 2 failed, ${blocked.size} not run`);
    for (const job of failed) {
      expect(r.stderr).toContain(`libcc: FAILED ${jobName(job)} (exit 1)`);
      expect(r.stderr).toContain(`libcc: FAILED ${jobName(job)} (exit 1), log: ${s.runDir}/logs/characterize/${job.key}.log\nlibcc:   reason: command exited with code 1 (attempt 1)\nlibcc:   | ERROR (LIBERATE stub): char_library: extsim_model_include `);
      expect(s.failedReason(job)).toBe('command exited with code 1 (attempt 1)');
      const log = fs.readFileSync(path.join(s.runDir, 'logs/characterize', `${job.key}.log`), 'utf8');
      expect(log).toMatch(/char_library: extsim_model_include '.*\/base_svt\/models\/ttg\.scs' does not exist/);
    }
    for (const n of blocked) expect(r.stderr).toContain(`libcc: not run ${jobName(s.jobs[n]!)}: an upstream job failed`);
    for (const job of s.jobs) {
      const expected = failed.includes(job) || blocked.has(job.num) ? false : true;
      expect(s.isDone(job), jobName(job)).toBe(expected);
    }
    // Blocked jobs never started.
    const started = new Set(s.events().filter((e) => e.event === 'start').map((e) => `${e.stage} ${e.job}`));
    for (const n of blocked) expect(started.has(jobName(s.jobs[n]!))).toBe(false);

    const status = await s.run('status.sh');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^characterize\s+12\s+10\s+0\s+0\s+2\s+0\s+0$/m);
    expect(status.stdout).toMatch(/^copy_nominal\s+4\s+2\s+0\s+0\s+0\s+2\s+0$/m);
    for (const job of failed) {
      expect(status.stdout).toContain(`  ${jobName(job)}: command exited with code 1 (attempt 1)`);
      // The reason, not just an exit code: the tool's own error line is in the failed-marker.
      expect(fs.readFileSync(s.stateFile(job, 'failed'), 'utf8')).toMatch(/^output=ERROR \(LIBERATE stub\): char_library: extsim_model_include .*ttg\.scs' does not exist/m);
    }
    expect(status.stdout).toMatch(/^ {6}\| ERROR \(LIBERATE stub\): char_library: extsim_model_include '.*\/base_svt\/models\/ttg\.scs' does not exist/m);

    // Fix the kit and run again: only the failed jobs and their dependants run.
    fs.writeFileSync(model, saved);
    const before = s.events().length;
    const again = await s.run('run-local.sh', ['-j', '4']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('libcc: 5 job(s) ran, 0 failed, 0 not run');
    const rerun = s.events().slice(before).filter((e) => e.event === 'start').map((e) => `${e.stage} ${e.job}`).sort();
    expect(rerun).toEqual([...failed.map(jobName), ...[...blocked].map((n) => jobName(s.jobs[n]!))].sort());
    expect(orderViolationsFromEvents(s.jobs, s.events())).toEqual([]);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    for (const job of failed) expect(s.failedReason(job)).toBeUndefined();
    expect((await s.run('status.sh')).code).toBe(0);
  });

  it('--only runs the selected stages and refuses jobs whose upstream is neither done nor selected', async () => {
    const s = site();
    const r = await s.run('run-local.sh', ['-j', '4', '--only', 'copy_kits']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('libcc: 12 job(s) ran, 0 failed, 0 not run');
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(job.stage === 'copy_kits');

    const lvf = await s.run('run-local.sh', ['-j', '4', '--only', 'lvf', '--only', 'post_lvf', '--only', 'merge_lvf']);
    expect(lvf.code).toBe(1);
    // lvf and post_lvf ran; merge_lvf needs characterize, which is not done and not selected.
    expect(lvf.stderr).toContain('libcc: merge_lvf tcbn02.base_svt.ssgnp_0p48v_m40c_cworst_CCworst_T needs characterize tcbn02.base_svt.ssgnp_0p48v_m40c_cworst_CCworst_T, which is not done and not selected');
    expect(lvf.stdout).toContain('libcc: 16 job(s) ran, 0 failed, 8 not run');
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(['copy_kits', 'lvf', 'post_lvf'].includes(job.stage));

    // release waits for merge_lvf and copy_nominal, both selected but blocked (characterize is
    // not): release is blocked in turn, not left waiting forever.
    const chain = await s.run('run-local.sh', ['-j', '4', '--only', 'merge_lvf', '--only', 'copy_nominal', '--only', 'release']);
    expect(chain.stderr).not.toContain('internal error');
    expect(chain.code).toBe(1);
    expect(chain.stdout).toContain('libcc: 0 job(s) ran, 0 failed, 14 not run');
    expect(chain.stderr).toContain('libcc: not run release tcbn02.base_svt: an upstream job failed or was not selected');
  });
});
