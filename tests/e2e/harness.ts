// End-to-end harness: compiles examples/n2_tanager into a temporary directory and gives each
// test a private "site": a copy of the fake kit (tests/fixtures/kits) as LIB_CHAR_BASE, a
// TOOLS_ROOT whose liberate/variety are the Tcl stubs of tests/tools, and a run directory.
// The generated scripts then run for real: locally (run-local.sh) or on the LSF stand-in.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createStandin, type ElementRecord, type JobRecord, type Standin } from '../lsf/standin.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../..');
export const EXAMPLE = path.join(REPO, 'examples/n2_tanager/flow.lcp');
export const KITS = path.join(REPO, 'tests/fixtures/kits');
const STUB_BIN = path.join(REPO, 'tests/tools/bin');
/** Where site.lcp expects the tools under TOOLS_ROOT. */
export const TOOL_DIR = 'cadence/liberate/21.1.2/bin';

export const PIPELINE = 'n2_tanager';

export interface JobRow {
  num: number;
  stage: string;
  group: string;
  index: number;
  key: string;
  fingerprint: string;
  parents: number[];
  /** Its element in its stage's batch (lib/units.tsv), when the stage has one: `name` and `index`. */
  batch?: { name: string; index: number };
}

export interface Event {
  line: number;
  time: number;
  event: string;
  stage: string;
  job: string;
  status?: string;
  reason?: string;
  attempt?: number;
  exit_code?: number;
  attempts?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Compiles the example once per test file; the output is shared by that file's tests. */
export async function compileExample(dest: string, flow = EXAMPLE): Promise<string> {
  const out = path.join(dest, 'out');
  const r = await runCli('compile', flow, '-o', out, '--no-color');
  if (r.code !== 0) throw new Error(`libcc compile failed (${r.code}):\n${r.stdout}${r.stderr}`);
  return out;
}

export function readJobs(out: string): JobRow[] {
  const batches = batchElements(out);
  return fs
    .readFileSync(path.join(out, 'lib/jobs.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [num, stage, group, index, key, fingerprint, parents] = l.split('\t') as [string, string, string, string, string, string, string];
      return {
        num: Number(num),
        stage,
        group,
        index: Number(index),
        key,
        fingerprint,
        parents: parents === '-' ? [] : parents.split(',').map(Number),
        ...(batches.has(Number(num)) ? { batch: batches.get(Number(num))! } : {}),
      };
    });
}

/** `1-3,5` (or `3-4%2`) → [1, 2, 3, 5]. */
export function expandIndices(spec: string): number[] {
  return spec
    .replace(/%.*$/, '')
    .split(',')
    .flatMap((part) => {
      const [a, b] = part.split('-').map(Number) as [number, number | undefined];
      return Array.from({ length: (b ?? a) - a + 1 }, (_, k) => a + k);
    });
}

/** The units of lib/units.tsv: name, batch column, and each index's job. */
export function readUnits(out: string): Map<number, { name: string; batch: string; jobAt: Map<number, number> }> {
  const result = new Map<number, { name: string; batch: string; jobAt: Map<number, number> }>();
  const file = path.join(out, 'lib/units.tsv');
  if (!fs.existsSync(file)) return result;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [unit, , , name, , spec, jobs, , batch] = line.split('\t') as string[];
    const indices = expandIndices(spec!);
    result.set(Number(unit), { name: name!, batch: batch!, jobAt: new Map(jobs!.split(',').map((job, k) => [indices[k]!, Number(job)])) });
  }
  return result;
}

/** Each batched job's element in its batch, from lib/units.tsv (a batch's `batch` column is `+N`). */
function batchElements(out: string): Map<number, { name: string; index: number }> {
  const result = new Map<number, { name: string; index: number }>();
  for (const unit of readUnits(out).values()) {
    if (!unit.batch.startsWith('+')) continue;
    for (const [index, job] of unit.jobAt) result.set(job, { name: unit.name, index });
  }
  return result;
}

/** The scheduler names and indices a job can be submitted under: its batch's element, its array's. */
function schedulerElements(job: JobRow, pipeline = PIPELINE): { name: string; index: number }[] {
  return [...(job.batch ? [job.batch] : []), { name: `${pipeline}.${job.stage}.${job.group}`, index: job.index }];
}

