// libcc_sched_states against the real Slurm of scripts/slurm/up.sh: what squeue prints for held
// arrays and jobs, read into states. A resume's arrays have long, irregular index lists, which
// squeue cuts at 64 characters unless asked otherwise (SLURM_BITSTR_LEN): every element must
// still have its state.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedStates } from '../helpers/sched-states.js';
import { ensureSlurm, slurmCmd, submit } from '../helpers/slurm.js';
import { compileForSlurm } from './pipeline.js';

const slurm = ensureSlurm();
const title = slurm.available ? 'libcc_sched_states on a real Slurm' : `libcc_sched_states on a real Slurm (skipped: ${slurm.reason})`;

describe.skipIf(!slurm.available)(title, () => {
  let root = '';
  let out = '';
  const submitted: string[] = [];
  const scratch: string[] = [];

  beforeAll(async () => {
    ({ root, out } = await compileForSlurm('slurm-states'));
  }, 60_000);

  afterAll(() => {
    if (submitted.length > 0) slurmCmd('scancel', submitted);
    for (const dir of [root, ...scratch]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a held array with a 40-element irregular index list: every element held, each with its release command; a held plain job; other jobs left out', () => {
    // 1,2,4,7,8,10,…: squeue prints it as `1-2,4,7-8,10,…`, about 120 characters.
    const indices = Array.from({ length: 40 }, (_, i) => 1 + 6 * Math.floor(i / 3) + [0, 1, 3][i % 3]!);
    const list = indices.join(',');
    const quiet = ['-o', '/dev/null', '-e', '/dev/null', '--wrap', 'true'];
    const array = submit(['-H', `--array=${list}`, '--job-name=states.work.g1', ...quiet], '/tmp');
    const plain = submit(['-H', '--job-name=states.solo', ...quiet], '/tmp');
    const other = submit(['-H', '--job-name=states.other', ...quiet], '/tmp');
    submitted.push(array, plain, other);
    const r = schedStates(out, { ledger: [`r1\tr1\twork\tg1\t1\t${array}\t${list}`, `r1\tr1\tsolo\t-\t2\t${plain}\t-`] });
    scratch.push(r.dir);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const expected = new Map([...indices.map((i) => [`states.work.g1[${i}]`, 'HELD'] as const), ['states.solo', 'HELD']]);
    expect(new Map([...r.states].sort())).toEqual(new Map([...expected].sort()));
    expect(r.held.get('states.work.g1[79]')).toBe(`held by Slurm (JobHeldUser): it starts only when released: scontrol release ${array}_79`);
    expect(r.held.get('states.solo')).toBe(`held by Slurm (JobHeldUser): it starts only when released: scontrol release ${plain}`);
    expect(r.unfinished).toBe(41);
  });
});
