// LSF job packs (docs/lsf.md, "Job packs"): with LIBCC_LSF_MAX_PACK_JOBS (the run-time form of
// `site { lsf_max_pack_jobs }`), submit.sh sends the submissions whose parents' ids it knows in
// one `bsub -pack`, on the LSF stand-in's model of IBM's job packs. The ids of every member are
// recorded, dependencies hold, and a pack that LSF takes only in part stops the submission and
// kills what it took.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledPipeline, elements, jobName, orderViolationsFromEvents, orderViolationsFromLsf, submittedJobs } from './harness.js';

const pipeline = compiledPipeline('packs');
const site = () => pipeline.site();

const bsubCalls = (dir: string) => {
  const file = path.join(dir, 'bsub_calls');
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : 0;
};

/** Submissions of a run from scratch: every unit but the members of a batch. */
const unitCount = () =>
  fs
    .readFileSync(path.join(pipeline.out, 'lib/units.tsv'), 'utf8')
    .split('\n')
    .filter((l) => /^\d+\t/.test(l) && !/^\d+$/.test(l.split('\t')[8]!)).length;

/** The request lines of each pack file of run directory `runDir`, in the order they were written. */
function packFiles(runDir: string): string[][] {
  const dir = path.join(runDir, 'packs');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort((a, b) => Number(/-(\d+)\.txt$/.exec(a)![1]) - Number(/-(\d+)\.txt$/.exec(b)![1]))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8').trimEnd().split('\n'));
}