/** The jobs downstream of `roots` (not including them), from the job table. */
export function descendants(jobs: readonly JobRow[], roots: readonly number[]): Set<number> {
  const result = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const job of jobs) {
      if (result.has(job.num)) continue;
      if (job.parents.some((p) => roots.includes(p) || result.has(p))) {
        result.add(job.num);
        grew = true;
      }
    }
  }
  return result;
}

export const jobName = (j: JobRow) => `${j.stage} ${j.key}`;

/** A private site for one test: kit copy, tools, run directory, environment. */
export class Site {
  readonly base: string;
  readonly tools: string;
  readonly runDir: string;
  readonly jobs: JobRow[];
  private standins: Standin[] = [];

  constructor(
    readonly root: string,
    readonly out: string,
  ) {
    this.base = path.join(root, 'base');
    this.tools = path.join(root, 'tools');
    this.runDir = path.join(root, 'run');
    fs.cpSync(KITS, path.join(this.base, 'kits'), { recursive: true });
    const bin = path.join(this.tools, TOOL_DIR);
    fs.mkdirSync(bin, { recursive: true });
    // Tiny wrappers around the stubs: with E2E_TOOL_GATE=<file> in the job's environment the
    // tool waits until that file exists, so a test can catch jobs while they run.
    for (const tool of ['liberate', 'variety']) {
      fs.writeFileSync(
        path.join(bin, tool),
        `#!/bin/sh\nif [ -n "\${E2E_TOOL_GATE:-}" ]; then\n  while [ ! -e "$E2E_TOOL_GATE" ]; do sleep 0.05; done\nfi\nexec '${path.join(STUB_BIN, tool)}' "$@"\n`,
        { mode: 0o755 },
      );
    }
    this.jobs = readJobs(out);
  }

