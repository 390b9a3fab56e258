import { describe, expect, test } from 'vitest';
import { buildPlan, jobChildren, jobGraph } from '../../src/graph/plan.js';
import { FF, LIBRARIES, NODES, SS, SSL, TT, TT75, program, stageNamed, type StageSpec } from './fixtures.js';
import { codes, planOf, stageOf } from './helpers.js';

describe('stable topological order', () => {
  test('parents first, ties by canonical order (stage declaration, node, library, corner)', () => {
    // Stages declared before the stages they run after.
    const plan = planOf(
      program({
        nodes: NODES,
        libraries: LIBRARIES,
        stages: [
          { name: 'report', after: ['merge'] },
          { name: 'merge', keys: ['library'], after: ['char'] },
          { name: 'char', keys: ['library', 'corner'] },
          { name: 'other', keys: ['library'] },
        ],
      }),
    );
    expect(plan.jobs.map((j) => j.id)).toEqual([
      `char[base_svt,${SS}]`,
      `char[base_svt,${TT}]`,
      `char[base_svt,${FF}]`,
      'merge[base_svt]',
      `char[base_lvt,${TT}]`,
      `char[base_lvt,${SSL}]`,
      'merge[base_lvt]',
      `char[x3_lvt,${TT75}]`,
      `char[x3_lvt,${SS}]`,
      'merge[x3_lvt]',
      'report',
      'other[base_svt]',
      'other[base_lvt]',
      'other[x3_lvt]',
    ]);
    plan.jobs.forEach((job, v) => {
      for (const p of job.parents) expect(p).toBeLessThan(v);
    });
  });

  test('independent of the order of program.stages (by index)', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [{ name: 'a', keys: ['library'] }, { name: 'b', after: ['a'] }],
    });
    const shuffled = { ...p, stages: [...p.stages].reverse() };
    expect(planOf(shuffled)).toEqual(planOf(p));
  });

  test('job ids are unique and readable', () => {
    const plan = planOf(
      program({
        nodes: NODES,
        libraries: LIBRARIES,
        stages: [
          { name: 's' },
          { name: 'n', keys: ['node'] },
          { name: 'l', keys: ['library'] },
          { name: 'c', keys: ['corner'] },
          { name: 'nc', keys: ['node', 'corner'] },
          { name: 'lc', keys: ['library', 'corner'] },
        ],
      }),
    );
    const ids = plan.jobs.map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['s', 'n[n3]', 'l[x3_lvt]', `c[${TT75}]`, `nc[n3,${SS}]`, `lc[x3_lvt,${SS}]`]),
    );
  });
});

/** Single-job stages: name, estimate (s), after, cpus. */
function chain(stages: readonly StageSpec[]) {
  return program({ stages });
}

describe('critical path and slack', () => {
  //   a(10) ─┬─ b(20) ─┬─ d(1)
  //          └─ c(5) ──┴─ e(3)      (d after b, c; e after c)
  const dag = chain([
    { name: 'a', estimate: 10 },
    { name: 'b', after: ['a'], estimate: 20, cpus: 4 },
    { name: 'c', after: ['a'], estimate: 5 },
    { name: 'd', after: ['b', 'c'], estimate: 1 },
    { name: 'e', after: ['c'], estimate: 3 },
  ]);

  test('earliest start/finish, latest start and slack', () => {
    const plan = planOf(dag);
    const timing = Object.fromEntries(
      plan.jobs.map((j) => [j.id, [j.earliestStart, j.earliestFinish, j.latestStart, j.slack]]),
    );
    expect(timing).toEqual({
      a: [0, 10, 0, 0],
      b: [10, 30, 10, 0],
      c: [10, 15, 23, 13],
      d: [30, 31, 30, 0],
      e: [15, 18, 28, 13],
    });
    expect(plan.makespanSeconds).toBe(31);
  });

  test('the critical chain', () => {
    expect(planOf(dag).criticalPath.map((s) => [s.id, s.stage, s.start, s.finish])).toEqual([
      ['a', 'a', 0, 10],
      ['b', 'b', 10, 30],
      ['d', 'd', 30, 31],
    ]);
  });

  test('stage summaries and slot-seconds', () => {
    const plan = planOf(dag);
    expect(stageOf(plan, 'b')).toMatchObject({
      jobCount: 1,
      cpus: 4,
      estimateSeconds: 20,
      estimateSource: 'estimate',
      earliestStart: 10,
      earliestFinish: 30,
      slack: 0,
      slotSeconds: 80,
    });
    expect(stageOf(plan, 'e').slack).toBe(13);
    expect(plan.slotSeconds).toBe(10 + 80 + 5 + 1 + 3);
  });

  test('ties: the first sink and the first parent in topological order', () => {
    const plan = planOf(
      chain([
        { name: 'x', estimate: 5 },
        { name: 'y', estimate: 5 },
        { name: 'z', after: ['y', 'x'], estimate: 1 },
        { name: 'w', after: ['x'], estimate: 1 },
      ]),
    );
    expect(plan.criticalPath.map((s) => s.id)).toEqual(['x', 'z']);
  });

  test('stage slack is the smallest slack of its jobs', () => {
    const plan = planOf(
      program({
        nodes: NODES,
        libraries: LIBRARIES,
        stages: [
          { name: 'char', keys: ['library', 'corner'], estimate: 100 },
          { name: 'merge', keys: ['library'], after: ['char'], estimate: 10 },
          { name: 'slow', keys: ['library'], estimate: 500 },
          { name: 'fast', keys: ['library'], after: ['merge'], estimate: 1 },
        ],
      }),
    );
    expect(plan.makespanSeconds).toBe(500);
    expect(stageOf(plan, 'char').slack).toBe(389);
    expect(stageOf(plan, 'slow').slack).toBe(0);
    expect(plan.criticalPath.map((s) => s.id)).toEqual(['slow[base_svt]']);
  });

  test('a program without stages has an empty plan', () => {
    const plan = planOf(program({ stages: [] }));
    expect(plan).toMatchObject({ stages: [], jobs: [], criticalPath: [], makespanSeconds: 0, slotSeconds: 0 });
  });

  test('zero estimates give a zero makespan and a defined chain', () => {
    const plan = planOf(chain([{ name: 'a' }, { name: 'b', after: ['a'] }]));
    expect(plan.makespanSeconds).toBe(0);
    expect(plan.criticalPath.map((s) => s.id)).toEqual(['a', 'b']);
    expect(stageOf(plan, 'a').estimateSource).toBe('none');
  });
});

