/** Go-to-definition on the AST (src/lsp/definitions.ts): what each kind of name resolves to. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findDefinition } from '../../src/lsp/definitions.js';
import { loadProgram, type LoadedProgram } from '../../src/syntax/load.js';
import { loadFiles } from '../helpers/program.js';

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
stage char for each library, corner after copy where corner.name in slow && library.id == lib {
  run = liberate deck "char.tcl.hbs"
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

const program = loadFiles({ 'main.lcp': MAIN, 'corners.yaml': YAML });

/** The offset of the `occurrence`-th (1-based) `needle` in `file`, plus `delta`. */
function offset(loaded: LoadedProgram, file: string, needle: string, occurrence = 1, delta = 0): number {
  const text = loaded.sources.get(file)!.text;
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`no ${needle} #${occurrence} in ${file}`);
  }
  return at + delta;
}

/** `[kind, file, text under the target, line of the target (1-based)]`, or undefined. */
function definition(file: string, needle: string, occurrence = 1, delta = 0, loaded: LoadedProgram = program) {
  const found = findDefinition(loaded, file, offset(loaded, file, needle, occurrence, delta));
  if (found === undefined) return undefined;
  const source = loaded.sources.get(found.target.file)!;
  const line = source.text.slice(0, found.target.start).split('\n').length;
  return [found.kind, found.target.file, source.text.slice(found.target.start, found.target.end), line];
}

