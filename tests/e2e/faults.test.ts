// Fault injection on the generated scripts (docs/generated-scripts.md, "Locking, markers and
// faults"): two runners at once, a lock left by a crashed or remote runner, SIGKILL of a job and
// of the runner, SIGTERM of the runner, bsub failing midway, a full disk when the done-marker is
// written, a tool that exits 0 without its output, an empty required variable. After each:
// nothing finished is lost, no done job runs again, no job pends forever, status.sh tells the
// truth. A small shell pipeline whose tool (a bash hook) takes its faults from files.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledPipeline, elements, eventsByJob, jobName, lsfElement, type JobRow, Site } from './harness.js';
import { faultFlow, installFaultTool } from '../helpers/fault-tool.js';

const FLOW = faultFlow('faults');

const pipeline = compiledPipeline('faults', FLOW);
// Twenty jobs that wait for a gate that never opens: a runner started on them is busy starting
// jobs for its first tenths of a second.
const waiting = compiledPipeline(
  'starts',
  `pipeline starts

node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [tt]  rc_corners = [typical] }
${[60, 65, 70, 75, 80].map((mv) => `corner tt_0p${mv}v_25c_typical {}`).join('\n')}
${['a', 'b', 'c', 'd'].map((l) => `library ${l} : n5 { corners = [${[60, 65, 70, 75, 80].map((mv) => `tt_0p${mv}v_25c_typical`).join(', ')}] }`).join('\n')}

stage work for each library, corner {
  run = shell """mkdir -p "\${out}" && while [ ! -e "$GATE_DIR/open" ]; do sleep 0.05; done; touch "\${out}/w" """
  expect "\${out}/w" == 1
}
`,
);
// The same with `make` requeued by LSF on exit code 75 (`bsub -Q 75`).
const requeuing = compiledPipeline('requeue', faultFlow('faults', '', 'requeue = [75]'));
// The same, for a test that plants a link in place of its default run directory.
const linked = compiledPipeline('linked', FLOW);
const A_TT = 'n5.a.tt_0p75v_25c_typical';
const HOST = os.hostname();
const KILLED = /^killed: started on \S+ at [\d-]+ [\d:]+ \(process \d+(, job \d+)?, attempt 1\) and never recorded its end: SIGKILL, a crash, a lost host, or a full disk$/;

interface FaultSite extends Site {
  faults: string;
}

function site(from = pipeline): FaultSite {
  const s = from.site() as FaultSite;
  s.faults = installFaultTool(s);
  return s;
}

