import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { analyseTiming } from '../../src/graph/critical-path.js';
import { childrenOf } from '../../src/graph/order.js';
import { bottomLevels, listSchedule, scheduledMakespan, type ScheduleInput } from '../../src/graph/schedule.js';
import { buildPlan } from '../../src/graph/plan.js';
import { LIBRARIES, NODES, program } from './fixtures.js';

interface Job {
  readonly duration: number;
  readonly cpus: number;
  /** Positions of earlier jobs. */
  readonly parents: readonly number[];
}

function input(jobs: readonly Job[]): ScheduleInput {
  const parents = jobs.map((j) => [...new Set(j.parents)].sort((a, b) => a - b));
  return {
    duration: Float64Array.from(jobs.map((j) => j.duration)),
    cpus: Int32Array.from(jobs.map((j) => j.cpus)),
    canonical: Int32Array.from(jobs.map((_, i) => i)),
    parents,
    children: childrenOf(parents),
  };
}

function criticalPath(i: ScheduleInput): number {
  return analyseTiming(i.duration, i.parents, i.children).makespan;
}

const job = (duration: number, cpus = 1, parents: number[] = []): Job => ({ duration, cpus, parents });

describe('list scheduling, hand-computed', () => {
  test('2 slots: longest remaining path first', () => {
    // A(30); B(10) → C(20); D(10). Bottom levels A 30, B 30, C 20, D 10.
    // t=0: A, B (tie on 30 → job order). t=10: C. t=30: D. Makespan 40.
    const i = input([job(30), job(10), job(20, 1, [1]), job(10)]);
    const schedule = listSchedule(i, 2);
    expect([...schedule.start]).toEqual([0, 0, 10, 30]);
    expect(schedule.makespan).toBe(40);
    expect(scheduledMakespan(i, 3)).toBe(30);
    expect([...bottomLevels(i.duration, i.children)]).toEqual([30, 30, 20, 10]);
  });

  test('backfill: a job that does not fit lets a smaller one start', () => {
    // cap 4: W(3 cpus, 100s) starts; X (2 cpus) does not fit beside it, Y (1 cpu, 60s) does.
    const i = input([job(100, 3), job(50, 2), job(60, 1)]);
    const schedule = listSchedule(i, 4);
    expect([...schedule.start]).toEqual([0, 100, 0]);
    expect(schedule.makespan).toBe(150);
  });

  test('ties in remaining path are broken by job order', () => {
    const i = input([job(10), job(10), job(10)]);
    expect([...listSchedule(i, 1).start]).toEqual([0, 10, 20]);
  });

  test('zero-duration jobs pass through at their start time', () => {
    const i = input([job(0), job(5, 1, [0]), job(0, 1, [1]), job(5, 1, [2])]);
    expect(listSchedule(i, 1)).toMatchObject({ makespan: 10 });
    expect([...listSchedule(i, 1).start]).toEqual([0, 0, 5, 5]);
  });

  test("Graham's anomaly: more slots can lengthen a list schedule", () => {
    // Found by random search; documents that the heuristic is not monotone in the slot count.
    const i = input([
      job(6, 2),
      job(1, 1),
      job(4, 2, [1]),
      job(3, 3),
      job(2, 3, [0]),
      job(5, 3, [1, 2, 4]),
      job(9, 1, [4]),
      job(5, 3, [4, 6]),
    ]);
    expect(scheduledMakespan(i, 4)).toBe(22);
    expect(scheduledMakespan(i, 5)).toBe(24);
  });
});

/** Random DAGs: up to 14 jobs, each with parents among the earlier ones. */
const dags = (maxCpus: number) =>
  fc
    .array(
      fc.record({
        duration: fc.integer({ min: 0, max: 20 }),
        cpus: fc.integer({ min: 1, max: maxCpus }),
        parents: fc.array(fc.nat(), { maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 14 },
    )
    .map((jobs) => jobs.map((j, v) => ({ ...j, parents: v === 0 ? [] : j.parents.map((p) => p % v) })));

describe('list scheduling, properties', () => {
  test('a valid schedule: precedence respected, never more than the cap in use', () => {
    fc.assert(
      fc.property(dags(3), fc.integer({ min: 3, max: 8 }), (jobs, cap) => {
        const i = input(jobs);
        const { start, makespan } = listSchedule(i, cap);
        jobs.forEach((j, v) => {
          for (const p of i.parents[v]!) expect(start[v]).toBeGreaterThanOrEqual(start[p]! + i.duration[p]!);
          expect(start[v]! + j.duration).toBeLessThanOrEqual(makespan);
        });
        for (let v = 0; v < jobs.length; v++) {
          const t = start[v]!;
          let used = 0;
          jobs.forEach((j, w) => {
            if (start[w]! <= t && t < start[w]! + j.duration) used += j.cpus;
          });
          expect(used).toBeLessThanOrEqual(cap);
        }
      }),
    );
  });

  test('never shorter than the critical path nor than slot-seconds / cap', () => {
    fc.assert(
      fc.property(dags(4), fc.integer({ min: 4, max: 10 }), (jobs, cap) => {
        const i = input(jobs);
        const makespan = scheduledMakespan(i, cap);
        const work = jobs.reduce((sum, j) => sum + j.duration * j.cpus, 0);
        expect(makespan).toBeGreaterThanOrEqual(criticalPath(i));
        expect(makespan).toBeGreaterThanOrEqual(work / cap - 1e-9);
      }),
    );
  });

  test('with enough slots for every job at once, it is the critical path', () => {
    fc.assert(
      fc.property(dags(4), fc.nat({ max: 5 }), (jobs, extra) => {
        const i = input(jobs);
        const all = jobs.reduce((sum, j) => sum + j.cpus, 0);
        expect(scheduledMakespan(i, all + extra)).toBe(criticalPath(i));
      }),
    );
  });

  test("unit cpus: within Graham's bound (W + (m − 1)·CP) / m", () => {
    fc.assert(
      fc.property(dags(1), fc.integer({ min: 1, max: 6 }), (jobs, cap) => {
        const i = input(jobs);
        const work = jobs.reduce((sum, j) => sum + j.duration, 0);
        expect(scheduledMakespan(i, cap)).toBeLessThanOrEqual((work + (cap - 1) * criticalPath(i)) / cap + 1e-9);
      }),
    );
  });

  test('one slot: unit-cpu jobs run back to back', () => {
    fc.assert(
      fc.property(dags(1), (jobs) => {
        expect(scheduledMakespan(input(jobs), 1)).toBe(jobs.reduce((sum, j) => sum + j.duration, 0));
      }),
    );
  });
});

describe('through buildPlan', () => {
  test('a realistic pipeline under a few caps', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [
        { name: 'copy', keys: ['library', 'corner'], estimate: 600 },
        { name: 'char', keys: ['library', 'corner'], after: ['copy'], estimate: 8 * 3600, cpus: 16 },
        { name: 'merge', keys: ['library'], after: ['char'], estimate: 300 },
      ],
    });
    const makespans = [16, 32, 64, 112, 1000].map((slots) => buildPlan(p, { slots }).plan!.slots!.makespanSeconds);
    const unlimited = buildPlan(p).plan!.makespanSeconds;
    expect(unlimited).toBe(600 + 8 * 3600 + 300);
    // 7 characterizations of 16 cpus: 7, 4, 2, 1 and 1 waves.
    expect(makespans).toEqual([
      600 + 7 * 8 * 3600 + 300,
      600 + 4 * 8 * 3600 + 300,
      600 + 2 * 8 * 3600 + 300,
      unlimited,
      unlimited,
    ]);
  });
});
