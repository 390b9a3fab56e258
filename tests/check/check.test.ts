import { describe, expect, it } from 'vitest';
import { checkFiles, checkSource, codes, codesAndSpans, PRELUDE, STAGE } from '../helpers/program.js';

describe('check: a valid program', () => {
  it('has no diagnostics and yields the typed model', () => {
    const result = checkSource(PRELUDE + STAGE);
    expect(codesAndSpans(result)).toEqual([]);
    const program = result.program!;
    expect(program.pipeline.name).toBe('t');
    expect(program.corners.map((c) => [c.name, c.process, c.voltage, c.temperature, c.rc])).toEqual([
      ['tt_0p75v_25c_typical', 'tt', 0.75, 25, 'typical'],
      ['ss_0p675v_m40c_typical', 'ss', 0.675, -40, 'typical'],
    ]);
    expect(program.libraries[0]).toMatchObject({ id: 'lib', name: 'lib', node: 'n', corners: ['tt_0p75v_25c_typical', 'ss_0p675v_m40c_typical'] });
    expect(program.stages[0]).toMatchObject({ name: 's', keys: ['library', 'corner'], keySet: ['node', 'library', 'corner'], estimateSource: 'none' });
    expect(program.stages[0]!.run).toMatchObject({
      kind: 'shell',
      command: { parts: [{ kind: 'text', value: 'echo ' }, { kind: 'field', entity: 'corner', field: 'name' }] },
    });
  });

  it('converts units to base units and takes the estimate from the run limit when absent', () => {
    const result = checkSource(
      PRELUDE +
        `queue q { max_mem = 1TiB  max_runtime = 3d  max_slots = 8 }
stage s for each library { run = shell "x"  expect "y"  resources { queue = q  cpus = 4  mem = 1536MiB  runtime = 90m } }`,
    );
    expect(codes(result)).toEqual([]);
    const stage = result.program!.stages[0]!;
    expect(stage.resources).toEqual({ queue: 'q', cpus: 4, memBytes: 1536 * 1024 ** 2, runtimeSeconds: 5400, licenses: [], requeueExitCodes: [] });
    expect(stage.estimateSeconds).toBe(5400);
    expect(stage.estimateSource).toBe('runtime');
    expect(stage.expects[0]).toMatchObject({ operator: '>=', count: 1 });
    expect(result.program!.queues[0]).toMatchObject({ maxMemBytes: 1024 ** 4, maxRuntimeSeconds: 3 * 86400, maxSlots: 8 });
  });

  it('uses the only queue by default and the site default otherwise', () => {
    const one = checkSource(PRELUDE + `queue q {}\n` + STAGE);
    expect(one.program!.stages[0]!.resources.queue).toBe('q');
    const two = checkSource(PRELUDE + `queue a {}\nqueue b {}\nsite { default_queue = b }\n` + STAGE);
    expect(codes(two)).toEqual(['LCP3103']); // `a` is unused
    expect(two.program!.stages[0]!.resources.queue).toBe('b');
  });
});

