import { describe, expect, test } from 'vitest';
import { buildPlan } from '../../src/graph/plan.js';
import { FF, LIBRARIES, NODES, SS, SSL, TT, TT75, afterSpan, cmp, program, stageNamed, type StageSpec } from './fixtures.js';
import { codes, errorsOf, parentIds, planOf, stageOf } from './helpers.js';

function plan(stages: readonly StageSpec[]) {
  return planOf(program({ nodes: NODES, libraries: LIBRARIES, stages }));
}

describe('matching jobs across `after`', () => {
  test('equal key sets: element-wise', () => {
    const p = plan([
      { name: 'copy', keys: ['library', 'corner'] },
      { name: 'char', keys: ['library', 'corner'], after: ['copy'] },
    ]);
    expect(stageOf(p, 'char').after).toEqual([{ stage: 'copy', relation: 'elementwise' }]);
    expect(parentIds(p, `char[base_lvt,${SSL}]`)).toEqual([`copy[base_lvt,${SSL}]`]);
    expect(parentIds(p, `char[x3_lvt,${SS}]`)).toEqual([`copy[x3_lvt,${SS}]`]);
  });

  test('upstream keys a subset: broadcast', () => {
    const p = plan([
      { name: 'setup' },
      { name: 'prep', keys: ['library'] },
      { name: 'per_corner', keys: ['corner'] },
      { name: 'char', keys: ['library', 'corner'], after: ['setup', 'prep', 'per_corner'] },
      { name: 'node_corner', keys: ['node', 'corner'], after: ['per_corner'] },
    ]);
    expect(stageOf(p, 'char').after).toEqual([
      { stage: 'setup', relation: 'broadcast' },
      { stage: 'prep', relation: 'broadcast' },
      { stage: 'per_corner', relation: 'broadcast' },
    ]);
    expect(parentIds(p, `char[x3_lvt,${SS}]`)).toEqual(['setup', 'prep[x3_lvt]', `per_corner[${SS}]`]);
    expect(parentIds(p, `node_corner[n3,${SS}]`)).toEqual([`per_corner[${SS}]`]);
  });

  test('upstream keys a superset: gather', () => {
    const p = plan([
      { name: 'char', keys: ['library', 'corner'] },
      { name: 'merge', keys: ['library'], after: ['char'] },
      { name: 'by_node', keys: ['node'], after: ['merge'] },
      { name: 'by_corner', keys: ['corner'], after: ['char'] },
      { name: 'report', after: ['merge'] },
    ]);
    expect(stageOf(p, 'merge').after).toEqual([{ stage: 'char', relation: 'gather' }]);
    expect(parentIds(p, 'merge[base_svt]')).toEqual([`char[base_svt,${SS}]`, `char[base_svt,${TT}]`, `char[base_svt,${FF}]`]);
    expect(parentIds(p, 'by_node[n2]')).toEqual(['merge[base_svt]', 'merge[base_lvt]']);
    expect(parentIds(p, `by_corner[${TT}]`)).toEqual([`char[base_svt,${TT}]`, `char[base_lvt,${TT}]`]);
    expect(parentIds(p, `by_corner[${TT75}]`)).toEqual([`char[x3_lvt,${TT75}]`]);
    expect(parentIds(p, 'report')).toEqual(['merge[base_svt]', 'merge[base_lvt]', 'merge[x3_lvt]']);
  });

  test('a gather tolerates a partly filtered group', () => {
    const p = plan([
      { name: 'lvf', keys: ['library', 'corner'], where: cmp('corner.process', '!=', 'ttg') },
      { name: 'merge', keys: ['library'], after: ['lvf'] },
    ]);
    expect(parentIds(p, 'merge[base_lvt]')).toEqual([`lvf[base_lvt,${SSL}]`]);
  });

  test('a stage named twice in `after` counts once', () => {
    const p = plan([{ name: 'a', keys: ['library'] }, { name: 'b', keys: ['library'], after: ['a', 'a'] }]);
    expect(parentIds(p, 'b[x3_lvt]')).toEqual(['a[x3_lvt]']);
    expect(stageOf(p, 'b').after).toHaveLength(1);
  });

  test('the dependant with the same where as its upstream is fine', () => {
    const where = cmp('corner.process', '==', 'ssgnp');
    const p = plan([
      { name: 'lvf', keys: ['library', 'corner'], where },
      { name: 'post', keys: ['library', 'corner'], where, after: ['lvf'] },
    ]);
    expect(parentIds(p, `post[x3_lvt,${SS}]`)).toEqual([`lvf[x3_lvt,${SS}]`]);
  });
});

