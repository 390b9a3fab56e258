/**
 * Reads what a run of the generated scripts left behind, defensively: the generated directory's
 * `plan.json` and `lib/jobs.tsv`, and the run directory's `events.jsonl`, `state/<stage>/<key>.done
 * |.failed` markers and `ledger.tsv` (docs/generated-scripts.md, "Jobs, keys and run state").
 *
 * Nothing here trusts the files: a malformed line or marker is a `problem` (file and line), never
 * an exception; every path is resolved under its root component by component with `lstat`, and a
 * symbolic link (to a file or a directory) is reported and skipped, never followed; files are
 * opened with O_NOFOLLOW. The result is plain data for the pure model (`model.ts`).
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FANOUT_KEYS, type FanoutKey } from '../check/model.js';
import { probe } from '../cli/safe-fs.js';
import type { JobKeys } from '../graph/types.js';

export interface RunEvent {
  /** 1-based line in events.jsonl. */
  readonly line: number;
  /** Epoch seconds. */
  readonly time: number;
  readonly event: string;
  readonly stage: string;
  /** The job's key (`n5.demo.tt_0p75v_25c_typical`, `_`). */
  readonly job: string;
  readonly host?: string;
  readonly lsfJob?: string;
  readonly status?: string;
  readonly exitCode?: number;
  readonly seconds?: number;
  readonly attempts?: number;
  readonly attempt?: number;
  readonly reason?: string;
}

/** A marker's `name=value` lines; `output` lines (a failed job's last lines) collected apart. */
export interface Marker {
  readonly fields: Readonly<Record<string, string>>;
  readonly output: readonly string[];
}

export interface JobTableRow {
  readonly num: number;
  readonly stage: string;
  readonly group: string;
  readonly index: number;
  readonly key: string;
  readonly fingerprint: string;
  readonly parents: readonly number[];
}

export interface LedgerRow {
  readonly runId: string;
  readonly jobGroup: string;
  readonly stage: string;
  readonly group: string;
  readonly unit: string;
  readonly lsfJob: string;
  readonly indices: string;
}

/** The subset of `libcc plan --format json` the report reads (validated field by field). */
export interface PlanDocument {
  readonly pipeline: string;
  readonly makespanSeconds: number;
  readonly slotSeconds: number;
  readonly slots?: { readonly cap: number; readonly makespanSeconds: number };
  readonly stages: readonly {
    readonly name: string;
    readonly keySet: readonly FanoutKey[];
    /** Declared dimensions it fans out over; with `keySet`, what its jobs' keys are made of (`jobKey`). */
    readonly dimensions?: readonly string[];
    readonly cpus: number;
    readonly estimateSeconds: number;
    readonly jobCount: number;
    readonly licenses: readonly { readonly name: string; readonly count: number }[];
  }[];
  readonly criticalPath: readonly { readonly job: string; readonly stage: string; readonly start: number; readonly finish: number }[];
  /** Each job has a value of each of its stage's keys (a grouped job: `group` for `corner`). */
  readonly jobs: readonly {
    readonly id: string;
    readonly stage: string;
    readonly keys: JobKeys;
    readonly parents: readonly string[];
    readonly cpus: number;
    readonly estimateSeconds: number;
    readonly earliestStart: number;
    readonly scheduledStart?: number;
  }[];
}

export interface RunData {
  /** From plan.json; undefined when it is missing or unreadable (a problem says why). */
  readonly plan?: PlanDocument;
  readonly jobs: readonly JobTableRow[];
  readonly events: readonly RunEvent[];
  /** `stage/key` → marker. */
  readonly done: ReadonlyMap<string, Marker>;
  readonly failed: ReadonlyMap<string, Marker>;
  readonly ledger: readonly LedgerRow[];
  /** What could not be read, one line each (`run/events.jsonl:12: not JSON`). */
  readonly problems: readonly string[];
}

export interface ReadRunOptions {
  /** The run directory (default `<generated dir>/run`). */
  readonly runDir?: string;
}

