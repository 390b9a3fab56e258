/**
 * Per-stage work directories (language.md §6.2): `${S.work}` / `${S.work_root}` resolve only for
 * declared stages (LCP2001), upstream ones (LCP4010), and `${S.work}` only for stages whose key set
 * the reading stage's contains (LCP4011). Codes and spans.
 */
import { describe, expect, test } from 'vitest';
import { PRELUDE, checkSource, codesAndSpans } from '../../helpers/program.js';

const COPY = `stage copy for each library, corner { run = shell "true"  expect "\${work}/n.spi" }
stage kits for each library { run = shell "true"  expect "\${work}/k" }
`;

describe('reading another stage\'s directory', () => {
  test('an upstream stage with the same or fewer keys: no error, parts resolved', () => {
    const result = checkSource(`${PRELUDE}${COPY}
stage a for each library, corner after copy, kits {
  run = shell """ls "\${copy.work}" "\${kits.work}" "\${copy.work_root}" """
  expect "\${copy.work}/n.spi"
}
stage b for each library, corner after a { run = shell """ls "\${copy.work}" """  expect "x" }
`);
    expect(codesAndSpans(result)).toEqual([]);
    const a = result.program!.stages.find((s) => s.name === 'a')!;
    expect(a.run.kind === 'shell' && a.run.command.parts.filter((p) => p.kind === 'stage')).toEqual([
      { kind: 'stage', stage: 'copy', field: 'work' },
      { kind: 'stage', stage: 'kits', field: 'work' },
      { kind: 'stage', stage: 'copy', field: 'work_root' },
    ]);
  });

  test('LCP4010: a stage it does not run after, with the `after` to add', () => {
    const result = checkSource(`${PRELUDE}${COPY}
stage a for each library, corner { run = shell """ls "\${copy.work}" """  expect "x" }
`);
    expect(codesAndSpans(result)).toEqual([['LCP4010', 'copy.work']]);
    expect(result.diagnostics[0]!.help).toBe('add `after copy` to stage `a`');
  });

  test('LCP4011: a finer stage has no one directory; help names work_root', () => {
    const result = checkSource(`${PRELUDE}${COPY}
stage merge for each library after copy { run = shell "true"  expect "\${copy.work}/n.spi" >= 2 }
`);
    expect(codesAndSpans(result)).toEqual([['LCP4011', 'copy.work']]);
    expect(result.diagnostics[0]!.help).toContain('${copy.work_root}');
  });

  test('work_root of a finer stage is fine', () => {
    const result = checkSource(`${PRELUDE}${COPY}
stage merge for each library after copy { run = shell """ls "\${copy.work_root}" """  expect "x" }
`);
    expect(codesAndSpans(result)).toEqual([]);
  });

  test('LCP2001: an unknown stage, with did-you-mean; LCP2010: an unknown field', () => {
    const result = checkSource(`${PRELUDE}${COPY}
stage a for each library, corner after copy { run = shell """ls "\${cpy.work}" "\${copy.wrk}" """  expect "x" }
`);
    expect(codesAndSpans(result)).toEqual([
      ['LCP2001', 'cpy'],
      ['LCP2010', 'wrk'],
    ]);
    expect(result.diagnostics[0]!.help).toBe('did you mean `copy`?');
    expect(result.diagnostics[1]!.help).toBe('did you mean `work`?');
  });

  test('outside a stage: LCP2009', () => {
    const result = checkSource(`${PRELUDE}${COPY}site { work_root = "\${copy.work}" }
`);
    expect(codesAndSpans(result)).toEqual([['LCP2009', 'copy.work']]);
  });

  test('deck dirs read stages too, and are checked the same way', () => {
    const result = checkSource(`${PRELUDE}${COPY}
tool liberate { path = "/bin/true"  kind = liberate }
stage char for each library, corner {
  run = liberate deck "liberate/char.tcl.hbs"
  deck { dirs { netlists = "\${copy.work}/netlists" } }
  expect "x"
}
`);
    expect(codesAndSpans(result).filter(([code]) => code !== 'LCP3101')).toEqual([['LCP4010', 'copy.work']]);
  });
});

describe('tools in interpolations', () => {
  const TOOL = `tool liberate { path = "/opt/lib/bin/liberate"  version = "21.1.2" }\ntool bare { path = "/opt/bare" }\n`;
  test('${tool.T.path} and ${tool.T.version} resolve; the tool counts as used', () => {
    const result = checkSource(`${PRELUDE}${TOOL}stage a { run = shell """echo "\${tool.liberate.path}" "\${tool.liberate.version}" "\${tool.bare.path}" """  expect "x" }
`);
    expect(codesAndSpans(result).filter(([code]) => code !== 'LCP3101')).toEqual([]);
    const a = result.program!.stages[0]!;
    expect(a.run.kind === 'shell' && a.run.command.parts.filter((p) => p.kind === 'tool')).toEqual([
      { kind: 'tool', tool: 'liberate', field: 'path' },
      { kind: 'tool', tool: 'liberate', field: 'version' },
      { kind: 'tool', tool: 'bare', field: 'path' },
    ]);
  });

  test('unknown tool (did-you-mean), unknown field, a version that is not set', () => {
    const result = checkSource(`${PRELUDE}${TOOL}stage a { run = shell """echo "\${tool.libertae.path}" "\${tool.liberate.pth}" "\${tool.bare.version}" """  expect "x" }
`);
    expect(codesAndSpans(result).filter(([code]) => code !== 'LCP3101')).toEqual([
      ['LCP2001', 'libertae'],
      ['LCP2010', 'pth'],
      ['LCP2007', 'version'],
    ]);
    expect(result.diagnostics.find((d) => d.code === 'LCP2001')!.help).toBe('did you mean `liberate`?');
  });
});