/** Each case: source appended to the prelude, and the expected `[code, text under the span]`. */
const CASES: [name: string, source: string, expected: [string, string][]][] = [
  ['unknown corner with did-you-mean', `library l2 : n { corners = [tt_0p75v_25c_typicl] }\n` + STAGE, [['LCP2001', 'tt_0p75v_25c_typicl']]],
  ['unknown stage in after', STAGE + `stage m for each library after ss { run = shell "x" expect "y" }\n`, [['LCP2001', 'ss']]],
  ['unknown tool', `stage m { run = liberat deck "x.tcl"  expect "y" }\n`, [['LCP2001', 'liberat']]],
  ['unknown node of a library', `library l2 : n7 { corners = [tt_0p75v_25c_typical] }\n` + STAGE, [['LCP2001', 'n7']]],
  ['duplicate stage', STAGE + STAGE, [['LCP2002', 's']]],
  ['unknown property', `stage m { run = shell "x"  expect "y"  estimat = 1h }\n`, [['LCP2006', 'estimat']]],
  ['missing required property', `tool t2 { args = [] }\n` + STAGE, [['LCP2007', 't2'], ['LCP3103', 't2']]],
  ['duplicate property', `stage m { run = shell "x"  run = shell "y"  expect "y" }\n`, [['LCP2008', 'run']]],
  ['corner field out of scope', `stage m for each library { run = shell "echo \${corner.voltage}"  expect "y" }\n`, [['LCP2009', 'corner.voltage']]],
  ['unknown field', `stage m for each library, corner { run = shell "echo \${corner.volt}"  expect "y" }\n`, [['LCP2010', 'volt']]],
  // Names every JavaScript object has are no property, field or format of a pipeline's.
  ['a property named like a built-in of JavaScript', `stage m { run = shell "x"  expect "y"  toString = 1  resources { valueOf = 2 } }\n`, [['LCP2006', 'toString'], ['LCP2006', 'valueOf']]],
  ['a field named like a built-in of JavaScript', `stage m for each library, corner where library.toString == "a" { run = shell "echo \${corner.constructor}"  expect "y" }\n`, [['LCP2010', 'toString'], ['LCP2010', 'constructor']]],
  ['a format named like a built-in of JavaScript', `stage m for each library, corner { run = shell "echo \${corner.voltage:constructor}"  expect "y" }\n`, [['LCP2013', 'constructor']]],
  ['undeclared env variable', `stage m { run = shell "echo \${FOO}"  expect "y" }\n`, [['LCP2011', 'FOO']]],
  ['unknown fan-out key', `stage m for each cell { run = shell "x"  expect "y" }\n`, [['LCP2012', 'cell']]],
  ['string where a number is expected', `stage m { run = shell "x"  expect "y"  resources { cpus = "4" } }\n`, [['LCP3001', '"4"']]],
  ['missing unit', `stage m { run = shell "x"  expect "y"  resources { mem = 64 } }\n`, [['LCP3002', '64']]],
  ['unit of the wrong kind', `stage m { run = shell "x"  expect "y"  resources { mem = 64h } }\n`, [['LCP3003', 'h']]],
  ['unknown unit', `stage m { run = shell "x"  expect "y"  resources { mem = 64Gb } }\n`, [['LCP3004', 'Gb']]],
  ['value out of range', `stage m { run = shell "x"  expect "y"  resources { cpus = 0 } }\n`, [['LCP3005', '0']]],
  ['unknown process', `corner c1 { process = sss  voltage = 0.7V  temperature = 25C }\n` + STAGE, [['LCP3103', 'c1'], ['LCP3006', 'sss']]],
  ['corner name disagrees', `corner ss_0p70v_m40c_typical { voltage = 0.72V }\nlibrary l2 : n { corners = [ss_0p70v_m40c_typical] }\n` + STAGE, [['LCP3007', '0.72V']]],
  ['corner not derivable', `corner weird {}\nlibrary l2 : n { corners = [weird] }\n` + STAGE, [['LCP3008', 'weird']]],
  ['voltage outside the node', `corner tt_1p20v_25c_typical {}\nlibrary l2 : n { corners = [tt_1p20v_25c_typical] }\n` + STAGE, [['LCP3009', 'tt_1p20v_25c_typical']]],
  ['temperature outside the node', `corner tt_0p75v_150c_typical {}\nlibrary l2 : n { corners = [tt_0p75v_150c_typical] }\n` + STAGE, [['LCP3010', 'tt_0p75v_150c_typical']]],
  ['process not offered', `corner ff_0p75v_25c_typical {}\nlibrary l2 : n { corners = [ff_0p75v_25c_typical] }\n` + STAGE, [['LCP3011', 'ff_0p75v_25c_typical']]],
  ['rc corner not offered', `corner tt_0p75v_25c_cbest_CCbest_T {}\nlibrary l2 : n { corners = [tt_0p75v_25c_cbest_CCbest_T] }\n` + STAGE, [['LCP3012', 'tt_0p75v_25c_cbest_CCbest_T']]],
  ['memory over the queue limit', `queue q { max_mem = 64GB }\nstage m { run = shell "x"  expect "y"  resources { queue = q  mem = 65GB } }\n`, [['LCP3013', '65GB']]],
  ['memory limits compare binary and decimal units', `queue q { max_mem = 64GB }\nstage m { run = shell "x"  expect "y"  resources { queue = q  mem = 60GiB } }\n`, [['LCP3013', '60GiB']]],
  ['run time over the queue limit', `queue q { max_runtime = 24h }\nstage m { run = shell "x"  expect "y"  resources { queue = q  runtime = 2d } }\n`, [['LCP3014', '2d']]],
  ['slots over the queue limit', `queue q { max_slots = 8 }\nstage m { run = shell "x"  expect "y"  resources { queue = q  cpus = 16 } }\n`, [['LCP3015', '16']]],
  ['corner listed twice', `library l2 : n { corners = [tt_0p75v_25c_typical, tt_0p75v_25c_typical] }\n` + STAGE, [['LCP3016', 'tt_0p75v_25c_typical']]],
  ['absolute path', `tool t2 { path = "/tools/bin/t2" }\nstage m { run = t2  expect "y" }\n`, [['LCP3101', '"/tools/bin/t2"']]],
  ['absolute path in a shell command', `stage m { run = shell "/opt/eda/bin/tool -x"  expect "y" }\n`, [['LCP3101', '/opt/eda/bin/tool']]],
  ['stage without expect', `stage m { run = shell "x" }\n`, [['LCP3102', 'm']]],
  ['unused env variable', `env UNUSED: string\n` + STAGE, [['LCP3103', 'UNUSED']]],
  ['rm -rf on an unquoted interpolation', `stage m for each library { run = shell "rm -rf \${work}/tmp"  expect "y" }\n`, [['LCP3104', '${work}']]],
  ['secret-looking literal', `stage m { run = shell "curl -u admin password=hunter22 x"  expect "y" }\n`, [['LCP3105', '"curl -u admin password=hunter22 x"']]],
  ['estimate over the run limit', `stage m { run = shell "x"  expect "y"  resources { runtime = 1h }  estimate = 2h }\n`, [['LCP3106', '2h']]],
  ['suppression of an unknown code', `// libcc-ignore LCP9999\n` + STAGE, [['LCP3107', 'LCP9999']]],
  ['suppression of an error code', `// libcc-ignore LCP2001\n` + STAGE, [['LCP3107', 'LCP2001']]],
];

