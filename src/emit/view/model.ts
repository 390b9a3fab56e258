/**
 * The view model behind `libcc graph`: what the DOT, Mermaid, SVG and HTML renderers draw, built
 * from a Plan by a pure function. Nodes are stages (stage level) or jobs (job level, grouped into
 * arrays or stages when the plan is large); edges carry the dependency relation and how many job
 * dependencies they stand for; the critical path is flagged on both.
 *
 * Everything is in a deterministic order (stage declaration order, or the plan's topological job
 * order) and node ids (`n0`, `n1`, …) are positions in that order, so they are stable across runs
 * and safe as identifiers in every output format.
 */
import { formatDuration, formatSlotHours, forEachText } from '../../graph/format-plan.js';
import type { DependencyRelation, JobKeys, Plan, PlanJob, PlanStage } from '../../graph/plan.js';

export type ViewLevel = 'stages' | 'jobs';

/**
 * How jobs were grouped at job level: `none` (one node per job), `arrays` (one node per LSF array
 * of a stage — a stage × library, say — minus its critical-path jobs) or `stages` (one node per
 * stage minus its critical-path jobs, when even the arrays are too many). Always `none` at stage
 * level.
 */
export type ViewCollapse = 'none' | 'arrays' | 'stages';

export type ViewNodeKind = 'stage' | 'job' | 'group';

export interface ViewNode {
  /** `n<position>`: stable, unique, a valid identifier in every format. */
  readonly id: string;
  /** What the node stands for, for people: stage name, job id, or group title. Unique. */
  readonly name: string;
  readonly kind: ViewNodeKind;
  readonly stage: string;
  /** First line of the label (bold where the format allows). */
  readonly title: string;
  /** Further label lines: fan-out, jobs × cpus, estimate and slack, critical window. */
  readonly details: readonly string[];
  /** Number of jobs the node stands for. */
  readonly jobs: number;
  readonly cpus: number;
  readonly estimateSeconds: number;
  /** Smallest slack of its jobs. */
  readonly slack: number;
  /** Σ cpus × estimate over its jobs. */
  readonly slotSeconds: number;
  readonly earliestStart: number;
  readonly earliestFinish: number;
  /** On the plan's critical path (the chain in `Plan.criticalPath`). */
  readonly critical: boolean;
  /** Start and finish of its step on the critical path, when critical. */
  readonly criticalWindow?: { readonly start: number; readonly finish: number };
}

export interface ViewEdge {
  /** Node ids. */
  readonly from: string;
  readonly to: string;
  readonly relation: DependencyRelation;
  /** Job dependencies the edge stands for (0 for a stage dependency no job pair realises). */
  readonly count: number;
  readonly critical: boolean;
  /** Short label ('' for a plain job-to-job edge). */
  readonly label: string;
}

export interface ViewModel {
  readonly pipeline: string;
  readonly level: ViewLevel;
  readonly collapse: ViewCollapse;
  /** In stage declaration order (stage level) or by their first job's topological position. */
  readonly nodes: readonly ViewNode[];
  /** Sorted by source node, then target node. */
  readonly edges: readonly ViewEdge[];
  readonly jobCount: number;
  readonly stageCount: number;
  readonly makespanSeconds: number;
  readonly slotSeconds: number;
}

export interface ViewOptions {
  readonly level: ViewLevel;
  /** Job level: above this many jobs, group them (default 200). */
  readonly maxJobs?: number;
}

export const DEFAULT_MAX_JOBS = 200;

/**
 * The most nodes an SVG or HTML picture lays out (index.ts refuses more). dagre's layout grows
 * faster than the node count: 10 000 job nodes took 8 s and 430 MB, 100 000 did not finish in
 * two minutes at 2.6 GB (docs/language.md, "The plan"). DOT and Mermaid are not laid out by
 * libcc: any size. Here, beside DEFAULT_MAX_JOBS, so that the options' help names it without
 * loading the layout.
 */
export const MAX_LAID_OUT_NODES = 10_000;