/** Reads a generated directory and its run. Never throws for bad content. */
export function readRun(generatedDir: string, options: ReadRunOptions = {}): RunData {
  const problems: string[] = [];
  // The default run directory is read as `run/…` under the generated directory, so a `run`
  // that is a symbolic link is refused like any other link on the way.
  const runRoot = options.runDir ?? generatedDir;
  const prefix = options.runDir === undefined ? 'run/' : '';
  const runLabel = options.runDir === undefined ? 'run/' : `${options.runDir}/`;

  const planText = readText(generatedDir, 'plan.json', 'plan.json', problems);
  const plan = planText === undefined ? undefined : parsePlan(planText, problems);
  const jobsText = readText(generatedDir, 'lib/jobs.tsv', 'lib/jobs.tsv', problems);
  const jobs = jobsText === undefined ? [] : parseJobTable(jobsText, problems);
  const eventsText = readText(runRoot, `${prefix}events.jsonl`, `${runLabel}events.jsonl`, problems, true);
  const events = eventsText === undefined ? [] : parseEvents(eventsText, `${runLabel}events.jsonl`, problems);
  const ledgerText = readText(runRoot, `${prefix}ledger.tsv`, `${runLabel}ledger.tsv`, problems, true);
  const ledger = ledgerText === undefined ? [] : parseLedger(ledgerText, `${runLabel}ledger.tsv`, problems);

  const done = new Map<string, Marker>();
  const failed = new Map<string, Marker>();
  const stages = listEntries(runRoot, `${prefix}state`, `${runLabel}state`, problems, 'directory');
  for (const stage of stages) {
    for (const name of listEntries(runRoot, `${prefix}state/${stage}`, `${runLabel}state/${stage}`, problems, 'file')) {
      const kind = name.endsWith('.done') ? 'done' : name.endsWith('.failed') ? 'failed' : undefined;
      if (kind === undefined) continue;
      const key = name.slice(0, -(kind.length + 1));
      const text = readText(runRoot, `${prefix}state/${stage}/${name}`, `${runLabel}state/${stage}/${name}`, problems);
      if (text === undefined) continue;
      (kind === 'done' ? done : failed).set(`${stage}/${key}`, parseMarker(text));
    }
  }
  return { ...(plan === undefined ? {} : { plan }), jobs, events, done, failed, ledger, problems };
}

/**
 * The events of one run directory (for `--history` too): `<dir>/events.jsonl`. Missing is no
 * events (and no problem); malformed lines are problems.
 */
export function readEvents(runDir: string, problems: string[], label = ''): RunEvent[] {
  const text = readText(runDir, 'events.jsonl', `${label}events.jsonl`, problems, true);
  return text === undefined ? [] : parseEvents(text, `${label}events.jsonl`, problems);
}

/** Parses events.jsonl: one JSON object per line; blank lines skipped; anything else a problem. */
export function parseEvents(text: string, label: string, problems: string[]): RunEvent[] {
  const events: RunEvent[] = [];
  forEachLine(text, label, problems, (raw, number) => {
    const line = raw.trim();
    if (line === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return 'not a JSON line';
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
    const o = value as Record<string, unknown>;
    if (!isFiniteNumber(o.time) || typeof o.event !== 'string' || typeof o.stage !== 'string' || typeof o.job !== 'string') {
      return 'an event needs a numeric `time` and string `event`, `stage` and `job`';
    }
    events.push({
      line: number,
      time: o.time,
      event: o.event,
      stage: o.stage,
      job: o.job,
      ...(typeof o.host === 'string' ? { host: o.host } : {}),
      ...(typeof o.lsf_job === 'string' && o.lsf_job !== '' ? { lsfJob: o.lsf_job } : {}),
      ...(typeof o.status === 'string' ? { status: o.status } : {}),
      ...(isFiniteNumber(o.exit_code) ? { exitCode: o.exit_code } : {}),
      ...(isFiniteNumber(o.seconds) && o.seconds >= 0 ? { seconds: o.seconds } : {}),
      ...(isFiniteNumber(o.attempts) ? { attempts: o.attempts } : {}),
      ...(isFiniteNumber(o.attempt) ? { attempt: o.attempt } : {}),
      ...(typeof o.reason === 'string' ? { reason: o.reason } : {}),
    });
    return undefined;
  });
  return events;
}

/**
 * The lines of a file one by one (without an array of them), each reported when `each` says
 * what is wrong with it. Past `MAX_BAD_LINES` such lines the rest of the file is not read: a file
 * that broken is not a run's record, and each bad line costs a problem (and, for JSON, an
 * exception: 30 million lines of garbage took 198 s and 4.4 GB before).
 */
function forEachLine(text: string, label: string, problems: string[], each: (line: string, number: number) => string | undefined): void {
  let bad = 0;
  for (let start = 0, number = 1; ; number++) {
    const end = text.indexOf('\n', start);
    const problem = each(text.slice(start, end < 0 ? text.length : end), number);
    if (problem !== undefined) {
      problems.push(`${label}:${number}: ${problem}`);
      if (++bad === MAX_BAD_LINES && end >= 0 && end + 1 < text.length) {
        problems.push(`${label}: ${MAX_BAD_LINES} lines are not what the file should hold; the rest of it, from line ${number + 1}, is not read`);
        return;
      }
    }
    if (end < 0) return;
    start = end + 1;
  }
}

const MAX_BAD_LINES = 1000;

export function parseMarker(text: string): Marker {
  // No prototype: a marker's line `__proto__=…` or `toString=…` (markers are run state, written by jobs) is a field like any other.
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const output: string[] = [];
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (name === 'output') output.push(value);
    else if (!(name in fields)) fields[name] = value;
  }
  return { fields, output };
}

