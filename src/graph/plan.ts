/**
 * The graph phase: CheckedProgram → Plan (jobs, dependencies, arrays, critical path, slot-capped
 * makespan) + diagnostics LCP4003–LCP4006. Its input is a checked program: stage cycles (LCP4001)
 * and unmatchable key sets (LCP4002) are check rules. See README.md in this folder.
 */
import type { CheckedProgram, StageModel } from '../check/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { DiagnosticBag, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { analyseTiming } from './critical-path.js';
import { matchDependencies } from './dependencies.js';
import { checkRequiredFields } from './required-fields.js';
import {
  BUILTIN_KEYS,
  CORNER,
  LIBRARY,
  NODE,
  JobNames,
  dimensionBit,
  innermostDimension,
  projectDimensions,
  KeyCodec,
  buildUniverse,
  expandStage,
  jobKeys,
  MAX_CANDIDATE_JOBS,
  TooManyJobs,
  type ExpandedStage,
  type Universe,
} from './expand.js';
import { childrenOf, stableTopologicalOrder } from './order.js';
import { listSchedule } from './schedule.js';
import type { CriticalStep, JobKeys, Plan, PlanArray, PlanJob, PlanStage } from './types.js';

export type * from './types.js';
export { jobGraph, jobChildren } from './job-graph.js';

export interface PlanOptions {
  /** Slot cap for the scheduled makespan (`--slots N`): a positive integer. */
  readonly slots?: number;
  /**
   * Per-job duration overrides (seconds), e.g. estimates learned from earlier runs
   * (`src/history`): called once per job with its stage and keys; `undefined` keeps the stage's
   * `estimate`. Values must be finite and non-negative.
   */
  readonly durationOf?: (stage: string, keys: JobKeys) => number | undefined;
}

export interface PlanResult {
  /** Undefined when the program has graph errors (LCP4003–LCP4005). */
  readonly plan?: Plan;
  /** Sorted by position (`sortDiagnostics`). */
  readonly diagnostics: Diagnostic[];
}

/**
 * Expands the program into jobs and analyses them. Never throws for mistakes in the program;
 * throws a RangeError when `options.slots` is not a positive integer (the CLI validates it).
 *
 * A job needing more cpus than `options.slots` is LCP4006: the plan is still returned, without
 * `slots`.
 */
