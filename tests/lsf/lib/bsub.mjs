// bsub for the LSF stand-in. See tests/lsf/README.md for what is modelled and the sources.
import fs from 'node:fs';
import path from 'node:path';
import {
  stateDir, withLock, readAllJobs, writeJob, readJson, writeAtomic, touchActivity, envInt,
  userName, hostName, isVisible, normalizeGroup, sleepSync, readJob, isJobFinished, ensureScheduler,
  injectSchedulerFault, hangRule, hang,
} from './common.mjs';
import { parseJobName, SpecError } from './arrayspec.mjs';
import { parseDependency, resolveDependency, DepSyntaxError, DepResolveError } from './depexpr.mjs';

const PROG = 'bsub';

// Options of LSF 10.1 bsub that take a value (separated by a space, as LSF expects).
const VALUE_OPTS = new Set([
  'J', 'q', 'w', 'n', 'R', 'M', 'W', 'P', 'G', 'app', 'g', 'o', 'e', 'oo', 'eo', 'cwd', 'Q',
  'E', 'Ep', 'env', 'i', 'is', 'u', 'm', 'sp', 'L', 'b', 't', 'c', 'v', 'D', 'S', 'C', 'F', 'p',
  'We', 'k', 'a', 'outdir', 'U', 'sla', 'Lp', 'ext', 'extsched', 's', 'data', 'gpu', 'Jd', 'rnc',
  'mig', 'T', 'f', 'X', 'jsdl', 'pack', 'json', 'yaml', 'datachk', 'datagrp', 'stage',
  'freq', 'cn_cu', 'cn_mem', 'smt', 'alloc_flags', 'core_isolation', 'csm', 'ln_mem', 'ln_slots',
  'nnodes', 'network', 'step_cgroup', 'eptl', 'ptl', 'notify',
]);
// Options of LSF 10.1 bsub that take no value.
const FLAG_OPTS = new Set(['ti', 'r', 'rn', 'x', 'N', 'B', 'H', 'K', 'Zs', 'hl', 'h', 'V', 'I', 'Ip', 'Is', 'IS', 'ISp', 'ISs', 'IX', 'XF', 'ar', 'Ne', 'tty']);

const USAGE = `Usage: bsub [-h] [-V] [-H] [-x] [-r] [-N] [-B] [-K] [-ti]
            [-q "queue_name ..."] [-m "host_name ..."] [-n min_proc[,max_proc]]
            [-R "res_req"] [-J job_name | -J "job_name[index_list]%job_slot_limit"]
            [-w 'dependency_expression'] [-g job_group_name] [-P project_name]
            [-G user_group] [-app application_profile_name] [-sp priority]
            [-o output_file | -oo output_file] [-e error_file | -eo error_file]
            [-i input_file] [-cwd "current_working_directory"]
            [-E "pre_exec_command [argument ...]"] [-Ep "post_exec_command [argument ...]"]
            [-M mem_limit] [-W [hour:]minute[/host_name | /host_model]]
            [-Q "[exit_code ...] [EXCLUDE(exit_code ...)]"] [-env "none" | "all" | "var_list"]
            [command [argument ...]]
`;

function usageExit(message) {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write(USAGE);
  process.exit(255);
}

/** LSF refused one job request: "<text>. Job not submitted." (the text is the message). */
export class NotSubmitted extends Error {}

/** Illegal usage inside a request (an unknown option in #BSUB lines or in a job pack line). */
export class UsageError extends Error {}

/** Throws NotSubmitted: LSF's failure shape "<text>. Job not submitted.". */
function notSubmitted(text) {
  throw new NotSubmitted(text);
}

/**
 * Parses LSF-style options; returns { opts, command: string[], names: option names in order }.
 * Errors: usage + exit 255, or UsageError when `embedded` (the words are not bsub's own argv).
 */