describe('submit.sh with LSF job packs', () => {
  it('--dry-run prints each pack and its requests; the requests wait on the ids of earlier packs', async () => {
    const s = site();
    const lsf = s.lsf({ env: { LSF_STANDIN_MAX_PACK_JOBS: '300' } });
    const r = await s.submitWith(lsf, 'submit.sh', ['--dry-run'], { LIBCC_LSF_MAX_PACK_JOBS: '300' });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const packs = lines.filter((l) => l.startsWith('bsub -pack '));
    const requests = lines.filter((l) => l.startsWith('  -J '));
    expect(packs.length + requests.length).toBe(lines.length);
    expect(requests).toHaveLength(unitCount());
    // copy_kits' batch; characterize's, which waits 1:1 on it; then the rest, level by level.
    expect(packs.length).toBeLessThan(unitCount() / 3);
    expect(requests[0]).toMatch(/^ {2}-J 'n2_tanager\.copy_kits\.g1-2\[1-12\]' /);
    expect(requests[1]).toMatch(/ -w 'done\(DRY1\[\*\]\)' -ti /);
    expect(bsubCalls(lsf.dir)).toBe(0);
    expect(fs.existsSync(s.runDir)).toBe(false);
  });

  for (const [max, output] of [
    ['300', 'ibm'],
    ['2', 'volclava'],
  ] as const) {
    it(`packs of at most ${max} (${output} confirmations): every job runs once, in order, one bsub call a pack`, async () => {
      const s = site();
      const lsf = s.lsf({ env: { LSF_STANDIN_MAX_PACK_JOBS: max, ...(output === 'volclava' ? { LSF_STANDIN_PACK_OUTPUT: 'volclava' } : {}) } });
      const r = await s.submitWith(lsf, 'submit.sh', [], { LIBCC_LSF_MAX_PACK_JOBS: max });
      expect(r.code, r.stderr).toBe(0);
      const packs = packFiles(s.runDir);
      expect(bsubCalls(lsf.dir)).toBe(packs.length);
      for (const pack of packs) expect(pack.length).toBeLessThanOrEqual(Number(max));
      expect(packs.flat()).toHaveLength(unitCount());
      if (max === '300') expect(packs.length).toBeLessThan(unitCount() / 3);
      // The ledger records every member with the id LSF gave it.
      const ledger = s.ledger();
      expect(ledger).toHaveLength(unitCount());
      const records = lsf.jobs();
      expect(ledger.map((l) => l.id).sort((a, b) => a - b)).toEqual(records.map((j) => j.id).sort((a, b) => a - b));
      for (const line of ledger) expect(records.find((j) => j.id === line.id)!.name).toMatch(new RegExp(`^n2_tanager\\.${line.stage}\\.`));

      await lsf.waitIdle(60_000);
      const group = ledger[0]!.group;
      for (const { record, index, element } of elements(lsf.jobs())) expect(element.state, `${record.name}[${index}]`).toBe('DONE');
      expect(submittedJobs(s.jobs, lsf.jobs(), group)).toEqual(s.jobs.map((j) => j.num));
      expect(orderViolationsFromLsf(s.jobs, lsf.jobs(), group)).toEqual([]);
      expect(orderViolationsFromEvents(s.jobs, s.events())).toEqual([]);
      for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    });
  }

  it('a cluster without job packs refuses the first pack: nothing is submitted, the error is LSF’s', async () => {
    const s = site();
    const lsf = s.lsf();
    const r = await s.submitWith(lsf, 'submit.sh', [], { LIBCC_LSF_MAX_PACK_JOBS: '300' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/libcc: error: bsub -pack \S+-1\.txt \(stage copy_kits \(n2_tanager\.copy_kits\.g1-2\[1-12\]\) and 0 other unit\(s\)\) confirmed 0 of 1 submissions and exited with code 255: .*LSB_MAX_PACK_JOBS/);
    expect(r.stderr).toContain('libcc: fix the cause, then run submit.sh again');
    expect(s.ledger()).toEqual([]);
    expect(lsf.jobs()).toEqual([]);
  });

  it('a pack taken in part stops the submission and kills what was taken; submitting again completes the run', async () => {
    const s = site();
    const lsf = s.lsf({ pollMs: 300, env: { LSF_STANDIN_MAX_PACK_JOBS: '300' } });
    expect((await s.submitWith(lsf, 'submit.sh', ['--only', 'copy_kits', '--only', 'characterize'])).code).toBe(0);
    await lsf.waitIdle(60_000);
    const before = lsf.jobs().length;

    // The next pack holds lvf's elements one by one (base_svt's corners 1, 2, 3, 6, 7, …): a
    // cluster whose arrays end at index 5 takes the first three and refuses the fourth, and LSF
    // stops at the first refused request (LSB_PACK_SKIP_ERROR=N).
    const r = await s.submitWith(lsf, 'submit.sh', [], { LIBCC_LSF_MAX_PACK_JOBS: '300', LSF_STANDIN_MAX_JOB_ARRAY_SIZE: '5' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/libcc: error: bsub -pack \S+ \(stage lvf \(n2_tanager\.lvf\.tcbn02\.base_svt\[1\]\) and \d+ other unit\(s\)\) confirmed 3 of \d+ submissions and exited with code 255: .*Job array index too large/);
    expect(r.stderr).toContain('libcc: killing the jobs of this run');
    const taken = lsf.jobs().slice(before);
    expect(taken.map((j) => j.name)).toEqual(['n2_tanager.lvf.tcbn02.base_svt', 'n2_tanager.lvf.tcbn02.base_svt', 'n2_tanager.lvf.tcbn02.base_svt']);
    await lsf.waitIdle(30_000);
    // Nothing of the refused run is left pending or running.
    for (const { element } of elements(lsf.jobs().slice(before))) expect(['DONE', 'EXIT']).toContain(element.state);

    const again = await s.submitWith(lsf, 'submit.sh', [], { LIBCC_LSF_MAX_PACK_JOBS: '300' });
    expect(again.code, again.stderr).toBe(0);
    await lsf.waitIdle(60_000);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect(orderViolationsFromEvents(s.jobs, s.events())).toEqual([]);
  });

  it('a request with a line break, or longer than a pack line should be (4 000 characters), is left out of the pack', () => {
    // lib/scheduler.sh's libcc_sched_pack_add on its own: submit.sh submits what it refuses with
    // a bsub of its own (volclava cuts a request line at 4 096 bytes).
    const script = `set -euo pipefail
LIBCC_HOME=$1
. "$LIBCC_HOME/lib/runtime.sh"
libcc_stage_options() { options=(-q normal); }
LIBCC_RUN_ID=r1 LIBCC_RUN_DIR=/nonexistent/run
try() { if libcc_sched_pack_add characterize "$1" n.characterize.g 1 1-12 '' each:12; then echo packed; else echo "refused: $LIBCC_SCHED_ERR"; fi; }
try g1-2
try "$(printf 'x%.0s' {1..1800})"
try "$(printf 'x%.0s' {1..2100})"
try $'a\nb'
printf '%s\n' "\${LIBCC_LSF_PACK[@]}"
`;
    const r = spawnSync('bash', ['-c', script, '_', pipeline.out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4).map((l) => l.replace(/ \(.*$/, ''))).toEqual(['packed', 'packed', 'refused: stage characterize', 'refused: stage characterize']);
    expect(lines[2]).toMatch(/its request is 4\d{3} characters, more than a job pack line should hold \(4000\)$/);
    expect(lines[3]).toMatch(/a bsub argument holds a line break$/);
    expect(lines.slice(4)).toHaveLength(2);
    expect(lines[4]).toBe(`-J 'n.characterize.g[1-12]' -g /libcc/n2_tanager/r1 -o /nonexistent/run/logs/characterize/g1-2.%J.%I.log -q normal -w 'done(12[*])' -ti '${pipeline.out}/jobs/characterize.sh g1-2'`);
    expect(lines[5]!.length).toBeLessThanOrEqual(4000);
  });

  it('a value that is not a whole number is refused before anything is submitted', async () => {
    const s = site();
    const lsf = s.lsf({ env: { LSF_STANDIN_MAX_PACK_JOBS: '300' } });
    const r = await s.submitWith(lsf, 'submit.sh', [], { LIBCC_LSF_MAX_PACK_JOBS: '08' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("libcc: error: the most submissions in one job pack must be a whole number, not '08' (LIBCC_LSF_MAX_PACK_JOBS)");
    expect(bsubCalls(lsf.dir)).toBe(0);
  });
});