const touch = (s: FaultSite, name: string, content = '') => fs.writeFileSync(path.join(s.faults, name), content);
/** The tool's runs, `stage key` per line. */
const ran = (s: FaultSite) => (fs.existsSync(path.join(s.faults, 'ran')) ? fs.readFileSync(path.join(s.faults, 'ran'), 'utf8').trim().split('\n') : []);
const toolKey = (job: JobRow) => `${job.stage} ${job.key.replace(/^n5\./, '')}`;
const markerIds = (s: FaultSite) => Object.fromEntries(s.jobs.filter((j) => s.isDone(j)).map((j) => [jobName(j), /^id=(.*)$/m.exec(fs.readFileSync(s.stateFile(j, 'done'), 'utf8'))![1]]));
const startedFile = (s: FaultSite, job: JobRow) => path.join(s.runDir, 'state', job.stage, `${job.key}.started`);
const started = (s: FaultSite, job: JobRow) => Object.fromEntries(fs.readFileSync(startedFile(s, job), 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

/** The live (not zombie) processes of process group `pgid`, from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(pid));
  }
  return members;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const running = (s: FaultSite, job: JobRow) => waitFor(`${jobName(job)} to run`, () => fs.existsSync(path.join(s.faults, `running.${job.stage}.${job.key.replace(/^n5\./, '')}`)));

/**
 * The lock's renames with GNU mv (`mv -T`) and with an mv that has no `-T` and does not say it
 * is GNU's (BSD's, busybox's): `libcc_rename_dir` then moves the directory into an existing one
 * and back. GNU mv without `-T` does what BSD's does there (a directory onto an existing
 * directory goes inside it), so the stand-in refuses `-T` and `--version` and calls GNU mv.
 */
const MV_VARIANTS: { name: string; dir?: string; env: Record<string, string> }[] = [{ name: 'GNU mv', env: {} }, withoutT()];

function withoutT(): { name: string; dir: string; env: Record<string, string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-bsd-mv-'));
  const gnu = spawnSync('bash', ['-c', 'command -v mv'], { encoding: 'utf8' }).stdout.trim();
  fs.writeFileSync(
    path.join(dir, 'mv'),
    `#!/bin/bash\nfor a in "$@"; do\n  [[ $a == -- ]] && break\n  case $a in -T | --*) echo "mv: illegal option -- \${a#-}" >&2; echo 'usage: mv [-f | -i | -n] [-hv] source target' >&2; exit 64 ;; esac\ndone\nexec '${gnu}' "$@"\n`,
    { mode: 0o755 },
  );
  return { name: "an mv without -T, as BSD's", dir, env: { PATH: `${dir}:${process.env.PATH}` } };
}

for (const mv of MV_VARIANTS) {
describe(`one runner per run directory (${mv.name})`, () => {
  it('a second run-local.sh or submit.sh refuses with exit 2 and names the holder; the lock is released at the end', async () => {
    const s = site();
    const make = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const first = s.start('run-local.sh', ['-j', '4'], { env: mv.env });
    await running(s, make);
    const second = await s.run('run-local.sh', [], { env: mv.env });
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(
      `libcc: error: ${s.runDir} is in use by run-local.sh (process ${first.pid} on host ${HOST}, since ${second.stderr.match(/since ([^)]*)\)/)![1]}): wait for it to finish, or stop it (kill ${first.pid})\n`,
    );
    const lsf = s.lsf();
    const submit = await s.submitWith(lsf, 'submit.sh', [], mv.dir === undefined ? {} : { PATH: `${mv.dir}:${lsf.env.PATH}` });
    expect(submit.code).toBe(2);
    expect(submit.stderr).toContain(`is in use by run-local.sh (process ${first.pid} on host ${HOST}`);
    expect(lsf.jobs()).toEqual([]);
    touch(s, 'open');
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(s.runDir, 'lock'))).toBe(false);
    // Each job ran once: the refused runners started nothing.
    expect(ran(s).sort()).toEqual(s.jobs.map(toolKey).sort());
  });

  it('a lock held on another host is refused with its host and pid, --break-lock takes it; a stale lock of this host is taken over', async () => {
    const s = site();
    const lock = path.join(s.runDir, 'lock');
    fs.mkdirSync(lock, { recursive: true });
    fs.writeFileSync(path.join(lock, 'owner'), 'host=node17\npid=4242\npid_start=\ntoken=x\nscript=run-local.sh\nsince=1764720000\n');
    const refused = await s.run('run-local.sh', [], { env: mv.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^libcc: error: \S+ is in use by run-local\.sh \(process 4242 on host node17, since [^)]+\)\. Wait for it to finish\. If host node17 is down or that process is gone, run again with --break-lock \(or remove \S+\/lock\)\n$/);
    expect(fs.existsSync(s.stateFile(s.jobs[0]!, 'done'))).toBe(false);

    const broken = await s.run('run-local.sh', ['--break-lock', '--only', 'make'], { env: mv.env });
    expect(broken.code, broken.stderr).toBe(0);
    expect(broken.stderr).toContain('libcc: breaking the lock of run-local.sh (process 4242 on host node17');
    expect(fs.existsSync(lock)).toBe(false);

    // This host, a process that is gone: taken over with a message.
    const gone = spawnSync('bash', ['-c', 'echo $$']).stdout.toString().trim();
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'owner'), `host=${HOST}\npid=${gone}\npid_start=\ntoken=y\nscript=submit.sh\nsince=1764720000\n`);
    const stale = await s.run('run-local.sh', [], { env: mv.env });
    expect(stale.code, stale.stderr).toBe(0);
    expect(stale.stderr).toMatch(new RegExp(`^libcc: taking over the lock of submit\\.sh \\(process ${gone} on host ${HOST}, since [^)]+\\): that process is gone\\n$`));
    expect(fs.existsSync(lock)).toBe(false);
    expect(ran(s).sort()).toEqual(s.jobs.map(toolKey).sort());
  });

  it('a runner SIGKILLed while it writes the owner of its lock leaves no lock without an owner: the next runner runs', async () => {
    const s = site();
    // An mv that stops, at the temporary file of the lock's owner (before it is renamed to
    // `owner`), until it is killed.
    const bin = path.join(s.root, 'slow-bin');
    const flag = path.join(s.root, 'in-mv');
    fs.mkdirSync(bin);
    const realMv = spawnSync('bash', ['-c', 'command -v mv'], { env: { ...process.env, ...mv.env }, encoding: 'utf8' }).stdout.trim();
    fs.writeFileSync(path.join(bin, 'mv'), `#!/bin/bash\ncase "$*" in *lock*/.tmp.*) echo $$ >'${flag}'; exec sleep 60 ;; esac\nexec '${realMv}' "$@"\n`, { mode: 0o755 });
    const first = s.start('run-local.sh', ['--only', 'make'], { env: { PATH: `${bin}:${mv.env.PATH ?? process.env.PATH}` } });
    await waitFor('the runner to write its lock', () => fs.existsSync(flag) && fs.readFileSync(flag, 'utf8').endsWith('\n'));
    process.kill(first.pid, 'SIGKILL');
    process.kill(Number(fs.readFileSync(flag, 'utf8')), 'SIGKILL');
    await first.done;
    expect(ran(s)).toEqual([]);
    const next = await s.run('run-local.sh', ['--only', 'make'], { env: mv.env });
    expect(next.stderr).not.toContain('names no owner');
    expect(next.code, next.stderr).toBe(0);
    expect(fs.existsSync(path.join(s.runDir, 'lock'))).toBe(false);
  });

  it('a runner killed while taking over a stale lock leaves a claim naming it: the next runner removes that claim too, and runs', async () => {
    const s = site();
    const gone = spawnSync('bash', ['-c', 'echo $$']).stdout.toString().trim();
    const lock = path.join(s.runDir, 'lock');
    fs.mkdirSync(path.join(lock, 'takeover'), { recursive: true });
    fs.writeFileSync(path.join(lock, 'owner'), `host=${HOST}\npid=${gone}\npid_start=\ntoken=stale\nscript=submit.sh\nsince=1764720000\n`);
    fs.writeFileSync(path.join(lock, 'takeover', 'owner'), `host=${HOST}\npid=${gone}\npid_start=\ntoken=taker\nscript=run-local.sh\nsince=1764720001\n`);
    const r = await s.run('run-local.sh', ['--only', 'make'], { env: mv.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`libcc: removing the claim of a runner that died while taking over the lock (process ${gone})`);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('runners taking over the same stale lock at once: exactly one takes it, the others refuse naming it; each job runs once', async () => {
    const s = site();
    for (const job of s.jobs.filter((j) => j.stage === 'make')) touch(s, `gate.make.${job.key.slice(3)}`);
    const gone = spawnSync('bash', ['-c', 'echo $$']).stdout.toString().trim();
    fs.mkdirSync(path.join(s.runDir, 'lock'), { recursive: true });
    fs.writeFileSync(path.join(s.runDir, 'lock', 'owner'), `host=${HOST}\npid=${gone}\npid_start=\ntoken=stale\nscript=run-local.sh\nsince=1764720000\n`);
    const runners = Array.from({ length: 6 }, () => s.start('run-local.sh', ['-j', '4', '--only', 'make'], { env: mv.env }));
    const pids = runners.map((r) => r.pid);
    let ended = 0;
    for (const r of runners) void r.done.then(() => ended++);
    // The winner waits for the gates: every other runner must end meanwhile.
    await waitFor('all runners but one to end', () => ended === runners.length - 1);
    touch(s, 'open');
    const results = await Promise.all(runners.map((r) => r.done));
    const winners = results.filter((r) => r.code === 0);
    expect(winners, results.map((r) => r.stderr).join('\n')).toHaveLength(1);
    const winner = pids[results.indexOf(winners[0]!)]!;
    for (const r of results.filter((x) => x.code !== 0)) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`libcc: error: \\S+ is in use by run-local\\.sh \\(process ${winner} on host `));
    }
    expect(ran(s).sort()).toEqual(s.jobs.filter((j) => j.stage === 'make').map(toolKey).sort());
    expect(fs.existsSync(path.join(s.runDir, 'lock'))).toBe(false);
  });
});
}

