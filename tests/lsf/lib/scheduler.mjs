// The stand-in's "mbatchd + sbatchd": one scheduler process per state directory, started
// detached by the first bsub that finds none running. Every LSF_STANDIN_POLL_MS it takes the
// global lock, re-reads the job table, records the exits of its job processes, escalates
// kills, enforces run limits, evaluates dependencies, and dispatches pending jobs within the
// array limits (%N) and the optional slot limit (LSF_STANDIN_SLOTS). It exits when nothing is
// left to do, after LSF_STANDIN_TIMEOUT seconds without progress, or on SIGTERM
// (lsf-standin-shutdown).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import {
  withLock, readAllJobs, writeJob, readJson, writeAtomic, envInt, hostName, pidAlive,
  elementKeys, isElementFinal, displayName, jobIdString, substitutePattern, hasDynamicPattern,
  ctimeString, schedulerAlive, signalGroup,
} from './common.mjs';
import { evaluate } from './depexpr.mjs';

const dir = process.argv[2];
const POLL_MS = envInt('LSF_STANDIN_POLL_MS', 50);
const SLOTS = envInt('LSF_STANDIN_SLOTS', 0); // 0 = unlimited
const TIMEOUT_MS = envInt('LSF_STANDIN_TIMEOUT', 300) * 1000;
const IDLE_EXIT_MS = envInt('LSF_STANDIN_IDLE_EXIT_MS', 2000);
const MAX_REQUEUE = envInt('LSF_STANDIN_MAX_REQUEUE', 5);
const TERM_INTERVAL_MS = envInt('LSF_STANDIN_TERM_INTERVAL_MS', 200);
const SECONDS_PER_MINUTE = envInt('LSF_STANDIN_SECONDS_PER_MINUTE', 60);
// Per-job knobs come from the job's submission environment, falling back to the scheduler's.
const knob = (job, name) => job.env[name] ?? process.env[name];
const jobReportOn = (job) => knob(job, 'LSF_STANDIN_JOB_REPORT') !== '0';
const directOutput = (job) => !/^n/i.test(knob(job, 'LSF_STANDIN_STDOUT_DIRECT') || 'y');
const HOST = hostName();
const CLUSTER = process.env.LSF_STANDIN_CLUSTER || 'standin';

const PEND_NEW = 'New job is waiting for scheduling';
const PEND_DEP = 'Job dependency condition not satisfied';
const PEND_DEP_NEVER = 'Dependency condition invalid or never satisfied';
const PEND_REQUEUED = 'Requeued job is waiting for rescheduling';
const PEND_PREEXEC = "The job's pre-exec command exited with non-zero status";
const PEND_ARRAY_LIMIT = 'The job array has reached its job slot limit';
const PEND_SLOTS = 'Not enough job slot(s)';

/** Live processes: `${id}:${key}` -> { child, pid, phase, sentTerm, sentKill, foreign } */
const procs = new Map();
/** Exit events waiting for the next tick. */
let events = [];
const finalCache = new Map();
let lastProgress = Date.now();
let idleSince = null;
let lastStatus = '';
let stopping = false;

function log(msg) {
  process.stdout.write(`[${new Date().toISOString()}] ${msg}\n`);
}

function procKey(job, key) {
  return `${job.id}:${key}`;
}

function signum(signal) {
  return signal ? os.constants.signals[signal] || 0 : 0;
}

