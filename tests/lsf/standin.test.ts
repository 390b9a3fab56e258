// Tests of the LSF stand-in itself (tests/lsf/bin): the fake must behave like LSF 10.1 where
// libcc's generated scripts depend on it. Every test gets its own state directory and
// scheduler; afterEach kills whatever is left.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStandin, type ElementRecord, type Standin, type StandinOptions } from './standin.js';

const open: Standin[] = [];
function standin(opts: StandinOptions = {}): Standin {
  const s = createStandin(opts);
  open.push(s);
  return s;
}
afterEach(async () => {
  while (open.length) await open.pop()!.shutdown();
});

async function submit(lsf: Standin, args: string[], input?: string): Promise<number> {
  const r = await lsf.bsub(args, input === undefined ? undefined : { input });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.id).not.toBeNull();
  return r.id!;
}

/** Process exists and is not a zombie (PID 1 of some containers never reaps orphans). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** SIGSTOP (19) is pending for process `pid`: in its thread group's pending set (ShdPnd) or its own (SigPnd), /proc/PID/status. */
function stopPending(pid: number): boolean {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return ['ShdPnd', 'SigPnd'].some((field) => {
    const mask = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'm').exec(status)?.[1];
    return mask !== undefined && (BigInt(`0x${mask}`) & (1n << 18n)) !== 0n;
  });
}

/** Shell snippet that blocks until openGate(lsf, name) is called (jobs run in lsf.dir). */
const waitGate = (name: string) => `while [ ! -e gate.${name} ]; do sleep 0.02; done`;
const openGate = (lsf: Standin, name: string) => fs.writeFileSync(path.join(lsf.dir, `gate.${name}`), '');

function el(lsf: Standin, id: number, index = 0): ElementRecord {
  const e = lsf.element(id, index);
  if (!e) throw new Error(`no element ${id}[${index}]`);
  return e;
}

