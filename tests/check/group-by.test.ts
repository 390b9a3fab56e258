/** `for each library, corner group by …` in the checker: LCP2016, the scope of corner fields, `${group}`, LCP4002. */
import { describe, expect, test } from 'vitest';
import { checkSource, codesAndSpans } from '../helpers/program.js';

const PRELUDE = `pipeline t
node n { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner ss_0p675v_m40c_typical {}
corner ss_0p72v_m40c_typical {}
library lib : n { corners = [ss_0p675v_m40c_typical, ss_0p72v_m40c_typical] }
`;

const errors = (text: string) => codesAndSpans(checkSource(PRELUDE + text)).filter(([code]) => !code.startsWith('LCP31'));

describe('group by', () => {
  test('a valid grouping reaches the stage model in canonical field order', () => {
    const result = checkSource(`${PRELUDE}stage lvf for each library, corner group by rc, temperature, process where corner.process == ss {
  run = shell "echo \${group} \${corner.temperature}"
  expect "x"
}`);
    expect(codesAndSpans(result).filter(([c]) => !c.startsWith('LCP31'))).toEqual([]);
    const stage = result.program!.stages[0]!;
    expect(stage.groupBy).toEqual(['process', 'temperature', 'rc']);
    expect(stage.run.kind === 'shell' && stage.run.command.parts).toContainEqual({ kind: 'group' });
  });

  test('LCP2016: unknown field (did-you-mean), `name`, and no `corner` to group', () => {
    const result = checkSource(`${PRELUDE}stage a for each library, corner group by proces { run = shell "true" expect "x" }
stage b for each library, corner group by name { run = shell "true" expect "x" }
stage c for each library group by process { run = shell "true" expect "x" }`);
    expect(codesAndSpans(result).filter(([c]) => !c.startsWith('LCP31'))).toEqual([
      ['LCP2016', 'proces'],
      ['LCP2016', 'name'],
      ['LCP2016', 'group by process'],
    ]);
    expect(result.diagnostics.find((d) => d.code === 'LCP2016')!.help).toBe('did you mean `process`?');
  });

  test('a corner field the group does not share is out of scope (LCP2009), in `${…}` and `where`', () => {
    expect(
      errors(`stage a for each library, corner group by process { run = shell "echo \${corner.voltage}" expect "x" }
stage b for each library, corner group by process where corner.voltage < 0.7V { run = shell "true" expect "x" }
stage c for each library, corner group by process { run = shell "echo \${corner.name}" expect "x" }`),
    ).toEqual([
      ['LCP2009', 'corner.voltage'],
      ['LCP2009', 'corner.voltage'],
      ['LCP2009', 'corner.name'],
    ]);
  });

  test('`${corner}` in a grouped stage points at `${group}`', () => {
    const result = checkSource(`${PRELUDE}stage a for each library, corner group by process { run = shell "echo \${corner}" expect "x" }`);
    expect(codesAndSpans(result)).toContainEqual(['LCP2010', 'corner']);
    expect(result.diagnostics.find((d) => d.code === 'LCP2010')!.help).toBe('the stage\u2019s jobs are groups of corners: use `${group}` or the fields they share (`${corner.process}`)'.replace('\u2019', "'"));
  });

  test('`${group}` outside a grouped stage is not the group', () => {
    expect(errors('stage a for each library, corner { run = shell "true" expect "${group}" }').map(([c]) => c)).toContain('LCP2011');
  });

  test('LCP4002: two stages grouping corners differently', () => {
    const result = checkSource(`${PRELUDE}stage a for each library, corner group by process { run = shell "true" expect "x" }
stage b for each library, corner group by process, temperature after a { run = shell "true" expect "x" }`);
    expect(codesAndSpans(result)).toEqual([['LCP4002', 'a']]);
    expect(result.diagnostics[0]!.notes).toEqual([
      '`b` groups corners by process, temperature',
      '`a` groups corners by process',
      'a group of one stage may hold corners of several groups of the other, and the reverse',
    ]);
  });
});
