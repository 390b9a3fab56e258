/**
 * A campaign-sized plan: 10 element-wise stages over 100 libraries × 100 corners, a gather and a
 * report (100,101 jobs). This checks the result at scale, not the time it takes (that is for
 * bench/); a quadratic step would still show as a test timeout.
 */
import { expect, test } from 'vitest';
import { buildPlan } from '../../src/graph/plan.js';
import { program, type StageSpec } from './fixtures.js';

test('100k jobs: element-wise chains, a gather, a report', () => {
  const corners = Array.from({ length: 100 }, (_, i) => `tt_${i}v_25c`);
  const libraries = Array.from({ length: 100 }, (_, i) => ({ id: `lib${i}`, node: i % 2 === 0 ? 'n3' : 'n2', corners }));
  const stages: StageSpec[] = [];
  for (let s = 0; s < 10; s++) {
    stages.push({
      name: `s${s}`,
      keys: ['library', 'corner'],
      after: s === 0 ? [] : [`s${s - 1}`],
      estimate: 60 * (s + 1),
      cpus: 1 + (s % 3),
    });
  }
  stages.push({ name: 'merge', keys: ['library'], after: ['s9'], estimate: 300 });
  stages.push({ name: 'report', after: ['merge'], estimate: 30 });

  const { plan, diagnostics } = buildPlan(program({ nodes: ['n2', 'n3'], libraries, stages }), { slots: 500 });
  expect(diagnostics).toEqual([]);
  expect(plan!.jobs).toHaveLength(10 * 100 * 100 + 100 + 1);
  let backwards = 0;
  plan!.jobs.forEach((job, v) => {
    for (const p of job.parents) if (p >= v) backwards++;
  });
  expect(backwards).toBe(0);
  const chain = 60 * (55 + 5 + 0.5); // Σ 60·(s+1) for s < 10, + 300 + 30
  expect(plan!.makespanSeconds).toBe(chain);
  expect(plan!.criticalPath).toHaveLength(12);
  expect(plan!.criticalPath[0]!.id).toBe('s0[lib1,tt_0v_25c]'); // node n2 (odd libraries) is declared first
  expect(plan!.jobs.at(-1)!.id).toBe('report');
  expect(plan!.jobs.find((j) => j.id === 'merge[lib1]')!.parents).toHaveLength(100);
  expect(plan!.stages.find((s) => s.name === 's3')!.arrays).toHaveLength(100);
  expect(plan!.slots!.makespanSeconds).toBeGreaterThanOrEqual(plan!.slotSeconds / 500);
});
