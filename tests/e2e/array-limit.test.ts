// `array_limit = N` (docs/language.md §2.1): at most N jobs of one array at once. LSF and Slurm
// get it as `%N` on the array; run-local.sh honours it itself. Each job logs `+` when it starts
// and `-` when it ends, so the log's highest running sum is the concurrency the runner allowed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledPipeline } from './harness.js';

const FLOW = `pipeline limits

env SLOT_LOG: path

node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
corner tt_0p8v_25c_typical {}
corner ss_0p675v_m40c_typical {}
corner ss_0p72v_m40c_typical {}
library a : n5 { corners = [tt_0p75v_25c_typical, tt_0p8v_25c_typical, ss_0p675v_m40c_typical, ss_0p72v_m40c_typical] }

stage limited for each library, corner {
  run = shell """echo + >>"\${SLOT_LOG}.limited"; sleep 1; echo - >>"\${SLOT_LOG}.limited"; touch "\${out}/limited" """
  expect "\${out}/limited" == 1
  array_limit = 2
}
stage free for each library, corner {
  run = shell """echo + >>"\${SLOT_LOG}.free"; sleep 1; echo - >>"\${SLOT_LOG}.free"; touch "\${out}/free" """
  expect "\${out}/free" == 1
}
`;

const pipeline = compiledPipeline('array-limit', FLOW);

/** The most jobs that ran at once, from a log of `+` (start) and `-` (end) lines. */
function peak(log: string): number {
  let now = 0;
  let most = 0;
  for (const line of fs.readFileSync(log, 'utf8').trim().split('\n')) {
    now += line === '+' ? 1 : -1;
    most = Math.max(most, now);
  }
  return most;
}

describe('array_limit', () => {
  it('is the `%N` of the LSF array', () => {
    const units = fs.readFileSync(path.join(pipeline.out, 'lib/units.tsv'), 'utf8');
    expect(units).toMatch(/\tlimited\t.*\t2\t-\n/);
    expect(units).toMatch(/\tfree\t.*\t-\t-\n/);
  });

  it('run-local.sh runs at most N jobs of the array at once, the other stage as many as -j allows', async () => {
    const s = pipeline.site();
    const log = path.join(s.root, 'slots');
    const run = await s.run('run-local.sh', ['-j', '8'], { env: { SLOT_LOG: log } });
    expect(run.code, run.stderr).toBe(0);
    expect(peak(`${log}.limited`)).toBe(2);
    expect(peak(`${log}.free`)).toBeGreaterThan(2);
    expect(run.stdout).toContain('libcc: 8 job(s) ran, 0 failed, 0 not run');
  });
});
