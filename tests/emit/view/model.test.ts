import { describe, expect, test } from 'vitest';
import { buildViewModel, type ViewModel } from '../../../src/emit/view/model.js';
import type { Plan } from '../../../src/graph/plan.js';
import { examplePlan } from './helpers.js';
import { campaign } from './synthetic.js';

function dependencies(plan: Plan): number {
  return plan.jobs.reduce((sum, job) => sum + job.parents.length, 0);
}

/** Node names by id, and each edge as `from -> to`. */
function edgeNames(model: ViewModel): string[] {
  const names = new Map(model.nodes.map((n) => [n.id, n.name] as const));
  return model.edges.map((e) => `${names.get(e.from)} -> ${names.get(e.to)}`);
}

describe('stage level', () => {
  const plan = examplePlan('n2_tanager');
  const model = buildViewModel(plan, { level: 'stages' });

  test('one node per stage, in declaration order, ids n0…', () => {
    expect(model.nodes.map((n) => [n.id, n.name, n.kind])).toEqual(plan.stages.map((s, i) => [`n${i}`, s.name, 'stage']));
    expect(model.collapse).toBe('none');
    expect(model.nodes.find((n) => n.name === 'characterize')).toMatchObject({
      title: 'characterize',
      details: ['for each library, corner', '12 jobs × 16 cpus', 'estimate 8h, slack 8h'],
      jobs: 12,
      cpus: 16,
      critical: false,
    });
  });

  test('critical stages are those of the critical path, with its window', () => {
    expect(model.nodes.filter((n) => n.critical).map((n) => n.name)).toEqual(['copy_kits', 'lvf', 'post_lvf', 'merge_lvf', 'release']);
    expect(model.nodes.find((n) => n.name === 'lvf')).toMatchObject({
      criticalWindow: { start: 600, finish: 600 + 14 * 3600 },
      details: ['for each library, corner', '8 jobs × 32 cpus', 'estimate 14h, slack 0s', 'critical 10m → 14h 10m'],
    });
  });

  test('one edge per `after`, with relation and job-dependency counts; critical edges follow the path', () => {
    expect(model.edges).toHaveLength(plan.stages.reduce((n, s) => n + s.after.length, 0));
    expect(edgeNames(model)).toEqual([
      'copy_kits -> characterize',
      'copy_kits -> lvf',
      'characterize -> copy_nominal',
      'characterize -> merge_lvf',
      'lvf -> post_lvf',
      'post_lvf -> merge_lvf',
      'copy_nominal -> release',
      'merge_lvf -> release',
    ]);
    expect(model.edges.map((e) => e.label)).toEqual([
      'element-wise ×12',
      'element-wise ×8',
      'element-wise ×4',
      'element-wise ×8',
      'element-wise ×8',
      'element-wise ×8',
      'gather ×4',
      'gather ×8',
    ]);
    expect(model.edges.reduce((n, e) => n + e.count, 0)).toBe(dependencies(plan));
    expect(edgeNames(model).filter((_, i) => model.edges[i]!.critical)).toEqual([
      'copy_kits -> lvf',
      'lvf -> post_lvf',
      'post_lvf -> merge_lvf',
      'merge_lvf -> release',
    ]);
  });

  test('broadcast is named', () => {
    const m = buildViewModel(campaign(2, 3, 2), { level: 'stages' });
    expect(m.edges.map((e) => e.label)).toEqual(['broadcast ×6', 'element-wise ×6', 'gather ×6', 'gather ×2']);
  });
});