export function parseOptions(argv, { embedded = false } = {}) {
  const opts = { R: [] };
  const names = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-') break;
    const name = a.slice(1);
    if (VALUE_OPTS.has(name)) {
      if (i + 1 >= argv.length) {
        if (embedded) throw new UsageError(`option requires an argument -- ${name}`);
        usageExit(`${PROG}: option requires an argument -- ${name}`);
      }
      const v = argv[++i];
      if (name === 'R') opts.R.push(v);
      else opts[name] = v;
    } else if (FLAG_OPTS.has(name)) {
      opts[name] = true;
    } else {
      if (embedded) throw new UsageError(`illegal option -- ${name}`);
      usageExit(`${PROG}: illegal option -- ${name}`);
    }
    names.push(name);
  }
  return { opts, command: argv.slice(i), names };
}

/** Splits the text after "#BSUB" into words, honouring quotes, stopping at a '#' word. */
function splitEmbedded(text) {
  const words = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    if (text[i] === '#') break;
    let w = '';
    while (i < text.length && !/\s/.test(text[i])) {
      const c = text[i];
      if (c === '"' || c === "'") {
        const end = text.indexOf(c, i + 1);
        if (end < 0) {
          w += text.slice(i + 1);
          i = text.length;
        } else {
          w += text.slice(i + 1, end);
          i = end + 1;
        }
      } else {
        w += c;
        i++;
      }
    }
    words.push(w);
  }
  return words;
}

/** The #BSUB option words of a job script, and whether it contains a command at all. */
export function scanScript(text) {
  const args = [];
  let hasCommand = false;
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    let line = lines[k];
    const t = line.trimStart();
    if (t === '') continue;
    if (!t.startsWith('#')) {
      hasCommand = true;
      continue;
    }
    const m = /^#\s*BSUB\s+(-.*)$/.exec(t);
    if (!m) continue;
    let body = m[1];
    while (body.endsWith('\\') && k + 1 < lines.length) {
      body = body.slice(0, -1) + lines[++k];
    }
    line = body;
    args.push(...splitEmbedded(line));
  }
  return { args, hasCommand };
}

