// Test helper around the LSF stand-in (tests/lsf/bin): a private state directory, an
// environment whose PATH finds the fake bsub/bjobs/bkill/bwait first, typed access to the
// job table, and waiting until the "cluster" has nothing left to do.
//
//   const lsf = createStandin({ pollMs: 20 });
//   const r = await lsf.run('bash', ['generated.sh']);   // scripts call bsub, bjobs, ...
//   await lsf.waitIdle();
//   expect(lsf.jobs().every((j) => j.elements['0']?.state === 'DONE')).toBe(true);
//   await lsf.shutdown();                                // in afterEach
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const STANDIN_BIN = path.join(here, 'bin');

export type JobState = 'PEND' | 'PSUSP' | 'RUN' | 'DONE' | 'EXIT' | 'USUSP' | 'SSUSP';

export interface RunRecord {
  startTime: number;
  finishTime: number;
  exitCode: number;
}

/** One element of a job (a plain job has the single element "0"). Times are epoch ms. */
export interface ElementRecord {
  state: JobState;
  pendReason: string | null;
  exitCode: number | null;
  /** LSF termination keyword: TERM_OWNER, TERM_ORPHAN_SYSTEM, TERM_RUNLIMIT, ... */
  exitReason: string | null;
  startTime: number | null;
  finishTime: number | null;
  pid: number | null;
  host: string | null;
  requeues: number;
  /** POST_DONE / POST_ERR once post-processing is over; NONE when the job never ran. */
  postState: string | null;
  everStarted: boolean;
  history?: RunRecord[];
  outFile?: string | null;
  errFile?: string | null;
  execCwd?: string;
  outputLost?: boolean;
}

