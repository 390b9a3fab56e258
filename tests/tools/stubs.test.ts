// Tests of the Liberate / Variety stubs (tests/tools/bin/liberate, bin/variety, liberate-stubs.tcl)
// that later tests use to run generated decks end to end.  See tests/tools/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOOLS = path.dirname(fileURLToPath(import.meta.url));
const BIN = { liberate: path.join(TOOLS, 'bin', 'liberate'), variety: path.join(TOOLS, 'bin', 'variety') };
const STUBS = path.join(TOOLS, 'liberate-stubs.tcl');
const DECKS = path.join(TOOLS, 'decks');
const LIB = 'stubdemo_tt_0p80v_25c';

const hasTclsh = spawnSync('tclsh', [], { input: 'exit 0\n' }).status === 0;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LIBERATE_STUB_')) env[k] = v;
  return { ...env, ...extra };
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(env), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function logLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

function commands(file: string): string[] {
  return logLines(file).filter((l) => !l.startsWith('#'));
}

// The deck sections (docs/liberate.md; tests/tools/README.md): 1 settings, 2 operating condition, 3 supplies, 4 templates, 5 cells,
// 6 models & netlists, 7 characterize, 8 outputs.
function section(line: string): number {
  const cmd = line.split(' ')[0] ?? '';
  if (cmd === 'set_var' && / extsim_model_include /.test(line)) return 6;
  const sections: Record<string, number> = {
    set_var: 1,
    set_units: 1,
    set_operating_condition: 2,
    set_vdd: 3,
    set_gnd: 3,
    set_pin_vdd: 3,
    set_pin_gnd: 3,
    define_template: 4,
    define_cell: 5,
    define_arc: 5,
    define_leakage: 5,
    define_leafcell: 6,
    define_variation: 6,
    read_spice: 6,
    char_library: 7,
    char_variation: 7,
    write_ldb: 8,
    write_library: 8,
    write_variation: 8,
  };
  const s = sections[cmd];
  if (s === undefined) throw new Error(`no section for logged command: ${line}`);
  return s;
}

