// The bundled decks against the strict stubs: a deck and its stage's `expect`s must agree on the
// files the tool writes (`write_ldb X.ldb` writes X.ldb.gz — a directory under --trio), and a
// deck that reads its netlists in the wrong syntax fails. The n2_tanager example is compiled from
// a temporary copy, changed per test, and run with run-local.sh on the fake kit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { compileExample, REPO, Site } from '../e2e/harness.js';

const EXAMPLE_DIR = path.join(REPO, 'examples/n2_tanager');
const FLOW = fs.readFileSync(path.join(EXAMPLE_DIR, 'flow.lcp'), 'utf8');
const roots: string[] = [];
const sites: Site[] = [];

afterEach(async () => {
  while (sites.length) await sites.pop()!.cleanup();
  while (roots.length) fs.rmSync(roots.pop()!, { recursive: true, force: true });
});

/** Compiles a changed copy of the example (with extra files next to it, e.g. deck templates). */
async function compileVariant(flow: string, files: Record<string, string> = {}): Promise<Site> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-decks-'));
  roots.push(root);
  for (const name of ['corners.yaml', 'site.lcp']) fs.copyFileSync(path.join(EXAMPLE_DIR, name), path.join(root, name));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  fs.writeFileSync(path.join(root, 'flow.lcp'), flow);
  const site = Site.create(await compileExample(root, path.join(root, 'flow.lcp')), 'libcc-decks-site-');
  sites.push(site);
  return site;
}

function replaceOnce(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

/** The directories named `name` under the run directory (a job's work directory holds them). */
function dirsNamed(root: string, name: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = path.join(root, entry.name);
    if (entry.name === name) found.push(full);
    else if (!entry.name.endsWith('.ldb.gz')) found.push(...dirsNamed(full, name));
  }
  return found.sort();
}

const logOf = (site: Site, stage: string, key: string) =>
  fs.readFileSync(path.join(site.runDir, 'logs', stage, `${key}.log`), 'utf8');

