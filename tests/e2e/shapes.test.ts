// Dependency shapes n2_tanager does not have, run for real on the LSF stand-in and locally:
// a stage without fan-out (a plain LSF job, LSB_JOBINDEX 0) gathering arrays and broadcasting
// to them, a per-library gather, a per-corner gather across libraries, and arrays whose index
// lists differ (a filtered library). Shell commands only, so it runs in a second or two.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledPipeline, descendants, elements, jobName, lsfElement, orderViolationsFromEvents, orderViolationsFromLsf, submittedJobs } from './harness.js';

const FLOW = `pipeline shapes
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
corner ss_0p675v_m40c_typical {}
corner tt_0p80v_25c_typical {}
library a : n5 { corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical, tt_0p80v_25c_typical] }
library b : n5 { corners = [tt_0p75v_25c_typical, tt_0p80v_25c_typical] }

stage prepare for each library, corner {
  run = shell """mkdir -p "\${out}" && if [ -e "$SHAPES_FAIL/prepare.\${library.id}.\${corner.name}" ]; then exit 7; fi; echo ok > "\${out}/prepare" """
  expect "\${out}/prepare" == 1
}
stage collect after prepare {
  // libcc-ignore LCP3101 -- "$LIBCC_RUN_DIR"/out is no absolute path (a false positive of the lint)
  run = shell """mkdir -p "\${out}" && if [ -e "$SHAPES_FAIL/collect" ]; then exit 9; fi; ls "$LIBCC_RUN_DIR"/out/*/*/*/prepare | wc -l > "\${out}/count" """
  expect "\${out}/count" == 1
}
stage spread for each library, corner after collect {
  run = shell """mkdir -p "\${out}" && cp "$LIBCC_RUN_DIR/out/count" "\${out}/count" """
  expect "\${out}/count" == 1
}
stage per_library for each library after spread {
  run = shell """cat "\${out}"/*/count > "\${out}/all" """
  expect "\${out}/all" == 1
}
stage per_corner for each corner after prepare {
  // libcc-ignore LCP3101
  run = shell """mkdir -p "\${out}" && ls "$LIBCC_RUN_DIR"/out/n5/*/"\${corner.name}"/prepare > "\${out}/list" """
  expect "\${out}/list" == 1
}
`;

const pipeline = compiledPipeline('shapes', FLOW);
const site = () => {
  const s = pipeline.site();
  fs.mkdirSync(path.join(s.root, 'fail'));
  return s;
};

describe('dependency shapes on the LSF stand-in', () => {
  it('plain jobs, broadcasts and gathers run in order', async () => {
    const s = site();
    const count = (stage: string) => s.jobs.filter((j) => j.stage === stage).length;
    expect(['prepare', 'collect', 'spread', 'per_library', 'per_corner'].map(count)).toEqual([5, 1, 5, 2, 3]);
    const lsf = s.lsf({ env: { SHAPES_FAIL: path.join(s.root, 'fail') } });
    const r = await s.submitWith(lsf, 'submit.sh');
    expect(r.code, r.stderr).toBe(0);
    await lsf.waitIdle(30_000);
    const group = s.ledger()[0]!.group;
    const records = lsf.jobs();
    for (const { record, index, element } of elements(records)) expect(element.state, `${record.name}[${index}]`).toBe('DONE');
    expect(submittedJobs(s.jobs, records, group, 'shapes')).toEqual(s.jobs.map((j) => j.num));
    // The stage without fan-pipeline.out is a plain job, not a one-element array.
    const collect = s.jobs.find((j) => j.stage === 'collect')!;
    expect(lsfElement(records, collect, group, 'shapes')!.record.indices).toBeNull();
    expect(orderViolationsFromLsf(s.jobs, records, group, 'shapes')).toEqual([]);
    expect(orderViolationsFromEvents(s.jobs, s.events())).toEqual([]);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect(fs.readFileSync(path.join(s.runDir, 'out/count'), 'utf8').trim()).toBe('5');
    expect(fs.readFileSync(path.join(s.runDir, 'out/n5/a/all'), 'utf8')).toBe('5\n5\n5\n');
    expect((await s.submitWith(lsf, 'status.sh')).code).toBe(0);
  });

  it('a failed plain job terminates everything downstream of it, and only that; resubmission completes', async () => {
    const s = site();
    fs.writeFileSync(path.join(s.root, 'fail/collect'), '');
    const lsf = s.lsf({ env: { SHAPES_FAIL: path.join(s.root, 'fail') } });
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    await lsf.waitIdle(30_000);
    const group = s.ledger()[0]!.group;
    const records = lsf.jobs();
    const collect = s.jobs.find((j) => j.stage === 'collect')!;
    const doomed = descendants(s.jobs, [collect.num]);
    expect(doomed.size).toBe(7);
    for (const job of s.jobs) {
      const { element } = lsfElement(records, job, group, 'shapes')!;
      if (job === collect) {
        expect(element.exitCode).toBe(9);
        expect(s.failedReason(job)).toBe('command exited with code 9 (attempt 1)');
      } else if (doomed.has(job.num)) expect(element.exitReason, jobName(job)).toBe('TERM_ORPHAN_SYSTEM');
      else expect(element.state, jobName(job)).toBe('DONE');
    }
    const status = await s.submitWith(lsf, 'status.sh');
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('  collect _: command exited with code 9 (attempt 1)');

    fs.rmSync(path.join(s.root, 'fail/collect'));
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    await lsf.waitIdle(30_000);
    const group2 = s.ledger().at(-1)!.group;
    expect(submittedJobs(s.jobs, lsf.jobs(), group2, 'shapes')).toEqual([collect.num, ...doomed].sort((a, b) => a - b));
    expect(orderViolationsFromLsf(s.jobs, lsf.jobs(), group2, 'shapes')).toEqual([]);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
  });

  it('one failed array element: its broadcast and gather dependants end, the other corners finish', async () => {
    const s = site();
    fs.writeFileSync(path.join(s.root, 'fail/prepare.b.tt_0p80v_25c_typical'), '');
    const lsf = s.lsf({ env: { SHAPES_FAIL: path.join(s.root, 'fail') } });
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    await lsf.waitIdle(30_000);
    const group = s.ledger()[0]!.group;
    const records = lsf.jobs();
    const failed = s.job('prepare', 'n5.b.tt_0p80v_25c_typical');
    const doomed = descendants(s.jobs, [failed.num]);
    // collect (and everything after it), and the per-corner gather of tt_0p80v_25c_typical.
    expect([...doomed].map((n) => jobName(s.jobs[n]!))).toContain('per_corner tt_0p80v_25c_typical');
    expect([...doomed].map((n) => jobName(s.jobs[n]!))).not.toContain('per_corner tt_0p75v_25c_typical');
    for (const job of s.jobs) {
      const { element } = lsfElement(records, job, group, 'shapes')!;
      const expected = job === failed || doomed.has(job.num) ? 'EXIT' : 'DONE';
      expect(element.state, jobName(job)).toBe(expected);
    }
  });
});

describe('dependency shapes with run-local.sh', () => {
  it('runs them in order', async () => {
    const s = site();
    const r = await s.run('run-local.sh', ['-j', '3'], { env: { SHAPES_FAIL: path.join(s.root, 'fail') } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`libcc: ${s.jobs.length} job(s) ran, 0 failed, 0 not run`);
    expect(orderViolationsFromEvents(s.jobs, s.events())).toEqual([]);
    expect(fs.readFileSync(path.join(s.runDir, 'out/count'), 'utf8').trim()).toBe('5');
  });
});
