/**
 * Job-level dependencies (language.md §4.2): for `stage S after P`, which jobs of `P` each job of
 * `S` waits for, decided by the two key sets — equal: element-wise, P's a subset: broadcast,
 * P's a superset: gather (neither is LCP4002, a check rule). A job whose counterpart (or whole group) was removed
 * by P's `where` is `LCP4003`. A join (`after a | b`) waits for the one alternative whose jobs
 * match: none is `LCP4007`, several `LCP4008`.
 *
 * P's jobs are indexed once per (P, shared keys) by their numeric key, so matching is linear.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import { makeDiagnostic } from '../diagnostics/diagnostic.js';
import { CORNER, jobLabelParts, type ExpandedStage, type KeyCodec, type Universe } from './expand.js';
import type { Grouping } from './groups.js';
import type { DependencyRelation, PlanDependency } from './types.js';

/** At most this many `LCP4003` per (stage, dependency); the last one counts the rest. */
const MAX_MISSING_REPORTS = 3;

export interface Dependencies {
  /** Per job (canonical index): canonical indices of the jobs it waits for. */
  readonly parents: readonly (readonly number[])[];
  /** Per stage (declaration order): its dependencies, one per distinct upstream stage. */
  readonly relations: readonly PlanDependency[][];
  /** Per job (canonical index) of a stage with joins: the alternative it waits for, per join. */
  readonly choices: readonly (readonly string[] | undefined)[];
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
  const choices: (readonly string[] | undefined)[] = new Array<readonly string[] | undefined>(jobCount);
  const diagnostics: Diagnostic[] = [];
  const indexes = new Map<string, Map<number, number[]>>();

