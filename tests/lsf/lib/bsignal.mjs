// bstop and bresume for the LSF stand-in. See tests/lsf/README.md.
//   bstop   [-g job_group] [0 | job_ID | "job_ID[index_list]" ...]
//   bresume [-g job_group] [0 | job_ID | "job_ID[index_list]" ...]
// As LSF 10.1 documents them (bstop.1, bresume.1): bstop suspends a pending element (PSUSP) or
// a running one (USUSP, SIGSTOP to its process group); bresume sends SIGCONT and puts a USUSP
// element back to RUN, a PSUSP one back to PEND; on an element in neither state it has no effect.
import {
  stateDir, withLock, readAllJobs, writeJob, touchActivity, isVisible, elementKeys,
  isElementFinal, normalizeGroup, signalGroup,
} from './common.mjs';
import { parseIndexSelection } from './arrayspec.mjs';

const PROG = process.argv[2] === 'bresume' ? 'bresume' : 'bstop';
const STOP = PROG === 'bstop';

function usage(msg) {
  if (msg) process.stderr.write(`${msg}\n`);
  process.stderr.write(`Usage: ${PROG} [-h] [-V] [-g job_group_name] [0] [job_ID ... | "job_ID[index]" ...]\n`);
  process.exit(255);
}

function main() {
  const argv = process.argv.slice(3);
  let group = null;
  const ids = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h') usage();
    else if (a === '-V') {
      process.stderr.write('IBM Spectrum LSF Standard 10.1.0.0 (LSF stand-in for libcc tests)\n');
      process.exit(0);
    } else if (a === '-g') {
      if (i + 1 >= argv.length) usage(`${PROG}: option requires an argument -- g`);
      group = normalizeGroup(argv[++i]);
    } else if (a.startsWith('-')) usage(`${PROG}: Illegal option -- ${a.slice(1)}`);
    else ids.push(a);
  }
  if (!ids.length) usage("Job ID or one of '-m', '-u' '-q' '-g' '-app' and '-J' must be specified.");

  const dir = stateDir(PROG);
  touchActivity(dir);
  const { out, err } = withLock(dir, () => {
    const jobs = readAllJobs(dir).filter((j) => isVisible(j));
    const out = [];
    const err = [];
    const targets = [];
    for (const arg of ids) {
      if (arg === '0') {
        for (const job of jobs) if (!group || job.group === group) targets.push({ job, keys: elementKeys(job), label: String(job.id) });
        continue;
      }
      const m = /^(\d+)(?:\[([^\]]*)\])?$/.exec(arg);
      const job = m && jobs.find((j) => j.id === Number(m[1]) && (!group || j.group === group));
      let keys = job ? elementKeys(job) : [];
      if (job && m[2] !== undefined) {
        const sel = parseIndexSelection(m[2]);
        keys = sel && job.indices ? keys.filter((k) => sel.includes(Number(k))) : [];
      }
      if (!job || !keys.length) {
        err.push(m ? `Job <${arg}>: No matching job found` : `${arg}: Illegal job ID.`);
        continue;
      }
      targets.push({ job, keys, label: arg });
    }
    for (const { job, keys, label } of targets) {
      let acted = false;
      for (const key of keys) {
        const el = job.elements[key];
        if (isElementFinal(el)) continue;
        if (STOP && el.state === 'PEND') {
          el.state = 'PSUSP';
          el.pendReason = 'The job was suspended by the user while pending';
        } else if (STOP && el.state === 'RUN') {
          el.state = 'USUSP';
          signalGroup(el.pid, 'SIGSTOP');
        } else if (!STOP && el.state === 'PSUSP') {
          el.state = 'PEND';
          el.pendReason = 'New job is waiting for scheduling';
        } else if (!STOP && el.state === 'USUSP') {
          el.state = 'RUN';
          signalGroup(el.pid, 'SIGCONT');
        } else continue;
        acted = true;
      }
      if (acted) {
        writeJob(dir, job);
        out.push(`Job <${label}> is being ${STOP ? 'stopped' : 'resumed'}`);
      } else if (keys.every((k) => isElementFinal(job.elements[k]))) err.push(`Job <${label}>: Job has already finished`);
      else err.push(`Job <${label}>: ${STOP ? 'The job was suspended' : 'Job is not suspended'}`);
    }
    return { out, err };
  });
  if (out.length) process.stdout.write(`${out.join('\n')}\n`);
  if (err.length) process.stderr.write(`${err.join('\n')}\n`);
  process.exit(err.length && !out.length ? 255 : 0);
}

main();