describe('LCP4003: a job without its upstream', () => {
  test('element-wise counterpart removed by the upstream where', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [
        { name: 'lvf', keys: ['library', 'corner'], where: cmp('corner.process', '==', 'ssgnp') },
        { name: 'post_lvf', keys: ['library', 'corner'], after: ['lvf'], where: cmp('library.id', '==', 'x3_lvt') },
      ],
    });
    const diagnostics = errorsOf(p);
    expect(codes(diagnostics)).toEqual(['LCP4003']);
    const [d] = diagnostics;
    expect(d!.message).toBe(`\`post_lvf\` for \`x3_lvt\`/\`${TT75}\` has no matching job in \`lvf\``);
    expect(d!.primary.span).toEqual(afterSpan(p, 'post_lvf', 'lvf'));
    expect(d!.secondary.map((l) => l.span)).toEqual([stageNamed(p, 'lvf').nameSpan]);
    expect(d!.help).toContain('same `where`');
    expect(d!.notes.some((n) => n.includes('and'))).toBe(false);
  });

  test('at most three per (stage, dependency); the last counts the rest', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [
        { name: 'lvf', keys: ['library', 'corner'], where: cmp('corner.process', '==', 'ssgnp') },
        { name: 'post_lvf', keys: ['library', 'corner'], after: ['lvf'] },
      ],
    });
    const diagnostics = errorsOf(p);
    // 7 jobs, 2 with a counterpart: 5 missing → 3 reported, "and 2 more".
    expect(codes(diagnostics)).toEqual(['LCP4003', 'LCP4003', 'LCP4003']);
    const messages = diagnostics.map((d) => d.message);
    expect(messages).toContain(`\`post_lvf\` for \`base_svt\`/\`${TT}\` has no matching job in \`lvf\``);
    expect(messages).toContain(`\`post_lvf\` for \`base_svt\`/\`${FF}\` has no matching job in \`lvf\``);
    expect(messages).toContain(`\`post_lvf\` for \`base_lvt\`/\`${TT}\` has no matching job in \`lvf\``);
    // The count of the rest is on the last one, in output order.
    expect(diagnostics.map((d) => d.notes.some((n) => n.startsWith('and 2 more jobs of `post_lvf`')))).toEqual([
      false,
      false,
      true,
    ]);
  });

  test('broadcast parent removed', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [
        { name: 'prep', keys: ['library'], where: cmp('library.id', '!=', 'base_lvt') },
        { name: 'char', keys: ['library', 'corner'], after: ['prep'] },
      ],
    });
    const diagnostics = errorsOf(p);
    // Same span: sorted by message.
    expect(diagnostics.map((d) => d.message)).toEqual([
      `\`char\` for \`base_lvt\`/\`${SSL}\` has no matching job in \`prep\``,
      `\`char\` for \`base_lvt\`/\`${TT}\` has no matching job in \`prep\``,
    ]);
  });

  test('gather with the whole group removed', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [
        { name: 'lvf', keys: ['library', 'corner'], where: cmp('corner.process', '==', 'ssgnp') },
        { name: 'merge', keys: ['library'], after: ['lvf'] },
      ],
    });
    expect(errorsOf(p).map((d) => d.message)).toEqual(['`merge` for `base_lvt` has no matching job in `lvf`']);
  });

  test('an upstream stage with no job reports LCP4004 only, not a cascade', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [
        { name: 'none', keys: ['library'], where: cmp('library.id', '==', 'nope') },
        { name: 'after_none', keys: ['library'], after: ['none'] },
        { name: 'single', after: ['none'] },
      ],
    });
    expect(codes(errorsOf(p))).toEqual(['LCP4004']);
  });

  test('diagnostics are sorted by position and the plan is withheld', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [
        { name: 'lvf', keys: ['library', 'corner'], where: cmp('corner.process', '==', 'ssgnp') },
        { name: 'post_lvf', keys: ['library', 'corner'], after: ['lvf'] },
        { name: 'empty', keys: ['corner'], where: cmp('corner.process', '==', 'x') },
      ],
    });
    const result = buildPlan(p);
    expect(result.plan).toBeUndefined();
    expect(result.diagnostics.map((d) => d.primary.span.start)).toEqual(
      [...result.diagnostics.map((d) => d.primary.span.start)].sort((a, b) => a - b),
    );
    expect(new Set(codes(result.diagnostics))).toEqual(new Set(['LCP4003', 'LCP4004']));
  });
});

describe('a program the checker would reject', () => {
  test('unmatchable key sets (LCP4002, a check rule) are an internal error, never a silent plan', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [
        { name: 'merge', keys: ['library'] },
        { name: 'bad', keys: ['corner'], after: ['merge'] },
      ],
    });
    expect(() => buildPlan(p)).toThrow(/LCP4002/);
  });
});
