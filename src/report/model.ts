/**
 * The run report's model: a pure function of what `read-run.ts` read (no file system, no clock).
 * Renderers (`html.ts`, `json.ts`) only format it.
 *
 * States, per job of the plan:
 * - `done`: its done-marker has an id and the fingerprint compiled now, and records exactly the
 *   job's upstream jobs, each with the id of its current marker, and each done (transitively) —
 *   the rule of `libcc_done_valid` (docs/generated-scripts.md);
 * - `running`: its last event is a `start` without an `end` (a runner killed with `kill -9`
 *   leaves such a job "running" until it runs again);
 * - `failed`: a failed-marker (its reason and last output lines shown), or a last `end` event
 *   with status `failed`;
 * - `stale`: a done-marker that no longer counts (changed fingerprint, an upstream job re-run or
 *   added since);
 * - `not run`: none of these.
 *
 * Times are seconds from the first `start` event of the run; a running job's bar ends at the
 * last event in the file.
 */
import { jobKeyName, type KeyShape } from '../emit/jobs.js';
import type { JobKeys } from '../graph/types.js';
import type { Marker, PlanDocument, RunData, RunEvent } from './read-run.js';

export type JobState = 'done' | 'failed' | 'running' | 'stale' | 'not run';
export const JOB_STATES: readonly JobState[] = ['done', 'failed', 'running', 'stale', 'not run'];

export type StateCounts = Record<JobState, number>;

export interface ReportAttempt {
  /** Seconds from the run's start. */
  readonly start: number;
  readonly end?: number;
  readonly seconds?: number;
  readonly status?: string;
  readonly host?: string;
}

export interface ReportJob {
  readonly id: string;
  readonly stage: string;
  /** The key of the generated scripts (`n5.demo.tt_0p75v_25c_typical`, `n5.demo.ss_m40c`, `n5.demo.tt_0p75v_25c.cons`, `_`). */
  readonly key: string;
  readonly node?: string;
  readonly library?: string;
  readonly corner?: string;
  /** A grouped stage's job (`group by`): its group's name, and the group's corners. */
  readonly group?: string;
  readonly corners?: readonly string[];
  /** Its values of the stage's declared dimensions. */
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly state: JobState;
  readonly reason?: string;
  /** A failed job's last output lines (from its failed-marker). */
  readonly output: readonly string[];
  readonly host?: string;
  readonly cpus: number;
  /** Runs of the wrapper (start events). */
  readonly runs: number;
  /** `retry` events: attempts the wrapper repeated within a run. */
  readonly retries: number;
  readonly attempts: readonly ReportAttempt[];
  /** The last run: start/end in seconds from the run's start; `seconds` as measured. */
  readonly start?: number;
  readonly end?: number;
  readonly seconds?: number;
  readonly plannedStart?: number;
  readonly plannedSeconds?: number;
  /** Position in `ReportModel.jobs` of its upstream jobs. */
  readonly parents: readonly number[];
}

export interface StageSummary {
  readonly name: string;
  readonly jobs: number;
  readonly counts: StateCounts;
  readonly cpus: number;
  readonly plannedSeconds?: number;
  /** Median measured seconds of its finished (done) runs. */
  readonly medianSeconds?: number;
  readonly slotSecondsUsed: number;
  readonly slotSecondsPlanned: number;
  readonly retries: number;
  /** Earliest start and latest end of its jobs' last runs, actual and planned. */
  readonly actual?: { readonly start: number; readonly end: number };
  readonly planned?: { readonly start: number; readonly end: number };
}

export interface LibrarySummary {
  readonly library: string;
  /** Per stage (in `stages` order): counts of that stage's jobs of this library (undefined: the stage has no jobs per library). */
  readonly stages: readonly (StateCounts | undefined)[];
  readonly corners: readonly string[];
  /** Its corner × stage grid: its corners (in order of first job), its corner groups, then a row for its jobs without either. */
  readonly rows: readonly MatrixRow[];
  readonly counts: StateCounts;
}

