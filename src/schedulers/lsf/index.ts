/**
 * LSF: `bsub` job arrays in a job group per run (`-g`), dependencies by `-w` with `-ti`
 * (docs/lsf.md). The shell side is templates/sh/lsf/scheduler.sh.hbs.
 */
import type { CheckedProgram } from '../../check/model.js';
import type { Dependency } from '../../submission/plan.js';
import { MAX_ARRAY_SPEC } from '../../submission/plan.js';
import type { Scheduler } from '../scheduler.js';
import { bsubOptions } from './options.js';

export { bsubOptions, runLimit } from './options.js';

/** The run's job group prefix: `<site job_group>/<pipeline>`; a run adds `/<run id>`. */
export function lsfJobGroup(program: CheckedProgram): string {
  return `${program.site.jobGroup === '/' ? '' : program.site.jobGroup}/${program.pipeline.name}`;
}

/** A unit's `-w` expression, with `<unit>` for the job ids (for tests and docs; bash resolves ids itself). */
export function lsfDependency(deps: readonly Dependency[]): string {
  return deps
    .map((d) => (d.kind === 'each' ? `done(<${d.unit}>[*])` : d.kind === 'all' ? `done(<${d.unit}>)` : `done(<${d.unit}>[${d.index}])`))
    .join(' && ');
}

export const lsf: Scheduler = {
  name: 'lsf',
  title: 'LSF',
  capabilities: {
    elementWiseDependencies: true,
    orphanCancellation: true,
    requeueOnExitCodes: true,
    maxArraySpec: MAX_ARRAY_SPEC,
    // LSF job names (with the array spec) are limited to 4094 characters.
    maxJobName: 4094 - MAX_ARRAY_SPEC,
  },
  validate: () => [],
  stageOptions: (program, stage) => bsubOptions(program, stage).flat(),
  files: ({ program, header }) => [
    { path: 'lib/scheduler.sh', template: 'sh/lsf/scheduler.sh.hbs', view: { header, pipeline: program.pipeline.name, jobGroup: lsfJobGroup(program), maxPackJobs: program.site.lsfMaxPackJobs, maxArraySpec: MAX_ARRAY_SPEC } },
  ],
};