describe('check: one diagnostic per mistake, with the right code and span', () => {
  for (const [name, source, expected] of CASES) {
    it(name, () => {
      const result = checkSource(PRELUDE + source);
      expect(codesAndSpans(result)).toEqual(expected);
    });
  }
});

describe('check: help lines', () => {
  it('suggests the closest corner name', () => {
    const result = checkSource(PRELUDE + `library l2 : n { corners = [tt_0p75v_25c_typicl] }\n` + STAGE);
    expect(result.diagnostics[0]!.help).toBe('did you mean `tt_0p75v_25c_typical`?');
  });
  it('suggests a property name and a unit', () => {
    const result = checkSource(PRELUDE + `stage m { run = shell "x"  expect "y"  estimat = 1h  resources { mem = 64Gb } }\n`);
    expect(result.diagnostics.map((d) => d.help)).toEqual(['did you mean `estimate`?', 'did you mean `64GB`?']);
  });
  it('suggests the fan-out that brings a field into scope', () => {
    const result = checkSource(PRELUDE + `stage m for each library { run = shell "echo \${corner.voltage}"  expect "y" }\n`);
    expect(result.diagnostics[0]!.help).toBe('fan the stage out with `for each library, corner`');
  });
});

describe('check: reports everything in one run', () => {
  it('collects errors from every part of the program', () => {
    const result = checkSource(
      PRELUDE +
        `library l2 : n { corners = [nope] }
stage a for each library { run = shell "echo \${corner.name}"  expect "y"  resources { mem = 4 cpus = 0 } }
stage b after zz { run = frob  expect "y" }
`,
    );
    expect(codes(result)).toEqual(['LCP2001', 'LCP2009', 'LCP3002', 'LCP3005', 'LCP2001', 'LCP2001']);
    expect(result.program).toBeUndefined();
  });
});

