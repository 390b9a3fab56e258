// libcc_sched_states of each scheduler folder: the scheduler's answer (bjobs, squeue) read into
// LIBCC_SCHED_STATE, LIBCC_SCHED_HELD and LIBCC_SCHED_UNFINISHED, which status.sh, submit.sh and
// the wrappers classify by. awk writes the states as bash code that is evaluated, so these tests
// feed names that would run as code if a quote slipped: nothing may run, every key must be the
// name as the scheduler printed it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledPipeline } from './harness.js';
import { schedStates, type SchedStates } from '../helpers/sched-states.js';

const stages = `stage work for each library, corner {
  run = shell """touch "\${out}/x" """
  expect "\${out}/x" == 1
}
`;
const flow = (site: string) => `pipeline states
${site}
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
library a : n5 { corners = [tt_0p75v_25c_typical] }
${stages}`;

const lsf = compiledPipeline('states-lsf', flow(''));
const slurm = compiledPipeline('states-slurm', flow('site { scheduler = slurm }'));

const scratch: string[] = [];
afterEach(() => {
  while (scratch.length) fs.rmSync(scratch.pop()!, { recursive: true, force: true });
});

/** libcc_sched_states of `out` with stand-in commands, its directory removed after the test. */
function statesOf(out: string, tools: Record<string, string>, ledger: string[] = []): SchedStates {
  const r = schedStates(out, { tools, ledger });
  scratch.push(r.dir);
  return r;
}

/** Names that are code if a quote slips: a quote, command substitutions, a `|`, brackets, backslashes. */
const HOSTILE = [`it's[1]`, `$(touch PWNED)[2]`, '`touch PWNED`', 'a|b[4]', `x'; touch PWNED; '[5]`, 'back\\slash\\[6]', `'[7]`, 'two  spaces'];

/** A stand-in's body that prints `text`, kept in `file` (hostile text never becomes the stand-in's own code). */
function printing(file: string, text: string): string {
  fs.writeFileSync(file, text);
  return `cat '${file}'`;
}

describe('LSF: bjobs -o "jobid stat job_name" read into states', () => {
  function withBjobs(text: string): SchedStates {
    const answer = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-bjobs-')), 'answer');
    scratch.push(path.dirname(answer));
    return statesOf(lsf.out, { bjobs: printing(answer, text) });
  }

  it("maps LSF's states; held and suspended jobs say how to release them, by id and index", () => {
    const r = withBjobs(
      ['11|PEND|w.a[1]', '11|PSUSP|w.a[2]', '12|USUSP|solo', '11|SSUSP|w.a[3]', '11|RUN|w.a[4]', '11|DONE|w.a[5]', '11|EXIT|w.a[6]', '13|UNKWN|u', '14|ZOMBI|z', '15|PEND|'].join('\n') + '\n',
    );
    expect(r.status).toBe(0);
    expect(Object.fromEntries(r.states)).toEqual({
      'w.a[1]': 'PEND',
      'w.a[2]': 'HELD',
      solo: 'SUSP',
      'w.a[3]': 'RUN',
      'w.a[4]': 'RUN',
      'w.a[5]': 'DONE',
      'w.a[6]': 'EXIT',
      u: 'UNKNOWN',
      z: 'UNKNOWN',
    });
    expect(Object.fromEntries(r.held)).toEqual({
      'w.a[2]': "held by LSF (PSUSP): it starts only when released: bresume '11[2]'",
      solo: "suspended by LSF (USUSP): it goes on only when resumed: bresume '12'",
    });
    // Not DONE or EXIT: PEND, HELD, SUSP, RUN (twice), UNKNOWN (twice).
    expect(r.unfinished).toBe(7);
  });

  it('every name is a key as printed, and none runs as code', () => {
    const lines = HOSTILE.map((name, i) => `${20 + i}|${i % 2 ? 'PSUSP' : 'PEND'}|${name}`);
    const r = withBjobs(`${lines.join('\n')}\n`);
    expect(r.planted).toEqual([]);
    expect([...r.states.keys()].sort()).toEqual([...HOSTILE].sort());
    expect(r.held.get(`$(touch PWNED)[2]`)).toBe("held by LSF (PSUSP): it starts only when released: bresume '21[2]'");
    expect(r.held.get('a|b[4]')).toBe("held by LSF (PSUSP): it starts only when released: bresume '23[4]'");
    expect(r.held.get('two  spaces')).toBe("held by LSF (PSUSP): it starts only when released: bresume '27'");
    expect(r.held.size).toBe(4);
    expect(r.unfinished).toBe(HOSTILE.length);
  });

  it('a 100 000-element run: every element once', () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `${1000 + (i >> 8)}|${i % 3 ? 'PEND' : 'DONE'}|w.l${i >> 8}[${(i & 255) + 1}]`);
    const r = withBjobs(`${lines.join('\n')}\n`);
    expect(r.states.size).toBe(100_000);
    expect(r.states.get('w.l390[160]')).toBe(lines[390 * 256 + 159]!.includes('DONE') ? 'DONE' : 'PEND');
    expect(r.unfinished).toBe(lines.filter((l) => l.includes('PEND')).length);
  });

  it('no job (an empty answer, or "No job found") is no state; a bjobs that fails is an error, not "no jobs"', () => {
    expect(withBjobs('')).toMatchObject({ status: 0, unfinished: 0, states: new Map() });
    expect(withBjobs('No job found\n')).toMatchObject({ status: 0, unfinished: 0, states: new Map() });
    // Exit 0 with an error instead of the jobs, or a job line without its state: not an answer.
    expect(withBjobs('LSF is processing your request. Please wait ...\n')).toMatchObject({ status: 1, unfinished: 0, states: new Map() });
    expect(withBjobs('11|RUN|w.a[1]\n12|w.a[2]\n')).toMatchObject({ status: 1, states: new Map(), err: 'bjobs printed a line that is not `jobid|stat|job_name`: 12|w.a[2]' });
    const down = statesOf(lsf.out, { bjobs: `echo 'LSF is down. Please wait ...'; exit 255` });
    expect(down).toMatchObject({ status: 1, err: 'bjobs exited with code 255: LSF is down. Please wait ...' });
  });
});

