/**
 * Job-level dependencies (language.md §4.2): for `stage S after P`, which jobs of `P` each job of
 * `S` waits for, decided by the two key sets — equal: element-wise, P's a subset: broadcast,
 * P's a superset: gather (neither is LCP4002, a check rule). A job whose counterpart (or whole group) was removed
 * by P's `where` is `LCP4003`.
 *
 * P's jobs are indexed once per (P, shared keys) by their numeric key, so matching is linear.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/diagnostic.js';
import { jobLabelParts, type ExpandedStage, type KeyCodec, type Universe } from './expand.js';
import type { DependencyRelation, PlanDependency } from './types.js';

/** At most this many `LCP4003` per (stage, dependency); the last one counts the rest. */
const MAX_MISSING_REPORTS = 3;

export interface Dependencies {
  /** Per job (canonical index): canonical indices of the jobs it waits for. */
  readonly parents: readonly (readonly number[])[];
  /** Per stage (declaration order): its dependencies, one per distinct upstream stage. */
  readonly relations: readonly PlanDependency[][];
  readonly diagnostics: Diagnostic[];
}

/**
 * @param expanded the stages in declaration order
 * @param offsets canonical index of the first job of each stage
 */
export function matchDependencies(
  universe: Universe,
  codec: KeyCodec,
  expanded: readonly ExpandedStage[],
  offsets: readonly number[],
  jobCount: number,
): Dependencies {
  const byName = new Map<string, number>();
  expanded.forEach((e, i) => {
    if (!byName.has(e.stage.name)) byName.set(e.stage.name, i);
  });
  const empty: readonly number[] = [];
  const parents: (readonly number[])[] = new Array<readonly number[]>(jobCount).fill(empty);
  const relations: PlanDependency[][] = [];
  const diagnostics: Diagnostic[] = [];
  const indexes = new Map<number, Map<number, number[]>>();

  /** P's jobs (canonical indices) grouped by their projection onto `shared`. */
  const indexOf = (p: number, shared: number): Map<number, number[]> => {
    const cacheKey = p * 2 ** (3 + universe.dimensions.length) + shared;
    let index = indexes.get(cacheKey);
    if (index === undefined) {
      index = new Map();
      const up = expanded[p]!;
      const base = offsets[p]!;
      for (let j = 0; j < up.node.length; j++) {
        const key = codec.encode(shared, up.node[j]!, up.library[j]!, up.corner[j]!, up.dimension[j]!);
        const group = index.get(key);
        if (group === undefined) index.set(key, [base + j]);
        else group.push(base + j);
      }
      indexes.set(cacheKey, index);
    }
    return index;
  };

  expanded.forEach((down, s) => {
    const stage = down.stage;
    const stageRelations: PlanDependency[] = [];
    relations.push(stageRelations);
    const seen = new Set<number>();
    for (const clause of stage.after) {
      const p = byName.get(clause.stage);
      if (p === undefined || seen.has(p)) continue;
      seen.add(p);
      const up = expanded[p]!;
      const relation = relationOf(down.mask, up.mask);
      // The checker rejects key sets that cannot be matched (LCP4002): only checked programs get here.
      if (relation === undefined) throw new Error(`internal error: \`${stage.name}\` cannot be matched to \`${up.stage.name}\` (LCP4002 not reported)`);
      stageRelations.push({ stage: up.stage.name, relation });
      // A self-dependency is a cycle (LCP4001); an empty upstream stage is LCP4004 already.
      if (p === s || up.node.length === 0) continue;

      const index = indexOf(p, down.mask & up.mask);
      const shared = down.mask & up.mask;
      const base = offsets[s]!;
      const missing: number[] = [];
      for (let j = 0; j < down.node.length; j++) {
        const group = index.get(codec.encode(shared, down.node[j]!, down.library[j]!, down.corner[j]!, down.dimension[j]!));
        if (group === undefined) {
          missing.push(j);
          continue;
        }
        const current = parents[base + j]!;
        parents[base + j] = current.length === 0 ? group : current.concat(group);
      }
      reportMissing(diagnostics, universe, down, up, clause.span, missing);
    }
  });
  return { parents, relations, diagnostics };
}

export function relationOf(downMask: number, upMask: number): DependencyRelation | undefined {
  if (downMask === upMask) return 'elementwise';
  if ((upMask & ~downMask) === 0) return 'broadcast';
  if ((downMask & ~upMask) === 0) return 'gather';
  return undefined;
}

/** `` `base_svt`/`ttg_0p48v_25c` `` — the key values of job `j` for messages. */
export function describeJob(universe: Universe, stage: ExpandedStage, j: number): string {
  return jobLabelParts(universe, stage.node[j]!, stage.library[j]!, stage.corner[j]!, stage.dimension[j]!)
    .map((part) => `\`${part}\``)
    .join('/');
}

function reportMissing(
  diagnostics: Diagnostic[],
  universe: Universe,
  down: ExpandedStage,
  up: ExpandedStage,
  span: Diagnostic['primary']['span'],
  missing: readonly number[],
): void {
  const shown = missing.slice(0, MAX_MISSING_REPORTS);
  const rest = missing.length - shown.length;
  // Same code and span: `sortDiagnostics` orders them by message, so the count of the rest goes
  // on the one whose message sorts last.
  const messages = shown
    .map((j) => {
      const which = describeJob(universe, down, j);
      const subject = which === '' ? `\`${down.stage.name}\`` : `\`${down.stage.name}\` for ${which}`;
      return `${subject} has no matching job in \`${up.stage.name}\``;
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  messages.forEach((message, i) => {
    const notes: string[] = [];
    if (up.stage.where !== undefined) notes.push(`the \`where\` of \`${up.stage.name}\` removed the matching jobs`);
    if (i === messages.length - 1 && rest > 0) {
      notes.push(`and ${rest} more job${rest === 1 ? '' : 's'} of \`${down.stage.name}\` with no matching job in \`${up.stage.name}\``);
    }
    diagnostics.push(
      makeDiagnostic('LCP4003', span, message, {
        label: `no job of \`${up.stage.name}\` matches`,
        secondary: [{ span: up.stage.nameSpan, message: `\`${up.stage.name}\` declared here` }],
        notes,
        help: `give \`${down.stage.name}\` the same \`where\` as \`${up.stage.name}\` so it skips these jobs too`,
      }),
    );
  });
}