/** A row of a library's corner × stage grid. */
export interface MatrixRow {
  /** `corner`: a corner's jobs; `group`: a corner group's (`group by`); `library`: the jobs without a corner (`name` is ''). */
  readonly kind: 'corner' | 'group' | 'library';
  readonly name: string;
  /**
   * Stage index → positions in `ReportModel.jobs` of the row's jobs of that stage, in job order:
   * one, or one per value of the stage's dimensions (`char[L,c,cons]`, `char[L,c,non_cons]`).
   */
  readonly cells: ReadonlyMap<number, readonly number[]>;
}

export interface PathStep {
  readonly id: string;
  readonly stage: string;
  /** Actual times (absent for a planned step whose job has not run). */
  readonly start?: number;
  readonly end?: number;
  readonly plannedStart?: number;
  readonly plannedEnd?: number;
}

export interface LicenceUse {
  readonly name: string;
  readonly usedSeconds: number;
  readonly plannedSeconds: number;
}

export interface ReportModel {
  readonly pipeline: string;
  readonly hasPlan: boolean;
  /** Epoch seconds of the first start event; undefined before anything ran. */
  readonly startedAt?: number;
  /** Last event minus first start. */
  readonly elapsedSeconds?: number;
  readonly plannedMakespanSeconds?: number;
  readonly plannedSlots?: { readonly cap: number; readonly makespanSeconds: number };
  readonly counts: StateCounts;
  readonly stages: readonly StageSummary[];
  readonly libraries: readonly LibrarySummary[];
  readonly jobs: readonly ReportJob[];
  /** Positions in `jobs` of failed jobs, in job order. */
  readonly failures: readonly number[];
  /** Failure reasons with their counts, most frequent first. */
  readonly reasons: readonly { readonly reason: string; readonly count: number; readonly stages: readonly string[] }[];
  readonly actualCriticalPath: readonly PathStep[];
  readonly plannedCriticalPath: readonly PathStep[];
  readonly slotSecondsUsed: number;
  readonly slotSecondsPlanned?: number;
  readonly licences: readonly LicenceUse[];
  readonly retries: { readonly total: number; readonly jobs: number; readonly reruns: number };
  /** From ledger.tsv (LSF runs only): `bsub` calls and run IDs, in order of first submission. */
  readonly submissions: { readonly bsubs: number; readonly runIds: readonly string[] };
  /** Lines read that were malformed or refused; events naming jobs not in the plan. */
  readonly problems: readonly string[];
}

export function emptyCounts(): StateCounts {
  return { done: 0, failed: 0, running: 0, stale: 0, 'not run': 0 };
}

interface JobBase {
  id: string;
  stage: string;
  key: string;
  keys: JobKeys;
  parents: number[];
  cpus: number;
  plannedStart?: number;
  plannedSeconds?: number;
  fingerprint?: string;
}

/** A stage plan.json does not list (a hand-made plan): its jobs have the key `_`. */
const NO_KEYS: KeyShape = { keySet: [] };

/**
 * The plan's jobs (plan.json, joined to lib/jobs.tsv by stage and key), else the job table's.
 * A job of the plan is keyed by `jobKey`, the emitter's own: the key the scripts name its
 * markers and events by, dimension values and corner groups included.
 */
