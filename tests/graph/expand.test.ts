import { describe, expect, test } from 'vitest';
import type { FanoutKey } from '../../src/check/model.js';
import { buildPlan } from '../../src/graph/plan.js';
import {
  FF,
  LIBRARIES,
  NODES,
  SS,
  SSL,
  TT,
  TT75,
  and,
  between,
  cmp,
  corner,
  inSet,
  not,
  or,
  program,
  stageNamed,
  type StageSpec,
} from './fixtures.js';
import { codes, planOf, stageJobIds, stageOf } from './helpers.js';

function expand(keys: readonly FanoutKey[], extra: Partial<StageSpec> = {}): string[] {
  const plan = planOf(program({ nodes: NODES, libraries: LIBRARIES, stages: [{ name: 's', keys, ...extra }] }));
  return stageJobIds(plan, 's');
}

describe('fan-out', () => {
  test('no for each: one job, named after the stage', () => {
    expect(expand([])).toEqual(['s']);
  });

  test('no for each: one job even without libraries', () => {
    const plan = planOf(program({ stages: [{ name: 'alone' }] }));
    expect(plan.jobs.map((j) => j.id)).toEqual(['alone']);
    expect(plan.jobs[0]!.keys).toEqual({});
  });

  test('library, corner: by node, then library declaration order, then the library corner list', () => {
    // base_lvt is declared after x3_lvt but belongs to the first node.
    expect(expand(['library', 'corner'])).toEqual([
      `s[base_svt,${SS}]`,
      `s[base_svt,${TT}]`,
      `s[base_svt,${FF}]`,
      `s[base_lvt,${TT}]`,
      `s[base_lvt,${SSL}]`,
      `s[x3_lvt,${TT75}]`,
      `s[x3_lvt,${SS}]`,
    ]);
  });

  test('library: one job per library, node order first', () => {
    expect(expand(['library'])).toEqual(['s[base_svt]', 's[base_lvt]', 's[x3_lvt]']);
  });

  test('node: one job per node that has a library, named by the node', () => {
    const plan = planOf(
      program({ nodes: ['n0', ...NODES], libraries: LIBRARIES, stages: [{ name: 's', keys: ['node'] }] }),
    );
    expect(stageJobIds(plan, 's')).toEqual(['s[n2]', 's[n3]']);
    // Array index = position among the declared nodes.
    expect(stageOf(plan, 's').arrays).toEqual([{ keys: {}, indices: [2, 3], jobs: [0, 1] }]);
  });

  test('corner: distinct corners by first appearance over libraries in declaration order', () => {
    // base_svt: SS TT FF; x3_lvt: TT75 (SS again); base_lvt: (TT again) SSL
    expect(expand(['corner'])).toEqual([`s[${SS}]`, `s[${TT}]`, `s[${FF}]`, `s[${TT75}]`, `s[${SSL}]`]);
  });

  test('node, corner: per node, its corners by first appearance among its libraries', () => {
    expect(expand(['node', 'corner'])).toEqual([
      `s[n2,${SS}]`,
      `s[n2,${TT}]`,
      `s[n2,${FF}]`,
      `s[n2,${SSL}]`,
      `s[n3,${TT75}]`,
      `s[n3,${SS}]`,
    ]);
  });

  test('node, library, corner is the same as library, corner', () => {
    expect(expand(['node', 'library', 'corner'])).toEqual(expand(['library', 'corner']));
  });

  test('job keys hold the whole key set, including the implied node', () => {
    const plan = planOf(program({ nodes: NODES, libraries: LIBRARIES, stages: [{ name: 's', keys: ['library', 'corner'] }] }));
    expect(plan.jobs[0]!.keys).toEqual({ node: 'n2', library: 'base_svt', corner: SS });
    expect(stageOf(plan, 's').keySet).toEqual(['node', 'library', 'corner']);
    expect(stageOf(plan, 's').keys).toEqual(['library', 'corner']);
  });

  test('a fan-out with no library at all is LCP4004', () => {
    const p = program({ nodes: ['n2'], libraries: [], stages: [{ name: 'per_corner', keys: ['corner'] }] });
    const result = buildPlan(p);
    expect(result.plan).toBeUndefined();
    expect(codes(result.diagnostics)).toEqual(['LCP4004']);
    expect(result.diagnostics[0]!.primary.span).toEqual(stageNamed(p, 'per_corner').nameSpan);
  });
});

