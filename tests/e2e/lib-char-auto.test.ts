// End to end, without LSF: examples/lib_char_auto (the legacy lib_char_auto flow) compiled, then
// run-local.sh runs every job with the strict Liberate/Variety stubs of tests/tools and the
// replace_constraint.pl stub, on a fake kit tree built from tests/fixtures/kits, in the layout the
// example expects (<kits>/<library name>/LPE/LPE/LPE/LPE_<rc>_<temperature>/*.spi).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cleanEnv, compileExample, eventsByJob, KITS, orderViolationsFromEvents, readJobs, REPO, spawnCollect, type JobRow } from './harness.js';

const EXAMPLE = path.join(REPO, 'examples/lib_char_auto');
const STUBS = path.join(REPO, 'tests/tools/bin');
/** The two Liberate builds of the example's site.lcp, under TOOLS_ROOT. */
const TOOLS = { liberate: 'cadence/Liberate/21.1.2.270_42/bin', variety: 'cadence/Liberate/21.1.2.270_48/bin' };

interface LibraryEntry {
  id: string;
  node: string;
  name: string;
  multibit?: boolean;
  trio_group?: boolean;
  corners: string;
}

const table = parseYaml(fs.readFileSync(path.join(EXAMPLE, 'libraries.yaml'), 'utf8')) as { libraries: LibraryEntry[] };
const sets = (parseYaml(fs.readFileSync(path.join(EXAMPLE, 'corners.yaml'), 'utf8')) as { sets: Record<string, string[]> }).sets;
const libraries = table.libraries.map((l) => ({ ...l, multibit: l.multibit === true, trioGroup: l.trio_group === true, cornerNames: sets[l.corners]! }));

/** `ttg_0p480v_25c_cworst_T` → `LPE_cworst_T_25c`, the legacy LPE directory name. */
function lpeDir(corner: string): string {
  const [, temperature, rc] = /^[a-z]+_[0-9p]+v_(m?\d+c)_(.+)$/.exec(corner)!;
  return `LPE_${rc}_${temperature}`;
}