describe('killed jobs and runners (local)', () => {
  it('SIGKILL of a job mid-run: failed (killed) in run-local.sh and status.sh; the next run re-runs only it and what it blocked', async () => {
    const s = site();
    const make = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const runner = s.start('run-local.sh', ['-j', '2']);
    await running(s, make);
    const pgid = Number(started(s, make).pgid);
    expect(started(s, make)).toMatchObject({ host: HOST, attempt: '1', job_id: '' });
    process.kill(-pgid, 'SIGKILL');
    const r = await runner.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`libcc: FAILED make ${A_TT} (exit 137)`);
    expect(s.failedReason(make)).toMatch(KILLED);
    expect(fs.existsSync(startedFile(s, make))).toBe(false);
    expect(r.stdout).toContain('libcc: 5 job(s) ran, 1 failed, 1 not run');

    const status = await s.run('status.sh');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^make\s+4\s+3\s+0\s+0\s+1\s+0\s+0$/m);
    expect(status.stdout).toMatch(/^gather\s+2\s+1\s+0\s+0\s+0\s+1\s+0$/m);
    expect(status.stdout).toMatch(new RegExp(`  make ${A_TT.replace(/\./g, '\\.')}: killed: started on`));

    const before = markerIds(s);
    fs.rmSync(path.join(s.faults, 'ran'));
    fs.rmSync(path.join(s.faults, `gate.make.${A_TT.slice(3)}`));
    const again = await s.run('run-local.sh');
    expect(again.code, again.stderr).toBe(0);
    expect(ran(s)).toEqual(['make a.tt_0p75v_25c_typical', 'gather a']);
    for (const [job, id] of Object.entries(before)) expect(markerIds(s)[job], job).toBe(id);
    expect((await s.run('status.sh')).code).toBe(0);
  });

  it('a job killed without a runner to see it (runner and job SIGKILLed): status.sh reports it failed from its started-marker; the next runner re-runs it', async () => {
    const s = site();
    const make = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const runner = s.start('run-local.sh', ['-j', '1']);
    await running(s, make);
    process.kill(runner.pid, 'SIGKILL');
    process.kill(-Number(started(s, make).pgid), 'SIGKILL');
    await runner.done;
    await waitFor('the job to die', () => !alive(Number(started(s, make).pid)));
    expect(s.failedReason(make)).toBeUndefined();

    const status = await s.run('status.sh');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^make\s+4\s+0\s+0\s+0\s+1\s+3\s+0$/m);
    expect(status.stdout).toMatch(/killed: started on .* and never recorded its end/);
    const json = JSON.parse((await s.run('status.sh', ['--json'])).stdout) as { jobs: { stage: string; key: string; state: string; reason: string | null }[] };
    expect(json.jobs.find((j) => j.stage === 'make' && j.key === A_TT)).toMatchObject({ state: 'failed', reason: expect.stringMatching(KILLED) });
    expect(json.jobs.find((j) => j.stage === 'gather' && j.key === 'n5.a')).toMatchObject({ state: 'blocked' });

    fs.rmSync(path.join(s.faults, `gate.make.${A_TT.slice(3)}`));
    const next = await s.run('run-local.sh');
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`libcc: taking over the lock of run-local.sh (process ${runner.pid} on host ${HOST}`);
    expect(next.stderr).toMatch(new RegExp(`libcc: make ${A_TT.replace(/\./g, '\\.')} was killed: started on .*; it runs again`));
    // The killed job ran twice (once killed), every other job once.
    expect(ran(s).filter((l) => l === toolKey(make))).toHaveLength(2);
    expect(ran(s).sort()).toEqual([...s.jobs.map(toolKey), toolKey(make)].sort());
    expect((await s.run('status.sh')).code).toBe(0);
  });

  it('SIGKILL of the runner: its jobs run on; the next runner waits for them, starts none twice and re-runs nothing done', async () => {
    const s = site();
    const keys = ['a.tt_0p75v_25c_typical', 'a.ss_0p675v_m40c_typical'];
    for (const k of keys) touch(s, `gate.make.${k}`);
    const runner = s.start('run-local.sh', ['-j', '2']);
    for (const k of keys) await running(s, s.job('make', `n5.${k}`));
    process.kill(runner.pid, 'SIGKILL');
    await runner.done;
    const pids = keys.map((k) => Number(started(s, s.job('make', `n5.${k}`)).pid));
    for (const pid of pids) expect(alive(pid)).toBe(true);

    // While they run, status.sh shows them running; a submission refuses to run them twice.
    const status = await s.run('status.sh');
    expect(status.stdout).toMatch(/^make\s+4\s+0\s+2\s+0\s+0\s+2\s+0$/m);
    const lsf = s.lsf();
    const submit = await s.submitWith(lsf, 'submit.sh');
    expect(submit.code).toBe(2);
    expect(submit.stderr).toContain(`make n5.${keys[0]}: running, started on host ${HOST} (process ${pids[0]})`);
    expect(lsf.jobs()).toEqual([]);

    // Nor does the job's wrapper started by hand.
    const aTt = s.job('make', `n5.${keys[0]}`);
    const twice = await s.run('jobs/make.sh', [aTt.group, String(aTt.index)]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(new RegExp(`^libcc: error: job make n5\\.a\\.tt_0p75v_25c_typical is already running \\(process ${pids[0]} on this host, since [^)]+\\): not starting it twice\n$`));

    const next = s.start('run-local.sh', ['-j', '2']);
    // Only then may they end: one that ended before the runner looked would be done, not waited for.
    await waitFor('the second runner to adopt the jobs', () => keys.every((k) => next.output().includes(`libcc: still running make n5.${k} (process `)));
    touch(s, 'open');
    const r = await next.done;
    expect(r.code, r.stderr).toBe(0);
    for (const k of keys) expect(r.stdout).toContain(`libcc: still running make n5.${k} (process `);
    expect(ran(s).sort()).toEqual(s.jobs.map(toolKey).sort());
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    const ids = markerIds(s);
    expect((await s.run('run-local.sh')).stdout).toContain('libcc: 0 job(s) ran, 0 failed, 0 not run');
    expect(markerIds(s)).toEqual(ids);
  });

  it('SIGTERM of the runner stops its jobs and the tools they started, records them as killed, releases the lock (exit 143)', async () => {
    const s = site();
    const make = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const runner = s.start('run-local.sh', ['-j', '1'], { env: { LIBCC_KILL_GRACE: '5' } });
    await running(s, make);
    const pgid = Number(started(s, make).pgid);
    process.kill(runner.pid, 'SIGTERM');
    const r = await runner.done;
    expect(r.code).toBe(143);
    expect(r.stderr).toContain('libcc: interrupted (SIGTERM): the running jobs were stopped; run run-local.sh again to resume');
    expect(s.failedReason(make)).toBe('killed by signal SIGTERM (a kill of the run, a run limit, or an interrupt)');
    expect(fs.existsSync(path.join(s.runDir, 'lock'))).toBe(false);
    // Nothing of the job's process group is left.
    expect(groupMembers(pgid)).toEqual([]);
    const status = await s.run('status.sh');
    expect(status.stdout).toMatch(/^make\s+4\s+0\s+0\s+0\s+1\s+3\s+0$/m);
  });
});

