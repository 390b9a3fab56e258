// Scheduler failures are never hidden: every bsub/bjobs/bkill call of the generated scripts
// checks its exit status. The LSF stand-in fails on demand, as when mbatchd cannot be reached
// (LSF_STANDIN_DOWN) or on an OpenLava-family scheduler whose bjobs/bkill lack `-o`,
// `-noheader` or `-g` (LSF_STANDIN_ILLEGAL_OPTIONS).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledPipeline, jobName, lsfElement, Site } from './harness.js';

const FLOW = `pipeline sched
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
corner ss_0p675v_m40c_typical {}
corner tt_0p80v_25c_typical {}
library a : n5 { corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical, tt_0p80v_25c_typical] }
stage work for each library, corner {
  run = shell """mkdir -p "\${out}" && if [ -e "$SCHED_DIR/fail.\${corner.name}" ]; then echo "tool: cannot open \${corner.name}.db" >&2; exit 3; fi; while [ ! -e "$SCHED_DIR/gate" ]; do sleep 0.05; done; touch "\${out}/x" """
  expect "\${out}/x" == 1
  fail_fast = 0
}
stage summary for each library after work {
  run = shell """touch "\${out}/y" """
  expect "\${out}/y" == 1
}
`;

const pipeline = compiledPipeline('sched', FLOW);

function setup() {
  const s = pipeline.site();
  const ctl = path.join(s.root, 'ctl');
  fs.mkdirSync(ctl);
  const lsf = s.lsf({ env: { SCHED_DIR: ctl } });
  return { s, ctl, lsf };
}

