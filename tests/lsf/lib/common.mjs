// Shared state handling for the LSF stand-in (bsub, bjobs, bkill, bwait, scheduler).
//
// All state lives under $LSF_STANDIN_DIR:
//   lock            global lock (created with O_EXCL; holds the owner's pid)
//   next_id         next job ID to hand out
//   bsub_calls      number of bsub invocations so far (fault injection counts these)
//   jobs/<id>.json  one record per job (an array is one record with one entry per element)
//   jobs/<id>.script  the spooled script of `bsub < script`
//   groups.json     job groups created so far (bsub -g creates them implicitly)
//   scheduler.pid   pid of the running scheduler (one per state directory)
//   status.json     scheduler's summary after each tick (used by waitIdle)
//   activity        touched by every command (the scheduler's inactivity timeout)
//   mail/           output of jobs submitted without -o (real LSF mails it)
//   spool/          stdout/stderr of running jobs when LSF_STANDIN_STDOUT_DIRECT=N
//
// Every read-modify-write of that state happens under the global lock; every file is
// replaced atomically (write to a temporary name, then rename), so readers that do not
// take the lock (bjobs, the test helper) always see a whole file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const FINAL_STATES = new Set(['DONE', 'EXIT']);

export function fail(prog, message, code = 255) {
  process.stderr.write(`${prog}: ${message}\n`);
  process.exit(code);
}

/**
 * Scheduler failures on demand, for scripts that must not mistake them for "no jobs"
 * (tests/lsf/README.md, "Scheduler failures"). Called first by bsub, bjobs and bkill.
 *
 * LSF_STANDIN_DOWN: `all`, or the commands that fail (`bjobs bkill`, commas or spaces): the
 * command prints LSF_STANDIN_DOWN_MESSAGE (default `LSF is down. Please wait ...`) on stderr,
 * does nothing and exits 255, as when the cluster's daemons cannot be reached.
 * LSF_STANDIN_BUSY: `all`, or the commands that find mbatchd busy at first: the command prints
 * LSF's default LSB_MBD_BUSY_MSG, `LSF is processing your request. Please wait...`, on stderr
 * (as when it retries the connection), then goes on and answers as usual.
 * LSF_STANDIN_ILLEGAL_OPTIONS: `command:-option` words (`bjobs:-o bjobs:-noheader bkill:-g`):
 * that command does not know those options, like OpenLava-family schedulers, whose commands
 * parse options with getopt(3): `<command>: invalid option -- '<first letter>'`, usage, exit 255.
 */
export function injectSchedulerFault(prog, argv, usage) {
  const list = (v) => (v || '').split(/[\s,]+/).filter(Boolean);
  if (hangRule(prog) === 'every') hang();
  const down = list(process.env.LSF_STANDIN_DOWN);
  if (down.includes('all') || down.includes('1') || down.includes(prog)) {
    process.stderr.write(`${process.env.LSF_STANDIN_DOWN_MESSAGE || 'LSF is down. Please wait ...'}\n`);
    process.exit(255);
  }
  const busy = list(process.env.LSF_STANDIN_BUSY);
  if (busy.includes('all') || busy.includes(prog)) process.stderr.write('LSF is processing your request. Please wait...\n');
  const illegal = new Set(list(process.env.LSF_STANDIN_ILLEGAL_OPTIONS).filter((w) => w.startsWith(`${prog}:`)).map((w) => w.slice(prog.length + 1)));
  for (const a of argv) {
    if (illegal.has(a)) usage(`${prog}: invalid option -- '${a[1]}'`);
  }
}

/**
 * LSF_STANDIN_HANG: words `command` (every call of it hangs), `bsub:N` (bsub's N-th call, counted
 * like LSF_STANDIN_FAIL_SUBMIT, hangs before it submits) or `bsub:N:after` (it submits the job,
 * then hangs before it answers): a wedged mbatchd, or an NFS stall, as seen by the client. The
 * rule for `prog`: 'every', or { call, after } for bsub, or null.
 */
