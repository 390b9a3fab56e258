// bjobs for the LSF stand-in. See tests/lsf/README.md.
import {
  stateDir, readAllJobs, touchActivity, isVisible, elementKeys, isElementFinal, displayName,
  jobIdString, shortTime, normalizeGroup,
  injectSchedulerFault,
} from './common.mjs';
import { parseIndexSelection } from './arrayspec.mjs';

const PROG = 'bjobs';

const VALUE_OPTS = new Set(['o', 'g', 'J', 'u', 'q', 'm', 'P', 'app', 'G', 'sla', 'Lp', 'N', 'Jd', 'ptl']);
const FLAG_OPTS = new Set(['a', 'd', 'p', 'r', 's', 'noheader', 'w', 'W', 'l', 'A', 'json', 'x', 'X', 'UF', 'aff', 'hms', 'h', 'V', 'pi', 'pe', 'pei', 'psum', 'sum', 'WL', 'WF', 'WP', 'prio', 'rusage', 'fwd', 'data', 'ss']);

function usage(msg) {
  if (msg) process.stderr.write(`${msg}\n`);
  process.stderr.write(`Usage: bjobs [-h] [-V] [-A] [-a] [-aff] [-d] [-l | -w | -W] [-noheader] [-p] [-r] [-s]
             [-o "field_name[:[-][output_width]] ... [delimiter='character']"] [-json]
             [-g job_group_name] [-J job_name] [-q queue_name] [-u user_name | -u all] [-P project_name]
             [job_ID | "job_ID[index_list]" ...]
`);
  process.exit(255);
}

function parseArgs(argv) {
  const opts = {};
  const ids = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('-') && a.length > 1) {
      const name = a.slice(1);
      if (VALUE_OPTS.has(name)) {
        if (i + 1 >= argv.length) usage(`${PROG}: option requires an argument -- ${name}`);
        opts[name] = argv[++i];
      } else if (FLAG_OPTS.has(name)) opts[name] = true;
      else if (/^p[0-3]$/.test(name)) opts.p = true;
      else usage(`${PROG}: illegal option -- ${name}`);
    } else {
      ids.push(a);
    }
  }
  return { opts, ids };
}

// bjobs -o field names (LSF 10.1 "bjobs -o"); value(job, key, el) returns a string.
const dash = (v) => (v === null || v === undefined || v === '' ? '-' : String(v));
const FIELDS = {
  jobid: (j) => String(j.id),
  jobindex: (j, k) => (j.indices ? k : '0'),
  stat: (j, k, e) => e.state,
  user: (j) => j.user,
  user_group: (j) => dash(j.userGroup),
  queue: (j) => j.queue,
  job_name: (j, k) => displayName(j, k),
  job_description: () => '-',
  proj_name: (j) => j.project || 'default',
  application: (j) => dash(j.app),
  job_group: (j) => dash(j.group),
  dependency: (j) => dash(j.depend),
  pend_reason: (j, k, e) => (e.state === 'PEND' || e.state === 'PSUSP' ? dash(e.pendReason) : '-'),
  command: (j) => (j.spooled ? j.command.split('\n').filter((l) => l.trim()).join(';') : j.command),
  exit_code: (j, k, e) => (e.state === 'EXIT' && e.exitCode !== null && e.exitCode !== undefined ? String(e.exitCode) : '-'),
  exit_reason: (j, k, e) => dash(e.exitReason),
  from_host: (j) => j.fromHost,
  first_host: (j, k, e) => dash(e.host),
  exec_host: (j, k, e) => (e.host ? (j.slots > 1 ? `${j.slots}*${e.host}` : e.host) : '-'),
  nexec_host: (j, k, e) => (e.host ? '1' : '-'),
  slots: (j, k, e) => (e.state === 'RUN' ? String(j.slots) : '-'),
  nreq_slot: (j) => String(j.slots),
  submit_time: (j) => shortTime(j.submitTime),
  start_time: (j, k, e) => shortTime(e.startTime),
  finish_time: (j, k, e) => (isElementFinal(e) ? shortTime(e.finishTime) : '-'),
  run_time: (j, k, e) => {
    if (!e.startTime) return '0 second(s)';
    const end = isElementFinal(e) ? e.finishTime : Date.now();
    return `${Math.max(0, Math.round((end - e.startTime) / 1000))} second(s)`;
  },
  memlimit: (j) => dash(j.memLimit),
  runtimelimit: (j) => (j.runLimitMin === null || j.runLimitMin === undefined ? '-' : `${j.runLimitMin}.0 min`),
  output_file: (j, k, e) => dash(e.outFile || j.out),
  error_file: (j, k, e) => dash(e.errFile || j.err),
  input_file: (j) => dash(j.input),
  sub_cwd: (j) => j.subCwd,
  exec_cwd: (j, k, e) => dash(e.execCwd),
  exec_home: (j) => dash(j.env.HOME),
  effective_resreq: (j) => dash(j.resReq),
  combined_resreq: (j) => dash(j.resReq),
  requeue_exit_values: (j) => (j.requeue ? [j.requeue.all ? 'all' : '', ...j.requeue.excluded.map((c) => `~${c}`), ...j.requeue.codes, ...(j.requeue.exclusive.length ? [`EXCLUDE(${j.requeue.exclusive.join(' ')})`] : [])].filter(Boolean).join(' ') : '-'),
  pids: (j, k, e) => (e.state === 'RUN' && e.pid ? String(e.pid) : '-'),
};
// Aliases documented for bjobs -o (a subset).
const ALIASES = { id: 'jobid', name: 'job_name', proj: 'proj_name', project: 'proj_name', app: 'application', cmd: 'command', group: 'job_group', ugroup: 'user_group' };

