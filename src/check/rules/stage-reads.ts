/**
 * Rule (language.md §6, LCP4010, LCP4011): a stage reads another stage's directory
 * (`${S.work}`, `${S.work_root}`) only when it runs after it — directly or through other
 * stages' `after` clauses — or the files may not be there yet. `${S.work}` is one directory:
 * that of the job of `S` matching this job, which exists when `S`'s key set is contained in
 * this stage's (the same job or a coarser one); a finer `S` has many jobs per job here.
 */
import type { StageShape } from '../stages.js';
import type { Rule } from './rule.js';

export const stageReads: Rule = {
  name: 'stage-reads',
  run(ctx, input) {
    const shapes = new Map<string, StageShape>();
    for (const build of input.stages.values()) if (build.shape) shapes.set(build.shape.name, build.shape);
    for (const build of input.stages.values()) {
      const stage = build.shape;
      if (stage === undefined || build.reads.length === 0) continue;
      const upstream = ancestors(stage.name, shapes);
      const reported = new Set<string>();
      for (const read of build.reads) {
        if (read.stage === stage.name) continue; // its own directories
        const source = shapes.get(read.stage);
        if (source === undefined) continue; // broken fan-out keys, reported already
        const key = `${read.stage}.${read.field}:${read.span.start}`;
        if (reported.has(key)) continue;
        reported.add(key);
        if (!upstream.has(read.stage)) {
          ctx.report('LCP4010', read.span, `stage \`${stage.name}\` reads the directory of \`${read.stage}\` but does not run after it`, {
            label: `\`${stage.name}\` may start before \`${read.stage}\` wrote it`,
            help: `add \`after ${read.stage}\` to stage \`${stage.name}\``,
          });
        } else if (read.field === 'work' && !coarserOrEqual(stage, source)) {
          ctx.report('LCP4011', read.span, `\`${read.stage}.work\` is not one directory for a job of \`${stage.name}\``, {
            label: `\`${read.stage}\` has several jobs per job of \`${stage.name}\``,
            notes: [`\`${read.stage}\` has the key set ${describeKeys(source)}, \`${stage.name}\` ${describeKeys(stage)}`],
            help: `read \`\${${read.stage}.work_root}\`, the directory holding every job directory of \`${read.stage}\` (\`<work_root>/${read.stage}/<keys>\`)`,
          });
        }
      }
    }
  },
};

/** Every stage `name` runs after, directly or transitively. */
function ancestors(name: string, shapes: ReadonlyMap<string, StageShape>): Set<string> {
  const found = new Set<string>();
  const pending = [name];
  while (pending.length > 0) {
    const current = shapes.get(pending.pop()!);
    for (const dependency of current?.after ?? []) {
      if (found.has(dependency.stage)) continue;
      found.add(dependency.stage);
      pending.push(dependency.stage);
    }
  }
  return found;
}

/**
 * Whether each job of `stage` matches one job of `source`: `source`'s keys and dimensions are
 * among `stage`'s, and a corner key means the same in both (per corner, or the same `group by`).
 */
function coarserOrEqual(stage: StageShape, source: StageShape): boolean {
  if (!source.keySet.every((key) => stage.keySet.includes(key))) return false;
  if (!(source.dimensions ?? []).every((d) => (stage.dimensions ?? []).includes(d))) return false;
  if (!source.keySet.includes('corner')) return true;
  return (source.groupBy ?? []).join(',') === (stage.groupBy ?? []).join(',');
}

function describeKeys(shape: StageShape): string {
  const keys = [...shape.keySet, ...(shape.dimensions ?? [])];
  const grouped = shape.groupBy && shape.keySet.includes('corner') ? ` grouped by ${shape.groupBy.join(', ')}` : '';
  return keys.length === 0 ? '{} (a single job)' : `{${keys.join(', ')}}${grouped}`;
}