describe('check: suppressions', () => {
  it('silences the named warning on the next code line only', () => {
    const result = checkSource(
      PRELUDE +
        `// libcc-ignore LCP3102 (this stage only signals)

stage quiet { run = shell "x" }
stage loud { run = shell "x" }
`,
    );
    expect(codesAndSpans(result)).toEqual([['LCP3102', 'loud']]);
  });
  it('silences a warning on the comment line itself', () => {
    const result = checkSource(PRELUDE + `stage quiet { run = shell "x" } // libcc-ignore LCP3102\n`);
    expect(codes(result)).toEqual([]);
  });
  it('cannot silence errors', () => {
    const result = checkSource(PRELUDE + `// libcc-ignore LCP3002\nstage m { run = shell "x" expect "y" resources { mem = 4 } }\n`);
    expect(codes(result)).toEqual(['LCP3107', 'LCP3002']);
  });
});

describe('check: conditions', () => {
  it('resolves where clauses with units and enumerations', () => {
    const result = checkSource(PRELUDE + `stage m for each library, corner where corner.voltage < 700mV && corner.process in [ss, tt] { run = shell "x"  expect "y" }\n`);
    expect(codes(result)).toEqual([]);
    expect(result.program!.stages[0]!.where).toEqual({
      kind: 'and',
      left: { kind: 'compare', operator: '<', left: { kind: 'field', entity: 'corner', field: 'voltage' }, right: { kind: 'value', value: 0.7 } },
      right: {
        kind: 'in',
        operand: { kind: 'field', entity: 'corner', field: 'process' },
        set: [{ kind: 'value', value: 'ss' }, { kind: 'value', value: 'tt' }],
      },
    });
  });
  it('rejects mistyped conditions', () => {
    const result = checkSource(
      PRELUDE +
        `stage m1 for each library, corner where corner.voltage < 25C { run = shell "x"  expect "y" }
stage m2 for each library, corner where corner.process == sss { run = shell "x"  expect "y" }
stage m3 for each library where corner.process == ss { run = shell "x"  expect "y" }
stage m4 for each library where library.id == lbi { run = shell "x"  expect "y" }
stage m5 for each library, corner where corner.rc < 3 { run = shell "x"  expect "y" }
`,
    );
    expect(codesAndSpans(result)).toEqual([
      ['LCP3003', 'C'],
      ['LCP3006', 'sss'],
      ['LCP2009', 'corner.process'],
      ['LCP2001', 'lbi'],
      ['LCP3001', '<'],
    ]);
  });
  it('filters corner sets', () => {
    const result = checkSource(
      PRELUDE.replace('corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical]', 'corners = slow') +
        `corners all_corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical]\ncorners slow = all_corners where corner.process == ss\n` +
        STAGE,
    );
    expect(codesAndSpans(result)).toEqual([]); // `tt_…` is filtered out, but named by a set: not unused
    expect(result.program!.libraries[0]!.corners).toEqual(['ss_0p675v_m40c_typical']);
  });
});