export interface JobRecord {
  id: number;
  name: string;
  indices: number[] | null;
  slotLimit: number | null;
  user: string;
  queue: string;
  queueExplicit: boolean;
  project: string | null;
  group: string | null;
  command: string;
  spooled: boolean;
  subCwd: string;
  depend: string | null;
  ti: boolean;
  slots: number;
  resReq: string | null;
  memLimit: string | null;
  runLimitMin: number | null;
  submitTime: number;
  elements: Record<string, ElementRecord>;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface StandinOptions {
  /** Scheduler poll interval (LSF_STANDIN_POLL_MS); default 20 ms for tests. */
  pollMs?: number;
  /** Global slot limit (LSF_STANDIN_SLOTS); default unlimited. */
  slots?: number;
  /** Scheduler inactivity timeout in seconds (LSF_STANDIN_TIMEOUT); default 60 for tests. */
  timeoutSec?: number;
  /** Extra environment, e.g. { LSF_STANDIN_FAIL_SUBMIT: '2' }. */
  env?: Record<string, string>;
  /** Use this state directory instead of a fresh temporary one. */
  dir?: string;
  /** Keep the state directory after shutdown() (for debugging). */
  keep?: boolean;
}

export interface Standin {
  dir: string;
  binDir: string;
  /** Environment for child processes: PATH with the stand-in first, LSF_STANDIN_DIR, knobs. */
  env: NodeJS.ProcessEnv;
  /** Runs a command with the stand-in environment (cwd defaults to the state directory). */
  run(cmd: string, args: string[], opts?: { input?: string; cwd?: string; env?: Record<string, string> }): Promise<RunResult>;
  /** bsub with these arguments; id is parsed from "Job <id> is submitted ...". */
  bsub(args: string[], opts?: { input?: string; cwd?: string; env?: Record<string, string> }): Promise<RunResult & { id: number | null }>;
  /** Parsed job table, sorted by job ID. */
  jobs(): JobRecord[];
  job(id: number): JobRecord | undefined;
  /** Element "0" of a plain job, or the given array element. */
  element(id: number, index?: number): ElementRecord | undefined;
  /**
   * Resolves when nothing is running and nothing can be dispatched: every job is finished or
   * pends on something that will not change by itself. Rejects after timeoutMs.
   */
  waitIdle(timeoutMs?: number): Promise<void>;
  /** Polls the job table until pred is true. */
  waitFor(pred: (jobs: JobRecord[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  /** Stops the scheduler, kills every job process, removes the state directory. */
  shutdown(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

export function createStandin(opts: StandinOptions = {}): Standin {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-lsf-'));
  fs.mkdirSync(path.join(dir, 'jobs'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${STANDIN_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    LSF_STANDIN_DIR: dir,
    LSF_STANDIN_POLL_MS: String(opts.pollMs ?? 20),
    LSF_STANDIN_TIMEOUT: String(opts.timeoutSec ?? 60),
    LSF_STANDIN_TERM_INTERVAL_MS: '100',
    ...(opts.slots !== undefined ? { LSF_STANDIN_SLOTS: String(opts.slots) } : {}),
    ...opts.env,
  };
  for (const k of ['LSB_DEFAULTQUEUE', 'LSB_BSUB_PARSE_SCRIPT', 'BSUB_STDERR', 'LSB_JOBID', 'LSB_JOBINDEX']) {
    if (!opts.env || !(k in opts.env)) delete env[k];
  }

  const run: Standin['run'] = (cmd, args, o = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(cmd, args, {
        cwd: o.cwd ?? dir,
        env: { ...env, ...o.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      // A command that exits before it reads its input (one that refuses at once) closes the
      // pipe: EPIPE here is not the test's failure, its exit code and output say what happened.
      child.stdin.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') reject(error);
      });
      child.stdin.end(o.input ?? '');
    });

  const jobs = (): JobRecord[] => {
    let names: string[] = [];
    try {
      names = fs.readdirSync(path.join(dir, 'jobs'));
    } catch {
      return [];
    }
    return names
      .filter((n) => /^\d+\.json$/.test(n))
      .map((n) => readJson<JobRecord>(path.join(dir, 'jobs', n)))
      .filter((j): j is JobRecord => j !== null)
      .sort((a, b) => a.id - b.id);
  };

  const describe = (all: JobRecord[]) =>
    all
      .flatMap((j) =>
        Object.entries(j.elements).map(
          ([k, e]) => `${j.id}${j.indices ? `[${k}]` : ''} ${j.name}: ${e.state}${e.pendReason ? ` (${e.pendReason})` : ''}`,
        ),
      )
      .join('\n');

  const isIdle = (): boolean => {
    const all = jobs();
    const els = all.flatMap((j) => Object.values(j.elements));
    if (els.some((e) => e.state === 'RUN' || e.state === 'USUSP')) return false;
    if (els.some((e) => (e.state === 'DONE' || e.state === 'EXIT') && e.postState === null)) return false; // post-exec running
    if (els.some((e) => e.state === 'PEND' && (e.pendReason === 'New job is waiting for scheduling' || e.pendReason === 'Requeued job is waiting for rescheduling'))) {
      return false;
    }
    if (!els.some((e) => e.state === 'PEND')) return true;
    const status = readJson<{ maxJobId: number; running: number; dispatchable: number }>(path.join(dir, 'status.json'));
    if (!status) return false;
    const maxId = all.length ? all[all.length - 1]!.id : 0;
    return status.maxJobId >= maxId && status.running === 0 && status.dispatchable === 0;
  };

  const waitFor: Standin['waitFor'] = async (pred, timeoutMs = 20_000, what = 'condition') => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = jobs();
      if (pred(all)) return;
      if (Date.now() > deadline) throw new Error(`LSF stand-in: timed out waiting for ${what}\n${describe(all)}`);
      await sleep(15);
    }
  };

  return {
    dir,
    binDir: STANDIN_BIN,
    env,
    run,
    async bsub(args, o) {
      const r = await run('bsub', args, o);
      const m = /^Job <(\d+)> is submitted to (?:default )?queue <[^>]*>\.$/m.exec(r.stdout);
      return { ...r, id: m ? Number(m[1]) : null };
    },
    jobs,
    job: (id) => jobs().find((j) => j.id === id),
    element: (id, index) => jobs().find((j) => j.id === id)?.elements[String(index ?? 0)],
    async waitIdle(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let stable = 0;
      for (;;) {
        // Two consecutive idle observations, so a dispatch between reads is not missed.
        stable = isIdle() ? stable + 1 : 0;
        if (stable >= 2) return;
        if (Date.now() > deadline) throw new Error(`LSF stand-in: not idle after ${timeoutMs} ms\n${describe(jobs())}`);
        await sleep(15);
      }
    },
    waitFor,
    async shutdown() {
      // Bounded below the hook timeout, so a shutdown that hangs is reported as one.
      const r = spawnSync(path.join(STANDIN_BIN, 'lsf-standin-shutdown'), [dir], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 45_000, killSignal: 'SIGKILL' });
      if (r.error || r.status !== 0) {
        const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
        throw new Error(`lsf-standin-shutdown ${dir}: ${why}\n${r.stderr ?? ''}`);
      }
      if (!opts.keep && !opts.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
