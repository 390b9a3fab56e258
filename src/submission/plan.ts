/**
 * The static submission plan, scheduler-neutral: which units (one scheduler submission each)
 * submit which jobs, and what each unit waits for, as typed dependencies — never a scheduler's
 * syntax. One unit per plan array (a stage and the values of its outer keys), so the number of
 * submissions grows with stages × libraries, not with jobs.
 *
 * Dependencies:
 * - `each`: element-wise 1:1 between two arrays with identical index lists (LSF `done(ID[*])`,
 *   Slurm `aftercorr:ID`);
 * - `all`: the whole parent unit (an array gather, or a plain job);
 * - `element`: element `index` of an array parent.
 * A parent set shared by every element is `all` or `element` terms; anything else — each element
 * waiting for different jobs — cannot be said in one array submission, so the unit is split into
 * one-element units. A scheduler turns these into its syntax (src/schedulers/*); the generated
 * scripts get them as data (lib/units.tsv, lib/deps.tsv).
 */
import type { Plan } from '../graph/plan.js';

export interface SubmissionUnit {
  /** Position in submission order (topological). */
  readonly id: number;
  readonly stage: string;
  /** The array's outer key values joined by `.`, or `_` for a stage with one array. */
  readonly group: string;
  /** Job name without any array spec: `pipeline.stage.group`. */
  readonly name: string;
  /** Submitted as a job array, or as one plain job (a stage without fan-out). */
  readonly array: boolean;
  readonly indices: readonly number[];
  /** Positions in `Plan.jobs`, parallel to `indices`. */
  readonly jobs: readonly number[];
  /** What the unit waits for, in unit order; empty for none. */
  readonly deps: readonly Dependency[];
}

export type Dependency =
  | { readonly kind: 'each'; readonly unit: number }
  | { readonly kind: 'all'; readonly unit: number }
  | { readonly kind: 'element'; readonly unit: number; readonly index: number };

export interface PlanLimits {
  /** Longest array specification the scheduler takes, name and `%N` included (LSF: 255). */
  readonly maxArraySpec: number;
}

/** LSF limits a job array specification (`name[…]%N`) to 255 characters. */
export const MAX_ARRAY_SPEC = 255;