/** Joins bsub's command words into the job's command line the way LSF's bsub does. */
export function commandLine(words) {
  let line = words[0];
  for (const w of words.slice(1)) {
    line += ' ';
    if (w.includes(' ')) {
      if (w.includes('"') || w.includes('$')) line += `'${w}'`;
      else line += `"${w}"`;
    } else if (w.startsWith('$')) {
      line += `'${w}'`;
    } else {
      line += w.replace(/(["'\\()])/g, '\\$1');
    }
  }
  return line;
}

function checkResReq(r) {
  const stack = [];
  const pairs = { ']': '[', ')': '(' };
  let quote = null;
  for (const c of r) {
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') stack.push(c);
    else if (c === ']' || c === ')') {
      if (stack.pop() !== pairs[c]) return false;
    }
  }
  if (quote || stack.length) return false;
  const sections = /([A-Za-z_]+)\s*\[/g;
  let m;
  while ((m = sections.exec(r))) {
    if (!['select', 'order', 'rusage', 'span', 'same', 'cu', 'affinity', 'defined'].includes(m[1])) return false;
  }
  return true;
}

/** -Q "75 76 all ~1 EXCLUDE(9 10)" -> { all, codes, excluded, exclusive } or null. */
export function parseRequeue(text) {
  const out = { all: false, codes: [], excluded: [], exclusive: [] };
  const src = text.replace(/EXCLUDE\s*\(([^)]*)\)/gi, (_, inner) => {
    for (const w of inner.trim().split(/\s+/).filter(Boolean)) {
      if (!/^\d+$/.test(w)) out.bad = true;
      out.exclusive.push(Number(w));
    }
    return ' ';
  });
  if (/[()]/.test(src)) return null;
  for (const w of src.trim().split(/\s+/).filter(Boolean)) {
    if (w === 'all') out.all = true;
    else if (/^~\d+$/.test(w)) out.excluded.push(Number(w.slice(1)));
    else if (/^\d+$/.test(w)) out.codes.push(Number(w));
    else return null;
  }
  if (out.bad) return null;
  delete out.bad;
  return out;
}

function isFailingCall(spec, n) {
  if (!spec) return false;
  if (spec === 'all') return true;
  return spec.split(/[\s,]+/).filter(Boolean).some((s) => {
    if (/^\d+\+$/.test(s)) return n >= Number(s.slice(0, -1));
    return Number(s) === n;
  });
}

function jobEnvironment(envOpt) {
  const base = { ...process.env };
  for (const k of Object.keys(base)) {
    if (/^LSB_(JOBID|JOBINDEX|JOBINDEX_END|JOBINDEX_STEP|JOBNAME|QUEUE|HOSTS|MCPU_HOSTS|DJOB_NUMPROC|MAX_NUM_PROCESSORS|OUTPUTFILE|ERRORFILE|JOBFILENAME|EXIT_REQUEUE)$/.test(k)) {
      delete base[k];
    }
  }
  if (!envOpt || envOpt.trim() === 'all') return base;
  const parts = envOpt.split(',').map((s) => s.trim()).filter(Boolean);
  let env = {};
  const keep = ['LSF_STANDIN_DIR', 'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL'];
  if (parts[0] === 'all') {
    env = base;
    parts.shift();
  } else if (parts[0] === 'none') {
    for (const k of keep) if (base[k] !== undefined) env[k] = base[k];
    parts.shift();
  } else {
    for (const k of keep) if (base[k] !== undefined) env[k] = base[k];
  }
  for (const p of parts) {
    if (p.startsWith('~')) delete env[p.slice(1)];
    else if (p.includes('=')) {
      const eq = p.indexOf('=');
      env[p.slice(0, eq)] = p.slice(eq + 1);
    } else if (base[p] !== undefined) env[p] = base[p];
  }
  return env;
}

/**
 * The job text of one request: a script read from standard input when there are no command
 * words (`bsub < script`; `stdin: false` for job pack lines, which have no script), and the
 * #BSUB option words that count. Throws NotSubmitted when there is no command.
 */
function jobText(command, { stdin }) {
  let script = null;
  let embeddedArgs = [];
  if (command.length === 0) {
    if (!stdin) notSubmitted('No command is specified');
    let stdinIsFile = false;
    try {
      stdinIsFile = fs.fstatSync(0).isFile();
    } catch {
      /* closed stdin */
    }
    let text = '';
    try {
      text = fs.readFileSync(0, 'utf8');
    } catch {
      text = '';
    }
    const scan = scanScript(text);
    if (!scan.hasCommand) {
      notSubmitted(stdinIsFile ? 'No command is specified in the script file' : 'No command is specified');
    }
    script = text;
    embeddedArgs = scan.args; // #BSUB lines count only in this form (bsub < script)
  } else if (/^(y|yes)$/i.test(process.env.LSB_BSUB_PARSE_SCRIPT || '')) {
    // Site setting LSB_BSUB_PARSE_SCRIPT=Y: #BSUB lines of `bsub script.sh` are read too.
    try {
      const f = path.resolve(command[0]);
      if (fs.statSync(f).isFile()) embeddedArgs = scanScript(fs.readFileSync(f, 'utf8')).args;
    } catch {
      /* not a file */
    }
  }
  return { script, embeddedArgs };
}

/** The request's options: #BSUB ones under the command line's. Throws UsageError for a bad #BSUB option. */
function mergeEmbedded(cli, embeddedArgs) {
  if (!embeddedArgs.length) return cli;
  const emb = parseOptions(embeddedArgs, { embedded: true });
  // Command-line options override embedded ones.
  return { ...emb.opts, ...cli, R: cli.R.length ? cli.R : emb.opts.R };
}

/**
 * LSF's validation of one job request, with LSF's texts; no side effects. Returns the request
 * (options, command words or script, and the values derived from them); throws NotSubmitted.
 */
function validateRequest(opts, command, script) {
  const maxArray = envInt('LSF_STANDIN_MAX_JOB_ARRAY_SIZE', 1000);
  let jobName;
  if (opts.J !== undefined) {
    try {
      jobName = parseJobName(opts.J, maxArray);
    } catch (e) {
      if (e instanceof SpecError) notSubmitted(e.message);
      throw e;
    }
  } else {
    const shown = script !== null ? (script.split('\n').find((l) => l.trim() !== '') || '').trim() : commandLine(command);
    jobName = { name: shown, indices: null, slotLimit: null };
  }

  let queue;
  let queueExplicit = false;
  const allowed = (process.env.LSF_STANDIN_QUEUES || '').split(/[\s,]+/).filter(Boolean);
  if (opts.q !== undefined) {
    queueExplicit = true;
    const asked = opts.q.trim().split(/\s+/).filter(Boolean);
    if (asked.length === 0) notSubmitted('Queue name must be specified');
    queue = allowed.length ? asked.find((q) => allowed.includes(q)) : asked[0];
    if (!queue) notSubmitted(`${asked[0]}: No such queue`);
  } else if (process.env.LSB_DEFAULTQUEUE) {
    queueExplicit = true; // LSF treats LSB_DEFAULTQUEUE like -q in its submission message
    queue = process.env.LSB_DEFAULTQUEUE.trim().split(/\s+/)[0];
    if (allowed.length && !allowed.includes(queue)) notSubmitted(`${queue}: No such queue`);
  } else {
    queue = process.env.LSF_STANDIN_DEFAULT_QUEUE || 'normal';
  }

  let slots = 1;
  if (opts.n !== undefined) {
    const m = /^(\d+)(?:,(\d+))?$/.exec(opts.n.trim());
    if (!m) notSubmitted('Bad argument for option -n');
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo <= 0 || hi <= 0) notSubmitted('The number of processors must be a positive integer');
    if (lo > hi) notSubmitted('Bad argument for option -n');
    slots = lo;
  }

  for (const r of opts.R) if (!checkResReq(r)) notSubmitted('Bad resource requirement syntax');

  let memLimit = null;
  if (opts.M !== undefined) {
    const v = opts.M.trim();
    if (/^\d+$/.test(v) && Number(v) > 0) memLimit = v;
    else if (process.env.LSF_STANDIN_ALLOW_MEM_UNITS === '1' && /^\d+(\.\d+)?\s*([KMGTPEZ]B?)$/i.test(v)) memLimit = v;
    else notSubmitted(`${opts.M}: MEMLIMIT value should be a positive integer`);
  }

  let runLimitMin = null;
  if (opts.W !== undefined) {
    const m = /^(\d+)(?::(\d+))?(?:\/\S+)?$/.exec(opts.W.trim());
    if (!m) notSubmitted(`${opts.W}: Bad RUNLIMIT specification`);
    runLimitMin = m[2] === undefined ? Number(m[1]) : Number(m[1]) * 60 + Number(m[2]);
  }

  let requeue = null;
  if (opts.Q !== undefined) {
    requeue = parseRequeue(opts.Q);
    if (!requeue) notSubmitted(`${opts.Q}: Bad requeue exit value specification`);
  }

  let group = null;
  if (opts.g !== undefined) {
    group = normalizeGroup(opts.g);
    if (opts.g.trim() === '' || /\s/.test(opts.g.trim())) notSubmitted('Bad/empty job group name');
  }

  if (opts.ti && opts.w === undefined) notSubmitted('The -ti option must be used together with -w');
  if (opts.K && jobName.indices) notSubmitted("Job array doesn't support -K option");

  let depAst = null;
  if (opts.w !== undefined) {
    try {
      depAst = parseDependency(opts.w);
    } catch (e) {
      if (e instanceof DepSyntaxError) notSubmitted(`${opts.w}: Dependency condition syntax error`);
      throw e;
    }
  }

  return { opts, command, script, jobName, queue, queueExplicit, slots, memLimit, runLimitMin, requeue, group, depAst };
}

/**
 * Puts a validated request into the job table under the lock, exactly as one bsub call does,
 * and returns its job ID; throws NotSubmitted when -w names jobs LSF cannot find. `cache`
 * ({ jobs }) lets a job pack read the job table once per lock hold: it is only valid while
 * the caller holds the lock, and every job submitted is added to it, so a later request of the
 * same pack can name an earlier one in -w.
 */
function submitRequest(dir, req, cache = null) {
  const { opts, command, script, jobName, queue, queueExplicit, slots, memLimit, runLimitMin, requeue, group, depAst } = req;
  const now = Date.now();
  const user = userName();
  const host = hostName();
  return withLock(dir, () => {
    let all;
    if (cache) {
      cache.jobs ??= readAllJobs(dir);
      all = cache.jobs;
    } else {
      all = readAllJobs(dir);
    }
    const visible = all.filter((j) => isVisible(j, now));
    if (depAst) {
      try {
        resolveDependency(depAst, visible, { indices: jobName.indices }, process.env.LSF_STANDIN_ARRAY_DEP_MATCH === 'size' ? 'size' : 'indices');
      } catch (e) {
        if (e instanceof DepResolveError) notSubmitted(e.prefix ? `${e.prefix}: ${e.message}` : e.message);
        throw e;
      }
    }
    const idFile = path.join(dir, 'next_id');
    const id = Number(readJson(idFile, envInt('LSF_STANDIN_FIRST_JOB_ID', 1)));
    writeAtomic(idFile, String(id + 1));

    if (script !== null) fs.writeFileSync(path.join(dir, 'jobs', `${id}.script`), script, { mode: 0o755 });

    const elements = {};
    for (const key of jobName.indices ? jobName.indices.map(String) : ['0']) {
      elements[key] = {
        state: opts.H ? 'PSUSP' : 'PEND',
        pendReason: opts.H ? 'The job was suspended by the user while pending' : 'New job is waiting for scheduling',
        exitCode: null, exitReason: null, startTime: null, finishTime: null, pid: null,
        host: null, requeues: 0, postState: null, everStarted: false, killRequested: null,
      };
    }
    if (group) {
      const gf = path.join(dir, 'groups.json');
      const groups = new Set(readJson(gf, []));
      const parts = group.split('/').filter(Boolean);
      for (let k = 1; k <= parts.length; k++) groups.add(`/${parts.slice(0, k).join('/')}`);
      writeAtomic(gf, JSON.stringify([...groups].sort()));
    }
    const job = {
      id,
      name: jobName.name,
      indices: jobName.indices,
      slotLimit: jobName.slotLimit,
      user,
      queue,
      queueExplicit,
      project: opts.P ?? process.env.LSB_DEFAULTPROJECT ?? null,
      userGroup: opts.G ?? null,
      app: opts.app ?? null,
      group,
      fromHost: host,
      command: script !== null ? script : commandLine(command),
      argv: script !== null ? null : command,
      spooled: script !== null,
      subCwd: process.cwd(),
      cwdSpec: opts.cwd ?? null,
      out: opts.oo ?? opts.o ?? null,
      outOverwrite: opts.oo !== undefined,
      err: opts.eo ?? opts.e ?? null,
      errOverwrite: opts.eo !== undefined,
      input: opts.i ?? null,
      depend: opts.w ?? null,
      dependAst: depAst,
      ti: Boolean(opts.ti),
      slots,
      resReq: opts.R.length ? opts.R.join(' ') : null,
      memLimit,
      runLimitMin,
      requeue,
      rerunnable: Boolean(opts.r),
      preExec: opts.E ?? null,
      postExec: opts.Ep ?? null,
      notifyEnd: Boolean(opts.N),
      submitTime: now,
      env: jobEnvironment(opts.env),
      elements,
    };
    writeJob(dir, job);
    if (cache) all.push(job);
    return id;
  });
}

/** "Job <ID> is submitted to [default ]queue <Q>." (LSF's bsub). */
function submittedMessage(req, id) {
  return req.queueExplicit
    ? `Job <${id}> is submitted to queue <${req.queue}>.\n`
    : `Job <${id}> is submitted to default queue <${req.queue}>.\n`;
}

// ---------------------------------------------------------------------------------------------
// Job packs: bsub -pack job_submission_file (tests/lsf/README.md, "bsub -pack").

// Options IBM's bsub.pack.1 excludes from job submission files.
const PACK_EXCLUDED = new Set(['I', 'Ip', 'Is', 'IS', 'ISp', 'ISs', 'IX', 'XF', 'K', 'jsdl', 'h', 'V', 'pack']);
// Characters a shell would treat as operators or expansions; POSIX wordexp(3), which volclava
// uses, refuses the first ones (WRDE_BADCHAR); the stand-in expands nothing, so it refuses $ and ` too.
const PACK_BAD_CHARS = new Set(['|', '&', ';', '<', '>', '(', ')', '{', '}', '$', '`']);

/**
 * Splits one job pack line into words the way a shell would, without any expansion: single
 * quotes are literal; inside double quotes a backslash escapes only " \ $ and `; outside quotes
 * a backslash escapes the next character; an unquoted # at the start of a word begins a comment.
 * Returns null (refused) for an unquoted |&;<>(){}, a $ or ` outside single quotes and not
 * escaped, an unbalanced quote or a trailing backslash.
 */
export function splitPackLine(line) {
  const words = [];
  let cur = null; // the word being built; null between words
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      if (cur !== null) words.push(cur);
      cur = null;
    } else if (c === '#' && cur === null) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return null;
      cur = (cur ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let w = cur ?? '';
      let j = i + 1;
      for (; ; j++) {
        if (j >= line.length) return null;
        const d = line[j];
        if (d === '"') break;
        if (d === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1])) w += line[++j];
        else if (d === '$' || d === '`') return null;
        else w += d;
      }
      cur = w;
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return null;
      cur = (cur ?? '') + line[++i];
    } else if (PACK_BAD_CHARS.has(c)) {
      return null;
    } else {
      cur = (cur ?? '') + c;
    }
  }
  if (cur !== null) words.push(cur);
  return words;
}