describe('findDefinition', () => {
  it('resolves a stage in `after` to the stage', () => {
    expect(definition('main.lcp', 'after copy', 1, 6)).toEqual(['stage', 'main.lcp', 'copy', 13]);
    expect(definition('main.lcp', 'after char, copy', 1, 6)).toEqual(['stage', 'main.lcp', 'char', 18]);
    expect(definition('main.lcp', 'after char, copy', 1, 12)).toEqual(['stage', 'main.lcp', 'copy', 13]);
  });

  it('counts a cursor right after the name as on it, and whitespace as on nothing', () => {
    expect(definition('main.lcp', 'after copy', 1, 10)).toEqual(['stage', 'main.lcp', 'copy', 13]);
    expect(definition('main.lcp', 'after copy', 1, 5)).toBeUndefined();
  });

  it('resolves `run = TOOL deck …` and a bare `run = TOOL` to the tool', () => {
    expect(definition('main.lcp', 'liberate deck', 1, 3)).toEqual(['tool', 'main.lcp', 'liberate', 7]);
    expect(definition('main.lcp', 'run = liberate  expect', 1, 8)).toEqual(['tool', 'main.lcp', 'liberate', 7]);
  });

  it('resolves the node after `library x :`', () => {
    expect(definition('main.lcp', 'lib : n', 1, 6)).toEqual(['node', 'main.lcp', 'n', 8]);
  });

  it('resolves names in a library’s corners to corners in .lcp and in a YAML table', () => {
    expect(definition('main.lcp', 'tt_0p75v_25c_typical,')).toEqual(['corner', 'main.lcp', 'tt_0p75v_25c_typical', 9]);
    expect(definition('main.lcp', 'ss_0p675v_m40c_typical', 1, 4)).toEqual(['corner', 'corners.yaml', 'ss_0p675v_m40c_typical', 2]);
    expect(definition('main.lcp', 'corners = slow', 1, 11)).toEqual(['corner set', 'main.lcp', 'slow', 10]);
  });

  it('resolves corner sets: the source of a filter, YAML sets, and `corner.name in SET`', () => {
    expect(definition('main.lcp', 'signoff where')).toEqual(['corner set', 'corners.yaml', 'signoff', 5]);
    expect(definition('corners.yaml', 'everything: signoff', 1, 13)).toEqual(['corner set', 'corners.yaml', 'signoff', 5]);
    expect(definition('corners.yaml', 'tt_0p90v_125c_typical', 2)).toEqual(['corner', 'corners.yaml', 'tt_0p90v_125c_typical', 3]);
    expect(definition('main.lcp', 'in slow', 1, 4)).toEqual(['corner set', 'main.lcp', 'slow', 10]);
  });

  it('resolves names compared with name fields in conditions', () => {
    expect(definition('main.lcp', '== lib', 1, 3)).toEqual(['library', 'main.lcp', 'lib', 11]);
    // `corner.process == ss`: a process corner, not a declaration.
    expect(definition('main.lcp', '== ss', 1, 3)).toBeUndefined();
  });

  it('resolves queues in `resources` and `site`', () => {
    expect(definition('main.lcp', 'queue = short', 1, 8)).toEqual(['queue', 'main.lcp', 'short', 6]);
    expect(definition('main.lcp', 'default_queue = normal', 1, 16)).toEqual(['queue', 'main.lcp', 'normal', 5]);
  });

  it('resolves `${NAME}` interpolations to env variables, and not built-ins or fields', () => {
    expect(definition('main.lcp', '${ROOT}/bin', 1, 2)).toEqual(['env', 'main.lcp', 'ROOT', 3]);
    expect(definition('main.lcp', '${ROOT}/kits', 1, 3)).toEqual(['env', 'main.lcp', 'ROOT', 3]);
    expect(definition('main.lcp', '${ROOT}/x', 1, 2)).toEqual(['env', 'main.lcp', 'ROOT', 3]);
    expect(definition('main.lcp', '${work}/${corner', 1, 3)).toBeUndefined();
    expect(definition('main.lcp', '${corner.name}', 1, 10)).toBeUndefined();
  });

  it('resolves a declaration’s own name to itself, and an import path to the imported file', () => {
    expect(definition('main.lcp', 'stage char', 1, 7)).toEqual(['stage', 'main.lcp', 'char', 18]);
    expect(definition('corners.yaml', 'signoff:')).toEqual(['corner set', 'corners.yaml', 'signoff', 5]);
    expect(definition('main.lcp', '"corners.yaml"', 1, 3)).toEqual(['file', 'corners.yaml', '', 1]);
  });

  it('has no definition for undeclared names, keywords and unknown files', () => {
    const loaded = loadFiles({ 'main.lcp': 'pipeline t\nstage a after nothere { run = nosuch  expect "x" }\n' });
    expect(definition('main.lcp', 'nothere', 1, 0, loaded)).toBeUndefined();
    expect(definition('main.lcp', 'nosuch', 1, 0, loaded)).toBeUndefined();
    expect(definition('main.lcp', 'after', 1, 1, loaded)).toBeUndefined();
    expect(findDefinition(loaded, 'other.lcp', 0)).toBeUndefined();
  });

  it('resolves a name declared twice to the first declaration, like the checker', () => {
    const loaded = loadFiles({ 'main.lcp': 'pipeline t\nstage a { run = shell "x" }\nstage a { run = shell "y" }\nstage b after a { run = shell "z" }\n' });
    expect(definition('main.lcp', 'after a', 1, 6, loaded)).toEqual(['stage', 'main.lcp', 'a', 2]);
  });

  it('survives programs with syntax errors', () => {
    const loaded = loadFiles({ 'main.lcp': 'pipeline t\nstage a after { run = \nstage b after a { run = shell "z" \n' });
    expect(() => {
      for (let i = 0; i <= loaded.sources.get('main.lcp')!.text.length; i++) findDefinition(loaded, 'main.lcp', i);
    }).not.toThrow();
  });

  it('works on the n2_tanager example (stages, tools, YAML corner sets, env variables)', () => {
    const loaded = loadProgram('examples/n2_tanager/flow.lcp', {
      readFile: (path) => {
        try {
          return readFileSync(path, 'utf8');
        } catch {
          return undefined;
        }
      },
    })!;
    const flow = 'examples/n2_tanager/flow.lcp';
    expect(definition(flow, 'after copy_kits', 1, 6, loaded)).toEqual(['stage', flow, 'copy_kits', 38]);
    expect(definition(flow, 'corners = signoff\n', 1, 10, loaded)).toEqual(['corner set', 'examples/n2_tanager/corners.yaml', 'signoff', 23]);
    expect(definition(flow, 'run = variety', 1, 6, loaded)).toEqual(['tool', 'examples/n2_tanager/site.lcp', 'variety', 24]);
    expect(definition(flow, 'queue = short', 1, 8, loaded)).toEqual(['queue', 'examples/n2_tanager/site.lcp', 'short', 15]);
    expect(definition(flow, 'LIB_CHAR_BASE}', 1, 0, loaded)).toEqual(['env', flow, 'LIB_CHAR_BASE', 11]);
    expect(definition('examples/n2_tanager/site.lcp', 'TOOLS_ROOT}', 1, 0, loaded)).toEqual(['env', 'examples/n2_tanager/site.lcp', 'TOOLS_ROOT', 3]);
  });
});
