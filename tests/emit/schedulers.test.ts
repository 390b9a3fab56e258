// The scheduler seam at compile time: the Slurm mapping of a stage's resources and of the typed
// dependencies, the site's `scheduler` setting and `--scheduler`, LCP6003 for settings Slurm
// cannot honour, and the generated files: only lib/scheduler.sh and the submit options differ
// between schedulers; the Slurm output passes shellcheck and never silences a Slurm command.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyse } from '../../src/driver/analyse.js';
import { buildPlan } from '../../src/graph/plan.js';
import { sbatchOptions, slurmDependency, slurmTime } from '../../src/schedulers/slurm/index.js';
import { planSubmission } from '../../src/submission/plan.js';
import { builtinTemplates } from '../helpers/analysis.js';
import { runCli } from '../helpers/cli.js';
import { checkSource, codes, loadFiles, PRELUDE } from '../helpers/program.js';

function stageOptions(site: string, resources: string): string[] {
  const checked = checkSource(`${PRELUDE}${site}\nqueue big { name = "batch"  max_mem = 64GB  max_runtime = 72h  max_slots = 16 }\nstage s { run = shell "x"  expect "y" >= 0  resources { ${resources} } }\n`);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const program = checked.program!;
  return sbatchOptions(program, program.stages.find((s) => s.name === 's')!);
}

describe('Slurm submit options of a stage', () => {
  it('maps queue, project, CPUs, memory, run limit and licences to sbatch options', () => {
    expect(stageOptions('site { project = "libchar" }', 'queue = big  cpus = 4  mem = 8GB  runtime = 90m  licenses { liberate_char = 1  hspice = 2 }')).toEqual([
      '--partition=batch',
      '--account=libchar',
      '--cpus-per-task=4',
      `--mem=${Math.ceil(8e9 / 2 ** 20)}M`,
      '--time=01:30:00',
      '--licenses=hspice:2,liberate_char:1',
    ]);
  });

  it('memory per CPU with mem_limit = per_slot; no --cpus-per-task for one CPU', () => {
    expect(stageOptions('site { mem_limit = per_slot }', 'cpus = 2  mem = 4GB')).toEqual(['--partition=batch', '--cpus-per-task=2', `--mem-per-cpu=${Math.ceil(2e9 / 2 ** 20)}M`]);
    expect(stageOptions('', 'cpus = 1')).toEqual(['--partition=batch']);
  });

  it('--time is HH:MM:SS, rounded up, hours beyond a day', () => {
    expect(slurmTime(59.2)).toBe('00:01:00');
    expect(slurmTime(48 * 3600)).toBe('48:00:00');
  });
});

describe('typed dependencies in Slurm terms', () => {
  it('each → aftercorr, all → afterok on the unit, element → afterok on ID_i', () => {
    const checked = checkSource(`${PRELUDE}library lib2 : n { corners = [tt_0p75v_25c_typical] }
stage p for each library { run = shell "x" expect "y" >= 0 }
stage s1 for each library, corner after p { run = shell "x" expect "y" >= 0 }
stage s2 for each library, corner after s1 { run = shell "x" expect "y" >= 0 }
stage g after s2 { run = shell "x" expect "y" >= 0 }
`);
    const units = planSubmission(buildPlan(checked.program!).plan!);
    expect(units.map((u) => [u.stage, slurmDependency(u.deps)])).toEqual([
      ['p', ''],
      ['s1', 'afterok:<0>_1'],
      ['s1', 'afterok:<0>_2'],
      ['s2', 'aftercorr:<1>'],
      ['s2', 'aftercorr:<2>'],
      ['g', 'afterok:<3>,afterok:<4>'],
    ]);
  });
});

