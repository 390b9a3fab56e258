/**
 * The checker's bindings (src/check/references.ts): every declaration and the uses the checker
 * resolved to it; and the structured did-you-mean fixes diagnostics carry.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check/check.js';
import type { Bindings } from '../../src/check/references.js';
import { analyse } from '../../src/driver/analyse.js';
import { builtinTemplates } from '../helpers/analysis.js';
import { findDefinition } from '../../src/lsp/definitions.js';
import { loadProgram, type LoadedProgram } from '../../src/syntax/load.js';
import { checkFiles, loadFiles } from '../helpers/program.js';

const MAIN = `pipeline t
import "corners.yaml"
env ROOT: path = "/tools"
site { default_queue = normal }
queue normal { max_mem = 64GB  max_runtime = 10h  max_slots = 8 }
queue short { max_mem = 16GB  max_runtime = 2h  max_slots = 4 }
tool liberate { path = "\${ROOT}/bin/liberate" }
node n { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
corners slow = signoff where corner.process == ss
library lib : n { kit = "\${ROOT}/kits"  corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical] }
library other : n { corners = slow }
stage copy for each library, corner {
  run = shell "cp \${ROOT}/x \${work}/\${corner.name}"
  expect "\${work}/x" >= 1
  resources { queue = short }
}
stage char for each library, corner after copy where corner.name in slow && library.id == lib && corner.name == tt_0p75v_25c_typical {
  run = liberate
  expect "\${work}/y" >= 1
}
stage again after char, copy { run = liberate  expect "z" }
`;

const YAML = `corners:
  - name: ss_0p675v_m40c_typical
  - name: tt_0p90v_125c_typical
sets:
  signoff: [ss_0p675v_m40c_typical, tt_0p90v_125c_typical]
  everything: signoff
`;

/** `name → ['file:text under each use', …]` of one namespace. */
function uses(loaded: LoadedProgram, bindings: Bindings, namespace: Parameters<Bindings['names']>[0]): Record<string, string[]> {
  const text = (span: { file: string; start: number; end: number }) => loaded.sources.get(span.file)!.text.slice(span.start, span.end);
  const line = (span: { file: string; start: number }) => loaded.sources.get(span.file)!.text.slice(0, span.start).split('\n').length;
  return Object.fromEntries(bindings.names(namespace).map((b) => [b.name, b.uses.map((u) => `${u.file}:${line(u)}:${text(u)}`)]));
}

