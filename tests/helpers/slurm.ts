// Test helper for a real one-node Slurm cluster (scripts/slurm/up.sh), for tests of the Slurm
// back end (issue 9).
//
//   const slurm = ensureSlurm();                       // brings the cluster up once per process
//   describe.skipIf(!slurm.available)(`... ${slurm.available ? '' : slurm.reason}`, () => {
//     const id = sbatch(['--parsable', '--wrap', 'true'], dir).stdout.trim();
//     const jobs = await waitSettled([id]);             // JobRow[] of those jobs
//   });
//
// ensureSlurm() is synchronous so that its answer can decide describe.skipIf at collection time.
// Slurm cannot be started without root (it installs packages and starts daemons) or, when it is
// not installed yet, without apt-get: then the tests are skipped with the reason. When CI is set
// and we are root, a failed bring-up throws instead, so that CI fails loudly rather than skipping.
// up.sh is idempotent and serialised by a lock, so parallel test files may all call this.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const UP_SCRIPT = path.resolve(here, '../../scripts/slurm/up.sh');

export type SlurmStatus =
  | { available: true; upSeconds: number }
  | { available: false; reason: string };

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

let status: SlurmStatus | undefined;

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Brings Slurm up (once per process; later calls return the first answer). */
export function ensureSlurm(): SlurmStatus {
  status ??= bringUp();
  return status;
}

function bringUp(): SlurmStatus {
  if (process.platform !== 'linux') return { available: false, reason: `Slurm tests need Linux, not ${process.platform}` };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { available: false, reason: 'Slurm tests need root (scripts/slurm/up.sh installs packages and starts daemons)' };
  }
  if (!onPath('slurmctld') && !onPath('apt-get')) {
    return { available: false, reason: 'Slurm is not installed and there is no apt-get to install it' };
  }
  const started = Date.now();
  const r = spawnSync('bash', [UP_SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, SLURM_UP_QUIET: '1' },
    timeout: 600_000,
  });
  if (r.status === 0) return { available: true, upSeconds: (Date.now() - started) / 1000 };
  const why =
    r.error?.message ?? `scripts/slurm/up.sh exited with ${r.status ?? r.signal}: ${(r.stderr || r.stdout).trim()}`;
  if (process.env.CI) throw new Error(`Slurm could not be started under CI: ${why}`);
  return { available: false, reason: `Slurm could not be started: ${why}` };
}

/** Runs a Slurm client command (sbatch, squeue, scancel, scontrol, ...) synchronously. */
export function slurmCmd(cmd: string, args: readonly string[], cwd?: string): RunResult {
  // SLURM_BITSTR_LEN=0: squeue prints an array's whole index list, not its first 64 characters.
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd, timeout: 60_000, env: { ...process.env, SLURM_BITSTR_LEN: '0' } });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function sbatch(args: readonly string[], cwd?: string): RunResult {
  return slurmCmd('sbatch', args, cwd);
}

