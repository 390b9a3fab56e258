// bkill for the LSF stand-in. See tests/lsf/README.md.
//   bkill [-d | -r | -s signal] [-g job_group] [-J job_name] [-q queue] [-u user|all]
//         [-stat run|pend|susp] [-b] [-C reason] [0 | job_ID | "job_ID[index_list]" ...]
// A pending element becomes EXIT at once; a running one gets SIGINT now and, from the
// scheduler, SIGTERM and SIGKILL LSF_STANDIN_TERM_INTERVAL_MS apart (LSF's JOB_TERMINATE_INTERVAL);
// its exit is recorded by the scheduler (exit code 128+signal, exit reason TERM_OWNER).
import os from 'node:os';
import {
  stateDir, withLock, readAllJobs, writeJob, touchActivity, isVisible, elementKeys,
  isElementFinal, jobIdString, normalizeGroup,
  injectSchedulerFault, signalGroup,
} from './common.mjs';
import { parseIndexSelection } from './arrayspec.mjs';

const PROG = 'bkill';

function usage(msg) {
  if (msg) process.stderr.write(`${msg}\n`);
  process.stderr.write(`Usage: bkill [-h] [-V] [-l] [-b] [-app application_profile_name] [-g job_group_name]
             [-J job_name] [-m host_name] [-q queue_name] [-r | -s signal_value | signal_name | -d]
             [-stat run | pend | susp] [-u user_name | -u all] [-C kill_reason]
             [0] [job_ID ... | "job_ID[index]" ...]
`);
  process.exit(255);
}

function parseSignal(v) {
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    const name = Object.keys(os.constants.signals).find((k) => os.constants.signals[k] === n);
    return name || null;
  }
  const name = v.toUpperCase().startsWith('SIG') ? v.toUpperCase() : `SIG${v.toUpperCase()}`;
  return os.constants.signals[name] ? name : null;
}

