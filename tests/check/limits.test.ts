/** Scheduler limits the checker enforces (issue 12): job names, memory and run limits. */
import { describe, expect, it } from 'vitest';
import { MAX_JOB_NAME } from '../../src/check/rules/job-names.js';
import { checkSource, codes, codesAndSpans, PRELUDE } from '../helpers/program.js';

const STAGE = (name: string, resources = '') => `stage ${name} for each library, corner {
  run = shell "x.sh"
  ${resources}
  expect "\${work}/*.ldb" == 1
}
`;

describe('job names (LCP3020)', () => {
  it('a pipeline name over the limit is reported once, on the name', () => {
    const long = `p${'x'.repeat(MAX_JOB_NAME)}`;
    const result = checkSource(PRELUDE.replace('pipeline t', `pipeline ${long}`) + STAGE('a') + STAGE('b'));
    expect(codesAndSpans(result).filter(([code]) => code === 'LCP3020')).toEqual([['LCP3020', long]]);
  });

  it('a stage whose longest job name is over the limit is reported on the stage name', () => {
    const long = `s${'x'.repeat(MAX_JOB_NAME - 20)}`;
    const result = checkSource(PRELUDE + STAGE(long));
    expect(codesAndSpans(result)).toContainEqual(['LCP3020', long]);
  });

  it('names within the limit are fine', () => {
    expect(codes(checkSource(PRELUDE + STAGE('characterize')))).not.toContain('LCP3020');
  });
});

describe('memory and run limits a scheduler accepts (LCP3005)', () => {
  it('refuses huge memory and run time instead of compiling -M Infinity / -W 1e30', () => {
    const result = checkSource(PRELUDE + STAGE('a', 'resources { mem = 99999999999999999999999999999TB  runtime = 999999999999999999999h }'));
    const found = result.diagnostics.filter((d) => d.code === 'LCP3005').map((d) => d.message);
    expect(found).toEqual([expect.stringMatching(/^`mem` is too large/), expect.stringMatching(/^`runtime` is too large/)]);
  });

  it('accepts large but real limits', () => {
    expect(codes(checkSource(PRELUDE + STAGE('a', 'resources { mem = 2TB  runtime = 30d }')))).not.toContain('LCP3005');
  });
});

describe('site { lsf_max_pack_jobs } (the cluster’s LSB_MAX_PACK_JOBS)', () => {
  const site = (value: string) => checkSource(PRELUDE + `site { lsf_max_pack_jobs = ${value} }\n` + STAGE('a'));
  it('defaults to 0 (job packs off) and reads a whole number', () => {
    expect(checkSource(PRELUDE + STAGE('a')).program?.site.lsfMaxPackJobs).toBe(0);
    expect(site('300').program?.site.lsfMaxPackJobs).toBe(300);
  });

  it('refuses a negative number, a fraction, a unit and a string', () => {
    expect(codes(site('-1'))).toContain('LCP3005');
    expect(codes(site('2.5'))).toContain('LCP3005');
    expect(codes(site('300MB'))).toContain('LCP3003');
    expect(codes(site('"300"'))).toContain('LCP3001');
  });
});