describe('where', () => {
  const lc: FanoutKey[] = ['library', 'corner'];

  test('enumeration equality', () => {
    expect(expand(lc, { where: cmp('corner.process', '==', 'ssgnp') })).toEqual([`s[base_svt,${SS}]`, `s[x3_lvt,${SS}]`]);
  });

  test('an absent optional field compares unequal to everything', () => {
    // FF, TT75 and SSL have no RC corner.
    expect(expand(['corner'], { where: cmp('corner.rc', '==', 'typical') })).toEqual([`s[${TT}]`]);
    expect(expand(['corner'], { where: cmp('corner.rc', '!=', 'typical') })).toEqual([
      `s[${SS}]`,
      `s[${FF}]`,
      `s[${TT75}]`,
      `s[${SSL}]`,
    ]);
  });

  test('orderings on an absent field are false', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [{ name: 's', keys: ['corner'], where: cmp('corner.mc_samples', '<', 5) }],
    });
    expect(codes(buildPlan(p).diagnostics)).toEqual(['LCP4004']);
  });

  test('quantities compare numerically, with tolerance for unit conversion', () => {
    // 480mV converted by a checker may be 0.48000000000000004.
    expect(expand(['corner'], { where: cmp('corner.voltage', '==', 480 * 0.001) })).toEqual([`s[${SS}]`, `s[${TT}]`]);
    expect(expand(['corner'], { where: cmp('corner.voltage', '<=', 0.48) })).toEqual([`s[${SS}]`, `s[${TT}]`, `s[${SSL}]`]);
    expect(expand(['corner'], { where: cmp('corner.voltage', '<', 0.48) })).toEqual([`s[${SSL}]`]);
    expect(expand(['corner'], { where: cmp('corner.temperature', '>', 25) })).toEqual([`s[${FF}]`]);
    expect(expand(['corner'], { where: cmp('corner.temperature', '>=', 25) })).toEqual([`s[${TT}]`, `s[${FF}]`, `s[${TT75}]`]);
  });

  test('ranges are inclusive', () => {
    expect(expand(['corner'], { where: between('corner.temperature', -40, 25) })).toEqual([
      `s[${SS}]`,
      `s[${TT}]`,
      `s[${TT75}]`,
      `s[${SSL}]`,
    ]);
  });

  test('membership, library and node fields, boolean connectives', () => {
    expect(expand(['library'], { where: inSet('library.id', ['x3_lvt', 'base_svt']) })).toEqual(['s[base_svt]', 's[x3_lvt]']);
    expect(expand(['library'], { where: cmp('library.name', '==', 'lib_base_lvt') })).toEqual(['s[base_lvt]']);
    expect(expand(['library'], { where: cmp('library.node', '==', 'n3') })).toEqual(['s[x3_lvt]']);
    expect(expand(['node'], { where: cmp('node.name', '!=', 'n2') })).toEqual(['s[n3]']);
    expect(
      expand(lc, {
        where: and(cmp('node.name', '==', 'n2'), or(cmp('corner.process', '==', 'ss'), not(cmp('corner.temperature', '<', 100)))),
      }),
    ).toEqual([`s[base_svt,${FF}]`, `s[base_lvt,${SSL}]`]);
  });

  test('template fields (kit, cells) are not comparable: never equal', () => {
    expect(codes(buildPlan(program({ nodes: NODES, libraries: LIBRARIES, stages: [{ name: 's', keys: ['library'], where: cmp('library.kit', '==', 'x') }] })).diagnostics)).toEqual(['LCP4004']);
  });

  test('a where that keeps nothing is LCP4004 at the stage name', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [{ name: 'none', keys: lc, where: cmp('corner.process', '==', 'ffg') }],
    });
    const result = buildPlan(p);
    expect(result.plan).toBeUndefined();
    expect(codes(result.diagnostics)).toEqual(['LCP4004']);
    expect(result.diagnostics[0]!.primary.span).toEqual(stageNamed(p, 'none').nameSpan);
    expect(result.diagnostics[0]!.message).toBe('stage `none` expands to no jobs');
  });

  test('declared corner fields are used (mc_samples)', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      corners: [SS, TT, FF, TT75, SSL].map((name) => corner(name, name === FF ? { mcSamples: 500 } : {})),
      stages: [{ name: 's', keys: ['corner'], where: cmp('corner.mc_samples', '>=', 100) }],
    });
    expect(stageJobIds(planOf(p), 's')).toEqual([`s[${FF}]`]);
  });
});

