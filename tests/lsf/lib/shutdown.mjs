// lsf-standin-shutdown: stops the scheduler of $LSF_STANDIN_DIR (or of the directory given
// as argument) and kills every job process it started. Safe to call when nothing runs.
import fs from 'node:fs';
import path from 'node:path';
import {
  readJson, readAllJobs, withLock, writeJob, pidAlive, schedulerAlive, sleepSync, elementKeys,
} from './common.mjs';

const dir = path.resolve(process.argv[2] || process.env.LSF_STANDIN_DIR || '');
if (!process.argv[2] && !process.env.LSF_STANDIN_DIR) {
  process.stderr.write('lsf-standin-shutdown: LSF_STANDIN_DIR is not set\n');
  process.exit(255);
}
if (!fs.existsSync(dir)) process.exit(0);

const pidFile = path.join(dir, 'scheduler.pid');
const pid = Number(readJson(pidFile, { pid: 0 }).pid);
if (schedulerAlive(pid)) {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while (pidAlive(pid) && Date.now() < deadline) sleepSync(20);
  if (pidAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

// Whatever is still recorded as running (scheduler killed hard, or already gone): kill it.
const killGroup = (p) => {
  try {
    process.kill(-p, 'SIGKILL');
  } catch {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
};
let killed = 0;
withLock(dir, () => {
  const now = Date.now();
  for (const job of readAllJobs(dir)) {
    let changed = false;
    for (const key of elementKeys(job)) {
      const el = job.elements[key];
      if (el.state === 'RUN' || el.state === 'USUSP') {
        if (el.pid && pidAlive(el.pid)) {
          killGroup(el.pid);
          killed++;
        }
        el.state = 'EXIT';
        el.exitCode = 137;
        el.exitReason = 'TERM_ADMIN';
        el.finishTime = now;
        el.pid = null;
        el.postState = 'NONE';
        changed = true;
      }
    }
    if (changed) writeJob(dir, job);
  }
  try {
    fs.unlinkSync(pidFile);
  } catch {
    /* gone */
  }
});
if (killed) process.stderr.write(`lsf-standin-shutdown: killed ${killed} job process group(s)\n`);
