/**
 * Makespan under a slot cap (`--slots N`, language.md §9) by list scheduling, simulated event by
 * event: whenever slots free up, the ready jobs are considered in priority order — longest
 * remaining path first (the job's own duration plus the longest chain after it), ties by
 * canonical job order — and every job that fits in the free slots starts; a job that does not fit
 * lets later, smaller ready jobs start (backfill).
 *
 * Scanning the ready list in priority order and starting whatever fits is the same as repeatedly
 * starting the best ready job among those needing no more than the free slots (the free count only
 * shrinks during a scan). Ready jobs are therefore kept in one heap per distinct cpu count, and
 * each start looks at the heads of the heaps that fit: O((V + E) log V + V·k) for k distinct cpu
 * counts (at most one per stage).
 *
 * List scheduling is a heuristic: like every list schedule it is subject to Graham's anomalies,
 * so more slots can, rarely, give a longer makespan. It never beats the critical path or
 * Σ cpus × duration / cap, and with unit cpus it is within Graham's bound (see the tests).
 */
import { IntHeap } from './heap.js';
import type { Adjacency } from './order.js';

export interface ScheduleInput {
  /** Per job (topological position). */
  readonly duration: Float64Array;
  readonly cpus: Int32Array;
  /** Canonical job index, for ties. */
  readonly canonical: Int32Array;
  readonly parents: readonly (readonly number[])[];
  readonly children: Adjacency;
}

/** Longest path from each job to a sink, including the job's own duration. */
export function bottomLevels(duration: Float64Array, children: Adjacency): Float64Array {
  const n = duration.length;
  const level = new Float64Array(n);
  const { start, targets } = children;
  for (let v = n - 1; v >= 0; v--) {
    let longest = 0;
    for (let e = start[v]!; e < start[v + 1]!; e++) {
      const l = level[targets[e]!]!;
      if (l > longest) longest = l;
    }
    level[v] = duration[v]! + longest;
  }
  return level;
}

/** The makespan with at most `cap` slots in use (see `listSchedule`). */
export function scheduledMakespan(input: ScheduleInput, cap: number): number {
  return listSchedule(input, cap).makespan;
}

export interface Schedule {
  /** Start time of every job (topological position). */
  readonly start: Float64Array;
  readonly makespan: number;
}

/**
 * The list schedule with at most `cap` slots in use. Every job must need at most `cap` cpus (the
 * caller reports LCP4006 otherwise).
 */
export function listSchedule(input: ScheduleInput, cap: number): Schedule {
  const { duration, cpus, canonical, parents, children } = input;
  const n = duration.length;
  const level = bottomLevels(duration, children);
  const before = (a: number, b: number): boolean =>
    level[a]! > level[b]! || (level[a] === level[b] && canonical[a]! < canonical[b]!);

  // One ready heap per distinct cpu count, in ascending cpu order.
  const distinct = [...new Set(cpus)].sort((a, b) => a - b);
  const slotOf = new Map(distinct.map((c, i) => [c, i]));
  const ready = distinct.map(() => new IntHeap(before));
  const heapOf = new Int32Array(n);
  for (let v = 0; v < n; v++) heapOf[v] = slotOf.get(cpus[v]!)!;

  const startTime = new Float64Array(n);
  const finish = new Float64Array(n);
  const running = new IntHeap((a, b) => finish[a]! < finish[b]! || (finish[a] === finish[b] && a < b));
  const waiting = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    waiting[v] = parents[v]!.length;
    if (waiting[v] === 0) ready[heapOf[v]!]!.push(v);
  }

  let free = cap;
  let now = 0;
  let makespan = 0;
  const startReady = (): void => {
    for (;;) {
      let best = -1;
      for (let h = 0; h < distinct.length && distinct[h]! <= free; h++) {
        const head = ready[h]!.peek();
        if (head >= 0 && (best < 0 || before(head, best))) best = head;
      }
      if (best < 0) return;
      ready[heapOf[best]!]!.pop();
      free -= cpus[best]!;
      startTime[best] = now;
      finish[best] = now + duration[best]!;
      running.push(best);
    }
  };

  startReady();
  const { start, targets } = children;
  while (running.size > 0) {
    now = finish[running.peek()]!;
    while (running.size > 0 && finish[running.peek()] === now) {
      const v = running.pop();
      free += cpus[v]!;
      for (let e = start[v]!; e < start[v + 1]!; e++) {
        const w = targets[e]!;
        if (--waiting[w]! === 0) ready[heapOf[w]!]!.push(w);
      }
    }
    if (now > makespan) makespan = now;
    startReady();
  }
  return { start: startTime, makespan };
}
