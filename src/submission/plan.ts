/**
 * The static submission plan, scheduler-neutral: which units (one scheduler submission each)
 * submit which jobs, and what each unit waits for, as typed dependencies — never a scheduler's
 * syntax. One unit per plan array (a stage and the values of its outer keys), so the number of
 * submissions grows with stages × libraries, not with jobs.
 *
 * Batches: consecutive arrays of a stage (libraries, say) are also offered as one array, a
 * batch, whose index `(g - first) × width + index` numbers the elements of its groups one after
 * another (`width` the stage's largest index, `g` a group's number in its element table, `first`
 * the batch's first group). A batch is one submission instead of one per library; its members
 * stay in the plan, after it, for when the batch cannot be submitted whole (some of its jobs are
 * done, or a parent was not submitted whole): submit.sh then submits the members. Batches of
 * stages with identical groups and index lists pair 1:1 (`each`) as their members do. A batch
 * holds at most `maxArraySize` indices (the site's `max_array_size`, LSF's MAX_JOB_ARRAY_SIZE),
 * and a stage with `array_limit` is not batched (its limit is per array).
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
  /**
   * The array's outer key values joined by `.`, or `_` for a stage with one array; for a batch
   * `g<first>-<last>`, its groups' numbers (1-based) in the stage's element table.
   */
  readonly group: string;
  /** Job name without any array spec: `pipeline.stage.group`. */
  readonly name: string;
  /** A member of a batch: the batch's id (the batch comes first); submitted only when the batch cannot be. */
  readonly batch?: number;
  /** A batch: the number of its members, which follow it. */
  readonly members?: number;
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
  /** Largest array index (the site's `max_array_size`); no batches without it. */
  readonly maxArraySize?: number;
  /** Stages with an `array_limit`: never batched (the limit is per array). */
  readonly limited?: ReadonlySet<string>;
}

/**
 * Where a stage's jobs sit in its element table (lib/elements/<stage>.*): group numbers in order
 * of first appearance among the stage's arrays, and `stride` = largest index + 1, so that job
 * (g, index) is slot `g × stride + index`.
 */
export interface ElementLayout {
  readonly groups: ReadonlyMap<string, number>;
  readonly stride: number;
}

