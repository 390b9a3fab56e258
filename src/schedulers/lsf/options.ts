/**
 * bsub resource options of a stage (docs/lsf.md, "Resources"): queue (none: the cluster's
 * default), slots on one host, memory in the site's LSF units (per job or per slot), run limit in
 * minutes, project, licence tokens, and the scheduler options (`-app`, `-G`, `-sp`, `select[]`).
 * LSF's KB/MB/GB are binary (1 MB = 1024 KB); `LSF_UNIT_FOR_LIMITS` rescales both `-M` and
 * `rusage[mem=]`, whose defaults differ (KB and MB).
 */
import type { CheckedProgram, MemoryUnit, StageModel } from '../../check/model.js';

const UNIT_BYTES: Record<MemoryUnit, number> = { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

export function bsubOptions(program: CheckedProgram, stage: StageModel): string[][] {
  const options: string[][] = [];
  const { resources } = stage;
  const queue = program.queues.find((q) => q.name === resources.queue);
  if (queue) options.push(['-q', queue.lsfName]);
  if (program.site.project !== undefined) options.push(['-P', program.site.project]);
  const scheduler = resources.scheduler;
  // Pass-through options (docs/schedulers.md, "Scheduler options").
  if (scheduler?.app !== undefined) options.push(['-app', scheduler.app]);
  if (scheduler?.group !== undefined) options.push(['-G', scheduler.group]);
  if (scheduler?.priority !== undefined) options.push(['-sp', String(scheduler.priority)]);
  if (resources.cpus > 1) options.push(['-n', String(resources.cpus)]);
  const select: string[] = [];
  // One -R string: its select[], rusage[] and span[] sections together.
  if (scheduler?.select !== undefined) select.push(`select[${scheduler.select}]`);
  const rusage: string[] = [];
  if (resources.memBytes !== undefined) {
    const perSlot = program.site.memLimit === 'per_slot';
    const bytes = perSlot ? resources.memBytes / resources.cpus : resources.memBytes;
    const limitUnit = program.site.lsfUnitForLimits ?? 'KB';
    const rusageUnit = program.site.lsfUnitForLimits ?? 'MB';
    options.push(['-M', String(Math.max(1, Math.ceil(bytes / UNIT_BYTES[limitUnit])))]);
    rusage.push(`mem=${Math.max(1, Math.ceil(bytes / UNIT_BYTES[rusageUnit]))}`);
  }
  for (const license of resources.licenses) rusage.push(`${license.name}=${license.count}`);
  if (rusage.length > 0) select.push(`rusage[${rusage.join(':')}]`);
  if (resources.cpus > 1) select.push('span[hosts=1]');
  if (select.length > 0) options.push(['-R', select.join(' ')]);
  if (resources.runtimeSeconds !== undefined) options.push(['-W', runLimit(resources.runtimeSeconds)]);
  // LSF requeues the job (possibly on another host) on these exit codes; in-job `retry` is separate.
  if (resources.requeueExitCodes.length > 0) options.push(['-Q', resources.requeueExitCodes.join(' ')]);
  return options;
}

/** `-W [hh:]mm`: whole minutes, rounded up. */
export function runLimit(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours}:${String(minutes % 60).padStart(2, '0')}` : String(minutes);
}