export function parseFormat(spec) {
  let delimiter = null;
  const rest = spec.replace(/delimiter\s*=\s*'([^']*)'/, (_, d) => {
    delimiter = d;
    return ' ';
  }).replace(/delimiter\s*=\s*"([^"]*)"/, (_, d) => {
    delimiter = d;
    return ' ';
  });
  const fields = [];
  for (const tok of rest.trim().split(/\s+/).filter(Boolean)) {
    const [rawName, widthSpec] = tok.split(':');
    const lower = rawName.toLowerCase();
    const name = ALIASES[lower] || lower;
    if (!FIELDS[name]) return { error: `${rawName}: Illegal field name` };
    let width = null;
    let right = false;
    if (widthSpec !== undefined && widthSpec !== '') {
      const m = /^(-)?(\d+)$/.exec(widthSpec);
      if (!m) return { error: `${tok}: Illegal field width` };
      right = Boolean(m[1]);
      width = Number(m[2]);
    }
    fields.push({ name, header: name.toUpperCase(), width, right });
  }
  if (!fields.length) return { error: 'Output format is empty' };
  return { fields, delimiter };
}

function fit(value, f, wide) {
  if (f.width === null || wide) return value;
  let v = value;
  if (v.length > f.width) v = f.name === 'job_name' ? `*${v.slice(v.length - f.width + 1)}` : v.slice(0, f.width);
  return f.right ? v.padStart(f.width) : v.padEnd(f.width);
}