  static create(out: string, prefix = 'libcc-e2e-site-'): Site {
    return new Site(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), out);
  }

  /** The environment the generated scripts need (no LSF). */
  get env(): Record<string, string> {
    return { LIB_CHAR_BASE: this.base, TOOLS_ROOT: this.tools, LIBCC_RUN_DIR: this.runDir };
  }

  /** Runs a generated script (path relative to the compiled output) with bash. */
  run(script: string, args: string[] = [], opts: { env?: Record<string, string | undefined>; path?: string } = {}): Promise<RunResult> {
    return spawnCollect('bash', [path.join(this.out, script), ...args], this.root, cleanEnv({ ...this.env, ...opts.env }, opts.path));
  }

  /** Starts a generated script with bash in the background: its process (to signal it), what it printed so far, and its result. */
  start(script: string, args: string[] = [], opts: { env?: Record<string, string | undefined> } = {}): { pid: number; output: () => string; done: Promise<RunResult> } {
    const child = spawn('bash', [path.join(this.out, script), ...args], { cwd: this.root, env: cleanEnv({ ...this.env, ...opts.env }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<RunResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : -1), stdout, stderr }));
    });
    return { pid: child.pid!, output: () => stdout, done };
  }

  /** An LSF stand-in whose submission environment is this site's. */
  lsf(opts: { slots?: number; pollMs?: number; env?: Record<string, string> } = {}): Standin {
    const lsf = createStandin({
      pollMs: opts.pollMs ?? 20,
      timeoutSec: 60,
      ...(opts.slots !== undefined ? { slots: opts.slots } : {}),
      env: { ...this.env, ...opts.env },
    });
    for (const k of Object.keys(lsf.env)) if (isForeign(k)) delete lsf.env[k];
    this.standins.push(lsf);
    return lsf;
  }

  /** Runs a generated script through the stand-in (PATH finds bsub/bjobs/bkill first). */
  submitWith(lsf: Standin, script: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunResult> {
    return lsf.run('bash', [path.join(this.out, script), ...args], { cwd: this.root, env });
  }

  stateFile(job: JobRow, kind: 'done' | 'failed'): string {
    return path.join(this.runDir, 'state', job.stage, `${job.key}.${kind}`);
  }

  isDone(job: JobRow): boolean {
    const f = this.stateFile(job, 'done');
    return fs.existsSync(f) && fs.readFileSync(f, 'utf8').split('\n').includes(`fingerprint=${job.fingerprint}`);
  }

  failedReason(job: JobRow): string | undefined {
    const f = this.stateFile(job, 'failed');
    if (!fs.existsSync(f)) return undefined;
    return /^reason=(.*)$/m.exec(fs.readFileSync(f, 'utf8'))?.[1];
  }

  events(): Event[] {
    const file = path.join(this.runDir, 'events.jsonl');
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l, line) => ({ ...(JSON.parse(l) as Omit<Event, 'line'>), line }));
  }

  ledger(): { runId: string; group: string; stage: string; arrayGroup: string; unit: number; id: number; indices: string }[] {
    const file = path.join(this.runDir, 'ledger.tsv');
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const [runId, group, stage, arrayGroup, unit, id, indices] = l.split('\t') as [string, string, string, string, string, string, string];
        return { runId, group, stage, arrayGroup, unit: Number(unit), id: Number(id), indices };
      });
  }

  /** Per job number, its scheduler job id and index in the submissions of run `runId` (all runs: the latest), from the ledger and lib/units.tsv. */
  submittedElements(runId?: string): Map<number, { id: number; index: number }> {
    const units = readUnits(this.out);
    const result = new Map<number, { id: number; index: number }>();
    for (const line of this.ledger()) {
      if (runId !== undefined && line.runId !== runId) continue;
      const unit = units.get(line.unit);
      for (const index of expandIndices(line.indices)) {
        const job = unit?.jobAt.get(index);
        if (job === undefined) throw new Error(`the ledger names no job: unit ${line.unit} index ${index}`);
        result.set(job, { id: line.id, index });
      }
    }
    return result;
  }

  job(stage: string, key: string): JobRow {
    const job = this.jobs.find((j) => j.stage === stage && j.key === key);
    if (!job) throw new Error(`no job ${stage} ${key}`);
    return job;
  }

  async cleanup(): Promise<void> {
    while (this.standins.length) await this.standins.pop()!.shutdown();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** Variables from the test runner's own environment that would change what the scripts do. */
function isForeign(name: string): boolean {
  return /^(LIBCC_|LIBERATE_STUB_|LSB_)/.test(name) && !['LIBCC_RUN_DIR'].includes(name);
}

export function cleanEnv(extra: Record<string, string | undefined>, prependPath?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!isForeign(k) && !k.startsWith('LSF_STANDIN_')) env[k] = v;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  if (prependPath) env.PATH = `${prependPath}${path.delimiter}${env.PATH ?? ''}`;
  return env;
}

