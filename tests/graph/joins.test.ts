/** Joins over complementary filters (language.md §4.2): `after copy, char | char_mb`, LCP4007, LCP4008, the LCP4003 hint. */
import { describe, expect, test } from 'vitest';
import { buildPlan } from '../../src/graph/plan.js';
import { formatPlanJson } from '../../src/graph/format-plan.js';
import { planSubmission } from '../../src/submission/plan.js';
import { checkSource } from '../helpers/program.js';
import { parentIds, planOf, stageOf } from './helpers.js';

const TT = 'tt_0p75v_25c_typical';
const SS = 'ss_0p675v_m40c_typical';
const PROGRAM = `pipeline t
attribute library.multibit: bool = false
node n { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner ${TT} {}
corner ${SS} {}
library lib : n { corners = [${TT}, ${SS}] }
library mb : n { multibit = true  corners = [${TT}] }
stage copy for each library { run = shell "true" expect "x" }
stage char for each library, corner after copy where !library.multibit { run = shell "true" expect "x" }
stage char_mb for each library, corner after copy where library.multibit { run = shell "true" expect "x" }
`;

function checked(stages: string) {
  const result = checkSource(PROGRAM + stages);
  expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return { program: result.program!, text: PROGRAM + stages };
}

const at = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

describe('joins', () => {
  test('each job waits for the one alternative that matches; the plan records the choice', () => {
    const p = planOf(checked('stage merge for each library, corner after copy, char | char_mb { run = shell "true" expect "x" }').program);
    expect(parentIds(p, `merge[lib,${SS}]`)).toEqual(['copy[lib]', `char[lib,${SS}]`]);
    expect(parentIds(p, `merge[mb,${TT}]`)).toEqual(['copy[mb]', `char_mb[mb,${TT}]`]);
    expect(p.jobs.find((j) => j.id === `merge[mb,${TT}]`)!.joins).toEqual(['char_mb']);
    expect(p.jobs.find((j) => j.id === 'copy[lib]')!.joins).toBeUndefined();
    expect(stageOf(p, 'merge').after).toEqual([
      { stage: 'copy', relation: 'broadcast' },
      { stage: 'char', relation: 'elementwise', join: 0 },
      { stage: 'char_mb', relation: 'elementwise', join: 0 },
    ]);
    const json = JSON.parse(formatPlanJson(p)) as { jobs: { id: string; joins?: string[] }[] };
    expect(json.jobs.find((j) => j.id === `merge[lib,${TT}]`)!.joins).toEqual(['char']);
    // The submission plan: each merge array waits for its own alternative, element-wise.
    const units = planSubmission(p);
    const merge = units.filter((u) => u.stage === 'merge');
    const name = (id: number) => units[id]!.stage;
    expect(merge.map((u) => u.deps.map((d) => [d.kind, name(d.unit)]))).toEqual([
      [['element', 'copy'], ['each', 'char']],
      [['element', 'copy'], ['each', 'char_mb']],
    ]);
  });

  test('a gather over a join: per library, the alternative of that library', () => {
    const p = planOf(checked('stage lib_merge for each library after char | char_mb { run = shell "true" expect "x" }').program);
    expect(parentIds(p, 'lib_merge[lib]')).toEqual([`char[lib,${TT}]`, `char[lib,${SS}]`]);
    expect(parentIds(p, 'lib_merge[mb]')).toEqual([`char_mb[mb,${TT}]`]);
  });

  test('LCP4007: jobs no alternative matches, at the join, listing the first jobs', () => {
    const { program, text } = checked(`stage mb_tt for each library, corner where library.multibit { run = shell "true" expect "x" }
stage merge for each library, corner after char_mb | mb_tt { run = shell "true" expect "x" }`);
    const diagnostics = buildPlan(program).diagnostics.filter((d) => d.code === 'LCP4007');
    expect(diagnostics.map((d) => [d.message, at(text, d.primary.span)])).toEqual([
      ['2 jobs of `merge` match no alternative of `char_mb` | `mb_tt`', 'char_mb | mb_tt'],
    ]);
    expect(diagnostics[0]!.notes).toEqual([`uncovered: \`lib\`/\`${TT}\`, \`lib\`/\`${SS}\``]);
  });

  test('LCP4008: jobs several alternatives match', () => {
    const { program, text } = checked('stage over for each library, corner after char | copy { run = shell "true" expect "x" }');
    const diagnostics = buildPlan(program).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.message, at(text, d.primary.span)])).toEqual([
      ['LCP4008', '2 jobs of `over` match more than one alternative of `char` | `copy`', 'char | copy'],
    ]);
    expect(diagnostics[0]!.notes[0]).toBe(`\`lib\`/\`${TT}\` matches \`char\` and \`copy\``);
  });

  test('LCP4003 on `after a, b` suggests `after a | b` when the two are complementary', () => {
    const { program } = checked('stage bad for each library, corner after char, char_mb { run = shell "true" expect "x" }');
    const diagnostics = buildPlan(program).diagnostics;
    expect(new Set(diagnostics.map((d) => d.code))).toEqual(new Set(['LCP4003']));
    for (const d of diagnostics) expect(d.help).toMatch(/write `after char \| char_mb`$/);
  });

  test('LCP4003 without a complementary dependency keeps its usual help', () => {
    const { program } = checked('stage bad for each library, corner after copy, char { run = shell "true" expect "x" }');
    const diagnostics = buildPlan(program).diagnostics;
    expect(diagnostics.map((d) => d.code)).toEqual(['LCP4003']);
    expect(diagnostics[0]!.help).toBe('give `bad` the same `where` as `char` so it skips these jobs too');
  });

  test('LCP4002 applies to each alternative', () => {
    const result = checkSource(`${PROGRAM}stage per_corner for each corner { run = shell "true" expect "x" }
stage x for each library after char | per_corner { run = shell "true" expect "x" }`);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['LCP4002']);
  });
});
