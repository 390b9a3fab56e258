// Compile-time output of per-stage work directories, stage reads, tool fields and environment,
// and scheduler options (docs/language.md §2.1, §6.2; docs/schedulers.md "Scheduler options"):
// the rendered bsub / sbatch options, the job wrapper's values, shellcheck-clean.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyse } from '../../src/driver/analyse.js';
import { bsubOptions } from '../../src/schedulers/lsf/index.js';
import { sbatchOptions } from '../../src/schedulers/slurm/index.js';
import { builtinTemplates } from '../helpers/analysis.js';
import { runCli } from '../helpers/cli.js';
import { checkSource, codes, loadFiles, PRELUDE } from '../helpers/program.js';

function program(site: string, resources: string) {
  const checked = checkSource(`${PRELUDE}${site}\nqueue big { name = "batch" }\nqueue small {}\nstage s { run = shell "x"  expect "y" >= 0  resources { ${resources} } }\n`);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const p = checked.program!;
  return { p, stage: p.stages.find((s) => s.name === 's')! };
}

describe('scheduler options in bsub and sbatch options', () => {
  it('LSF: -app, -G, -sp, and select[] in the one -R string; the site\'s group under the stage\'s priority', () => {
    const { p, stage } = program(
      'site { project = "libchar"  scheduler_options { group = "char_fs"  priority = 10 } }',
      'queue = big  cpus = 4  mem = 8GB  scheduler { priority = 50  select = "type==X86_64 && swp>10"  app = "liberate" }',
    );
    expect(bsubOptions(p, stage)).toEqual([
      ['-q', 'batch'],
      ['-P', 'libchar'],
      ['-app', 'liberate'],
      ['-G', 'char_fs'],
      ['-sp', '50'],
      ['-n', '4'],
      ['-M', String(Math.ceil(8e9 / 1024))],
      ['-R', `select[type==X86_64 && swp>10] rusage[mem=${Math.ceil(8e9 / 1024 ** 2)}] span[hosts=1]`],
    ]);
  });

  it('Slurm: group is the account, in place of the site\'s project', () => {
    const { p, stage } = program('site { project = "libchar" }', 'queue = big  scheduler { group = "char_fs" }');
    expect(sbatchOptions(p, stage)).toEqual(['--partition=batch', '--account=char_fs']);
  });

  it('queue = default: no -q, no --partition', () => {
    const { p, stage } = program('', 'queue = default  cpus = 2');
    expect(bsubOptions(p, stage)).toEqual([
      ['-n', '2'],
      ['-R', 'span[hosts=1]'],
    ]);
    expect(sbatchOptions(p, stage)).toEqual(['--cpus-per-task=2']);
  });

  it('LCP6003 for LSF-only options on Slurm, once per place written; LSF and local take them', () => {
    const source = `${PRELUDE}site { scheduler_options { app = "lib" } }
stage a { run = shell "x"  expect "y" >= 0  resources { scheduler { priority = 5  group = "g" } } }
stage b { run = shell "x"  expect "y" >= 0 }
`;
    const analysed = (scheduler: 'lsf' | 'slurm' | 'local') => analyse(loadFiles({ 'main.lcp': source }), { templates: builtinTemplates(), scheduler });
    const slurm = analysed('slurm').diagnostics;
    expect(codes({ diagnostics: slurm })).toEqual(['LCP6003', 'LCP6003']);
    expect(slurm.map((d) => d.message).sort()).toEqual(['Slurm has no scheduler option `app`', 'Slurm has no scheduler option `priority`']);
    expect(codes(analysed('lsf'))).toEqual([]);
    expect(codes(analysed('local'))).toEqual([]);
  });
});