describe('generated decks under the strict stubs', () => {
  it('the example as shipped: characterize writes the .ldb.gz its stage expects (a directory under --trio)', async () => {
    const site = await compileVariant(FLOW);
    const r = await site.run('run-local.sh', ['-j', '2', '--only', 'copy_kits', '--only', 'characterize']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const job = site.jobs.find((j) => j.stage === 'characterize')!;
    const dirs = dirsNamed(site.runDir, 'char');
    expect(dirs).toHaveLength(site.jobs.filter((j) => j.stage === 'characterize').length);
    const work = dirs[0]!;
    const ldbs = fs.readdirSync(work).filter((f) => f.includes('.ldb'));
    expect(ldbs).toHaveLength(1);
    expect(ldbs[0]).toMatch(/\.ldb\.gz$/);
    expect(fs.statSync(path.join(work, ldbs[0]!)).isDirectory()).toBe(true);
    const deck = fs.readFileSync(path.join(site.out, 'decks/characterize', `${job.key}.tcl`), 'utf8');
    expect(deck).toContain('set_var packet_clients 200\nset_var rsh_cmd "bsub -q short -P libchar -n 1 -o %B/%L -e %B/%L"\n');
    expect(deck).toContain('read_spice -format hspice $netlists');
  });

  it('a stage that expects the name the deck passed (X.ldb) fails: the tool wrote X.ldb.gz', async () => {
    const flow = replaceOnce(FLOW, 'expect "${work}/char/*.ldb.gz" == 1', 'expect "${work}/char/*.ldb" == 1');
    const site = await compileVariant(flow);
    const r = await site.run('run-local.sh', ['-j', '2', '--only', 'copy_kits', '--only', 'characterize']);
    expect(r.code).toBe(1);
    const characterize = site.jobs.filter((j) => j.stage === 'characterize');
    for (const job of characterize) {
      expect(site.isDone(job)).toBe(false);
      expect(r.stderr).toContain(`libcc: FAILED characterize ${job.key}`);
      expect(logOf(site, 'characterize', job.key)).toMatch(/expect.*\/char\/\*\.ldb/);
    }
  });

  it('post_lvf writes each of the four sensitivity libraries with its own variation', async () => {
    const site = await compileVariant(FLOW);
    const r = await site.run('run-local.sh', ['-j', '2', '--only', 'copy_kits', '--only', 'lvf', '--only', 'post_lvf']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const dirs = dirsNamed(path.join(site.runDir, 'work', 'post_lvf'), 'post_lvf').filter((d) => fs.readdirSync(d).some((f) => f.endsWith('.sens.lib')));
    expect(dirs).toHaveLength(site.jobs.filter((j) => j.stage === 'post_lvf').length);
    const dir = dirs[0]!;
    const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
    expect(fs.readdirSync(dir).sort()).toEqual(['hold_unc.sens.lib', 'mpw_unc.sens.lib', 'psocv.sens.lib', 'setup_unc.sens.lib']);
    expect(read('hold_unc.sens.lib')).toContain('variation type: hold');
    expect(read('hold_unc.sens.lib')).toContain('ocv_sigma_fall_constraint');
    expect(read('hold_unc.sens.lib')).not.toContain('ocv_sigma_cell_rise');
    expect(read('setup_unc.sens.lib')).toContain('ocv_sigma_rise_constraint');
    expect(read('setup_unc.sens.lib')).not.toContain('ocv_sigma_fall_constraint');
    expect(read('mpw_unc.sens.lib')).toContain('timing_type : min_pulse_width');
    expect(read('mpw_unc.sens.lib')).toContain('variation type: mpw');
    expect(read('psocv.sens.lib')).toContain('ocv_sigma_cell_rise');
    expect(read('psocv.sens.lib')).not.toMatch(/ocv_sigma_(rise|fall)_constraint/);
  });

  it('the decks before this fix fail under the strict stub: SPICE netlists read with -format spectre', async () => {
    // The characterization deck's read_spice as it was: models and .spi netlists, -format spectre.
    const char = fs.readFileSync(path.join(REPO, 'templates/liberate/char.tcl.hbs'), 'utf8');
    const old = replaceOnce(char, 'read_spice -format {{deck.netlistFormat}} $netlists', 'read_spice -format spectre [list $models {*}$netlists]');
    const site = await compileVariant(FLOW, { 'liberate/char.tcl.hbs': old });
    const r = await site.run('run-local.sh', ['-j', '2', '--only', 'copy_kits', '--only', 'characterize']);
    expect(r.code).toBe(1);
    const job = site.jobs.find((j) => j.stage === 'characterize')!;
    expect(logOf(site, 'characterize', job.key)).toMatch(/read_spice: '.*\.spi' is a hspice netlist but is read with -format spectre/);
  });

  it('an LVF deck that skips mpw cannot write the mpw sensitivity library', async () => {
    const lvf = fs.readFileSync(path.join(REPO, 'templates/liberate/lvf.tcl.hbs'), 'utf8');
    const skipping = replaceOnce(lvf, '-skip {cin power leakage}', '-skip {mpw cin power leakage}');
    const site = await compileVariant(FLOW, { 'liberate/lvf.tcl.hbs': skipping });
    const r = await site.run('run-local.sh', ['-j', '2', '--only', 'copy_kits', '--only', 'lvf', '--only', 'post_lvf']);
    expect(r.code).toBe(1);
    const job = site.jobs.find((j) => j.stage === 'post_lvf')!;
    expect(logOf(site, 'post_lvf', job.key)).toContain('write_variation: -type mpw: char_variation skipped mpw');
  });

  it('rsh_cmd reaches the deck as one Tcl word: brackets, dollars, quotes and braces stay text', async () => {
    // In .lcp: \" and \\ are escapes, $HOME is text, ${TOOLS_ROOT} reads the env variable.
    const rsh = String.raw`bsub -q \"a b\" -o %B/%L [exec touch PWNED] $HOME \\ { ` + '${TOOLS_ROOT}/x';
    const flow = replaceOnce(FLOW, 'rsh_cmd = "bsub -q short -P libchar -n 1 -o %B/%L -e %B/%L"', `rsh_cmd = "${rsh}"`);
    const site = await compileVariant(flow);
    const job = site.jobs.find((j) => j.stage === 'characterize')!;
    const deck = fs.readFileSync(path.join(site.out, 'decks/characterize', `${job.key}.tcl`), 'utf8');
    const line = deck.split('\n').find((l) => l.startsWith('set_var rsh_cmd '))!;
    const script = [
      `source {${path.join(REPO, 'tests/tools/liberate-stubs.tcl')}}`,
      '::libstub::init LIBERATE 0 {} {}',
      line,
      'puts [get_var rsh_cmd]',
    ].join('\n');
    const r = spawnSync('tclsh', [], { input: script, cwd: site.root, encoding: 'utf8', env: { ...process.env, TOOLS_ROOT: '/opt/t' } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('bsub -q "a b" -o %B/%L [exec touch PWNED] $HOME \\ { /opt/t/x\n');
    expect(fs.existsSync(path.join(site.root, 'PWNED'))).toBe(false);
  });
});