describe('tool setup and env', () => {
  test('version, setup and env are read into the model', () => {
    const result = checkSource(`${PRELUDE}env T: path = "/tools"
env LIC: string = "1@lic"
tool liberate { path = "\${T}/liberate"  version = "21.1.2"  setup = "\${T}/setup.sh"  env { A = "1"  CDS_LIC_FILE = "\${LIC}" } }
stage a { run = liberate ["x"]  expect "x" }
`);
    expect(codesAndSpans(result)).toEqual([]);
    const tool = result.program!.tools[0]!;
    expect(tool.version).toBe('21.1.2');
    expect(tool.setup?.parts).toEqual([{ kind: 'env', name: 'T' }, { kind: 'text', value: '/setup.sh' }]);
    expect(tool.env.map((e) => [e.name, e.value.parts])).toEqual([
      ['A', [{ kind: 'text', value: '1' }]],
      ['CDS_LIC_FILE', [{ kind: 'env', name: 'LIC' }]],
    ]);
  });

  test('wrong types, undeclared variables and reserved names', () => {
    const result = checkSource(`${PRELUDE}tool liberate { path = "/bin/true"  version = 21  setup = "\${NOPE}/s.sh"  env { LIBCC_STAGE = "x"  B = 2 } }
stage a { run = liberate  expect "x" }
`);
    expect(codesAndSpans(result).filter(([code]) => code !== 'LCP3101')).toEqual([
      ['LCP3001', '21'],
      ['LCP2011', 'NOPE'],
      ['LCP3005', 'LIBCC_STAGE'],
      ['LCP3001', '2'],
    ]);
  });
});

describe('scheduler options and the cluster default queue', () => {
  test('site defaults under the stage options, option by option', () => {
    const result = checkSource(`${PRELUDE}site { scheduler_options { group = "char_fs"  priority = 10 } }
stage a { run = shell "true"  expect "x"  resources { scheduler { priority = 50  select = "type==X86_64"  app = "liberate" } } }
stage b { run = shell "true"  expect "x" }
`);
    expect(codesAndSpans(result)).toEqual([]);
    const [a, b] = result.program!.stages;
    const values = (o: object | undefined) => Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => k !== 'spans'));
    expect(values(a!.resources.scheduler)).toEqual({ group: 'char_fs', priority: 50, select: 'type==X86_64', app: 'liberate' });
    expect(values(b!.resources.scheduler)).toEqual({ group: 'char_fs', priority: 10 });
  });

  test('unknown option (did-you-mean), wrong types, bad strings', () => {
    const result = checkSource(`${PRELUDE}stage a { run = shell "true"  expect "x"  resources { scheduler { priorty = 5  priority = "high"  app = 3  group = ""  select = "\${X}" } } }
`);
    expect(codesAndSpans(result)).toEqual([
      ['LCP2006', 'priorty'],
      ['LCP3001', '"high"'],
      ['LCP3001', '3'],
      ['LCP3005', '""'],
      ['LCP3005', '"${X}"'],
    ]);
    expect(result.diagnostics[0]!.help).toBe('did you mean `priority`?');
  });

  test('queue = default: no queue, also with several queues; a queue declared `default` is LCP2017', () => {
    const ok = checkSource(`${PRELUDE}queue normal {}
queue short {}
stage a { run = shell "true"  expect "x"  resources { queue = default } }
`);
    expect(codesAndSpans(ok)).toEqual([
      ['LCP3103', 'normal'],
      ['LCP3103', 'short'],
    ]);
    expect(ok.program!.stages[0]!.resources.queue).toBeUndefined();
    const reserved = checkSource(`${PRELUDE}queue default {}
stage a { run = shell "true"  expect "x" }
`);
    expect(codesAndSpans(reserved)).toEqual([['LCP2017', 'default']]);
  });

  test('several queues and no choice: LCP2007 names queue = default in its help', () => {
    const result = checkSource(`${PRELUDE}queue normal {}
queue short {}
stage a { run = shell "true"  expect "x" }
`);
    expect(codesAndSpans(result).filter(([code]) => code !== 'LCP3103')).toEqual([['LCP2007', 'a']]);
    expect(result.diagnostics.find((d) => d.code === 'LCP2007')!.help).toContain('`queue = default`');
  });
});
