/**
 * Typed user attributes (docs/language.md §2.3), interpolation formats (§6.1) and the
 * diagnostics of issue 8 that used to mislead.
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/driver/analyse.js';
import { indexProgram, jobLiterals } from '../../src/emit/jobs.js';
import { applyFormat } from '../../src/check/formats.js';
import { DEFAULT_NOTATION } from '../../src/check/corner-name.js';
import { suggestRcCorner } from '../../src/check/vocabulary.js';
import { DEFAULT_RC_CORNERS } from '../../src/check/vocabulary.js';
import { builtinTemplates, templatesWith } from '../helpers/analysis.js';
import { checkFiles, checkSource, codes, codesAndSpans, loadFiles, PRELUDE } from '../helpers/program.js';

const ATTRIBUTES = `attribute library.lpe_dir: string = "LPE"
attribute library.multibit: bool = false
attribute corner.product: string
attribute node.foundry: string = "tsmc"
attribute corner.vnom: voltage = 0.5V
`;

const PROGRAM = `pipeline t
${ATTRIBUTES}
node n { processes = [ss, tt]  rc_corners = [typical]  foundry = "samsung" }
corner tt_0p75v_25c_typical { product = "auto" }
corner ss_0p675v_m40c_typical { product = "consumer" }
library a : n { lpe_dir = "LPE_v2"  multibit = true  corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical] }
library b : n { corners = [tt_0p75v_25c_typical] }
`;

function literalsOf(text: string, stage: string): Map<string, string>[] {
  const loaded = loadFiles({ 'main.lcp': text });
  const analysis = analyse(loaded, { templates: builtinTemplates() });
  expect(codes(analysis)).toEqual([]);
  const index = indexProgram(analysis.program!);
  const model = index.stages.get(stage)!;
  return analysis.plan!.jobs.filter((job) => job.stage === stage).map((job) => jobLiterals(job, model, index));
}

describe('user attributes', () => {
  it('are declared with a type and a default, set in blocks and YAML, and kept in the model', () => {
    const result = checkFiles({
      'main.lcp': PROGRAM.replace('corner ss_0p675v_m40c_typical { product = "consumer" }', 'import "c.yaml"'),
      'c.yaml': 'corners:\n  - name: ss_0p675v_m40c_typical\n    product: consumer\n',
    });
    expect(codesAndSpans(result)).toEqual([]);
    const program = result.program!;
    expect(program.libraries.map((l) => [l.id, l.attributes])).toEqual([
      ['a', { lpe_dir: 'LPE_v2', multibit: true }],
      ['b', { lpe_dir: 'LPE', multibit: false }],
    ]);
    expect(program.corners.map((c) => c.attributes)).toEqual([
      { product: 'auto', vnom: 0.5 },
      { product: 'consumer', vnom: 0.5 },
    ]);
    expect(program.nodes[0]!.attributes).toEqual({ foundry: 'samsung' });
    expect(program.attributes?.map((a) => `${a.entity}.${a.name}:${a.type}`)).toEqual([
      'node.foundry:string',
      'library.lpe_dir:string',
      'library.multibit:bool',
      'corner.product:string',
      'corner.vnom:voltage',
    ]);
  });

  it('leave programs without attributes unchanged', () => {
    const program = checkSource(PRELUDE).program!;
    expect(program.attributes).toBeUndefined();
    expect(program.libraries[0]!.attributes).toBeUndefined();
  });

  it('report unknown, missing, mistyped and badly declared attributes', () => {
    const bad = checkSource(`pipeline t
attribute library.lpe_dir: string
attribute library.depth: int = "3"
attribute stage.owner: string
attribute library.kit: path
attribute corner.x: float
attribute library.lpe_dir: path
node n { processes = [tt] }
corner tt_0p75v_25c_typical {}
library a : n { lpe_dri = "x"  corners = [tt_0p75v_25c_typical] }
library b : n { lpe_dir = 3  corners = [tt_0p75v_25c_typical] }
library c : n { corners = [tt_0p75v_25c_typical] }
`);
    expect(codesAndSpans(bad)).toEqual([
      ['LCP3001', '"3"'],
      ['LCP2012', 'stage'],
      ['LCP2002', 'kit'],
      ['LCP3006', 'float'],
      ['LCP2002', 'lpe_dir'],
      ['LCP2006', 'lpe_dri'],
      ['LCP3001', '3'],
      ['LCP2007', 'c'],
    ]);
    expect(bad.diagnostics.find((d) => d.code === 'LCP2006')!.help).toBe('did you mean `lpe_dir`?');
    expect(bad.diagnostics.find((d) => d.code === 'LCP2007')!.message).toBe('library `c` is missing the required attribute `lpe_dir`');
  });

  it('accept declared attributes in YAML tables and reject undeclared ones with did-you-mean', () => {
    const result = checkFiles({
      'main.lcp': `pipeline t\nimport "c.yaml"\nattribute corner.product: string\nnode n { processes = [tt] }\nlibrary a : n { corners = [tt_0p75v_25c_typical] }\n`,
      'c.yaml': 'corners:\n  - name: tt_0p75v_25c_typical\n    prodcut: auto\n',
    });
    // One mistake, one diagnostic: the misspelled key, not also the missing attribute.
    expect(codesAndSpans(result)).toEqual([['LCP2006', 'prodcut']]);
    expect(result.diagnostics[0]!.help).toBe('did you mean `product`?');
  });

  it('reject interpolation in an attribute value, saying so', () => {
    const result = checkSource(`pipeline t\nenv E: string\nattribute library.lpe_dir: string = "LPE"\nnode n { processes = [tt] }\ncorner tt_0p75v_25c_typical {}\nlibrary a : n { lpe_dir = "\${E}/x"  corners = [tt_0p75v_25c_typical] }\n`);
    expect(codes(result)).toContain('LCP3001');
    expect(result.diagnostics.find((d) => d.code === 'LCP3001')!.message).toBe('`lpe_dir` is a plain string: interpolation is not allowed here');
  });

  it('are fields in where clauses: booleans alone, nodes by name', () => {
    const text = `${PROGRAM}
stage s for each library where library.multibit { run = shell "echo \${library.lpe_dir}"  expect "x" == 1 }
stage t for each node where node.foundry == "samsung" { run = shell "echo \${node.foundry}"  expect "x" == 1 }
stage u for each library, corner where corner.product == "auto" && !library.multibit { run = shell "echo"  expect "x" == 1 }
`;
    const loaded = loadFiles({ 'main.lcp': text });
    const analysis = analyse(loaded, { templates: builtinTemplates() });
    expect(codes(analysis)).toEqual([]);
    const jobs = (stage: string) => analysis.plan!.jobs.filter((j) => j.stage === stage).map((j) => Object.values(j.keys).join('.'));
    expect(jobs('s')).toEqual(['n.a']);
    expect(jobs('t')).toEqual(['n']);
    expect(jobs('u')).toEqual(['n.b.tt_0p75v_25c_typical']);
  });

  it('type-check where clauses', () => {
    const result = checkSource(`${PROGRAM}
stage s for each library where library.lpe_dir { run = shell "x"  expect "x" == 1 }
stage t for each library where library.multibit == "yes" { run = shell "x"  expect "x" == 1 }
`);
    expect(codesAndSpans(result)).toEqual([
      ['LCP3001', 'library.lpe_dir'],
      ['LCP3001', '"yes"'],
    ]);
  });

  it('reach scripts as job variables, only where a stage reads them', () => {
    const text = `${PROGRAM}
stage s for each library, corner { run = shell "echo \${library.lpe_dir} \${corner.product} \${corner.vnom}"  expect "x" == 1 }
stage plain for each library, corner { run = shell "echo \${corner.name}"  expect "x" == 1 }
`;
    const [first] = literalsOf(text, 's');
    expect(first!.get('lcp_library_lpe_dir')).toBe('LPE_v2');
    expect(first!.get('lcp_corner_product')).toBe('auto');
    expect(first!.get('lcp_corner_vnom')).toBe('0.5');
    const [plain] = literalsOf(text, 'plain');
    expect([...plain!.keys()].some((k) => k.includes('lpe_dir') || k.includes('product'))).toBe(false);
  });
});

describe('interpolation formats', () => {
  it('spell voltages and temperatures as corner names do', () => {
    const text = `${PROGRAM}
stage s for each library, corner { run = shell "echo \${corner.voltage:p} \${corner.temperature:m} \${corner.voltage:mv} \${corner.voltage:v} \${corner.temperature:n} \${corner.vnom:p}"  expect "x" == 1 }
`;
    const literals = literalsOf(text, 's');
    const pick = (m: Map<string, string>) =>
      ['voltage__p', 'temperature__m', 'voltage__mv', 'voltage__v', 'temperature__n', 'vnom__p'].map((f) => m.get(`lcp_corner_${f}`));
    expect(literals.map(pick)).toEqual([
      ['0p75v', '25c', '750', '0v75', '25C', '0p50v'],
      ['0p675v', 'm40c', '675', '0v675', 'n40C', '0p50v'],
      ['0p75v', '25c', '750', '0v75', '25C', '0p50v'],
    ]);
  });

  it('keep the decimals of the corner name', () => {
    expect(applyFormat(0.48, 'voltage', 'p', { ...DEFAULT_NOTATION, voltageDecimals: 3 })).toBe('0p480v');
    expect(applyFormat(0.48, 'voltage', 'p')).toBe('0p48v');
    expect(applyFormat(1.95, 'voltage', 'v')).toBe('1v95');
    expect(applyFormat(-40, 'temperature', 'k')).toBe('233.15');
    expect(applyFormat(4e9, 'memory', 'gb')).toBe('4');
    expect(applyFormat(5400, 'duration', 'min')).toBe('90');
  });

  it('are errors when unknown or on a value that is not a quantity', () => {
    const result = checkSource(`${PROGRAM}
stage s for each library, corner { run = shell "echo \${corner.voltage:q} \${corner.process:p} \${library.lpe_dir:p} \${stage:p}"  expect "x" == 1 }
`);
    expect(codesAndSpans(result)).toEqual([
      ['LCP2013', 'q'],
      ['LCP2013', 'p'],
      ['LCP2013', 'p'],
      ['LCP2013', 'p'],
    ]);
    expect(result.diagnostics[0]!.notes).toEqual(['voltage formats: `:p` (`0p48v`), `:v` (`0v48`, `1v95`), `:mv` (`480`)']);
  });
});

describe('diagnostics that misled', () => {
  it('an interpolated library name says interpolation is not allowed', () => {
    const result = checkSource(PRELUDE.replace('library lib : n {', 'env E: string\nlibrary lib : n { name = "${E}_lib"'));
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual(['LCP3001']);
    expect(errors[0]!.message).toBe('a library `name` cannot contain interpolations');
    expect(errors[0]!.primary.message).toBe('interpolation is not allowed here');
  });

  it('RC corner suggestions stay in the extraction family', () => {
    expect(suggestRcCorner('cworst_T', DEFAULT_RC_CORNERS)).toBe('did you mean `cworst_CCworst_T`?');
    expect(suggestRcCorner('rcbest_T', DEFAULT_RC_CORNERS)).toBe('did you mean `rcbest_CCbest_T`?');
    expect(suggestRcCorner('typical_T', DEFAULT_RC_CORNERS)).toBeUndefined();
    expect(suggestRcCorner('cworst_CCworst_t', DEFAULT_RC_CORNERS)).toBe('did you mean `cworst_CCworst_T`?');
    expect(suggestRcCorner('cwrost', DEFAULT_RC_CORNERS)).toBe('did you mean `cworst` or `rcworst`?');
    const result = checkSource(PRELUDE.replace('rc_corners = [typical, cworst_CCworst_T]', 'rc_corners = [typical, cworst_T]'));
    const diagnostic = result.diagnostics.find((d) => d.code === 'LCP3006')!;
    expect(diagnostic.help).toBe('did you mean `cworst_CCworst_T`?');
  });

  it('an unknown ${name} in a shell command suggests $${name} as well as env', () => {
    const result = checkSource(PRELUDE + 'stage s for each library { run = shell "for d in a b; do echo ${decks}; done"  expect "x" == 1 }\n');
    expect(codesAndSpans(result)).toEqual([['LCP2011', 'decks']]);
    expect(result.diagnostics[0]!.help).toContain('write `$${decks}`');
    expect(result.diagnostics[0]!.help).toContain('`env decks: string`');
    // Elsewhere (an expect glob) it is an env variable or a typo.
    const other = checkSource(PRELUDE + 'stage s for each library { run = shell "x"  expect "${decks}/x" == 1 }\n');
    expect(other.diagnostics[0]!.help).toBe('declare it: `env decks: string`');
  });

  it('a gathering stage that expects a glob without a count is a warning', () => {
    const gather = `stage c for each library, corner { run = shell "x"  expect "\${out}/*.lib" == 1 }
stage m for each library after c { run = shell "x"  expect "\${out}/../*/*.lib" }
`;
    const result = checkSource(PRELUDE + gather);
    expect(codesAndSpans(result)).toEqual([['LCP3108', '"${out}/../*/*.lib"']]);
    expect(result.diagnostics[0]!.help).toContain('== 2');
    expect(result.program).toBeDefined();
    // With a count, or a single named file, or no gather: nothing.
    expect(codes(checkSource(PRELUDE + gather.replace('*.lib" }\n', '*.lib" == 2 }\n').replace('"${out}/../*/*.lib" }', '"${out}/../*/*.lib" == 2 }')))).toEqual([]);
    expect(codes(checkSource(PRELUDE + gather.replace('"${out}/../*/*.lib" }', '"${out}/merged.lib" }')))).toEqual([]);
  });
});

describe('attributes in decks', () => {
  it('are in the deck view as `attrs`, as text', () => {
    const text = `${PROGRAM}
