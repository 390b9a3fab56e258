/**
 * Critical-path analysis with unlimited slots (language.md §9). Jobs are positions in a
 * topological order: every parent has a smaller position than its children.
 */
import type { Adjacency } from './order.js';

export interface Timing {
  readonly earliestStart: Float64Array;
  readonly earliestFinish: Float64Array;
  readonly latestStart: Float64Array;
  readonly makespan: number;
  /** Positions of the jobs of the critical chain, first job first. */
  readonly criticalChain: readonly number[];
}

export function analyseTiming(
  duration: Float64Array,
  parents: readonly (readonly number[])[],
  children: Adjacency,
): Timing {
  const n = duration.length;
  const earliestStart = new Float64Array(n);
  const earliestFinish = new Float64Array(n);
  let makespan = 0;
  for (let v = 0; v < n; v++) {
    let start = 0;
    const ps = parents[v]!;
    for (let i = 0; i < ps.length; i++) if (earliestFinish[ps[i]!]! > start) start = earliestFinish[ps[i]!]!;
    earliestStart[v] = start;
    const finish = start + duration[v]!;
    earliestFinish[v] = finish;
    if (finish > makespan) makespan = finish;
  }

  const latestStart = new Float64Array(n);
  const { start, targets } = children;
  for (let v = n - 1; v >= 0; v--) {
    let latestFinish = makespan;
    for (let e = start[v]!; e < start[v + 1]!; e++) {
      const ls = latestStart[targets[e]!]!;
      if (ls < latestFinish) latestFinish = ls;
    }
    latestStart[v] = latestFinish - duration[v]!;
  }

  // The chain: the first sink (topological order) finishing at the makespan, then repeatedly the
  // first parent finishing exactly when the current job starts.
  const criticalChain: number[] = [];
  let current = -1;
  for (let v = 0; v < n; v++) {
    if (earliestFinish[v] === makespan && start[v] === start[v + 1]) {
      current = v;
      break;
    }
  }
  while (current >= 0) {
    criticalChain.push(current);
    const begin = earliestStart[current]!;
    let next = -1;
    for (const p of parents[current]!) {
      if (earliestFinish[p] === begin && (next < 0 || p < next)) next = p;
    }
    current = next;
  }
  criticalChain.reverse();
  return { earliestStart, earliestFinish, latestStart, makespan, criticalChain };
}