function baseJobs(run: RunData, problems: string[]): JobBase[] {
  const fingerprints = new Map(run.jobs.map((j) => [`${j.stage}/${j.key}`, j.fingerprint]));
  const plan = run.plan;
  if (plan !== undefined) {
    const stages = new Map(plan.stages.map((s) => [s.name, s]));
    const position = new Map(plan.jobs.map((j, i) => [j.id, i]));
    const unmatched: string[] = [];
    const base = plan.jobs.map((j) => {
      const key = jobKeyName(j, stages.get(j.stage) ?? NO_KEYS);
      const fingerprint = fingerprints.get(`${j.stage}/${key}`);
      if (fingerprint === undefined) unmatched.push(`${j.stage} ${key}`);
      return {
        id: j.id,
        stage: j.stage,
        key,
        keys: j.keys,
        parents: j.parents.map((p) => position.get(p)).filter((p): p is number => p !== undefined),
        cpus: j.cpus,
        plannedStart: j.scheduledStart ?? j.earliestStart,
        plannedSeconds: j.estimateSeconds,
        ...(fingerprint === undefined ? {} : { fingerprint }),
      };
    });
    // Said, not passed over: a job the table lacks is one whose markers the report cannot check.
    if (unmatched.length > 0 && run.jobs.length > 0) problems.push(`${unmatched.length} job(s) of plan.json not in lib/jobs.tsv (compiled apart?): ${listed(unmatched)}`);
    return base;
  }
  const position = new Map(run.jobs.map((j, i) => [j.num, i]));
  return run.jobs.map((j) => ({
    id: j.key === '_' ? j.stage : `${j.stage}[${j.key}]`,
    stage: j.stage,
    key: j.key,
    keys: {},
    parents: j.parents.map((p) => position.get(p)).filter((p): p is number => p !== undefined),
    cpus: 1,
    fingerprint: j.fingerprint,
  }));
}

/** The first five of `names`, and `…` when there are more. */
function listed(names: readonly string[]): string {
  return `${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`;
}

/**
 * Whether a done-marker counts, as `libcc_done_valid` (lib/runtime.sh) decides: it has an id and
 * the fingerprint compiled now, and records as what it consumed exactly the job's upstream jobs,
 * in order, each with the id of its current marker, itself counting (`valid`, decided for the
 * jobs before this one). A marker that records fewer upstream jobs (an `after` added since it
 * was written) or other ones does not count: the scripts run the job again.
 */