describe('the site scheduler and LCP6003', () => {
  const analysed = (source: string, scheduler?: 'lsf' | 'slurm' | 'local') =>
    analyse(loadFiles({ 'main.lcp': source }), { templates: builtinTemplates(), ...(scheduler ? { scheduler } : {}) });
  const requeue = `${PRELUDE}stage s { run = shell "x"  expect "y" >= 0  resources { requeue = [75] } }\n`;

  it('LSF honours requeue; Slurm cannot (from the site, or --scheduler)', () => {
    expect(codes(analysed(requeue))).toEqual([]);
    expect(codes(analysed(requeue.replace('pipeline t\n', 'pipeline t\nsite { scheduler = slurm }\n')))).toEqual(['LCP6003']);
    expect(codes(analysed(requeue, 'slurm'))).toEqual(['LCP6003']);
    expect(codes(analysed(requeue.replace('pipeline t\n', 'pipeline t\nsite { scheduler = slurm }\n'), 'lsf'))).toEqual([]);
  });

  it('an unknown scheduler is an error of the site block', () => {
    const result = checkSource(`${PRELUDE}site { scheduler = pbs }\n`);
    expect(result.diagnostics.some((d) => d.severity === 'error' && d.message.includes('scheduler'))).toBe(true);
  });
});