describe('started-markers that name another process (local)', () => {
  it('a marker naming a live process that is not the job — a recycled pid, init\'s group 1, a marker with no start time — is no running job: the runner runs the job, waits for nothing and signals nothing', async () => {
    // A started-marker is data in the run directory. Judged by its pid and group alone, one naming
    // another session made the runner wait for that session forever and, interrupted, signal its
    // group (`kill -TERM -- -1` for group 1: every process the user may signal).
    const s = site();
    const make = s.job('make', A_TT);
    const other = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });
    try {
      const pid = String(other.pid);
      for (const [markedPid, pgid, start] of [
        [pid, pid, '0'],
        [pid, pid, ''],
        ['1', '1', ''],
      ] as const) {
        fs.mkdirSync(path.dirname(startedFile(s, make)), { recursive: true });
        fs.writeFileSync(startedFile(s, make), `host=${HOST}\npid=${markedPid}\npgid=${pgid}\npid_start=${start}\njob_id=\nrun=\nattempt=1\ntime=1\n`);
        fs.rmSync(s.stateFile(make, 'done'), { force: true });
        fs.rmSync(s.stateFile(make, 'failed'), { force: true });
        const r = await s.run('run-local.sh', ['-j', '2']);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain(`libcc: make ${A_TT} was killed: started on ${HOST} at 1970-01-01`);
        expect(r.stdout).not.toContain('still running');
        expect(s.isDone(make)).toBe(true);
        expect(alive(other.pid!), `pid=${markedPid} pgid=${pgid} pid_start=${start}`).toBe(true);
      }
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('the runner and the job\'s wrapper SIGKILLed, its tool running on: status.sh shows it running and the job is not started twice (the tool carries the job\'s LIBCC_TAIL); once the tool is gone, it was killed', async () => {
    const s = site();
    const make = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const runner = s.start('run-local.sh', ['-j', '1']);
    await running(s, make);
    const marker = started(s, make);
    const pgid = Number(marker.pgid);
    process.kill(runner.pid, 'SIGKILL');
    await runner.done;
    process.kill(Number(marker.pid), 'SIGKILL');
    try {
      await waitFor('the wrapper to die', () => !alive(Number(marker.pid)));
      expect(groupMembers(pgid).length).toBeGreaterThan(0);
      expect((await s.run('status.sh')).stdout).toMatch(/^make\s+4\s+0\s+1\s+0\s+0\s+3\s+0$/m);
      const twice = await s.run('jobs/make.sh', [make.group, String(make.index)]);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain(`libcc: error: job make ${A_TT} is already running (process ${marker.pid} on this host`);
      process.kill(-pgid, 'SIGKILL');
      await waitFor('the tool to die', () => groupMembers(pgid).length === 0);
      const status = await s.run('status.sh');
      expect(status.stdout).toMatch(/^make\s+4\s+0\s+0\s+0\s+1\s+3\s+0$/m);
      expect(status.stdout).toMatch(/killed: started on .* and never recorded its end/);
    } finally {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  });
});

describe('kill.sh and run IDs', () => {
  it('kill.sh stops a run-local.sh running on the directory (it stops its jobs); with nothing running and nothing submitted it says so', async () => {
    const s = site();
    const make = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const runner = s.start('run-local.sh', ['-j', '2'], { env: { LIBCC_KILL_GRACE: '5' } });
    await running(s, make);
    const k = await s.run('kill.sh');
    expect(k.code, k.stderr).toBe(0);
    expect(k.stderr).toMatch(new RegExp(`^libcc: stopping run-local\\.sh \\(process ${runner.pid}, since [^)]+\\): it stops its jobs\nlibcc: run-local\\.sh stopped\n$`));
    const r = await runner.done;
    expect(r.code).toBe(143);
    expect(s.failedReason(make)).toBe('killed by signal SIGTERM (a kill of the run, a run limit, or an interrupt)');
    const idle = await s.run('kill.sh');
    expect(idle.code).toBe(1);
    expect(idle.stderr).toBe(`libcc: error: no run to kill: nothing was submitted from this directory (${s.runDir}/ledger.tsv does not exist) and no run-local.sh runs on it\n`);
  });

  it('a run ID given to kill.sh or status.sh must be one of the ledger (usage error, exit 2); nothing is killed', async () => {
    const s = site();
    touch(s, 'open');
    const lsf = s.lsf();
    expect((await s.submitWith(lsf, 'submit.sh', ['--run-id', 'r1'])).code).toBe(0);
    await lsf.waitIdle(30_000);
    for (const script of ['kill.sh', 'status.sh']) {
      const typo = await s.submitWith(lsf, script, ['--run-id', 'r2']);
      expect(typo.code, script).toBe(2);
      expect(typo.stderr, script).toBe(`libcc: error: no run r2 in ${s.runDir}/ledger.tsv; its latest runs: r1\n`);
      const hostile = await s.submitWith(lsf, script, ['--run-id', 'x;rm']);
      expect(hostile.code, script).toBe(2);
      expect(hostile.stderr, script).toBe("libcc: error: a run id holds only letters, digits, '.', '_' and '-', and starts with a letter, a digit or '_': x;rm\n");
      // `..` would climb out of the pipeline's LSF job group (`bkill -g /libcc/<pipeline>/..`).
      expect((await s.submitWith(lsf, script, ['--run-id', '..'])).code, script).toBe(2);
    }
    expect((await s.submitWith(lsf, 'status.sh', ['--run-id', 'r1'])).code).toBe(0);
  });

  // A ledger is run state, and can come with a repository: its job ids went to scancel as
  // words (`--user=root` cancelled other runs' jobs), its last run id into bkill's job group.
  it('a ledger holding an option for a job id, or a run id that climbs out of the job group: kill.sh and status.sh refuse, no scheduler command runs', async () => {
    const s = site();
    const bin = path.join(s.root, 'fakebin');
    const calls = path.join(s.root, 'calls.log');
    fs.mkdirSync(bin, { recursive: true });
    for (const command of ['bkill', 'bjobs', 'bsub', 'scancel', 'squeue', 'sbatch']) {
      fs.writeFileSync(path.join(bin, command), `#!/bin/sh\necho "${command} $*" >> '${calls}'\n`, { mode: 0o755 });
    }
    const ledger = path.join(s.runDir, 'ledger.tsv');
    fs.mkdirSync(s.runDir, { recursive: true });
    const withFakes = { path: bin };
    fs.writeFileSync(ledger, 'r1\t/libcc/faults/r1\tmake\t_\t1\t--user=root\t-\n');
    const k = await s.run('kill.sh', [], withFakes);
    expect(k.code).toBe(1);
    expect(k.stderr).toBe(`libcc: error: ${ledger} line 1: '--user=root' is not a job id (edited by hand?): nothing was cancelled\n`);
    fs.writeFileSync(ledger, '../other/r1\t/libcc/other/r1\tmake\t_\t1\t1234\t-\n');
    for (const script of ['kill.sh', 'status.sh', 'submit.sh']) {
      const r = await s.run(script, [], withFakes);
      expect(r.code, script).toBe(1);
      expect(r.stderr, script).toContain(`the last line of ${ledger} names run '../other/r1', not a run id submit.sh makes`);
    }
    expect(fs.existsSync(calls)).toBe(false);
  });

  // kill.sh signalled whatever process a lock without a start time named on this host.
  it('a lock naming a live process without its start time: kill.sh signals nothing', async () => {
    const s = site();
    const victim = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      fs.mkdirSync(path.join(s.runDir, 'lock'), { recursive: true });
      fs.writeFileSync(path.join(s.runDir, 'lock', 'owner'), `host=${HOST}\npid=${victim.pid}\ntoken=x\nscript=run-local.sh\nsince=1\n`);
      const k = await s.run('kill.sh');
      expect(k.code).toBe(1);
      expect(k.stderr).toContain(`the lock names process ${victim.pid} without its start time: not signalled`);
      expect(alive(victim.pid!)).toBe(true);
    } finally {
      victim.kill('SIGKILL');
    }
  });
});

describe('the run directory holds no link', () => {
  it('a link among the markers, logs or events: run-local.sh, submit.sh, status.sh and kill.sh refuse, name it, and read or write nothing through it', async () => {
    const s = site();
    const victim = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-victim-'));
    try {
      fs.writeFileSync(path.join(victim, 'bashrc'), 'precious\n');
      fs.mkdirSync(path.join(s.runDir, 'logs', 'make'), { recursive: true });
      const log = path.join(s.runDir, 'logs', 'make', `${A_TT}.log`);
      fs.symlinkSync(path.join(victim, 'bashrc'), log);
      fs.symlinkSync(path.join(victim, 'events'), path.join(s.runDir, 'events.jsonl'));
      const lsf = s.lsf();
      const runs = {
        'run-local.sh': await s.run('run-local.sh'),
        'submit.sh': await s.submitWith(lsf, 'submit.sh'),
        'status.sh': await s.submitWith(lsf, 'status.sh'),
        'kill.sh': await s.submitWith(lsf, 'kill.sh'),
      };
      for (const [script, r] of Object.entries(runs)) {
        expect(r.code, script).toBe(1);
        expect(r.stderr, script).toContain(`libcc: error: symbolic links in the run directory ${s.runDir}, where libcc makes none: following them would read or write files outside it\n`);
        expect(r.stderr, script).toContain(`\n  ${log}\n`);
        expect(r.stderr, script).toContain(`\n  ${path.join(s.runDir, 'events.jsonl')}\n`);
      }
      expect(fs.readFileSync(path.join(victim, 'bashrc'), 'utf8')).toBe('precious\n');
      expect(fs.readdirSync(victim)).toEqual(['bashrc']);
      expect(ran(s)).toEqual([]);
      expect(lsf.jobs()).toEqual([]);
      expect(fs.existsSync(path.join(s.runDir, 'lock'))).toBe(false);
    } finally {
      fs.rmSync(victim, { recursive: true, force: true });
    }
  });

  it('the default run directory a link: refused; the same directory named by LIBCC_RUN_DIR is the user\'s choice, and runs', async () => {
    const s = site(linked);
    const real = path.join(s.root, 'elsewhere');
    fs.mkdirSync(real);
    const link = path.join(linked.out, 'run');
    fs.symlinkSync(real, link);
    try {
      const refused = await s.run('run-local.sh', [], { env: { LIBCC_RUN_DIR: undefined } });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`libcc: error: ${link} is a symbolic link: libcc keeps its run state in a directory of its own. To keep it elsewhere, remove the link and set LIBCC_RUN_DIR to that directory\n`);
      expect(fs.readdirSync(real)).toEqual([]);
      const named = await s.run('run-local.sh', [], { env: { LIBCC_RUN_DIR: link } });
      expect(named.code, named.stderr).toBe(0);
      expect(fs.readdirSync(path.join(real, 'state')).sort()).toEqual(['gather', 'make']);
    } finally {
      fs.unlinkSync(link);
    }
  });
});