  /**
   * P's jobs (canonical indices) grouped by their projection onto `shared`; with `grouping`,
   * P's corners are replaced by their groups (a grouped stage after a per-corner one).
   */
  const indexOf = (p: number, shared: number, grouping: Grouping | undefined): Map<number, number[]> => {
    const cacheKey = `${p}:${shared}:${grouping?.key ?? ''}`;
    let index = indexes.get(cacheKey);
    if (index === undefined) {
      index = new Map();
      const up = expanded[p]!;
      const base = offsets[p]!;
      for (let j = 0; j < up.node.length; j++) {
        const c = grouping === undefined || up.corner[j]! < 0 ? up.corner[j]! : grouping.groupOf[up.corner[j]!]!;
        const key = codec.encode(shared, up.node[j]!, up.library[j]!, c, up.dimension[j]!);
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
    const base = offsets[s]!;
    /** Per upstream stage: which jobs of `down` found their match (null: not computed). */
    const plain: { p: number; span: Span; matched: Uint8Array; missing: number[] }[] = [];
    const joins: { p: number; span: Span }[][] = [];
    const seen = new Set<number>();
    for (const clause of stage.after) {
      const p = byName.get(clause.stage);
      if (p === undefined || seen.has(p)) continue;
      seen.add(p);
      const up = expanded[p]!;
      const relation = groupedRelation(down, up) ?? relationOf(down.mask, up.mask);
      // The checker rejects key sets that cannot be matched (LCP4002): only checked programs get here.
      if (relation === undefined) throw new Error(`internal error: \`${stage.name}\` cannot be matched to \`${up.stage.name}\` (LCP4002 not reported)`);
      stageRelations.push({ stage: up.stage.name, relation, ...(clause.join === undefined ? {} : { join: clause.join }) });
      // A self-dependency is a cycle (LCP4001).
      if (p === s) continue;
      if (clause.join !== undefined) {
        // An empty alternative (LCP4004) matches nothing; the join still names it.
        (joins[clause.join] ??= []).push({ p, span: clause.span });
        continue;
      }
      // An empty upstream stage is LCP4004 already.
      if (up.node.length === 0) continue;
      const matched = new Uint8Array(down.node.length);
      const missing: number[] = [];
      const groupOfJob = matcher(p, down);
      for (let j = 0; j < down.node.length; j++) {
        const group = groupOfJob(j);
        if (group === undefined) {
          missing.push(j);
          continue;
        }
        matched[j] = 1;
        addParents(base + j, group);
      }
      plain.push({ p, span: clause.span, matched, missing });
    }
    for (const dependency of plain) {
      const up = expanded[dependency.p]!;
      const complement = plain.find((other) => other !== dependency && dependency.missing.length > 0 && isComplement(dependency.matched, other.matched));
      reportMissing(diagnostics, universe, down, up, dependency.span, dependency.missing, complement && expanded[complement.p]!.stage.name);
    }
    for (const alternatives of joins) {
      if (alternatives === undefined) continue;
      const uncovered: number[] = [];
      const overlapping: { job: number; stages: string[] }[] = [];
      const matchers = alternatives.map((alternative) => matcher(alternative.p, down));
      for (let j = 0; j < down.node.length; j++) {
        let chosen: { p: number; group: readonly number[] } | undefined;
        const matching: string[] = [];
        for (const [a, alternative] of alternatives.entries()) {
          const group = matchers[a]!(j);
          if (group === undefined) continue;
          matching.push(expanded[alternative.p]!.stage.name);
          chosen ??= { p: alternative.p, group };
        }
        if (chosen === undefined) uncovered.push(j);
        else if (matching.length > 1) overlapping.push({ job: j, stages: matching });
        else {
          addParents(base + j, chosen.group);
          const current = choices[base + j] ?? [];
          choices[base + j] = [...current, expanded[chosen.p]!.stage.name];
        }
      }
      const first = alternatives[0]!.span;
      const last = alternatives[alternatives.length - 1]!.span;
      const joinSpan = { file: first.file, start: first.start, end: last.end };
      const names = alternatives.map((a) => expanded[a.p]!.stage.name);
      reportJoin(diagnostics, universe, down, names, joinSpan, uncovered, overlapping);
    }
  });
  return { parents, relations, choices, diagnostics };

  /** The jobs of `p` that job `j` of `down` waits for (undefined: none), with P's index looked up once. */
  function matcher(p: number, down: ExpandedStage): (j: number) => readonly number[] | undefined {
    const up = expanded[p]!;
    const shared = down.mask & up.mask;
    // Corner groups (`group by`): the per-corner side's corners are mapped to the other's groups.
    const grouping = shared & CORNER ? (down.grouping ?? up.grouping) : undefined;
    const mapUp = grouping !== undefined && up.grouping === undefined ? grouping : undefined;
    const mapDown = grouping !== undefined && down.grouping === undefined ? grouping : undefined;
    const index = indexOf(p, shared, mapUp);
    return (j) => {
      const c = mapDown === undefined || down.corner[j]! < 0 ? down.corner[j]! : mapDown.groupOf[down.corner[j]!]!;
      return index.get(codec.encode(shared, down.node[j]!, down.library[j]!, c, down.dimension[j]!));
    };
  }

  function addParents(job: number, group: readonly number[]): void {
    const current = parents[job]!;
    parents[job] = current.length === 0 ? group : current.concat(group);
  }
}

/** Every job matched by exactly one of the two dependencies. */
function isComplement(a: Uint8Array, b: Uint8Array): boolean {
  for (let j = 0; j < a.length; j++) if (a[j] === b[j]) return false;
  return true;
}

/**
 * Between a stage grouping corners and a per-corner one: a group gathers its corners' jobs; a
 * corner's job waits for its group's (broadcast). Undefined when no grouping is involved.
 */
function groupedRelation(down: ExpandedStage, up: ExpandedStage): DependencyRelation | undefined {
  if ((down.mask & up.mask & CORNER) === 0 || (down.grouping === undefined) === (up.grouping === undefined)) return undefined;
  if (down.grouping !== undefined) return 'gather';
  return (up.mask & ~down.mask) === 0 ? 'broadcast' : 'gather';
}

export function relationOf(downMask: number, upMask: number): DependencyRelation | undefined {
  if (downMask === upMask) return 'elementwise';
  if ((upMask & ~downMask) === 0) return 'broadcast';
  if ((downMask & ~upMask) === 0) return 'gather';
  return undefined;
}

/** `` `base_svt`/`ttg_0p48v_25c` `` — the key values of job `j` for messages. */
export function describeJob(universe: Universe, stage: ExpandedStage, j: number): string {
  return jobLabelParts(universe, stage.node[j]!, stage.library[j]!, stage.corner[j]!, stage.dimension[j]!, stage.grouping)
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
  /** A dependency of the same stage that matches exactly the jobs this one misses. */
  complement?: string,
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
        help:
          complement === undefined
            ? `give \`${down.stage.name}\` the same \`where\` as \`${up.stage.name}\` so it skips these jobs too`
            : `every job of \`${down.stage.name}\` matches exactly one of ${joinText(down, up.stage.name, complement, (a, b) => `\`${a}\` and \`${b}\``)}: to wait for whichever matches, write \`after ${joinText(down, up.stage.name, complement, (a, b) => `${a} | ${b}`)}\``,
      }),
    );
  });
}