function main() {
  const argv = process.argv.slice(2);
  injectSchedulerFault(PROG, process.argv.slice(2), usage);
  const opts = {};
  const ids = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('-') && a.length > 1) {
      const name = a.slice(1);
      if (['g', 'J', 'q', 'u', 'm', 's', 'app', 'sla', 'stat', 'C'].includes(name)) {
        if (i + 1 >= argv.length) usage(`${PROG}: option requires an argument -- ${name}`);
        opts[name] = argv[++i];
      } else if (['d', 'r', 'b', 'l', 'h', 'V'].includes(name)) {
        opts[name] = true;
      } else {
        usage(`${PROG}: Illegal option -- ${name}`);
      }
    } else {
      ids.push(a);
    }
  }
  if (opts.h) usage();
  if (opts.V) {
    process.stderr.write('IBM Spectrum LSF Standard 10.1.0.0 (LSF stand-in for libcc tests)\n');
    process.exit(0);
  }
  if (opts.l) {
    process.stdout.write(`${Object.keys(os.constants.signals).map((s) => s.slice(3)).join(' ')}\n`);
    process.exit(0);
  }
  if ([opts.d, opts.r, opts.s !== undefined].filter(Boolean).length > 1) usage();
  let signal = null;
  if (opts.s !== undefined) {
    signal = parseSignal(opts.s);
    if (!signal) {
      process.stderr.write(`${opts.s}: Illegal signal value\n`);
      process.exit(255);
    }
  }
  if (!ids.length && opts.g === undefined && opts.J === undefined && opts.q === undefined && opts.u === undefined && opts.m === undefined && opts.app === undefined) {
    process.stderr.write("Job ID or one of '-m', '-u' '-q' '-g' '-app' and '-J' must be specified.\n");
    usage();
  }

  const dir = stateDir(PROG);
  touchActivity(dir);
  const group = opts.g !== undefined ? normalizeGroup(opts.g) : null;

  const { stdout, stderr, failed } = withLock(dir, () => {
    const now = Date.now();
    const jobs = readAllJobs(dir).filter((j) => isVisible(j, now));
    const out = [];
    const err = [];
    let bad = false;

    const selectorOk = (j) => {
      // bkill -g acts only on the named group, not on its subgroups (IBM docs).
      if (group && j.group !== group) return false;
      if (opts.q !== undefined && j.queue !== opts.q) return false;
      if (opts.app !== undefined && j.app !== opts.app) return false;
      if (opts.u !== undefined && opts.u !== 'all' && j.user !== opts.u) return false;
      if (opts.J !== undefined) {
        const pat = opts.J;
        if (pat.endsWith('*') ? !j.name.startsWith(pat.slice(0, -1)) : j.name !== pat) return false;
      }
      return true;
    };
    const stateFilter = (e) => {
      if (opts.stat === 'run') return e.state === 'RUN';
      if (opts.stat === 'pend') return e.state === 'PEND';
      if (opts.stat === 'susp') return e.state === 'PSUSP' || e.state === 'USUSP' || e.state === 'SSUSP';
      return true;
    };

    // Targets: [{ job, keys, label }]
    const targets = [];
    const explicit = ids.filter((x) => x !== '0');
    if (ids.includes('0')) {
      for (const j of jobs) {
        if (!selectorOk(j)) continue;
        const keys = elementKeys(j).filter((k) => !isElementFinal(j.elements[k]) && stateFilter(j.elements[k]));
        if (keys.length) targets.push({ job: j, keys, label: j.indices && keys.length < j.indices.length ? null : String(j.id) });
      }
      if (!targets.length && !explicit.length) {
        err.push('No unfinished job found');
        bad = true;
      }
    }
    for (const arg of explicit) {
      const m = /^(\d+)(?:\[([^\]]*)\])?$/.exec(arg);
      if (!m) {
        err.push(`${arg}: Illegal job ID.`);
        bad = true;
        continue;
      }
      const job = jobs.find((j) => j.id === Number(m[1]) && (!group || j.group === group));
      if (!job) {
        err.push(`Job <${arg}>: No matching job found`);
        bad = true;
        continue;
      }
      let keys = elementKeys(job);
      if (m[2] !== undefined) {
        const sel = parseIndexSelection(m[2]);
        keys = sel && job.indices ? keys.filter((k) => sel.includes(Number(k))) : [];
        if (!keys.length) {
          err.push(`Job <${arg}>: No matching job found`);
          bad = true;
          continue;
        }
      }
      targets.push({ job, keys, label: m[2] !== undefined && keys.length === 1 ? null : String(job.id), explicitIndex: m[2] !== undefined });
    }
    if (!ids.length) {
      // Selectors without a job ID act on the most recently submitted matching job.
      const cands = jobs.filter((j) => selectorOk(j) && elementKeys(j).some((k) => !isElementFinal(j.elements[k])));
      const last = cands[cands.length - 1];
      if (!last) {
        err.push(opts.J !== undefined ? `Job <${opts.J}>: No matching job found` : 'No unfinished job found');
        bad = true;
      } else {
        targets.push({ job: last, keys: elementKeys(last).filter((k) => !isElementFinal(last.elements[k])), label: String(last.id) });
      }
    }

    for (const t of targets) {
      const { job } = t;
      let changed = false;
      const live = t.keys.filter((k) => !isElementFinal(job.elements[k]));
      const report = (k) => (t.label ?? jobIdString(job, k));
      if (!live.length) {
        err.push(`Job <${t.label ?? jobIdString(job, t.keys[0])}>: Job has already finished`);
        bad = true;
        continue;
      }
      for (const k of live) {
        const el = job.elements[k];
        if (signal) {
          if (el.state === 'RUN' || el.state === 'USUSP') signalGroup(el.pid, signal);
          else if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') {
            el.state = 'EXIT';
            el.exitReason = 'TERM_OWNER';
            el.finishTime = now;
            el.pendReason = null;
            el.postState = 'NONE';
            changed = true;
          }
          continue;
        }
        // A suspended (USUSP) element is killed as a running one: its stopped processes get the
        // signals, SIGKILL ends them.
        if (el.state === 'RUN' || el.state === 'USUSP') {
          if (opts.r) {
            // Force removal: recorded as EXIT at once; the process is killed without grace.
            signalGroup(el.pid, 'SIGKILL');
            el.state = 'EXIT';
            el.exitReason = 'TERM_FORCE_OWNER';
            el.exitCode = null;
            el.finishTime = now;
            el.postState = 'NONE';
          } else if (!el.killRequested) {
            el.killRequested = now;
            el.killReason = 'TERM_OWNER';
            el.killAsDone = Boolean(opts.d);
            signalGroup(el.pid, 'SIGINT');
          }
        } else {
          el.state = opts.d ? 'DONE' : 'EXIT';
          el.exitCode = opts.d ? 0 : null;
          el.exitReason = opts.d ? null : 'TERM_OWNER';
          el.finishTime = now;
          el.pendReason = null;
          el.postState = 'NONE';
        }
        changed = true;
      }
      if (changed || signal) {
        if (changed) writeJob(dir, job);
        const labels = t.label !== null ? [t.label] : live.map(report);
        for (const l of labels) out.push(signal ? `Job <${l}> is being signaled` : `Job <${l}> is being terminated`);
      }
    }
    return { stdout: out, stderr: err, failed: bad };
  });

  if (stdout.length) process.stdout.write(`${stdout.join('\n')}\n`);
  if (stderr.length) process.stderr.write(`${stderr.join('\n')}\n`);
  process.exit(failed && !stdout.length ? 255 : 0);
}

main();