tool liberate { path = "/opt/liberate"  kind = liberate }
stage char for each library, corner where library.multibit {
  run = liberate deck "attrs.tcl.hbs"
  expect "x" == 1
}
`;
    const deck = 'set lpe {{tcl library.attrs.lpe_dir}}\nset mb {{library.attrs.multibit}}\nset p {{tcl corner.attrs.product}}\nset v {{corner.attrs.vnom}}\nset f {{node.attrs.foundry}}\n';
    const loaded = loadFiles({ 'main.lcp': `// libcc-ignore LCP3101\n${text}` });
    const analysis = analyse(loaded, { templates: templatesWith(new Map([['attrs.tcl.hbs', deck]])), keepDecks: true });
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const bodies = [...analysis.decks!.byJob.values()].map((d) => d.body);
    expect(bodies[0]).toBe('set lpe LPE_v2\nset mb true\nset p auto\nset v 0.5\nset f samsung\n');
    expect(bodies[1]).toContain('set p consumer');
  });
});

describe('YAML library tables', () => {
  const yaml = `libraries:
  - id: demo
    node: n
    name: demo_full_c240207
    kit: \${KIT}/demo
    lpe_dir: LPE_2024
    multibit: true
    corners: [tt_0p75v_25c_typical]
  - id: other
    node: n
    corners: signoff
sets:
  signoff: [tt_0p75v_25c_typical]
`;
  const main = `pipeline t
import "libs.yaml"
env KIT: path
attribute library.lpe_dir: string = "LPE"
attribute library.multibit: bool = false
node n { processes = [tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
`;

  it('declare libraries with their node, corners, strings with interpolations, and attributes', () => {
    const result = checkFiles({ 'main.lcp': main, 'libs.yaml': yaml });
    expect(codesAndSpans(result)).toEqual([]);
    const [demo, other] = result.program!.libraries;
    expect(demo).toMatchObject({ id: 'demo', name: 'demo_full_c240207', node: 'n', corners: ['tt_0p75v_25c_typical'], attributes: { lpe_dir: 'LPE_2024', multibit: true } });
    expect(demo!.kit!.parts).toEqual([{ kind: 'env', name: 'KIT' }, { kind: 'text', value: '/demo' }]);
    expect(other).toMatchObject({ id: 'other', corners: ['tt_0p75v_25c_typical'], attributes: { lpe_dir: 'LPE', multibit: false } });
  });

  it('report unknown fields with did-you-mean at their YAML position, and entries without an id', () => {
    const result = checkFiles({
      'main.lcp': main,
      'libs.yaml': yaml.replace('    multibit: true', '    multibt: true').replace('  - id: other\n    node: n', '  - node: n'),
    });
    expect(codesAndSpans(result)).toEqual([
      ['LCP2006', 'multibt'],
      ['LCP5002', 'node: n\n    corners: signoff\n'],
    ]);
    expect(result.diagnostics[0]!.help).toBe('did you mean `multibit`?');
    expect(result.diagnostics[0]!.primary.span.file).toBe('libs.yaml');
  });
});

describe('required attributes of shared YAML corner tables', () => {
  it('are reported only for the corners a library uses', () => {
    const files = (corners: string) => ({
      'main.lcp': `pipeline t\nimport "c.yaml"\nattribute corner.product: string\nnode n { processes = [tt, ss] }\nlibrary a : n { corners = [${corners}] }\n`,
      'c.yaml': 'corners:\n  - name: tt_0p75v_25c_typical\n    product: auto\n  - name: ss_0p675v_m40c_typical\n',
    });
    expect(codes(checkFiles(files('tt_0p75v_25c_typical')))).toEqual([]);
    const used = checkFiles(files('tt_0p75v_25c_typical, ss_0p675v_m40c_typical'));
    expect(codesAndSpans(used)).toEqual([['LCP2007', 'ss_0p675v_m40c_typical']]);
    expect(used.diagnostics[0]!.primary.span.file).toBe('c.yaml');
    expect(used.diagnostics[0]!.help).toBe('add `product: …` to its entry, or give the attribute a default');
  });
});
