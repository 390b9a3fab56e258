// The job wrappers (jobs/<stage>.sh) fail loudly: a missing environment variable, a missing
// input, an upstream job that is not done, or outputs that do not match `expect` each end the
// job with a failed-marker that says why — never a silent skip. A transient tool failure
// (exit 75) is retried as the stage says.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cleanEnv, compiledPipeline, eventsByJob, jobName, Site, type JobRow } from './harness.js';

const pipeline = compiledPipeline('wrapper');
const site = () => pipeline.site();

const SVT_SS = 'tcbn02.base_svt.ssgnp_0p48v_m40c_cworst_CCworst_T';

/** Runs one job's wrapper as LSF or run-local.sh would: jobs/<stage>.sh GROUP INDEX. */
function runJob(s: Site, job: JobRow, env: Record<string, string | undefined> = {}, pathPrefix?: string) {
  return s.run(`jobs/${job.stage}.sh`, [job.group, String(job.index)], { env, ...(pathPrefix ? { path: pathPrefix } : {}) });
}

function lastEnd(s: Site, job: JobRow) {
  return eventsByJob(s.events()).get(jobName(job))?.ends.at(-1);
}

describe('job wrappers fail loudly', () => {
  it('a missing environment variable: failed-marker and event with the reason, the command never runs', async () => {
    const s = site();
    const copy = s.job('copy_kits', SVT_SS);
    const r = await runJob(s, copy, { LIB_CHAR_BASE: undefined });
    expect(r.code).toBe(1);
    const reason = 'preflight: environment variable(s) not set or empty: LIB_CHAR_BASE (declared with `env` in the pipeline)';
    expect(r.stderr).toContain(`libcc: job copy_kits ${SVT_SS} failed: ${reason}`);
    expect(s.failedReason(copy)).toBe(reason);
    expect(s.isDone(copy)).toBe(false);
    expect(lastEnd(s, copy)).toMatchObject({ status: 'failed', exit_code: 1, reason });
    expect(fs.existsSync(path.join(s.runDir, 'work'))).toBe(false);
  });

  it('a batch element (`jobs/<stage>.sh gA-B INDEX`) is the job its index numbers; an index outside the batch is no job', async () => {
    const s = site();
    const copies = s.jobs.filter((j) => j.stage === 'copy_kits');
    expect(new Set(copies.map((j) => j.batch?.name))).toEqual(new Set(['n2_tanager.copy_kits.g1-2']));
    // base_svt's 7 corners are 1-7, base_lvt's 5 are 8-12. Each resolves to its own job, which
    // names itself in its preflight failure (no LIB_CHAR_BASE: the command never runs).
    for (const job of copies) {
      const r = await s.run('jobs/copy_kits.sh', ['g1-2', String(job.batch!.index)], { env: { LIB_CHAR_BASE: undefined } });
      expect(r.code).toBe(1);
      expect(r.stderr, String(job.batch!.index)).toContain(`libcc: job copy_kits ${job.key} failed: preflight:`);
    }
    expect(copies.find((j) => j.batch!.index === 9)).toMatchObject({ group: 'tcbn02.base_lvt', index: 2 });
    for (const [group, index] of [['g1-2', '13'], ['g1-2', '0'], ['g1-1', '8'], ['g3-3', '1']] as const) {
      const r = await s.run('jobs/copy_kits.sh', [group, index]);
      expect(r.code, `${group} ${index}`).toBe(1);
      expect(r.stderr).toContain(`libcc: error: stage copy_kits has no job ${group}[${index}]`);
    }
  });

  it('an upstream job that is not done: refused before running, whether it never ran or failed', async () => {
    const s = site();
    const copy = s.job('copy_kits', SVT_SS);
    const char = s.job('characterize', SVT_SS);
    const r = await runJob(s, char);
    expect(r.code).toBe(1);
    expect(s.failedReason(char)).toBe(`preflight: upstream job copy_kits ${SVT_SS} has not completed (no valid done-marker in ${s.runDir}/state/copy_kits)`);

    // The parent fails (no netlists for its RC corner): the child is still refused.
    fs.rmSync(path.join(s.base, 'kits/base_svt/LPE/LPE_cworst_CCworst_T'), { recursive: true });
    const parent = await runJob(s, copy);
    expect(parent.code).not.toBe(0);
    expect(s.failedReason(copy)).toMatch(/^command exited with code 1 \(attempt 1\)$/);
    // The command's stderr goes to the job's log, and its last lines to the failed-marker.
    expect(parent.stdout).toMatch(/LPE_cworst_CCworst_T\/\.'?: No such file or directory/);
    expect(fs.readFileSync(s.stateFile(copy, 'failed'), 'utf8')).toMatch(/^output=cp: .*LPE_cworst_CCworst_T\/\.'?: No such file or directory$/m);
    expect((await runJob(s, char)).code).toBe(1);
    expect(s.failedReason(char)).toMatch(/^preflight: upstream job copy_kits \S+ has not completed/);

    // A done-marker of another compilation (a different fingerprint) does not count either.
    fs.writeFileSync(s.stateFile(copy, 'done'), 'fingerprint=0000000000000000\n');
    expect((await runJob(s, char)).code).toBe(1);
    expect(s.failedReason(char)).toMatch(/^preflight: upstream job copy_kits \S+ has not completed/);
  });

  it('a missing input (the cell list) or tool: failed-marker names it', async () => {
    const s = site();
    const copy = s.job('copy_kits', SVT_SS);
    const char = s.job('characterize', SVT_SS);
    expect((await runJob(s, copy)).code).toBe(0);

    const cells = path.join(s.base, 'kits/base_svt/cells.list');
    fs.renameSync(cells, `${cells}.moved`);
    expect((await runJob(s, char)).code).toBe(1);
    expect(s.failedReason(char)).toBe(`preflight: input not found: ${cells}`);
    fs.renameSync(`${cells}.moved`, cells);

    // TOOLS_ROOT unset: the site default /tools has no Liberate here.
    expect((await runJob(s, char, { TOOLS_ROOT: undefined })).code).toBe(1);
    expect(s.failedReason(char)).toBe('preflight: tool not executable: /tools/cadence/liberate/21.1.2/bin/liberate');

    // With everything in place the same job succeeds, and the failed-marker is gone.
    expect((await runJob(s, char)).code).toBe(0);
    expect(s.isDone(char)).toBe(true);
    expect(s.failedReason(char)).toBeUndefined();
  });

  it('a stale output of an earlier attempt is not counted; post_lvf\'s own reason reaches the failed-marker', async () => {
    const s = site();
    const copy = s.job('copy_kits', SVT_SS);
    const char = s.job('characterize', SVT_SS);
    expect((await runJob(s, copy)).code).toBe(0);
    // A stale database from an earlier attempt: `expect "${work}/char/*.ldb.gz" == 1` would see
    // two, but only files written since the attempt started count.
    const work = path.join(s.runDir, 'work/characterize/tcbn02/base_svt/ssgnp_0p48v_m40c_cworst_CCworst_T');
    fs.mkdirSync(path.join(work, 'char'), { recursive: true });
    fs.writeFileSync(path.join(work, 'char/stale.ldb.gz'), '');
    const r = await runJob(s, char);
    expect(r.code, r.stderr).toBe(0);
    expect(s.isDone(char)).toBe(true);

    // post_lvf must find exactly one altos database, or its deck errors (the legacy silent return).
    const lvf = s.job('lvf', SVT_SS);
    const post = s.job('post_lvf', SVT_SS);
    expect((await runJob(s, lvf)).code).toBe(0);
    // post_lvf reads lvf's work directory (`dirs { lvf = "${lvf.work}/lvf" }`).
    const lvfWork = path.join(s.runDir, 'work/lvf/tcbn02/base_svt/ssgnp_0p48v_m40c_cworst_CCworst_T');
    fs.cpSync(path.join(lvfWork, 'lvf', fs.readdirSync(path.join(lvfWork, 'lvf'))[0]!), path.join(lvfWork, 'lvf/altos_copy.ldb.gz'), { recursive: true });
    const p = await runJob(s, post);
    expect(p.code).toBe(1);
    expect(p.stdout).toMatch(/expected exactly one altos\*\.ldb\.gz in .*\/work\/lvf\/.*\/lvf, found 2/);
    expect(s.failedReason(post)).toBe('command exited with code 1 (attempt 1)');
    // The reason, not only the exit code: the deck's own message is in the failed-marker.
    expect(fs.readFileSync(s.stateFile(post, 'failed'), 'utf8')).toMatch(/^output=.*expected exactly one altos\*\.ldb\.gz in .*, found 2/m);
  });

  it('retries a transient failure (exit 75) after the stage\'s backoff and succeeds on the second attempt', async () => {
    const s = site();
    const copy = s.job('copy_kits', SVT_SS);
    const char = s.job('characterize', SVT_SS);
    expect((await runJob(s, copy)).code).toBe(0);
    // characterize: `retry 2 on exit 75 backoff 10m`. A `sleep` first on PATH records the wait
    // instead of waiting ten minutes.
    const fake = path.join(s.root, 'fakebin');
    fs.mkdirSync(fake);
    const sleeps = path.join(s.root, 'sleeps.log');
    fs.writeFileSync(path.join(fake, 'sleep'), `#!/bin/sh\necho "$*" >>'${sleeps}'\n`, { mode: 0o755 });
    const marker = path.join(s.root, 'fail-once');
    const r = await runJob(s, char, { LIBERATE_STUB_FAIL_ONCE: marker }, fake);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(marker)).toBe(true);
    expect(r.stderr).toContain('libcc: attempt 1 exited with 75; retrying in 600s');
    expect(fs.readFileSync(sleeps, 'utf8')).toBe('600\n');
    const e = eventsByJob(s.events()).get(jobName(char))!;
    expect(e.retries).toHaveLength(1);
    expect(e.retries[0]).toMatchObject({ attempt: 1, exit_code: 75 });
    expect(e.ends).toHaveLength(1);
    expect(e.ends[0]).toMatchObject({ status: 'done', attempts: 2 });
    expect(fs.readFileSync(s.stateFile(char, 'done'), 'utf8')).toContain('attempts=2');
  });

  it('gives up after the last retry, and does not retry other exit codes', async () => {
    const s = site();
    const copy = s.job('copy_kits', SVT_SS);
    const char = s.job('characterize', SVT_SS);
    expect((await runJob(s, copy)).code).toBe(0);
    const fake = path.join(s.root, 'fakebin');
    fs.mkdirSync(fake);
    fs.writeFileSync(path.join(fake, 'sleep'), '#!/bin/sh\n', { mode: 0o755 });

    const r = await runJob(s, char, { LIBERATE_STUB_EXIT: '75' }, fake);
    expect(r.code).toBe(75);
    expect(s.failedReason(char)).toBe('command exited with code 75 (attempt 3)');
    expect(eventsByJob(s.events()).get(jobName(char))!.retries.map((x) => x.attempt)).toEqual([1, 2]);

    const other = await runJob(s, char, { LIBERATE_STUB_EXIT: '3' }, fake);
    expect(other.code).toBe(3);
    expect(s.failedReason(char)).toBe('command exited with code 3 (attempt 1)');
  });

  it('starts by reading only its own rows of the job table, not the whole table (start-up independent of the job count)', () => {
    const s = site();
    const char = s.job('characterize', SVT_SS);
    // bash's trace on fd 3: each job row loaded is one libcc_set_job call.
    const r = spawnSync('bash', ['-x', path.join(s.out, 'jobs/characterize.sh'), char.group, String(char.index)], {
      cwd: s.root,
      env: cleanEnv({ ...s.env, BASH_XTRACEFD: '3' }),
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(s.failedReason(char)).toMatch(/^preflight: upstream job copy_kits \S+ has not completed/);
    const loaded = String(r.output[3]).split('\n').filter((line) => /^\++ libcc_set_job /.test(line)).length;
    // Its own row and its parent's.
    expect(loaded).toBe(2);
    expect(s.jobs.length).toBeGreaterThan(20);
  });

  it('run again by its scheduler under the same job id and run after it recorded its success, a job is not computed again; another run or job id, or no scheduler, computes it', async () => {
    const s = site();
    const copy = s.job('copy_kits', SVT_SS);
    const starts = () => eventsByJob(s.events()).get(jobName(copy))?.starts.length ?? 0;
    const markerId = () => /^id=(.*)$/m.exec(fs.readFileSync(s.stateFile(copy, 'done'), 'utf8'))![1];
    const lsf = { LSB_JOBID: '4711', LIBCC_RUN_ID: 'run-1' };
    expect((await runJob(s, copy, lsf)).code).toBe(0);
    expect(fs.readFileSync(s.stateFile(copy, 'done'), 'utf8')).toMatch(/^job_id=4711\nrun=run-1$/m);
    const first = markerId();
    const again = await runJob(s, copy, lsf);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe(
      `libcc: job copy_kits ${SVT_SS}: this job (4711) already completed it and its done-marker is valid: not run again (submit.sh --force copy_kits re-runs it)\n`,
    );
    expect(starts()).toBe(1);
    expect(markerId()).toBe(first);
    // Each of these runs the command again, with a new done-marker.
    const runs: Record<string, string>[] = [{ LSB_JOBID: '4711', LIBCC_RUN_ID: 'run-2' }, { LSB_JOBID: '4712', LIBCC_RUN_ID: 'run-2' }, {}];
    for (const [k, env] of runs.entries()) {
      const before = markerId();
      expect((await runJob(s, copy, env)).code).toBe(0);
      expect(starts()).toBe(k + 2);
      expect(markerId()).not.toBe(before);
    }
    // A done-marker this job id wrote that is no longer valid (another compilation) does not count.
    expect((await runJob(s, copy, lsf)).code).toBe(0);
    fs.writeFileSync(s.stateFile(copy, 'done'), fs.readFileSync(s.stateFile(copy, 'done'), 'utf8').replace(/^fingerprint=.*$/m, 'fingerprint=0000000000000000'));
    expect((await runJob(s, copy, lsf)).code).toBe(0);
    expect(starts()).toBe(runs.length + 3);

    // A job with an upstream job: skipped while the result it consumed is current; once the
    // upstream job has run again, computed.
    const char = s.job('characterize', SVT_SS);
    const charStarts = () => eventsByJob(s.events()).get(jobName(char))?.starts.length ?? 0;
    const charEnv = { LSB_JOBID: '5000', LIBCC_RUN_ID: 'run-1' };
    expect((await runJob(s, char, charEnv)).code).toBe(0);
    const skipped = await runJob(s, char, charEnv);
    expect(skipped.stderr).toBe(
      `libcc: job characterize ${SVT_SS}: this job (5000) already completed it and its done-marker is valid: not run again (submit.sh --force characterize re-runs it)\n`,
    );
    expect(charStarts()).toBe(1);
    expect((await runJob(s, copy, { LSB_JOBID: '4713', LIBCC_RUN_ID: 'run-3' })).code).toBe(0);
    expect((await runJob(s, char, charEnv)).code).toBe(0);
    expect(charStarts()).toBe(2);
  });

  it('refuses an unknown element instead of doing nothing', async () => {
    const s = site();
    const r = await s.run('jobs/characterize.sh', ['tcbn02.base_svt', '9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('libcc: error: stage characterize has no job tcbn02.base_svt[9]');
    const usage = await s.run('jobs/characterize.sh', []);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('usage: jobs/characterize.sh GROUP INDEX');
  });
});