export function hangRule(prog) {
  for (const word of (process.env.LSF_STANDIN_HANG || '').split(/[\s,]+/).filter(Boolean)) {
    const [cmd, call, when] = word.split(':');
    if (cmd !== prog) continue;
    if (call === undefined) return 'every';
    return { call: Number(call), after: when === 'after' };
  }
  return null;
}

/**
 * Never returns: sleeps until a signal ends the process. With LSF_STANDIN_HANG_IGNORE_TERM=1,
 * SIGTERM (and SIGINT) do not end it either, only SIGKILL: a client stuck in an uninterruptible
 * NFS read.
 */
export function hang() {
  if (process.env.LSF_STANDIN_HANG_IGNORE_TERM === '1') {
    // A handler that never runs (the loop below blocks the event loop): the signal is swallowed.
    process.on('SIGTERM', () => {});
    process.on('SIGINT', () => {});
  }
  for (;;) sleepSync(60_000);
}

/** The state directory; exits with a clear message when LSF_STANDIN_DIR is not set. */
export function stateDir(prog) {
  const dir = process.env.LSF_STANDIN_DIR;
  if (!dir) {
    fail(prog, 'LSF_STANDIN_DIR is not set. The LSF stand-in keeps its job table in that directory; ' +
      'set it to an empty directory (tests/lsf/standin.ts does this for you).');
  }
  const abs = path.resolve(dir);
  fs.mkdirSync(path.join(abs, 'jobs'), { recursive: true });
  return abs;
}

const sleepBuffer = new Int32Array(new SharedArrayBuffer(4));
export function sleepSync(ms) {
  Atomics.wait(sleepBuffer, 0, 0, ms);
}

/** Whether a process exists and is not a zombie (an exited child nobody reaped yet). */
export function pidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc
  }
}

/** Whether pid is a live stand-in scheduler (guards against a recycled pid on Linux). */
export function schedulerAlive(pid) {
  if (!pidAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('scheduler.mjs');
  } catch {
    return true; // no /proc: trust kill(pid, 0)
  }
}

let lockDepth = 0;

/**
 * Runs fn while holding the global lock of the state directory. The lock is a file created
 * with O_EXCL that holds the owner's pid; a lock whose owner is dead, or that is older than
 * LOCK_STALE_MS, is broken. Re-entrant within one process.
 */
export function withLock(dir, fn) {
  if (lockDepth > 0) {
    lockDepth++;
    try {
      return fn();
    } finally {
      lockDepth--;
    }
  }
  const lockPath = path.join(dir, 'lock');
  const deadline = Date.now() + 30_000;
  let wait = 1;
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let stale = false;
      try {
        const st = fs.statSync(lockPath);
        const owner = Number(fs.readFileSync(lockPath, 'utf8'));
        if (Date.now() - st.mtimeMs > 10_000) stale = true;
        else if (owner > 0 && !pidAlive(owner)) stale = true;
      } catch {
        // The lock disappeared between open and stat: retry at once.
        continue;
      }
      if (stale) {
        try {
          fs.unlinkSync(lockPath);
        } catch {
          /* somebody else broke it */
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`LSF stand-in: could not take ${lockPath} within 30 s`);
      sleepSync(wait);
      wait = Math.min(wait * 2, 20);
    }
  }
  lockDepth = 1;
  try {
    return fn();
  } finally {
    lockDepth = 0;
    try {
      fs.unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  }
}

export function writeAtomic(file, content) {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

export function readJson(file, fallback) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
}

export function jobFile(dir, id) {
  return path.join(dir, 'jobs', `${id}.json`);
}

export function readJob(dir, id) {
  return readJson(jobFile(dir, id), null);
}

export function writeJob(dir, job) {
  writeAtomic(jobFile(dir, job.id), JSON.stringify(job));
}

/** All job records, sorted by job ID. */
export function readAllJobs(dir) {
  let names;
  try {
    names = fs.readdirSync(path.join(dir, 'jobs'));
  } catch {
    return [];
  }
  const jobs = [];
  for (const n of names) {
    if (!/^\d+\.json$/.test(n)) continue;
    const j = readJson(path.join(dir, 'jobs', n), null);
    if (j) jobs.push(j);
  }
  jobs.sort((a, b) => a.id - b.id);
  return jobs;
}