function markerCounts(marker: Marker, job: JobBase, base: readonly JobBase[], valid: Uint8Array, done: RunData['done']): boolean {
  if ((marker.fields.id ?? '') === '') return false;
  if (job.fingerprint !== undefined && marker.fields.fingerprint !== job.fingerprint) return false;
  let expected = '';
  for (const p of job.parents) {
    if (valid[p] !== 1) return false;
    const name = `${base[p]!.stage}/${base[p]!.key}`;
    expected += `${expected === '' ? '' : ' '}${name}=${done.get(name)!.fields.id}`;
  }
  return (marker.fields.parents ?? '') === expected;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function buildReport(run: RunData): ReportModel {
  const problems = [...run.problems];
  const base = baseJobs(run, problems);
  const byKey = new Map(base.map((j, i) => [`${j.stage}/${j.key}`, i]));

  // Attempts per job from the events, in file order: each start pairs with the next end.
  const t0 = firstStart(run.events);
  const lastTime = run.events.reduce((m, e) => Math.max(m, e.time), -Infinity);
  const attempts = base.map(() => [] as { start: RunEvent; end?: RunEvent }[]);
  const retries = new Int32Array(base.length);
  const unknown = new Set<string>();
  for (const e of run.events) {
    const i = byKey.get(`${e.stage}/${e.job}`);
    if (i === undefined) {
      if (e.event === 'start' || e.event === 'end') unknown.add(`${e.stage} ${e.job}`);
      continue;
    }
    const list = attempts[i]!;
    if (e.event === 'start') list.push({ start: e });
    else if (e.event === 'end') {
      const open = list[list.length - 1];
      if (open !== undefined && open.end === undefined) open.end = e;
      else problems.push(`events.jsonl:${e.line}: an end of ${e.stage} ${e.job} without a start`);
    } else if (e.event === 'retry') retries[i]!++;
  }
  if (unknown.size > 0) {
    const names = [...unknown].sort();
    problems.push(`events of ${names.length} job(s) not in this plan (an earlier compile?): ${listed(names)}`);
  }

  // States, in job order (parents first in plan.json and lib/jobs.tsv).
  const states: JobState[] = new Array<JobState>(base.length);
  const validDone = new Uint8Array(base.length);
  base.forEach((job, i) => {
    const name = `${job.stage}/${job.key}`;
    const marker = run.done.get(name);
    if (marker !== undefined && markerCounts(marker, job, base, validDone, run.done)) validDone[i] = 1;
    const last = attempts[i]![attempts[i]!.length - 1];
    if (validDone[i] === 1) states[i] = 'done';
    else if (last !== undefined && last.end === undefined) states[i] = 'running';
    else if (run.failed.has(name) || last?.end?.status === 'failed') states[i] = 'failed';
    else if (marker !== undefined) states[i] = 'stale';
    else states[i] = 'not run';
  });

  const rel = (t: number) => t - (t0 ?? t);
  const jobs: ReportJob[] = base.map((job, i) => {
    const list = attempts[i]!;
    const last = list[list.length - 1];
    const failed = states[i] === 'failed' ? run.failed.get(`${job.stage}/${job.key}`) : undefined;
    const reason = failed?.fields.reason ?? (states[i] === 'failed' ? last?.end?.reason : undefined);
    const end = last === undefined ? undefined : last.end !== undefined ? last.end.time : states[i] === 'running' ? lastTime : undefined;
    const seconds = last?.end?.seconds ?? (last?.end !== undefined ? last.end.time - last.start.time : undefined);
    const host = last?.start.host ?? failed?.fields.host ?? run.done.get(`${job.stage}/${job.key}`)?.fields.host;
    return {
      id: job.id,
      stage: job.stage,
      key: job.key,
      ...job.keys,
      state: states[i]!,
      ...(reason === undefined ? {} : { reason }),
      output: failed?.output ?? [],
      ...(host === undefined || host === '' ? {} : { host }),
      cpus: job.cpus,
      runs: list.length,
      retries: retries[i]!,
      attempts: list.map((a) => ({
        start: rel(a.start.time),
        ...(a.end === undefined ? {} : { end: rel(a.end.time), seconds: a.end.seconds ?? a.end.time - a.start.time }),
        ...(a.end?.status === undefined ? {} : { status: a.end.status }),
        ...(a.start.host === undefined ? {} : { host: a.start.host }),
      })),
      ...(last === undefined ? {} : { start: rel(last.start.time) }),
      ...(end === undefined ? {} : { end: rel(end) }),
      ...(seconds === undefined ? {} : { seconds }),
      ...(job.plannedStart === undefined ? {} : { plannedStart: job.plannedStart }),
      ...(job.plannedSeconds === undefined ? {} : { plannedSeconds: job.plannedSeconds }),
      parents: job.parents,
    };
  });

  const counts = emptyCounts();
  for (const j of jobs) counts[j.state]++;

  // Stages.
  const stageNames = run.plan?.stages.map((s) => s.name) ?? [...new Set(jobs.map((j) => j.stage))];
  const planStage = new Map(run.plan?.stages.map((s) => [s.name, s]) ?? []);
  const stageIndex = new Map(stageNames.map((s, i) => [s, i]));
  let slotSecondsUsed = 0;
  const licenceUsed = new Map<string, number>();
  const licencePlanned = new Map<string, number>();
  const stages: StageSummary[] = stageNames.map((name) => {
    const own = jobs.filter((j) => j.stage === name);
    const c = emptyCounts();
    let used = 0;
    let planned = 0;
    let stageRetries = 0;
    const measured: number[] = [];
    let actual: { start: number; end: number } | undefined;
    let plannedSpan: { start: number; end: number } | undefined;
    const ps = planStage.get(name);
    for (const j of own) {
      c[j.state]++;
      stageRetries += j.retries;
      for (const a of j.attempts) {
        const seconds = a.seconds ?? (j.state === 'running' && a.end === undefined ? 0 : 0);
        used += j.cpus * seconds;
        for (const l of ps?.licenses ?? []) licenceUsed.set(l.name, (licenceUsed.get(l.name) ?? 0) + l.count * seconds);
        if (a.status === 'done' && a.seconds !== undefined) measured.push(a.seconds);
      }
      if (j.plannedSeconds !== undefined) {
        planned += j.cpus * j.plannedSeconds;
        for (const l of ps?.licenses ?? []) licencePlanned.set(l.name, (licencePlanned.get(l.name) ?? 0) + l.count * j.plannedSeconds);
      }
      if (j.start !== undefined) {
        const end = j.end ?? j.start;
        actual = actual === undefined ? { start: j.start, end } : { start: Math.min(actual.start, j.start), end: Math.max(actual.end, end) };
      }
      if (j.plannedStart !== undefined && j.plannedSeconds !== undefined) {
        const end = j.plannedStart + j.plannedSeconds;
        plannedSpan = plannedSpan === undefined ? { start: j.plannedStart, end } : { start: Math.min(plannedSpan.start, j.plannedStart), end: Math.max(plannedSpan.end, end) };
      }
    }
    slotSecondsUsed += used;
    const med = median(measured);
    return {
      name,
      jobs: own.length,
      counts: c,
      cpus: ps?.cpus ?? own[0]?.cpus ?? 1,
      ...(ps === undefined ? {} : { plannedSeconds: ps.estimateSeconds }),
      ...(med === undefined ? {} : { medianSeconds: med }),
      slotSecondsUsed: used,
      slotSecondsPlanned: planned,
      retries: stageRetries,
      ...(actual === undefined ? {} : { actual }),
      ...(plannedSpan === undefined ? {} : { planned: plannedSpan }),
    };
  });

  // Libraries: library × stage counts, and each library's corner × stage grid.
  const libraryOrder: string[] = [];
  const libs = new Map<string, { stages: (StateCounts | undefined)[]; corners: string[]; rows: Map<string, { kind: MatrixRow['kind']; name: string; cells: Map<number, number[]> }>; counts: StateCounts }>();
  jobs.forEach((j, i) => {
    if (j.library === undefined) return;
    let lib = libs.get(j.library);
    if (lib === undefined) {
      lib = { stages: stageNames.map(() => undefined), corners: [], rows: new Map(), counts: emptyCounts() };
      libs.set(j.library, lib);
      libraryOrder.push(j.library);
    }
    const s = stageIndex.get(j.stage) ?? 0;
    const sc = (lib.stages[s] ??= emptyCounts());
    sc[j.state]++;
    lib.counts[j.state]++;
    // A grouped job has its group where a per-corner job has its corner; a group may be named
    // as a corner is, so rows are told apart by kind too.
    const kind = j.corner !== undefined ? 'corner' : j.group !== undefined ? 'group' : 'library';
    const name = j.corner ?? j.group ?? '';
    let row = lib.rows.get(`${kind} ${name}`);
    if (row === undefined) {
      row = { kind, name, cells: new Map() };
      lib.rows.set(`${kind} ${name}`, row);
      if (kind === 'corner') lib.corners.push(name);
    }
    // Jobs that differ only in a dimension value share the cell: all are kept, none hides another.
    const cell = row.cells.get(s);
    if (cell === undefined) row.cells.set(s, [i]);
    else cell.push(i);
  });
  const ROW_ORDER = { corner: 0, group: 1, library: 2 } as const;
  const libraries: LibrarySummary[] = libraryOrder.map((name) => {
    const { rows, ...lib } = libs.get(name)!;
    return { library: name, ...lib, rows: [...rows.values()].sort((a, b) => ROW_ORDER[a.kind] - ROW_ORDER[b.kind]) };
  });

  // Failure reasons, grouped.
  const failures = jobs.flatMap((j, i) => (j.state === 'failed' ? [i] : []));
  const reasonMap = new Map<string, { count: number; stages: Set<string> }>();
  for (const i of failures) {
    const reason = jobs[i]!.reason ?? '(no reason recorded)';
    const entry = reasonMap.get(reason) ?? { count: 0, stages: new Set<string>() };
    entry.count++;
    entry.stages.add(jobs[i]!.stage);
    reasonMap.set(reason, entry);
  }
  const reasons = [...reasonMap]
    .map(([reason, e]) => ({ reason, count: e.count, stages: [...e.stages].sort() }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));

  const totalRetries = jobs.reduce((n, j) => n + j.retries, 0);
  const plan = run.plan;
  return {
    pipeline: plan?.pipeline ?? '(no plan.json)',
    hasPlan: plan !== undefined,
    ...(t0 === undefined ? {} : { startedAt: t0, elapsedSeconds: lastTime - t0 }),
    ...(plan === undefined ? {} : { plannedMakespanSeconds: plan.makespanSeconds, slotSecondsPlanned: plan.slotSeconds }),
    ...(plan?.slots === undefined ? {} : { plannedSlots: plan.slots }),
    counts,
    stages,
    libraries,
    jobs,
    failures,
    reasons,
    actualCriticalPath: actualPath(jobs),
    plannedCriticalPath: plannedPath(plan, jobs),
    slotSecondsUsed,
    licences: [...new Set([...licenceUsed.keys(), ...licencePlanned.keys()])].sort().map((name) => ({
      name,
      usedSeconds: licenceUsed.get(name) ?? 0,
      plannedSeconds: licencePlanned.get(name) ?? 0,
    })),
    submissions: { bsubs: run.ledger.length, runIds: [...new Set(run.ledger.map((l) => l.runId))] },
    retries: { total: totalRetries, jobs: jobs.filter((j) => j.retries > 0).length, reruns: jobs.reduce((n, j) => n + Math.max(0, j.runs - 1), 0) },
    problems,
  };
}

function firstStart(events: readonly RunEvent[]): number | undefined {
  let first: number | undefined;
  for (const e of events) if (e.event === 'start' && (first === undefined || e.time < first)) first = e.time;
  return first;
}

/**
 * The critical path as it happened: from the job that ended last, back through the parent that
 * ended last (what it actually waited for), to a job without parents. Ties: the earlier job.
 */
export function actualPath(jobs: readonly ReportJob[]): PathStep[] {
  let current = -1;
  jobs.forEach((j, i) => {
    if (j.end !== undefined && j.start !== undefined && (current < 0 || j.end > jobs[current]!.end!)) current = i;
  });
  const steps: PathStep[] = [];
  const seen = new Set<number>();
  while (current >= 0 && !seen.has(current)) {
    seen.add(current);
    const j = jobs[current]!;
    steps.push({
      id: j.id,
      stage: j.stage,
      start: j.start!,
      end: j.end!,
      ...(j.plannedStart === undefined ? {} : { plannedStart: j.plannedStart }),
      ...(j.plannedStart === undefined || j.plannedSeconds === undefined ? {} : { plannedEnd: j.plannedStart + j.plannedSeconds }),
    });
    let next = -1;
    for (const p of j.parents) {
      const pj = jobs[p]!;
      if (pj.end !== undefined && pj.start !== undefined && (next < 0 || pj.end > jobs[next]!.end!)) next = p;
    }
    current = next;
  }
  return steps.reverse();
}

function plannedPath(plan: PlanDocument | undefined, jobs: readonly ReportJob[]): PathStep[] {
  if (plan === undefined) return [];
  const byId = new Map(jobs.map((j) => [j.id, j]));
  return plan.criticalPath.map((step) => {
    const j = byId.get(step.job);
    return {
      id: step.job,
      stage: step.stage,
      ...(j?.start === undefined ? {} : { start: j.start }),
      ...(j?.end === undefined ? {} : { end: j.end }),
      plannedStart: step.start,
      plannedEnd: step.finish,
    };
  });
}