describe('run-local.sh on examples/lib_char_auto', () => {
  let root: string;
  let out: string;
  let jobs: JobRow[];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-e2e-lca-'));
    out = await compileExample(root, path.join(EXAMPLE, 'flow.lcp'));
    jobs = readJobs(out);
    // The kit trees: every library gets the fixture's netlists for each of its corners' LPE
    // directories, its models and a cell list (multi-bit ones: a flop and an inverter).
    const fixture = path.join(KITS, 'base_svt');
    for (const library of libraries) {
      const kit = path.join(root, 'kits', library.node, library.name);
      for (const corner of library.cornerNames) fs.cpSync(path.join(fixture, 'LPE/LPE_typical'), path.join(kit, 'LPE/LPE/LPE', lpeDir(corner)), { recursive: true });
      fs.cpSync(path.join(fixture, 'models'), path.join(kit, 'models'), { recursive: true });
      for (const process of ['tt', 'ttg']) {
        fs.copyFileSync(path.join(fixture, 'models/ttg.scs'), path.join(kit, `models/${process}.scs`));
        fs.copyFileSync(path.join(fixture, 'models/ttg_stat.scs'), path.join(kit, `models/${process}_stat.scs`));
      }
      const cells = library.multibit ? '# multi-bit\nDFFQX1 -clock {CK} -input {D} -output {Q}\nINVX1 -input {A} -output {Y}\n' : fs.readFileSync(path.join(fixture, 'cells.list'), 'utf8');
      fs.writeFileSync(path.join(kit, 'cells.list'), cells);
    }
    for (const [tool, dir] of Object.entries(TOOLS)) {
      fs.mkdirSync(path.join(root, 'tools', dir), { recursive: true });
      fs.symlinkSync(path.join(STUBS, tool), path.join(root, 'tools', dir, tool));
    }
    env = cleanEnv({
      N2_KITS: path.join(root, 'kits/tcbn02'),
      N3P_KITS: path.join(root, 'kits/tcbn03p'),
      N2P_KITS: path.join(root, 'kits/tcbn02p'),
      TOOLS_ROOT: path.join(root, 'tools'),
      CHAR_SCRIPTS: STUBS,
      LIBCC_RUN_DIR: path.join(root, 'run'),
    });
  });
  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('expands every library × corner, multi-bit ones per arc half, trio groups per group', () => {
    const count = (stage: string) => jobs.filter((j) => j.stage === stage).length;
    const pairsOf = (keep: (l: (typeof libraries)[number]) => boolean) => libraries.filter(keep).reduce((n, l) => n + l.cornerNames.length, 0);
    const pairs = pairsOf(() => true);
    const multibitPairs = pairsOf((l) => l.multibit);
    const groupPairs = pairsOf((l) => l.trioGroup);
    expect(multibitPairs).toBeGreaterThan(0);
    expect(groupPairs).toBeGreaterThan(1);
    expect(count('copy_kits')).toBe(pairs);
    for (const stage of ['char', 'copy_nominal']) expect(count(stage), stage).toBe(pairs - multibitPairs - groupPairs);
    // The N2P corners share process, RC corner and temperature: one trio group run.
    expect(count('char_group')).toBe(libraries.filter((l) => l.trioGroup).length);
    for (const stage of ['lvf', 'post_lvf']) expect(count(stage), stage).toBe(pairs - multibitPairs);
    for (const stage of ['char_mb', 'lvf_mb', 'post_lvf_mb', 'copy_nominal_mb']) expect(count(stage), stage).toBe(2 * multibitPairs);
    expect(count('join_arcs')).toBe(multibitPairs);
    for (const stage of ['run_hybrid', 'merge_hm_and_corner', 'create_8th_index_max_cap']) expect(count(stage), stage).toBe(pairs);
  });

  it('runs every job after its parents and writes one merged library per library × corner', async () => {
    const r = await spawnCollect('bash', [path.join(out, 'run-local.sh'), '-j', '2'], root, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`libcc: ${jobs.length} job(s) ran, 0 failed, 0 not run`);
    const events = fs
      .readFileSync(path.join(root, 'run/events.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l, line) => ({ ...JSON.parse(l), line }));
    expect(eventsByJob(events).size).toBe(jobs.length);
    expect(orderViolationsFromEvents(jobs, events)).toEqual([]);

    for (const library of libraries) {
      for (const corner of library.cornerNames) {
        const dir = path.join(root, 'run/out', library.node, library.id, corner);
        const merged = fs.readFileSync(path.join(dir, 'create_8th_index_max_cap', `${library.name}_${corner}_hm_lvf_p_ccs_max_cap_8th.lib`), 'utf8');
        expect(merged, `${library.id} ${corner}`).toMatch(new RegExp(`^library \\(${library.name}_${corner}\\) \\{`));
        // Every LVF sensitivity reached it: delay (psocv), hold and setup constraint sigmas.
        expect(merged).toMatch(/ocv_sigma_cell_rise/);
        expect(merged).toMatch(/ocv_sigma_rise_constraint|ocv_sigma_fall_constraint/);
        // The nominal library the chain merged into: a multi-bit library's halves joined by
        // replace_constraint.pl, in copy_kits' Postprocess/input_source (work/<stage>/<keys>).
        const inputs = path.join(root, 'run/work/copy_kits', library.node, library.id, corner, 'Postprocess/input_source');
        const nominal = fs.readFileSync(path.join(inputs, `${library.name}_${corner}_ccs_lib2lib.lib`), 'utf8');
        expect(nominal.includes('replace_constraint.pl stub'), `${library.id} ${corner}`).toBe(library.multibit);
        expect(nominal).toMatch(/timing_type : setup_rising/);
        expect(fs.readdirSync(inputs).filter((f) => f.endsWith('.sens.lib')).sort()).toEqual(
          ['hold_unc', 'mpw_unc', 'psocv', 'setup_unc'].map((kind) => `${library.name}_${corner}_${kind}.sens.lib`),
        );
      }
    }
  });

  it('runs nominal Liberate and Variety with their own builds, in their own work directories', () => {
    const logs = path.join(root, 'run/logs');
    const library = libraries.find((l) => !l.multibit)!;
    const key = `${library.node}.${library.id}.${library.cornerNames[0]}`;
    expect(fs.readFileSync(path.join(logs, 'char', `${key}.log`), 'utf8')).toContain('LIBERATE stub (libcc tests): running deck');
    expect(fs.readFileSync(path.join(logs, 'lvf', `${key}.log`), 'utf8')).toContain('VARIETY stub (libcc tests): running deck');
    const job = (stage: string) => fs.readFileSync(path.join(out, 'jobs', `${stage}.sh`), 'utf8');
    expect(job('char')).toContain('21.1.2.270_42/bin/liberate');
    expect(job('lvf')).toContain('21.1.2.270_48/bin/variety');
  });
});
