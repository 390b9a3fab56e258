/**
 * Rule: every job name a stage can produce fits the scheduler and the file system (LCP3020).
 *
 * A job is submitted as `pipeline.stage.group` (the group: its outer keys, `node.library`), as an
 * array `name[index_list]%limit`; LSF takes at most 255 characters for that whole specification
 * (docs/lsf.md, bsub -J); Slurm accepts 1024 (docs/slurm-facts.md), so the stricter LSF bound
 * applies. Names also become file names (`jobs/<stage>.sh`, work directories per library and
 * corner), at most 255 bytes each. So the longest name a stage can produce — the pipeline, the
 * stage, and the longest node, library and corner names it fans out over, joined by `.` — must
 * stay within `MAX_JOB_NAME` characters, which leaves room for the array part. Caught here
 * instead of by `bsub` (or ENAMETOOLONG) half-way through a submission.
 */
import type { Rule } from './rule.js';

/** 255 (LSF's limit on `name[index_list]%limit`) minus room for the index list and the limit. */
export const MAX_JOB_NAME = 200;

export const jobNames: Rule = {
  name: 'job-names',
  run(ctx, input) {
    const pipeline = input.symbols.pipeline;
    if (pipeline === undefined) return;
    const longest = (names: Iterable<string>) => {
      let max = 0;
      for (const name of names) max = Math.max(max, name.length);
      return max;
    };
    const keyLength = {
      node: longest(input.nodes.keys()),
      library: longest(input.libraries.keys()),
      corner: longest(input.corners.keys()),
    };
    const pipelineName = pipeline.name.name;
    if (pipelineName.length > MAX_JOB_NAME) {
      ctx.report('LCP3020', pipeline.name.span, `pipeline name is ${pipelineName.length} characters long; job names built from it exceed ${MAX_JOB_NAME}`, {
        label: 'too long for a job name',
        help: 'use a shorter pipeline name',
      });
      return;
    }
    for (const stage of input.stages.values()) {
      const model = stage.model;
      if (model === undefined) continue;
      const parts = [pipelineName.length, model.name.length, ...model.keySet.map((key) => keyLength[key])];
      const length = parts.reduce((a, b) => a + b, 0) + parts.length - 1;
      if (length <= MAX_JOB_NAME) continue;
      ctx.report('LCP3020', model.nameSpan, `the jobs of stage \`${model.name.length > 60 ? `${model.name.slice(0, 60)}…` : model.name}\` can have names of ${length} characters, more than ${MAX_JOB_NAME}`, {
        label: 'job names too long for the scheduler',
        notes: [`a job name is \`pipeline.stage\` and the names it fans out over (${model.keySet.join(', ') || 'none'}), joined by \`.\`; LSF takes at most 255 characters with the array index`],
        help: 'shorten the stage name, or the longest node, library or corner name',
      });
    }
  },
};
