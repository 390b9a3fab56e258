/**
 * Estimates from history: measured run times of earlier runs replace the hand-written
 * `estimate`s, job by job. Pure: parsed runs and the checked program and plan in, per-job
 * estimates and error statistics out (the CLI reads the runs with src/report/read-run.ts and
 * plans again with `buildPlan(program, { durationOf })`).
 *
 * Samples: every `end` event with `status: "done"` and `seconds` (the wrapper's whole-second
 * wall time of the successful run, retries included), the last one per job and run directory.
 * A sample's job is found by its stage and key in the current program: the key is split by the
 * stage's key set (node, library, corner), and the corner's process, voltage and temperature
 * come from the current declarations — samples of a stage or corner no longer declared are not
 * used (counted as `unmatched`).
 *
 * Method, per job of the plan: the median of the samples of the first group below that has at
 * least MIN_SAMPLES samples (the stage level needs one):
 *
 *   1. `job`        same stage, library and corner (the same job in ≥ 3 earlier runs)
 *   2. `library+process`  same stage, library and corner process
 *   3. `pvt`        same stage and corner process, voltage and temperature
 *   4. `process`    same stage and corner process
 *   5. `library`    same stage and library
 *   6. `stage`      same stage (any number of samples)
 *   7. `estimate`   no sample of the stage: the hand-written estimate stays
 *
 * Groups that need a key the stage does not fan out over are skipped. The error of an estimate
 * over the samples is the median absolute percentage error, |estimate − measured| / measured,
 * over samples with a measured time above zero: `oldError` for the hand estimate, `newError` for
 * the learned one (in-sample, so an optimistic figure; both over the same samples).
 */
import type { CheckedProgram } from '../check/model.js';
import type { JobKeys, Plan } from '../graph/plan.js';
import { jobKeyName } from '../emit/jobs.js';
import type { RunEvent } from '../report/read-run.js';

export const MIN_SAMPLES = 3;

export type EstimateMethod = 'job' | 'library+process' | 'pvt' | 'process' | 'library' | 'stage' | 'estimate';
export const METHODS: readonly EstimateMethod[] = ['job', 'library+process', 'pvt', 'process', 'library', 'stage', 'estimate'];

export interface HistoryRun {
  /** For messages: the directory it was read from. */
  readonly label: string;
  readonly events: readonly RunEvent[];
}

export interface Sample {
  readonly run: string;
  readonly stage: string;
  readonly key: string;
  readonly seconds: number;
}

export interface JobEstimate {
  readonly id: string;
  readonly stage: string;
  readonly handSeconds: number;
  readonly seconds: number;
  readonly method: EstimateMethod;
  /** Samples behind `seconds` (0 for `estimate`). */
  readonly samples: number;
}

export interface StageError {
  readonly stage: string;
  readonly samples: number;
  readonly handSeconds: number;
  /** Median of the stage's samples. */
  readonly medianSeconds?: number;
  /** Median absolute percentage error of the hand estimate (0.5 = 50 %); undefined without usable samples. */
  readonly oldError?: number;
  /** The same for the learned per-job estimates. */
  readonly newError?: number;
  /** How many of the stage's jobs each method estimated. */
  readonly methods: Readonly<Partial<Record<EstimateMethod, number>>>;
}

export interface HistoryResult {
  readonly runs: number;
  readonly samples: number;
  /** Samples whose stage or key is not in the current plan. */
  readonly unmatched: number;
  readonly jobs: readonly JobEstimate[];
  readonly stages: readonly StageError[];
  /** Job id → learned seconds: for `buildPlan(program, { durationOf })` via `durationLookup`. */
  readonly durations: ReadonlyMap<string, number>;
}