/** `1-3,5,7-9`: an index list (LSF and Slurm spell it alike). */
export function indexSpec(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length; ) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j]! + 1) j++;
    parts.push(j === i ? String(indices[i]) : `${indices[i]}-${indices[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

interface Slot {
  readonly unit: number;
  readonly index: number;
}

export function planSubmission(plan: Plan, limits: PlanLimits = { maxArraySpec: MAX_ARRAY_SPEC }): SubmissionUnit[] {
  const units: SubmissionUnit[] = [];
  const slotOf = new Map<number, Slot>();
  const arrayUnits = new Map<number, boolean>();

  for (const stage of stageOrder(plan)) {
    const array = stage.keySet.length > 0 || (stage.dimensions?.length ?? 0) > 0;
    for (const planArray of stage.arrays) {
      const group = groupName(planArray.keys);
      const name = `${plan.pipeline}.${stage.name}.${group}`;
      for (const chunk of chunks(planArray.indices, planArray.jobs, name, limits.maxArraySpec)) {
        const deps = uniformDependency(plan, array, chunk.jobs, chunk.indices, slotOf, units, arrayUnits);
        if (deps !== undefined) {
          addUnit({ stage: stage.name, group, name, array, indices: chunk.indices, jobs: chunk.jobs, deps });
          continue;
        }
        // Elements wait for different jobs: one submission each, with explicit terms.
        chunk.jobs.forEach((job, k) => {
          const deps = elementDependency(plan.jobs[job]!.parents, slotOf, units, arrayUnits);
          addUnit({ stage: stage.name, group, name, array, indices: [chunk.indices[k]!], jobs: [job], deps });
        });
      }
    }
  }
  return units;

  function addUnit(unit: Omit<SubmissionUnit, 'id'>): void {
    const id = units.length;
    units.push({ id, ...unit });
    arrayUnits.set(id, unit.array);
    unit.jobs.forEach((job, k) => slotOf.set(job, { unit: id, index: unit.indices[k]! }));
  }
}

/** Dependencies every element of the chunk shares, or undefined when there are none such. */
function uniformDependency(
  plan: Plan,
  /** Is the dependant an array? `each` pairs elements of two arrays; a plain job cannot use it. */
  array: boolean,
  jobs: readonly number[],
  indices: readonly number[],
  slotOf: ReadonlyMap<number, Slot>,
  units: readonly SubmissionUnit[],
  arrayUnits: ReadonlyMap<number, boolean>,
): Dependency[] | undefined {
  // Per parent unit, each element's parents in it.
  const byUnit = new Map<number, Slot[][]>();
  jobs.forEach((job, k) => {
    for (const parent of plan.jobs[job]!.parents) {
      const slot = slotOf.get(parent)!;
      let perElement = byUnit.get(slot.unit);
      if (perElement === undefined) {
        perElement = jobs.map(() => []);
        byUnit.set(slot.unit, perElement);
      }
      perElement[k]!.push(slot);
    }
  });
  const terms: Dependency[] = [];
  for (const [unitId, perElement] of [...byUnit].sort((a, b) => a[0] - b[0])) {
    const unit = units[unitId]!;
    const oneToOne =
      array &&
      unit.array &&
      sameNumbers(unit.indices, indices) &&
      perElement.every((slots, k) => slots.length === 1 && slots[0]!.index === indices[k]);
    if (oneToOne) {
      terms.push({ kind: 'each', unit: unitId });
      continue;
    }
    const first = perElement[0]!.map((s) => s.index).sort((a, b) => a - b);
    const shared = perElement.every((slots) => sameNumbers(slots.map((s) => s.index).sort((a, b) => a - b), first));
    if (!shared) return undefined;
    if (first.length === unit.indices.length) terms.push({ kind: 'all', unit: unitId });
    else terms.push(...first.map((index) => term({ unit: unitId, index }, arrayUnits)));
  }
  return terms;
}

/** One job's dependency: a whole unit when it waits for all of it, else its elements. */
function elementDependency(
  parents: readonly number[],
  slotOf: ReadonlyMap<number, Slot>,
  units: readonly SubmissionUnit[],
  arrayUnits: ReadonlyMap<number, boolean>,
): Dependency[] {
  const byUnit = new Map<number, Slot[]>();
  for (const parent of parents) {
    const slot = slotOf.get(parent)!;
    const slots = byUnit.get(slot.unit) ?? [];
    slots.push(slot);
    byUnit.set(slot.unit, slots);
  }
  const terms: Dependency[] = [];
  for (const [unitId, slots] of [...byUnit].sort((a, b) => a[0] - b[0])) {
    if (slots.length === units[unitId]!.jobs.length) terms.push({ kind: 'all', unit: unitId });
    else terms.push(...slots.sort((a, b) => a.index - b.index).map((slot) => term(slot, arrayUnits)));
  }
  return terms;
}

/** One element of a parent: `element`, or `all` for a plain job (it has no elements). */
function term(slot: Slot, arrayUnits: ReadonlyMap<number, boolean>): Dependency {
  return arrayUnits.get(slot.unit) ? { kind: 'element', unit: slot.unit, index: slot.index } : { kind: 'all', unit: slot.unit };
}

/** Splits an array whose specification would exceed the scheduler's limit into several. */
export function chunks(indices: readonly number[], jobs: readonly number[], name: string, maxArraySpec: number): { indices: number[]; jobs: number[] }[] {
  const result: { indices: number[]; jobs: number[] }[] = [];
  let current = { indices: [] as number[], jobs: [] as number[] };
  // Room for the name, brackets and a `%N` limit.
  const budget = maxArraySpec - name.length - 2 - 8;
  // The length of `indexSpec(current.indices)`, kept as indices are added (making the spec of
  // each candidate anew was quadratic in an array's size): `before` is the length up to the last
  // run of consecutive indices (its comma included), which starts at `runStart`.
  let length = 0;
  let before = 0;
  let runStart = 0;
  indices.forEach((index, k) => {
    const extendsRun = current.indices.length > 0 && index === current.indices[current.indices.length - 1]! + 1;
    const candidate = extendsRun ? before + digits(runStart) + 1 + digits(index) : (length === 0 ? 0 : length + 1) + digits(index);
    if (current.indices.length > 0 && candidate > budget) {
      result.push(current);
      current = { indices: [], jobs: [] };
      length = 0;
    }
    if (current.indices.length > 0 && extendsRun) length = candidate;
    else {
      before = length === 0 ? 0 : length + 1;
      runStart = index;
      length = before + digits(index);
    }
    current.indices.push(index);
    current.jobs.push(jobs[k]!);
  });
  if (current.indices.length > 0) result.push(current);
  return result;
}

/** How many characters `String(n)` has. */
function digits(n: number): number {
  return String(n).length;
}

/** Stages in topological order of their `after` clauses, ties by declaration order. */
export function stageOrder(plan: Plan): Plan['stages'][number][] {
  const byName = new Map(plan.stages.map((s) => [s.name, s]));
  const placed = new Set<string>();
  const order: Plan['stages'][number][] = [];
  while (order.length < plan.stages.length) {
    const next = plan.stages.find((s) => !placed.has(s.name) && s.after.every((d) => placed.has(d.stage) || !byName.has(d.stage)));
    if (next === undefined) throw new Error('stage graph has a cycle'); // the graph phase rejects cycles
    placed.add(next.name);
    order.push(next);
  }
  return order;
}

export function groupName(keys: { node?: string; library?: string; corner?: string; group?: string; dimensions?: Readonly<Record<string, string>> }): string {
  const values = [keys.node, keys.library, keys.corner ?? keys.group, ...Object.values(keys.dimensions ?? {})].filter((v): v is string => v !== undefined);
  return values.length === 0 ? '_' : values.join('.');
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