describe('Slurm: squeue -t all read into states, for the jobs the ledger lists', () => {
  const LEDGER = ['r1\tr1\twork\tw\t1\t300\t1-9', 'r1\tr1\twork\tw\t2\t310\t-', 'r0\tr0\twork\tw\t1\t200\t1-9'];
  const scontrol = `[ "$1" = ping ] && echo 'Slurmctld(primary) at vm is UP'`;
  function withSqueue(text: string): SchedStates {
    const answer = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-squeue-')), 'answer');
    scratch.push(path.dirname(answer));
    return statesOf(slurm.out, { squeue: printing(answer, text), scontrol }, LEDGER);
  }

  it("maps Slurm's states, expands the pending rest of an array (throttle and step), and leaves out other runs' jobs", () => {
    const r = withSqueue(
      [
        '300_[3-5,8%2]|300|3-5,8%2|PENDING|JobArrayTaskLimit|w.a',
        '300_[1-7:3]|300|1-7:3|PENDING|JobHeldUser|w.b',
        '301|300|2|RUNNING|None|w.a',
        '302|300|6|COMPLETED|None|w.a',
        '303|300|7|OUT_OF_MEMORY|None|w.a',
        '304|300|9|REQUEUE_HOLD|launch failed requeued held|w.a',
        '310|310|N/A|SUSPENDED|None|solo',
        '311|311|N/A|RUNNING|None|not-ours',
        '200|200|N/A|RUNNING|None|last-run',
        '305|300|1|STOPPED|None|w.a',
        '306|300|10|NEW_STATE|None|w.a',
      ].join('\n') + '\n',
    );
    expect(r.status).toBe(0);
    expect(Object.fromEntries(r.states)).toEqual({
      'w.a[3]': 'PEND',
      'w.a[4]': 'PEND',
      'w.a[5]': 'PEND',
      'w.a[8]': 'PEND',
      'w.b[1]': 'HELD',
      'w.b[4]': 'HELD',
      'w.b[7]': 'HELD',
      'w.a[2]': 'RUN',
      'w.a[6]': 'DONE',
      'w.a[7]': 'EXIT',
      'w.a[9]': 'HELD',
      solo: 'SUSP',
      'w.a[1]': 'SUSP',
      'w.a[10]': 'UNKNOWN',
    });
    expect(Object.fromEntries(r.held)).toEqual({
      'w.b[1]': 'held by Slurm (JobHeldUser): it starts only when released: scontrol release 300_1',
      'w.b[4]': 'held by Slurm (JobHeldUser): it starts only when released: scontrol release 300_4',
      'w.b[7]': 'held by Slurm (JobHeldUser): it starts only when released: scontrol release 300_7',
      'w.a[9]': 'held by Slurm (REQUEUE_HOLD, launch failed requeued held): it starts only when released: scontrol release 300_9',
      solo: 'suspended by Slurm (SUSPENDED): it goes on only when resumed: scontrol resume 310',
      'w.a[1]': 'stopped by a signal (Slurm STOPPED): it goes on only when continued: scancel --signal=CONT 300_1',
    });
    expect(r.unfinished).toBe(12);
  });

  it("asks for whole index lists (SLURM_BITSTR_LEN=0: squeue's default cuts them at 64 characters); a list cut short anyway is an error, not jobs left out", () => {
    // 1,2,4,7,8,10,13,…: an irregular list, as a resume makes (Slurm would print 1-2,4,7-8,…).
    const whole = Array.from({ length: 40 }, (_, i) => 1 + 3 * Math.floor(i / 3) * 2 + [0, 1, 3][i % 3]!).join(',');
    const cut = `${whole.slice(0, 60)}...`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-squeue-'));
    scratch.push(dir);
    fs.writeFileSync(path.join(dir, 'whole'), `300_[${whole}]|300|${whole}|PENDING|Priority|w.a\n`);
    fs.writeFileSync(path.join(dir, 'cut'), `300_[${cut}|300|${cut}|PENDING|Priority|w.a\n`);
    const squeue = `if [ "\${SLURM_BITSTR_LEN-}" = 0 ]; then cat '${dir}/whole'; else cat '${dir}/cut'; fi`;
    const r = statesOf(slurm.out, { squeue, scontrol }, LEDGER);
    expect(r.status).toBe(0);
    expect([...r.states.keys()].sort()).toEqual(whole.split(',').map((i) => `w.a[${i}]`).sort());
    const short = statesOf(slurm.out, { squeue: `cat '${dir}/cut'`, scontrol }, LEDGER);
    expect(short).toMatchObject({ status: 1, unfinished: 0, states: new Map(), err: `squeue printed an index list libcc cannot read for job 300: ${cut}` });
  });

  it('every name and reason is text as printed, and none runs as code', () => {
    const lines = HOSTILE.map((name, i) => `${400 + i}|300|N/A|PENDING|JobHeldAdmin $(touch PWNED) '|${name}`);
    const r = withSqueue(`${lines.join('\n')}\n`);
    expect(r.planted).toEqual([]);
    expect([...r.states.keys()].sort()).toEqual([...HOSTILE].sort());
    expect(r.held.get('a|b[4]')).toBe(`held by Slurm (JobHeldAdmin $(touch PWNED) '): it starts only when released: scontrol release 403`);
  });

  it('a squeue that prints an error and exits 0, or a line of no job among jobs, is an error, not "no jobs"', () => {
    const down = withSqueue('slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n');
    expect(down).toMatchObject({
      status: 1,
      unfinished: 0,
      states: new Map(),
      err: 'squeue printed a line that is not a job of the requested format: slurm_load_jobs error: Unable to contact slurm controller (connect failure)',
    });
    const mixed = withSqueue('301|300|2|RUNNING|None|w.a\nsqueue: error: Invalid user\n');
    expect(mixed).toMatchObject({ status: 1, states: new Map(), err: 'squeue printed a line that is not a job of the requested format: squeue: error: Invalid user' });
    // Nothing at all (no job on the cluster) is an answer.
    expect(withSqueue('')).toMatchObject({ status: 0, unfinished: 0, states: new Map() });
  });

  it('after a failed sbatch, a squeue that prints an error and exits 0 is no answer to "did Slurm accept the job anyway?", not "no"', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-accepted-'));
    scratch.push(dir);
    fs.mkdirSync(path.join(dir, 'bin'));
    const accepted = (squeue: string) => {
      fs.writeFileSync(path.join(dir, 'bin', 'squeue'), `#!/bin/bash\n${squeue}\n`, { mode: 0o755 });
      const script = `LIBCC_HOME=$1; . "$LIBCC_HOME/lib/runtime.sh"; LIBCC_SCHED_ERR='sbatch failed'; if libcc_slurm_accepted w.a "$LIBCC_RUN_DIR/logs/work/a." 'sbatch: error: Batch job submission failed'; then echo "accepted $LIBCC_SCHED_ID"; else echo "not: $LIBCC_SCHED_ERR"; fi`;
      return spawnSync('bash', ['-c', script, '_', slurm.out], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}/bin:${process.env.PATH}`, LIBCC_RUN_DIR: `${dir}/run` } }).stdout;
    };
    expect(accepted(`echo "42|${dir}/run/logs/work/a.42.log"`)).toBe('accepted 42\n');
    expect(accepted('exit 0')).toBe('not: sbatch failed\n');
    expect(accepted(`echo 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)'`)).toBe(
      'not: sbatch failed; squeue could not tell whether Slurm accepted the job anyway: it printed what is not a job line: slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n',
    );
  });

  it('no job in the ledger asks nothing; a squeue that fails is an error, not "no jobs"', () => {
    const none = statesOf(slurm.out, { squeue: 'exit 9', scontrol });
    expect(none).toMatchObject({ status: 0, unfinished: 0, states: new Map() });
    const failed = statesOf(slurm.out, { squeue: `echo 'slurm_load_jobs error: Socket timed out'; exit 1`, scontrol }, LEDGER);
    expect(failed).toMatchObject({ status: 1, err: 'squeue exited with code 1: slurm_load_jobs error: Socket timed out' });
  });
});
