import { describe, expect, test } from 'vitest';
import { formatDuration, formatPlanJson, formatPlanText, formatSlotHours } from '../../src/graph/format-plan.js';
import { buildPlan, type Plan } from '../../src/graph/plan.js';
import type { JobKeys } from '../../src/graph/types.js';
import { LIBRARIES, NODES, cmp, program } from '../graph/fixtures.js';

function tanager(slots?: number): Plan {
  const p = program({
    pipeline: 'n2_tanager',
    nodes: NODES,
    libraries: LIBRARIES,
    stages: [
      { name: 'setup', estimate: 45 },
      { name: 'copy_kits', keys: ['library', 'corner'], after: ['setup'], estimate: 600 },
      { name: 'characterize', keys: ['library', 'corner'], after: ['copy_kits'], estimate: 8 * 3600, cpus: 16 },
      {
        name: 'lvf',
        keys: ['library', 'corner'],
        after: ['characterize'],
        where: cmp('corner.process', '==', 'ssgnp'),
        estimate: 3600,
        cpus: 8,
      },
      { name: 'merge', keys: ['library'], after: ['characterize'], estimate: 300 },
    ],
  });
  const result = buildPlan(p, slots === undefined ? {} : { slots });
  expect(result.diagnostics).toEqual([]);
  return result.plan!;
}

describe('formatDuration', () => {
  test.each([
    [0, '0s'],
    [0.4, '0s'],
    [45, '45s'],
    [600, '10m'],
    [8 * 3600 + 600, '8h 10m'],
    [3600 + 1, '1h 1s'],
    [2 * 86400, '2d'],
    [90061, '1d 1h 1m 1s'],
    [59.6, '1m'],
  ])('%s s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test('slot-hours with one decimal', () => {
    expect(formatSlotHours(0)).toBe('0.0');
    expect(formatSlotHours(4200)).toBe('1.2');
    expect(formatSlotHours(16 * 7 * 8 * 3600)).toBe('896.0');
  });
});

describe('formatPlanText', () => {
  test('header, stage table, critical path, makespan and slot-hours', () => {
    expect(formatPlanText(tanager(64))).toBe(
      [
        'pipeline n2_tanager: 5 stages, 20 jobs',
        '',
        'stage         for each         jobs  cpus  estimate  slack  slot-hours',
        'setup         -                   1     1       45s     0s         0.0',
        'copy_kits     library, corner     7     1       10m     0s         1.2',
        'characterize  library, corner     7    16        8h     0s       896.0',
        'lvf           library, corner     2     8        1h     0s        16.0',
        'merge         library             3     1        5m    55m         0.3',
        '',
        'critical path',
        '     start      finish  stage         job',
        '        0s         45s  setup         setup',
        '       45s     10m 45s  copy_kits     copy_kits[base_svt,ssgnp_0p48v_m40c_cworst_CCworst_T]',
        '   10m 45s  8h 10m 45s  characterize  characterize[base_svt,ssgnp_0p48v_m40c_cworst_CCworst_T]',
        '8h 10m 45s  9h 10m 45s  lvf           lvf[base_svt,ssgnp_0p48v_m40c_cworst_CCworst_T]',
        '',
        'makespan:                9h 10m 45s',
        'makespan with 64 slots:  16h 15m 45s',
        'total slot-hours:        913.4',
        '',
      ].join('\n'),
    );
  });

  test('without --slots there is no scheduled makespan line', () => {
    const text = formatPlanText(tanager());
    expect(text).not.toContain('slots');
    expect(text.endsWith('total slot-hours:  913.4\n')).toBe(true);
  });

  test('singular nouns, no trailing spaces, one trailing newline, deterministic', () => {
    const plan = buildPlan(program({ pipeline: 'p', stages: [{ name: 'only', estimate: 5 }] }), { slots: 1 }).plan!;
    const text = formatPlanText(plan);
    expect(text.split('\n')[0]).toBe('pipeline p: 1 stage, 1 job');
    expect(text).toContain('makespan with 1 slot:');
    for (const line of text.split('\n')) expect(line).toBe(line.trimEnd());
    expect(text.endsWith('\n') && !text.endsWith('\n\n')).toBe(true);
    expect(formatPlanText(plan)).toBe(text);
  });
});

