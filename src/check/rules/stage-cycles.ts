/**
 * Rule (language.md §4.2, LCP4001): `after` clauses must not form a cycle. Found on the stage
 * graph, before any expansion (a job cycle can only come from a stage cycle), so `libcc check`
 * reports it with every other error of the run.
 *
 * The strongly connected components come from graphlib's `alg.tarjan`; within each component the
 * reported cycle is a shortest one through the component's first-declared stage, found by a
 * breadth-first search that follows `after` clauses in source order, so the result never depends
 * on hashing or insertion accidents. Each self-loop (`stage a after a`) is reported on its own.
 * A component holds one report even when it contains several elementary cycles: breaking the
 * reported one shows the next on the following run, and enumerating them all can be exponential.
 */
import { Graph, alg } from '@dagrejs/graphlib';
import type { Diagnostic, Label } from '../../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../../diagnostics/diagnostic.js';
import type { StageDependency } from '../model.js';
import type { StageShape } from '../stages.js';
import type { Rule } from './rule.js';

export const stageCycles: Rule = {
  name: 'stage-cycles',
  run(ctx, input) {
    const shapes = [...input.stages.values()].flatMap((s) => (s.shape ? [s.shape] : [])).sort((a, b) => a.index - b.index);
    for (const d of findStageCycles(shapes)) ctx.diagnostics.add(d);
  },
};

/** An `after` edge: `from` runs after `to`; `clause` is the name in `from`'s `after` clause. */
interface AfterEdge {
  readonly from: number;
  readonly to: number;
  readonly clause: StageDependency;
}

/**
 * Reports every cycle of `after` clauses. `stages` are in declaration order; edges to unknown
 * stages are ignored (the checker reports them).
 */
export function findStageCycles(stages: readonly StageShape[]): Diagnostic[] {
  const index = new Map<string, number>();
  stages.forEach((s, i) => {
    if (!index.has(s.name)) index.set(s.name, i);
  });

  // Outgoing edges per stage in source order, one per distinct target.
  const out: AfterEdge[][] = stages.map((stage, from) => {
    const edges: AfterEdge[] = [];
    const seen = new Set<number>();
    for (const clause of stage.after) {
      const to = index.get(clause.stage);
      if (to === undefined || seen.has(to)) continue;
      seen.add(to);
      edges.push({ from, to, clause });
    }
    return edges;
  });

  const graph = new Graph({ directed: true });
  stages.forEach((_, i) => graph.setNode(String(i)));
  for (const edges of out) for (const e of edges) graph.setEdge(String(e.from), String(e.to));

  const cycles: AfterEdge[][] = [];
  for (const edges of out) for (const e of edges) if (e.from === e.to) cycles.push([e]);

  for (const component of alg.tarjan(graph)) {
    if (component.length < 2) continue;
    const members = new Set(component.map(Number));
    const start = [...members].reduce((a, b) => Math.min(a, b), Infinity);
    const cycle = shortestCycle(out, members, start);
    if (cycle !== undefined) cycles.push(cycle);
  }

  cycles.sort((a, b) => a[0]!.from - b[0]!.from || a.length - b.length);
  return cycles.map((cycle) => cycleDiagnostic(stages, cycle));
}

/** Breadth-first search from `start` back to itself, inside one component, edges in source order. */
function shortestCycle(out: readonly AfterEdge[][], members: Set<number>, start: number): AfterEdge[] | undefined {
  const via = new Map<number, AfterEdge>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const e of out[v]!) {
      if (!members.has(e.to) || e.to === v) continue;
      if (e.to === start) {
        const path = [e];
        for (let w = v; w !== start; ) {
          const back = via.get(w)!;
          path.push(back);
          w = back.from;
        }
        return path.reverse();
      }
      if (!via.has(e.to)) {
        via.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  return undefined;
}

function cycleDiagnostic(stages: readonly StageShape[], cycle: readonly AfterEdge[]): Diagnostic {
  const name = (i: number): string => `\`${stages[i]!.name}\``;
  const chain = [...cycle.map((e) => name(e.from)), name(cycle[0]!.from)].join(' → ');
  const edgeLabel = (e: AfterEdge): string =>
    e.from === e.to ? `${name(e.from)} runs after itself` : `${name(e.from)} runs after ${name(e.to)}`;
  const [first, ...rest] = cycle;
  const secondary: Label[] = rest.map((e) => ({ span: e.clause.span, message: edgeLabel(e) }));
  return makeDiagnostic('LCP4001', first!.clause.span, `\`after\` clauses form a cycle: ${chain}`, {
    label: edgeLabel(first!),
    secondary,
    notes: ['`a` → `b` means `a` runs after `b`; no stage of a cycle could ever start'],
    help: 'remove one of these `after` clauses',
  });
}
