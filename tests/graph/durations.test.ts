/** buildPlan's per-job duration overrides and the slot-capped schedule's start times. */
import { describe, expect, test } from 'vitest';
import { formatPlanJson } from '../../src/graph/format-plan.js';
import { analyseFile } from '../helpers/analysis.js';
import { planOf } from './helpers.js';

const analysis = analyseFile('examples/n2_tanager/flow.lcp');
const program = analysis.program!;

describe('durationOf', () => {
  test('overrides per job; the stage estimate becomes the mean and its source `history`', () => {
    const plan = planOf(program, { durationOf: (stage, keys) => (stage === 'characterize' ? (keys.corner?.startsWith('ss') ? 100 : 50) : undefined) });
    const stage = plan.stages.find((s) => s.name === 'characterize')!;
    expect(stage.estimateSource).toBe('history');
    const jobs = plan.jobs.filter((j) => j.stage === 'characterize');
    for (const j of jobs) expect(j.estimateSeconds).toBe(j.keys.corner!.startsWith('ss') ? 100 : 50);
    const sum = jobs.reduce((n, j) => n + j.estimateSeconds, 0);
    expect(stage.estimateSeconds).toBeCloseTo(sum / jobs.length, 9);
    expect(stage.slotSeconds).toBeCloseTo(sum * stage.cpus, 9);
    const other = plan.stages.find((s) => s.name !== 'characterize')!;
    expect(other.estimateSource).not.toBe('history');
  });

  test('undefined, negative or non-finite overrides keep the estimate', () => {
    const base = planOf(program);
    for (const value of [undefined, -1, Number.NaN, Infinity]) {
      expect(planOf(program, { durationOf: () => value }).makespanSeconds).toBe(base.makespanSeconds);
    }
  });
});

describe('slot-capped schedule', () => {
  test('start times respect dependencies and the cap', () => {
    for (const cap of [64, 100, 1000]) {
      const plan = planOf(program, { slots: cap });
      const start = plan.slots!.start;
      expect(start).toHaveLength(plan.jobs.length);
      plan.jobs.forEach((job, v) => {
        for (const p of job.parents) expect(start[v]!).toBeGreaterThanOrEqual(start[p]! + plan.jobs[p]!.estimateSeconds - 1e-9);
      });
      // Slots in use never exceed the cap: check at every start.
      for (let v = 0; v < plan.jobs.length; v++) {
        let used = 0;
        plan.jobs.forEach((job, w) => {
          if (start[w]! <= start[v]! && start[v]! < start[w]! + job.estimateSeconds) used += job.cpus;
        });
        expect(used).toBeLessThanOrEqual(cap);
      }
      const finish = Math.max(...plan.jobs.map((j, v) => start[v]! + j.estimateSeconds));
      expect(finish).toBeCloseTo(plan.slots!.makespanSeconds, 9);
      const json = JSON.parse(formatPlanJson(plan));
      expect(json.jobs.map((j: { scheduledStart: number }) => j.scheduledStart)).toEqual(start);
    }
  });

  test('no scheduledStart without --slots', () => {
    const json = JSON.parse(formatPlanJson(planOf(program)));
    expect(json.jobs.some((j: object) => 'scheduledStart' in j)).toBe(false);
  });
});
