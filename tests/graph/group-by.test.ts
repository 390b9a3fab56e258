/** Grouped fan-out (language.md §4.1, §4.2, §4.3): groups, names, array indices and each matching rule. */
import { describe, expect, test } from 'vitest';
import { checkSource } from '../helpers/program.js';
import { parentIds, planOf, stageJobIds, stageOf } from './helpers.js';

const M48 = 'ssgnp_0p48v_m40c_cworst_CCworst_T';
const M52 = 'ssgnp_0p52v_m40c_cworst_CCworst_T';
const H48 = 'ssgnp_0p48v_125c_cworst_CCworst_T';
const TT = 'ttg_0p48v_25c_typical';
const PROGRAM = `pipeline g
node tcbn02 { vdd = 0.40V .. 0.95V  temperature = -40C .. 150C  processes = [ssgnp, ttg]  rc_corners = [cworst_CCworst_T, typical] }
corner ${M48} {}
corner ${M52} {}
corner ${H48} {}
corner ${TT} {}
library base_svt : tcbn02 { corners = [${M48}, ${TT}, ${M52}, ${H48}] }
library base_lvt : tcbn02 { corners = [${M52}] }
stage char for each library, corner { run = shell "true" expect "x" }
`;
const body = '{ run = shell "true" expect "x" }';

function planFor(stages: string) {
  const result = checkSource(PROGRAM + stages);
  expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return planOf(result.program!);
}

describe('group by', () => {
  test('one job per library and group, named in corner-style order, indexed by group position', () => {
    const p = planFor(`stage lvf for each library, corner group by rc, temperature, process ${body}`);
    expect(stageJobIds(p, 'lvf')).toEqual([
      'lvf[base_svt,ssgnp_m40c_cworst_CCworst_T]',
      'lvf[base_svt,ttg_25c_typical]',
      'lvf[base_svt,ssgnp_125c_cworst_CCworst_T]',
      'lvf[base_lvt,ssgnp_m40c_cworst_CCworst_T]',
    ]);
    expect(stageOf(p, 'lvf').arrays.map((a) => a.indices)).toEqual([[1, 2, 3], [1]]);
    expect(p.jobs.find((j) => j.id === 'lvf[base_svt,ssgnp_m40c_cworst_CCworst_T]')!.keys).toEqual({
      node: 'tcbn02',
      library: 'base_svt',
      group: 'ssgnp_m40c_cworst_CCworst_T',
      corners: [M48, M52],
    });
  });

  test('`where` on a grouped field; array indices keep the group positions', () => {
    const p = planFor(`stage lvf for each library, corner group by process, temperature where corner.process == ssgnp ${body}`);
    expect(stageOf(p, 'lvf').arrays.map((a) => a.indices)).toEqual([[1, 3], [1]]);
  });

  test('gather: a grouped stage after a per-corner one waits for the group\u2019s corners', () => {
    const p = planFor(`stage lvf for each library, corner group by process, temperature after char ${body}`);
    expect(stageOf(p, 'lvf').after).toEqual([{ stage: 'char', relation: 'gather' }]);
    expect(parentIds(p, 'lvf[base_svt,ssgnp_m40c]')).toEqual([`char[base_svt,${M48}]`, `char[base_svt,${M52}]`]);
  });

  test('broadcast: a per-corner stage after a grouped one waits for its group', () => {
    const p = planFor(`stage lvf for each library, corner group by process, temperature ${body}
stage post for each library, corner after lvf ${body}`);
    expect(stageOf(p, 'post').after).toEqual([{ stage: 'lvf', relation: 'broadcast' }]);
    expect(parentIds(p, `post[base_svt,${M52}]`)).toEqual(['lvf[base_svt,ssgnp_m40c]']);
    expect(parentIds(p, `post[base_svt,${H48}]`)).toEqual(['lvf[base_svt,ssgnp_125c]']);
  });

  test('element-wise: the same grouping; gather from a per-library stage', () => {
    const p = planFor(`stage lvf for each library, corner group by process, temperature ${body}
stage lvf2 for each library, corner group by process, temperature after lvf ${body}
stage merge for each library after lvf2 ${body}`);
    expect(stageOf(p, 'lvf2').after).toEqual([{ stage: 'lvf', relation: 'elementwise' }]);
    expect(parentIds(p, 'lvf2[base_lvt,ssgnp_m40c]')).toEqual(['lvf[base_lvt,ssgnp_m40c]']);
    expect(parentIds(p, 'merge[base_svt]')).toEqual(['lvf2[base_svt,ssgnp_m40c]', 'lvf2[base_svt,ttg_25c]', 'lvf2[base_svt,ssgnp_125c]']);
  });

  test('without `library`: groups over all corners in use, indexed by first appearance', () => {
    const p = planFor(`stage g for each corner group by process ${body}`);
    expect(stageJobIds(p, 'g')).toEqual(['g[ssgnp]', 'g[ttg]']);
    expect(p.jobs.find((j) => j.id === 'g[ssgnp]')!.keys.corners).toEqual([M48, M52, H48]);
  });
});