describe('generated files per scheduler', () => {
  let root = '';
  const outs: Record<string, string> = {};
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-sched-emit-'));
    for (const scheduler of ['lsf', 'slurm', 'local']) {
      outs[scheduler] = path.join(root, scheduler);
      const r = await runCli('compile', 'examples/n2_tanager/flow.lcp', '-o', outs[scheduler]!, '--scheduler', scheduler, '--no-color');
      expect(r.code, r.stderr).toBe(0);
    }
  }, 60_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const shellFiles = (dir: string) => [...fs.readdirSync(dir), ...fs.readdirSync(path.join(dir, 'lib')).map((f) => `lib/${f}`), ...fs.readdirSync(path.join(dir, 'jobs')).map((f) => `jobs/${f}`)].filter((f) => f.endsWith('.sh')).sort();

  it('differ only in lib/scheduler.sh, the submit options and submit.sh\'s first comment', () => {
    const normalise = (text: string) => text.replace(/^# Submits pipeline .*$/m, '').replace(/^ {4}'[a-z_]+'\) options=\(.*\) ;;$/gm, '');
    for (const file of shellFiles(outs.lsf!).filter((f) => f !== 'lib/scheduler.sh')) {
      const lsf = normalise(fs.readFileSync(path.join(outs.lsf!, file), 'utf8'));
      expect(normalise(fs.readFileSync(path.join(outs.slurm!, file), 'utf8')), file).toBe(lsf);
      expect(normalise(fs.readFileSync(path.join(outs.local!, file), 'utf8')), file).toBe(lsf);
    }
    for (const table of ['lib/units.tsv', 'lib/deps.tsv', 'lib/jobs.tsv']) {
      expect(fs.readFileSync(path.join(outs.slurm!, table), 'utf8'), table).toBe(fs.readFileSync(path.join(outs.lsf!, table), 'utf8'));
    }
    expect(fs.readFileSync(path.join(outs.slurm!, 'lib/scheduler.sh'), 'utf8')).toContain('sbatch');
  });

  it('site { lsf_max_pack_jobs } changes lib/scheduler.sh alone (and the manifest that lists it)', async () => {
    const example = path.join(root, 'packs');
    fs.mkdirSync(example);
    for (const file of ['flow.lcp', 'corners.yaml', 'site.lcp']) fs.copyFileSync(path.join('examples/n2_tanager', file), path.join(example, file));
    const compile = async (out: string) => {
      const r = await runCli('compile', path.join(example, 'flow.lcp'), '-o', path.join(example, out), '--no-color');
      expect(r.code, r.stderr).toBe(0);
      return path.join(example, out);
    };
    const off = await compile('off');
    const site = fs.readFileSync(path.join(example, 'site.lcp'), 'utf8');
    fs.writeFileSync(path.join(example, 'site.lcp'), site.replace('  max_array_size = 1000\n', '  max_array_size = 1000\n  lsf_max_pack_jobs = 300\n'));
    const on = await compile('on');
    // Generated files: the cache (the manifest's origin, never committed) is libcc's bookkeeping.
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => !f.startsWith('.libcc-cache') && fs.statSync(path.join(dir, f)).isFile())
        .sort();
    expect(files(on)).toEqual(files(off));
    const differing = files(on).filter((f) => fs.readFileSync(path.join(on, f), 'utf8') !== fs.readFileSync(path.join(off, f), 'utf8'));
    expect(differing).toEqual(['lib/scheduler.sh', 'libcc.manifest']);
    expect(fs.readFileSync(path.join(on, 'lib/scheduler.sh'), 'utf8')).toContain('\nLIBCC_LSF_SITE_PACK_JOBS=300\n');
    expect(fs.readFileSync(path.join(off, 'lib/scheduler.sh'), 'utf8')).toContain('\nLIBCC_LSF_SITE_PACK_JOBS=0\n');
  });

  it('Slurm and local output passes shellcheck; no Slurm command is silenced', () => {
    for (const scheduler of ['slurm', 'local']) {
      const dir = outs[scheduler]!;
      const r = spawnSync('shellcheck', ['-x', ...shellFiles(dir)], { cwd: dir, encoding: 'utf8' });
      expect(r.stdout, scheduler).toBe('');
      expect(r.status, scheduler).toBe(0);
    }
    const calls: string[] = [];
    fs.readFileSync(path.join(outs.slurm!, 'lib/scheduler.sh'), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/^\s*#/.test(line) || !/(^|[\s($])(sbatch|squeue|scancel|scontrol) /.test(line)) return;
        calls.push(`${i + 1}: ${line}`);
        expect(line, `lib/scheduler.sh:${i + 1}`).not.toMatch(/\|\|\s*true|2>\s*\/dev\/null|\|\s*(grep|wc)/);
      });
    expect(calls.length).toBeGreaterThanOrEqual(4);
    // Two outputs through shellcheck -x, which analyses lib/runtime.sh again for every script that sources it.
  }, 300_000);

  it('every scheduler command runs bounded, through libcc_sched_cmd (LIBCC_SCHEDULER_TIMEOUT); submit.sh, status.sh and kill.sh check the bound at start-up', () => {
    const commands = { lsf: 'bsub|bjobs|bkill', slurm: 'sbatch|squeue|scancel|scontrol' };
    for (const [scheduler, names] of Object.entries(commands)) {
      const dir = outs[scheduler]!;
      const bounded: string[] = [];
      for (const file of shellFiles(dir)) {
        fs.readFileSync(path.join(dir, file), 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (/^\s*#/.test(line)) return;
            // A command run: at the start of a line, or of a $( ), after `setsid`, `!`, `|`, `;`, `&&`;
            // not in the text of a message (a quoted string without a command substitution).
            const code = line.replace(/"(?:[^"\\$]|\\.|\$(?!\())*"|'[^']*'/g, '""');
            const run = new RegExp(`(^\\s*|\\$\\(|[!|;&]\\s*)(setsid\\s+)?(${names})\\s`);
            expect(code, `${scheduler} ${file}:${i + 1} runs a scheduler command outside libcc_sched_cmd`).not.toMatch(run);
            if (new RegExp(`libcc_sched_cmd (setsid )?(${names}) `).test(line)) bounded.push(`${file}:${i + 1}`);
          });
      }
      expect(bounded.length, scheduler).toBeGreaterThanOrEqual(4);
      expect(bounded.every((c) => c.startsWith('lib/scheduler.sh:')), scheduler).toBe(true);
      for (const script of ['submit.sh', 'status.sh', 'kill.sh']) {
        expect(fs.readFileSync(path.join(dir, script), 'utf8'), `${scheduler} ${script}`).toMatch(/^libcc_sched_cmd_require$/m);
      }
    }
  });
});