export function elementLayout(stage: Plan['stages'][number]): ElementLayout {
  const groups = new Map<string, number>();
  let stride = 1;
  for (const array of stage.arrays) {
    const group = groupName(array.keys);
    if (!groups.has(group)) groups.set(group, groups.size);
    for (const index of array.indices) if (index + 1 > stride) stride = index + 1;
  }
  return { groups, stride };
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

/**
 * Each job's place (unit and index) in the units made so far, by its position in `Plan.jobs`:
 * two typed arrays, not a map of objects (100k jobs at a time, docs/performance.md).
 */
class Slots {
  private readonly units: Int32Array;
  private readonly indices: Int32Array;

  constructor(jobs: number) {
    this.units = new Int32Array(jobs).fill(-1);
    this.indices = new Int32Array(jobs);
  }

  set(job: number, unit: number, index: number): void {
    this.units[job] = unit;
    this.indices[job] = index;
  }

  has(job: number): boolean {
    return this.units[job]! >= 0;
  }

  unit(job: number): number {
    return this.units[job]!;
  }

  index(job: number): number {
    return this.indices[job]!;
  }
}

/** Where a parent job sits: `slots` (a member's place), or `first`'s where it has one (a batch's). */
interface SlotLookup {
  readonly first?: Slots;
  readonly slots: Slots;
}

function unitOf(lookup: SlotLookup, job: number): number {
  return lookup.first?.has(job) === true ? lookup.first.unit(job) : lookup.slots.unit(job);
}

function indexOf(lookup: SlotLookup, job: number): number {
  return lookup.first?.has(job) === true ? lookup.first.index(job) : lookup.slots.index(job);
}

export function planSubmission(plan: Plan, limits: PlanLimits = { maxArraySpec: MAX_ARRAY_SPEC }): SubmissionUnit[] {
  const units: SubmissionUnit[] = [];
  // Each job's place in its array's unit (members: the unit submitted when the batch is not).
  const slotOf = new Slots(plan.jobs.length);
  // Each batched job's place in its batch.
  const batchSlotOf = new Slots(plan.jobs.length);
  const arrayUnits: boolean[] = [];
  const memberSlot: SlotLookup = { slots: slotOf };
  const anySlot: SlotLookup = { first: batchSlotOf, slots: slotOf };

  for (const stage of stageOrder(plan)) {
    const array = stage.keySet.length > 0 || (stage.dimensions?.length ?? 0) > 0;
    // The units of each plan array; their dependencies are on earlier stages only.
    const perArray: NewUnit[][] = stage.arrays.map((planArray) => {
      const group = groupName(planArray.keys);
      const name = `${plan.pipeline}.${stage.name}.${group}`;
      const made: NewUnit[] = [];
      for (const chunk of chunks(planArray.indices, planArray.jobs, name, limits.maxArraySpec)) {
        const deps = uniformDependency(plan, array, chunk.jobs, chunk.indices, memberSlot, units, arrayUnits);
        if (deps !== undefined) {
          made.push({ stage: stage.name, group, name, array, indices: chunk.indices, jobs: chunk.jobs, deps });
          continue;
        }
        // Elements wait for different jobs: one submission each, with explicit terms.
        chunk.jobs.forEach((job, k) => {
          const deps = elementDependency(plan.jobs[job]!.parents, slotOf, units, arrayUnits);
          made.push({ stage: stage.name, group, name, array, indices: [chunk.indices[k]!], jobs: [job], deps });
        });
      }
      return made;
    });
    const batches = array && limits.maxArraySize !== undefined && !limits.limited?.has(stage.name) ? batchesOf(plan, stage, perArray, limits, anySlot, units, arrayUnits) : [];
    const batchAt = new Map(batches.map((b) => [b.firstArray, b]));
    for (let a = 0; a < perArray.length; a++) {
      const batch = batchAt.get(a);
      if (batch === undefined) {
        for (const unit of perArray[a]!) addUnit(unit);
        continue;
      }
      const batchId = addUnit({ ...batch.unit, members: batch.arrays });
      for (let m = a; m < a + batch.arrays; m++) for (const unit of perArray[m]!) addUnit({ ...unit, batch: batchId });
      a += batch.arrays - 1;
    }
  }
  return units;

  function addUnit(unit: NewUnit): number {
    const id = units.length;
    units.push({ id, ...unit });
    arrayUnits.push(unit.array);
    const slots = unit.members !== undefined ? batchSlotOf : slotOf;
    const { jobs, indices } = unit;
    for (let k = 0; k < jobs.length; k++) slots.set(jobs[k]!, id, indices[k]!);
    return id;
  }
}

type NewUnit = Omit<SubmissionUnit, 'id'>;

/**
 * The batches of a stage: runs of its arrays each submitted whole (one unit) whose groups follow
 * one another in the element table, as long as the batch's largest index stays within
 * `maxArraySize` and its specification within `maxArraySpec`, and its elements share their
 * dependencies (as a member's do). A batch has two members or more.
 */
function batchesOf(
  plan: Plan,
  stage: Plan['stages'][number],
  perArray: readonly NewUnit[][],
  limits: PlanLimits,
  slot: SlotLookup,
  units: readonly SubmissionUnit[],
  arrayUnits: readonly boolean[],
): { firstArray: number; arrays: number; unit: NewUnit }[] {
  const layout = elementLayout(stage);
  const width = layout.stride - 1;
  const groupOf = (a: number) => layout.groups.get(perArray[a]![0]!.group)!;
  const whole = (a: number) => perArray[a]!.length === 1 && perArray[a]![0]!.jobs.length === stage.arrays[a]!.jobs.length;
  const batches: { firstArray: number; arrays: number; unit: NewUnit }[] = [];
  for (let a = 0; a < perArray.length; ) {
    if (!whole(a)) {
      a++;
      continue;
    }
    const first = groupOf(a);
    const indices: number[] = [];
    const jobs: number[] = [];
    let spec = new SpecLength();
    let end = a;
    for (; end < perArray.length && whole(end) && groupOf(end) === first + (end - a); end++) {
      const unit = perArray[end]![0]!;
      const base = (groupOf(end) - first) * width;
      if (base + unit.indices[unit.indices.length - 1]! > limits.maxArraySize!) break;
      const longer = spec.copy();
      for (const index of unit.indices) longer.add(base + index);
      if (batchName(plan.pipeline, stage.name, first, groupOf(end)).length + 2 + longer.length + 8 > limits.maxArraySpec) break;
      spec = longer;
      for (const index of unit.indices) indices.push(base + index);
      for (const job of unit.jobs) jobs.push(job);
    }
    if (end - a >= 2) {
      const deps = uniformDependency(plan, true, jobs, indices, slot, units, arrayUnits);
      if (deps !== undefined) {
        const group = `g${first + 1}-${first + end - a}`;
        batches.push({ firstArray: a, arrays: end - a, unit: { stage: stage.name, group, name: `${plan.pipeline}.${stage.name}.${group}`, array: true, indices, jobs, deps } });
      }
    }
    a = Math.max(end, a + 1);
  }
  return batches;
}

function batchName(pipeline: string, stage: string, first: number, last: number): string {
  return `${pipeline}.${stage}.g${first + 1}-${last + 1}`;
}

/**
 * A chunk's parents in one parent unit: each element's parents' indices there, one element after
 * another in `values`, element k's from `ends[k - 1]` (0 for the first) to `ends[k]` (flat: a chunk of a
 * thousand elements with one parent each makes no array per element).
 */
class ParentsInUnit {
  readonly values: number[] = [];
  readonly ends: Int32Array;
  private element = 0;

  constructor(elements: number) {
    this.ends = new Int32Array(elements);
  }

  /** Adds a parent index of element `k` (elements in increasing order). */
  add(k: number, index: number): void {
    // The elements before `k` since the last one added end here (those between have no parent in this unit).
    for (; this.element < k; this.element++) this.ends[this.element] = this.values.length;
    this.values.push(index);
    this.ends[k] = this.values.length;
  }

  /** Element k's parent indices, sorted. */
  sorted(k: number): number[] {
    return this.values.slice(k === 0 ? 0 : this.ends[k - 1]!, this.ends[k]!).sort((a, b) => a - b);
  }

  /** Ends the elements after the last one added (they have no parent here). */
  close(): void {
    for (let k = this.element + 1; k < this.ends.length; k++) this.ends[k] = this.values.length;
  }
}

/** Dependencies every element of the chunk shares, or undefined when there are none such. */
function uniformDependency(
  plan: Plan,
  /** Is the dependant an array? `each` pairs elements of two arrays; a plain job cannot use it. */
  array: boolean,
  jobs: readonly number[],
  indices: readonly number[],
  /** Where a parent job sits: its unit and index. */
  slotOf: SlotLookup,
  units: readonly SubmissionUnit[],
  arrayUnits: readonly boolean[],
): Dependency[] | undefined {
  // Per parent unit, each element's parents in it.
  const byUnit = new Map<number, ParentsInUnit>();
  for (let k = 0; k < jobs.length; k++) {
    for (const parent of plan.jobs[jobs[k]!]!.parents) {
      const unit = unitOf(slotOf, parent);
      let inUnit = byUnit.get(unit);
      if (inUnit === undefined) byUnit.set(unit, (inUnit = new ParentsInUnit(jobs.length)));
      inUnit.add(k, indexOf(slotOf, parent));
    }
  }
  const terms: Dependency[] = [];
  for (const [unitId, inUnit] of [...byUnit].sort((a, b) => a[0] - b[0])) {
    inUnit.close();
    const unit = units[unitId]!;
    if (array && unit.array && sameNumbers(unit.indices, indices) && oneToOne(inUnit, indices)) {
      terms.push({ kind: 'each', unit: unitId });
      continue;
    }
    const first = inUnit.sorted(0);
    for (let k = 1; k < jobs.length; k++) if (!sameNumbers(inUnit.sorted(k), first)) return undefined;
    if (first.length === unit.indices.length) terms.push({ kind: 'all', unit: unitId });
    else terms.push(...first.map((index) => term({ unit: unitId, index }, arrayUnits)));
  }
  return terms;
}

/** Each element has exactly one parent in the unit, the element of its own index. */
function oneToOne(inUnit: ParentsInUnit, indices: readonly number[]): boolean {
  if (inUnit.values.length !== indices.length) return false;
  for (let k = 0; k < indices.length; k++) if (inUnit.ends[k] !== k + 1 || inUnit.values[k] !== indices[k]) return false;
  return true;
}

/** One job's dependency: a whole unit when it waits for all of it, else its elements. */
function elementDependency(parents: readonly number[], slotOf: Slots, units: readonly SubmissionUnit[], arrayUnits: readonly boolean[]): Dependency[] {
  const byUnit = new Map<number, Slot[]>();
  for (const parent of parents) {
    const slot = { unit: slotOf.unit(parent), index: slotOf.index(parent) };
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
function term(slot: Slot, arrayUnits: readonly boolean[]): Dependency {
  return arrayUnits[slot.unit] === true ? { kind: 'element', unit: slot.unit, index: slot.index } : { kind: 'all', unit: slot.unit };
}

/** Splits an array whose specification would exceed the scheduler's limit into several. */
export function chunks(indices: readonly number[], jobs: readonly number[], name: string, maxArraySpec: number): { indices: number[]; jobs: number[] }[] {
  const result: { indices: number[]; jobs: number[] }[] = [];
  let current = { indices: [] as number[], jobs: [] as number[] };
  // Room for the name, brackets and a `%N` limit.
  const budget = maxArraySpec - name.length - 2 - 8;
  let spec = new SpecLength();
  indices.forEach((index, k) => {
    if (current.indices.length > 0 && spec.with(index) > budget) {
      result.push(current);
      current = { indices: [], jobs: [] };
      spec = new SpecLength();
    }
    spec.add(index);
    current.indices.push(index);
    current.jobs.push(jobs[k]!);
  });
  if (current.indices.length > 0) result.push(current);
  return result;
}

/**
 * The length of `indexSpec` of increasing indices, kept as they are added (making the spec of
 * each candidate anew is quadratic in an array's size): `before` is the length up to the last
 * run of consecutive indices (its comma included), which starts at `runStart`.
 */
class SpecLength {
  length = 0;
  private before = 0;
  private runStart = 0;
  private last = -1;

  /** The length with `index` added. */
  with(index: number): number {
    return this.extends(index) ? this.before + digits(this.runStart) + 1 + digits(index) : (this.length === 0 ? 0 : this.length + 1) + digits(index);
  }

  add(index: number): void {
    if (this.extends(index)) this.length = this.with(index);
    else {
      this.before = this.length === 0 ? 0 : this.length + 1;
      this.runStart = index;
      this.length = this.before + digits(index);
    }
    this.last = index;
  }

  copy(): SpecLength {
    return Object.assign(new SpecLength(), this);
  }

  private extends(index: number): boolean {
    return this.length > 0 && index === this.last + 1;
  }
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