describe('--slots', () => {
  test('the scheduled makespan is part of the plan', () => {
    const plan = planOf(
      chain([
        { name: 'a', estimate: 30 },
        { name: 'b', estimate: 10 },
        { name: 'c', after: ['b'], estimate: 20 },
        { name: 'd', estimate: 10 },
      ]),
      { slots: 2 },
    );
    expect(plan.makespanSeconds).toBe(30);
    expect(plan.slots).toEqual({ cap: 2, makespanSeconds: 40, start: plan.jobs.map((j) => ({ a: 0, b: 0, c: 10, d: 30 })[j.stage]) });
  });

  test('LCP4006 once per stage whose jobs need more slots; the plan stays, without `slots`', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [
        { name: 'char', keys: ['library', 'corner'], cpus: 16, estimate: 10 },
        { name: 'merge', keys: ['library'], after: ['char'], cpus: 8, estimate: 10 },
        { name: 'wide', cpus: 9 },
      ],
    });
    const result = buildPlan(p, { slots: 8 });
    expect(codes(result.diagnostics)).toEqual(['LCP4006', 'LCP4006']);
    expect(result.diagnostics.map((d) => d.primary.span)).toEqual([
      stageNamed(p, 'char').nameSpan,
      stageNamed(p, 'wide').nameSpan,
    ]);
    expect(result.diagnostics[0]!.message).toBe('a job of `char` needs 16 slots but the plan allows 8');
    expect(result.plan).toBeDefined();
    expect(result.plan!.slots).toBeUndefined();
    expect(result.plan!.makespanSeconds).toBe(20);
  });

  test('slots must be a positive integer (the CLI validates it)', () => {
    const p = chain([{ name: 'a' }]);
    expect(() => buildPlan(p, { slots: 0 })).toThrow(RangeError);
    expect(() => buildPlan(p, { slots: 1.5 })).toThrow(RangeError);
  });
});

describe('graph views', () => {
  test('jobGraph: graphlib graph of job ids, parent → child', () => {
    const plan = planOf(
      program({
        nodes: NODES,
        libraries: LIBRARIES,
        stages: [
          { name: 'char', keys: ['library', 'corner'] },
          { name: 'merge', keys: ['library'], after: ['char'] },
        ],
      }),
    );
    const graph = jobGraph(plan);
    expect(graph.nodeCount()).toBe(10);
    expect(graph.edgeCount()).toBe(7);
    expect(graph.predecessors('merge[base_lvt]')?.sort()).toEqual([`char[base_lvt,${SSL}]`, `char[base_lvt,${TT}]`]);
    expect(graph.node('merge[base_lvt]')).toBe(plan.jobs.find((j) => j.id === 'merge[base_lvt]'));
    const children = jobChildren(plan);
    const merge = plan.jobs.findIndex((j) => j.id === 'merge[base_svt]');
    expect(children[plan.jobs[merge]!.parents[0]!]).toEqual([merge]);
  });

  test('the plan is plain data: a JSON round trip keeps it', () => {
    const plan = planOf(program({ nodes: NODES, libraries: LIBRARIES, stages: [{ name: 'a', keys: ['corner'], estimate: 5 }] }), {
      slots: 3,
    });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});
