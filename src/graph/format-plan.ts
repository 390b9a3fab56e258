/**
 * `libcc plan` output: a plain-text report and a JSON document. Pure functions of the Plan:
 * deterministic, no colours, no trailing spaces, LF line endings, one trailing newline.
 */
import type { JobKeys, Plan, PlanStage } from './plan.js';

/** `0s`, `45s`, `10m`, `8h 10m`, `1d 2h 3m 4s`: nonzero units, rounded to the second. */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds);
  if (rest <= 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count}${unit}`);
  }
  return parts.join(' ');
}

/** Slot-seconds as slot-hours with one decimal: `16.7`. */
export function formatSlotHours(slotSeconds: number): string {
  return (slotSeconds / 3600).toFixed(1);
}

type Align = 'left' | 'right';

/** Columns separated by two spaces, padded to the widest cell; trailing spaces removed. */
function table(header: readonly string[], align: readonly Align[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, c) => all.reduce((width, row) => Math.max(width, row[c]!.length), 0));
  return all.map((row) =>
    row
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function formatPlanText(plan: Plan): string {
  const lines: string[] = [];
  lines.push(`pipeline ${plan.pipeline}: ${count(plan.stages.length, 'stage')}, ${count(plan.jobs.length, 'job')}`);
  lines.push('');
  lines.push(
    ...table(
      ['stage', 'for each', 'jobs', 'cpus', 'estimate', 'slack', 'slot-hours'],
      ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
      plan.stages.map((s) => [
        s.name,
        forEachText(s),
        String(s.jobCount),
        String(s.cpus),
        formatDuration(s.estimateSeconds),
        formatDuration(s.slack),
        formatSlotHours(s.slotSeconds),
      ]),
    ),
  );
  lines.push('');
  lines.push('critical path');
  lines.push(
    ...table(
      ['start', 'finish', 'stage', 'job'],
      ['right', 'right', 'left', 'left'],
      plan.criticalPath.map((step) => [formatDuration(step.start), formatDuration(step.finish), step.stage, step.id]),
    ),
  );
  lines.push('');
  const summary: string[][] = [['makespan', formatDuration(plan.makespanSeconds)]];
  if (plan.slots !== undefined) {
    summary.push([`makespan with ${count(plan.slots.cap, 'slot')}`, formatDuration(plan.slots.makespanSeconds)]);
  }
  summary.push(['total slot-hours', formatSlotHours(plan.slotSeconds)]);
  const labelWidth = Math.max(...summary.map(([label]) => label!.length + 1));
  for (const [label, value] of summary) lines.push(`${`${label}:`.padEnd(labelWidth)}  ${value}`);
  return `${lines.join('\n')}\n`;
}

/** Version of the JSON document's shape; bump on incompatible changes. */
export const PLAN_JSON_VERSION = 1;

/**
 * The plan as JSON, keys in a fixed order, 2-space indent. Job references (parents, array
 * members, critical path) are job ids rather than positions, so the document reads on its own.
 */
export function formatPlanJson(plan: Plan): string {
  return [...planJsonChunks(plan)].join('');
}

/**
 * plan.json in pieces, a job at a time (the same text as `JSON.stringify(document, null, 2)`):
 * 100k jobs need neither one document object nor one 50 MB string.
 */
export function* planJsonChunks(plan: Plan): Generator<string> {
  const ids = plan.jobs.map((job) => job.id);
  const document = {
    version: PLAN_JSON_VERSION,
    pipeline: plan.pipeline,
    makespanSeconds: plan.makespanSeconds,
    slotSeconds: plan.slotSeconds,
    ...(plan.slots === undefined
      ? {}
      : { slots: { cap: plan.slots.cap, makespanSeconds: plan.slots.makespanSeconds } }),
    stages: plan.stages.map((s) => ({
      name: s.name,
      keys: [...s.keys],
      keySet: [...s.keySet],
      ...(s.dimensions === undefined ? {} : { dimensions: [...s.dimensions] }),
      ...(s.groupBy === undefined ? {} : { groupBy: [...s.groupBy] }),
      after: s.after.map((d) => ({ stage: d.stage, relation: d.relation, ...(d.join === undefined ? {} : { join: d.join }) })),
      jobCount: s.jobCount,
      cpus: s.cpus,
      estimateSeconds: s.estimateSeconds,
      estimateSource: s.estimateSource,
      earliestStart: s.earliestStart,
      earliestFinish: s.earliestFinish,
      slack: s.slack,
      slotSeconds: s.slotSeconds,
      ...(s.licenses.length === 0 ? {} : { licenses: s.licenses.map((l) => ({ name: l.name, count: l.count })) }),
      arrays: s.arrays.map((a) => ({
        keys: orderedKeys(a.keys),
        indices: [...a.indices],
        jobs: a.jobs.map((j) => ids[j]!),
      })),
    })),
    criticalPath: plan.criticalPath.map((step) => ({
      job: step.id,
      stage: step.stage,
      start: step.start,
      finish: step.finish,
    })),
    jobs: [],
  };
  const head = JSON.stringify(document, null, 2);
  const emptyJobs = '"jobs": []\n}';
  if (plan.jobs.length === 0 || !head.endsWith(emptyJobs)) {
    yield `${head}\n`;
    return;
  }
  // `jobs` is the document's last field: its elements follow, each indented as JSON.stringify
  // would indent it at that depth.
  yield `${head.slice(0, -emptyJobs.length)}"jobs": [\n`;
  const slots = plan.slots;
  for (let index = 0; index < plan.jobs.length; index++) {
    const job = plan.jobs[index]!;
    const element = {
      id: job.id,
      stage: job.stage,
      keys: orderedKeys(job.keys),
      arrayIndex: job.arrayIndex,
      parents: job.parents.map((p) => ids[p]!),
      ...(job.joins === undefined ? {} : { joins: [...job.joins] }),
      cpus: job.cpus,
      estimateSeconds: job.estimateSeconds,
      earliestStart: job.earliestStart,
      earliestFinish: job.earliestFinish,
      latestStart: job.latestStart,
      slack: job.slack,
      ...(slots === undefined ? {} : { scheduledStart: slots.start[index]! }),
    };
    const text = JSON.stringify(element, null, 2).replace(/\n/g, '\n    ');
    yield `    ${text}${index === plan.jobs.length - 1 ? '\n' : ',\n'}`;
  }
  yield '  ]\n}\n';
}

/** `library, corner, arcs`: the built-in keys, then the declared dimensions. */
export function forEachText(s: Pick<PlanStage, 'keys' | 'dimensions' | 'groupBy'>): string {
  const keys = [...s.keys, ...(s.dimensions ?? [])];
  if (keys.length === 0) return '-';
  return s.groupBy === undefined ? keys.join(', ') : `${keys.join(', ')} group by ${s.groupBy.join(', ')}`;
}

function orderedKeys(keys: JobKeys): JobKeys {
  return {
    ...(keys.node === undefined ? {} : { node: keys.node }),
    ...(keys.library === undefined ? {} : { library: keys.library }),
    ...(keys.corner === undefined ? {} : { corner: keys.corner }),
    ...(keys.group === undefined ? {} : { group: keys.group, corners: [...(keys.corners ?? [])] }),
    ...(keys.dimensions === undefined ? {} : { dimensions: { ...keys.dimensions } }),
  };
}