/** Two dependencies spelt by `spell`, in the order the stage's `after` names them. */
function joinText(down: ExpandedStage, a: string, b: string, spell: (first: string, second: string) => string): string {
  const order = down.stage.after.map((d) => d.stage);
  return order.indexOf(a) < order.indexOf(b) ? spell(a, b) : spell(b, a);
}

/** LCP4007 (jobs no alternative matches) and LCP4008 (jobs several match), one of each per join. */
function reportJoin(
  diagnostics: Diagnostic[],
  universe: Universe,
  down: ExpandedStage,
  alternatives: readonly string[],
  span: Span,
  uncovered: readonly number[],
  overlapping: readonly { job: number; stages: string[] }[],
): void {
  const join = alternatives.map((a) => `\`${a}\``).join(' | ');
  const subject = (j: number) => {
    const which = describeJob(universe, down, j);
    return which === '' ? `\`${down.stage.name}\`` : which;
  };
  const more = (total: number, shown: number) => (total > shown ? [`and ${total - shown} more job${total - shown === 1 ? '' : 's'}`] : []);
  if (uncovered.length > 0) {
    const shown = uncovered.slice(0, MAX_MISSING_REPORTS);
    diagnostics.push(
      makeDiagnostic('LCP4007', span, `${uncovered.length} job${uncovered.length === 1 ? '' : 's'} of \`${down.stage.name}\` match${uncovered.length === 1 ? 'es' : ''} no alternative of ${join}`, {
        label: 'no alternative covers these jobs',
        notes: [`uncovered: ${shown.map(subject).join(', ')}`, ...more(uncovered.length, shown.length)],
        help: `make the alternatives' \`where\` conditions cover every job of \`${down.stage.name}\`, or give \`${down.stage.name}\` a \`where\` that skips these jobs`,
      }),
    );
  }
  if (overlapping.length > 0) {
    const shown = overlapping.slice(0, MAX_MISSING_REPORTS);
    diagnostics.push(
      makeDiagnostic('LCP4008', span, `${overlapping.length} job${overlapping.length === 1 ? '' : 's'} of \`${down.stage.name}\` match${overlapping.length === 1 ? 'es' : ''} more than one alternative of ${join}`, {
        label: 'overlapping alternatives',
        notes: [...shown.map((o) => `${subject(o.job)} matches ${o.stages.map((n) => `\`${n}\``).join(' and ')}`), ...more(overlapping.length, shown.length)],
        help: 'make the alternatives\' `where` conditions exclusive (complementary filters, e.g. `where library.multibit` and `where !library.multibit`)',
      }),
    );
  }
}
