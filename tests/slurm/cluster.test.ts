// The real one-node Slurm cluster of scripts/slurm/up.sh works, and behaves as
// docs/slurm-facts.md says the Slurm back end may rely on. Needs root (skipped otherwise);
// under CI a cluster that does not come up fails the run (see tests/helpers/slurm.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSlurm, sbatch, showJob, slurmCmd, squeueAll, submit, waitSettled, type JobRow } from '../helpers/slurm.js';

const slurm = ensureSlurm();
const title = slurm.available ? 'a real Slurm cluster' : `a real Slurm cluster (skipped: ${slurm.reason})`;

describe.skipIf(!slurm.available)(title, () => {
  let dir = '';
  const submitted: string[] = [];
  let array = '';
  let corr = '';
  let killed = '';
  let stuck = '';
  let rows: JobRow[] = [];
  const row = (id: string): JobRow | undefined => rows.find((j) => j.id === id);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-slurm-'));
    fs.chmodSync(dir, 0o755);
    // Element 2 of 3 fails; the element-wise dependant runs 1 and 3 only.
    array = submit(
      ['--array=1-3', '--job-name=libcc-parent', '-o', 'p_%A_%a.out', '-e', 'p_%A_%a.err',
        '--wrap', 'echo "task=$SLURM_ARRAY_TASK_ID"; [ "$SLURM_ARRAY_TASK_ID" != 2 ] || exit 3'],
      dir,
    );
    corr = submit(['--array=1-3', `--dependency=aftercorr:${array}`, '-o', 'c_%A_%a.out', '--wrap', 'echo "child=$SLURM_ARRAY_TASK_ID"'], dir);
    killed = submit([`--dependency=afterok:${array}`, '--kill-on-invalid-dep=yes', '--wrap', 'true'], dir);
    stuck = submit([`--dependency=afterok:${array}`, '--kill-on-invalid-dep=no', '--wrap', 'true'], dir);
    submitted.push(array, corr, killed, stuck);
    rows = await waitSettled(submitted);
  }, 60_000);

  afterAll(() => {
    if (submitted.length > 0) slurmCmd('scancel', submitted);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sbatch --parsable prints the bare job id', () => {
    for (const id of submitted) expect(id).toMatch(/^\d+$/);
  });

  it('runs every array element with SLURM_ARRAY_TASK_ID and expands %A_%a in -o/-e', () => {
    expect(['1', '2', '3'].map((t) => row(`${array}_${t}`)?.state)).toEqual(['COMPLETED', 'FAILED', 'COMPLETED']);
    expect(row(`${array}_2`)?.reason).toBe('NonZeroExitCode');
    for (const t of ['1', '2', '3']) {
      expect(fs.readFileSync(path.join(dir, `p_${array}_${t}.out`), 'utf8')).toBe(`task=${t}\n`);
      expect(fs.existsSync(path.join(dir, `p_${array}_${t}.err`))).toBe(true);
    }
    expect(showJob(`${array}_2`)).toMatchObject({ ArrayJobId: array, ArrayTaskId: '2', JobState: 'FAILED', ExitCode: '3:0' });
  });

  it('aftercorr is element-wise: the child of the failed element pends forever, the others run', () => {
    expect(row(`${corr}_1`)?.state).toBe('COMPLETED');
    expect(row(`${corr}_3`)?.state).toBe('COMPLETED');
    expect(fs.readFileSync(path.join(dir, `c_${corr}_3.out`), 'utf8')).toBe('child=3\n');
    const child2 = rows.find((j) => j.arrayJobId === corr && j.state === 'PENDING');
    expect(child2).toMatchObject({ reason: 'DependencyNeverSatisfied', dependency: `aftercorr:${array}_*(failed)` });
  });

  it('--kill-on-invalid-dep=yes cancels a dependant whose parent failed; without it, it pends', () => {
    expect(row(killed)).toMatchObject({ state: 'CANCELLED', reason: 'DependencyNeverSatisfied' });
    expect(showJob(killed)).toMatchObject({ JobState: 'CANCELLED', KillOInInvalidDependent: 'Yes' });
    expect(row(stuck)).toMatchObject({ state: 'PENDING', reason: 'DependencyNeverSatisfied', dependency: `afterok:${array}_*(failed)` });
  });

  it('afterok on an array waits for all its elements', async () => {
    const all = submit(['--array=1-2', '--wrap', 'sleep 1'], dir);
    const after = submit([`--dependency=afterok:${all}`, '--wrap', 'true'], dir);
    submitted.push(all, after);
    const done = await waitSettled([all, after]);
    expect(done.map((j) => j.state)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    const times = (id: string): { start: number; end: number } => {
      const j = showJob(id);
      return { start: Date.parse(j.StartTime ?? ''), end: Date.parse(j.EndTime ?? '') };
    };
    const lastEnd = Math.max(times(`${all}_1`).end, times(`${all}_2`).end);
    expect(times(after).start).toBeGreaterThanOrEqual(lastEnd);
  });

  it('a dependency on an unknown job id counts as satisfied; scancel of an unknown id exits 0', async () => {
    const id = submit(['--dependency=afterok:999999', '--wrap', 'true'], dir);
    submitted.push(id);
    expect((await waitSettled([id]))[0]?.state).toBe('COMPLETED');
    expect(slurmCmd('scancel', ['999999']).code).toBe(0);
    const q = slurmCmd('squeue', ['-h', '-j', '999999']);
    expect(q.code).toBe(1);
    expect(q.stderr).toContain('Invalid job id specified');
  });

  it('sbatch rejects impossible requests at submission with exit code 1 (EnforcePartLimits=ALL)', () => {
    const badBefore = squeueAll().filter((j) => j.reason === 'BadConstraints').length;
    const mem = sbatch(['--parsable', '--mem=99999999', '--wrap', 'true'], dir);
    expect(mem).toMatchObject({ code: 1, stdout: '' });
    expect(mem.stderr).toContain('Requested node configuration is not available');
    // Surprise: the rejected job still gets a record (FAILED, BadConstraints) that squeue -t all shows.
    expect(squeueAll().filter((j) => j.reason === 'BadConstraints' && j.state === 'FAILED').length).toBe(badBefore + 1);
    const time = sbatch(['--parsable', '--partition=short', '--time=00:05:00', '--wrap', 'true'], dir);
    expect(time).toMatchObject({ code: 1, stdout: '' });
    expect(time.stderr).toContain('Requested time limit is invalid');
    const name = sbatch(['--parsable', `--job-name=${'n'.repeat(1025)}`, '--wrap', 'true'], dir);
    expect(name.code).toBe(1);
    expect(name.stderr).toContain('too long');
  });

  it("squeue cuts a pending array's index list to 60 characters and `...` (a 64-byte buffer) unless SLURM_BITSTR_LEN=0; it compresses runs to ranges", () => {
    const indices = Array.from({ length: 40 }, (_, i) => 1 + 6 * Math.floor(i / 3) + [0, 1, 3][i % 3]!);
    const held = submit(['-H', `--array=${indices.join(',')}`, '-o', '/dev/null', '--wrap', 'true'], dir);
    submitted.push(held);
    const list = (env: NodeJS.ProcessEnv) => spawnSync('squeue', ['-h', '-j', held, '-o', '%K'], { encoding: 'utf8', env }).stdout.trim();
    const plain: NodeJS.ProcessEnv = { ...process.env };
    delete plain.SLURM_BITSTR_LEN;
    const whole = list({ ...plain, SLURM_BITSTR_LEN: '0' });
    expect(whole).toBe('1-2,4,7-8,10,13-14,16,19-20,22,25-26,28,31-32,34,37-38,40,43-44,46,49-50,52,55-56,58,61-62,64,67-68,70,73-74,76,79');
    expect(list(plain)).toBe(`${whole.slice(0, 60)}...`);
  });

  it('keeps finished jobs visible to squeue -t all (MinJobAge)', () => {
    const now = squeueAll(submitted);
    expect(now.filter((j) => j.state === 'COMPLETED').length).toBeGreaterThanOrEqual(4);
  });
});