function braceDepthOk(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '{') depth++;
    if (ch === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

describe('liberate / variety stubs', () => {
  it('runs on a machine with tclsh (.ci/run installs it)', () => {
    expect(hasTclsh).toBe(true);
  });

  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'libcc-libstub-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function tmp(name: string): string {
    return path.join(dir, name);
  }

  function deck(name: string, text: string): string {
    const file = tmp(name);
    writeFileSync(file, text);
    return file;
  }

  describe('wrapper usage', () => {
    it('exits 2 with a usage line when no deck is given', () => {
      const r = run(BIN.liberate, [], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('usage: liberate [--trio] deck.tcl [args...]');
    });

    it('exits 2 naming a missing deck', () => {
      const r = run(BIN.variety, ['--trio', 'no/such/deck.tcl'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("variety: deck 'no/such/deck.tcl' not found");
    });

    it('exits 2 on a deck that is not a readable file', () => {
      const r = run(BIN.liberate, [dir], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('is not a readable file');
    });

    it('exits 2 on an unknown option', () => {
      const r = run(BIN.liberate, ['--bogus', 'x.tcl'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("liberate: unknown option '--bogus'");
    });

    it('passes $::LIBERATE_program and the extra words in $argv', () => {
      const d = deck('argv.tcl', 'puts "program=$::LIBERATE_program argc=$argc argv=$argv"\n');
      expect(run(BIN.liberate, [d, 'a b', 'c'], dir).stdout).toContain('program=LIBERATE argc=2 argv={a b} c');
      expect(run(BIN.variety, ['--trio', d], dir).stdout).toContain('program=VARIETY argc=0 argv=');
    });
  });

  describe('example decks, end to end', () => {
    const log = (): string => tmp('e2e.log');

    it('nominal_char.tcl: characterizes, writes the LDB and two Liberty files', () => {
      const r = run(BIN.liberate, [path.join(DECKS, 'nominal_char.tcl')], dir, { LIBERATE_STUB_LOG: log() });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Characterization statistics');
      expect(r.stdout).toContain('Finished writing');

      const ldb = tmp('out/ldb/altos_nom.ldb.gz');
      expect(statSync(ldb).isFile()).toBe(true);
      const bytes = readFileSync(ldb);
      expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
      expect(gunzipSync(bytes).toString('utf8')).toMatch(/^format libstub-ldb-1 program LIBERATE/);

      for (const name of [`${LIB}.lib`, `${LIB}_ccs.lib`]) {
        const lib = readFileSync(tmp(`out/lib/${name}`), 'utf8');
        expect(lib.startsWith(`library (${LIB}) {`)).toBe(true);
        expect(lib).toContain('nom_voltage : 0.80 ;');
        expect(lib).toContain('nom_temperature : 25 ;');
        expect(lib).toContain('operating_conditions (tt_0p80v_25c) {');
        expect(lib).toContain('voltage_map (VDD, 0.80) ;');
        for (const cell of ['INVX1', 'NAND2X1', 'DFFQX1']) expect(lib).toContain(`cell (${cell}) {`);
        expect(lib).toContain('lu_table_template (delay_5x5) {');
        expect(lib).not.toContain('ocv_sigma');
        expect(braceDepthOk(lib)).toBe(true);
      }
    });

    it('nominal_char.tcl: the call log follows the deck section order', () => {
      const lines = logLines(log());
      expect(lines[0]).toBe(`# LIBERATE ${path.join(DECKS, 'nominal_char.tcl')}`);
      expect(lines.at(-1)).toBe('# end ok');
      const order = commands(log()).map(section);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(new Set(order)).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8]));
      // one line per call, even for values with newlines
      expect(commands(log())).toContain(
        'set_var extsim_deck_header {simulator lang=spectre\\nopts options reltol=1e-4\\nsimulator lang=spice}',
      );
    });

    it('lvf_variety.tcl: char_variation and write_variation under variety', () => {
      const vlog = tmp('lvf.log');
      const r = run(BIN.variety, [path.join(DECKS, 'lvf_variety.tcl')], dir, { LIBERATE_STUB_LOG: vlog });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Characterization statistics');
      expect(r.stdout).toContain('Finished writing');
      expect(logLines(vlog)[0]).toMatch(/^# VARIETY /);
      const cmds = commands(vlog);
      expect(cmds).toContain(
        `set_var -stage variation extsim_model_include ${path.join(DECKS, 'kit/models/tt_stat.scs')}`,
      );
      const order = cmds.map(section);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(gunzipSync(readFileSync(tmp('out/ldb/altos_lvf.ldb.gz'))).toString('utf8')).toContain(
        'program VARIETY',
      );
      const lvf = readFileSync(tmp(`out/lib/${LIB}_lvf.lib`), 'utf8');
      expect(lvf.startsWith(`library (${LIB}) {`)).toBe(true);
      expect(lvf).toContain('format: sensitivity_plus_nom');
      expect(lvf).toContain('ocv_sigma_cell_rise (delay_5x5) {');
      expect(braceDepthOk(lvf)).toBe(true);
    });

    it('merge_lvf.tcl: read_library + write_library -sensitivity_file merges the LVF groups', () => {
      const args = [`out/lib/${LIB}_ccs.lib`, `out/lib/${LIB}_lvf.lib`, 'out/lib/merged.lib', LIB];
      const mlog = tmp('merge.log');
      const r = run(BIN.liberate, [path.join(DECKS, 'merge_lvf.tcl'), ...args], dir, { LIBERATE_STUB_LOG: mlog });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(commands(mlog).map((l) => l.split(' ')[0])).toEqual(['set_var', 'read_library', 'write_library']);
      const merged = readFileSync(tmp('out/lib/merged.lib'), 'utf8');
      expect(merged.startsWith(`library (${LIB}) {`)).toBe(true);
      expect(merged).toContain('nom_voltage : 0.80 ;');
      expect(merged).toContain('lu_table_template (delay_5x5) {');
      expect(merged).toContain("LVF: 2 group(s) merged from 'out/lib/");
      expect(merged.match(/ocv_sigma_cell_rise/g)?.length).toBe(4);
      expect(braceDepthOk(merged)).toBe(true);
    });

    it('trio mode writes the LDB as a directory', () => {
      const out = tmp('trio');
      const r = run(BIN.liberate, ['--trio', path.join(DECKS, 'nominal_char.tcl'), path.join(DECKS, 'kit'), out], dir);
      expect(r.code).toBe(0);
      const ldb = path.join(out, 'ldb/altos_nom.ldb.gz');
      expect(statSync(ldb).isDirectory()).toBe(true);
      expect(readFileSync(path.join(ldb, 'index'), 'utf8')).toMatch(/^format libstub-ldb-1 program LIBERATE trio 1/);
    });

    it('read_ldb of a nominal LDB cannot write_variation; of the Variety LDB it can', () => {
      const nominal = deck(
        'post_nom.tcl',
        'read_ldb out/ldb/altos_nom.ldb.gz\nwrite_variation -format sensitivity_plus_nom -filename post.lib L\n',
      );
      const bad = run(BIN.variety, [nominal], dir);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('write_variation: the data has no variation');
      const lvf = deck(
        'post_lvf.tcl',
        'read_ldb out/ldb/altos_lvf.ldb.gz\nwrite_variation -format sensitivity_plus_nom -filename post.lib L\n',
      );
      expect(run(BIN.variety, [lvf], dir).code).toBe(0);
      expect(readFileSync(tmp('post.lib'), 'utf8')).toContain('library (L) {');
    });
  });

  describe('validation errors exit non-zero and name the command', () => {
    const kit = path.join(DECKS, 'kit');
    const setup = [
      'set_operating_condition -name tt -voltage 0.8 -temp 25',
      'set_vdd -type primary VDD 0.8',
      'set_gnd -type primary VSS 0',
      'define_template -type delay -index_1 {0.01 0.1} -index_2 {0.001 0.01} d2',
      'define_cell -input A -output Y -delay d2 INVX1',
      `read_spice -format hspice ${kit}/netlists/INVX1.sp`,
    ].join('\n');

    const cases: Array<[string, 'liberate' | 'variety', string, string]> = [
      ['unknown option', 'liberate', 'set_var -bogus 1 a b', "set_var: unknown option '-bogus'"],
      [
        'missing required option',
        'liberate',
        'set_operating_condition -name tt -voltage 0.8',
        "set_operating_condition: missing required option '-temp'",
      ],
      [
        'non-numeric voltage',
        'liberate',
        'set_operating_condition -name tt -voltage 0p8v -temp 25',
        "set_operating_condition: -voltage '0p8v' is not a number",
      ],
      [
        'template not defined',
        'liberate',
        'define_cell -input A -output Y -delay nope INVX1',
        "define_cell: -delay template 'nope' is not defined",
      ],
      [
        'template of the wrong type',
        'liberate',
        'define_template -type power -index_1 {1 2} -index_2 {1 2} p\ndefine_cell -input A -delay p X',
        "define_cell: -delay template 'p' was defined with -type power",
      ],
      [
        'index not increasing',
        'liberate',
        'define_template -type delay -index_1 {0.1 0.05} -index_2 {1 2} t',
        'define_template: -index_1 of',
      ],
      [
        'index not numeric',
        'liberate',
        'define_template -type delay -index_1 {0.1 x} -index_2 {1 2} t',
        "define_template: -index_1 of 't': 'x' is not a number",
      ],
      [
        'read_spice of a missing netlist',
        'liberate',
        `read_spice -format spectre "${kit}/models/tt.scs ${kit}/netlists/NOPE.sp"`,
        `read_spice: netlist/model file '${kit}/netlists/NOPE.sp' does not exist`,
      ],
      [
        'read_library of a missing file',
        'liberate',
        'read_library nope.lib',
        "read_library: Liberty file 'nope.lib' does not exist",
      ],
      [
        'char_variation under liberate',
        'liberate',
        `${setup}\ndefine_variation -type random {rn1 1} rn1\nchar_variation -cells INVX1`,
        'char_variation: only available in Variety',
      ],
      [
        'char_library under variety',
        'variety',
        `${setup}\nchar_library -cells INVX1`,
        'char_library: not available in VARIETY',
      ],
      [
        'char_library before the operating condition',
        'liberate',
        'char_library -cells INVX1',
        'char_library: no operating condition',
      ],
      [
        'char_library of a cell without netlist',
        'liberate',
        `${setup}\ndefine_cell -input A -output Y -delay d2 NAND2X1\nchar_library -cells {INVX1 NAND2X1}`,
        "char_library: no subcircuit 'NAND2X1' in the netlists",
      ],
      [
        'char_variation without define_variation',
        'variety',
        `${setup}\nchar_variation -cells INVX1`,
        'char_variation: no variation parameters',
      ],
      [
        'write_library -ccs without char_library -ccs',
        'liberate',
        `${setup}\nchar_library -cells INVX1\nwrite_library -ccs -filename x.lib L`,
        'write_library: -ccs requested but the data has no ccs',
      ],
      [
        'write_library into a missing directory',
        'liberate',
        `${setup}\nchar_library -cells INVX1\nwrite_library -filename no/dir/x.lib L`,
        "write_library: output directory 'no/dir' does not exist",
      ],
      [
        'write_ldb with a bad name',
        'liberate',
        `${setup}\nchar_library -cells INVX1\nwrite_ldb out.db`,
        "write_ldb: 'out.db' must end in .ldb",
      ],
      [
        'define_arc on an undefined cell',
        'liberate',
        'define_arc -type setup -pin D NOCELL',
        "define_arc: cell 'NOCELL' was not defined by define_cell",
      ],
      [
        'set_pin_vdd on an undeclared supply',
        'liberate',
        'set_pin_vdd -supply_name VDD INVX1 A 0.8',
        "set_pin_vdd: supply 'VDD' was not declared by set_vdd",
      ],
      ['an unknown command', 'liberate', 'frobnicate 1', 'invalid command name "frobnicate"'],
    ];

    it.each(cases)('%s', (_name, bin, text, message) => {
      const file = deck('invalid.tcl', `${text}\n`);
      const elog = tmp('invalid.log');
      rmSync(elog, { force: true });
      const r = run(BIN[bin], [file], dir, { LIBERATE_STUB_LOG: elog });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('[');
      expect(logLines(elog).at(-1)).toMatch(/^# error /);
    });

    it('unbalanced braces in the deck: a Tcl syntax error with the line', () => {
      const file = deck('braces.tcl', 'set_var packet_mode arc\nset_var rsh_cmd {x\nset_var packet_clients 3\n');
      const r = run(BIN.liberate, [file], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('Tcl syntax error: the command starting at line 2 is never closed');
    });

    it('an extra close brace: tclsh error surfaces with the deck line', () => {
      const file = deck('extra.tcl', 'set_var packet_mode arc\nset_var rsh_cmd {x}}\n');
      const r = run(BIN.liberate, [file], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('extra characters after close-brace');
      expect(r.stderr).toContain('extra.tcl line 2]');
    });

    it('refuses to replace an output without -overwrite', () => {
      writeFileSync(tmp('exists.lib'), 'old\n');
      const file = deck('clobber.tcl', `${setup}\nchar_library -cells INVX1\nwrite_library -filename exists.lib L\n`);
      const r = run(BIN.liberate, [file], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("write_library: 'exists.lib' already exists; pass -overwrite");
      expect(readFileSync(tmp('exists.lib'), 'utf8')).toBe('old\n');
    });

    const stubbed = [
      'set_var',
      'get_var',
      'set_units',
      'set_operating_condition',
      'set_vdd',
      'set_gnd',
      'set_pin_vdd',
      'set_pin_gnd',
      'define_template',
      'define_cell',
      'define_arc',
      'define_leakage',
      'define_leafcell',
      'define_variation',
      'read_spice',
      'read_library',
      'read_ldb',
      'char_library',
      'char_variation',
      'write_ldb',
      'write_library',
      'write_variation',
      'packet_slave_cells',
    ];
    it.each(stubbed)('%s rejects an unknown option', (cmd) => {
      const file = deck('unknown-option.tcl', `${cmd} -no_such_option 1\n`);
      const r = run(BIN.variety, [file], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${cmd}: unknown option '-no_such_option'`);
    });
  });

  describe('fault injection', () => {
    it('LIBERATE_STUB_EXIT=N exits N without running the deck', () => {
      const flog = tmp('fault.log');
      const args = [path.join(DECKS, 'nominal_char.tcl'), path.join(DECKS, 'kit'), tmp('fault-out')];
      const r = run(BIN.liberate, args, dir, { LIBERATE_STUB_EXIT: '75', LIBERATE_STUB_LOG: flog });
      expect(r.code).toBe(75);
      expect(r.stderr).toContain('LIBERATE_STUB_EXIT=75');
      expect(existsSync(tmp('fault-out'))).toBe(false);
      expect(commands(flog)).toEqual([]);
      expect(logLines(flog)[0]).toMatch(/^# LIBERATE fault LIBERATE_STUB_EXIT=75 /);
    });

    it('LIBERATE_STUB_EXIT must be an exit status', () => {
      const d = deck('noop.tcl', 'set_var packet_mode arc\n');
      expect(run(BIN.liberate, [d], dir, { LIBERATE_STUB_EXIT: 'abc' }).code).toBe(2);
      expect(run(BIN.liberate, [d], dir, { LIBERATE_STUB_EXIT: '0' }).code).toBe(0);
    });

    it('LIBERATE_STUB_FAIL_ONCE fails with 75 once, then runs', () => {
      const marker = tmp('fail-once.marker');
      const d = deck('once.tcl', 'set_var packet_mode arc\nputs ran\n');
      const first = run(BIN.variety, [d], dir, { LIBERATE_STUB_FAIL_ONCE: marker });
      expect(first.code).toBe(75);
      expect(first.stdout).not.toContain('ran');
      expect(existsSync(marker)).toBe(true);
      const second = run(BIN.variety, [d], dir, { LIBERATE_STUB_FAIL_ONCE: marker });
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('ran');
    });
  });

  describe('tclsh sourcing each example deck with the stubs', () => {
    // Run in order: the merge deck reads the libraries the first two wrote.
    const out = (): string => tmp('source-out');
    const decks: Array<[string, 'LIBERATE' | 'VARIETY', () => string[]]> = [
      ['nominal_char.tcl', 'LIBERATE', () => [path.join(DECKS, 'kit'), out()]],
      ['lvf_variety.tcl', 'VARIETY', () => [path.join(DECKS, 'kit'), out()]],
      [
        'merge_lvf.tcl',
        'LIBERATE',
        () => [`${out()}/lib/${LIB}_ccs.lib`, `${out()}/lib/${LIB}_lvf.lib`, `${out()}/lib/merged.lib`, LIB],
      ],
    ];
    it.each(decks)('%s', (name, program, args) => {
      const extra = args();
      const driver = deck(
        `driver-${name}`,
        [
          `source {${STUBS}}`,
          `::libstub::init ${program} 0 {${extra.join(' ')}} {${path.join(DECKS, name)}}`,
          `source {${path.join(DECKS, name)}}`,
          'puts SOURCED-OK',
        ].join('\n') + '\n',
      );
      const r = run('tclsh', [driver], dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('SOURCED-OK');
      if (name === 'merge_lvf.tcl') expect(readFileSync(`${out()}/lib/merged.lib`, 'utf8')).toContain('ocv_sigma');
    });
  });
});
