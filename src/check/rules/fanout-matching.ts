/**
 * Rule (language.md §4.2, LCP4002): for `stage S after P`, the jobs of `S` are matched to the
 * jobs of `P` by their key sets — equal: element-wise, `P`'s a subset: broadcast, `P`'s a
 * superset: gather. When neither key set contains the other there is no matching, whatever the
 * `where` filters: a stage-level error, reported by `libcc check` before any expansion.
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../../diagnostics/diagnostic.js';
import type { StageShape } from '../stages.js';
import type { Rule } from './rule.js';

export const fanoutMatching: Rule = {
  name: 'fanout-matching',
  run(ctx, input) {
    const shapes = [...input.stages.values()].flatMap((s) => (s.shape ? [s.shape] : [])).sort((a, b) => a.index - b.index);
    for (const d of findUnmatchableFanout(shapes)) ctx.diagnostics.add(d);
  },
};

/** LCP4002 for every `after` clause whose key sets cannot be matched; `models` in declaration order. */
export function findUnmatchableFanout(models: readonly StageShape[]): Diagnostic[] {
  const found: Diagnostic[] = [];
  const byName = new Map<string, StageShape>();
  for (const model of models) if (!byName.has(model.name)) byName.set(model.name, model);
  for (const stage of models) {
    const seen = new Set<string>();
    for (const clause of stage.after) {
      const up = byName.get(clause.stage);
      if (up === undefined || seen.has(up.name)) continue;
      seen.add(up.name);
      const keys = keysOf(stage);
      const upKeys = keysOf(up);
      if (stage.groupBy && up.groupBy && stage.keySet.includes('corner') && up.keySet.includes('corner') && stage.groupBy.join() !== up.groupBy.join()) {
        found.push(makeDiagnostic('LCP4002', clause.span, `the jobs of \`${stage.name}\` cannot be matched to the jobs of \`${up.name}\``, {
          label: 'the two stages group corners differently',
          notes: [
            `\`${stage.name}\` groups corners by ${stage.groupBy.join(', ')}`,
            `\`${up.name}\` groups corners by ${up.groupBy.join(', ')}`,
            'a group of one stage may hold corners of several groups of the other, and the reverse',
          ],
          help: `give both stages the same \`group by\`, or make one of them per corner`,
        }));
        continue;
      }
      if (contains(keys, upKeys) || contains(upKeys, keys)) continue;
      found.push(makeDiagnostic('LCP4002', clause.span, `the jobs of \`${stage.name}\` cannot be matched to the jobs of \`${up.name}\``, {
        label: 'neither key set contains the other',
        notes: [`\`${stage.name}\` has the key set ${describeKeys(keys)}`, `\`${up.name}\` has the key set ${describeKeys(upKeys)}`],
        help: `fan \`${stage.name}\` out over keys that include or are included in those of \`${up.name}\``,
      }));
    }
  }
  return found;
}

/** The key set with the declared dimensions (which match like built-in keys, §4.2). */
function keysOf(stage: StageShape): readonly string[] {
  return [...stage.keySet, ...(stage.dimensions ?? [])];
}

function contains(outer: readonly string[], inner: readonly string[]): boolean {
  return inner.every((key) => outer.includes(key));
}

function describeKeys(keys: readonly string[]): string {
  return keys.length === 0 ? '{} (a single job)' : `{${keys.join(', ')}}`;
}
