/**
 * What of the pipeline's source a job's fingerprint covers besides its own strings
 * (src/emit/jobs.ts, `sourceSettings`): the defaults of the env variables the job reads, and the
 * roots of the work and out directories. Changing one re-runs exactly the jobs that compute with
 * it (docs/generated-scripts.md, "Jobs, keys and run state"); a job that does not is untouched.
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/driver/analyse.js';
import { computeJobFacts, indexProgram } from '../../src/emit/jobs.js';
import { builtinTemplates } from '../helpers/analysis.js';
import { loadFiles } from '../helpers/program.js';

const flow = (mode: string, site = '') => `pipeline settings
site { scheduler = local ${site} }
env SRC: path
env MODE: string = "${mode}"
env TOOLS: path = "/tools"
tool sim { path = "\${TOOLS}/sim" }
stage reads_mode { run = shell """echo "\${SRC} \${MODE}" > "\${out}/a.txt" """  expect "\${out}/a.txt" == 1 }
stage plain { run = shell """echo "\${SRC}" > "\${out}/b.txt" """  expect "\${out}/b.txt" == 1 }
stage simulate { run = sim ["\${work}"]  expect "\${out}/c.txt" == 1 }
`;

/** Each job's fingerprint, by job id. */
function fingerprints(source: string): Record<string, string> {
  const analysis = analyse(loadFiles({ 'main.lcp': source }), { templates: builtinTemplates() });
  expect(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  const out: Record<string, string> = {};
  computeJobFacts(analysis.program!, analysis.plan!, indexProgram(analysis.program!), () => undefined, (facts) => (out[facts.job.id] = facts.fingerprint));
  return out;
}

describe('fingerprints cover the source settings a job computes with', () => {
  const base = fingerprints(flow('fast'));

  it('an env default: the jobs that read the variable change, the others do not', () => {
    const changed = fingerprints(flow('faster'));
    expect(changed.reads_mode).not.toBe(base.reads_mode);
    expect(changed.plain).toBe(base.plain);
    expect(changed.simulate).toBe(base.simulate);
  });

  it('the default of a variable read through the tool (its path)', () => {
    const changed = fingerprints(flow('fast').replace('env TOOLS: path = "/tools"', 'env TOOLS: path = "/opt/tools"'));
    expect(changed.simulate).not.toBe(base.simulate);
    expect(changed.plain).toBe(base.plain);
  });

  it('the roots of the work and out directories: every job changes; the roots written at their defaults change nothing', () => {
    const out = fingerprints(flow('fast', 'out_root = "results"'));
    const work = fingerprints(flow('fast', 'work_root = "/scratch/work"'));
    for (const job of Object.keys(base)) {
      expect(out[job], job).not.toBe(base[job]);
      expect(work[job], job).not.toBe(base[job]);
      expect(work[job], job).not.toBe(out[job]);
    }
    expect(fingerprints(flow('fast', 'work_root = "work"  out_root = "out"'))).toEqual(base);
  });
});