describe('arrays', () => {
  test('per library, corner: one array per library, indexed by the position in its corner list', () => {
    const plan = planOf(program({ nodes: NODES, libraries: LIBRARIES, stages: [{ name: 's', keys: ['library', 'corner'] }] }));
    expect(stageOf(plan, 's').arrays.map((a) => [a.keys, a.indices])).toEqual([
      [{ node: 'n2', library: 'base_svt' }, [1, 2, 3]],
      [{ node: 'n2', library: 'base_lvt' }, [1, 2]],
      [{ node: 'n3', library: 'x3_lvt' }, [1, 2]],
    ]);
  });

  test('filtered corners keep their positions: sparse indices', () => {
    const plan = planOf(
      program({
        nodes: NODES,
        libraries: LIBRARIES,
        stages: [{ name: 's', keys: ['library', 'corner'], where: cmp('corner.process', '!=', 'ttg') }],
      }),
    );
    expect(stageOf(plan, 's').arrays.map((a) => [a.keys.library, a.indices])).toEqual([
      ['base_svt', [1, 3]],
      ['base_lvt', [2]],
      ['x3_lvt', [2]],
    ]);
    for (const array of stageOf(plan, 's').arrays) {
      array.jobs.forEach((j, i) => expect(plan.jobs[j]!.arrayIndex).toBe(array.indices[i]));
    }
  });

  test('per library: one array per node, indexed by the position among the node libraries', () => {
    const plan = planOf(program({ nodes: NODES, libraries: LIBRARIES, stages: [{ name: 's', keys: ['library'] }] }));
    expect(stageOf(plan, 's').arrays.map((a) => [a.keys, a.indices])).toEqual([
      [{ node: 'n2' }, [1, 2]],
      [{ node: 'n3' }, [1]],
    ]);
  });

  test('per corner and per node, corner', () => {
    const plan = planOf(
      program({
        nodes: NODES,
        libraries: LIBRARIES,
        stages: [
          { name: 'c', keys: ['corner'], where: cmp('corner.process', '!=', 'ttg') },
          { name: 'nc', keys: ['node', 'corner'] },
        ],
      }),
    );
    expect(stageOf(plan, 'c').arrays.map((a) => [a.keys, a.indices])).toEqual([[{}, [1, 3, 5]]]);
    expect(stageOf(plan, 'nc').arrays.map((a) => [a.keys, a.indices])).toEqual([
      [{ node: 'n2' }, [1, 2, 3, 4]],
      [{ node: 'n3' }, [1, 2]],
    ]);
  });

  test('no keys: an array of one with index 1', () => {
    const plan = planOf(program({ stages: [{ name: 'setup' }] }));
    expect(stageOf(plan, 'setup').arrays).toEqual([{ keys: {}, indices: [1], jobs: [0] }]);
    expect(plan.jobs[0]!.arrayIndex).toBe(1);
  });

  test('an index above max_array_size is LCP4005, once per stage, at the stage name', () => {
    const corners = Array.from({ length: 5 }, (_, i) => `tt_0p${50 + i}v_25c`);
    const p = program({
      libraries: [
        { id: 'a', node: 'n', corners },
        { id: 'b', node: 'n', corners },
      ],
      maxArraySize: 3,
      stages: [
        { name: 'big', keys: ['library', 'corner'] },
        { name: 'small', keys: ['library', 'corner'], where: cmp('corner.voltage', '<=', 0.52) },
        { name: 'per_lib', keys: ['library'] },
      ],
    });
    const result = buildPlan(p);
    expect(result.plan).toBeUndefined();
    expect(codes(result.diagnostics)).toEqual(['LCP4005']);
    const [d] = result.diagnostics;
    expect(d!.primary.span).toEqual(stageNamed(p, 'big').nameSpan);
    expect(d!.message).toContain('index 5');
    expect(d!.help).toContain('max_array_size');
  });
});
