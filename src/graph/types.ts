/**
 * The plan: what `buildPlan` produces from a CheckedProgram and what `src/emit` and the CLI
 * consume. Plain, JSON-serialisable data (no classes, no Maps); times in seconds from the start
 * of the run; every list in a deterministic order.
 */
import type { FanoutKey } from '../check/model.js';

/** Values of a job's fan-out keys: node name, library id, corner name (only those in the key set). */
export interface JobKeys {
  readonly node?: string;
  readonly library?: string;
  readonly corner?: string;
  /** `group by`: the name of the job's corner group (instead of `corner`) and its corners. */
  readonly group?: string;
  readonly corners?: readonly string[];
  /** Declared dimension → value (language.md §4.1), in declaration order; absent without dimensions. */
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** How the jobs of a stage are matched to the jobs of a stage it runs after (language.md §4.2). */
export type DependencyRelation = 'elementwise' | 'broadcast' | 'gather';

export interface PlanDependency {
  /** The stage named in the `after` clause. */
  readonly stage: string;
  /** equal key sets: element-wise; upstream keys a subset: broadcast; a superset: gather. */
  readonly relation: DependencyRelation;
  /** An alternative of a join (`after a | b`): the join's position among the stage's joins. */
  readonly join?: number;
}

/**
 * One LSF job array of a stage: the jobs sharing the values of every key but the innermost.
 * `indices[i]` is the array index of job `jobs[i]`; indices ascend, start at 1 and may have gaps
 * when a `where` removed jobs (they keep the position of the innermost value in its natural
 * order, so arrays of different stages line up).
 */
export interface PlanArray {
  /** Values of the outer keys (all keys of the stage but the innermost); `{}` for one array. */
  readonly keys: JobKeys;
  readonly indices: readonly number[];
  /** Positions in `Plan.jobs`, parallel to `indices`. */
  readonly jobs: readonly number[];
}

export interface PlanStage {
  readonly name: string;
  /** Declaration index (0-based), as in the model. */
  readonly index: number;
  /** Keys as declared in `for each`, canonical order. */
  readonly keys: readonly FanoutKey[];
  /** `keys` plus the implied `node`, canonical order; what jobs are distinguished by. */
  readonly keySet: readonly FanoutKey[];
  /** Declared dimensions it fans out over, declaration order; absent when none. */
  readonly dimensions?: readonly string[];
  /** `group by`: the corner fields its corner groups share; absent otherwise. */
  readonly groupBy?: readonly string[];
  readonly after: readonly PlanDependency[];
  readonly jobCount: number;
  readonly cpus: number;
  readonly estimateSeconds: number;
  /** `history`: per-job durations learned from earlier runs (`PlanOptions.durationOf`); the estimate is their mean. */
  readonly estimateSource: 'estimate' | 'runtime' | 'none' | 'history';
  /** Earliest start of any job of the stage (unlimited slots). */
  readonly earliestStart: number;
  /** Latest earliest-finish of any job of the stage (unlimited slots). */
  readonly earliestFinish: number;
  /** Smallest slack of any of its jobs: 0 when the stage is on a critical path. */
  readonly slack: number;
  /** cpus × estimate × jobs. */
  readonly slotSeconds: number;
  /** Licence tokens per job (`resources.licenses`), sorted by name; empty for none. */
  readonly licenses: readonly { readonly name: string; readonly count: number }[];
  /** Its jobs grouped into arrays, in canonical job order. */
  readonly arrays: readonly PlanArray[];
}

export interface PlanJob {
  /** `stage`, `stage[key]` or `stage[key,key]`: see README.md, "Job ids". Unique in the plan. */
  readonly id: string;
  readonly stage: string;
  /** Declaration index of the stage. */
  readonly stageIndex: number;
  readonly keys: JobKeys;
  /** Index of the job in its array (1-based). */
  readonly arrayIndex: number;
  /** Positions in `Plan.jobs` of the jobs it waits for; ascending, each smaller than its own. */
  readonly parents: readonly number[];
  /** Of a stage with joins (`after a | b`): the alternative it waits for, per join; absent otherwise. */
  readonly joins?: readonly string[];
  readonly estimateSeconds: number;
  readonly cpus: number;
  readonly earliestStart: number;
  readonly earliestFinish: number;
  readonly latestStart: number;
  /** latestStart − earliestStart: how long it may slip without delaying the run. */
  readonly slack: number;
}

export interface CriticalStep {
  /** Position in `Plan.jobs`. */
  readonly job: number;
  readonly id: string;
  readonly stage: string;
  readonly start: number;
  readonly finish: number;
}

export interface SlotSchedule {
  /** The slot cap (`--slots N`). */
  readonly cap: number;
  /** Makespan under list scheduling with at most `cap` slots in use. */
  readonly makespanSeconds: number;
  /** Start time of every job under that schedule, parallel to `Plan.jobs`. */
  readonly start: readonly number[];
}

export interface Plan {
  readonly pipeline: string;
  /** In declaration order. */
  readonly stages: readonly PlanStage[];
  /** In stable topological order: parents before children, ties broken by canonical job order. */
  readonly jobs: readonly PlanJob[];
  /** The chain of jobs that determines the makespan, first job first. */
  readonly criticalPath: readonly CriticalStep[];
  /** Makespan with unlimited slots. */
  readonly makespanSeconds: number;
  /** Σ cpus × estimate over all jobs. */
  readonly slotSeconds: number;
  /** Present when a slot cap was requested and every job fits in it. */
  readonly slots?: SlotSchedule;
}