/** Waits until `n` elements of the stand-in are running. */
async function running(lsf: ReturnType<Site['lsf']>, n: number): Promise<void> {
  const end = Date.now() + 20_000;
  for (;;) {
    const count = lsf.jobs().flatMap((j) => Object.values(j.elements)).filter((e) => e.state === 'RUN').length;
    if (count >= n) return;
    if (Date.now() > end) throw new Error(`never ${n} running jobs (${count})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const DOWN = 'LSF is down. Please wait ...';

describe('status.sh when the scheduler does not answer', () => {
  it('mbatchd down: says so with LSF\'s message, shows in-flight jobs as unknown (never not run), exits 3', async () => {
    const { s, ctl, lsf } = setup();
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    await running(lsf, 3);
    const ok = await s.submitWith(lsf, 'status.sh');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^work\s+3\s+0\s+3\s+0\s+0\s+0\s+0$/m);
    expect(ok.stdout).toMatch(/^summary\s+1\s+0\s+0\s+1\s+0\s+0\s+0$/m);

    const down = await s.submitWith(lsf, 'status.sh', [], { LSF_STANDIN_DOWN: 'bjobs' });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(`libcc: error: cannot reach the scheduler for run ${s.ledger()[0]!.runId}: bjobs exited with code 255: ${DOWN}`);
    expect(down.stdout).toMatch(/^work\s+3\s+0\s+0\s+0\s+0\s+0\s+3$/m);
    expect(down.stdout).toMatch(/^summary\s+1\s+0\s+0\s+0\s+0\s+0\s+1$/m);
    expect(down.stdout).toContain(`the scheduler did not answer (bjobs exited with code 255: ${DOWN}): the counts above are incomplete`);

    // A bjobs without -o (OpenLava family): the same, with that bjobs' own message.
    const old = await s.submitWith(lsf, 'status.sh', [], { LSF_STANDIN_ILLEGAL_OPTIONS: 'bjobs:-o' });
    expect(old.code).toBe(3);
    expect(old.stderr).toContain("bjobs exited with code 255: bjobs: invalid option -- 'o'");
    expect(old.stdout).toMatch(/^work\s+3\s+0\s+0\s+0\s+0\s+0\s+3$/m);

    fs.writeFileSync(path.join(ctl, 'gate'), '');
    await lsf.waitIdle(20_000);
    // Done-markers need no scheduler: a finished run reads as done even with LSF down.
    const after = await s.submitWith(lsf, 'status.sh', [], { LSF_STANDIN_DOWN: 'all' });
    expect(after.stdout).toMatch(/^work\s+3\s+3\s+0\s+0\s+0\s+0\s+0$/m);
    expect(after.code).toBe(3);
    // "No job found" with LSB_BJOBS_CONSISTENT_EXIT_CODE=Y (exit 255) is an answer, not a failure.
    // (A run the ledger does not hold, named by LIBCC_RUN_ID: --run-id refuses one, as a usage error.)
    expect((await s.submitWith(lsf, 'status.sh', [], { LSB_BJOBS_CONSISTENT_EXIT_CODE: 'Y', LIBCC_RUN_ID: 'nosuch' })).code).toBe(0);
  });

  it("mbatchd busy, then answering (LSF's retry message first): status.sh and kill.sh take the answer", async () => {
    const { s, lsf } = setup();
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    await running(lsf, 3);
    const busy = await s.submitWith(lsf, 'status.sh', [], { LSF_STANDIN_BUSY: 'bjobs' });
    expect(busy.code, busy.stderr).toBe(0);
    expect(busy.stderr).toBe('');
    expect(busy.stdout).toMatch(/^work\s+3\s+0\s+3\s+0\s+0\s+0\s+0$/m);
    expect(busy.stdout).toMatch(/^summary\s+1\s+0\s+0\s+1\s+0\s+0\s+0$/m);
    const killed = await s.submitWith(lsf, 'kill.sh', [], { LSF_STANDIN_BUSY: 'bkill' });
    expect(killed.code, killed.stderr).toBe(0);
    expect(killed.stdout).toMatch(/^Job <\d+> is being terminated$/m);
    expect(killed.stderr).not.toContain('error');
    await lsf.waitIdle(20_000);
    expect(lsf.jobs().flatMap((j) => Object.values(j.elements)).filter((e) => e.state === 'RUN' || e.state === 'PEND')).toEqual([]);
  });

  it('failed jobs of this run are reported as failed with their reason even without LSF; jobs without a marker are unknown', async () => {
    const { s, ctl, lsf } = setup();
    fs.writeFileSync(path.join(ctl, 'fail.ss_0p675v_m40c_typical'), '');
    const r = await s.submitWith(lsf, 'submit.sh', [], { LSF_STANDIN_DOWN: '' });
    expect(r.code).toBe(0);
    await lsf.waitIdle(20_000);
    const status = await s.submitWith(lsf, 'status.sh', [], { LSF_STANDIN_DOWN: 'bjobs' });
    expect(status.code).toBe(3);
    // fail_fast = 0: the failure killed the two other `work` jobs (failed-markers of this run);
    // `summary` never ran (LSF terminated it), and without LSF nothing says so.
    expect(status.stdout).toMatch(/^work\s+3\s+0\s+0\s+0\s+3\s+0\s+0$/m);
    expect(status.stdout).toMatch(/^summary\s+1\s+0\s+0\s+0\s+0\s+0\s+1$/m);
    expect(status.stdout).not.toContain('fail_fast: could not kill');
    expect(status.stdout).toContain('  work n5.a.ss_0p675v_m40c_typical: command exited with code 3 (attempt 1)\n      | tool: cannot open ss_0p675v_m40c_typical.db\n');
  });
});

describe('a bjobs that exits 0 but does not answer', () => {
  /** A directory with a bjobs that prints `body`'s output and exits 0 (`real` runs the stand-in's). */
  function fakeBjobs(root: string, name: string, body: string): string {
    const bin = path.join(root, name);
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'bjobs'), `#!/bin/bash\nreal() { PATH=\${PATH#*:} bjobs "$@"; }\n${body}\nexit 0\n`, { mode: 0o755 });
    return bin;
  }

  it('an error printed instead of jobs, or after one job line: status.sh exits 3 with every running job unknown, never failed (killed); submit.sh refuses to submit again', async () => {
    const { s, ctl, lsf } = setup();
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    await running(lsf, 3);
    const calls = () => Number(fs.readFileSync(path.join(lsf.dir, 'bsub_calls'), 'utf8'));
    const before = calls();
    const busy = fakeBjobs(s.root, 'busy', `echo 'LSF is processing your request. Please wait ...'`);
    const partial = fakeBjobs(s.root, 'partial', `real "$@" | head -n 1\necho 'bjobs: Failed in an LSF library call: Slave LIM configuration is not ready yet' >&2`);
    for (const [bin, words] of [
      [busy, 'LSF is processing your request. Please wait ...'],
      [partial, 'bjobs: Failed in an LSF library call: Slave LIM configuration is not ready yet'],
    ] as const) {
      const env = { PATH: `${bin}:${lsf.env.PATH}` };
      const status = await s.submitWith(lsf, 'status.sh', ['--no-matrix'], env);
      expect(status.code, status.stderr).toBe(3);
      expect(status.stderr).toContain(`bjobs printed what is not a job line of the requested format, so its answer cannot be trusted: ${words}`);
      expect(status.stdout).toMatch(/^work\s+3\s+0\s+0\s+0\s+0\s+0\s+3$/m);
      expect(status.stdout).not.toContain('killed');
      const again = await s.submitWith(lsf, 'submit.sh', [], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`the scheduler did not answer (bjobs printed what is not a job line of the requested format, so its answer cannot be trusted: ${words})`);
      expect(calls()).toBe(before);
    }
    // Nothing was marked killed: once the jobs end, the run is done.
    fs.writeFileSync(path.join(ctl, 'gate'), '');
    await lsf.waitIdle(20_000);
    const done = await s.submitWith(lsf, 'status.sh', ['--no-matrix']);
    expect(done.code, done.stdout).toBe(0);
    expect(done.stdout).toMatch(/^work\s+3\s+3\s+0\s+0\s+0\s+0\s+0$/m);
  });
});

