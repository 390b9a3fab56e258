/** Declared dimensions (src/check/dimensions.ts, stages.ts, conditions.ts, templates.ts): LCP2014, LCP2015 and their scope. */
import { describe, expect, test } from 'vitest';
import { PRELUDE, checkSource, codesAndSpans } from '../helpers/program.js';

const errors = (text: string) => codesAndSpans(checkSource(PRELUDE + text)).filter(([code]) => !code.startsWith('LCP31'));

describe('dimension declarations (LCP2014)', () => {
  test('a valid dimension checks and reaches the program in declaration order', () => {
    const result = checkSource(`${PRELUDE}dimension arcs = [cons, non_cons]
dimension mode = [fast]
stage s for each library, arcs, mode { run = shell "echo \${arcs}" expect "x" }`);
    expect(codesAndSpans(result).filter(([c]) => !c.startsWith('LCP31'))).toEqual([]);
    expect(result.program!.dimensions!.map((d) => [d.name, d.values])).toEqual([
      ['arcs', ['cons', 'non_cons']],
      ['mode', ['fast']],
    ]);
    const stage = result.program!.stages[0]!;
    expect(stage.dimensions).toEqual(['arcs', 'mode']);
    expect(stage.keySet).toEqual(['node', 'library']);
  });

  test('no dimension declared: no `dimensions` in the program or its stages', () => {
    const result = checkSource(`${PRELUDE}stage s for each library { run = shell "true" expect "x" }`);
    expect(result.program!.dimensions).toBeUndefined();
    expect(result.program!.stages[0]!.dimensions).toBeUndefined();
  });

  test('an empty list, a duplicate value, a built-in key, a built-in name, an env variable', () => {
    expect(
      errors(`env MODE: string
dimension empty = []
dimension arcs = [cons, non_cons, cons]
dimension corner = [a]
dimension work = [a]
dimension MODE = [a]
`),
    ).toEqual([
      ['LCP2014', 'dimension empty = []'],
      ['LCP2014', 'cons'],
      ['LCP2014', 'corner'],
      ['LCP2014', 'work'],
      ['LCP2014', 'MODE'],
    ]);
  });

  test('a dimension declared twice is LCP2002', () => {
    expect(errors('dimension arcs = [a]\ndimension arcs = [b]\n')).toEqual([['LCP2002', 'arcs']]);
  });
});

describe('dimensions in stages', () => {
  test('an unknown key suggests a declared dimension (LCP2012)', () => {
    const result = checkSource(`${PRELUDE}dimension arcs = [cons, non_cons]
stage s for each library, arc { run = shell "true" expect "x" }`);
    expect(codesAndSpans(result)).toEqual([['LCP2012', 'arc']]);
    expect(result.diagnostics[0]!.help).toBe('did you mean `arcs`?');
  });

  test('`where` with an unknown value: LCP2015 with a did-you-mean, at the value', () => {
    const result = checkSource(`${PRELUDE}dimension arcs = [cons, non_cons]
stage s for each library, arcs where arcs == con { run = shell "true" expect "x" }`);
    expect(codesAndSpans(result)).toEqual([['LCP2015', 'con']]);
    expect(result.diagnostics[0]!.help).toBe('did you mean `cons`?');
  });

  test('`where` accepts ==, != (either order) and `in`, and rejects ordering', () => {
    expect(
      errors(`dimension arcs = [cons, non_cons]
stage a for each arcs where arcs != cons { run = shell "true" expect "x" }
stage b for each arcs where cons == arcs { run = shell "true" expect "x" }
stage c for each arcs where arcs in [cons, non_con] { run = shell "true" expect "x" }
stage d for each arcs where arcs < cons { run = shell "true" expect "x" }
`),
    ).toEqual([
      ['LCP2015', 'non_con'],
      ['LCP3001', '<'],
    ]);
  });

  test('a dimension outside the stage\u2019s `for each` is out of scope (LCP2009) in `where` and `${…}`', () => {
    expect(
      errors(`dimension arcs = [cons, non_cons]
stage a for each library where arcs == cons { run = shell "true" expect "x" }
stage b for each library { run = shell "echo \${arcs}" expect "x" }
`),
    ).toEqual([
      ['LCP2009', 'arcs'],
      ['LCP2009', 'arcs'],
    ]);
  });

  test('`${arcs}` resolves to the dimension', () => {
    const result = checkSource(`${PRELUDE}dimension arcs = [cons]
stage s for each arcs { run = shell "echo \${arcs}" expect "x" }`);
    const run = result.program!.stages[0]!.run;
    expect(run.kind === 'shell' && run.command.parts).toContainEqual({ kind: 'dimension', name: 'arcs' });
  });

  test('key sets with dimensions: LCP4002 when neither contains the other', () => {
    const result = checkSource(`${PRELUDE}dimension arcs = [cons, non_cons]
stage a for each library, arcs { run = shell "true" expect "x" }
stage b for each library, corner after a { run = shell "true" expect "x" }`);
    expect(codesAndSpans(result)).toEqual([['LCP4002', 'a']]);
    expect(result.diagnostics[0]!.notes).toEqual(['`b` has the key set {node, library, corner}', '`a` has the key set {node, library, arcs}']);
  });

  test('go-to-definition bindings: uses in `for each`, `where` and `${…}`', () => {
    const result = checkSource(`${PRELUDE}dimension arcs = [cons, non_cons]
stage s for each arcs where arcs == cons { run = shell "echo \${arcs}" expect "x" }`);
    const binding = result.bindings.lookup('dimension', 'arcs')!;
    expect(binding.kind).toBe('dimension');
    expect(binding.uses).toHaveLength(3);
  });
});

describe('LCP3108 with dimensions', () => {
  test('a stage gathering the values of a dimension and expecting a glob without a count', () => {
    const result = checkSource(`${PRELUDE}dimension arcs = [cons, non_cons]
stage char for each library, arcs { run = shell "true" expect "x" }
stage merge for each library after char { run = shell "true" expect "\${out}/*.lib" }`);
    const lint = result.diagnostics.find((d) => d.code === 'LCP3108')!;
    expect(lint.notes).toEqual(['each job gathers 2 jobs of `char` (one per arcs)']);
  });

  test('dimension values multiply the corners gathered; a dimension both stages have does not', () => {
    const gathered = (merge: string) => {
      const result = checkSource(`${PRELUDE}dimension arcs = [cons, non_cons, mpw]
stage char for each library, corner, arcs { run = shell "true" expect "x" }
stage merge for each ${merge} after char { run = shell "true" expect "\${out}/*.lib" }`);
      return result.diagnostics.find((d) => d.code === 'LCP3108')!.notes;
    };
    expect(gathered('library')).toEqual(['each job gathers 6 jobs of `char` (one per corner, arcs)']);
    expect(gathered('library, arcs')).toEqual(['each job gathers 2 jobs of `char` (one per corner)']);
    expect(gathered('library, corner')).toEqual(['each job gathers 3 jobs of `char` (one per arcs)']);
  });
});