describe('check: imports', () => {
  it('reads corners from a YAML table', () => {
    const result = checkFiles({
      'main.lcp': `pipeline t\nimport "pvt/corners.yaml"\nnode n { processes = [tt] }\nlibrary lib : n { corners = signoff }\n${STAGE}`,
      'pvt/corners.yaml': 'corners:\n  - name: tt_0p75v_25c_typical\n  - name: tt_0p80v_25c_typical\n    mc_samples: 200\nsets:\n  signoff: [tt_0p75v_25c_typical, tt_0p80v_25c_typical]\n',
    });
    expect(codes(result)).toEqual([]);
    expect(result.program!.corners.map((c) => [c.name, c.voltage, c.mcSamples])).toEqual([
      ['tt_0p75v_25c_typical', 0.75, undefined],
      ['tt_0p80v_25c_typical', 0.8, 200],
    ]);
    expect(result.program!.files).toEqual(['main.lcp', 'pvt/corners.yaml']);
  });
  it('reports errors at their place in the YAML file', () => {
    const result = checkFiles({
      'main.lcp': `pipeline t\nimport "corners.yaml"\nnode n { processes = [tt] }\nlibrary lib : n { corners = [tt_0p75v_25c_typical] }\n${STAGE}`,
      'corners.yaml': 'corners:\n  - name: tt_0p75v_25c_typical\n    voltage: 0.8V\n',
    });
    expect(codesAndSpans(result)).toEqual([['LCP3007', '0.8V']]);
    expect(result.diagnostics[0]!.primary.span.file).toBe('corners.yaml');
  });
  it('a corner of a YAML table that needs its fields written gets help in YAML, one in a pipeline in .lcp', () => {
    const yaml = checkFiles({
      'main.lcp': `pipeline t\nimport "corners.yaml"\nnode n { processes = [tt] }\nlibrary lib : n { corners = [weird] }\n${STAGE}`,
      'corners.yaml': 'corners:\n  - name: weird\n',
    });
    expect(codesAndSpans(yaml)).toEqual([['LCP3008', 'weird']]);
    expect(yaml.diagnostics[0]!.help).toBe('write the fields explicitly, e.g. `process: ssgnp, voltage: 0.48V, temperature: -40C`');
    const lcp = checkFiles({ 'main.lcp': `pipeline t\nnode n { processes = [tt] }\ncorner weird {}\nlibrary lib : n { corners = [weird] }\n${STAGE}` });
    expect(lcp.diagnostics.find((d) => d.code === 'LCP3008')!.help).toBe('write the fields explicitly, e.g. `process = ssgnp  voltage = 0.48V  temperature = -40C`');
  });
  it('reports a missing import and an unsupported one', () => {
    const result = checkFiles({ 'main.lcp': `import "nope.lcp"\nimport "notes.txt"\n${PRELUDE.replace('pipeline t\n', 'pipeline t ')}${STAGE}` });
    expect(codesAndSpans(result)).toEqual([
      ['LCP2003', '"nope.lcp"'],
      ['LCP2005', '"notes.txt"'],
    ]);
  });
  it('loads each file once, so import cycles are harmless', () => {
    const result = checkFiles({
      'main.lcp': `pipeline t\nimport "a.lcp"\n${STAGE}`,
      'a.lcp': `import "main.lcp"\nimport "b.lcp"\nnode n { processes = [tt] }`,
      'b.lcp': `import "a.lcp"\ncorner tt_0p75v_25c_typical {}\nlibrary lib : n { corners = [tt_0p75v_25c_typical] }`,
    });
    expect(codes(result)).toEqual([]);
    expect(result.program!.files).toEqual(['main.lcp', 'a.lcp', 'b.lcp']);
  });
  it('reports a missing pipeline declaration', () => {
    const result = checkSource(PRELUDE.replace('pipeline t\n', '') + STAGE);
    expect(codes(result)).toEqual(['LCP2004']);
  });
});

