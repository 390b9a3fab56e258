/** The schedulers by name; the site's `scheduler` setting (default `lsf`) picks one. */
import type { CheckedProgram } from '../check/model.js';
import { local } from './local/index.js';
import { lsf } from './lsf/index.js';
import type { Scheduler, SchedulerName } from './scheduler.js';
import { slurm } from './slurm/index.js';

export const SCHEDULERS: Readonly<Record<SchedulerName, Scheduler>> = { lsf, slurm, local };

/** Every scheduler's shell template, for the analysis to compile (a site may override them). */
export const SCHEDULER_TEMPLATES: readonly string[] = Object.keys(SCHEDULERS).map((name) => `sh/${name}/scheduler.sh.hbs`);

export function schedulerOf(program: CheckedProgram): Scheduler {
  return SCHEDULERS[program.site.scheduler ?? 'lsf'];
}

export { SCHEDULER_NAMES, type Scheduler, type SchedulerName } from './scheduler.js';