/** Submits with --parsable and returns the job id; throws when sbatch fails. */
export function submit(args: readonly string[], cwd?: string): string {
  const r = sbatch(['--parsable', ...args], cwd);
  if (r.code !== 0) throw new Error(`sbatch ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** One line of `squeue -t all`: a job, an array element (`12_3`) or a pending array rest (`12_[3-4]`). */
export interface JobRow {
  /** %i: job id, or ARRAYID_TASK for an element */
  id: string;
  /** %F: the array's (base) job id; the job's own id for a plain job. (Not %A: that is each element's own job id.) */
  arrayJobId: string;
  /** %K: the array task id, or N/A */
  taskId: string;
  /** %T: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ... */
  state: string;
  /** %r: why it pends or ended: None, Dependency, DependencyNeverSatisfied, NonZeroExitCode, ... */
  reason: string;
  /** %E: remaining dependencies, e.g. `afterok:12_*(failed)`, or (null) */
  dependency: string;
}

const FORMAT = '%i|%F|%K|%T|%r|%E';

/** All jobs slurmctld still knows (finished ones stay for MinJobAge=3600 s), optionally of these array/job ids. */
export function squeueAll(ids?: readonly string[]): JobRow[] {
  const r = slurmCmd('squeue', ['-h', '-t', 'all', '-o', FORMAT]);
  if (r.code !== 0) throw new Error(`squeue failed (${r.code}): ${r.stderr}`);
  const rows = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [id = '', arrayJobId = '', taskId = '', state = '', reason = '', dependency = ''] = l.split('|');
      return { id, arrayJobId, taskId, state, reason, dependency };
    });
  return ids ? rows.filter((j) => ids.includes(j.arrayJobId)) : rows;
}

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED']);

/** True when the job will not change any more by itself. */
export function isSettled(j: JobRow): boolean {
  return FINAL.has(j.state) || (j.state === 'PENDING' && j.reason === 'DependencyNeverSatisfied');
}

/** Waits until every job of these ids is finished or pends forever; returns their rows. */
export async function waitSettled(ids: readonly string[], timeoutMs = 40_000): Promise<JobRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = squeueAll(ids);
    if (rows.length > 0 && rows.every(isSettled)) return rows;
    if (Date.now() > deadline) {
      throw new Error(`jobs ${ids.join(',')} not settled after ${timeoutMs} ms:\n${rows.map((j) => Object.values(j).join('|')).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `scontrol -o show job ID` as key=value pairs (first record; an array id gives its elements). */
export function showJob(id: string): Record<string, string> {
  const r = slurmCmd('scontrol', ['-o', 'show', 'job', id]);
  if (r.code !== 0) throw new Error(`scontrol show job ${id} failed (${r.code}): ${r.stderr}`);
  const out: Record<string, string> = {};
  for (const field of (r.stdout.split('\n')[0] ?? '').split(' ')) {
    const eq = field.indexOf('=');
    if (eq > 0) out[field.slice(0, eq)] = field.slice(eq + 1);
  }
  return out;
}

// ---- PATH shims: Slurm client commands that fail on purpose (tests/slurm/faults.test.ts) ----

/** The absolute path of a Slurm client command as PATH finds it now (what a shim wraps). */
export function realCommand(cmd: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const found = r.stdout.trim();
  if (r.status !== 0 || !found.startsWith('/')) throw new Error(`${cmd} is not on PATH`);
  return found;
}

export interface ShimOptions {
  /** The call (1-based, counted in `<dir>/<cmd>.calls`) that fails: prints `message`, exits `code`. 0: every call. */
  failOn?: number;
  /** The call that first waits until the file `release` exists (then fails or runs as told). */
  holdOn?: number;
  release?: string;
  /** What the failing call prints (to stderr unless `stdout`; a real Slurm error by default). */
  message?: string;
  stdout?: boolean;
  /** Its exit code (default 1; scancel exits 8 when slurmctld is down: docs/slurm-facts.md). */
  code?: number;
  /** The failing call runs the real command first (its output lost): a client timeout after slurmctld accepted. */
  runFirst?: boolean;
  /** The failing call runs the real command this many seconds later, in the background: slurmctld registers the job after the client gave up. */
  runLater?: number;
  /**
   * The failing call never answers (slurmctld wedged, an NFS stall): after runFirst/runLater it
   * sleeps until killed, instead of printing `message`. Its runLater part runs in its own
   * session, out of reach of a kill of the shim's process group (`timeout`).
   */
  hang?: boolean;
}

/**
 * Writes `<dir>/<cmd>`, a shim to put first on PATH: it counts its calls, holds or fails the
 * ones it is told to, and runs the real command otherwise. Returns the file of the call count.
 */
export function writeShim(dir: string, cmd: string, opts: ShimOptions = {}): string {
  const calls = path.join(dir, `${cmd}.calls`);
  const message = opts.message ?? `${cmd}: error: Batch job submission failed: Unable to contact slurm controller (connect failure)`;
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, cmd),
    [
      '#!/bin/bash',
      `n=$(( $(cat ${q(calls)} 2>/dev/null || echo 0) + 1 ))`,
      `echo "$n" >${q(calls)}`,
      opts.holdOn !== undefined && opts.release !== undefined
        ? `if [ "$n" = ${opts.holdOn} ]; then while [ ! -e ${q(opts.release)} ]; do sleep 0.05; done; fi`
        : '',
      opts.failOn !== undefined
        ? `if [ ${opts.failOn} = 0 ] || [ "$n" = ${opts.failOn} ]; then ${opts.runFirst ? `${q(realCommand(cmd))} "$@" >/dev/null 2>&1; ` : ''}${
            opts.runLater !== undefined
              ? opts.hang
                ? `setsid bash -c 'sleep "$0"; exec "$@"' ${opts.runLater} ${q(realCommand(cmd))} "$@" </dev/null >/dev/null 2>&1 & `
                : `( sleep ${opts.runLater}; ${q(realCommand(cmd))} "$@" ) </dev/null >/dev/null 2>&1 & `
              : ''
          }${opts.hang ? 'exec sleep 100000' : `echo ${q(message)}${opts.stdout ? '' : ' >&2'}; exit ${opts.code ?? 1}`}; fi`
        : '',
      `exec ${q(realCommand(cmd))} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return calls;
}

/**
 * Writes `<dir>/squeue`, a squeue that no longer knows the jobs whose array id (the second
 * `|`-separated field of the `%i|%F|…` format status.sh asks for) is listed in the file `forget`:
 * what slurmctld answers once it has purged them (MinJobAge, https://slurm.schedmd.com/slurm.conf.html#OPT_MinJobAge).
 */
export function writeForgettingSqueue(dir: string, forget: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'squeue'),
    `#!/bin/bash\nset -o pipefail\n'${realCommand('squeue')}' "$@" | awk -F'|' -v ids=" $(tr '\\n' ' ' <'${forget}') " 'index(ids, " " $2 " ") == 0'\n`,
    { mode: 0o755 },
  );
}