describe('job level', () => {
  test('small plans: one node per job, one edge per dependency, the critical chain flagged', () => {
    const plan = examplePlan('n2_tanager');
    const model = buildViewModel(plan, { level: 'jobs' });
    expect(model.collapse).toBe('none');
    expect(model.nodes.map((n) => n.name)).toEqual(plan.jobs.map((j) => j.id));
    expect(model.nodes.every((n) => n.kind === 'job' && n.jobs === 1)).toBe(true);
    expect(model.edges).toHaveLength(dependencies(plan));
    expect(model.edges.every((e) => e.count === 1 && e.label === '')).toBe(true);
    expect(model.nodes.filter((n) => n.critical).map((n) => n.name)).toEqual(plan.criticalPath.map((s) => s.id));
    expect(model.edges.filter((e) => e.critical)).toHaveLength(plan.criticalPath.length - 1);
    expect(model.nodes.find((n) => n.name === 'release[base_svt]')!.details).toEqual(['1 cpu, estimate 5m', 'critical 17h 10m → 17h 15m']);
    expect(model.nodes.find((n) => n.name === 'release[base_lvt]')!.details).toEqual(['1 cpu, estimate 5m', 'start 17h 10m, slack 0s']);
  });

  describe('large plans collapse', () => {
    const plan = campaign(10, 20, 5); // 10 + 5·200 + 10 + 1 = 1021 jobs
    const critical = plan.criticalPath.map((s) => s.id);

    test('the synthetic plan', () => {
      expect(plan.jobs).toHaveLength(1021);
      expect(critical).toEqual(['prep[lib1]', 's0[lib1,tt_0p50v_25c]', 's1[lib1,tt_0p50v_25c]', 's2[lib1,tt_0p50v_25c]', 's3[lib1,tt_0p50v_25c]', 's4[lib1,tt_0p50v_25c]', 'merge[lib1]', 'report']);
    });

    function conserved(model: ViewModel): void {
      // Every job is in exactly one node; every dependency in exactly one edge.
      expect(model.nodes.reduce((n, node) => n + node.jobs, 0)).toBe(plan.jobs.length);
      expect(model.edges.reduce((n, e) => n + e.count, 0)).toBe(dependencies(plan));
      expect(model.nodes.reduce((n, node) => n + node.slotSeconds, 0)).toBeCloseTo(plan.slotSeconds, 6);
      // Critical-path jobs stay on their own and are the only critical nodes.
      expect(model.nodes.filter((n) => n.critical).map((n) => n.name)).toEqual(critical);
      for (const node of model.nodes.filter((n) => n.critical)) expect(node).toMatchObject({ kind: 'job', jobs: 1 });
      expect(model.edges.filter((e) => e.critical)).toHaveLength(critical.length - 1);
      // Sorted, unique edges between distinct nodes.
      const keys = model.edges.map((e) => [Number(e.from.slice(1)), Number(e.to.slice(1))] as const);
      for (let i = 1; i < keys.length; i++) {
        const [a, b] = [keys[i - 1]!, keys[i]!];
        expect(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])).toBe(true);
      }
      expect(keys.every(([from, to]) => from !== to)).toBe(true);
    }

    test('above maxJobs (default 200): one node per array, critical jobs apart', () => {
      const model = buildViewModel(plan, { level: 'jobs' });
      expect(model.collapse).toBe('arrays');
      expect(model.nodes.length).toBeLessThanOrEqual(200);
      conserved(model);
      const names = model.nodes.map((n) => n.name);
      // The critical job's array keeps the rest; the other arrays are whole.
      expect(names).toContain('s2[lib1] ×19');
      expect(names).toContain('s2[lib0] ×20');
      expect(names).toContain('s2[lib1,tt_0p50v_25c]');
      // Per-library stages have one array per node.
      expect(names.filter((n) => n.startsWith('prep'))).toEqual(['prep[lib1]', 'prep[n2] ×4', 'prep[n3] ×5']);
      const group = model.nodes.find((n) => n.name === 's1[lib4] ×20')!;
      expect(group).toMatchObject({ kind: 'group', stage: 's1', jobs: 20, cpus: 2, estimateSeconds: 1200, slotSeconds: 20 * 2 * 1200, critical: false });
      expect(group.details).toEqual(['20 jobs × 2 cpus', 'estimate 20m, slack ≥ 0s']);
      // Element-wise arrays connect array to array, with the number of job dependencies.
      const s1 = model.nodes.find((n) => n.name === 's0[lib4] ×20')!;
      expect(model.edges.find((e) => e.from === s1.id && e.to === group.id)).toMatchObject({ relation: 'elementwise', count: 20, label: 'element-wise ×20' });
    });

    test('when arrays are still too many: one node per stage, critical jobs apart', () => {
      const model = buildViewModel(plan, { level: 'jobs', maxJobs: 40 });
      expect(model.collapse).toBe('stages');
      conserved(model);
      expect(model.nodes.map((n) => n.name)).toEqual([
        'prep[lib1]',
        'prep ×9',
        's0[lib1,tt_0p50v_25c]',
        's0 ×199',
        's1[lib1,tt_0p50v_25c]',
        's1 ×199',
        's2[lib1,tt_0p50v_25c]',
        's2 ×199',
        's3[lib1,tt_0p50v_25c]',
        's3 ×199',
        's4[lib1,tt_0p50v_25c]',
        's4 ×199',
        'merge[lib1]',
        'merge ×9',
        'report',
      ]);
    });

    test('a group of one is a job', () => {
      // 2 libraries × 1 corner: each array has one job.
      const small = campaign(2, 1, 2);
      const model = buildViewModel(small, { level: 'jobs', maxJobs: 3 });
      expect(model.collapse).toBe('stages');
      expect(model.nodes.every((n) => n.jobs > 1 || n.kind === 'job')).toBe(true);
      expect(model.nodes.map((n) => n.name)).toContain('s0[lib0,tt_0p50v_25c]');
    });

    test('10k jobs group quickly', () => {
      const big = campaign(50, 40, 5);
      expect(big.jobs.length).toBe(50 + 5 * 2000 + 50 + 1);
      const model = buildViewModel(big, { level: 'jobs' });
      expect(model.collapse).toBe('stages');
      expect(model.nodes.length).toBeLessThan(30);
      expect(model.edges.reduce((n, e) => n + e.count, 0)).toBe(dependencies(big));
    });
  });

  test('maxJobs must be a positive whole number', () => {
    expect(() => buildViewModel(examplePlan('minimal'), { level: 'jobs', maxJobs: 0 })).toThrow(RangeError);
  });
});