describe('bsub submission', () => {
  it('prints LSF submission messages with increasing job IDs', async () => {
    const lsf = standin();
    const a = await lsf.bsub(['true']);
    expect(a.stdout).toMatch(/^Job <\d+> is submitted to default queue <normal>\.\n$/);
    const b = await lsf.bsub(['-q', 'normal', 'true']);
    expect(b.stdout).toBe(`Job <${b.id}> is submitted to queue <normal>.\n`);
    const c = await lsf.bsub(['true'], { env: { LSB_DEFAULTQUEUE: 'short' } });
    expect(c.stdout).toBe(`Job <${c.id}> is submitted to queue <short>.\n`);
    expect(b.id).toBeGreaterThan(a.id!);
    expect(c.id).toBeGreaterThan(b.id!);
    await lsf.waitIdle();
    expect(lsf.jobs().map((j) => j.elements['0']!.state)).toEqual(['DONE', 'DONE', 'DONE']);
  });

  it('fails on demand like a cluster whose daemons are down, or whose commands lack options', async () => {
    const lsf = standin();
    const id = await submit(lsf, ['-g', '/grp', 'sleep 30']);
    const down = { LSF_STANDIN_DOWN: 'bjobs,bkill' };
    for (const [cmd, args] of [['bjobs', ['-a']], ['bkill', ['0']]] as const) {
      const r = await lsf.run(cmd, [...args], { env: down });
      expect(r).toEqual({ code: 255, stdout: '', stderr: 'LSF is down. Please wait ...\n' });
    }
    // Only the commands named fail; bsub still works.
    expect((await lsf.bsub(['true'], { env: down })).code).toBe(0);
    const all = await lsf.bsub(['true'], { env: { LSF_STANDIN_DOWN: 'all', LSF_STANDIN_DOWN_MESSAGE: 'Batch system not responding' } });
    expect(all.code).toBe(255);
    expect(all.stderr).toBe('Batch system not responding\n');
    expect(all.id).toBeNull();

    const lacks = { LSF_STANDIN_ILLEGAL_OPTIONS: 'bjobs:-o bjobs:-noheader bkill:-g bsub:-ti' };
    const o = await lsf.run('bjobs', ['-o', 'jobid stat'], { env: lacks });
    expect(o.code).toBe(255);
    expect(o.stderr).toMatch(/^bjobs: invalid option -- 'o'\nUsage: bjobs /);
    expect((await lsf.run('bjobs', ['-noheader'], { env: lacks })).stderr).toMatch(/^bjobs: invalid option -- 'n'\n/);
    const g = await lsf.run('bkill', ['-g', '/grp', '0'], { env: lacks });
    expect(g.code).toBe(255);
    expect(g.stderr).toMatch(/^bkill: invalid option -- 'g'\n/);
    const ti = await lsf.bsub(['-w', `done(${id})`, '-ti', 'true'], { env: lacks });
    expect(ti.code).toBe(255);
    expect(ti.stderr).toMatch(/^bsub: invalid option -- 't'\n/);
    // Options not listed still work; nothing was killed.
    expect((await lsf.run('bjobs', ['-a'], { env: lacks })).code).toBe(0);
    expect(lsf.jobs().find((j) => j.id === id)!.elements['0']!.state).not.toBe('EXIT');
    expect((await lsf.run('bkill', ['-g', '/grp', '0'])).stdout).toBe(`Job <${id}> is being terminated\n`);
  });

  it('rejects unknown options, bad -M/-W/-n/-R values and unknown queues with LSF messages', async () => {
    const lsf = standin({ env: { LSF_STANDIN_QUEUES: 'normal short' } });
    const bad = await lsf.bsub(['-Z', 'true']);
    expect(bad.code).toBe(255);
    expect(bad.stderr).toMatch(/^bsub: illegal option -- Z\nUsage: bsub/);

    const mem = await lsf.bsub(['-M', '64GB', 'true']);
    expect(mem).toMatchObject({ code: 255, stdout: '', stderr: '64GB: MEMLIMIT value should be a positive integer. Job not submitted.\n' });
    expect((await lsf.bsub(['-M', '65536', 'true'])).code).toBe(0);
    expect((await lsf.bsub(['-M', '64GB', 'true'], { env: { LSF_STANDIN_ALLOW_MEM_UNITS: '1' } })).code).toBe(0);

    expect((await lsf.bsub(['-W', '1:30', 'true'])).code).toBe(0);
    expect((await lsf.bsub(['-W', '90s', 'true'])).stderr).toBe('90s: Bad RUNLIMIT specification. Job not submitted.\n');
    expect((await lsf.bsub(['-n', '0', 'true'])).stderr).toBe('The number of processors must be a positive integer. Job not submitted.\n');
    expect((await lsf.bsub(['-R', 'select[mem>100', 'true'])).stderr).toBe('Bad resource requirement syntax. Job not submitted.\n');
    expect((await lsf.bsub(['-R', 'select[mem>100] rusage[mem=100] span[hosts=1]', 'true'])).code).toBe(0);
    expect((await lsf.bsub(['-q', 'long', 'true'])).stderr).toBe('long: No such queue. Job not submitted.\n');
    const ids = lsf.jobs().map((j) => j.id);
    expect(ids).toHaveLength(4); // only the accepted submissions made jobs
  });

  it('validates job array specifications', async () => {
    const lsf = standin({ env: { LSF_STANDIN_MAX_JOB_ARRAY_SIZE: '100' } });
    expect((await lsf.bsub(['-J', 'a[1-100]', 'true'])).code).toBe(0);
    expect((await lsf.bsub(['-J', 'a[1-101]', 'true'])).stderr).toBe('Job array index too large. Job not submitted.\n');
    expect((await lsf.bsub(['-J', 'a[0-3]', 'true'])).stderr).toBe('Job array index error. Job not submitted.\n');
    expect((await lsf.bsub(['-J', 'a[1-3', 'true'])).stderr).toBe('Job array index error. Job not submitted.\n');
    expect((await lsf.bsub(['-J', 'my job[1-3]', 'true'])).stderr).toBe('Bad job name. Job not submitted.\n');
    expect((await lsf.bsub(['-J', `x[${'1,'.repeat(130)}2]`, 'true'])).stderr).toBe('Bad job name. Job not submitted.\n');
    const ok = await lsf.bsub(['-J', 'b_1.x-y[2,5,7-9:2]%2', 'true']);
    expect(ok.code).toBe(0);
    expect(lsf.job(ok.id!)).toMatchObject({ name: 'b_1.x-y', indices: [2, 5, 7, 9], slotLimit: 2 });
    await lsf.run('bkill', ['0']);
  });

  it('gives 20 concurrent bsub calls 20 distinct job IDs', async () => {
    const lsf = standin();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => lsf.bsub(['-J', `c${i}`, 'true'])));
    const ids = results.map((r) => r.id);
    expect(ids.every((id) => id !== null)).toBe(true);
    expect(new Set(ids).size).toBe(20);
    const sorted = [...(ids as number[])].sort((x, y) => x - y);
    expect(sorted[19]! - sorted[0]!).toBe(19);
    await lsf.waitIdle();
    expect(lsf.jobs().filter((j) => j.elements['0']!.state === 'DONE')).toHaveLength(20);
  });

  it('injects submission failures: loud (exit 255) and silent (exit 0)', async () => {
    const lsf = standin({ env: { LSF_STANDIN_FAIL_SUBMIT: '2' } });
    const first = await lsf.bsub(['true']);
    const second = await lsf.bsub(['true']);
    const third = await lsf.bsub(['true']);
    expect(first.id).not.toBeNull();
    expect(second).toMatchObject({ code: 255, stdout: '', id: null });
    expect(second.stderr).toMatch(/\. Job not submitted\.\n$/);
    expect(third.id).toBe(first.id! + 1);

    const silent = standin({ env: { LSF_STANDIN_FAIL_SUBMIT: '1', LSF_STANDIN_FAIL_SILENT: '1' } });
    const s = await silent.bsub(['true']);
    expect(s.code).toBe(0);
    expect(s.stdout).not.toMatch(/Job <\d+>/);
    expect(s.stderr).toMatch(/Job not submitted\./);
    expect(silent.jobs()).toHaveLength(0);
  });

  it('reads #BSUB lines only from `bsub < script` (unless LSB_BSUB_PARSE_SCRIPT=Y)', async () => {
    const lsf = standin();
    const script = '#!/bin/bash\n#BSUB -J from_script\n#BSUB -o %J.embedded.log\necho "in $LSB_JOBNAME"\n';
    const viaStdin = await submit(lsf, [], script);
    fs.writeFileSync(path.join(lsf.dir, 'job.sh'), script, { mode: 0o755 });
    const asArg = await submit(lsf, ['./job.sh']);
    const parsed = (await lsf.bsub(['./job.sh'], { env: { LSB_BSUB_PARSE_SCRIPT: 'Y' } })).id!;
    const cli = await submit(lsf, ['-J', 'cli_wins'], script);
    await lsf.waitIdle();
    expect(lsf.job(viaStdin)!.name).toBe('from_script');
    expect(lsf.job(asArg)!.name).toBe('./job.sh');
    expect(lsf.job(parsed)!.name).toBe('from_script');
    expect(lsf.job(cli)!.name).toBe('cli_wins');
    expect(fs.readFileSync(path.join(lsf.dir, `${viaStdin}.embedded.log`), 'utf8')).toMatch(/^in from_script\n/);
    expect(fs.existsSync(path.join(lsf.dir, `${asArg}.embedded.log`))).toBe(false);
    expect((await lsf.bsub([], { input: '# only comments\n#BSUB -J x\n' })).stderr).toBe('No command is specified. Job not submitted.\n');
  });
});