export function parseJobTable(text: string, problems: string[]): JobTableRow[] {
  const rows: JobTableRow[] = [];
  forEachLine(text, 'lib/jobs.tsv', problems, (line) => {
    if (line === '' || line.startsWith('#')) return undefined;
    const cols = line.split('\t');
    const num = Number(cols[0]);
    const index = Number(cols[3]);
    const parents = cols[6] === '-' ? [] : (cols[6] ?? '').split(',').map(Number);
    if (cols.length < 7 || !Number.isInteger(num) || !Number.isInteger(index) || parents.some((p) => !Number.isInteger(p))) return 'not a job row';
    rows.push({ num, stage: cols[1]!, group: cols[2]!, index, key: cols[4]!, fingerprint: cols[5]!, parents });
    return undefined;
  });
  return rows;
}

export function parseLedger(text: string, label: string, problems: string[]): LedgerRow[] {
  const rows: LedgerRow[] = [];
  forEachLine(text, label, problems, (line) => {
    if (line === '' || line.startsWith('#')) return undefined;
    const c = line.split('\t');
    if (c.length < 7) return 'expected 7 tab-separated columns';
    rows.push({ runId: c[0]!, jobGroup: c[1]!, stage: c[2]!, group: c[3]!, unit: c[4]!, lsfJob: c[5]!, indices: c[6]! });
    return undefined;
  });
  return rows;
}

/** Validates the fields of plan.json the report uses; anything off is one problem and no plan. */
export function parsePlan(text: string, problems: string[]): PlanDocument | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    problems.push('plan.json: not JSON');
    return undefined;
  }
  const bad = (what: string) => {
    problems.push(`plan.json: ${what}; the report shows no plan`);
    return undefined;
  };
  if (!isObject(doc)) return bad('not an object');
  if (typeof doc.pipeline !== 'string' || !isFiniteNumber(doc.makespanSeconds) || !isFiniteNumber(doc.slotSeconds)) return bad('no pipeline, makespanSeconds or slotSeconds');
  if (!Array.isArray(doc.stages) || !Array.isArray(doc.jobs) || !Array.isArray(doc.criticalPath)) return bad('no stages, jobs or criticalPath list');
  const stages: PlanDocument['stages'][number][] = [];
  for (const s of doc.stages as unknown[]) {
    if (!isObject(s) || typeof s.name !== 'string' || !isKeySet(s.keySet) || !(s.dimensions === undefined || isStrings(s.dimensions)) || !isFiniteNumber(s.cpus) || !isFiniteNumber(s.estimateSeconds) || !isFiniteNumber(s.jobCount)) return bad('a malformed stage');
    const licenses = Array.isArray(s.licenses)
      ? (s.licenses as unknown[]).filter((l): l is { name: string; count: number } => isObject(l) && typeof l.name === 'string' && isFiniteNumber(l.count))
      : [];
    stages.push({ name: s.name, keySet: s.keySet, ...(s.dimensions === undefined ? {} : { dimensions: s.dimensions }), cpus: s.cpus, estimateSeconds: s.estimateSeconds, jobCount: s.jobCount, licenses });
  }
  const stageByName = new Map(stages.map((s) => [s.name, s]));
  const jobs: PlanDocument['jobs'][number][] = [];
  for (const j of doc.jobs as unknown[]) {
    if (!isObject(j) || typeof j.id !== 'string' || typeof j.stage !== 'string' || !isObject(j.keys) || !Array.isArray(j.parents) || !isFiniteNumber(j.cpus) || !isFiniteNumber(j.estimateSeconds) || !isFiniteNumber(j.earliestStart)) return bad('a malformed job');
    const keys = jobKeys(j.keys);
    if (keys === undefined) return bad('a malformed job');
    // The job's key is made of these values (`jobKey`): a job without one of them has no key.
    const stage = stageByName.get(j.stage);
    if (stage === undefined) return bad(`job ${j.id} of a stage not in \`stages\``);
    const missing = missingKey(keys, stage);
    if (missing !== undefined) return bad(`job ${j.id} has no value of its stage's key \`${missing}\``);
    jobs.push({
      id: j.id,
      stage: j.stage,
      keys,
      parents: (j.parents as unknown[]).filter((p): p is string => typeof p === 'string'),
      cpus: j.cpus,
      estimateSeconds: j.estimateSeconds,
      earliestStart: j.earliestStart,
      ...(isFiniteNumber(j.scheduledStart) ? { scheduledStart: j.scheduledStart } : {}),
    });
  }
  const criticalPath: PlanDocument['criticalPath'][number][] = [];
  for (const c of doc.criticalPath as unknown[]) {
    if (!isObject(c) || typeof c.job !== 'string' || typeof c.stage !== 'string' || !isFiniteNumber(c.start) || !isFiniteNumber(c.finish)) return bad('a malformed critical-path step');
    criticalPath.push({ job: c.job, stage: c.stage, start: c.start, finish: c.finish });
  }
  const slots = isObject(doc.slots) && isFiniteNumber(doc.slots.cap) && isFiniteNumber(doc.slots.makespanSeconds) ? { cap: doc.slots.cap, makespanSeconds: doc.slots.makespanSeconds } : undefined;
  return { pipeline: doc.pipeline, makespanSeconds: doc.makespanSeconds, slotSeconds: doc.slotSeconds, ...(slots ? { slots } : {}), stages, criticalPath, jobs };
}

