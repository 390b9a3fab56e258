/**
 * `libcc plan` output: a plain-text report and a JSON document. Pure functions of the Plan:
 * deterministic, no colours, no trailing spaces, LF line endings, one trailing newline.
 */
import { joinPieces, JsonStrings, ReusedBytes } from './json-bytes.js';
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
  return joinPieces(planJsonPieces(plan));
}

const JOB_SEPARATOR = Buffer.from(',\n');
const LAST_JOB_END = Buffer.from('\n');

/** About this many bytes of jobs are written before they are handed over as one piece. */
const JOBS_PIECE = 1 << 16;

/**
 * plan.json in pieces (the same text as `JSON.stringify(document, null, 2)`): 100k jobs need
 * neither one document object nor one 50 MB string. The jobs come as UTF-8 bytes, some at a
 * time, each piece valid until the next is asked for (written directly: building each job's
 * text as a string, then encoding it, was most of the cost of plan.json).
 */
export function* planJsonPieces(plan: Plan): Generator<string | Buffer> {
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
  const out = new ReusedBytes();
  for (let index = 0; index < plan.jobs.length; index++) {
    writeJob(out, plan.jobs[index]!, ids, names, slots === undefined ? undefined : slots.start[index]!);
    out.writeBytes(index === plan.jobs.length - 1 ? LAST_JOB_END : JOB_SEPARATOR);
    if (out.length >= JOBS_PIECE) {
      yield out.bytes();
      out.reset();
    }
  }
  if (out.length > 0) yield out.bytes();
  yield '  ]\n}\n';
}

/** Line breaks and indents of a job element's levels: the element is at depth 2 of the document. */
const FIELD = '\n      ';
const NESTED = '\n        ';
const NESTED_ITEM = '\n          ';

/** The fixed text of a job element, as bytes made once (a string built at each use is flattened at each read). */
const text = (value: string) => Buffer.from(value, 'latin1');
const JOB_START = text(`    {${FIELD}"id": `);
const JOB_END = text('\n    }');
/** `"name": ` after `indent`, as bytes, for each name. */
const fieldNames = <Name extends string>(indent: string, names: readonly Name[]) => Object.fromEntries(names.map((name) => [name, text(`${indent}"${name}": `)])) as Record<Name, Buffer>;
const FIELD_NAMES = fieldNames(`,${FIELD}`, ['stage', 'keys', 'arrayIndex', 'parents', 'joins', 'cpus', 'estimateSeconds', 'earliestStart', 'earliestFinish', 'latestStart', 'slack', 'scheduledStart'] as const);
/** The numbers after a job's references, in order. */
const TIMING_FIELDS = (['cpus', 'estimateSeconds', 'earliestStart', 'earliestFinish', 'latestStart', 'slack'] as const).map((field) => [FIELD_NAMES[field], field] as const);
const KEY_NAMES = fieldNames(NESTED, ['node', 'library', 'corner', 'group', 'corners', 'dimensions'] as const);
const EMPTY_ARRAY = text('[]');
const EMPTY_OBJECT = text('{}');
/** `[` or `,` then an item's indent, for arrays of job references and of names. */
const ITEMS = {
  first: text(`[${NESTED}`),
  next: text(`,${NESTED}`),
  end: text(`${FIELD}]`),
  nestedFirst: text(`[${NESTED_ITEM}`),
  nestedNext: text(`,${NESTED_ITEM}`),
  nestedEnd: text(`${NESTED}]`),
};
const OPEN = text('{');
const DIMENSION_FIRST = text(`{${NESTED_ITEM}`);
const COMMA = text(',');
const COLON = text(': ');
const KEYS_END = text(`${FIELD}}`);
const DIMENSIONS_END = text(`${NESTED}}`);