describe('formatPlanJson', () => {
  test('stable key order, 2-space indent, trailing newline, ids for job references', () => {
    const plan = tanager(64);
    const json = formatPlanJson(plan);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.split('\n')[1]).toBe('  "version": 1,');
    const document = JSON.parse(json);
    expect(Object.keys(document)).toEqual([
      'version',
      'pipeline',
      'makespanSeconds',
      'slotSeconds',
      'slots',
      'stages',
      'criticalPath',
      'jobs',
    ]);
    expect(document.slots).toEqual({ cap: 64, makespanSeconds: plan.slots!.makespanSeconds });
    const merge = document.jobs.find((j: { id: string }) => j.id === 'merge[base_lvt]');
    expect(merge).toEqual({
      id: 'merge[base_lvt]',
      stage: 'merge',
      keys: { node: 'n2', library: 'base_lvt' },
      arrayIndex: 2,
      parents: ['characterize[base_lvt,ttg_0p48v_25c_typical]', 'characterize[base_lvt,ss_0p45v_m40c]'],
      cpus: 1,
      estimateSeconds: 300,
      earliestStart: 45 + 600 + 8 * 3600,
      earliestFinish: 45 + 600 + 8 * 3600 + 300,
      latestStart: 45 + 600 + 9 * 3600 - 300,
      slack: 3300,
      scheduledStart: plan.slots!.start[plan.jobs.findIndex((j) => j.id === 'merge[base_lvt]')],
    });
    expect(document.stages[3].arrays).toEqual([
      { keys: { node: 'n2', library: 'base_svt' }, indices: [1], jobs: ['lvf[base_svt,ssgnp_0p48v_m40c_cworst_CCworst_T]'] },
      { keys: { node: 'n3', library: 'x3_lvt' }, indices: [2], jobs: ['lvf[x3_lvt,ssgnp_0p48v_m40c_cworst_CCworst_T]'] },
    ]);
    expect(document.criticalPath[0]).toEqual({ job: 'setup', stage: 'setup', start: 0, finish: 45 });
    expect(formatPlanJson(plan)).toBe(json);
  });

  test('each job is the text JSON.stringify makes of it, whatever keys, parents and joins it has', () => {
    // The generic serialisation plan.json's jobs were made with before they were written directly.
    const reference = (plan: Plan): string => {
      const ids = plan.jobs.map((job) => job.id);
      const jobs = plan.jobs.map((job, index) => ({
        id: job.id,
        stage: job.stage,
        keys: {
          ...(job.keys.node === undefined ? {} : { node: job.keys.node }),
          ...(job.keys.library === undefined ? {} : { library: job.keys.library }),
          ...(job.keys.corner === undefined ? {} : { corner: job.keys.corner }),
          ...(job.keys.group === undefined ? {} : { group: job.keys.group, corners: [...(job.keys.corners ?? [])] }),
          ...(job.keys.dimensions === undefined ? {} : { dimensions: { ...job.keys.dimensions } }),
        },
        arrayIndex: job.arrayIndex,
        parents: job.parents.map((p) => ids[p]!),
        ...(job.joins === undefined ? {} : { joins: [...job.joins] }),
        cpus: job.cpus,
        estimateSeconds: job.estimateSeconds,
        earliestStart: job.earliestStart,
        earliestFinish: job.earliestFinish,
        latestStart: job.latestStart,
        slack: job.slack,
        ...(plan.slots === undefined ? {} : { scheduledStart: plan.slots.start[index]! }),
      }));
      const text = formatPlanJson(plan);
      const head = text.slice(0, text.indexOf('\n  "jobs": [') + '\n  "jobs": '.length);
      return `${head}${JSON.stringify(jobs, null, 2).replace(/\n/g, '\n  ')}\n}\n`;
    };
    const keys: JobKeys[] = [
      {},
      { node: 'n2' },
      { node: 'n2', library: 'a "quoted"\\ lib', corner: 'c\u00e9\u2014\n' },
      { library: 'l', group: 'g', corners: ['c1', 'c2'] },
      { library: 'l', group: 'g', corners: [] },
      { corner: 'c', dimensions: { arcs: 'a1', vt: 'lvt' } },
      { dimensions: {} },
      { dimensions: { gone: undefined as unknown as string } },
    ];
    for (const slots of [undefined, 64]) {
      const plan = tanager(slots);
      const varied: Plan = {
        ...plan,
        jobs: plan.jobs.map((job, i) => ({
          ...job,
          keys: keys[i % keys.length]!,
          ...(i % 3 === 0 ? { joins: [] } : i % 3 === 1 ? { joins: ['copy_kits', 'x'] } : {}),
          ...(i === 1 ? { estimateSeconds: Number.NaN, slack: -0, latestStart: 1e21, parents: [] } : {}),
        })),
      };
      expect(formatPlanJson(varied)).toBe(reference(varied));
      expect(formatPlanJson(plan)).toBe(reference(plan));
    }
  });

  test('no `slots` key without a cap', () => {
    expect(Object.keys(JSON.parse(formatPlanJson(tanager())))).not.toContain('slots');
  });
});