/** A job's `keys` of plan.json (`orderedKeys` in format-plan.ts): string values, `corners` a list, `dimensions` name → value; undefined when malformed. */
function jobKeys(o: Record<string, unknown>): JobKeys | undefined {
  const keys: { -readonly [K in keyof JobKeys]: JobKeys[K] } = {};
  for (const k of ['node', 'library', 'corner', 'group'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'string') return undefined;
    keys[k] = o[k];
  }
  if (o.corners !== undefined) {
    if (!isStrings(o.corners)) return undefined;
    keys.corners = o.corners;
  }
  if (o.dimensions !== undefined) {
    if (!isObject(o.dimensions) || !Object.values(o.dimensions).every((v) => typeof v === 'string')) return undefined;
    keys.dimensions = o.dimensions as Record<string, string>;
  }
  return keys;
}

/** The first of the stage's keys the job has no value of (a grouped job's `corner` is its `group`). */
function missingKey(keys: JobKeys, stage: PlanDocument['stages'][number]): string | undefined {
  for (const k of stage.keySet) if ((k === 'corner' ? (keys.group ?? keys.corner) : keys[k]) === undefined) return k;
  // A string of its own: `toString` read from a plan's `{}` is Object's.
  for (const d of stage.dimensions ?? []) if (typeof keys.dimensions?.[d] !== 'string' || !Object.hasOwn(keys.dimensions, d)) return d;
  return undefined;
}

const BUILTIN_KEYS: ReadonlySet<string> = new Set(FANOUT_KEYS);

function isKeySet(v: unknown): v is FanoutKey[] {
  return Array.isArray(v) && v.every((k) => typeof k === 'string' && BUILTIN_KEYS.has(k));
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((k) => typeof k === 'string');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A regular file under `root` (no link anywhere on the way); undefined (and a problem) otherwise. */
function readText(root: string, rel: string, label: string, problems: string[], optional = false): string | undefined {
  const found = probe(root, rel);
  if (found.kind === 'file') return found.text;
  if (found.kind === 'missing') {
    if (!optional) problems.push(`${label}: missing`);
    return undefined;
  }
  problems.push(`${label}: not read: ${found.reason}`);
  return undefined;
}

/**
 * Names in the directory `rel` under `root` of the wanted kind (links and other kinds skipped,
 * links reported), sorted. Every component of `rel` is `lstat`ed: a link on the way is a problem
 * and no entries.
 */
function listEntries(root: string, rel: string, label: string, problems: string[], kind: 'file' | 'directory'): string[] {
  let current = root;
  for (const part of rel.split('/')) {
    current = join(current, part);
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      return [];
    }
    if (stat.isSymbolicLink()) {
      problems.push(`${label}: ${current === join(root, rel) ? 'a' : 'under a'} symbolic link, not followed`);
      return [];
    }
    if (!stat.isDirectory()) return [];
  }
  let entries;
  try {
    entries = readdirSync(current, { withFileTypes: true });
  } catch {
    problems.push(`${label}: cannot be listed`);
    return [];
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.isSymbolicLink()) {
      problems.push(`${label}/${entry.name}: a symbolic link, not followed`);
      continue;
    }
    if (kind === 'file' ? entry.isFile() : entry.isDirectory()) names.push(entry.name);
  }
  return names.sort();
}