describe('submit.sh refuses when it cannot tell whether the last run is in flight', () => {
  it('refuses with LSF\'s message; --ignore-scheduler-errors overrides; --dry-run only warns', async () => {
    const { s, ctl, lsf } = setup();
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    await running(lsf, 3);
    const calls = () => Number(fs.readFileSync(path.join(lsf.dir, 'bsub_calls'), 'utf8'));
    const before = calls();

    const refused = await s.submitWith(lsf, 'submit.sh', [], { LSF_STANDIN_DOWN: 'bjobs' });
    expect(refused.code).toBe(1);
    const group = s.ledger()[0]!.group;
    expect(refused.stderr).toContain(`libcc: error: cannot tell whether job group ${group} still has unfinished jobs: the scheduler did not answer (bjobs exited with code 255: ${DOWN})`);
    expect(refused.stderr).toContain('--ignore-scheduler-errors');
    const noG = await s.submitWith(lsf, 'submit.sh', [], { LSF_STANDIN_ILLEGAL_OPTIONS: 'bjobs:-g' });
    expect(noG.code).toBe(1);
    expect(noG.stderr).toContain("bjobs: invalid option -- 'g'");
    const dry = await s.submitWith(lsf, 'submit.sh', ['--dry-run'], { LSF_STANDIN_DOWN: 'bjobs' });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('submit.sh would refuse to submit (override: --ignore-scheduler-errors)');
    expect(calls()).toBe(before);
    // Reachable, the in-flight run is still refused, as before.
    const busy = await s.submitWith(lsf, 'submit.sh');
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`job group ${group} still has 4 unfinished job(s)`);

    fs.writeFileSync(path.join(ctl, 'gate'), '');
    await lsf.waitIdle(20_000);
    const forced = await s.submitWith(lsf, 'submit.sh', ['--ignore-scheduler-errors', '--force', 'summary'], { LSF_STANDIN_DOWN: 'bjobs' });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('submitting anyway (--ignore-scheduler-errors)');
    expect(calls()).toBe(before + 1);
  });
});