/** The last successful `end` of each job in one run, with its measured seconds. */
export function samplesOf(run: HistoryRun): Sample[] {
  const last = new Map<string, Sample>();
  for (const e of run.events) {
    if (e.event !== 'end' || e.status !== 'done' || e.seconds === undefined) continue;
    last.set(`${e.stage}/${e.job}`, { run: run.label, stage: e.stage, key: e.job, seconds: e.seconds });
  }
  return [...last.values()];
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute percentage error of `estimate(i)` against `measured[i]` (> 0 only). */
function mdape(measured: readonly number[], estimate: (i: number) => number): number | undefined {
  const errors: number[] = [];
  measured.forEach((m, i) => {
    if (m > 0) errors.push(Math.abs(estimate(i) - m) / m);
  });
  return median(errors);
}

interface Features {
  library?: string;
  corner?: string;
  process?: string;
  pvt?: string;
}

function groupKeys(stage: string, f: Features): [EstimateMethod, string][] {
  const out: [EstimateMethod, string][] = [];
  if (f.library !== undefined && f.corner !== undefined) out.push(['job', `${stage}|${f.library}|${f.corner}`]);
  if (f.library !== undefined && f.process !== undefined) out.push(['library+process', `${stage}|${f.library}|${f.process}`]);
  if (f.pvt !== undefined) out.push(['pvt', `${stage}|${f.pvt}`]);
  if (f.process !== undefined) out.push(['process', `${stage}|${f.process}`]);
  if (f.library !== undefined) out.push(['library', `${stage}|${f.library}`]);
  return out;
}

export function learnEstimates(program: CheckedProgram, plan: Plan, runs: readonly HistoryRun[]): HistoryResult {
  const corners = new Map(program.corners.map((c) => [c.name, c]));
  const features = (keys: JobKeys): Features => {
    const corner = keys.corner === undefined ? undefined : corners.get(keys.corner);
    return {
      ...(keys.library === undefined ? {} : { library: keys.library }),
      ...(keys.corner === undefined ? {} : { corner: keys.corner }),
      ...(corner === undefined ? {} : { process: corner.process, pvt: `${corner.process}|${corner.voltage}|${corner.temperature}` }),
    };
  };
  const stageByName = new Map(plan.stages.map((s) => [s.name, s]));

  // The plan's jobs by stage and key: samples are matched to them when possible; otherwise the
  // key is split by the stage's key set (a corner or library no longer in the plan still counts
  // for the coarser groups).
  const planKeys = new Map<string, JobKeys>();
  // Keyed as the scripts key them (`jobKeyName`): dimension values and corner groups included.
  for (const job of plan.jobs) planKeys.set(`${job.stage}/${jobKeyName(job, stageByName.get(job.stage)!)}`, job.keys);

  const groups = new Map<string, number[]>();
  const add = (key: string, seconds: number) => {
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [seconds]);
    else list.push(seconds);
  };
  let total = 0;
  let unmatched = 0;
  const perStage = new Map<string, { seconds: number[]; keys: JobKeys[] }>();
  for (const run of runs) {
    for (const sample of samplesOf(run)) {
      total++;
      const stage = stageByName.get(sample.stage);
      if (stage === undefined) {
        unmatched++;
        continue;
      }
      let keys = planKeys.get(`${sample.stage}/${sample.key}`);
      if (keys === undefined) {
        const values = sample.key === '_' ? [] : sample.key.split('.');
        if (values.length !== stage.keySet.length) {
          unmatched++;
          continue;
        }
        const k: { node?: string; library?: string; corner?: string } = {};
        stage.keySet.forEach((name, i) => (k[name] = values[i]!));
        keys = k;
      }
      const entry = perStage.get(sample.stage) ?? { seconds: [], keys: [] };
      entry.seconds.push(sample.seconds);
      entry.keys.push(keys);
      perStage.set(sample.stage, entry);
      add(sample.stage, sample.seconds);
      for (const [, g] of groupKeys(sample.stage, features(keys))) add(g, sample.seconds);
    }
  }

  const medians = new Map<string, number>();
  const estimateFor = (stage: string, keys: JobKeys, hand: number): { seconds: number; method: EstimateMethod; samples: number } => {
    for (const [method, g] of groupKeys(stage, features(keys))) {
      const list = groups.get(g);
      if (list !== undefined && list.length >= MIN_SAMPLES) {
        let m = medians.get(g);
        if (m === undefined) medians.set(g, (m = median(list)!));
        return { seconds: m, method, samples: list.length };
      }
    }
    const list = groups.get(stage);
    if (list !== undefined && list.length > 0) {
      let m = medians.get(stage);
      if (m === undefined) medians.set(stage, (m = median(list)!));
      return { seconds: m, method: 'stage', samples: list.length };
    }
    return { seconds: hand, method: 'estimate', samples: 0 };
  };

  const handOf = (stage: string) => program.stages.find((s) => s.name === stage)?.estimateSeconds ?? 0;
  const jobs: JobEstimate[] = plan.jobs.map((job) => {
    const hand = handOf(job.stage);
    return { id: job.id, stage: job.stage, handSeconds: hand, ...estimateFor(job.stage, job.keys, hand) };
  });

  const stages: StageError[] = plan.stages.map((s) => {
    const hand = handOf(s.name);
    const entry = perStage.get(s.name);
    const methods: Partial<Record<EstimateMethod, number>> = {};
    for (const j of jobs) if (j.stage === s.name) methods[j.method] = (methods[j.method] ?? 0) + 1;
    if (entry === undefined) return { stage: s.name, samples: 0, handSeconds: hand, methods };
    const oldError = mdape(entry.seconds, () => hand);
    const newError = mdape(entry.seconds, (i) => estimateFor(s.name, entry.keys[i]!, hand).seconds);
    const med = median(entry.seconds);
    return {
      stage: s.name,
      samples: entry.seconds.length,
      handSeconds: hand,
      ...(med === undefined ? {} : { medianSeconds: med }),
      ...(oldError === undefined ? {} : { oldError }),
      ...(newError === undefined ? {} : { newError }),
      methods,
    };
  });

  const durations = new Map<string, number>();
  for (const j of jobs) if (j.method !== 'estimate') durations.set(j.id, j.seconds);
  return { runs: runs.length, samples: total, unmatched, jobs, stages, durations };
}

/**
 * `PlanOptions.durationOf` for the learned estimates: the job id is rebuilt from the stage and
 * keys as the plan names jobs (`stage`, `stage[library,corner]`, …).
 */
export function durationLookup(plan: Plan, result: HistoryResult): (stage: string, keys: JobKeys) => number | undefined {
  const byKey = new Map<string, number>();
  for (const job of plan.jobs) {
    const seconds = result.durations.get(job.id);
    if (seconds !== undefined) byKey.set(jobIdentity(job.stage, job.keys), seconds);
  }
  return (stage, keys) => byKey.get(jobIdentity(stage, keys));
}

/** A job's identity by its keys: jobs differing only in a dimension value or corner group are distinct. */
function jobIdentity(stage: string, keys: JobKeys): string {
  return [stage, keys.node ?? '', keys.library ?? '', keys.corner ?? keys.group ?? '', ...Object.values(keys.dimensions ?? {})].join('\u0000');
}