export function touchActivity(dir) {
  try {
    const f = path.join(dir, 'activity');
    const now = new Date();
    try {
      fs.utimesSync(f, now, now);
    } catch {
      fs.writeFileSync(f, '');
    }
  } catch {
    /* best effort */
  }
}

export function envInt(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  return Number.isFinite(n) ? n : dflt;
}

export function userName() {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER || 'user';
  }
}

export function hostName() {
  return (process.env.LSF_STANDIN_HOST || os.hostname()).split('.')[0];
}

export function elementKeys(job) {
  return job.indices ? job.indices.map(String) : ['0'];
}

export function isElementFinal(el) {
  return FINAL_STATES.has(el.state);
}

export function isJobFinished(job) {
  return Object.values(job.elements).every(isElementFinal);
}

export function jobFinishTime(job) {
  let t = 0;
  for (const el of Object.values(job.elements)) t = Math.max(t, el.finishTime || 0);
  return t;
}

/**
 * Whether a job is still "in memory": finished jobs disappear after CLEAN_PERIOD
 * (LSF_STANDIN_CLEAN_PERIOD seconds; unset = never), as in real LSF, after which bjobs
 * no longer shows them and bsub -w can no longer refer to them.
 */
export function isVisible(job, now = Date.now()) {
  const clean = process.env.LSF_STANDIN_CLEAN_PERIOD;
  if (clean === undefined || clean === '') return true;
  if (!isJobFinished(job)) return true;
  return jobFinishTime(job) + Number(clean) * 1000 > now;
}

/** "123" or "123[4]" as LSF prints a job or element ID. */
export function jobIdString(job, key) {
  return job.indices ? `${job.id}[${key}]` : String(job.id);
}

/** The job name as bjobs prints it: arrays show one line per element, "name[idx]". */
export function displayName(job, key) {
  return job.indices ? `${job.name}[${key}]` : job.name;
}

export function normalizeGroup(g) {
  if (g === undefined || g === null) return null;
  let s = String(g).trim();
  if (!s.startsWith('/')) s = `/${s}`;
  s = s.replace(/\/+$/, '');
  return s === '' ? '/' : s;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad2 = (n) => String(n).padStart(2, '0');

/** "Oct 22 09:22" (bjobs SUBMIT_TIME style). */
export function shortTime(ms) {
  if (!ms) return '-';
  const d = new Date(ms);
  return `${MONTHS[d.getMonth()]} ${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** "Tue Oct 22 09:22:31 2024" (ctime style, used in job reports). */
export function ctimeString(ms) {
  const d = new Date(ms);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${d.getFullYear()}`;
}

/** Substitutes %J (job ID) and %I (array index, 0 for plain jobs) and friends in a path. */
export function substitutePattern(spec, job, key) {
  if (!spec) return spec;
  const index = job.indices ? key : '0';
  return spec
    .replace(/%JG/g, job.group ? job.group.replace(/^\//, '') : '')
    .replace(/%J/g, String(job.id))
    .replace(/%I/g, index)
    .replace(/%U/g, job.user)
    .replace(/%P/g, job.project || 'default')
    .replace(/%H/g, hostName());
}

export function hasDynamicPattern(spec) {
  return /%(J|I|JG|EJ|EI|P|U|G|H)/.test(spec || '');
}

/** Starts the scheduler of this state directory unless one is running. */
export function ensureScheduler(dir) {
  withLock(dir, () => {
    const pidFile = path.join(dir, 'scheduler.pid');
    const pid = Number(readJson(pidFile, { pid: 0 }).pid);
    if (schedulerAlive(pid)) return;
    const logFd = fs.openSync(path.join(dir, 'scheduler.log'), 'a');
    const child = spawn(process.execPath, [path.join(here, 'scheduler.mjs'), dir], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: process.env,
    });
    fs.closeSync(logFd);
    writeAtomic(pidFile, JSON.stringify({ pid: child.pid, started: Date.now() }));
    child.unref();
  });
}

/** Signals a job's process group (its leader's pid), else the process alone; a gone one is no error. */
export function signalGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}
