/**
 * The scheduler seam. A scheduler is a folder: `src/schedulers/<name>/index.ts` (this
 * interface) and `templates/sh/<name>/scheduler.sh.hbs`, rendered to the generated
 * `lib/scheduler.sh`. Everything else — the submission plan (src/submission/plan.ts), the
 * tables it ships as data (lib/units.tsv, lib/deps.tsv), submit.sh, status.sh, kill.sh,
 * run-local.sh and the job wrappers — is shared, and calls only the shell functions below.
 *
 * The shell API every `lib/scheduler.sh` provides (docs/schedulers.md):
 *
 * - `LIBCC_SCHEDULER` (`LSF`, `Slurm`, `local`): its name, for messages.
 * - `libcc_sched_run_label RUN_ID`: sets `LIBCC_SCHED_RUN_LABEL`, how messages name a run
 *   (`job group /libcc/p/ID`, `run ID`).
 * - `libcc_sched_submit STAGE GROUP NAME ARRAY INDICES [DEP]...`: submits one unit; DEP words are
 *   `each:ID`, `all:ID` or `element:ID:INDEX` with the job ids of earlier submissions. Sets
 *   `LIBCC_SCHED_ID` (the id later deps and the ledger name) or returns 1 with the
 *   scheduler's own message in `LIBCC_SCHED_ERR`. With `LIBCC_DRY_RUN=1` prints the command and
 *   invents an id. Reads the stage's options from `libcc_stage_options` (submit.sh).
 * - Optional, job packs (LSF `bsub -pack`): `LIBCC_SCHED_PACK_MAX` (> 1: submissions a call),
 *   `libcc_sched_pack_add` (same arguments as `libcc_sched_submit`; status 1: submit it alone)
 *   and `libcc_sched_pack_submit` (one call; `LIBCC_SCHED_PACK_IDS` in order, or status 1).
 * - `libcc_sched_index`: prints the array index of the running element ('' outside an array).
 * - `libcc_sched_job_id`: prints the scheduler's id of the running job ('' when none).
 * - `libcc_sched_states RUN_ID`: one scheduler call; fills `LIBCC_SCHED_STATE[NAME]` /
 *   `LIBCC_SCHED_STATE[NAME[INDEX]]` with PEND, HELD (pending until released), RUN, SUSP
 *   (running, stopped until resumed), DONE, EXIT or UNKNOWN, `LIBCC_SCHED_HELD[same key]` with
 *   why a HELD or SUSP job is and the command that lets it go on, and sets
 *   `LIBCC_SCHED_UNFINISHED`; returns 1 with `LIBCC_SCHED_ERR` when the scheduler did not
 *   answer — never read as "no jobs".
 * - `libcc_sched_kill RUN_ID`: kills every job of the run; prints what it killed; returns 1 with
 *   one problem per line in `LIBCC_SCHED_ERR` for what it could not kill.
 */
import type { CheckedProgram, StageModel } from '../check/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Plan } from '../graph/plan.js';
import { groupName } from '../submission/plan.js';

export const SCHEDULER_NAMES = ['lsf', 'slurm', 'local'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

export interface SchedulerCapabilities {
  /** `each` dependencies are native (LSF `done(ID[*])`, Slurm `aftercorr`). */
  readonly elementWiseDependencies: boolean;
  /** A dependant whose parent failed is cancelled by the scheduler (LSF `-ti`, Slurm `--kill-on-invalid-dep`). */
  readonly orphanCancellation: boolean;
  /** The scheduler requeues a job on given exit codes (LSF `-Q`). */
  readonly requeueOnExitCodes: boolean;
  /** Longest array specification, name and `%N` included, in characters. */
  readonly maxArraySpec: number;
  /** Longest job name, in characters. */
  readonly maxJobName: number;
}

export interface SchedulerContext {
  readonly program: CheckedProgram;
  readonly plan: Plan;
  readonly header: string;
}

export interface SchedulerFile {
  /** Relative path in the output directory. */
  readonly path: string;
  /** Template under `templates/`. */
  readonly template: string;
  readonly view: object;
}

export interface Scheduler {
  readonly name: SchedulerName;
  /** For messages: `LSF`, `Slurm`, `local`. */
  readonly title: string;
  readonly capabilities: SchedulerCapabilities;
  /** Settings of the program this scheduler cannot honour (LCP6003). */
  validate(program: CheckedProgram, plan: Plan): Diagnostic[];
  /** The submit options of a stage, as argv words. */
  stageOptions(program: CheckedProgram, stage: StageModel): string[];
  /** The files it contributes (at least `lib/scheduler.sh`). */
  files(context: SchedulerContext): SchedulerFile[];
}

/** `pipeline.stage.group`: every unit's job name, for the job-name limit. */
export function jobNames(plan: Plan): { stage: string; name: string }[] {
  return plan.stages.flatMap((stage) => stage.arrays.map((a) => ({ stage: stage.name, name: `${plan.pipeline}.${stage.name}.${groupName(a.keys)}` })));
}