describe('the generated pipeline', () => {
  let root = '';
  let out = '';
  const FLOW = `pipeline p
env T: path = "/opt/tools"
env LIC: string = "1@lic"
site { scheduler_options { group = "char fs" } }
node n { processes = [tt] }
corner tt_0p80v_25c {}
corner tt_0p90v_25c {}
library lib : n { corners = [tt_0p80v_25c, tt_0p90v_25c] }
tool gen { path = "\${T}/gen"  version = "1.2"  setup = "\${T}/setup.sh"  env { GEN_MODE = "fast"  CDS_LIC_FILE = "\${LIC}" } }
stage kits for each library { run = shell """echo > "\${work}/k" """  expect "\${work}/k" }
stage copy for each library, corner after kits { run = shell """cp "\${kits.work}/k" "\${work}/" """  expect "\${work}/k" }
stage run_gen for each library, corner after copy { run = gen ["\${copy.work}/k"]  expect "\${work}/o"  resources { scheduler { select = "type==X86_64 && swp>10" } } }
stage report for each library after run_gen { run = shell """ls "\${run_gen.work_root}" "\${tool.gen.path}" "\${tool.gen.version}" > "\${out}/r" """  expect "\${out}/r"  resources { queue = default } }
`;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-stage-env-'));
    fs.writeFileSync(path.join(root, 'flow.lcp'), FLOW);
    out = path.join(root, 'out');
    const r = await runCli('compile', path.join(root, 'flow.lcp'), '-o', out, '--no-color');
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 60_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const read = (file: string) => fs.readFileSync(path.join(out, file), 'utf8');

  it('each stage\'s work directory is under its own name', () => {
    expect(read('jobs/copy.sh')).toContain('lcp_work=$LIBCC_WORK_ROOT/$LIBCC_STAGE${LIBCC_KEY_PATH:+/$LIBCC_KEY_PATH}');
  });

  it('a read of an upstream directory is a per-job literal path (in the element table): element-wise and broadcast', () => {
    const copy = read('jobs/copy.sh');
    expect(read('lib/elements/copy.tsv')).toContain('\tlcp_stage_kits_work_path=kits/n/lib\n');
    expect(copy).toContain('lcp_stage_kits_work="$LIBCC_WORK_ROOT/$lcp_stage_kits_work_path"');
    const gen = read('lib/elements/run_gen.tsv');
    expect(gen).toContain('\tlcp_stage_copy_work_path=copy/n/lib/tt_0p80v_25c\n');
    expect(gen).toContain('\tlcp_stage_copy_work_path=copy/n/lib/tt_0p90v_25c\n');
    const report = read('jobs/report.sh');
    expect(report).toContain(`lcp_stage_run_gen_work_root="$LIBCC_WORK_ROOT"/'run_gen'`);
    expect(report).toContain('lcp_tool_gen_path="${T}/gen"');
    expect(report).toContain("lcp_tool_gen_version='1.2'");
  });

  it('only the stage that runs the tool gets its setup and env', () => {
    const gen = read('jobs/run_gen.sh');
    expect(gen).toContain('LIBCC_TOOL_SETUP="${T}/setup.sh"');
    expect(gen).toMatch(/libcc_tool_env\(\) \{\n {2}export GEN_MODE="fast"\n {2}export CDS_LIC_FILE="\$\{LIC\}"\n/);
    // The env variables the tool's setup and env read must be set when the job runs.
    expect(gen).toMatch(/LIBCC_REQUIRED_ENV=\('LIC' 'T'\)/);
    const report = read('jobs/report.sh');
    expect(report).toContain("LIBCC_TOOL_SETUP=''");
    expect(report).toMatch(/libcc_tool_env\(\) \{\n {2}:\n\}/);
  });

  it('submit options are quoted words; the default queue has no -q', () => {
    const submit = read('submit.sh');
    expect(submit).toContain("'run_gen') options=('-G' 'char fs' '-R' 'select[type==X86_64 && swp>10]') ;;");
    expect(submit).toContain("'report') options=('-G' 'char fs') ;;");
  });

  it('passes shellcheck', () => {
    const files = ['submit.sh', 'run-local.sh', 'lib/runtime.sh', ...fs.readdirSync(path.join(out, 'jobs')).map((f) => `jobs/${f}`)];
    const r = spawnSync('shellcheck', ['-x', ...files], { cwd: out, encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});
