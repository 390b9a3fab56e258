/**
 * Local: no scheduler. `run-local.sh` runs the DAG on this machine; `submit.sh` hands over to
 * it. The shell side is templates/sh/local/scheduler.sh.hbs.
 */
import type { Scheduler } from '../scheduler.js';

export const local: Scheduler = {
  name: 'local',
  title: 'local',
  capabilities: {
    elementWiseDependencies: false,
    orphanCancellation: true,
    requeueOnExitCodes: false,
    maxArraySpec: Number.MAX_SAFE_INTEGER,
    maxJobName: Number.MAX_SAFE_INTEGER,
  },
  validate: () => [],
  stageOptions: () => [],
  files: ({ program, header }) => [{ path: 'lib/scheduler.sh', template: 'sh/local/scheduler.sh.hbs', view: { header, pipeline: program.pipeline.name, maxArraySpec: Number.MAX_SAFE_INTEGER } }],
};
