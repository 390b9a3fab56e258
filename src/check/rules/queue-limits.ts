/**
 * Rule (language.md §2.1, queue): a stage's resources fit its queue — memory within `max_mem`
 * (LCP3013), run time within `max_runtime` (LCP3014), slots within `max_slots` (LCP3015).
 * Caught now instead of after days pending in a queue that can never run the job.
 */
import { formatDuration, formatMemory } from '../units.js';
import type { Rule } from './rule.js';

export const queueLimits: Rule = {
  name: 'queue-limits',
  run(ctx, input) {
    for (const stage of input.stages.values()) {
      const model = stage.model;
      if (model === undefined || model.resources.queue === undefined) continue;
      const queue = input.queues.find((q) => q.name === model.resources.queue);
      if (queue === undefined) continue;
      const queueLabel = { span: queue.span, message: `limits of queue \`${queue.name}\`` };
      const { memBytes, runtimeSeconds, cpus } = model.resources;
      if (queue.maxMemBytes !== undefined && memBytes !== undefined && memBytes > queue.maxMemBytes) {
        ctx.report('LCP3013', stage.spans.mem ?? model.nameSpan, `stage \`${model.name}\` asks for ${formatMemory(memBytes)}, more than queue \`${queue.name}\` allows (${formatMemory(queue.maxMemBytes)})`, {
          label: 'exceeds `max_mem`',
          secondary: [queueLabel],
          help: 'lower `mem` or use a queue with larger hosts',
        });
      }
      if (queue.maxRuntimeSeconds !== undefined && runtimeSeconds !== undefined && runtimeSeconds > queue.maxRuntimeSeconds) {
        ctx.report('LCP3014', stage.spans.runtime ?? model.nameSpan, `stage \`${model.name}\` asks for ${formatDuration(runtimeSeconds)}, more than queue \`${queue.name}\` allows (${formatDuration(queue.maxRuntimeSeconds)})`, {
          label: 'exceeds `max_runtime`',
          secondary: [queueLabel],
          help: 'lower `runtime` or use a queue with a longer run limit',
        });
      }
      if (queue.maxSlots !== undefined && cpus > queue.maxSlots) {
        ctx.report('LCP3015', stage.spans.cpus ?? model.nameSpan, `stage \`${model.name}\` asks for ${cpus} slots, more than queue \`${queue.name}\` allows (${queue.maxSlots})`, {
          label: 'exceeds `max_slots`',
          secondary: [queueLabel],
          help: 'lower `cpus` or use a queue with more slots per job',
        });
      }
    }
  },
};