describe('kill.sh and fail-fast report what they could not kill', () => {
  it('kill.sh: bkill failing (mbatchd down, or no -g) is reported with its message and exit 1; then it kills', async () => {
    const { s, lsf } = setup();
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    await running(lsf, 3);
    const down = await s.submitWith(lsf, 'kill.sh', [], { LSF_STANDIN_DOWN: 'bkill' });
    expect(down.code).toBe(1);
    const group = s.ledger()[0]!.group;
    expect(down.stderr).toContain(`libcc: error: could not kill every job of ${group} (bkill exited with code 255):\n  ${DOWN}\n`);
    const noG = await s.submitWith(lsf, 'kill.sh', [], { LSF_STANDIN_ILLEGAL_OPTIONS: 'bkill:-g' });
    expect(noG.code).toBe(1);
    expect(noG.stderr).toContain("  bkill: invalid option -- 'g'\n");
    // Nothing was killed so far.
    for (const job of s.jobs.filter((j) => j.stage === 'work')) expect(lsfElement(lsf.jobs(), job, group, 'sched')!.element.state).toBe('RUN');

    const killed = await s.submitWith(lsf, 'kill.sh');
    expect(killed.code, killed.stderr).toBe(0);
    expect(killed.stdout).toMatch(/Job <\d+(\[\d+\])?> is being terminated/);
    await lsf.waitIdle(20_000);
    // Nothing left to kill is no failure.
    const again = await s.submitWith(lsf, 'kill.sh');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('no unfinished job');
  });

  it('fail-fast: a bkill that fails is reported in the job\'s log, event and failed-marker', async () => {
    const { s, ctl, lsf } = setup();
    fs.writeFileSync(path.join(ctl, 'fail.ss_0p675v_m40c_typical'), '');
    // bkill is down in the jobs' environment (the submission environment, as LSF passes it).
    const r = await s.submitWith(lsf, 'submit.sh', [], { LSF_STANDIN_DOWN: 'bkill' });
    expect(r.code).toBe(0);
    const failed = s.job('work', 'n5.a.ss_0p675v_m40c_typical');
    const end = Date.now() + 20_000;
    while (!fs.existsSync(s.stateFile(failed, 'failed')) || !/fail_fast=/.test(fs.readFileSync(s.stateFile(failed, 'failed'), 'utf8'))) {
      if (Date.now() > end) throw new Error('no failed-marker with fail_fast');
      await new Promise((res) => setTimeout(res, 50));
    }
    const marker = fs.readFileSync(s.stateFile(failed, 'failed'), 'utf8');
    expect(marker).toContain(`fail_fast=could not kill the run: bkill -g ${s.ledger()[0]!.group} 0 exited with code 255: ${DOWN}`);
    expect(s.events().some((e) => e.event === 'fail_fast' && e.stage === 'work' && e.status === 'kill failed')).toBe(true);
    const logs = fs.readdirSync(path.join(s.runDir, 'logs/work')).map((f) => fs.readFileSync(path.join(s.runDir, 'logs/work', f), 'utf8'));
    expect(logs.some((l) => l.includes(`libcc: fail_fast: could not kill the run: bkill -g ${s.ledger()[0]!.group} 0 exited with code 255: ${DOWN}; stop it with kill.sh`))).toBe(true);
    // The run was not killed: the other jobs still run. Stop it.
    const others = s.jobs.filter((j) => j.stage === 'work' && j !== failed);
    for (const job of others) expect(lsfElement(lsf.jobs(), job, undefined, 'sched')!.element.state).toBe('RUN');
    const status = await s.submitWith(lsf, 'status.sh');
    expect(status.stdout).toContain('      fail_fast: could not kill the run: ');
    fs.writeFileSync(path.join(ctl, 'gate'), '');
    await lsf.waitIdle(20_000);
    expect(others.every((j) => s.isDone(j)), others.map(jobName).join()).toBe(true);
  });
});

