/** LCP4002 (src/check/rules/fanout-matching.ts): `after` between key sets neither of which contains the other. */
import { describe, expect, test } from 'vitest';
import type { CheckedProgram } from '../../../src/check/model.js';
import { findUnmatchableFanout } from '../../../src/check/rules/fanout-matching.js';
import { LIBRARIES, NODES, afterSpan, program } from '../../graph/fixtures.js';
import { codes } from '../../graph/helpers.js';
import { checkSource, codes as checkCodes } from '../../helpers/program.js';

const errorsOf = (p: CheckedProgram) => findUnmatchableFanout(p.stages);

describe('LCP4002: key sets that cannot be matched', () => {
  test('per corner after per library, once per stage pair, at the after clause', () => {
    const p = program({
      nodes: NODES,
      libraries: LIBRARIES,
      stages: [
        { name: 'merge', keys: ['library'] },
        { name: 'by_corner', keys: ['corner'], after: ['merge'] },
        { name: 'nc', keys: ['node', 'corner'], after: ['merge'] },
      ],
    });
    const diagnostics = errorsOf(p);
    expect(codes(diagnostics)).toEqual(['LCP4002', 'LCP4002']);
    expect(diagnostics[0]!.primary.span).toEqual(afterSpan(p, 'by_corner', 'merge'));
    expect(diagnostics[0]!.notes).toEqual([
      '`by_corner` has the key set {corner}',
      '`merge` has the key set {node, library}',
    ]);
    expect(diagnostics[1]!.primary.span).toEqual(afterSpan(p, 'nc', 'merge'));
  });
});

describe('LCP4002 in the checker', () => {
  test('reported by the checker, in the same run as its other errors', () => {
    const result = checkSource(`pipeline t
node n { processes = [tt] }
corner tt_0p75v_25c_typical {}
library lib : n { corners = [tt_0p75v_25c_typical] }
stage merge for each library { run = shell "x"  expect "x" >= 1 }
stage by_corner for each corner after merge { run = shell "x"  expect "x" >= 1  resources { mem = 64 } }
`);
    expect(result.program).toBeUndefined();
    expect(checkCodes(result)).toContain('LCP4002');
    expect(checkCodes(result).length).toBeGreaterThan(1);
  });
});