/** `element-wise`, `broadcast`, `gather`: as language.md §4.2 names them. */
export function relationName(relation: DependencyRelation): string {
  return relation === 'elementwise' ? 'element-wise' : relation;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function jobsTimesCpus(jobs: number, cpus: number): string {
  return `${plural(jobs, 'job')} × ${plural(cpus, 'cpu')}`;
}

function criticalLine(window: { start: number; finish: number }): string {
  return `critical ${formatDuration(window.start)} → ${formatDuration(window.finish)}`;
}

export function buildViewModel(plan: Plan, options: ViewOptions): ViewModel {
  const base = {
    pipeline: plan.pipeline,
    jobCount: plan.jobs.length,
    stageCount: plan.stages.length,
    makespanSeconds: plan.makespanSeconds,
    slotSeconds: plan.slotSeconds,
  };
  if (options.level === 'stages') return { ...base, level: 'stages', collapse: 'none', ...stageGraph(plan) };
  const maxJobs = options.maxJobs ?? DEFAULT_MAX_JOBS;
  if (!Number.isInteger(maxJobs) || maxJobs < 1) throw new RangeError(`maxJobs must be a whole number of at least 1, not ${maxJobs}`);
  return { ...base, level: 'jobs', ...jobGraph(plan, maxJobs) };
}

// --- stage level --------------------------------------------------------------------------------

function stageGraph(plan: Plan): { nodes: ViewNode[]; edges: ViewEdge[] } {
  const stagePosition = new Map(plan.stages.map((s, i) => [s.name, i] as const));
  const windows = new Map<string, { start: number; finish: number }>();
  for (const step of plan.criticalPath) windows.set(step.stage, { start: step.start, finish: step.finish });

  const nodes = plan.stages.map((s, i): ViewNode => {
    const window = windows.get(s.name);
    const details = [
      ...(s.keys.length === 0 && s.dimensions === undefined ? [] : [`for each ${forEachText(s)}`]),
      jobsTimesCpus(s.jobCount, s.cpus),
      `estimate ${formatDuration(s.estimateSeconds)}, slack ${formatDuration(s.slack)}`,
      ...(window === undefined ? [] : [criticalLine(window)]),
    ];
    return {
      id: `n${i}`,
      name: s.name,
      kind: 'stage',
      stage: s.name,
      title: s.name,
      details,
      jobs: s.jobCount,
      cpus: s.cpus,
      estimateSeconds: s.estimateSeconds,
      slack: s.slack,
      slotSeconds: s.slotSeconds,
      earliestStart: s.earliestStart,
      earliestFinish: s.earliestFinish,
      critical: window !== undefined,
      ...(window === undefined ? {} : { criticalWindow: window }),
    };
  });

  // Job dependencies between each pair of stages.
  const counts = new Map<string, number>();
  for (const job of plan.jobs) {
    for (const p of job.parents) {
      const key = `${plan.jobs[p]!.stageIndex},${job.stageIndex}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const criticalPairs = new Set<string>();
  for (let i = 1; i < plan.criticalPath.length; i++) {
    criticalPairs.add(`${stagePosition.get(plan.criticalPath[i - 1]!.stage)},${stagePosition.get(plan.criticalPath[i]!.stage)}`);
  }

  const edges: { from: number; to: number; edge: ViewEdge }[] = [];
  plan.stages.forEach((s, to) => {
    for (const dependency of s.after) {
      const from = stagePosition.get(dependency.stage);
      if (from === undefined) continue;
      const pair = `${from},${to}`;
      const count = counts.get(pair) ?? 0;
      edges.push({
        from,
        to,
        edge: {
          from: `n${from}`,
          to: `n${to}`,
          relation: dependency.relation,
          count,
          critical: criticalPairs.has(pair),
          label: `${relationName(dependency.relation)} ×${count}`,
        },
      });
    }
  });
  edges.sort((a, b) => a.from - b.from || a.to - b.to);
  return { nodes, edges: edges.map((e) => e.edge) };
}

// --- job level ----------------------------------------------------------------------------------

/** A node under construction: the positions of its jobs in `Plan.jobs`, ascending. */
interface Cluster {
  readonly kind: 'job' | 'group';
  readonly stage: PlanStage;
  readonly jobs: number[];
  /** Group title without the count: `characterize[base_svt]` or `characterize`. */
  readonly base: string;
}

/** The values of an array's outer keys, library standing for its node: `base_svt`, `tcbn02`. */
function arrayTitle(stage: string, keys: JobKeys): string {
  const values: string[] = [];
  if (keys.library !== undefined) values.push(keys.library);
  else if (keys.node !== undefined) values.push(keys.node);
  if (keys.corner !== undefined) values.push(keys.corner);
  if (keys.group !== undefined) values.push(keys.group);
  values.push(...Object.values(keys.dimensions ?? {}));
  return values.length === 0 ? stage : `${stage}[${values.join(',')}]`;
}

function clustersFor(plan: Plan, collapse: ViewCollapse, critical: ReadonlySet<number>): Cluster[] {
  const clusters: Cluster[] = [];
  for (const stage of plan.stages) {
    const groups: { base: string; jobs: number[] }[] =
      collapse === 'arrays'
        ? stage.arrays.map((a) => ({ base: arrayTitle(stage.name, a.keys), jobs: [...a.jobs] }))
        : collapse === 'stages'
          ? [{ base: stage.name, jobs: stage.arrays.flatMap((a) => a.jobs) }]
          : [];
    if (collapse === 'none') {
      for (const array of stage.arrays) for (const j of array.jobs) clusters.push({ kind: 'job', stage, jobs: [j], base: '' });
      continue;
    }
    for (const group of groups) {
      const rest: number[] = [];
      for (const j of group.jobs) {
        if (critical.has(j)) clusters.push({ kind: 'job', stage, jobs: [j], base: '' });
        else rest.push(j);
      }
      if (rest.length === 1) clusters.push({ kind: 'job', stage, jobs: rest, base: '' });
      else if (rest.length > 1) clusters.push({ kind: 'group', stage, jobs: rest, base: group.base });
    }
  }
  for (const c of clusters) c.jobs.sort((a, b) => a - b);
  // By the topological position of the first job: parents tend to come before children.
  clusters.sort((a, b) => a.jobs[0]! - b.jobs[0]!);
  return clusters;
}

function jobGraph(plan: Plan, maxJobs: number): { collapse: ViewCollapse; nodes: ViewNode[]; edges: ViewEdge[] } {
  const critical = new Map<number, { start: number; finish: number }>();
  for (const step of plan.criticalPath) critical.set(step.job, { start: step.start, finish: step.finish });
  const criticalSet = new Set(critical.keys());

  let collapse: ViewCollapse = 'none';
  let clusters = clustersFor(plan, 'none', criticalSet);
  if (clusters.length > maxJobs) {
    collapse = 'arrays';
    clusters = clustersFor(plan, 'arrays', criticalSet);
    if (clusters.length > maxJobs) {
      collapse = 'stages';
      clusters = clustersFor(plan, 'stages', criticalSet);
    }
  }

  const nodeOf = new Int32Array(plan.jobs.length).fill(-1);
  clusters.forEach((c, i) => {
    for (const j of c.jobs) nodeOf[j] = i;
  });

  const nodes = clusters.map((c, i): ViewNode => {
    const members = c.jobs.map((j) => plan.jobs[j]!);
    const first = members[0]!;
    if (c.kind === 'job') return jobNode(i, first, critical.get(c.jobs[0]!));
    const slack = Math.min(...members.map((m) => m.slack));
    return {
      id: `n${i}`,
      name: `${c.base} ×${members.length}`,
      kind: 'group',
      stage: c.stage.name,
      title: `${c.base} ×${members.length}`,
      details: [
        jobsTimesCpus(members.length, c.stage.cpus),
        `estimate ${formatDuration(c.stage.estimateSeconds)}, slack ≥ ${formatDuration(slack)}`,
      ],
      jobs: members.length,
      cpus: c.stage.cpus,
      estimateSeconds: c.stage.estimateSeconds,
      slack,
      slotSeconds: members.reduce((sum, m) => sum + m.cpus * m.estimateSeconds, 0),
      earliestStart: Math.min(...members.map((m) => m.earliestStart)),
      earliestFinish: Math.max(...members.map((m) => m.earliestFinish)),
      critical: false,
    };
  });

  // Job dependencies aggregated between nodes.
  const relationOf = new Map<string, DependencyRelation>();
  for (const stage of plan.stages) for (const d of stage.after) relationOf.set(`${d.stage}\u0000${stage.name}`, d.relation);
  const counts = new Map<number, Map<number, number>>();
  plan.jobs.forEach((job, j) => {
    const to = nodeOf[j]!;
    for (const p of job.parents) {
      const from = nodeOf[p]!;
      let row = counts.get(from);
      if (row === undefined) counts.set(from, (row = new Map()));
      row.set(to, (row.get(to) ?? 0) + 1);
    }
  });
  const criticalPairs = new Set<string>();
  for (let i = 1; i < plan.criticalPath.length; i++) {
    criticalPairs.add(`${nodeOf[plan.criticalPath[i - 1]!.job]},${nodeOf[plan.criticalPath[i]!.job]}`);
  }
  const edges: ViewEdge[] = [];
  for (const from of [...counts.keys()].sort((a, b) => a - b)) {
    const row = counts.get(from)!;
    for (const to of [...row.keys()].sort((a, b) => a - b)) {
      const count = row.get(to)!;
      const relation = relationOf.get(`${nodes[from]!.stage}\u0000${nodes[to]!.stage}`) ?? 'elementwise';
      edges.push({
        from: `n${from}`,
        to: `n${to}`,
        relation,
        count,
        critical: criticalPairs.has(`${from},${to}`),
        label: count > 1 ? `${relationName(relation)} ×${count}` : '',
      });
    }
  }
  return { collapse, nodes, edges };
}

function jobNode(i: number, job: PlanJob, window: { start: number; finish: number } | undefined): ViewNode {
  return {
    id: `n${i}`,
    name: job.id,
    kind: 'job',
    stage: job.stage,
    title: job.id,
    details: [
      `${plural(job.cpus, 'cpu')}, estimate ${formatDuration(job.estimateSeconds)}`,
      window === undefined
        ? `start ${formatDuration(job.earliestStart)}, slack ${formatDuration(job.slack)}`
        : criticalLine(window),
    ],
    jobs: 1,
    cpus: job.cpus,
    estimateSeconds: job.estimateSeconds,
    slack: job.slack,
    slotSeconds: job.cpus * job.estimateSeconds,
    earliestStart: job.earliestStart,
    earliestFinish: job.earliestFinish,
    critical: window !== undefined,
    ...(window === undefined ? {} : { criticalWindow: window }),
  };
}

/** One line for a graph caption: `pipeline x: 7 stages, 54 jobs; makespan 17h 15m; 5202.5 slot-hours`. */
export function summaryLine(model: ViewModel): string {
  return `pipeline ${model.pipeline}: ${plural(model.stageCount, 'stage')}, ${plural(model.jobCount, 'job')}; makespan ${formatDuration(
    model.makespanSeconds,
  )}; ${formatSlotHours(model.slotSeconds)} slot-hours`;
}

/** Why the graph has fewer nodes than jobs, or undefined when it does not. */
export function collapseNote(model: ViewModel): string | undefined {
  if (model.collapse === 'none') return undefined;
  const by = model.collapse === 'arrays' ? 'array (stage × outer keys)' : 'stage';
  return `${model.jobCount} jobs shown as ${model.nodes.length} nodes: grouped by ${by}; critical-path jobs kept separate`;
}