export function buildPlan(program: CheckedProgram, options: PlanOptions = {}): PlanResult {
  const cap = options.slots;
  if (cap !== undefined && !(Number.isInteger(cap) && cap >= 1)) {
    throw new RangeError(`slots must be a positive integer, got ${cap}`);
  }
  const bag = new DiagnosticBag();
  const stages = [...program.stages].sort((a, b) => a.index - b.index);

  const universe = buildUniverse(program);
  const codec = new KeyCodec(universe);
  const expanded: ExpandedStage[] = [];
  let left = MAX_CANDIDATE_JOBS;
  for (const stage of stages) {
    try {
      const e = expandStage(universe, codec, stage, left);
      left -= e.candidates;
      expanded.push(e);
    } catch (error) {
      if (!(error instanceof TooManyJobs)) throw error;
      reportTooMany(bag, error, MAX_CANDIDATE_JOBS - left);
      return { diagnostics: sortDiagnostics(bag.items) };
    }
  }
  const offsets: number[] = [];
  let jobCount = 0;
  for (const e of expanded) {
    offsets.push(jobCount);
    jobCount += e.node.length;
    if (e.node.length === 0) reportEmpty(bag, e);
    checkArraySize(bag, e, program.site.maxArraySize);
    checkRequiredFields(bag, universe, e);
  }
  const dependencies = matchDependencies(universe, codec, expanded, offsets, jobCount);
  bag.addAll(dependencies.diagnostics);
  const graphErrors = bag.hasErrors;
  const fitsCap = cap === undefined || checkSlotCap(bag, stages, cap);
  const diagnostics = sortDiagnostics(bag.items);
  if (graphErrors) return { diagnostics };

  // Canonical index → stage; the stable topological order; positions in it.
  const stageOf = new Int32Array(jobCount);
  expanded.forEach((e, s) => stageOf.fill(s, offsets[s]!, offsets[s]! + e.node.length));
  const canonicalChildren = childrenOf(dependencies.parents);
  const order = stableTopologicalOrder(dependencies.parents, canonicalChildren);
  if (order === undefined) throw new Error('internal error: job cycle without a stage cycle');
  const position = new Int32Array(jobCount);
  let identity = true;
  order.forEach((canonical, v) => {
    position[canonical] = v;
    if (canonical !== v) identity = false;
  });

  const duration = new Float64Array(jobCount);
  const cpus = new Int32Array(jobCount);
  const parents: (readonly number[])[] = new Array<readonly number[]>(jobCount);
  const names = new JobNames(universe, codec);
  const overridden = new Uint8Array(stages.length);
  for (let v = 0; v < jobCount; v++) {
    const stage = stages[stageOf[order[v]!]!]!;
    duration[v] = stage.estimateSeconds;
    if (options.durationOf !== undefined) {
      const s = stageOf[order[v]!]!;
      const e = expanded[s]!;
      const j = order[v]! - offsets[s]!;
      const override = options.durationOf(stage.name, names.get(e.node[j]!, e.library[j]!, e.corner[j]!, e.dimension[j]!, e.grouping).keys);
      if (override !== undefined && Number.isFinite(override) && override >= 0) {
        duration[v] = override;
        overridden[s] = 1;
      }
    }
    cpus[v] = stage.resources.cpus;
    // Parent lists are shared between jobs (broadcast) and never mutated: map or sort copies.
    const canonicalParents = dependencies.parents[order[v]!]!;
    const ps = identity ? canonicalParents : canonicalParents.map((p) => position[p]!);
    parents[v] = isAscending(ps) ? ps : [...ps].sort((a, b) => a - b);
  }
  // Parent lists are the canonical ones (sorted or not) when the order is canonical: same children.
  const children = identity ? canonicalChildren : childrenOf(parents);
  const timing = analyseTiming(duration, parents, children);

  const jobs: PlanJob[] = new Array<PlanJob>(jobCount);
  for (let v = 0; v < jobCount; v++) {
    const canonical = order[v]!;
    const s = stageOf[canonical]!;
    const e = expanded[s]!;
    const j = canonical - offsets[s]!;
    const n = e.node[j]!;
    const l = e.library[j]!;
    const c = e.corner[j]!;
    const earliestStart = timing.earliestStart[v]!;
    const latestStart = timing.latestStart[v]!;
    const name = names.get(n, l, c, e.dimension[j]!, e.grouping);
    const joins = dependencies.choices[canonical];
    // One literal of a fixed shape (`joins` undefined when the stage has none), not a spread: a
    // spread in an object literal builds each of 100k jobs property by property (docs/performance.md).
    jobs[v] = {
      id: e.stage.name + name.suffix,
      stage: e.stage.name,
      stageIndex: e.stage.index,
      keys: name.keys,
      arrayIndex: e.arrayIndex[j]!,
      parents: parents[v]!,
      joins,
      estimateSeconds: duration[v]!,
      cpus: cpus[v]!,
      earliestStart,
      earliestFinish: timing.earliestFinish[v]!,
      latestStart,
      slack: slackOf(earliestStart, latestStart),
    };
  }

  const planStages = expanded.map((e, s) =>
    summariseStage(universe, codec, e, offsets[s]!, position, jobs, dependencies.relations[s]!, overridden[s] === 1),
  );
  const criticalPath: CriticalStep[] = timing.criticalChain.map((v) => ({
    job: v,
    id: jobs[v]!.id,
    stage: jobs[v]!.stage,
    start: timing.earliestStart[v]!,
    finish: timing.earliestFinish[v]!,
  }));
  let slotSeconds = 0;
  for (const stage of planStages) slotSeconds += stage.slotSeconds;

  const plan: Plan = {
    pipeline: program.pipeline.name,
    stages: planStages,
    jobs,
    criticalPath,
    makespanSeconds: timing.makespan,
    slotSeconds,
    ...(cap !== undefined && fitsCap ? { slots: slotSchedule(cap, { duration, cpus, canonical: order, parents, children }) } : {}),
  };
  return { plan, diagnostics };
}

function slotSchedule(cap: number, input: Parameters<typeof listSchedule>[0]): NonNullable<Plan['slots']> {
  const schedule = listSchedule(input, cap);
  return { cap, makespanSeconds: schedule.makespan, start: Array.from(schedule.start) };
}

function isAscending(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i - 1]! >= values[i]!) return false;
  return true;
}

/** latest − earliest start, with float noise below a nanosecond treated as zero. */
function slackOf(earliestStart: number, latestStart: number): number {
  const slack = latestStart - earliestStart;
  return slack < 1e-9 * Math.max(1, Math.abs(latestStart)) ? 0 : slack;
}