describe('bindings', () => {
  const result = checkFiles({ 'main.lcp': MAIN, 'corners.yaml': YAML });
  const bindings = result.bindings;

  it('are returned by check() and carried by the driver\'s analysis', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(analyse(result.loaded, { templates: builtinTemplates() }).bindings.bindings).toEqual(result.bindings.bindings);
  });

  it('record every use the checker resolves, per namespace', () => {
    const l = result.loaded;
    expect(uses(l, bindings, 'stage')).toEqual({ copy: ['main.lcp:18:copy', 'main.lcp:22:copy'], char: ['main.lcp:22:char'], again: [] });
    expect(uses(l, bindings, 'tool')).toEqual({ liberate: ['main.lcp:19:liberate', 'main.lcp:22:liberate'] });
    expect(uses(l, bindings, 'queue')).toEqual({ normal: ['main.lcp:4:normal'], short: ['main.lcp:16:short'] });
    expect(uses(l, bindings, 'node')).toEqual({ n: ['main.lcp:11:n', 'main.lcp:12:n'] });
    expect(uses(l, bindings, 'library')).toEqual({ lib: ['main.lcp:18:lib'], other: [] });
    expect(uses(l, bindings, 'env')).toEqual({ ROOT: ['main.lcp:7:ROOT', 'main.lcp:11:ROOT', 'main.lcp:14:ROOT'] });
    expect(uses(l, bindings, 'corner')).toEqual({
      ss_0p675v_m40c_typical: ['corners.yaml:5:ss_0p675v_m40c_typical', 'main.lcp:11:ss_0p675v_m40c_typical'],
      tt_0p90v_125c_typical: ['corners.yaml:5:tt_0p90v_125c_typical'],
      signoff: ['corners.yaml:6:signoff', 'main.lcp:10:signoff'],
      everything: [],
      tt_0p75v_25c_typical: ['main.lcp:11:tt_0p75v_25c_typical', 'main.lcp:18:tt_0p75v_25c_typical'],
      slow: ['main.lcp:12:slow', 'main.lcp:18:slow'],
    });
    expect(bindings.lookup('corner', 'slow')!.kind).toBe('corner set');
  });

  it('find the binding at an offset, on the declaration or a use, a cursor right after counting', () => {
    const offset = MAIN.indexOf('after copy') + 'after '.length;
    expect(bindings.at('main.lcp', offset)).toMatchObject({ isDeclaration: false, binding: { name: 'copy', kind: 'stage' } });
    expect(bindings.at('main.lcp', offset + 4)).toMatchObject({ isDeclaration: false, binding: { name: 'copy' } });
    expect(bindings.at('main.lcp', MAIN.indexOf('stage copy') + 7)).toMatchObject({ isDeclaration: true, binding: { name: 'copy' } });
    expect(bindings.at('main.lcp', MAIN.indexOf('${work}') + 3)).toBeUndefined();
  });

  it('agree with the AST walk of go-to-definition on every name it resolves', () => {
    const loaded = loadFiles({ 'main.lcp': MAIN, 'corners.yaml': YAML });
    const table = check(loaded).bindings;
    for (const file of ['main.lcp', 'corners.yaml']) {
      const text = loaded.sources.get(file)!.text;
      for (let offset = 0; offset <= text.length; offset++) {
        const walked = findDefinition(loaded, file, offset);
        if (walked === undefined || walked.kind === 'file' || walked.kind === 'pipeline') continue;
        const hit = table.at(file, offset);
        expect(hit?.binding.declaration, `${file}@${offset} (${walked.name})`).toEqual(walked.target);
      }
    }
  });

  it('are recorded also when the program has errors, and leave unknown names out', () => {
    const broken = checkFiles({ 'main.lcp': 'pipeline t\nqueue q { max_mem = 1XB  max_runtime = 1h  max_slots = 1 }\nstage a { run = shell "x"  expect "x"  resources { queue = q  mem = 2XB } }\nstage b after a, nothere { run = nosuch  expect "y" }\n' });
    expect(broken.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(uses(broken.loaded, broken.bindings, 'queue')).toEqual({ q: ['main.lcp:3:q'] });
    expect(uses(broken.loaded, broken.bindings, 'stage')).toEqual({ a: ['main.lcp:4:a'], b: [] });
    expect(broken.bindings.names('tool')).toEqual([]);
  });

  it('bind a name declared twice to its first declaration', () => {
    const twice = checkFiles({ 'main.lcp': 'pipeline t\nstage a { run = shell "x" }\nstage a { run = shell "y" }\nstage b after a { run = shell "z" }\n' });
    const a = twice.bindings.lookup('stage', 'a')!;
    expect(a.declaration.start).toBe('pipeline t\nstage '.length);
    expect(a.uses).toHaveLength(1);
  });

  it('keep the schema each block was read against', () => {
    const offset = MAIN.indexOf('queue = short');
    expect(Object.keys(bindings.schemaAt('main.lcp', offset)!.schema.properties)).toEqual(['queue', 'cpus', 'mem', 'runtime', 'licenses', 'requeue', 'scheduler']);
    expect(bindings.schemaAt('main.lcp', MAIN.indexOf('expect "${work}/x"'))!.schema.statements).toEqual(['expect', 'retry']);
    expect(bindings.schemaAt('main.lcp', 0)).toBeUndefined();
  });

  it('keep the models of declarations that built, for hover', () => {
    expect(bindings.models.corners.get('tt_0p75v_25c_typical')).toMatchObject({ process: 'tt', voltage: 0.75, temperature: 25, rc: 'typical' });
    expect(bindings.models.libraries.get('lib')?.corners).toEqual(['tt_0p75v_25c_typical', 'ss_0p675v_m40c_typical']);
    expect(bindings.models.stages.get('copy')?.keys).toEqual(['library', 'corner']);
  });

  it('cover the n2_tanager example across its imported files', () => {
    const loaded = loadProgram('examples/n2_tanager/flow.lcp', {
      readFile: (path) => {
        try {
          return readFileSync(path, 'utf8');
        } catch {
          return undefined;
        }
      },
    })!;
    const table = check(loaded).bindings;
    const files = new Set(table.bindings.flatMap((b) => [b.declaration.file, ...b.uses.map((u) => u.file)]));
    expect([...files].sort()).toEqual(['examples/n2_tanager/corners.yaml', 'examples/n2_tanager/flow.lcp', 'examples/n2_tanager/site.lcp']);
  });
});

describe('did-you-mean fixes', () => {
  const fixes = (text: string) =>
    checkFiles({ 'main.lcp': text, 'corners.yaml': YAML }).diagnostics.flatMap((d) =>
      (d.fixes ?? []).map((f) => [d.code, text.slice(f.span.start, f.span.end), f.replacement, f.title]),
    );

  it('replace a misspelt name with each suggestion of the help line', () => {
    expect(fixes(MAIN.replace('queue = short', 'queue = shrt'))).toEqual([['LCP2001', 'shrt', 'short', 'replace with `short`']]);
    expect(fixes(MAIN.replace('after char, copy', 'after chr, copy'))).toEqual([['LCP2001', 'chr', 'char', 'replace with `char`']]);
    expect(fixes(MAIN.replace('run = liberate  expect', 'run = liberat  expect'))).toEqual([['LCP2001', 'liberat', 'liberate', 'replace with `liberate`']]);
    expect(fixes(MAIN.replace('${ROOT}/kits', '${ROTO}/kits'))).toEqual([['LCP2011', 'ROTO', 'ROOT', 'replace with `ROOT`']]);
    expect(fixes(MAIN.replace('library other : n', 'library other : m'))).toEqual([['LCP2001', 'm', 'n', 'replace with `n`']]);
    expect(fixes(MAIN.replace('corners = slow', 'corners = slw'))).toEqual([['LCP2001', 'slw', 'slow', 'replace with `slow`']]);
  });

  it('replace an unknown property with its synonym or a close property', () => {
    expect(fixes(MAIN.replace('queue = short', 'queue = short  memory = 1GB'))).toEqual([['LCP2006', 'memory', 'mem', 'replace with `mem`']]);
    expect(fixes(MAIN.replace('queue = short', 'queue = short  cpu = 1'))).toEqual([['LCP2006', 'cpu', 'cpus', 'replace with `cpus`']]);
  });

  it('are absent where nothing is close', () => {
    const result = checkFiles({ 'main.lcp': MAIN.replace('queue = short', 'queue = zzzzzzzz'), 'corners.yaml': YAML });
    // (and `short` is now unused: LCP3103)
    expect(result.diagnostics.map((d) => [d.code, d.fixes])).toEqual([['LCP3103', undefined], ['LCP2001', undefined]]);
  });
});
