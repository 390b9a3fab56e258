// A resume on the real Slurm (scripts/slurm/up.sh): the part of a stage to run again goes out
// as one array over its index list (`--array=1,3-4,6`), its dependants 1:1 on it
// (`--dependency=aftercorr:ID`, which pairs tasks by index), and the gather waits for those arrays
// whole. Slurm runs exactly the jobs to run again, each after its parents.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { descendants, jobName, orderViolationsFromEvents, type JobRow } from '../e2e/harness.js';
import { ensureSlurm, showJob } from '../helpers/slurm.js';
import { compileFlow, orderViolationsFromSlurm, slurmElements, slurmSites, waitIdle } from './pipeline.js';

const slurm = ensureSlurm();
const title = slurm.available ? 'a resume on a real Slurm' : `a resume on a real Slurm (skipped: ${slurm.reason})`;

const corners = Array.from({ length: 8 }, (_, i) => `tt_0p${700 + i}v_25c_typical`);
const stage = (name: string, per: string, after: string) => `stage ${name} for each ${per}${after === '' ? '' : ` after ${after}`} {
  run = shell """mkdir -p "\${out}" && echo ${name} > "\${out}/${name}" """
  expect "\${out}/${name}" == 1
  resources { cpus = 1  mem = 100MB  runtime = 10m }
}`;
const flow = `pipeline arrays
site { scheduler = slurm  default_queue = normal }
queue normal { name = "debug"  max_mem = 1GB  max_runtime = 1h  max_slots = 1 }
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [tt]  rc_corners = [typical] }
${corners.map((c) => `corner ${c} {}`).join('\n')}
library a : n5 { corners = [${corners.join(', ')}] }
${stage('prep', 'library, corner', '')}
${stage('char', 'library, corner', 'prep')}
${stage('post', 'library, corner', 'char')}
${stage('gather', 'library', 'post')}
`;

describe.skipIf(!slurm.available)(title, () => {
  const { site } = slurmSites(() => compileFlow(flow, 'libcc-slurm-arrays-'), 'libcc-slurm-site-');

  it('the part to run again goes out as arrays over index lists, aftercorr between them; each job runs once, in order', async () => {
    const s = site();
    const first = await s.run('run-local.sh', ['-j', '2']);
    expect(first.code, first.stderr).toBe(0);

    const job = (stageName: string, index: number): JobRow => s.jobs.find((j) => j.stage === stageName && j.index === index)!;
    const again = [1, 3, 4, 6].map((i) => job('char', i)).concat(job('post', 8));
    for (const j of again) fs.rmSync(s.stateFile(j, 'done'));
    const expected = new Set(again.map((j) => j.num));
    for (const d of descendants(s.jobs, [...expected])) expected.add(d);

    const r = await s.run('submit.sh');
    expect(r.code, r.stderr).toBe(0);
    // char's four corners in one array, post's in one 1:1 on it, post 8 alone, the gather.
    const ledger = s.ledger();
    expect(ledger.map((l) => [l.stage, l.indices])).toEqual([
      ['char', '1,3-4,6'],
      ['post', '1,3-4,6'],
      ['post', '8'],
      ['gather', '1'],
    ]);
    const ids = ledger.map((l) => String(l.id));
    expect(showJob(ids[1]!).Dependency).toMatch(new RegExp(`^aftercorr:${ids[0]}_\\*`));
    expect(showJob(ids[3]!).Dependency).toMatch(new RegExp(`afterok:${ids[1]}_\\*.*afterok:${ids[2]}`));
    const rows = await waitIdle(ids);
    expect(rows.filter((row) => row.state !== 'COMPLETED')).toEqual([]);
    const elements = slurmElements(s);
    expect([...elements.keys()].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
    expect(orderViolationsFromSlurm(s.jobs, elements)).toEqual([]);
    expect(orderViolationsFromEvents(s.jobs, s.events())).toEqual([]);
    for (const j of s.jobs) expect(s.isDone(j), jobName(j)).toBe(true);
  }, 240_000);
});