function summariseStage(
  universe: Universe,
  codec: KeyCodec,
  e: ExpandedStage,
  offset: number,
  position: Int32Array,
  jobs: readonly PlanJob[],
  after: PlanStage['after'],
  overridden: boolean,
): PlanStage {
  const stage = e.stage;
  const count = e.node.length;
  let earliestStart = Infinity;
  let earliestFinish = 0;
  let slack = Infinity;
  let seconds = 0;
  for (let j = 0; j < count; j++) {
    const job = jobs[position[offset + j]!]!;
    seconds += job.estimateSeconds;
    if (job.earliestStart < earliestStart) earliestStart = job.earliestStart;
    if (job.earliestFinish > earliestFinish) earliestFinish = job.earliestFinish;
    if (job.slack < slack) slack = job.slack;
  }

  // Arrays: runs of jobs (canonical order) with equal outer keys.
  const outer = e.mask & ~innermostKey(e.mask);
  const arrays: PlanArray[] = [];
  let current: { keys: PlanArray['keys']; indices: number[]; jobs: number[] } | undefined;
  let currentKey = -1;
  for (let j = 0; j < count; j++) {
    const n = outer & NODE ? e.node[j]! : -1;
    const l = outer & LIBRARY ? e.library[j]! : -1;
    const d = projectDimensions(universe, outer, e.dimension[j]!);
    const key = codec.encode(outer, n, l, -1, d);
    if (current === undefined || key !== currentKey) {
      current = { keys: jobKeys(universe, n, l, -1, d), indices: [], jobs: [] };
      currentKey = key;
      arrays.push(current);
    }
    current.indices.push(e.arrayIndex[j]!);
    current.jobs.push(position[offset + j]!);
  }

  return {
    name: stage.name,
    index: stage.index,
    keys: stage.keys,
    keySet: stage.keySet,
    ...(stage.dimensions ? { dimensions: stage.dimensions } : {}),
    ...(e.grouping ? { groupBy: e.grouping.fields } : {}),
    after,
    jobCount: count,
    cpus: stage.resources.cpus,
    // With per-job overrides (history), the stage's estimate is the mean of its jobs'.
    estimateSeconds: overridden && count > 0 ? seconds / count : stage.estimateSeconds,
    estimateSource: overridden ? 'history' : stage.estimateSource,
    earliestStart: count === 0 ? 0 : earliestStart,
    earliestFinish,
    slack: count === 0 ? 0 : slack,
    slotSeconds: overridden ? stage.resources.cpus * seconds : stage.resources.cpus * stage.estimateSeconds * count,
    licenses: stage.resources.licenses.map((l) => ({ name: l.name, count: l.count })),
    arrays,
  };
}

/** The innermost key of a mask: corner, else library, else node, else the last dimension; 0 without keys. */
function innermostKey(mask: number): number {
  if (mask & CORNER) return CORNER;
  if (mask & LIBRARY) return LIBRARY;
  if (mask & NODE) return NODE;
  return mask === 0 ? 0 : dimensionBit(innermostDimension(mask));
}

const INNERMOST_ORDER: Record<number, string> = {
  [NODE | LIBRARY | CORNER]: "the corner's position in its library's corner list",
  [NODE | CORNER]: "the corner's position among the node's corners",
  [CORNER]: "the corner's position among all corners in use",
  [NODE | LIBRARY]: "the library's position among its node's libraries",
  [NODE]: "the node's position among the nodes",
};

function reportTooMany(bag: DiagnosticBag, error: TooManyJobs, before: number): void {
  const count = (n: number) => n.toLocaleString('en-US');
  bag.report('LCP4012', error.stage.nameSpan, `stage \`${error.stage.name}\` expands to ${count(error.candidates)} candidate jobs, more than libcc plans`, {
    label: 'too many jobs',
    notes: [
      `a pipeline expands to at most ${count(MAX_CANDIDATE_JOBS)} candidate jobs (before \`where\`), all stages together${before > 0 ? `; the stages before this one have ${count(before)}` : ''}`,
    ],
    help: 'fan this stage out over fewer keys or dimension values, or split the campaign into several pipelines',
  });
}

function reportEmpty(bag: DiagnosticBag, e: ExpandedStage): void {
  const stage = e.stage;
  const notes =
    e.candidates === 0
      ? ['no library lists a corner, so there is nothing to fan out over']
      : [`its \`where\` condition holds for none of its ${e.candidates} candidate job${e.candidates === 1 ? '' : 's'}`];
  bag.report('LCP4004', stage.nameSpan, `stage \`${stage.name}\` expands to no jobs`, {
    label: 'no jobs',
    notes,
    help:
      e.candidates === 0
        ? 'add libraries with corners, or remove the stage'
        : 'loosen the `where` condition, or remove the stage',
  });
}

function checkArraySize(bag: DiagnosticBag, e: ExpandedStage, maxArraySize: number): void {
  let largest = 0;
  for (const index of e.arrayIndex) if (index > largest) largest = index;
  if (largest <= maxArraySize) return;
  const stage = e.stage;
  bag.report(
    'LCP4005',
    stage.nameSpan,
    `a job array of \`${stage.name}\` needs index ${largest}, above the site maximum of ${maxArraySize}`,
    {
      label: `array index up to ${largest}`,
      notes: [`an array index is ${INNERMOST_ORDER[e.mask & BUILTIN_KEYS] ?? "the value's position in its dimension"}`],
      help: "raise `max_array_size` in the `site` block if the cluster's `MAX_JOB_ARRAY_SIZE` allows it",
    },
  );
}

/** LCP4006 for every stage whose jobs need more cpus than the cap; true when all fit. */
function checkSlotCap(bag: DiagnosticBag, stages: readonly StageModel[], cap: number): boolean {
  let fits = true;
  for (const stage of stages) {
    const cpus = stage.resources.cpus;
    if (cpus <= cap) continue;
    fits = false;
    bag.report(
      'LCP4006',
      stage.nameSpan,
      `a job of \`${stage.name}\` needs ${cpus} slots but the plan allows ${cap}`,
      {
        label: `needs ${cpus} slots`,
        help: `plan with \`--slots ${cpus}\` or more, or lower \`resources.cpus\``,
      },
    );
  }
  return fits;
}