describe('a signal while the runner starts jobs (local)', () => {
  it('SIGTERM at any moment of the first starts: the runner stops every job it started and exits 143, never waiting for one it did not record', async () => {
    // A signal handled between a job's start and its record left that job running, unknown to
    // the handler, which then waited for it forever; one taken by a job's process before it had
    // become the job was lost, and the runner left that job behind.
    const s = waiting.site();
    const gate = path.join(s.root, 'gate');
    fs.mkdirSync(gate);
    const leftovers = () => spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes(`${waiting.out}/jobs/`) && l.includes(s.root));
    // The runner starts its twenty jobs between about 50 and 500 ms; a signal falls in the window
    // of a start about one run in twenty: 50 runs find a runner that mishandles it nine times in ten.
    for (let i = 0; i < 50; i++) {
      const delay = 40 + ((i * 53) % 480);
      // A new run each time: a runner resuming one first reads the markers the last one left.
      const runner = s.start('run-local.sh', ['-j', '20'], { env: { GATE_DIR: gate, LIBCC_KILL_GRACE: '2', LIBCC_RUN_DIR: path.join(s.root, `run-${i}`) } });
      await new Promise((resolve) => setTimeout(resolve, delay));
      process.kill(runner.pid, 'SIGTERM');
      let bound: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([runner.done, new Promise<undefined>((resolve) => (bound = setTimeout(() => resolve(undefined), 20_000)))]);
      clearTimeout(bound);
      if (stopped === undefined) {
        process.kill(runner.pid, 'SIGKILL');
        fs.writeFileSync(path.join(gate, 'open'), ''); // lets the jobs it left end
      }
      expect(stopped, `run ${i} (SIGTERM after ${delay} ms): the runner did not stop within 20 s`).toBeDefined();
      // 143 from its handler; -1 when the signal came before the handler was set (nothing started yet).
      expect([143, -1], stopped!.stderr).toContain(stopped!.code);
      expect(leftovers(), `run ${i}`).toEqual([]);
    }
  }, 300_000);
});

describe('honest state', () => {
  it('a tool that exits 0 without its output fails with the expect reason; status.sh says so', async () => {
    const s = site();
    const make = s.job('make', A_TT);
    touch(s, `noout.make.${A_TT.slice(3)}`);
    const r = await s.run('run-local.sh');
    expect(r.code).toBe(1);
    const reason = `expect failed: \${out}/result matched 0 file(s), expected == 1 (pattern ${s.runDir}/out/n5/a/tt_0p75v_25c_typical/result)`;
    expect(s.failedReason(make)).toBe(reason);
    expect(r.stderr).toContain(`libcc:   reason: ${reason}`);
    expect(r.stderr).toContain('libcc:   | finished, wrote nothing');
    expect(s.isDone(make)).toBe(false);
    const status = await s.run('status.sh');
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`  make ${A_TT}: ${reason}`);
  });

  it('an output dated in the future (a clock ahead: clock skew) is no fresh output: a re-run that wrote nothing fails saying so, never done', async () => {
    const s = site();
    const make = s.job('make', A_TT);
    expect((await s.run('run-local.sh', ['--only', 'make'])).code).toBe(0);
    const result = path.join(s.runDir, 'out/n5/a/tt_0p75v_25c_typical/result');
    const hourAhead = new Date(Date.now() + 3600_000);
    fs.utimesSync(result, hourAhead, hourAhead);
    touch(s, `noout.make.${A_TT.slice(3)}`);
    const r = await s.run('run-local.sh', ['--only', 'make', '--force', 'make']);
    expect(r.code).toBe(1);
    const reason = `expect failed: \${out}/result: 1 file(s) dated in the future (${result} is more than 60 s ahead of the clock of this host at the start of this check): clock skew between hosts? A stale output cannot be told from a fresh one; set the clocks right (NTP), then run the job again (pattern ${result})`;
    expect(s.failedReason(make)).toBe(reason);
    expect(s.isDone(make)).toBe(false);
    // The other jobs, which wrote their output, are done.
    for (const job of s.jobs.filter((j) => j.stage === 'make' && j !== make)) expect(s.isDone(job), jobName(job)).toBe(true);
    // The same stale file an hour old again: left over from an earlier attempt, not counted.
    const hourAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(result, hourAgo, hourAgo);
    const stale = await s.run('run-local.sh', ['--only', 'make']);
    expect(stale.code).toBe(1);
    expect(s.failedReason(make)).toMatch(/^expect failed: \$\{out\}\/result matched 0 file\(s\) written by this attempt \(and 1 older file\(s\) left over from an earlier attempt\)/);
  });

  it('an empty required variable is refused like an unset one', async () => {
    const s = site();
    const make = s.job('make', A_TT);
    const r = await s.run(`jobs/make.sh`, [make.group, String(make.index)], { env: { FAULT_HOOK: '' } });
    expect(r.code).toBe(1);
    expect(s.failedReason(make)).toBe('preflight: environment variable(s) not set or empty: FAULT_HOOK (declared with `env` in the pipeline)');
    expect(ran(s)).toEqual([]);
    expect(fs.existsSync(startedFile(s, make))).toBe(false);
  });

  it('a full disk when the done-marker is written: no done-marker, no partial file, the job fails loudly; after space is freed only it re-runs', async (ctx) => {
    const s = site();
    const state = path.join(s.runDir, 'state');
    fs.mkdirSync(state, { recursive: true });
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', state], { encoding: 'utf8' });
    if (mount.status !== 0) {
      if (process.env.CI) throw new Error(`cannot mount a tmpfs under CI: ${mount.stderr}`);
      ctx.skip(`a small tmpfs is needed to fill the disk, and mount is not permitted here: ${mount.stderr.trim() || mount.error?.message}`);
    }
    try {
      const make = s.job('make', A_TT);
      const filler = path.join(state, 'filler');
      touch(s, `fill.make.${A_TT.slice(3)}`, filler);
      const r = await s.run('run-local.sh', ['-j', '1', '--only', 'make']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`libcc: FAILED make ${A_TT}`);
      // The job said why, in its log: the done-marker, then the failed-marker, could not be written.
      const log = fs.readFileSync(path.join(s.runDir, 'logs/make', `${A_TT}.log`), 'utf8');
      expect(log).toMatch(/failed: the command succeeded but its done-marker could not be written: cannot write \S+\.done: .*No space left on device/);
      expect(log).toMatch(/cannot write \S+\.failed: .*No space left on device; the job's failure is not recorded/);
      expect(s.isDone(make)).toBe(false);
      expect(fs.existsSync(s.stateFile(make, 'done'))).toBe(false);
      expect(fs.readdirSync(path.join(state, 'make')).filter((f) => f.startsWith('.tmp'))).toEqual([]);
      // The disk is still full: the other jobs fail before their command runs, and say so.
      expect(ran(s)).toEqual([toolKey(make)]);

      fs.rmSync(filler);
      const status = await s.run('status.sh');
      expect(status.code).toBe(1);
      expect(status.stdout).toMatch(new RegExp(`  make ${A_TT.replace(/\./g, '\\.')}: killed: started on`));
      fs.rmSync(path.join(s.faults, `fill.make.${A_TT.slice(3)}`));
      const again = await s.run('run-local.sh');
      expect(again.code, again.stderr).toBe(0);
      for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
      expect(ran(s).sort()).toEqual([...s.jobs.map(toolKey), toolKey(make)].sort());
    } finally {
      spawnSync('umount', [state]);
    }
  });
});