describe('job execution and output', () => {
  it('runs jobs with LSF variables, -cwd and %J/%I output files; -o alone takes stderr', async () => {
    const lsf = standin();
    fs.mkdirSync(path.join(lsf.dir, 'work'));
    const id = await submit(lsf, ['-cwd', 'work', '-o', 'out.%J.%I', 'echo "$LSB_JOBID $LSB_JOBINDEX $LSB_QUEUE $(basename $PWD)"; echo oops >&2']);
    const sep = await submit(lsf, ['-o', 'o.%J', '-e', 'e.%J', 'echo out; echo err >&2; exit 3']);
    const noReport = await lsf.bsub(['-o', 'plain.%J', 'echo only'], { env: { LSF_STANDIN_JOB_REPORT: '0' } });
    const lost = await submit(lsf, ['-o', 'missing_dir/x.log', 'echo lost']);
    const spooled = await lsf.bsub(['-o', 'spooled.%J', 'echo late'], { env: { LSF_STANDIN_STDOUT_DIRECT: 'N' } });
    await lsf.waitIdle();
    // Without LSB_STDOUT_DIRECT the file appears at the end: report first, then the output.
    expect(fs.readFileSync(path.join(lsf.dir, `spooled.${spooled.id}`), 'utf8')).toMatch(/Successfully completed\.[\s\S]*The output \(if any\) follows:\n\nlate\n$/);
    const out = fs.readFileSync(path.join(lsf.dir, 'work', `out.${id}.0`), 'utf8');
    expect(out).toMatch(new RegExp(`^${id} 0 normal work\\noops\\n`));
    expect(out).toContain(`Subject: Job ${id}: <`);
    expect(out).toContain('Successfully completed.');
    expect(fs.readFileSync(path.join(lsf.dir, `o.${sep}`), 'utf8')).toMatch(/^out\n[\s\S]*Exited with exit code 3\./);
    expect(fs.readFileSync(path.join(lsf.dir, `e.${sep}`), 'utf8')).toBe('err\n');
    expect(fs.readFileSync(path.join(lsf.dir, `plain.${noReport.id}`), 'utf8')).toBe('only\n');
    expect(fs.existsSync(path.join(lsf.dir, 'missing_dir'))).toBe(false); // LSF does not create it
    expect(el(lsf, lost).outputLost).toBe(true);
    expect(el(lsf, sep)).toMatchObject({ state: 'EXIT', exitCode: 3 });
  });

  it('bjobs -o with a delimiter, -noheader, -a, -J and exit codes', async () => {
    const lsf = standin();
    const ok = await submit(lsf, ['-J', 'good', 'true']);
    const ko = await submit(lsf, ['-J', 'bad', 'exit 7']);
    const arr = await submit(lsf, ['-J', 'arr[1-2]', 'true']);
    await lsf.waitIdle();
    const fmt = "jobid stat exit_code job_name delimiter='|'";
    const r = await lsf.run('bjobs', ['-a', '-noheader', '-o', fmt]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${ok}|DONE|-|good\n${ko}|EXIT|7|bad\n${arr}|DONE|-|arr[1]\n${arr}|DONE|-|arr[2]\n`);
    const withHeader = await lsf.run('bjobs', ['-a', '-o', fmt, '-J', 'bad']);
    expect(withHeader.stdout).toBe(`JOBID|STAT|EXIT_CODE|JOB_NAME\n${ko}|EXIT|7|bad\n`);
    const none = await lsf.run('bjobs', []);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'No unfinished job found\n' });
    const missing = await lsf.run('bjobs', ['999999']);
    expect(missing).toMatchObject({ code: 255, stderr: 'Job <999999> is not found\n' });
    const def = await lsf.run('bjobs', ['-a', String(ok)]);
    expect(def.stdout.split('\n')[0]).toBe('JOBID   USER    STAT  QUEUE      FROM_HOST   EXEC_HOST   JOB_NAME   SUBMIT_TIME');
    expect(def.stdout.split('\n')[1]).toMatch(new RegExp(`^${ok}\\s+\\S+\\s+DONE\\s+normal\\s+\\S+\\s+\\S+\\s+good\\s+\\w{3} \\d\\d \\d\\d:\\d\\d$`));
  });
});

describe('dependencies', () => {
  it('runs a done() chain in order', async () => {
    const lsf = standin();
    const a = await submit(lsf, ['-J', 'a', waitGate('a')]);
    const b = await submit(lsf, ['-J', 'b', '-w', `done(${a})`, 'sleep 0.1']);
    const c = await submit(lsf, ['-J', 'c', '-w', `done(${b})`, 'true']);
    await lsf.waitFor(() => el(lsf, a).state === 'RUN' && el(lsf, c).pendReason === 'Job dependency condition not satisfied', 5000, 'a running');
    expect(el(lsf, b)).toMatchObject({ state: 'PEND', pendReason: 'Job dependency condition not satisfied' });
    openGate(lsf, 'a');
    await lsf.waitIdle();
    expect(el(lsf, b).startTime!).toBeGreaterThanOrEqual(el(lsf, a).finishTime!);
    expect(el(lsf, c).startTime!).toBeGreaterThanOrEqual(el(lsf, b).finishTime!);
    expect([a, b, c].map((id) => el(lsf, id).state)).toEqual(['DONE', 'DONE', 'DONE']);
  });

  it('evaluates ended, exit(id, code), !, || and && like LSF', async () => {
    const lsf = standin();
    const a = await submit(lsf, ['-J', 'fails75', `${waitGate('a')}; exit 75`]);
    const notDone = await submit(lsf, ['-w', `!done(${a})`, 'true']); // true right now: runs at once
    const exit75 = await submit(lsf, ['-w', `exit(${a}, 75)`, 'true']);
    const exitNe0 = await submit(lsf, ['-w', `exit(${a},!=0)`, 'true']);
    const exit3 = await submit(lsf, ['-w', `exit(${a}, 3)`, 'true']);
    const ended = await submit(lsf, ['-w', `ended(${a})`, 'true']);
    const orCond = await submit(lsf, ['-w', `done(${a}) || exit("fails75")`, 'true']);
    const andCond = await submit(lsf, ['-w', `ended(${a}) && (done(${a}))`, 'true']);
    const bare = await submit(lsf, ['-w', String(a), 'true']);
    const byName = await submit(lsf, ['-w', 'done(fails75)', 'true']);
    await lsf.waitFor(() => el(lsf, notDone).state === 'DONE', 5000, '!done() to run while its parent runs');
    expect(el(lsf, a).state).toBe('RUN');
    openGate(lsf, 'a');
    await lsf.waitIdle();
    expect(el(lsf, a)).toMatchObject({ state: 'EXIT', exitCode: 75 });
    expect(el(lsf, notDone).startTime!).toBeLessThan(el(lsf, a).finishTime!);
    for (const id of [exit75, exitNe0, ended, orCond]) {
      expect(el(lsf, id).state).toBe('DONE');
      expect(el(lsf, id).startTime!).toBeGreaterThanOrEqual(el(lsf, a).finishTime!);
    }
    for (const id of [exit3, andCond, bare, byName]) {
      expect(el(lsf, id)).toMatchObject({ state: 'PEND', pendReason: 'Dependency condition invalid or never satisfied' });
    }
  });

  it('rejects dependencies on unknown jobs and bad syntax with LSF messages', async () => {
    const lsf = standin();
    const a = await submit(lsf, ['-J', 'known', 'true']);
    const unknownId = await lsf.bsub(['-w', 'done(999999)', 'true']);
    expect(unknownId).toMatchObject({ code: 255, stdout: '', stderr: '999999: No matching job found. Job not submitted.\n' });
    const unknownName = await lsf.bsub(['-w', `done(${a}) && done("nosuch")`, 'true']);
    expect(unknownName.stderr).toBe('nosuch: No matching job found. Job not submitted.\n');
    const syntax = await lsf.bsub(['-w', `done(${a}`, 'true']);
    expect(syntax.stderr).toBe(`done(${a}: Dependency condition syntax error. Job not submitted.\n`);
    expect((await lsf.bsub(['-w', `done(${a}) & done(${a})`, 'true'])).stderr).toMatch(/Dependency condition syntax error\. Job not submitted\.\n$/);
    expect((await lsf.bsub(['-w', `numdone(${a})`, 'true'])).stderr).toMatch(/Dependency condition syntax error/);
    expect((await lsf.bsub(['-ti', 'true'])).code).toBe(255);
    expect(lsf.jobs()).toHaveLength(1);
  });

  it('orphans: -ti terminates at once and cascades; without -ti the job pends forever', async () => {
    const lsf = standin();
    const parent = await submit(lsf, ['-J', 'parent', `${waitGate('p')}; exit 1`]);
    const withTi = await submit(lsf, ['-w', `done(${parent})`, '-ti', 'true']);
    const grandTi = await submit(lsf, ['-w', `done(${withTi})`, '-ti', 'true']);
    const noTi = await submit(lsf, ['-w', `done(${parent})`, 'true']);
    const grandNoTi = await submit(lsf, ['-w', `done(${noTi})`, 'true']);
    await lsf.waitFor(() => el(lsf, grandNoTi).pendReason === 'Job dependency condition not satisfied', 5000, 'evaluated');
    expect(el(lsf, withTi)).toMatchObject({ state: 'PEND', pendReason: 'Job dependency condition not satisfied' });
    openGate(lsf, 'p');
    await lsf.waitIdle();
    const pFinish = el(lsf, parent).finishTime!;
    expect(el(lsf, withTi)).toMatchObject({ state: 'EXIT', exitReason: 'TERM_ORPHAN_SYSTEM', everStarted: false });
    expect(el(lsf, withTi).finishTime! - pFinish).toBeLessThan(1000);
    expect(el(lsf, grandTi)).toMatchObject({ state: 'EXIT', exitReason: 'TERM_ORPHAN_SYSTEM' });
    expect(el(lsf, noTi)).toMatchObject({ state: 'PEND', pendReason: 'Dependency condition invalid or never satisfied' });
    expect(el(lsf, grandNoTi)).toMatchObject({ state: 'PEND', pendReason: 'Job dependency condition not satisfied' });
    const reasons = await lsf.run('bjobs', ['-noheader', '-o', "jobid pend_reason delimiter='|'"]);
    expect(reasons.stdout).toBe(
      `${noTi}|Dependency condition invalid or never satisfied\n${grandNoTi}|Job dependency condition not satisfied\n`,
    );
    // Killing the orphan turns its own dependant into an orphan.
    expect((await lsf.run('bkill', [String(noTi)])).stdout).toBe(`Job <${noTi}> is being terminated\n`);
    await lsf.waitFor(() => el(lsf, grandNoTi).pendReason === 'Dependency condition invalid or never satisfied', 5000, 'cascade');
    expect(el(lsf, noTi)).toMatchObject({ state: 'EXIT', exitReason: 'TERM_OWNER' });
  });

  it('post_done, started and bwait', async () => {
    const lsf = standin();
    const a = await submit(lsf, ['-Ep', 'true', waitGate('a')]);
    const started = await submit(lsf, ['-w', `started(${a})`, 'true']);
    const post = await submit(lsf, ['-w', `post_done(${a})`, 'true']);
    await lsf.waitFor(() => el(lsf, started).state === 'DONE', 5000, 'started()');
    expect(el(lsf, post).state).toBe('PEND');
    openGate(lsf, 'a');
    const w = await lsf.run('bwait', ['-w', `done(${post})`]);
    expect(w.code).toBe(0);
    expect(el(lsf, post).state).toBe('DONE');
    expect(el(lsf, started).startTime!).toBeLessThan(el(lsf, a).finishTime!);
    const never = await lsf.run('bwait', ['-w', `exit(${a})`]);
    expect(never.code).not.toBe(0);
  });
});

describe('job arrays', () => {
  it('honours %N, sets LSB_JOBINDEX and substitutes %J/%I', async () => {
    const lsf = standin();
    const id = await submit(lsf, ['-J', 'arr[1-4]%2', '-o', 'log.%J.%I', 'echo "index=$LSB_JOBINDEX name=$LSB_JOBNAME"; sleep 0.25']);
    await lsf.waitIdle();
    const job = lsf.job(id)!;
    const runs = Object.values(job.elements).map((e) => [e.startTime!, e.finishTime!] as const);
    for (const [s] of runs) {
      const concurrent = runs.filter(([s2, f2]) => s2 <= s && f2 > s).length;
      expect(concurrent).toBeLessThanOrEqual(2);
    }
    for (const i of [1, 2, 3, 4]) {
      expect(fs.readFileSync(path.join(lsf.dir, `log.${id}.${i}`), 'utf8')).toMatch(new RegExp(`^index=${i} name=arr\\[${i}\\]\\n`));
    }
    const lines = (await lsf.run('bjobs', ['-a', '-noheader', '-o', "jobid job_name stat delimiter=','"])).stdout;
    expect(lines).toBe([1, 2, 3, 4].map((i) => `${id},arr[${i}],DONE\n`).join(''));
  });

  it('done(A[*]) is element-wise; done(A) waits for the whole array; index lists must match', async () => {
    const lsf = standin();
    // Element i of A waits for gate i; the test opens them in reverse order.
    const a = await submit(lsf, ['-J', 'A[1-3]', 'while [ ! -e gate.$LSB_JOBINDEX ]; do sleep 0.02; done']);
    const b = await submit(lsf, ['-J', 'B[1-3]', '-w', `done(${a}[*])`, 'true']);
    const gather = await submit(lsf, ['-w', `done(${a})`, 'true']);
    const one = await submit(lsf, ['-w', `done(${a}[3])`, 'true']);
    const byName = await submit(lsf, ['-J', 'C[1-3]', '-w', 'done(A[*])', 'true']);
    const size = await lsf.bsub(['-J', 'D[1-4]', '-w', `done(${a}[*])`, 'true']);
    expect(size).toMatchObject({ code: 255, stderr: 'Dependent arrays do not have the same size. Job not submitted.\n' });
    const shifted = await lsf.bsub(['-J', 'E[2-4]', '-w', `done(${a}[*])`, 'true']);
    expect(shifted.code).toBe(255);
    const plain = await lsf.bsub(['-w', `done(${a}[*])`, 'true']);
    expect(plain.code).toBe(255);
    openGate(lsf, '3');
    await lsf.waitFor(() => el(lsf, b, 3).state === 'DONE' && el(lsf, one).state === 'DONE', 5000, 'B[3] after A[3]');
    expect(el(lsf, a, 1).state).toBe('RUN'); // element-wise, not a gather
    expect(el(lsf, b, 1).state).toBe('PEND');
    expect(el(lsf, gather).state).toBe('PEND');
    openGate(lsf, '2');
    openGate(lsf, '1');
    await lsf.waitIdle();
    for (const i of [1, 2, 3]) {
      expect(el(lsf, b, i).startTime!).toBeGreaterThanOrEqual(el(lsf, a, i).finishTime!);
      expect(el(lsf, byName, i).startTime!).toBeGreaterThanOrEqual(el(lsf, a, i).finishTime!);
    }
    const lastA = Math.max(...[1, 2, 3].map((i) => el(lsf, a, i).finishTime!));
    expect(el(lsf, gather).startTime!).toBeGreaterThanOrEqual(lastA);
    expect(el(lsf, one).startTime!).toBeLessThan(lastA);
    expect(el(lsf, one).startTime!).toBeGreaterThanOrEqual(el(lsf, a, 3).finishTime!);
  });

  it('numdone/numended count array elements', async () => {
    const lsf = standin();
    const a = await submit(lsf, ['-J', 'N[1-3]', 'sleep 0.$LSB_JOBINDEX; [ $LSB_JOBINDEX -ne 2 ]']);
    const two = await submit(lsf, ['-w', `numdone(${a}, >= 2)`, 'true']);
    const all = await submit(lsf, ['-w', `numended(${a}, *)`, 'true']);
    const three = await submit(lsf, ['-w', `numdone(${a}, == 3)`, 'true']);
    await lsf.waitIdle();
    expect(el(lsf, a, 2)).toMatchObject({ state: 'EXIT', exitCode: 1 });
    expect(el(lsf, two).state).toBe('DONE');
    expect(el(lsf, all).startTime!).toBeGreaterThanOrEqual(el(lsf, a, 3).finishTime!);
    expect(el(lsf, three)).toMatchObject({ state: 'PEND', pendReason: 'Dependency condition invalid or never satisfied' });
  });
});

describe('requeue, kill and limits', () => {
  it('-Q requeues on a listed exit code and runs the job again', async () => {
    const lsf = standin({ env: { LSF_STANDIN_MAX_REQUEUE: '2' } });
    const flaky = await submit(lsf, ['-Q', '75 76', '-o', 'flaky.log', 'if [ -e marker ]; then echo second; else touch marker; echo first; exit 75; fi']);
    const other = await submit(lsf, ['-Q', '75', 'exit 3']);
    const always = await submit(lsf, ['-Q', 'all ~3', 'exit 9']);
    const child = await submit(lsf, ['-w', `done(${flaky})`, 'true']);
    await lsf.waitIdle();
    expect(el(lsf, flaky)).toMatchObject({ state: 'DONE', requeues: 1 });
    expect(el(lsf, flaky).history!.map((h) => h.exitCode)).toEqual([75, 0]);
    expect(fs.readFileSync(path.join(lsf.dir, 'flaky.log'), 'utf8')).toMatch(/^first\n[\s\S]*Exited with exit code 75[\s\S]*second\n/);
    expect(el(lsf, other)).toMatchObject({ state: 'EXIT', exitCode: 3, requeues: 0 });
    expect(el(lsf, always)).toMatchObject({ state: 'EXIT', exitCode: 9, requeues: 2 }); // capped
    expect(el(lsf, child).state).toBe('DONE');
    expect((await lsf.bsub(['-Q', 'EXCLUDE(', 'true'])).code).toBe(255);
  });

  it('bstop suspends a running job (USUSP, its processes stopped) and a pending one (PSUSP); bresume sends SIGCONT and lets both go on; bkill ends a suspended job', async () => {
    // The wait for the stop below may last up to a minute with no stand-in command: the
    // scheduler's inactivity timeout (60 s in tests) must not kill the jobs meanwhile (a CI run
    // once saw them EXIT and the shell a zombie).
    const lsf = standin({ timeoutSec: 300 });
    const running = await submit(lsf, ['-o', 'ticks.log', `${waitGate('a')}; echo ticked`]);
    const pending = await submit(lsf, ['-w', `done(${running})`, 'true']);
    // Long enough to outlast the wait for the stop below: a stopped `sleep` whose time ran out
    // meanwhile ends at once when resumed (a CI run saw it finish before the second bresume).
    const doomed = await submit(lsf, ['sleep 600']);
    await lsf.waitFor(() => el(lsf, running).state === 'RUN' && el(lsf, doomed).state === 'RUN', 5000, 'running');
    const stop = await lsf.run('bstop', [String(running), String(pending), String(doomed)]);
    expect(stop.stdout).toBe(`Job <${running}> is being stopped\nJob <${pending}> is being stopped\nJob <${doomed}> is being stopped\n`);
    expect(el(lsf, running).state).toBe('USUSP');
    expect(el(lsf, pending)).toMatchObject({ state: 'PSUSP', pendReason: 'The job was suspended by the user while pending' });
    // The stopped shell does not see its gate open. A SIGSTOP takes effect when the kernel next
    // schedules the process, after `bstop` has returned (as with LSF's): wait for it.
    const pid = el(lsf, running).pid!;
    // A process in uninterruptible sleep (D: a file system stalled under load) takes the signal
    // only when it leaves it: up to a minute (a CI run saw more than 20 s; a run of every suite
    // at once on two cores, more than 60 s). Past that, the stand-in has done its part when the
    // SIGSTOP is pending for the shell (/proc's ShdPnd or SigPnd): the kernel stops it when it next
    // runs. Anything else fails, with the state it was left in.
    const procState = () => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0];
    let seen = procState();
    await lsf.waitFor(() => (seen = procState()) === 'T', 60_000, 'the shell to stop').catch((e: Error) => {
      if (seen === 'D' && stopPending(pid)) return;
      throw new Error(`${e.message}\nlast process state of ${pid}: ${seen}`);
    });
    openGate(lsf, 'a');
    await new Promise((r) => setTimeout(r, 300));
    expect(el(lsf, running).state).toBe('USUSP');
    expect((await lsf.run('bjobs', ['-noheader', '-o', 'stat', String(running)])).stdout).toBe('USUSP\n');
    const again = await lsf.run('bresume', [String(running), String(pending)]);
    expect(again.stdout).toBe(`Job <${running}> is being resumed\nJob <${pending}> is being resumed\n`);
    expect((await lsf.run('bresume', [String(doomed)])).code).toBe(0);
    expect(el(lsf, doomed).state).toBe('RUN');
    expect((await lsf.run('bresume', [String(doomed)])).stderr).toBe(`Job <${doomed}>: Job is not suspended\n`);
    expect((await lsf.run('bstop', [String(doomed)])).code).toBe(0);
    const k = await lsf.run('bkill', ['-r', String(doomed)]);
    expect(k.code).toBe(0);
    await lsf.waitFor(() => el(lsf, pending).state === 'DONE', 10_000, 'the dependant to run');
    expect(el(lsf, running).state).toBe('DONE');
    expect(el(lsf, doomed)).toMatchObject({ state: 'EXIT', exitReason: 'TERM_FORCE_OWNER' });
    expect((await lsf.run('bstop', [String(running)])).stderr).toBe(`Job <${running}>: Job has already finished\n`);
  }, 120_000);

  it('bkill -g GROUP 0 kills the group (not its subgroups); bkill -d and messages', async () => {
    const lsf = standin();
    const g = '/libcc/pipe/run1';
    const r1 = await submit(lsf, ['-g', g, 'sleep 30']);
    const r2 = await submit(lsf, ['-g', g, 'sleep 30']);
    const p1 = await submit(lsf, ['-g', g, '-w', `done(${r1})`, 'true']);
    const sub = await submit(lsf, ['-g', `${g}/sub`, 'sleep 30']);
    const other = await submit(lsf, ['-g', '/libcc/pipe/run2', 'sleep 30']);
    await lsf.waitFor(() => [r1, r2, sub, other].every((id) => el(lsf, id).state === 'RUN'), 5000, 'running');
    const listed = await lsf.run('bjobs', ['-g', g, '-noheader', '-o', 'jobid']);
    expect(listed.stdout.trim().split('\n').map(Number).sort()).toEqual([r1, r2, p1, sub].sort());
    const k = await lsf.run('bkill', ['-g', g, '0']);
    expect(k.code).toBe(0);
    expect(k.stdout).toBe([r1, r2, p1].map((id) => `Job <${id}> is being terminated\n`).join(''));
    await lsf.waitFor(() => [r1, r2].every((id) => el(lsf, id).state === 'EXIT'), 5000, 'killed');
    expect(el(lsf, r1)).toMatchObject({ exitReason: 'TERM_OWNER', exitCode: 130 });
    expect(el(lsf, p1)).toMatchObject({ state: 'EXIT', exitReason: 'TERM_OWNER', exitCode: null });
    expect(el(lsf, sub).state).toBe('RUN');
    expect(el(lsf, other).state).toBe('RUN');
    const again = await lsf.run('bkill', [String(r1)]);
    expect(again).toMatchObject({ code: 255, stdout: '', stderr: `Job <${r1}>: Job has already finished\n` });
    expect((await lsf.run('bkill', ['999999'])).stderr).toBe('Job <999999>: No matching job found\n');
    const d = await lsf.run('bkill', ['-d', String(sub)]);
    expect(d.stdout).toBe(`Job <${sub}> is being terminated\n`);
    await lsf.waitFor(() => el(lsf, sub).state === 'DONE', 5000, 'bkill -d');
    const arr = await submit(lsf, ['-J', 'K[1-3]', 'sleep 30']);
    await lsf.waitFor(() => el(lsf, arr, 2).state === 'RUN', 5000, 'array running');
    expect((await lsf.run('bkill', [`${arr}[2]`])).stdout).toBe(`Job <${arr}[2]> is being terminated\n`);
    await lsf.waitFor(() => el(lsf, arr, 2).state === 'EXIT', 5000, 'element killed');
    expect(el(lsf, arr, 1).state).toBe('RUN');
    expect((await lsf.run('bkill', [String(arr), String(other)])).stdout).toBe(`Job <${arr}> is being terminated\nJob <${other}> is being terminated\n`);
    await lsf.waitIdle();
  });

  it('respects the global slot limit with -n and enforces -W', async () => {
    const lsf = standin({ slots: 2, env: { LSF_STANDIN_SECONDS_PER_MINUTE: '1' } });
    const wide = await submit(lsf, ['-n', '2', 'sleep 0.2']);
    const narrow = await submit(lsf, ['sleep 0.1']);
    const limited = await submit(lsf, ['-W', '1', 'sleep 30']);
    await lsf.waitIdle(10_000);
    expect(el(lsf, narrow).startTime!).toBeGreaterThanOrEqual(el(lsf, wide).finishTime!);
    expect(el(lsf, limited)).toMatchObject({ state: 'EXIT', exitReason: 'TERM_RUNLIMIT' });
  });

  it('lsf-standin-shutdown kills running jobs and stops the scheduler', async () => {
    const lsf = standin();
    const id = await submit(lsf, ['sleep 30']);
    await lsf.waitFor(() => el(lsf, id).state === 'RUN', 5000, 'running');
    const pid = el(lsf, id).pid!;
    await lsf.run('lsf-standin-shutdown', []);
    expect(el(lsf, id)).toMatchObject({ state: 'EXIT', exitReason: 'TERM_ADMIN' });
    expect(alive(pid)).toBe(false);
    expect(fs.existsSync(path.join(lsf.dir, 'scheduler.pid'))).toBe(false);
  });
});

describe('bsub -pack', () => {
  /** Writes a job submission file (one request per line) into the state directory, where bsub runs. */
  const writePack = (lsf: Standin, name: string, lines: string[]) => fs.writeFileSync(path.join(lsf.dir, name), `${lines.join('\n')}\n`);
  const bsubCalls = (lsf: Standin) => fs.readFileSync(path.join(lsf.dir, 'bsub_calls'), 'utf8');
  const submitted = (id: number, queue = 'default queue') => `Job <${id}> is submitted to ${queue} <normal>.\n`;

  it('is disabled by default (LSB_MAX_PACK_JOBS), takes no other option and needs a readable text file', async () => {
    const lsf = standin();
    writePack(lsf, 'p.txt', ['true']);
    const off = await lsf.run('bsub', ['-pack', 'p.txt']);
    expect(off).toEqual({ code: 255, stdout: '', stderr: 'Pack submission disabled by LSB_MAX_PACK_JOBS in lsf.conf. Job not submitted.\n' });
    const on = { LSF_STANDIN_MAX_PACK_JOBS: '10' };
    for (const args of [['-q', 'normal', '-pack', 'p.txt'], ['-pack', 'p.txt', '-q', 'normal'], ['-pack', 'p.txt', 'true']]) {
      const r = await lsf.run('bsub', args, { env: on });
      expect(r.code).toBe(255);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^bsub: -pack cannot be used with any other option or a command\nUsage: bsub /);
    }
    const missing = await lsf.run('bsub', ['-pack', 'nosuch.txt'], { env: on });
    expect(missing).toEqual({ code: 255, stdout: '', stderr: 'Error: File <nosuch.txt> is not a valid text file. Job not submitted.\n' });
    fs.writeFileSync(path.join(lsf.dir, 'binary'), Buffer.from([0x74, 0x72, 0x75, 0x65, 0, 0x0a]));
    expect((await lsf.run('bsub', ['-pack', 'binary'], { env: on })).stderr).toBe('Error: File <binary> is not a valid text file. Job not submitted.\n');
    expect(lsf.jobs()).toHaveLength(0);
    expect((await lsf.run('bsub', ['-pack', 'p.txt'], { env: on })).code).toBe(0);
    expect(lsf.jobs()).toHaveLength(1);
  });

  it('submits every request in file order as individual bsub calls would, in one bsub call', async () => {
    // Three requests and LSB_MAX_PACK_JOBS=2: LSF makes two packs of them, all are submitted.
    const lsf = standin({ env: { LSF_STANDIN_MAX_PACK_JOBS: '2', LSF_STANDIN_FIRST_JOB_ID: '500', LSF_STANDIN_JOB_REPORT: '0' } });
    writePack(lsf, 'jobs.pack', [
      '# an array, a job that waits for it, a job with quoted arguments',
      String.raw`-J 'n[1-3]' -o 'n.%I' 'sleep 0.$LSB_JOBINDEX; echo $LSB_JOBINDEX'`,
      '',
      String.raw`-J dep -w 'done(500)' true`,
      String.raw`-q normal -J quoted -R "select[mem>100] rusage[mem=100]" -o arg.out printf '%s\n' 'it'\''s a test' "say \"hi\""`,
    ]);
    const r = await lsf.run('bsub', ['-pack', 'jobs.pack']);
    expect(r).toEqual({ code: 0, stdout: submitted(500) + submitted(501) + submitted(502, 'queue'), stderr: '' });
    expect(bsubCalls(lsf)).toBe('1');
    expect(lsf.jobs().map((j) => [j.id, j.name])).toEqual([[500, 'n'], [501, 'dep'], [502, 'quoted']]);
    expect(lsf.job(500)).toMatchObject({ indices: [1, 2, 3], queueExplicit: false });
    expect(lsf.job(501)).toMatchObject({ depend: 'done(500)' });
    expect(lsf.job(502)).toMatchObject({ resReq: 'select[mem>100] rusage[mem=100]', queue: 'normal', queueExplicit: true });
    await lsf.waitIdle();
    const lastElement = Math.max(...[1, 2, 3].map((i) => el(lsf, 500, i).finishTime!));
    expect(el(lsf, 501)).toMatchObject({ state: 'DONE' });
    expect(el(lsf, 501).startTime!).toBeGreaterThanOrEqual(lastElement);
    expect(fs.readFileSync(path.join(lsf.dir, 'n.3'), 'utf8')).toBe('3\n');
    expect(fs.readFileSync(path.join(lsf.dir, 'arg.out'), 'utf8')).toBe(`it's a test\nsay "hi"\n`);
  });

  it('LSB_PACK_SKIP_ERROR=N stops at the first failing request; Y submits the others', async () => {
    const lsf = standin({ env: { LSF_STANDIN_MAX_PACK_JOBS: '100' } });
    writePack(lsf, 'p.txt', [
      '-J first true',
      '-J second -M 64GB true',
      '-J third true',
      "-J fourth -w 'done(third)' true",
      "-J fifth -w 'done(second)' true",
    ]);
    const memError = '64GB: MEMLIMIT value should be a positive integer. Job not submitted.\n';
    const n = await lsf.run('bsub', ['-pack', 'p.txt']);
    expect(lsf.jobs().map((j) => j.name)).toEqual(['first']);
    const first = lsf.jobs()[0]!.id;
    expect(n).toEqual({ code: 255, stdout: submitted(first), stderr: memError });

    const y = await lsf.run('bsub', ['-pack', 'p.txt'], { env: { LSF_STANDIN_PACK_SKIP_ERROR: 'Y' } });
    expect(y.code).toBe(255);
    expect(y.stdout).toBe(submitted(first + 1) + submitted(first + 2) + submitted(first + 3));
    expect(y.stderr).toBe(`${memError}second: No matching job found. Job not submitted.\n`);
    expect(lsf.jobs().map((j) => [j.id, j.name])).toEqual([[first, 'first'], [first + 1, 'first'], [first + 2, 'third'], [first + 3, 'fourth']]);
    await lsf.waitIdle();
    expect(el(lsf, first + 3).startTime!).toBeGreaterThanOrEqual(el(lsf, first + 2).finishTime!);
    expect(bsubCalls(lsf)).toBe('2');
  });

  it("prints volclava's Line#<n> lines and summary with LSF_STANDIN_PACK_OUTPUT=volclava", async () => {
    const lsf = standin({ env: { LSF_STANDIN_MAX_PACK_JOBS: '100', LSF_STANDIN_PACK_OUTPUT: 'volclava', LSF_STANDIN_PACK_SKIP_ERROR: 'Y' } });
    writePack(lsf, 'p.txt', ['# comment', '', '-J a true', "-w 'done(nosuch)' true", '-K true', '-J b -q normal true']);
    const r = await lsf.run('bsub', ['-pack', 'p.txt']);
    const [a, b] = lsf.jobs().map((j) => j.id);
    expect(lsf.jobs().map((j) => j.name)).toEqual(['a', 'b']);
    expect(r).toEqual({
      code: 255,
      stdout: `Line#3 Job <${a}> is submitted to queue <normal>.\nLine#6 Job <${b}> is submitted to queue <normal>.\n4 lines parsed, 2 jobs submitted, 2 errors found.\n`,
      stderr: 'Line#4 nosuch: No matching job found. Job not submitted.\nLine#5 -K: option not supported in a job pack. Job not submitted.\n',
    });
  });

  it('refuses an unquoted ; or $ (no shell expansion), takes them quoted', async () => {
    const lsf = standin({ env: { LSF_STANDIN_MAX_PACK_JOBS: '100' } });
    writePack(lsf, 'p.txt', ['true; touch semicolon', 'echo $HOME', 'echo "$HOME"', String.raw`-J ok echo '$HOME; x' a\ b "c;d e"`]);
    const n = await lsf.run('bsub', ['-pack', 'p.txt']);
    expect(n).toEqual({ code: 255, stdout: '', stderr: 'Failed to parse command line: "true; touch semicolon". Job not submitted.\n' });
    expect(lsf.jobs()).toHaveLength(0);
    const y = await lsf.run('bsub', ['-pack', 'p.txt'], { env: { LSF_STANDIN_PACK_SKIP_ERROR: 'Y' } });
    expect(y.stderr).toBe(
      ['true; touch semicolon', 'echo $HOME', 'echo "$HOME"'].map((l) => `Failed to parse command line: "${l}". Job not submitted.\n`).join(''),
    );
    expect(lsf.jobs().map((j) => j.name)).toEqual(['ok']);
    expect((lsf.jobs()[0] as unknown as { argv: string[] }).argv).toEqual(['echo', '$HOME; x', 'a b', 'c;d e']);
    await lsf.waitIdle();
    expect(fs.existsSync(path.join(lsf.dir, 'semicolon'))).toBe(false);
  });

  it('counts as one bsub call for fault injection: the whole pack fails, or hangs after submitting', async () => {
    const lsf = standin({ env: { LSF_STANDIN_MAX_PACK_JOBS: '100', LSF_STANDIN_FAIL_SUBMIT: '1' } });
    writePack(lsf, 'p.txt', ['-J a true', '-J b true', '-J c true']);
    const failed = await lsf.run('bsub', ['-pack', 'p.txt']);
    expect(failed).toEqual({ code: 255, stdout: '', stderr: 'Contacting batch daemon: Communication timeout. Job not submitted.\n' });
    expect(lsf.jobs()).toHaveLength(0);
    const ok = await lsf.run('bsub', ['-pack', 'p.txt']);
    expect(ok.code).toBe(0);
    expect(lsf.jobs().map((j) => j.name)).toEqual(['a', 'b', 'c']);
    expect(bsubCalls(lsf)).toBe('2');

    // bsub:3:after: the third call puts the whole pack in the job table, then never answers.
    const child = spawn('bsub', ['-pack', 'p.txt'], { cwd: lsf.dir, env: { ...lsf.env, LSF_STANDIN_HANG: 'bsub:3:after' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise((resolve) => child.on('close', resolve));
    await lsf.waitFor((jobs) => jobs.length === 6, 10_000, 'the hanging pack in the job table');
    await new Promise((r) => setTimeout(r, 300));
    expect(out).toBe('');
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    await closed;
    await lsf.waitIdle();
    expect(lsf.jobs().map((j) => j.elements['0']!.state)).toEqual(Array(6).fill('DONE'));
  });
});
