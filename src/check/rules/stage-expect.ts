/**
 * Lint (language.md §8, LCP3102): every stage should `expect` its outputs, otherwise a job
 * that exits 0 without producing anything passes silently (the legacy flow's worst failure).
 */
import type { Rule } from './rule.js';

export const stageExpect: Rule = {
  name: 'stage-expect',
  run(ctx, input) {
    for (const stage of input.stages.values()) {
      // With `extends`, the template chain's expects count; a broken chain has its own error.
      if (stage.body === undefined) continue;
      const hasExpect = stage.body.items.some((item) => item.kind === 'ExpectStatement');
      if (hasExpect) continue;
      ctx.report('LCP3102', stage.decl.name.span, `stage \`${stage.decl.name.name}\` does not \`expect\` any output`, {
        label: 'a job that produces nothing would pass',
        help: 'add `expect "<glob>" >= 1` for what the stage must produce',
      });
    }
  },
};