describe("libcc_bjobs: LSF's answer split into job lines and messages", () => {
  /**
   * Runs `call` (bash, after lib/runtime.sh, its status in `$status`) with a fake `command` that
   * prints `text` and exits with `code`, then `report` (bash printing `\0`-separated fields).
   */
  function withFake(command: string, text: string, code: number, call: string, report: string): { fields: string[]; stderr: string } {
    const s = pipeline.site();
    const bin = path.join(s.root, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, command), `#!/bin/bash\nprintf '%s' "$FAKE_TEXT"\nexit ${code}\n`, { mode: 0o755 });
    const script = `set -euo pipefail
LIBCC_HOME=$1
. "$LIBCC_HOME/lib/runtime.sh"
status=0
${call} || status=$?
${report}`;
    const r = spawnSync('bash', ['-c', script, '_', pipeline.out], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_TEXT: text } });
    return { fields: r.stdout.split('\0'), stderr: r.stderr };
  }

  /** libcc_bjobs with a bjobs that prints `text` and exits with `code`; what it returns and sets. */
  function bjobs(text: string, code: number): { status: number; out: string; count: string; err: string } {
    const { fields } = withFake('bjobs', text, code, `libcc_bjobs -a -noheader -o "jobid stat job_name delimiter='|'" -g /libcc/x`,
      `printf '%s\\0%s\\0%s\\0%s' "$status" "$LIBCC_BJOBS_OUT" "$LIBCC_BJOBS_COUNT" "$LIBCC_SCHED_ERR"`);
    const [status, out, count, err] = fields;
    return { status: Number(status), out: out!, count: count!, err: err! };
  }

  it('job lines (each with its line break) and their count; any other line, even with exit 0, makes the answer a failure, with every such line joined', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `${100 + i}|PEND|sched.work.a[${i + 1}]`);
    expect(bjobs(lines.map((l) => `${l}\n`).join(''), 0)).toEqual({ status: 0, out: `${lines.join('\n')}\n`, count: '2000', err: '' });
    expect(bjobs(`${lines.slice(0, 1000).join('\n')}\nWarning: a message\n\n${lines.slice(1000).join('\n')}\n  \nand another\n`, 0)).toEqual({
      status: 1,
      out: `${lines.join('\n')}\n`,
      count: '2000',
      err: 'bjobs printed what is not a job line of the requested format, so its answer cannot be trusted: Warning: a message;   ; and another',
    });
    expect(bjobs('', 0)).toEqual({ status: 0, out: '', count: '0', err: '' });
  });

  it('bjobs exiting 0 with an error instead of jobs, or with one job line and an error, is a failure, not "no jobs" or "only that job"', () => {
    expect(bjobs('LSF is processing your request. Please wait ...\n', 0)).toEqual({
      status: 1,
      out: '',
      count: '0',
      err: 'bjobs printed what is not a job line of the requested format, so its answer cannot be trusted: LSF is processing your request. Please wait ...',
    });
    expect(bjobs('7|RUN|sched.work.a[1]\nbjobs: Failed in an LSF library call: Slave LIM configuration is not ready yet\n', 0)).toMatchObject({
      status: 1,
      count: '1',
      err: 'bjobs printed what is not a job line of the requested format, so its answer cannot be trusted: bjobs: Failed in an LSF library call: Slave LIM configuration is not ready yet',
    });
    // Job lines and "No job found" cannot both be true.
    expect(bjobs('7|RUN|sched.work.a[1]\nNo job found\n', 0)).toMatchObject({ status: 1, count: '1' });
  });

  it('"No job found" with a non-zero exit is an answer: no jobs; any other message is a failure, with bjobs\'s words', () => {
    expect(bjobs('No unfinished job found\n', 255)).toEqual({ status: 0, out: '', count: '0', err: '' });
    expect(bjobs('No job found\n', 255)).toEqual({ status: 0, out: '', count: '0', err: '' });
    // The same with exit 0, LSF's default (LSB_BJOBS_CONSISTENT_EXIT_CODE=N); IBM's example
    // prints a trailing blank.
    expect(bjobs('No job found\n', 0)).toEqual({ status: 0, out: '', count: '0', err: '' });
    expect(bjobs('No unfinished job found \n', 0)).toEqual({ status: 0, out: '', count: '0', err: '' });
    expect(bjobs('LSF is down. Please wait ...\nmbatchd: not responding\n', 255)).toEqual({ status: 1, out: '', count: '0', err: 'bjobs exited with code 255: LSF is down. Please wait ...; mbatchd: not responding' });
    // Job lines and a failure: not an answer.
    expect(bjobs('7|RUN|sched.work.a[1]\nNo job found\n', 255)).toMatchObject({ status: 1, count: '1', err: 'bjobs exited with code 255: No job found' });
  });

  it("LSF's retry messages (IBM's defaults) before a whole answer are passed over; without one, they are part of the failure", () => {
    const busy = 'LSF is processing your request. Please wait...\n';
    const jobs = '7|RUN|sched.work.a[1]\n8|PEND|sched.work.a[2]\n';
    // mbatchd busy, then the answer: the command retried (LSB_API_CONNTIMEOUT) and got through.
    expect(bjobs(`${busy}${busy}${jobs}`, 0)).toEqual({ status: 0, out: jobs, count: '2', err: '' });
    expect(bjobs(`Cannot connect to LSF. Please wait...\n${jobs}`, 0)).toEqual({ status: 0, out: jobs, count: '2', err: '' });
    expect(bjobs('LSF is down. Please wait ...\nNo job found\n', 255)).toEqual({ status: 0, out: '', count: '0', err: '' });
    expect(bjobs(`${busy}No unfinished job found\n`, 0)).toEqual({ status: 0, out: '', count: '0', err: '' });
    // No answer after them, or a failure with them: not an answer, every message said.
    expect(bjobs(busy, 0)).toEqual({
      status: 1,
      out: '',
      count: '0',
      err: 'bjobs printed what is not a job line of the requested format, so its answer cannot be trusted: LSF is processing your request. Please wait...',
    });
    expect(bjobs(`${busy}${jobs}`, 255)).toMatchObject({ status: 1, count: '2', err: 'bjobs exited with code 255: LSF is processing your request. Please wait...' });
    expect(bjobs(`${busy}${jobs}Warning: a message\n`, 0)).toMatchObject({
      status: 1,
      err: 'bjobs printed what is not a job line of the requested format, so its answer cannot be trusted: LSF is processing your request. Please wait...; Warning: a message',
    });
    expect(bjobs(`${busy}${jobs}No job found\n`, 0)).toMatchObject({ status: 1, count: '2' });
    // A site's own message (LSB_MBD_BUSY_MSG) is not known to be one: strict, as before.
    expect(bjobs(`The mbatchd daemon is busy. Your command will retry every 5 minutes.\n${jobs}`, 0)).toMatchObject({ status: 1, count: '2' });
  });

  it("kill.sh: bkill's retry messages before its answer are no failure; alone, or with a failure, they are reported", () => {
    const bkill = (text: string, code: number) => {
      const { fields, stderr } = withFake('bkill', text, code, 'libcc_sched_kill run1', `printf '\\0%s\\0%s' "$status" "$LIBCC_SCHED_ERR"`);
      const [printed, status, err] = fields;
      return { status: Number(status), printed: printed!, err: err!, stderr };
    };
    const busy = 'LSF is processing your request. Please wait...\n';
    expect(bkill(`${busy}Job <7> is being terminated\n`, 0)).toMatchObject({ status: 0, printed: 'Job <7> is being terminated\n', err: '' });
    expect(bkill(`${busy}No unfinished job found\n`, 255)).toMatchObject({ status: 0, printed: '', err: '', stderr: expect.stringContaining('no unfinished job in') });
    expect(bkill(busy, 0)).toMatchObject({ status: 1, err: 'LSF is processing your request. Please wait...' });
    expect(bkill(`${busy}Job <7>: Permission denied\n`, 255)).toMatchObject({ status: 1, err: 'LSF is processing your request. Please wait...\nJob <7>: Permission denied' });
  });
});