function main() {
  injectSchedulerFault(PROG, process.argv.slice(2), usage);
  const dir = stateDir(PROG);
  touchActivity(dir);
  const { opts, ids } = parseArgs(process.argv.slice(2));
  if (opts.h) usage();
  if (opts.V) {
    process.stderr.write('IBM Spectrum LSF Standard 10.1.0.0 (LSF stand-in for libcc tests)\n');
    process.exit(0);
  }
  const consistentExit = /^y/i.test(process.env.LSB_BJOBS_CONSISTENT_EXIT_CODE || '');
  const now = Date.now();
  const jobs = readAllJobs(dir).filter((j) => isVisible(j, now));

  let format = null;
  if (opts.o !== undefined || process.env.LSB_BJOBS_FORMAT) {
    format = parseFormat(opts.o !== undefined ? opts.o : process.env.LSB_BJOBS_FORMAT);
    if (format.error) {
      process.stderr.write(`${format.error}\n`);
      process.exit(255);
    }
  }

  // Which elements are candidates.
  let rows = [];
  let exitCode = 0;
  const errors = [];
  const stateOk = (e) => {
    if (opts.d) return isElementFinal(e);
    if (opts.r) return e.state === 'RUN';
    if (opts.p) return e.state === 'PEND' || e.state === 'PSUSP';
    if (opts.s) return e.state === 'PSUSP' || e.state === 'USUSP' || e.state === 'SSUSP';
    if (opts.a) return true;
    return !isElementFinal(e);
  };
  const group = opts.g !== undefined ? normalizeGroup(opts.g) : null;
  // -J name, -J "prefix*", -J "name[index_list]"
  let jName = opts.J;
  let jSel = null;
  if (jName !== undefined) {
    const m = /^(.*)\[([^\]]*)\]$/.exec(jName);
    if (m) {
      jName = m[1];
      jSel = parseIndexSelection(m[2]);
    }
  }
  const nameMatch = (n) => {
    if (jName === undefined) return true;
    if (jName.includes('*')) {
      const re = new RegExp(`^${jName.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      return re.test(n);
    }
    return n === jName;
  };
  const keyMatch = (job, k) => !jSel || (job.indices && jSel.includes(Number(k)));
  const filterJob = (j) => {
    if (group && !(j.group === group || (j.group || '').startsWith(`${group}/`))) return false;
    if (opts.q !== undefined && j.queue !== opts.q) return false;
    if (opts.P !== undefined && (j.project || 'default') !== opts.P) return false;
    if (opts.app !== undefined && j.app !== opts.app) return false;
    if (opts.u !== undefined && opts.u !== 'all' && j.user !== opts.u) return false;
    return true;
  };

  if (ids.length) {
    for (const arg of ids) {
      const m = /^(\d+)(?:\[([^\]]*)\])?$/.exec(arg);
      if (!m) {
        errors.push(`${arg}: Illegal job ID`);
        exitCode = 255;
        continue;
      }
      const job = jobs.find((j) => j.id === Number(m[1]));
      let keys = job ? elementKeys(job) : [];
      if (job && m[2] !== undefined) {
        const sel = parseIndexSelection(m[2]);
        keys = sel && job.indices ? keys.filter((k) => sel.includes(Number(k))) : [];
      }
      if (!job || keys.length === 0) {
        errors.push(`Job <${arg}> is not found`);
        exitCode = 255;
        continue;
      }
      for (const k of keys) {
        const e = job.elements[k];
        if (stateOk(e) && nameMatch(job.name) && keyMatch(job, k)) rows.push({ job, key: k, el: e });
      }
    }
  } else {
    for (const job of jobs) {
      if (!filterJob(job)) continue;
      if (!nameMatch(job.name)) continue;
      for (const k of elementKeys(job)) {
        const e = job.elements[k];
        if (stateOk(e) && keyMatch(job, k)) rows.push({ job, key: k, el: e });
      }
    }
  }

  if (rows.length === 0) {
    for (const e of errors) process.stderr.write(`${e}\n`);
    if (errors.length === 0) {
      let msg;
      if (opts.J !== undefined && !ids.length) msg = `Job <${opts.J}> is not found`;
      else if (opts.a) msg = 'No job found';
      else if (opts.d) msg = 'No DONE/EXIT job found';
      else if (opts.p) msg = 'No pending job found';
      else if (opts.r) msg = 'No running job found';
      else if (opts.s) msg = 'No suspended job found';
      else msg = 'No unfinished job found';
      process.stderr.write(`${msg}\n`);
      if (consistentExit) exitCode = 255;
    }
    process.exit(exitCode);
  }

  // Order: unfinished jobs first (RUN, then PEND), then finished, as bjobs does; stable by ID.
  const rank = (e) => (e.state === 'RUN' ? 0 : e.state === 'PEND' || e.state === 'PSUSP' ? 1 : 2);
  rows = rows
    .map((r, i) => ({ ...r, i }))
    .sort((a, b) => rank(a.el) - rank(b.el) || a.i - b.i);

  let out = '';
  if (format) {
    const { fields, delimiter } = format;
    if (opts.json) {
      const records = rows.map(({ job, key, el }) => Object.fromEntries(fields.map((f) => [f.header, FIELDS[f.name](job, key, el)])));
      out = `${JSON.stringify({ COMMAND: 'bjobs', JOBS: records.length, RECORDS: records }, null, 2)}\n`;
    } else {
      const sep = delimiter ?? ' ';
      const wide = opts.w || opts.W;
      if (!opts.noheader) out += `${fields.map((f) => (delimiter !== null ? f.header : fit(f.header, f, wide))).join(sep)}\n`;
      for (const { job, key, el } of rows) {
        out += `${fields.map((f) => {
          const v = FIELDS[f.name](job, key, el);
          return delimiter !== null ? v : fit(v, f, wide);
        }).join(sep)}\n`;
      }
    }
  } else if (opts.l) {
    for (const { job, key, el } of rows) {
      out += `\nJob <${jobIdString(job, key)}>, Job Name <${displayName(job, key)}>, User <${job.user}>, Project <${job.project || 'default'}>,${job.group ? ` Job Group <${job.group}>,` : ''} Status <${el.state}>, Queue <${job.queue}>, Command <${FIELDS.command(job)}>\n`;
      out += `${new Date(job.submitTime).toString().slice(0, 24)}: Submitted from host <${job.fromHost}>, CWD <${job.subCwd}>;\n`;
      if (el.startTime) out += `${new Date(el.startTime).toString().slice(0, 24)}: Started on <${el.host}>;\n`;
      if (el.state === 'PEND' || el.state === 'PSUSP') out += ` PENDING REASONS:\n ${el.pendReason || ''};\n`;
      if (el.state === 'DONE') out += `${new Date(el.finishTime).toString().slice(0, 24)}: Done successfully.\n`;
      if (el.state === 'EXIT') {
        out += `${new Date(el.finishTime).toString().slice(0, 24)}: Exited${el.exitCode !== null ? ` with exit code ${el.exitCode}` : ''}.\n`;
        if (el.exitReason) out += ` ${el.exitReason}\n`;
      }
    }
  } else {
    const wide = opts.w || opts.W;
    const cell = (v, w) => (wide ? `${v} ` : `${v.padEnd(w)} `);
    const nameCell = (n) => (wide || n.length <= 10 ? n : `*${n.slice(n.length - 9)}`);
    if (!opts.noheader) out += 'JOBID   USER    STAT  QUEUE      FROM_HOST   EXEC_HOST   JOB_NAME   SUBMIT_TIME\n';
    for (const { job, key, el } of rows) {
      out += cell(String(job.id), 7) + cell(job.user, 7) + cell(el.state, 5) + cell(job.queue, 10) +
        cell(job.fromHost, 11) + cell(el.host ? FIELDS.exec_host(job, key, el) : '', 11) +
        cell(nameCell(displayName(job, key)), 10) + shortTime(job.submitTime) + '\n';
    }
  }
  process.stdout.write(out);
  for (const e of errors) process.stderr.write(`${e}\n`);
  process.exit(exitCode);
}

main();