describe('check: one mistake, one diagnostic', () => {
  it('does not report the corner a typo meant as unused', () => {
    const result = checkSource(PRELUDE.replace('corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical]', 'corners = [tt_0p75v_25c_typicl, ss_0p675v_m40c_typical]') + STAGE);
    expect(codesAndSpans(result)).toEqual([['LCP2001', 'tt_0p75v_25c_typicl']]);
  });
  it('does not tell to declare a reserved name it refused to declare', () => {
    const result = checkSource(PRELUDE + `env LIBCC_X: path = "x"\ntool t2 { path = "\${LIBCC_X}/bin/t" }\nstage s { run = t2  expect "y" }\nstage m { run = shell "ls \${LIBCC_X}"  expect "y" }\n`);
    expect(codesAndSpans(result)).toEqual([
      ['LCP2002', 'LIBCC_X'],
      ['LCP2011', 'LIBCC_X'],
      ['LCP2011', 'LIBCC_X'],
    ]);
    for (const d of result.diagnostics.filter((d) => d.code === 'LCP2011')) {
      expect(d.help).not.toContain('declare it');
      expect(d.help).toContain('starts with `LIBCC_`');
      expect(d.fixes ?? []).toEqual([]);
    }
  });
  it('does not report the env variable a typo meant as unused', () => {
    const result = checkSource(PRELUDE + `env KIT_ROOT: path\nstage m { run = shell "ls \${KIT_RUT}"  expect "y" }\n`);
    expect(codesAndSpans(result)).toEqual([['LCP2011', 'KIT_RUT']]);
  });
  it('suggests a name whose tail was forgotten', () => {
    const result = checkSource(PRELUDE.replace('corner ss_0p675v_m40c_typical {}', 'corner ss_0p675v_m40c_cworst_CCworst_T {}').replace('ss_0p675v_m40c_typical]', 'ss_0p675v_m40c_cworst]') + STAGE);
    expect(result.diagnostics[0]!.help).toBe('did you mean `ss_0p675v_m40c_cworst_CCworst_T`?');
  });
  it('maps common words to the property they mean', () => {
    const result = checkSource(PRELUDE + `stage m { run = shell "x"  expect "y"  resources { memory = 4GB  cores = 2 } }\n`);
    expect(result.diagnostics.map((d) => d.help)).toEqual(['did you mean `mem`?', 'did you mean `cpus`?']);
  });
});

describe('check: names that would change how the generated scripts run', () => {
  for (const name of ['IFS', 'BASH_ENV', 'LIBCC_RUN_DIR', 'lcp_work', 'LSB_JOBINDEX']) {
    it(`rejects env variable ${name}`, () => {
      const result = checkSource(PRELUDE + `env ${name}: string\n` + STAGE);
      expect(codesAndSpans(result)).toEqual([['LCP2002', name]]);
    });
  }
  it('rejects a library name starting with `-` and control characters in env defaults', () => {
    const result = checkSource(PRELUDE.replace('library lib : n {', 'library lib : n { name = "-rf"') + 'env TAG: string = "a\\tb"\n' + STAGE);
    expect(codes(result)).toEqual(['LCP3005', 'LCP3103', 'LCP3005']); // name; TAG unused; TAG's default
  });
});

describe('check: absolute-path lint', () => {
  it('does not flag a path that continues a quoted expansion', () => {
    const result = checkSource(PRELUDE + `stage m { run = shell """cp a "$HOME"/out/x "\${work}"/y/z "$(pwd)"/q/r"""  expect "y" }\n`);
    expect(codes(result)).toEqual([]);
  });
  it('flags a literal absolute path in a command', () => {
    const result = checkSource(PRELUDE + `stage m { run = shell """cp a "/proj/eda/x" /opt/tools/y"""  expect "y" }\n`);
    expect(codesAndSpans(result)).toEqual([['LCP3101', '/proj/eda/x'], ['LCP3101', '/opt/tools/y']]);
  });
});