describe('on the LSF stand-in', () => {
  it('SIGKILL of a job: LSF ends it EXIT, its dependant is terminated (none pends), status.sh says killed; a resubmission runs only those two', async () => {
    const s = site();
    const make = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const lsf = s.lsf();
    const r = await s.submitWith(lsf, 'submit.sh');
    expect(r.code, r.stderr).toBe(0);
    await running(s, make);
    const marker = started(s, make);
    expect(marker.job_id).toMatch(/^\d+$/);
    expect(marker.run).toBe(s.ledger()[0]!.runId);
    process.kill(-Number(marker.pgid), 'SIGKILL');
    await lsf.waitIdle(30_000);
    const states = elements(lsf.jobs()).map(({ element }) => element.state);
    expect(states.filter((x) => x === 'EXIT')).toHaveLength(2);
    expect(states.filter((x) => x === 'PEND')).toEqual([]);
    expect(s.failedReason(make)).toBeUndefined();

    const status = await s.submitWith(lsf, 'status.sh');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^make\s+4\s+3\s+0\s+0\s+1\s+0\s+0$/m);
    expect(status.stdout).toMatch(new RegExp(`  make ${A_TT.replace(/\./g, '\\.')}: killed: started on \\S+ at .* \\(process \\d+, job ${marker.job_id}, attempt 1\\)`));

    const before = markerIds(s);
    fs.rmSync(path.join(s.faults, 'ran'));
    fs.rmSync(path.join(s.faults, `gate.make.${A_TT.slice(3)}`));
    const again = await s.submitWith(lsf, 'submit.sh');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`libcc: make ${A_TT} was killed: started on`);
    await lsf.waitIdle(30_000);
    expect(ran(s)).toEqual(['make a.tt_0p75v_25c_typical', 'gather a']);
    for (const [job, id] of Object.entries(before)) expect(markerIds(s)[job], job).toBe(id);
    expect((await s.submitWith(lsf, 'status.sh')).code).toBe(0);
  });

  it('a job exiting with a requeue code (`resources { requeue = [75] }`, bsub -Q): LSF runs it again under the same id, its dependant waits for the second attempt, everything ends done', async () => {
    const s = site(requeuing);
    const make = s.job('make', A_TT);
    touch(s, `exit.make.${A_TT.slice(3)}`, '75');
    const lsf = s.lsf();
    const r = await s.submitWith(lsf, 'submit.sh');
    expect(r.code, r.stderr).toBe(0);
    await lsf.waitIdle(30_000);
    const { element } = lsfElement(lsf.jobs(), make, undefined, 'faults')!;
    expect(element).toMatchObject({ state: 'DONE', requeues: 1 });
    for (const { element: e } of elements(lsf.jobs())) expect(e.state).toBe('DONE');
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect(s.failedReason(make)).toBeUndefined();
    // The tool ran twice for make a.tt, once for everything else; gather a after the second run.
    const runs = ran(s);
    expect(runs.filter((line) => line === toolKey(make))).toHaveLength(2);
    expect(runs.sort()).toEqual([...s.jobs.map(toolKey), toolKey(make)].sort());
    expect(ran(s).indexOf('gather a')).toBeGreaterThan(ran(s).lastIndexOf(toolKey(make)));
    // The first attempt's end is recorded as failed with its code, the second as done.
    const ends = eventsByJob(s.events()).get(jobName(make))!.ends;
    expect(ends.map((e) => [e.status, e.exit_code])).toEqual([
      ['failed', 75],
      ['done', 0],
    ]);
    const status = await s.submitWith(lsf, 'status.sh');
    expect(status.code, status.stdout).toBe(0);
    expect(status.stdout).toMatch(/^make\s+4\s+4\s+0\s+0\s+0\s+0\s+0$/m);
  });

  it('bsub failing on its 3rd call: submit.sh stops, kills what it submitted and releases its lock; the resubmission completes, nothing done runs again', async () => {
    const s = site();
    const lsf = s.lsf({ env: { LSF_STANDIN_FAIL_SUBMIT: '3' } });
    const r = await s.submitWith(lsf, 'submit.sh');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Contacting batch daemon: Communication timeout. Job not submitted.');
    expect(r.stderr).toContain('libcc: fix the cause, then run submit.sh again');
    expect(fs.existsSync(path.join(s.runDir, 'lock'))).toBe(false);
    await lsf.waitIdle(30_000);
    const done = s.jobs.filter((j) => s.isDone(j)).map(jobName);
    const before = markerIds(s);
    const again = await s.submitWith(lsf, 'submit.sh');
    expect(again.code, again.stderr).toBe(0);
    await lsf.waitIdle(30_000);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    for (const job of done) expect(markerIds(s)[job], job).toBe(before[job]);
    // Every job's tool ran once to its end, whatever the first submission managed to start.
    const ends = s.events().filter((e) => e.event === 'end' && e.status === 'done');
    expect(ends.map((e) => `${e.stage} ${e.job}`).sort()).toEqual(s.jobs.map(jobName).sort());
    expect(elements(lsf.jobs()).filter(({ element }) => element.state === 'PEND')).toEqual([]);
    expect((await s.submitWith(lsf, 'status.sh')).code).toBe(0);
  });
});

