/** Fan-out over declared dimensions (language.md §4.1–§4.3): jobs, ids, arrays and each matching rule. */
import { describe, expect, test } from 'vitest';
import { buildPlan } from '../../src/graph/plan.js';
import { PRELUDE, checkSource } from '../helpers/program.js';
import { parentIds, planOf, stageJobIds, stageOf } from './helpers.js';

const TT = 'tt_0p75v_25c_typical';
const SS = 'ss_0p675v_m40c_typical';

function planFor(stages: string) {
  const result = checkSource(`${PRELUDE}dimension arcs = [cons, non_cons]\n${stages}`);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return planOf(result.program!);
}

const body = '{ run = shell "true" expect "x" }';

describe('dimensions', () => {
  test('a job per value, dimensions outermost; the array index is the innermost built-in key', () => {
    const p = planFor(`stage char for each library, corner, arcs ${body}`);
    expect(stageJobIds(p, 'char')).toEqual([`char[lib,${TT},cons]`, `char[lib,${SS},cons]`, `char[lib,${TT},non_cons]`, `char[lib,${SS},non_cons]`]);
    expect(stageOf(p, 'char').arrays.map((a) => [a.keys, a.indices])).toEqual([
      [{ node: 'n', library: 'lib', dimensions: { arcs: 'cons' } }, [1, 2]],
      [{ node: 'n', library: 'lib', dimensions: { arcs: 'non_cons' } }, [1, 2]],
    ]);
    expect(p.jobs.find((j) => j.id === `char[lib,${SS},non_cons]`)!.keys).toEqual({ node: 'n', library: 'lib', corner: SS, dimensions: { arcs: 'non_cons' } });
  });

  test('a stage over a dimension alone: one array indexed by the value position', () => {
    const p = planFor(`stage prep for each arcs ${body}`);
    expect(stageOf(p, 'prep').arrays.map((a) => [a.keys, a.indices])).toEqual([[{}, [1, 2]]]);
  });

  test('`where` on a dimension keeps the matching jobs', () => {
    const p = planFor(`stage char for each library, arcs where arcs != non_cons ${body}`);
    expect(stageJobIds(p, 'char')).toEqual(['char[lib,cons]']);
  });

  test('element-wise: equal key sets including the dimension', () => {
    const p = planFor(`stage a for each library, corner, arcs ${body}
stage b for each library, corner, arcs after a ${body}`);
    expect(stageOf(p, 'b').after).toEqual([{ stage: 'a', relation: 'elementwise' }]);
    expect(parentIds(p, `b[lib,${SS},non_cons]`)).toEqual([`a[lib,${SS},non_cons]`]);
  });

  test('broadcast: a per-value stage to every job with that value', () => {
    const p = planFor(`stage prep for each arcs ${body}
stage char for each library, corner, arcs after prep ${body}`);
    expect(stageOf(p, 'char').after).toEqual([{ stage: 'prep', relation: 'broadcast' }]);
    expect(parentIds(p, `char[lib,${TT},cons]`)).toEqual(['prep[cons]']);
  });

  test('gather: a stage without the dimension waits for every value', () => {
    const p = planFor(`stage char for each library, corner, arcs ${body}
stage merge for each library, corner after char ${body}
stage per_arcs for each library, arcs after char ${body}`);
    expect(stageOf(p, 'merge').after).toEqual([{ stage: 'char', relation: 'gather' }]);
    expect(parentIds(p, `merge[lib,${TT}]`)).toEqual([`char[lib,${TT},cons]`, `char[lib,${TT},non_cons]`]);
    expect(parentIds(p, 'per_arcs[lib,cons]')).toEqual([`char[lib,${TT},cons]`, `char[lib,${SS},cons]`]);
  });

  test('LCP4003: a value removed upstream by `where`', () => {
    const result = checkSource(`${PRELUDE}dimension arcs = [cons, non_cons]
stage a for each library, arcs where arcs == cons ${body}
stage b for each library, arcs after a ${body}`);
    const diagnostics = buildPlan(result.program!).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([['LCP4003', '`b` for `lib`/`non_cons` has no matching job in `a`']]);
  });

  test('no dimension: job ids and keys as before', () => {
    const p = planOf(checkSource(`${PRELUDE}stage char for each library, corner ${body}`).program!);
    expect(p.jobs[0]!.keys).toEqual({ node: 'n', library: 'lib', corner: TT });
    expect(stageOf(p, 'char').dimensions).toBeUndefined();
  });
});

describe('the limit on candidate jobs', () => {
  const values = (n: number) => `[${Array.from({ length: n }, (_, i) => `v${i}`).join(', ')}]`;
  const check = (source: string) => {
    const result = checkSource(`${PRELUDE}${source}`);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return buildPlan(result.program!);
  };

  test('a stage past it is LCP4012 at its name, reported before its jobs are made', () => {
    // 60⁴ = 12 960 000 jobs: made, they took a minute and ran out of memory at 5 GB.
    const result = check(`dimension a = ${values(60)}\ndimension b = ${values(60)}\ndimension c = ${values(60)}\ndimension d = ${values(60)}\nstage s for each a, b, c, d ${body}`);
    expect(result.plan).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([['LCP4012', 'stage `s` expands to 12,960,000 candidate jobs, more than libcc plans']]);
    expect(result.diagnostics[0]!.notes).toEqual(['a pipeline expands to at most 2,000,000 candidate jobs (before `where`), all stages together']);
  });

  test('the stages count together, `where` or not; the one that crosses it is named', () => {
    // Two stages of 1 210 000 candidates (110 × 110 × 100), the second filtered down to nothing.
    const dims = `dimension a = ${values(110)}\ndimension b = ${values(110)}\ndimension c = ${values(100)}\n`;
    const result = check(`${dims}stage one for each a, b, c ${body}\nstage two for each a, b, c where c == v0 && a == v0 && b == v0 ${body}`);
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([['LCP4012', 'stage `two` expands to 1,210,000 candidate jobs, more than libcc plans']]);
    expect(result.diagnostics[0]!.notes[0]).toMatch(/; the stages before this one have 1,210,000$/);
  });
});
