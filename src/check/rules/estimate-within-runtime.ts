/**
 * Lint (language.md §8, LCP3106): a stage's `estimate` should not exceed its run-time limit —
 * LSF would kill every job before it is expected to finish.
 */
import { formatDuration } from '../units.js';
import type { Rule } from './rule.js';

export const estimateWithinRuntime: Rule = {
  name: 'estimate-within-runtime',
  run(ctx, input) {
    for (const stage of input.stages.values()) {
      const model = stage.model;
      const runtime = model?.resources.runtimeSeconds;
      if (model === undefined || runtime === undefined || model.estimateSource !== 'estimate') continue;
      if (model.estimateSeconds > runtime) {
        ctx.report('LCP3106', stage.spans.estimate ?? model.nameSpan, `stage \`${model.name}\` is expected to take ${formatDuration(model.estimateSeconds)} but its run limit is ${formatDuration(runtime)}`, {
          label: 'longer than `runtime`',
          ...(stage.spans.runtime ? { secondary: [{ span: stage.spans.runtime, message: 'run limit set here' }] } : {}),
          help: 'raise `runtime` or check the estimate',
        });
      }
    }
  },
};
