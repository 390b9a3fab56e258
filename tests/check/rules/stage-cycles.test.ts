/** LCP4001 (src/check/rules/stage-cycles.ts): cycles of `after` clauses, found before any expansion. */
import { describe, expect, test } from 'vitest';
import type { CheckedProgram } from '../../../src/check/model.js';
import { findStageCycles } from '../../../src/check/rules/stage-cycles.js';
import { afterSpan, program, type StageSpec } from '../../graph/fixtures.js';
import { codes, planOf } from '../../graph/helpers.js';
import { checkSource, codes as checkCodes } from '../../helpers/program.js';

const errorsOf = (p: CheckedProgram) => findStageCycles(p.stages);

const LIBS = [{ id: 'lib', node: 'n', corners: ['tt_0p50v_25c'] }];

function cycleProgram(stages: readonly StageSpec[]) {
  return program({ libraries: LIBS, stages });
}

describe('LCP4001: cycles of `after` clauses', () => {
  test('a 3-cycle: whole cycle in the message, every edge labelled', () => {
    const p = cycleProgram([
      { name: 'a', after: ['c'] },
      { name: 'b', after: ['a'] },
      { name: 'c', after: ['b'] },
      { name: 'd', after: ['a'] },
    ]);
    const diagnostics = errorsOf(p);
    expect(codes(diagnostics)).toEqual(['LCP4001']);
    const [d] = diagnostics;
    // a runs after c, c after b, b after a.
    expect(d!.message).toBe('`after` clauses form a cycle: `a` → `c` → `b` → `a`');
    expect(d!.primary).toEqual({ span: afterSpan(p, 'a', 'c'), message: '`a` runs after `c`' });
    expect(d!.secondary).toEqual([
      { span: afterSpan(p, 'c', 'b'), message: '`c` runs after `b`' },
      { span: afterSpan(p, 'b', 'a'), message: '`b` runs after `a`' },
    ]);
    expect(d!.help).toBeDefined();
  });

  test('a self-loop', () => {
    const p = cycleProgram([{ name: 'x', keys: ['library'], after: ['x'] }]);
    const diagnostics = errorsOf(p);
    expect(codes(diagnostics)).toEqual(['LCP4001']);
    expect(diagnostics[0]!.message).toBe('`after` clauses form a cycle: `x` → `x`');
    expect(diagnostics[0]!.primary).toEqual({ span: afterSpan(p, 'x', 'x'), message: '`x` runs after itself' });
    expect(diagnostics[0]!.secondary).toEqual([]);
  });

  test('two separate cycles are reported once each, in declaration order', () => {
    const p = cycleProgram([
      { name: 'p', after: ['q'] },
      { name: 'x', after: ['y'] },
      { name: 'q', after: ['p'] },
      { name: 'y', after: ['x'] },
      { name: 'ok', after: ['p', 'y'] },
    ]);
    const diagnostics = errorsOf(p);
    expect(diagnostics.map((d) => d.message)).toEqual([
      '`after` clauses form a cycle: `p` → `q` → `p`',
      '`after` clauses form a cycle: `x` → `y` → `x`',
    ]);
  });

  test('the shortest cycle through the first stage of a component, deterministically', () => {
    // a → b → c → a and a → c → a share a component: one report, the shorter cycle.
    const p = cycleProgram([
      { name: 'a', after: ['b', 'c'] },
      { name: 'b', after: ['c'] },
      { name: 'c', after: ['a'] },
    ]);
    const first = errorsOf(p);
    expect(first.map((d) => d.message)).toEqual(['`after` clauses form a cycle: `a` → `c` → `a`']);
    expect(errorsOf(p)).toEqual(first);
  });

  test('a self-loop inside a larger cycle is reported besides it', () => {
    const p = cycleProgram([
      { name: 'a', after: ['a', 'b'] },
      { name: 'b', after: ['a'] },
    ]);
    expect(errorsOf(p).map((d) => d.message)).toEqual([
      '`after` clauses form a cycle: `a` → `a`',
      '`after` clauses form a cycle: `a` → `b` → `a`',
    ]);
  });

  test('an acyclic diamond is not a cycle', () => {
    const p = cycleProgram([
      { name: 'top' },
      { name: 'l', after: ['top'] },
      { name: 'r', after: ['top'] },
      { name: 'bottom', after: ['l', 'r'] },
    ]);
    expect(errorsOf(p)).toEqual([]);
    expect(planOf(p).jobs.map((j) => j.id)).toEqual(['top', 'l', 'r', 'bottom']);
  });

  test('the checker reports a cycle in the same run as its other errors', () => {
    const result = checkSource(`pipeline t
node n { processes = [tt] }
corner tt_0p75v_25c_typical {}
library lib : n { corners = [tt_0p75v_25c_typical] }
stage a for each library after b { run = shell "x"  expect "x" >= 1  resources { mem = 64 } }
stage b for each library after a { run = shell "x"  expect "x" >= 1 }
`);
    expect(result.program).toBeUndefined();
    expect(checkCodes(result)).toContain('LCP4001');
    expect(checkCodes(result)).toContain('LCP3002'); // `mem = 64`: a memory needs a unit
  });
});
