/**
 * Slurm: one `sbatch --parsable` per unit, a job array per unit (`--array=SPEC[%N]`), typed
 * dependencies as `aftercorr:ID` (each), `afterok:ID` (all), `afterok:ID_i` (element), every
 * dependant with `--kill-on-invalid-dep=yes` (docs/slurm.md, docs/slurm-facts.md). The shell
 * side is templates/sh/slurm/scheduler.sh.hbs.
 */
import type { CheckedProgram, SchedulerOptionName, StageModel } from '../../check/model.js';
import { makeDiagnostic, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Plan } from '../../graph/plan.js';
import type { Dependency } from '../../submission/plan.js';
import { jobNames, type Scheduler } from '../scheduler.js';

const MIB = 1024 ** 2;

/** `--time`: `HH:MM:SS`, whole seconds rounded up (hours may exceed 24). */
export function slurmTime(seconds: number): string {
  const total = Math.ceil(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

/** sbatch options of a stage: partition, account, CPUs, memory, time limit, licences. */
export function sbatchOptions(program: CheckedProgram, stage: StageModel): string[] {
  const { resources } = stage;
  const options: string[] = [];
  const queue = program.queues.find((q) => q.name === resources.queue);
  if (queue) options.push(`--partition=${queue.lsfName}`);
  // The fair-share group is the Slurm account; it replaces the site's project for the stage.
  const account = resources.scheduler?.group ?? program.site.project;
  if (account !== undefined) options.push(`--account=${account}`);
  if (resources.cpus > 1) options.push(`--cpus-per-task=${resources.cpus}`);
  if (resources.memBytes !== undefined) {
    if (program.site.memLimit === 'per_slot') options.push(`--mem-per-cpu=${Math.max(1, Math.ceil(resources.memBytes / resources.cpus / MIB))}M`);
    else options.push(`--mem=${Math.max(1, Math.ceil(resources.memBytes / MIB))}M`);
  }
  if (resources.runtimeSeconds !== undefined) options.push(`--time=${slurmTime(resources.runtimeSeconds)}`);
  if (resources.licenses.length > 0) options.push(`--licenses=${resources.licenses.map((l) => `${l.name}:${l.count}`).join(',')}`);
  return options;
}

/** A unit's `--dependency` value, with `<unit>` for the job ids (for tests and docs). */
export function slurmDependency(deps: readonly Dependency[]): string {
  return deps
    .map((d) => (d.kind === 'each' ? `aftercorr:<${d.unit}>` : d.kind === 'all' ? `afterok:<${d.unit}>` : `afterok:<${d.unit}>_${d.index}`))
    .join(',');
}

/** Slurm 22.05 refuses a job name longer than 1024 characters (docs/slurm-facts.md). */
const MAX_JOB_NAME = 1024;
// No limit on the `--array` text worth splitting for; the indices are bounded by MaxArraySize.
const MAX_ARRAY_SPEC = 4096;

/** Scheduler options sbatch has no equivalent for, and why (docs/schedulers.md). */
const UNSUPPORTED_OPTIONS: Partial<Record<SchedulerOptionName, string>> = {
  priority: 'sbatch `--priority` is for Slurm operators and administrators only, and `--nice` can only lower a job\'s priority',
  select: 'an LSF `select[]` expression has no Slurm equivalent; node features are requested with `--constraint`',
  app: 'Slurm has no application profiles',
};

function validate(program: CheckedProgram, plan: Plan): Diagnostic[] {
  const found: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const stage of program.stages) {
    const options = stage.resources.scheduler;
    for (const [name, why] of Object.entries(UNSUPPORTED_OPTIONS) as [SchedulerOptionName, string][]) {
      const span = options?.spans[name];
      if (options?.[name] === undefined || span === undefined) continue;
      // A site default or a template is reported once, where it is written.
      const key = `${name}@${span.file}:${span.start}`;
      if (reported.has(key)) continue;
      reported.add(key);
      found.push(
        makeDiagnostic('LCP6003', span, `Slurm has no scheduler option \`${name}\``, {
          label: `\`${name}\` is an LSF option`,
          notes: [why],
          help: `remove \`${name}\` or compile for LSF (\`--scheduler lsf\`)`,
        }),
      );
    }
    if (stage.resources.requeueExitCodes.length > 0) {
      found.push(
        makeDiagnostic('LCP6003', stage.nameSpan, `Slurm cannot requeue stage \`${stage.name}\` on exit codes ${stage.resources.requeueExitCodes.join(', ')}`, {
          label: 'has `requeue` in its resources',
          notes: ['Slurm requeues after node failures only, never on a given exit code', 'use `retry N on exit CODE` instead: the job wrapper retries in place'],
        }),
      );
    }
  }
  for (const { stage, name } of jobNames(plan)) {
    if (name.length > MAX_JOB_NAME) {
      const model = program.stages.find((s) => s.name === stage)!;
      found.push(
        makeDiagnostic('LCP6003', model.nameSpan, `job name \`${name.slice(0, 40)}…\` has ${name.length} characters; Slurm takes at most ${MAX_JOB_NAME}`, {
          label: 'job names are `pipeline.stage.group`',
        }),
      );
    }
  }
  return found;
}

export const slurm: Scheduler = {
  name: 'slurm',
  title: 'Slurm',
  capabilities: {
    elementWiseDependencies: true,
    orphanCancellation: true,
    requeueOnExitCodes: false,
    maxArraySpec: MAX_ARRAY_SPEC,
    maxJobName: MAX_JOB_NAME,
  },
  validate,
  stageOptions: sbatchOptions,
  files: ({ program, header }) => [{ path: 'lib/scheduler.sh', template: 'sh/slurm/scheduler.sh.hbs', view: { header, pipeline: program.pipeline.name, maxArraySpec: MAX_ARRAY_SPEC } }],
};
