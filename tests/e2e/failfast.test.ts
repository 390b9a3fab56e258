// `fail_fast = N` on the LSF stand-in: when more than N jobs of a stage fail in a run, the
// failing job kills the run's job group. Each failure keeps its own reason; failed-markers
// left by earlier runs do not count.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledPipeline, jobName, lsfElement } from './harness.js';

const FLOW = `pipeline ff
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
corner ss_0p675v_m40c_typical {}
corner tt_0p80v_25c_typical {}
corner tt_0p85v_25c_typical {}
library a : n5 { corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical, tt_0p80v_25c_typical, tt_0p85v_25c_typical] }
stage work for each library, corner {
  run = shell """mkdir -p "\${out}" && if [ -e "$FF_DIR/fail.\${corner.name}" ]; then exit 3; fi; while [ ! -e "$FF_DIR/gate" ]; do sleep 0.05; done; touch "\${out}/x" """
  expect "\${out}/x" == 1
  fail_fast = 1
}
stage after_work for each library after work {
  run = shell """touch "\${out}/y" """
  expect "\${out}/y" == 1
}
`;

const pipeline = compiledPipeline('ff', FLOW);

/** A site and its control directory (`$FF_DIR`) holding the named files: `gate`, `fail.<corner>`. */
function siteWith(...files: string[]): { s: ReturnType<typeof pipeline.site>; dir: string } {
  const s = pipeline.site();
  const dir = path.join(s.root, 'ff');
  fs.mkdirSync(dir);
  for (const file of files) fs.writeFileSync(path.join(dir, file), '');
  return { s, dir };
}

/** A failed-marker an earlier run left, for a corner the pipeline no longer has. */
function earlierFailure(s: ReturnType<typeof pipeline.site>, run: string): void {
  fs.mkdirSync(path.join(s.runDir, 'state/work'), { recursive: true });
  fs.writeFileSync(path.join(s.runDir, 'state/work/n5.a.ss_0p72v_m40c_typical.failed'), `reason=old\nexit_code=1\nrun=${run}\n`);
}

describe('fail_fast on the LSF stand-in', () => {
  it('kills the run once more than N jobs of the stage failed; every job keeps its own reason', async () => {
    const { s, dir } = siteWith('fail.ss_0p675v_m40c_typical', 'fail.tt_0p80v_25c_typical');
    const lsf = s.lsf({ env: { FF_DIR: dir, LSF_STANDIN_TERM_INTERVAL_MS: '2000' } });
    try {
      expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
      await lsf.waitIdle(30_000);
    } finally {
      fs.writeFileSync(path.join(dir, 'gate'), '');
    }
    const group = s.ledger()[0]!.group;
    const records = lsf.jobs();
    for (const job of s.jobs) {
      const { element } = lsfElement(records, job, group, 'ff')!;
      expect(element.state, jobName(job)).toBe('EXIT');
      if (job.stage !== 'work') continue;
      const reason = s.failedReason(job);
      if (/ss_0p675v|tt_0p80v/.test(job.key)) expect(reason, jobName(job)).toBe('command exited with code 3 (attempt 1)');
      else expect(reason, jobName(job)).toMatch(/^killed by signal SIG(INT|TERM) \(a kill of the run, a run limit, or an interrupt\)$/);
    }
    const logs = fs.readdirSync(path.join(s.runDir, 'logs/work')).map((f) => fs.readFileSync(path.join(s.runDir, 'logs/work', f), 'utf8')).join('');
    expect(logs).toContain(`libcc: more than 1 jobs of stage work failed: killing job group ${group}`);
  });

  it('does not count failed-markers of earlier runs', async () => {
    const { s, dir } = siteWith('gate', 'fail.ss_0p675v_m40c_typical');
    earlierFailure(s, '20200101-000000-1');
    const lsf = s.lsf({ env: { FF_DIR: dir } });
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    await lsf.waitIdle(30_000);
    const group = s.ledger()[0]!.group;
    const records = lsf.jobs();
    // One failure in this run (not more than 1): the other corners finish.
    for (const job of s.jobs) {
      const { element } = lsfElement(records, job, group, 'ff')!;
      const failing = job.stage === 'after_work' || job.key.endsWith('ss_0p675v_m40c_typical');
      expect(element.state, jobName(job)).toBe(failing ? 'EXIT' : 'DONE');
    }
  });
});

describe('fail_fast with run-local.sh', () => {
  it('stops the run once more than N jobs of the stage failed: the running jobs are stopped (killed), the others not run; exit 1', async () => {
    const { s, dir } = siteWith('fail.ss_0p675v_m40c_typical', 'fail.tt_0p80v_25c_typical');
    // Two at once, in the corners' order: tt_0p75v waits beside ss, which fails (one: not more
    // than 1); tt_0p80v takes its place and fails too: tt_0p75v is stopped, tt_0p85v never starts.
    const r = await s.run('run-local.sh', ['-j', '2'], { env: { FF_DIR: dir, LIBCC_KILL_GRACE: '5' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('libcc: more than 1 job(s) of stage work failed (fail_fast = 1): stopping the run\n');
    const reasons = Object.fromEntries(s.jobs.filter((j) => j.stage === 'work').map((j) => [j.key.replace('n5.a.', ''), s.failedReason(j)]));
    expect(reasons).toEqual({
      ss_0p675v_m40c_typical: 'command exited with code 3 (attempt 1)',
      tt_0p80v_25c_typical: 'command exited with code 3 (attempt 1)',
      tt_0p75v_25c_typical: 'killed by signal SIGTERM (a kill of the run, a run limit, or an interrupt)',
      tt_0p85v_25c_typical: undefined,
    });
    expect(r.stderr).toContain('libcc: not run work n5.a.tt_0p85v_25c_typical: the run was stopped (fail_fast)\n');
    expect(r.stdout).toContain('libcc: 3 job(s) ran, 3 failed, 2 not run\n');
    expect(fs.existsSync(path.join(s.runDir, 'state/work/n5.a.tt_0p85v_25c_typical.started'))).toBe(false);
  });

  it('counts this run\'s failures only, up to N: the run goes on', async () => {
    const { s, dir } = siteWith('gate', 'fail.ss_0p675v_m40c_typical');
    earlierFailure(s, '');
    const r = await s.run('run-local.sh', ['-j', '4'], { env: { FF_DIR: dir } });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('fail_fast');
    expect(r.stdout).toContain('libcc: 4 job(s) ran, 1 failed, 1 not run\n');
  });
});
