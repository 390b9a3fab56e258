// bwait for the LSF stand-in: bwait -w "wait_condition" [-t timeout_minutes]
// The wait condition has the syntax of bsub -w. Returns 0 once it is true; fails when it
// references an unknown job, can never become true, or the timeout passes.
import {
  stateDir, withLock, readAllJobs, touchActivity, isVisible, sleepSync, envInt, ensureScheduler,
} from './common.mjs';
import { parseDependency, resolveDependency, evaluate, DepSyntaxError, DepResolveError } from './depexpr.mjs';

const PROG = 'bwait';

function usage(msg) {
  if (msg) process.stderr.write(`${msg}\n`);
  process.stderr.write('Usage: bwait -w "wait_condition" [-t timeout] [-r rereg_interval]\n       bwait -h | -V\n');
  process.exit(255);
}

function main() {
  const argv = process.argv.slice(2);
  let cond;
  let timeout = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-w' || a === '-t' || a === '-r') {
      if (i + 1 >= argv.length) usage(`${PROG}: option requires an argument -- ${a.slice(1)}`);
      const v = argv[++i];
      if (a === '-w') cond = v;
      else if (a === '-t') {
        if (!/^\d+$/.test(v) || Number(v) < 1) usage(`${v}: Bad timeout value`);
        timeout = Number(v);
      }
    } else if (a === '-h') usage();
    else if (a === '-V') {
      process.stderr.write('IBM Spectrum LSF Standard 10.1.0.0 (LSF stand-in for libcc tests)\n');
      process.exit(0);
    } else usage(`${PROG}: illegal option -- ${a.replace(/^-/, '')}`);
  }
  if (cond === undefined) usage();
  let ast;
  try {
    ast = parseDependency(cond);
  } catch (e) {
    if (e instanceof DepSyntaxError) {
      process.stderr.write(`${cond}: Dependency condition syntax error\n`);
      process.exit(255);
    }
    throw e;
  }
  const dir = stateDir(PROG);
  const err = withLock(dir, () => {
    const jobs = readAllJobs(dir).filter((j) => isVisible(j));
    try {
      resolveDependency(ast, jobs, null);
      return null;
    } catch (e) {
      if (e instanceof DepResolveError) return e.prefix ? `${e.prefix}: ${e.message}` : e.message;
      throw e;
    }
  });
  if (err) {
    process.stderr.write(`${err}\n`);
    process.exit(255);
  }
  ensureScheduler(dir);
  const poll = envInt('LSF_STANDIN_POLL_MS', 50);
  const deadline = timeout === null ? Infinity : Date.now() + timeout * envInt('LSF_STANDIN_SECONDS_PER_MINUTE', 60) * 1000;
  for (;;) {
    touchActivity(dir);
    const jobs = readAllJobs(dir);
    const r = evaluate(ast, { jobsById: new Map(jobs.map((j) => [j.id, j])), self: null, selfKey: '0' });
    if (r.v) process.exit(0);
    if (r.f) {
      process.stderr.write('Wait condition is never satisfied\n');
      process.exit(1);
    }
    if (Date.now() > deadline) {
      process.stderr.write('Wait condition timed out\n');
      process.exit(1);
    }
    sleepSync(poll);
  }
}

main();