describe('run-local.sh and a run submitted to the LSF stand-in', () => {
  /** The pipeline submitted to the LSF stand-in, its first `make` held running (gated). */
  async function submittedWithMakeRunning() {
    const s = site();
    const make = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const lsf = s.lsf();
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    await running(s, make);
    return { s, make, lsf };
  }

  it('refuses while the last submitted run has jobs pending or running, or LSF cannot say (exit 1), running nothing twice; once the run is over it has nothing to do', async () => {
    const { s, lsf } = await submittedWithMakeRunning();
    const group = s.ledger()[0]!.group;
    const live = await s.submitWith(lsf, 'run-local.sh', ['-j', '4']);
    expect(live.code).toBe(1);
    expect(live.stderr).toMatch(
      new RegExp(`^libcc: error: job group ${group.replace(/[/.]/g, '\\$&')}, submitted by submit\\.sh, still has [1-6] unfinished job\\(s\\) under LSF: running them here too would run them twice at once\\. Wait for them \\(status\\.sh\\) or kill them \\(kill\\.sh\\), then run run-local\\.sh again\\n$`),
    );
    const down = await s.submitWith(lsf, 'run-local.sh', ['-j', '4'], { LSF_STANDIN_DOWN: 'bjobs' });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`cannot tell whether job group ${group} still has unfinished jobs: the scheduler did not answer (bjobs exited with code 255: LSF is down. Please wait ...). Running its jobs here now could run jobs twice at once.`);
    expect(fs.existsSync(path.join(s.runDir, 'lock'))).toBe(false);
    touch(s, 'open');
    await lsf.waitIdle(30_000);
    // Every job ran once, under LSF.
    expect(ran(s).sort()).toEqual(s.jobs.map(toolKey).sort());
    const after = await s.submitWith(lsf, 'run-local.sh', ['-j', '4']);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toBe('libcc: 0 job(s) ran, 0 failed, 0 not run\n');
    expect(ran(s).sort()).toEqual(s.jobs.map(toolKey).sort());
  });

  it('waiting for a job an earlier submitted run still runs, it asks LSF again every LIBCC_SCHED_POLL seconds: the job killed without a marker (EXIT) is recorded as killed, not waited for forever', async () => {
    const { s, make, lsf } = await submittedWithMakeRunning();
    const marker = started(s, make);
    // A later run whose jobs are all over (submitted with --ignore-scheduler-errors while LSF
    // did not answer, say): the last run is no obstacle, the earlier one's job still runs.
    const first = s.ledger()[0]!;
    fs.appendFileSync(path.join(s.runDir, 'ledger.tsv'), `r2\t${first.group.replace(/[^/]*$/, 'r2')}\tmake\tgA\t0\t999999\t1\n`);
    const env: Record<string, string | undefined> = { ...lsf.env, LIBCC_SCHED_POLL: '1' };
    const local = s.start('run-local.sh', ['-j', '4', '--only', 'make'], { env });
    await waitFor('run-local.sh to wait for the job', () => local.output().includes(`libcc: still running make ${A_TT} `));
    expect(local.output()).toContain(`libcc: still running make ${A_TT} under LSF (job ${marker.job_id} of run ${first.runId}, started `);
    process.kill(-Number(marker.pgid), 'SIGKILL');
    // It used to wait forever on the first answer it had read (RUN).
    let stuck: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      local.done,
      new Promise<never>((_, reject) => {
        stuck = setTimeout(() => {
          process.kill(local.pid, 'SIGKILL');
          reject(new Error(`run-local.sh still waiting 30 s after LSF ended the job:\n${local.output()}`));
        }, 30_000);
      }),
    ]).finally(() => clearTimeout(stuck));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`libcc: FAILED make ${A_TT} (exit 1)`);
    expect(s.failedReason(make)).toMatch(KILLED);
    expect(fs.existsSync(startedFile(s, make))).toBe(false);
    // The job ran once, under LSF; nothing else ran twice.
    expect(ran(s).filter((line) => line === toolKey(make))).toHaveLength(1);
  });
});