function activityTime() {
  try {
    return fs.statSync(path.join(dir, 'activity')).mtimeMs;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------
// Files of a running job

function resolveCwd(job, key) {
  let want = job.subCwd;
  if (job.cwdSpec) {
    want = path.resolve(job.subCwd, substitutePattern(job.cwdSpec, job, key));
    if (hasDynamicPattern(job.cwdSpec)) {
      try {
        fs.mkdirSync(want, { recursive: true });
      } catch {
        /* handled below */
      }
    }
  }
  try {
    if (fs.statSync(want).isDirectory()) return { cwd: want };
  } catch {
    /* missing */
  }
  if (/^y/i.test(job.env.LSB_EXIT_IF_CWD_NOTEXIST || '')) return { cwd: null, missing: want };
  return { cwd: os.tmpdir(), missing: want };
}

/** Resolves -o/-e: %J/%I, relative to the job's working directory, trailing / = directory. */
function resolveOutput(spec, job, key, cwd, ext) {
  if (!spec) return null;
  let p = substitutePattern(spec, job, key);
  const asDir = p.endsWith('/');
  p = path.resolve(cwd, p);
  if (asDir) {
    try {
      fs.mkdirSync(p, { recursive: true });
    } catch {
      /* unwritable */
    }
    p = path.join(p, job.indices ? `${job.id}_${key}.${ext}` : `${job.id}.${ext}`);
  }
  return p;
}

function mailFile(job, key) {
  fs.mkdirSync(path.join(dir, 'mail'), { recursive: true });
  return path.join(dir, 'mail', job.indices ? `${job.id}_${key}.txt` : `${job.id}.txt`);
}

function spoolFile(job, key, stream) {
  fs.mkdirSync(path.join(dir, 'spool'), { recursive: true });
  return path.join(dir, 'spool', `${job.id}_${key}.${stream}`);
}

function canWrite(file) {
  try {
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Opens the job's stdout/stderr for this run. Returns fds and where the output ends up. */
function openOutputs(job, key, el, cwd) {
  const outPath = resolveOutput(job.out, job, key, cwd, 'out');
  let errPath = resolveOutput(job.err, job, key, cwd, 'err');
  if (errPath && outPath && errPath === outPath) errPath = null; // -e same as -o: stderr joins stdout
  el.outFile = outPath;
  el.errFile = errPath;
  el.outputLost = Boolean(outPath && !canWrite(outPath));
  const plan = { outPath, errPath, outSpool: null, errSpool: null };
  const outFlags = job.outOverwrite ? 'w' : 'a';
  const errFlags = job.errOverwrite ? 'w' : 'a';
  const DIRECT = directOutput(job);
  plan.direct = DIRECT;
  let outFd;
  if (outPath && !el.outputLost && DIRECT) {
    outFd = fs.openSync(outPath, outFlags);
  } else {
    plan.outSpool = spoolFile(job, key, 'out');
    outFd = fs.openSync(plan.outSpool, 'w');
  }
  let errFd = outFd;
  if (errPath) {
    if (DIRECT && canWrite(errPath)) errFd = fs.openSync(errPath, errFlags);
    else if (canWrite(errPath)) {
      plan.errSpool = spoolFile(job, key, 'err');
      errFd = fs.openSync(plan.errSpool, 'w');
    } else errFd = fs.openSync('/dev/null', 'w');
  }
  return { outFd, errFd, plan };
}

function jobReport(job, key, el, plan, outputFollows) {
  const name = displayName(job, key);
  const home = job.env.HOME || os.homedir();
  const cmd = job.spooled ? job.command.replace(/\n$/, '') : job.command;
  const outcome = el.state === 'DONE'
    ? 'Successfully completed.'
    : el.exitCode === null || el.exitCode === undefined
      ? 'Exited.'
      : `Exited with exit code ${el.exitCode}.`;
  const lines = [
    '',
    '------------------------------------------------------------',
    `Sender: LSF System <lsfadmin@${HOST}>`,
    `Subject: Job ${jobIdString(job, key)}: <${name}> in cluster <${CLUSTER}> ${el.state === 'DONE' ? 'Done' : 'Exited'}`,
    '',
    `Job <${name}> was submitted from host <${job.fromHost}> by user <${job.user}> in cluster <${CLUSTER}> at ${ctimeString(job.submitTime)}`,
    `Job was executed on host(s) <${HOST}>, in queue <${job.queue}>, as user <${job.user}> in cluster <${CLUSTER}> at ${ctimeString(el.startTime)}`,
    `<${home}> was used as the home directory.`,
    `<${el.execCwd || job.subCwd}> was used as the working directory.`,
    `Started at ${ctimeString(el.startTime)}`,
    `Terminated at ${ctimeString(el.finishTime)}`,
    `Results reported at ${ctimeString(el.finishTime)}`,
    '',
    'Your job looked like:',
    '',
    '------------------------------------------------------------',
    '# LSBATCH: User input',
    cmd,
    '------------------------------------------------------------',
    '',
    outcome,
    '',
    'Resource usage summary:',
    '',
    '    CPU time :                                   0.00 sec.',
    `    Run time :                                   ${Math.max(0, Math.round(((el.finishTime || 0) - (el.startTime || 0)) / 1000))} sec.`,
    `    Total Requested Memory :                     ${job.memLimit ? job.memLimit : '-'}`,
    '',
    outputFollows ? 'The output (if any) follows:' : 'The output (if any) is above this job summary.',
    '',
  ];
  let text = lines.join('\n') + '\n';
  if (plan.errPath) {
    const tail = `PS:\n\nRead file <${plan.errPath}> for stderr output of this job.\n\n`;
    text = outputFollows ? text : text + tail;
    if (outputFollows) return { head: text, tail };
  }
  return { head: text, tail: '' };
}

/** After a run: copies spooled output into place and appends LSF's job report. */
function finishOutputs(job, key, el, plan) {
  const readSpool = (f) => {
    if (!f) return '';
    try {
      const s = fs.readFileSync(f, 'utf8');
      fs.unlinkSync(f);
      return s;
    } catch {
      return '';
    }
  };
  const out = readSpool(plan.outSpool);
  const err = readSpool(plan.errSpool);
  const wantReport = jobReportOn(job) && !job.notifyEnd;
  const DIRECT = plan.direct;
  try {
    if (plan.outPath && !el.outputLost) {
      if (DIRECT) {
        if (wantReport) fs.appendFileSync(plan.outPath, jobReport(job, key, el, plan, false).head);
      } else {
        const rep = jobReport(job, key, el, plan, true);
        const body = (wantReport ? rep.head : '') + out + (wantReport ? rep.tail : '');
        if (job.outOverwrite) fs.writeFileSync(plan.outPath, body);
        else fs.appendFileSync(plan.outPath, body);
      }
    } else {
      // No -o (or an unusable -o path): real LSF mails report and output to the user.
      const rep = jobReport(job, key, el, plan, true);
      fs.appendFileSync(mailFile(job, key), rep.head + out + rep.tail);
    }
    if (plan.errSpool && plan.errPath) {
      if (job.errOverwrite) fs.writeFileSync(plan.errPath, err);
      else fs.appendFileSync(plan.errPath, err);
    }
  } catch (e) {
    log(`output of ${jobIdString(job, key)}: ${e.message}`);
  }
}

// ---------------------------------------------------------------------------------------
// Processes

function jobEnv(job, key, el, extra = {}) {
  const env = { ...job.env };
  env.LSB_JOBID = String(job.id);
  env.LSB_JOBINDEX = job.indices ? key : '0';
  env.LSB_JOBNAME = displayName(job, key);
  env.LSB_QUEUE = job.queue;
  env.LSB_HOSTS = Array(job.slots).fill(HOST).join(' ');
  env.LSB_MCPU_HOSTS = `${HOST} ${job.slots}`;
  env.LSB_DJOB_NUMPROC = String(job.slots);
  env.LSB_MAX_NUM_PROCESSORS = String(job.slots);
  env.LSB_SUB_HOST = job.fromHost;
  env.LSB_EXEC_CLUSTER = CLUSTER;
  env.LS_SUBCWD = job.subCwd;
  if (job.indices) {
    env.LSB_JOBINDEX_END = String(job.indices[job.indices.length - 1]);
    const steps = job.indices.slice(1).map((v, i) => v - job.indices[i]);
    if (steps.length && steps.every((s) => s === steps[0])) env.LSB_JOBINDEX_STEP = String(steps[0]);
  }
  if (el.outFile) env.LSB_OUTPUTFILE = el.outFile;
  if (el.errFile) env.LSB_ERRORFILE = el.errFile;
  if (el.execCwd) env.PWD = el.execCwd;
  return { ...env, ...extra };
}

function track(job, key, child, phase, extra = {}) {
  const entry = { child, pid: child.pid, phase, sentTerm: false, sentKill: false, ...extra };
  procs.set(procKey(job, key), entry);
  let reported = false;
  const report = (code, signal) => {
    if (reported) return;
    reported = true;
    events.push({ id: job.id, key, pid: child.pid, phase, code, signal, time: Date.now() });
  };
  child.on('exit', report);
  child.on('error', () => report(127, null));
}

function startRun(job, key, el) {
  const now = Date.now();
  el.state = 'RUN';
  el.pendReason = null;
  el.startTime = now;
  el.finishTime = null;
  el.everStarted = true;
  el.host = HOST;
  el.killRequested = null;
  el.killReason = null;
  el.killAsDone = false;
  el.exitCode = null;
  el.exitReason = null;
  el.postState = null;
  const { cwd, missing } = resolveCwd(job, key);
  if (!cwd) {
    // LSB_EXIT_IF_CWD_NOTEXIST=Y and the directory does not exist: the job exits with code 2.
    el.execCwd = missing;
    finishElement(job, key, el, 2, null, now, 'TERM_CWD_NOTEXIST', null);
    return;
  }
  el.execCwd = cwd;
  if (missing) log(`${jobIdString(job, key)}: working directory ${missing} not found, running in ${cwd}`);
  const { outFd, errFd, plan } = openOutputs(job, key, el, cwd);
  let inFd = 'ignore';
  if (job.input) {
    try {
      inFd = fs.openSync(path.resolve(cwd, substitutePattern(job.input, job, key)), 'r');
    } catch {
      inFd = 'ignore';
    }
  }
  const stdio = [inFd, outFd, errFd];
  const env = jobEnv(job, key, el);
  const closeFds = () => {
    for (const fd of new Set([outFd, errFd, inFd])) {
      if (typeof fd === 'number') {
        try {
          fs.closeSync(fd);
        } catch {
          /* closed */
        }
      }
    }
  };
  const runMain = (current) => {
    let cmd;
    let args;
    if (job.spooled) {
      const scriptPath = path.join(dir, 'jobs', `${job.id}.script`);
      if (job.command.startsWith('#!')) {
        cmd = scriptPath;
        args = [];
      } else {
        cmd = '/bin/sh';
        args = [scriptPath];
      }
    } else {
      cmd = '/bin/sh';
      args = ['-c', job.command];
    }
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio });
    current.pid = child.pid ?? null;
    track(job, key, child, 'main', { plan, closeFds });
  };
  if (job.preExec) {
    const child = spawn('/bin/sh', ['-c', job.preExec], { cwd, env, detached: true, stdio });
    el.pid = child.pid ?? null;
    track(job, key, child, 'pre', { plan, closeFds, runMain });
  } else {
    runMain(el);
  }
}

function requeues(job, code) {
  const q = job.requeue;
  if (!q || code === 0) return false;
  if (q.codes.includes(code) || q.exclusive.includes(code)) return true;
  return q.all && !q.excluded.includes(code);
}

/** Records the end of a run: DONE, EXIT, or back to PEND when -Q asks for a requeue. */
function finishElement(job, key, el, code, signal, time, reason, entry) {
  const exitCode = signal ? 128 + signum(signal) : code;
  el.pid = null;
  if (el.killRequested) {
    el.state = el.killAsDone ? 'DONE' : 'EXIT';
    el.exitCode = exitCode;
    el.exitReason = el.killAsDone ? null : el.killReason || 'TERM_OWNER';
  } else if (exitCode === 0 && !reason) {
    el.state = 'DONE';
    el.exitCode = 0;
  } else if (!reason && requeues(job, exitCode) && el.requeues < MAX_REQUEUE) {
    el.requeues += 1;
    el.history = [...(el.history || []), { startTime: el.startTime, finishTime: time, exitCode }];
    el.state = 'PEND';
    el.pendReason = PEND_REQUEUED;
    el.lastExitCode = exitCode;
    if (entry) finishOutputs(job, key, { ...el, state: 'EXIT', exitCode, finishTime: time }, entry.plan);
    return;
  } else {
    el.state = 'EXIT';
    el.exitCode = exitCode;
    el.exitReason = reason;
  }
  el.finishTime = time;
  el.history = [...(el.history || []), { startTime: el.startTime, finishTime: time, exitCode }];
  if (entry) finishOutputs(job, key, el, entry.plan);
  if (job.postExec) {
    el.postState = null;
    const child = spawn('/bin/sh', ['-c', job.postExec], {
      cwd: el.execCwd || job.subCwd,
      env: jobEnv(job, key, el, { LSB_JOBEXIT_STAT: String((exitCode & 0xff) << 8) }),
      detached: true,
      stdio: 'ignore',
    });
    track(job, key, child, 'post');
  } else {
    el.postState = 'POST_DONE';
  }
}

/** A job that ends without ever running (killed while pending, orphan terminated). */
function endPending(el, reason, time) {
  el.state = 'EXIT';
  el.exitCode = null;
  el.exitReason = reason;
  el.finishTime = time;
  el.pendReason = null;
  el.postState = 'NONE';
}

function handleEvent(ev, job) {
  const el = job.elements[ev.key];
  const entry = procs.get(`${ev.id}:${ev.key}`);
  if (entry && entry.pid === ev.pid) procs.delete(`${ev.id}:${ev.key}`);
  if (!el) return false;
  if (ev.phase === 'post') {
    el.postState = ev.code === 0 ? 'POST_DONE' : 'POST_ERR';
    return true;
  }
  if (entry && entry.pid === ev.pid && entry.closeFds && ev.phase === 'main') entry.closeFds();
  // A suspended element (USUSP, bstop) ends too when its processes are killed.
  if ((el.state !== 'RUN' && el.state !== 'USUSP') || el.pid !== ev.pid) {
    // Already settled (bkill -r, shutdown): just release the files.
    if (entry && entry.closeFds) entry.closeFds();
    return false;
  }
  if (ev.phase === 'pre') {
    if (ev.code === 0 && !el.killRequested) {
      entry.runMain(el);
      return true;
    }
    entry.closeFds();
    if (el.killRequested) {
      finishElement(job, ev.key, el, ev.code, ev.signal, ev.time, null, entry);
    } else if (el.requeues < MAX_REQUEUE) {
      el.requeues += 1;
      el.state = 'PEND';
      el.pendReason = PEND_PREEXEC;
      el.pid = null;
    } else {
      finishElement(job, ev.key, el, ev.code, ev.signal, ev.time, 'TERM_PRE_EXEC_FAIL', entry);
    }
    return true;
  }
  finishElement(job, ev.key, el, ev.code, ev.signal, ev.time, null, entry);
  return true;
}

// ---------------------------------------------------------------------------------------
// The scheduling loop

function loadJobs() {
  const jobs = [];
  let names = [];
  try {
    names = fs.readdirSync(path.join(dir, 'jobs'));
  } catch {
    return jobs;
  }
  for (const n of names) {
    const m = /^(\d+)\.json$/.exec(n);
    if (!m) continue;
    const id = Number(m[1]);
    if (finalCache.has(id)) {
      jobs.push(finalCache.get(id));
      continue;
    }
    const j = readJson(path.join(dir, 'jobs', n), null);
    if (j) jobs.push(j);
  }
  jobs.sort((a, b) => a.id - b.id);
  return jobs;
}

function settled(job) {
  return Object.values(job.elements).every((e) => isElementFinal(e) && e.postState !== null);
}

function tick() {
  if (stopping) return;
  if (!fs.existsSync(path.join(dir, 'jobs'))) {
    // The state directory was removed under us: nobody can see these jobs any more.
    for (const entry of procs.values()) signalGroup(entry.pid, 'SIGKILL');
    process.exit(0);
  }
  const now = Date.now();
  let status;
  withLock(dir, () => {
    const jobs = loadJobs();
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const dirty = new Set();

    // 1. Exits of job processes.
    const evs = events;
    events = [];
    for (const ev of evs) {
      const job = byId.get(ev.id);
      if (!job) continue;
      if (handleEvent(ev, job)) dirty.add(job.id);
    }

    // 2. Running elements (suspended ones too: they keep their slots): kills requested by
    // bkill, run limits, processes we lost.
    let runningSlots = 0;
    for (const job of jobs) {
      for (const key of elementKeys(job)) {
        const el = job.elements[key];
        if (el.state !== 'RUN' && el.state !== 'USUSP') continue;
        const entry = procs.get(procKey(job, key));
        if (!entry) {
          // A RUN element without a process of ours: the previous scheduler died.
          if (el.pid && pidAlive(el.pid)) {
            procs.set(procKey(job, key), { pid: el.pid, foreign: true, phase: 'main', sentTerm: false, sentKill: false });
          } else {
            el.pid = null;
            endPending(el, 'TERM_ZOMBIE', now);
            el.postState = 'POST_DONE';
            dirty.add(job.id);
            continue;
          }
        } else if (entry.foreign && !pidAlive(entry.pid)) {
          procs.delete(procKey(job, key));
          el.pid = null;
          endPending(el, 'TERM_ZOMBIE', now);
          el.postState = 'POST_DONE';
          dirty.add(job.id);
          continue;
        }
        runningSlots += job.slots;
        const limitMs = job.runLimitMin !== null && job.runLimitMin !== undefined
          ? job.runLimitMin * SECONDS_PER_MINUTE * 1000
          : null;
        if (el.state === 'RUN' && !el.killRequested && limitMs !== null && now - el.startTime > limitMs) {
          el.killRequested = now;
          el.killReason = 'TERM_RUNLIMIT';
          signalGroup(el.pid, 'SIGINT');
          dirty.add(job.id);
        }
        if (el.killRequested) {
          const e = procs.get(procKey(job, key));
          const waited = now - el.killRequested;
          if (e && !e.sentTerm && waited >= TERM_INTERVAL_MS) {
            e.sentTerm = true;
            signalGroup(el.pid, 'SIGTERM');
          }
          if (e && !e.sentKill && waited >= 2 * TERM_INTERVAL_MS) {
            e.sentKill = true;
            signalGroup(el.pid, 'SIGKILL');
          }
        }
      }
    }

    // 3. Pending elements: dependencies, orphans, limits, dispatch.
    let dispatchable = 0;
    let pending = 0;
    for (const job of jobs) {
      let runningInJob = Object.values(job.elements).filter((e) => e.state === 'RUN').length;
      for (const key of elementKeys(job)) {
        const el = job.elements[key];
        if (el.state === 'PSUSP') {
          pending++;
          continue;
        }
        if (el.state !== 'PEND') continue;
        pending++;
        const before = el.pendReason;
        if (job.dependAst) {
          const r = evaluate(job.dependAst, { jobsById: byId, self: job, selfKey: key });
          if (!r.v) {
            if (r.f) {
              if (job.ti) {
                endPending(el, 'TERM_ORPHAN_SYSTEM', now);
                dirty.add(job.id);
                continue;
              }
              el.pendReason = PEND_DEP_NEVER;
            } else {
              el.pendReason = PEND_DEP;
            }
            if (el.pendReason !== before) dirty.add(job.id);
            continue;
          }
        }
        if (SLOTS > 0 && job.slots > SLOTS) {
          el.pendReason = PEND_SLOTS; // can never fit
          if (el.pendReason !== before) dirty.add(job.id);
          continue;
        }
        if (job.slotLimit && runningInJob >= job.slotLimit) {
          el.pendReason = PEND_ARRAY_LIMIT;
          dispatchable++;
          if (el.pendReason !== before) dirty.add(job.id);
          continue;
        }
        if (SLOTS > 0 && runningSlots + job.slots > SLOTS) {
          el.pendReason = PEND_SLOTS;
          dispatchable++;
          if (el.pendReason !== before) dirty.add(job.id);
          continue;
        }
        startRun(job, key, el);
        dirty.add(job.id);
        if (el.state === 'RUN') {
          runningInJob++;
          runningSlots += job.slots;
        }
      }
    }

    for (const id of dirty) writeJob(dir, byId.get(id));
    if (dirty.size) lastProgress = now;
    for (const job of jobs) if (!finalCache.has(job.id) && settled(job) && !dirty.has(job.id)) finalCache.set(job.id, job);

    status = {
      pid: process.pid,
      maxJobId: jobs.length ? jobs[jobs.length - 1].id : 0,
      running: procs.size,
      dispatchable,
      pending,
    };
    const text = JSON.stringify(status);
    if (text !== lastStatus) {
      writeAtomic(path.join(dir, 'status.json'), text);
      lastStatus = text;
    }
  });

  // 4. When to stop.
  const quietFor = now - Math.max(lastProgress, activityTime());
  if (status.running === 0 && status.pending === 0 && events.length === 0) {
    if (idleSince === null) idleSince = now;
    if (now - idleSince >= IDLE_EXIT_MS) return stop('nothing left to do');
  } else {
    idleSince = null;
  }
  if (quietFor >= TIMEOUT_MS) {
    if (status.running === 0 && status.dispatchable === 0) return stop(`no progress for ${TIMEOUT_MS / 1000} s`);
    return stop(`LSF_STANDIN_TIMEOUT (${TIMEOUT_MS / 1000} s) without progress: killing running jobs`, true);
  }
  setTimeout(tick, POLL_MS);
}

/** Stops the scheduler; with kill=true its running jobs are killed and recorded as EXIT. */
function stop(reason, kill = false) {
  if (stopping) return;
  stopping = true;
  log(`stopping: ${reason}`);
  withLock(dir, () => {
    if (kill) {
      const now = Date.now();
      const jobs = readAllJobs(dir);
      for (const job of jobs) {
        let changed = false;
        for (const key of elementKeys(job)) {
          const el = job.elements[key];
          const entry = procs.get(procKey(job, key));
          if (entry) signalGroup(entry.pid, 'SIGKILL');
          if (el.state === 'RUN' || el.state === 'USUSP') {
            el.pid = null;
            el.state = 'EXIT';
            el.exitCode = 137;
            el.exitReason = 'TERM_ADMIN';
            el.finishTime = now;
            el.postState = 'NONE';
            changed = true;
          }
        }
        if (changed) writeJob(dir, job);
      }
      procs.clear();
    }
    const pidFile = path.join(dir, 'scheduler.pid');
    if (Number(readJson(pidFile, { pid: 0 }).pid) === process.pid) {
      try {
        fs.unlinkSync(pidFile);
      } catch {
        /* gone */
      }
    }
    writeAtomic(path.join(dir, 'status.json'), JSON.stringify({ ...JSON.parse(lastStatus || '{}'), pid: null, running: 0, stopped: reason }));
  });
  process.exit(0);
}

// ---------------------------------------------------------------------------------------

if (!dir) {
  process.stderr.write('usage: scheduler.mjs <state dir>\n');
  process.exit(2);
}
const alreadyRunning = withLock(dir, () => {
  const pidFile = path.join(dir, 'scheduler.pid');
  const owner = Number(readJson(pidFile, { pid: 0 }).pid);
  if (owner && owner !== process.pid && schedulerAlive(owner)) return true;
  writeAtomic(pidFile, JSON.stringify({ pid: process.pid, started: Date.now() }));
  return false;
});
if (alreadyRunning) process.exit(0);
log(`scheduler ${process.pid} started for ${dir}`);
process.on('SIGTERM', () => stop('SIGTERM (lsf-standin-shutdown)', true));
process.on('SIGINT', () => stop('SIGINT', true));
process.on('uncaughtException', (e) => {
  log(`crashed: ${e.stack || e}`);
  stop('crash', true);
});
setTimeout(tick, 0);