/**
 * A job of plan.json, as `JSON.stringify({ id, stage, keys: orderedKeys(keys), arrayIndex, parents
 * (ids), joins?, cpus, estimateSeconds, earliestStart, earliestFinish, latestStart, slack,
 * scheduledStart? }, null, 2)` indented to its depth gives it (tests/graph/format-plan.test.ts
 * compares them), written directly: the generic stringify with an indent, re-indented by a regex,
 * was most of the cost of plan.json (100k jobs).
 */
function writeJob(out: ReusedBytes, job: PlanJob, ids: readonly string[], names: JsonStrings, scheduledStart: number | undefined): void {
  out.writeBytes(JOB_START);
  out.writeJsonText(job.id);
  out.writeBytes(FIELD_NAMES.stage);
  out.write(names.json(job.stage));
  out.writeBytes(FIELD_NAMES.keys);
  writeKeys(out, job.keys, names);
  out.writeBytes(FIELD_NAMES.arrayIndex);
  out.writeNumber(job.arrayIndex);
  out.writeBytes(FIELD_NAMES.parents);
  const parents = job.parents;
  if (parents.length === 0) out.writeBytes(EMPTY_ARRAY);
  else {
    for (let i = 0; i < parents.length; i++) {
      out.writeBytes(i === 0 ? ITEMS.first : ITEMS.next);
      out.writeJsonText(ids[parents[i]!]);
    }
    out.writeBytes(ITEMS.end);
  }
  if (job.joins !== undefined) {
    out.writeBytes(FIELD_NAMES.joins);
    writeStrings(out, job.joins, false);
  }
  for (const [name, field] of TIMING_FIELDS) {
    out.writeBytes(name);
    out.writeNumber(job[field]);
  }
  if (scheduledStart !== undefined) {
    out.writeBytes(FIELD_NAMES.scheduledStart);
    out.writeNumber(scheduledStart);
  }
  out.writeBytes(JOB_END);
}

/** `orderedKeys(keys)` as JSON at a job field's depth. */
function writeKeys(out: ReusedBytes, keys: JobKeys, names: JsonStrings): void {
  let first = true;
  const field = (name: Uint8Array) => {
    out.writeBytes(first ? OPEN : COMMA);
    out.writeBytes(name);
    first = false;
  };
  const named = (name: Uint8Array, value: string | undefined) => {
    if (value === undefined) return;
    field(name);
    out.write(names.json(value));
  };
  named(KEY_NAMES.node, keys.node);
  named(KEY_NAMES.library, keys.library);
  named(KEY_NAMES.corner, keys.corner);
  if (keys.group !== undefined) {
    named(KEY_NAMES.group, keys.group);
    field(KEY_NAMES.corners);
    writeStrings(out, keys.corners ?? [], true, names);
  }
  if (keys.dimensions !== undefined) {
    field(KEY_NAMES.dimensions);
    let empty = true;
    for (const name of Object.keys(keys.dimensions)) {
      const value = keys.dimensions[name];
      // JSON.stringify leaves out a property whose value is undefined.
      if (value === undefined) continue;
      out.writeBytes(empty ? DIMENSION_FIRST : ITEMS.nestedNext);
      out.write(names.json(name));
      out.writeBytes(COLON);
      out.write(names.json(value));
      empty = false;
    }
    out.writeBytes(empty ? EMPTY_OBJECT : DIMENSIONS_END);
  }
  out.writeBytes(first ? EMPTY_OBJECT : KEYS_END);
}

/** A JSON array of strings, a field's (`nested`: a key's, one level deeper); `names`: strings that repeat. */
function writeStrings(out: ReusedBytes, items: readonly (string | undefined)[], nested: boolean, names?: JsonStrings): void {
  if (items.length === 0) return out.writeBytes(EMPTY_ARRAY);
  for (let i = 0; i < items.length; i++) {
    out.writeBytes(i === 0 ? (nested ? ITEMS.nestedFirst : ITEMS.first) : nested ? ITEMS.nestedNext : ITEMS.next);
    if (names === undefined) out.writeJsonText(items[i]);
    else out.write(names.json(items[i]));
  }
  out.writeBytes(nested ? ITEMS.nestedEnd : ITEMS.end);
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