/**
 * The job requests of a job submission file, in file order: { line, text, words } with line
 * the 1-based number of the request's first line, words null when the line cannot be split.
 * Blank lines and comment lines are skipped; a line ending in a backslash continues on the
 * next one (the backslash and the newline become a blank, as volclava's line reader does).
 */
export function packRequests(text) {
  const lines = text.split(/\r?\n/);
  const out = [];
  const continues = (l) => /\\+$/.test(l) && /\\+$/.exec(l)[0].length % 2 === 1;
  for (let k = 0; k < lines.length; k++) {
    const first = k + 1;
    let line = lines[k];
    while (continues(line) && k + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++k]}`;
    line = line.replace(/\s+$/, '');
    const words = splitPackLine(line);
    if (words !== null && words.length === 0) continue; // blank, or only a comment
    out.push({ line: first, text: line, words });
  }
  return out;
}

/** A job pack file's text, or { error } with the message volclava prints. */
function readPackFile(file) {
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    // volclava checks "is a text file" (fopen + read) before it opens the file to read it, so a
    // missing or unreadable file gets the text-file message; a directory opens but cannot be read.
    if (e.code === 'EISDIR') return { error: `Cannot read file <${file}>` };
    return { error: `Error: File <${file}> is not a valid text file` };
  }
  // volclava's is_text_file(): no NUL byte, and fewer than 10% control characters other than
  // \n \r \t, in the first 1024 bytes.
  const head = buf.subarray(0, 1024);
  let nonText = 0;
  for (const b of head) {
    if (b === 0) return { error: `Error: File <${file}> is not a valid text file` };
    if (b < 32 && b !== 10 && b !== 13 && b !== 9) nonText++;
  }
  if (head.length > 0 && nonText * 10 >= head.length) return { error: `Error: File <${file}> is not a valid text file` };
  return { text: buf.toString('utf8') };
}

/** One request of a job pack, validated and submitted as an individual bsub; returns { req, id }. */
function submitPackRequest(dir, request, cache) {
  if (request.words === null) notSubmitted(`Failed to parse command line: "${request.text}"`);
  let opts;
  let command;
  try {
    const parsed = parseOptions(request.words, { embedded: true });
    command = parsed.command;
    const excluded = parsed.names.find((n) => PACK_EXCLUDED.has(n));
    if (excluded) notSubmitted(`-${excluded}: option not supported in a job pack`);
    const text = jobText(command, { stdin: false });
    opts = mergeEmbedded(parsed.opts, text.embeddedArgs);
    const fromScript = Object.keys(opts).find((n) => PACK_EXCLUDED.has(n));
    if (fromScript) notSubmitted(`-${fromScript}: option not supported in a job pack`);
    const req = validateRequest(opts, command, text.script);
    return { req, id: submitRequest(dir, req, cache) };
  } catch (e) {
    if (e instanceof UsageError) notSubmitted(`${PROG}: ${e.message}`);
    throw e;
  }
}

/**
 * bsub -pack FILE: every request of the file submitted in file order as an individual bsub
 * would submit it, in packs of at most LSF_STANDIN_MAX_PACK_JOBS requests (one lock hold
 * each, so a pack's jobs get consecutive IDs). Prints, after the last request, what the
 * individual bsub calls would have printed (or volclava's `Line#<n> ` lines and summary), and
 * exits 0 when every request was submitted, else 255. Never returns.
 */
function packMain(dir, file, hangAfter) {
  const max = envInt('LSF_STANDIN_MAX_PACK_JOBS', 0);
  const maxPack = Number.isInteger(max) && max > 0 ? max : 0;
  if (maxPack === 0) {
    process.stderr.write('Pack submission disabled by LSB_MAX_PACK_JOBS in lsf.conf. Job not submitted.\n');
    process.exit(255);
  }
  const read = readPackFile(file);
  if (read.error) {
    process.stderr.write(`${read.error}. Job not submitted.\n`);
    process.exit(255);
  }
  const requests = packRequests(read.text);
  const skipErrors = /^[yY]$/.test(process.env.LSF_STANDIN_PACK_SKIP_ERROR || '');
  const volclava = process.env.LSF_STANDIN_PACK_OUTPUT === 'volclava';

  const output = []; // [stream, text] in file order, printed once the whole file is done
  let submitted = 0;
  let failed = 0;
  let stop = false;
  for (let start = 0; start < requests.length && !stop; start += maxPack) {
    withLock(dir, () => {
      const cache = { jobs: null };
      for (const request of requests.slice(start, start + maxPack)) {
        const prefix = volclava ? `Line#${request.line} ` : '';
        try {
          const { req, id } = submitPackRequest(dir, request, cache);
          submitted++;
          if (volclava) output.push(['stdout', `${prefix}Job <${id}> is submitted to queue <${req.queue}>.\n`]);
          else output.push([process.env.BSUB_STDERR ? 'stderr' : 'stdout', submittedMessage(req, id)]);
        } catch (e) {
          if (!(e instanceof NotSubmitted)) throw e;
          failed++;
          output.push(['stderr', `${prefix}${e.message}. Job not submitted.\n`]);
          if (!skipErrors) {
            stop = true; // LSB_PACK_SKIP_ERROR=N: the remaining requests are not submitted
            return;
          }
        }
      }
    });
  }

  if (submitted > 0) ensureScheduler(dir);
  // LSF_STANDIN_HANG=bsub:N:after: the pack's jobs are in, the answer never comes.
  if (hangAfter) hang();

  for (const [stream, text] of output) process[stream].write(text);
  if (volclava) process.stdout.write(`${submitted + failed} lines parsed, ${submitted} jobs submitted, ${failed} errors found.\n`);
  process.exit(failed > 0 ? 255 : 0);
}

function main() {
  const argv = process.argv.slice(2);
  injectSchedulerFault(PROG, process.argv.slice(2), usageExit);
  const dir = stateDir(PROG);
  touchActivity(dir);

  // Fault injection: count this call (a job pack is one call), then fail it when asked to.
  const callNo = withLock(dir, () => {
    const f = path.join(dir, 'bsub_calls');
    const n = Number(readJson(f, 0)) + 1;
    writeAtomic(f, String(n));
    return n;
  });
  const hangs = hangRule(PROG);
  const hangAfter = hangs !== null && hangs !== 'every' && hangs.call === callNo && hangs.after;
  if (hangs !== null && hangs !== 'every' && hangs.call === callNo && !hangs.after) hang();
  if (isFailingCall(process.env.LSF_STANDIN_FAIL_SUBMIT, callNo)) {
    const msg = process.env.LSF_STANDIN_FAIL_MESSAGE || 'Contacting batch daemon: Communication timeout';
    process.stderr.write(`${msg}. Job not submitted.\n`);
    process.exit(process.env.LSF_STANDIN_FAIL_SILENT === '1' ? 0 : 255);
  }

  const { opts: cli, command } = parseOptions(argv);
  if (cli.pack !== undefined) {
    // IBM bsub.pack.1: "Do not use the -pack option with any other bsub option on the command line".
    if (argv.length !== 2 || argv[0] !== '-pack') usageExit(`${PROG}: -pack cannot be used with any other option or a command`);
    packMain(dir, cli.pack, hangAfter);
  }
  if (cli.h) usageExit();
  if (cli.V) {
    process.stderr.write('IBM Spectrum LSF Standard 10.1.0.0 (LSF stand-in for libcc tests)\n');
    process.exit(0);
  }
  if (cli.I || cli.Ip || cli.Is || cli.IS || cli.ISp || cli.ISs || cli.IX) {
    process.stderr.write(`${PROG}: interactive jobs are not supported by the LSF stand-in\n`);
    process.exit(255);
  }

  let req;
  let id;
  try {
    // Job text: command words, or a script read from standard input.
    const { script, embeddedArgs } = jobText(command, { stdin: true });
    const opts = mergeEmbedded(cli, embeddedArgs);
    req = validateRequest(opts, command, script);
    id = submitRequest(dir, req);
  } catch (e) {
    if (e instanceof NotSubmitted) {
      process.stderr.write(`${e.message}. Job not submitted.\n`);
      process.exit(255);
    }
    if (e instanceof UsageError) usageExit(`${PROG}: ${e.message}`);
    throw e;
  }

  ensureScheduler(dir);
  // LSF_STANDIN_HANG=bsub:N:after: the job is in, the answer never comes.
  if (hangAfter) hang();

  const msg = submittedMessage(req, id);
  if (process.env.BSUB_STDERR) process.stderr.write(msg);
  else process.stdout.write(msg);

  if (req.opts.K) {
    process.stderr.write('<<Waiting for dispatch ...>>\n');
    const poll = envInt('LSF_STANDIN_POLL_MS', 50);
    let job;
    for (;;) {
      job = readJob(dir, id);
      if (job && isJobFinished(job)) break;
      sleepSync(poll);
      touchActivity(dir);
    }
    process.stderr.write('<<Job is finished>>\n');
    const el = job.elements['0'];
    if (el.state === 'DONE') process.exit(0);
    if (!el.everStarted) process.exit(126);
    process.exit(el.exitCode ?? 1);
  }
}

main();
