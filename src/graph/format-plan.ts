/**
 * `libcc plan` output: a plain-text report and a JSON document. Pure functions of the Plan:
 * deterministic, no colours, no trailing spaces, LF line endings, one trailing newline.
 */
import type { JobKeys, Plan, PlanJob, PlanStage } from './plan.js';

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
  const names = new JsonStrings();
  for (let index = 0; index < plan.jobs.length; index++) {
    const text = jobJson(plan.jobs[index]!, ids, names, slots === undefined ? undefined : slots.start[index]!);
    yield `${text}${index === plan.jobs.length - 1 ? '\n' : ',\n'}`;
  }
  yield '  ]\n}\n';
}

/** Line breaks and indents of a job element's levels: the element is at depth 2 of the document. */
const ELEMENT_END = '\n    ';
const FIELD = '\n      ';
const NESTED = '\n        ';
const NESTED_ITEM = '\n          ';

/**
 * A job of plan.json, as `JSON.stringify({ id, stage, keys: orderedKeys(keys), arrayIndex, parents
 * (ids), joins?, cpus, estimateSeconds, earliestStart, earliestFinish, latestStart, slack,
 * scheduledStart? }, null, 2)` indented to its depth gives it (tests/graph/format-plan.test.ts
 * compares them), made directly: the generic stringify with an indent, re-indented by a regex,
 * was most of the cost of plan.json (100k jobs).
 */
function jobJson(job: PlanJob, ids: readonly string[], names: JsonStrings, scheduledStart: number | undefined): string {
  let text = `    {${FIELD}"id": ${jsonString(job.id)},${FIELD}"stage": ${names.json(job.stage)},${FIELD}"keys": ${keysJson(job.keys, names)},${FIELD}"arrayIndex": ${jsonNumber(job.arrayIndex)},${FIELD}"parents": `;
  const parents = job.parents;
  if (parents.length === 0) text += '[]';
  else {
    text += '[';
    for (let i = 0; i < parents.length; i++) text += `${i === 0 ? '' : ','}${NESTED}${jsonString(ids[parents[i]!])}`;
    text += `${FIELD}]`;
  }
  if (job.joins !== undefined) text += `,${FIELD}"joins": ${stringArrayJson(job.joins, NESTED, FIELD)}`;
  text += `,${FIELD}"cpus": ${jsonNumber(job.cpus)},${FIELD}"estimateSeconds": ${jsonNumber(job.estimateSeconds)},${FIELD}"earliestStart": ${jsonNumber(job.earliestStart)},${FIELD}"earliestFinish": ${jsonNumber(job.earliestFinish)},${FIELD}"latestStart": ${jsonNumber(job.latestStart)},${FIELD}"slack": ${jsonNumber(job.slack)}`;
  if (scheduledStart !== undefined) text += `,${FIELD}"scheduledStart": ${jsonNumber(scheduledStart)}`;
  return `${text}${ELEMENT_END}}`;
}

/**
 * `JSON.stringify` of strings that repeat from job to job, each made once: the names in plan.json
 * (stages, nodes, libraries, corners, groups, dimension values; 100k jobs name a few hundred) and
 * the literals in jobs' fingerprints (src/emit/jobs.ts). At most `MAX_KEPT` are kept.
 */
export class JsonStrings {
  private readonly known = new Map<string, string>();

  /** `undefined` is `null`, as JSON.stringify writes an array's undefined item. */
  json(text: string | undefined): string {
    if (text === undefined) return 'null';
    let json = this.known.get(text);
    if (json === undefined) {
      json = JSON.stringify(text);
      if (this.known.size < MAX_KEPT) this.known.set(text, json);
    }
    return json;
  }
}

const MAX_KEPT = 1 << 16;

/** `orderedKeys(keys)` as JSON at a job field's depth. */
function keysJson(keys: JobKeys, names: JsonStrings): string {
  let text = '';
  const field = (name: string, value: string) => {
    text += `${text === '' ? '' : ','}${NESTED}"${name}": ${value}`;
  };
  if (keys.node !== undefined) field('node', names.json(keys.node));
  if (keys.library !== undefined) field('library', names.json(keys.library));
  if (keys.corner !== undefined) field('corner', names.json(keys.corner));
  if (keys.group !== undefined) {
    field('group', names.json(keys.group));
    field('corners', stringArrayJson(keys.corners ?? [], NESTED_ITEM, NESTED, names));
  }
  if (keys.dimensions !== undefined) {
    let dimensions = '';
    for (const name of Object.keys(keys.dimensions)) {
      const value = keys.dimensions[name];
      // JSON.stringify leaves out a property whose value is undefined.
      if (value !== undefined) dimensions += `${dimensions === '' ? '' : ','}${NESTED_ITEM}${names.json(name)}: ${names.json(value)}`;
    }
    field('dimensions', dimensions === '' ? '{}' : `{${dimensions}${NESTED}}`);
  }
  return text === '' ? '{}' : `{${text}${FIELD}}`;
}

function stringArrayJson(items: readonly (string | undefined)[], itemIndent: string, endIndent: string, names?: JsonStrings): string {
  if (items.length === 0) return '[]';
  let text = '[';
  for (let i = 0; i < items.length; i++) text += `${i === 0 ? '' : ','}${itemIndent}${names === undefined ? jsonString(items[i]) : names.json(items[i])}`;
  return `${text}${endIndent}]`;
}

/** As JSON.stringify writes a string (an array's undefined item as `null`). */
function jsonString(value: string | undefined): string {
  return value === undefined ? 'null' : JSON.stringify(value);
}

/** As JSON.stringify writes a number: `null` for NaN and the infinities. */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
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