export function spawnCollect(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Per job, its start and end events (in file order: appends are atomic lines). */
export function eventsByJob(events: readonly Event[]): Map<string, { starts: Event[]; ends: Event[]; retries: Event[] }> {
  const byJob = new Map<string, { starts: Event[]; ends: Event[]; retries: Event[] }>();
  for (const e of events) {
    const id = `${e.stage} ${e.job}`;
    let entry = byJob.get(id);
    if (!entry) byJob.set(id, (entry = { starts: [], ends: [], retries: [] }));
    if (e.event === 'start') entry.starts.push(e);
    else if (e.event === 'end') entry.ends.push(e);
    else if (e.event === 'retry') entry.retries.push(e);
  }
  return byJob;
}

/**
 * Violations of "a job starts only after each of its parents ended successfully", from the
 * event log: each start of `job` must come after a `done` end of every parent.
 */
export function orderViolationsFromEvents(jobs: readonly JobRow[], events: readonly Event[]): string[] {
  const byJob = eventsByJob(events);
  const problems: string[] = [];
  for (const job of jobs) {
    for (const start of byJob.get(jobName(job))?.starts ?? []) {
      for (const p of job.parents) {
        const parent = jobs[p]!;
        const doneBefore = (byJob.get(jobName(parent))?.ends ?? []).some((e) => e.status === 'done' && e.line < start.line);
        if (!doneBefore) problems.push(`${jobName(job)} started (event line ${start.line}) before ${jobName(parent)} ended done`);
      }
    }
  }
  return problems;
}

/** The stand-in's element of a job in a given job group (the latest submission of it). */
export function lsfElement(records: readonly JobRecord[], job: JobRow, group?: string, pipeline = PIPELINE): { record: JobRecord; element: ElementRecord } | undefined {
  const names = schedulerElements(job, pipeline);
  for (const record of [...records].reverse()) {
    const mine = names.find((n) => n.name === record.name);
    if (mine === undefined) continue;
    if (group !== undefined && record.group !== group) continue;
    const element = record.elements[String(record.indices === null ? 0 : mine.index)];
    if (element) return { record, element };
  }
  return undefined;
}

/** Violations of the order, from the stand-in's own start/finish times (epoch ms). */
export function orderViolationsFromLsf(jobs: readonly JobRow[], records: readonly JobRecord[], group: string, pipeline = PIPELINE): string[] {
  const problems: string[] = [];
  for (const job of jobs) {
    const mine = lsfElement(records, job, group, pipeline);
    if (!mine || mine.element.startTime === null) continue;
    for (const p of job.parents) {
      // A parent that is not part of this run was done before the run was submitted.
      const parent = lsfElement(records, jobs[p]!, group, pipeline);
      if (!parent) continue;
      const { finishTime, state } = parent.element;
      if (state !== 'DONE' || finishTime === null || finishTime > mine.element.startTime) {
        problems.push(`${jobName(job)} started at ${mine.element.startTime}, parent ${jobName(jobs[p]!)} ${state} finished at ${finishTime}`);
      }
    }
  }
  return problems;
}

/** Job numbers submitted in a job group, from the stand-in's records. */
export function submittedJobs(jobs: readonly JobRow[], records: readonly JobRecord[], group: string, pipeline = PIPELINE): number[] {
  const result: number[] = [];
  for (const record of records) {
    if (record.group !== group) continue;
    for (const index of Object.keys(record.elements)) {
      const job = jobs.find((j) => schedulerElements(j, pipeline).some((n) => n.name === record.name && (record.indices === null || String(n.index) === index)));
      if (!job) throw new Error(`stand-in job ${record.id}[${index}] ${record.name} is no job of the table`);
      result.push(job.num);
    }
  }
  return result.sort((a, b) => a - b);
}

/** All elements of all records, flattened with their job name. */
export function elements(records: readonly JobRecord[]): { record: JobRecord; index: string; element: ElementRecord }[] {
  return records.flatMap((record) => Object.entries(record.elements).map(([index, element]) => ({ record, index, element })));
}

/** Expected result files of a complete run: one merged or nominal .lib per library × corner, a release list per library. */
export function expectedOutputs(site: Site): string[] {
  const files: string[] = [];
  for (const job of site.jobs) {
    if (job.stage === 'merge_lvf' || job.stage === 'copy_nominal') {
      const [node, lib, corner] = job.key.split('.') as [string, string, string];
      files.push(path.join(site.runDir, 'out', node, lib, corner, `${libraryName(lib)}_${corner}.lib`));
    }
  }
  return files.sort();
}

export function libraryName(id: string): string {
  return `tcbn02_bwph130pnpnl3p48cpd_${id}_c240207_094b`;
}

/**
 * Compiles a pipeline once per test file into a temporary directory (examples/n2_tanager, or
 * `flowText` as flow.lcp), and gives each test a fresh Site, cleaned up after the test.
 */
export function compiledPipeline(prefix: string, flowText?: string): { site(): Site; readonly root: string; readonly out: string } {
  const state = { root: '', out: '' };
  const sites: Site[] = [];
  beforeAll(async () => {
    state.root = fs.mkdtempSync(path.join(os.tmpdir(), `libcc-e2e-${prefix}-`));
    if (flowText !== undefined) fs.writeFileSync(path.join(state.root, 'flow.lcp'), flowText);
    state.out = await compileExample(state.root, flowText === undefined ? EXAMPLE : path.join(state.root, 'flow.lcp'));
  });
  afterAll(() => fs.rmSync(state.root, { recursive: true, force: true }));
  afterEach(async () => {
    while (sites.length) await sites.pop()!.cleanup();
  });
  return {
    site() {
      const site = Site.create(state.out);
      sites.push(site);
      return site;
    },
    get root() {
      return state.root;
    },
    get out() {
      return state.out;
    },
  };
}