// A scheduler command that never answers (mbatchd wedged, an NFS stall): libcc_sched_cmd stops
// it after LIBCC_SCHEDULER_TIMEOUT seconds (docs/generated-scripts.md, "Scheduler commands time
// out"). The stand-in hangs on demand (LSF_STANDIN_HANG, tests/lsf/README.md).
describe('a scheduler command that hangs, on the LSF stand-in', () => {
  const BOUND = { LIBCC_SCHEDULER_TIMEOUT: '2' };
  const timedOut = (cmd: string) => `${cmd} did not answer within 2 s (LIBCC_SCHEDULER_TIMEOUT): stopped; retry when LSF answers, or raise LIBCC_SCHEDULER_TIMEOUT if it is only slow`;
  const bsubCalls = (lsf: { dir: string }) => Number(fs.readFileSync(path.join(lsf.dir, 'bsub_calls'), 'utf8'));

  it('bjobs hanging: status.sh stops it after the bound and exits 3 naming bjobs and the bound, no unfinished job shown done or not run; submit.sh refuses', async () => {
    const s = site();
    const make = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const lsf = s.lsf();
    const r = await s.submitWith(lsf, 'submit.sh');
    expect(r.code, r.stderr).toBe(0);
    const runId = s.ledger()[0]!.runId;
    await running(s, make);
    await waitFor('the jobs not behind make a.tt to finish', () => s.jobs.filter((j) => s.isDone(j)).length === 4);

    for (const stubborn of ['0', '1']) {
      // '1': bjobs ignores SIGTERM too (an uninterruptible NFS read): SIGKILL 5 s later.
      const env = { ...BOUND, LSF_STANDIN_HANG: 'bjobs', LSF_STANDIN_HANG_IGNORE_TERM: stubborn };
      const status = await s.submitWith(lsf, 'status.sh', [], env);
      expect(status.code, stubborn).toBe(3);
      expect(status.stderr).toBe(
        `libcc: error: cannot reach the scheduler for run ${runId}: ${timedOut('bjobs')}\nlibcc: jobs without a marker of this run are shown as unknown: they may be pending or running\n`,
      );
      const json = await s.submitWith(lsf, 'status.sh', ['--json'], env);
      expect(json.code).toBe(3);
      const doc = JSON.parse(json.stdout) as { scheduler: { answered: boolean; error: string }; jobs: { stage: string; key: string; state: string }[] };
      expect(doc.scheduler).toMatchObject({ answered: false, error: timedOut('bjobs') });
      expect(doc.jobs.filter((j) => j.state === 'done')).toHaveLength(4);
      expect(doc.jobs.filter((j) => j.state !== 'done').map((j) => `${j.stage} ${j.key} ${j.state}`).sort()).toEqual([`gather n5.a unknown`, `make ${A_TT} unknown`]);
    }

    const submit = await s.submitWith(lsf, 'submit.sh', [], { ...BOUND, LSF_STANDIN_HANG: 'bjobs' });
    expect(submit.code).toBe(1);
    expect(submit.stderr).toContain(`libcc: error: cannot tell whether job group ${s.ledger()[0]!.group} still has unfinished jobs: the scheduler did not answer (${timedOut('bjobs')})`);
    expect(bsubCalls(lsf)).toBe(3);
    expect(new Set(s.ledger().map((l) => l.runId)).size).toBe(1);

    touch(s, 'open');
    await lsf.waitIdle(30_000);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect((await s.submitWith(lsf, 'status.sh', [], BOUND)).code).toBe(0);
  }, 120_000);

  it('bsub hanging after LSF registered the job: submit.sh finds it in the run\'s job group, records it and goes on; nothing is submitted twice', async () => {
    const s = site();
    const lsf = s.lsf();
    // make is one batch of both libraries (a's corners 1-2, b's 3-4); each gather waits for its library.
    const r = await s.submitWith(lsf, 'submit.sh', [], { ...BOUND, LSF_STANDIN_HANG: 'bsub:2:after' });
    expect(r.code, r.stderr).toBe(0);
    const ledger = s.ledger();
    expect(ledger.map((l) => `${l.stage} ${l.arrayGroup} ${l.indices}`)).toEqual(['make g1-2 1-4', 'gather n5 1', 'gather n5 2']);
    expect(r.stderr).toContain(`libcc: bsub did not answer for stage gather (faults.gather.n5[1]), but LSF accepted it as job ${ledger[1]!.id}: going on\n`);
    expect(bsubCalls(lsf)).toBe(3);
    expect(lsf.jobs().map((j) => j.id)).toEqual(ledger.map((l) => Number(l.id)));
    await lsf.waitIdle(30_000);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect(ran(s).sort()).toEqual(s.jobs.map(toolKey).sort());
  }, 90_000);

  it('bsub hanging before LSF registered the job: submit.sh stops after the bound and 15 s of bjobs, says so and kills what it submitted; the next submit.sh completes', async () => {
    const s = site();
    const lsf = s.lsf();
    const r = await s.submitWith(lsf, 'submit.sh', [], { ...BOUND, LSF_STANDIN_HANG: 'bsub:2' });
    expect(r.code).toBe(1);
    const group = s.ledger()[0]!.group;
    expect(r.stderr).toContain(
      `libcc: error: bsub failed for stage gather (faults.gather.n5[1]): ${timedOut('bsub')}; no job of it appeared in job group ${group} within 15 s\n` +
        `libcc: killing the jobs of this run (job group ${group})\n`,
    );
    expect(s.ledger()).toHaveLength(1);
    expect(lsf.jobs()).toHaveLength(1);
    await lsf.waitIdle(30_000);
    const again = await s.submitWith(lsf, 'submit.sh', [], BOUND);
    expect(again.code, again.stderr).toBe(0);
    await lsf.waitIdle(30_000);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    expect(elements(lsf.jobs()).filter(({ element }) => element.state === 'PEND')).toEqual([]);
  }, 90_000);

  it('bkill hanging: kill.sh stops it after the bound and says it could not kill the run; run again, it does', async () => {
    const s = site();
    const make = s.job('make', A_TT);
    touch(s, `gate.make.${A_TT.slice(3)}`);
    const lsf = s.lsf();
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    const group = s.ledger()[0]!.group;
    await running(s, make);
    const r = await s.submitWith(lsf, 'kill.sh', [], { ...BOUND, LSF_STANDIN_HANG: 'bkill' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `libcc: killing job group ${group}\n` +
        `libcc: error: could not kill every job of ${group} (bkill exited with code 124):\n  ${timedOut('bkill')}\n` +
        'libcc: the jobs above may still be pending or running: check with status.sh, then run kill.sh again\n',
    );
    expect(lsf.element(s.ledger()[0]!.id, make.index)?.state).toBe('RUN');
    const again = await s.submitWith(lsf, 'kill.sh', [], BOUND);
    expect(again.code, again.stderr).toBe(0);
    await lsf.waitIdle(30_000);
    expect(elements(lsf.jobs()).filter(({ element }) => element.state === 'RUN' || element.state === 'PEND')).toEqual([]);
  });

  it('LIBCC_SCHEDULER_TIMEOUT that is not a positive whole number, or no usable timeout: submit.sh, status.sh and kill.sh stop at once with a clear error and ask LSF nothing', async () => {
    const s = site();
    const lsf = s.lsf();
    for (const bound of ['0', 'abc', '1.5', '-3', '5m']) {
      for (const script of ['submit.sh', 'status.sh', 'kill.sh']) {
        const r = await s.submitWith(lsf, script, [], { LIBCC_SCHEDULER_TIMEOUT: bound, LSF_STANDIN_HANG: 'bsub bjobs bkill' });
        expect(r.code, `${script} ${bound}`).toBe(1);
        expect(r.stderr).toBe(`libcc: error: LIBCC_SCHEDULER_TIMEOUT must be a positive whole number of seconds (the bound on each scheduler command; default 300), not '${bound}'\n`);
      }
    }
    expect(lsf.jobs()).toEqual([]);

    // A `timeout` that is not the coreutils one (BusyBox's older one takes -t SECS).
    const fake = path.join(s.root, 'fake-timeout');
    fs.mkdirSync(fake);
    fs.writeFileSync(path.join(fake, 'timeout'), '#!/bin/sh\necho "timeout: unrecognized option: k" >&2\nexit 1\n', { mode: 0o755 });
    const odd = await s.submitWith(lsf, 'submit.sh', [], { PATH: `${fake}:${lsf.env.PATH ?? ''}` });
    expect(odd.code).toBe(1);
    expect(odd.stderr).toBe(`libcc: error: '${fake}/timeout' does not run 'timeout -k 1 1 true': libcc needs the coreutils timeout, with --kill-after, to bound scheduler commands\n`);

    // No timeout at all: a PATH of everything on it but timeout.
    const bare = path.join(s.root, 'no-timeout');
    fs.mkdirSync(bare);
    for (const dir of (lsf.env.PATH ?? '').split(':').filter((d) => d !== '' && fs.existsSync(d))) {
      for (const name of fs.readdirSync(dir)) {
        if (name !== 'timeout' && !fs.existsSync(path.join(bare, name))) fs.symlinkSync(path.join(dir, name), path.join(bare, name));
      }
    }
    const none = await s.submitWith(lsf, 'status.sh', [], { PATH: bare });
    expect(none.code).toBe(1);
    expect(none.stderr).toBe("libcc: error: the coreutils command 'timeout' is not on PATH: libcc runs every scheduler command under it, so that a scheduler that does not answer cannot hang this script (install coreutils)\n");
    expect(lsf.jobs()).toEqual([]);
  });
});
