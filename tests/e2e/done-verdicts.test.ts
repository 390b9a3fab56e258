// libcc_prefill_done_valid (lib/runtime.sh) judges every done-marker at once with awk, for
// status.sh, submit.sh and run-local.sh at 100k jobs; libcc_done_valid judges one job in bash
// and stays the definition. Differential test: on random run states (valid chains, wrong
// fingerprints, empty ids, stale parents, CRLF, NUL bytes, ids with blanks, repeated keys,
// links, directories and empty files in a marker's place, a file named after a marker and a
// line break, a stage directory that is a link),
// the verdicts with the prefill are exactly those without, and the prefill decides many of the
// jobs itself (a prefill that decided nothing would pass the first check).
//
// submit.sh plans from awk's verdicts alone when awk decides every job, loading only the jobs
// that have a started-marker; otherwise it loads every job and judges in bash. Differential test:
// on the same random states, with started-markers of jobs still running elsewhere or killed here,
// and random selections and job packs, `submit.sh --dry-run` says exactly what it says when
// awk's judging fails, and it takes the awk path in many of them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PRELUDE } from '../helpers/program.js';
import { readJobs, type JobRow } from './harness.js';

/** Two libraries (two corners and one), a chain per corner and a gather per library. */
const FLOW = `${PRELUDE}library lib2 : n { corners = [tt_0p75v_25c_typical] }
stage prep for each library, corner {
  run = shell "true"
  expect "\${out}/prep" == 1
}
stage char for each library, corner after prep {
  run = shell "true"
  expect "\${out}/char" == 1
}
stage gather for each library after char {
  run = shell "true"
  expect "\${out}/all" == 1
}
`;

/** What stands in a job's marker's place. */
const KINDS = ['none', 'valid', 'valid', 'valid', 'wrong-fingerprint', 'empty-id', 'stale-parents', 'no-final-newline', 'crlf', 'nul', 'blank-id', 'repeated', 'link', 'directory', 'empty', 'noise', 'decoy'] as const;
/** What submit.sh and status.sh may meet: a link among the markers is refused before anything is judged (libcc_check_run_dir; tests/e2e/faults.test.ts). */
const RUNNER_KINDS = KINDS.filter((kind) => kind !== 'link');
type Kind = (typeof KINDS)[number];

/** Prints `num verdict id` for every job, judged by libcc_done_valid, after the prefill when $3 is `prefill`. */
const JUDGE = `set -euo pipefail
LIBCC_HOME=$1 LIBCC_RUN_DIR=$2
source "$LIBCC_HOME/lib/runtime.sh"
libcc_load_jobs
if [[ $3 == prefill ]]; then
  libcc_prefill_done_valid
  echo "prefilled \${#LIBCC_VALID[@]}"
fi
for num in "\${!J_STAGE[@]}"; do
  if libcc_done_valid "$num"; then echo "$num 1 \${LIBCC_MID[$num]}"; else echo "$num 0"; fi
done
`;

/** The fields of a started-marker: a job that runs on another host (unknown), or ran here and was killed (lost). */
const startedMarker = (where: 'elsewhere' | 'here') => `host=${where === 'here' ? os.hostname() : 'elsewhere.invalid'}\npid=2147483646\npgid=\npid_start=1\njob_id=\nrun=\nattempt=1\ntime=0\n`;

let root: string;
let out: string;
let jobs: JobRow[];
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-verdicts-'));
  fs.writeFileSync(path.join(root, 'flow.lcp'), FLOW);
  out = path.join(root, 'out');
  expect((await runCli('compile', path.join(root, 'flow.lcp'), '-o', out)).code).toBe(0);
  jobs = readJobs(out);
  fs.writeFileSync(path.join(root, 'judge.sh'), JUDGE);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Writes a run state: each job's marker as `kinds` says, valid ones naming their parents' ids; the stage `linked` (if any) a link to its directory. */
function writeState(runDir: string, kinds: readonly Kind[], linked: string | undefined): void {
  fs.rmSync(runDir, { recursive: true, force: true });
  const state = path.join(runDir, 'state');
  const idOf = (job: JobRow) => (kinds[job.num] === 'blank-id' ? `id ${job.num}` : `id${job.num}`);
  const byNum = new Map(jobs.map((job) => [job.num, job]));
  for (const job of jobs) {
    const dir = path.join(state, job.stage);
    fs.mkdirSync(dir, { recursive: true });
    const kind = kinds[job.num]!;
    if (kind === 'none') continue;
    const file = path.join(dir, `${job.key}.done`);
    const parents = job.parents.map((p) => `${byNum.get(p)!.stage}/${byNum.get(p)!.key}=${idOf(byNum.get(p)!)}`).join(' ');
    const lines = [`fingerprint=${job.fingerprint}`, `id=${idOf(job)}`, `parents=${parents}`, 'host=test', 'attempts=1', 'job_id='];
    const text = (eol = '\n') => lines.map((line) => line + eol).join('');
    switch (kind) {
      case 'valid':
      case 'blank-id':
        fs.writeFileSync(file, text());
        break;
      case 'wrong-fingerprint':
        fs.writeFileSync(file, text().replace(/^fingerprint=.*$/m, 'fingerprint=0000000000000000'));
        break;
      case 'empty-id':
        fs.writeFileSync(file, text().replace(/^id=.*$/m, 'id='));
        break;
      case 'stale-parents':
        fs.writeFileSync(file, text().replace(/^parents=(.*)$/m, (_, p: string) => `parents=${p}${p === '' ? '' : 'x'}`));
        break;
      case 'no-final-newline':
        fs.writeFileSync(file, text().replace(/\n$/, ''));
        break;
      case 'crlf':
        fs.writeFileSync(file, text('\r\n'));
        break;
      case 'nul': // bash drops the NUL: the fingerprint is still right for libcc_done_valid
        fs.writeFileSync(file, text().replace(/^fingerprint=(.{4})/m, 'fingerprint=$1\0'));
        break;
      case 'repeated': // the last line of a key counts
        fs.writeFileSync(file, `id=stale\nparents=nothing\n${text()}`);
        break;
      case 'link': {
        const target = path.join(runDir, 'elsewhere', job.stage, `${job.key}.done`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text());
        fs.symlinkSync(target, file);
        break;
      }
      case 'directory':
        fs.mkdirSync(file);
        break;
      case 'empty':
        fs.writeFileSync(file, '');
        break;
      case 'decoy': // a stale marker, and beside it a valid one under a name with a line break after the key
        fs.writeFileSync(file, text().replace(/^fingerprint=.*$/m, 'fingerprint=0000000000000000'));
        fs.writeFileSync(path.join(dir, `${job.key}\ndecoy.done`), text());
        break;
      case 'noise': // lines that only look like keys
        fs.writeFileSync(file, ` id=zzz\nfingerprint\nid\n${text()}parents =x\n#id=comment\n`);
        break;
    }
  }
  if (linked !== undefined) {
    const real = path.join(runDir, 'moved', linked);
    fs.mkdirSync(path.dirname(real), { recursive: true });
    fs.renameSync(path.join(state, linked), real);
    fs.symlinkSync(real, path.join(state, linked));
  }
}

function judge(runDir: string, mode: 'prefill' | 'bash'): { verdicts: string; prefilled: number } {
  const run = spawnSync('bash', [path.join(root, 'judge.sh'), out, runDir, mode], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const lines = run.stdout.trimEnd().split('\n');
  const prefilled = lines[0]!.startsWith('prefilled ') ? Number(lines.shift()!.slice('prefilled '.length)) : 0;
  return { verdicts: lines.join('\n'), prefilled };
}

describe('libcc_prefill_done_valid', () => {
  it('gives the verdicts libcc_done_valid gives, and decides many jobs itself', () => {
    const runDir = path.join(root, 'run');
    let prefilled = 0;
    let markers = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...KINDS), { minLength: jobs.length, maxLength: jobs.length }), fc.option(fc.constantFrom('prep', 'char', 'gather'), { freq: 4 }), (kinds, linked) => {
        writeState(runDir, kinds, linked ?? undefined);
        const plain = judge(runDir, 'bash');
        const filled = judge(runDir, 'prefill');
        expect(filled.verdicts).toBe(plain.verdicts);
        prefilled += filled.prefilled;
        markers += kinds.filter((kind) => kind !== 'none').length;
      }),
      { numRuns: 60 },
    );
    // A quarter of the kinds, and every job downstream of one, are left to bash by design.
    expect(prefilled).toBeGreaterThan(markers / 4);
  });

  it('judges a whole valid run as valid, every job by awk', () => {
    const runDir = path.join(root, 'run');
    writeState(runDir, jobs.map(() => 'valid'), undefined);
    const plain = judge(runDir, 'bash');
    const filled = judge(runDir, 'prefill');
    expect(filled.prefilled).toBe(jobs.length);
    expect(filled.verdicts).toBe(plain.verdicts);
    expect(plain.verdicts.split('\n').every((line) => / 1 id\d+$/.test(line))).toBe(true);
  });

  it('leaves everything to libcc_done_valid when awk fails', () => {
    const runDir = path.join(root, 'run');
    writeState(runDir, jobs.map(() => 'valid'), undefined);
    const bin = path.join(root, 'broken-bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'awk'), '#!/bin/sh\nexit 2\n', { mode: 0o755 });
    const run = spawnSync('bash', [path.join(root, 'judge.sh'), out, runDir, 'prefill'], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('prefilled 0');
    expect(lines.slice(1).join('\n')).toBe(judge(runDir, 'bash').verdicts);
  });
});

/** A directory for PATH whose `awk` fails only as the marker reader that find starts (libcc_judge_markers), so the script judges every job in bash. */
function judgeFailsBin(): string {
  const bin = path.join(root, 'judge-fails-bin');
  fs.mkdirSync(bin, { recursive: true });
  const awk = spawnSync('sh', ['-c', 'command -v awk'], { encoding: 'utf8' }).stdout.trim();
  fs.writeFileSync(path.join(bin, 'awk'), `#!/bin/sh\ncase "$1" in *'function flush()'*) exit 2 ;; esac\nexec ${JSON.stringify(awk)} "$@"\n`, { mode: 0o755 });
  return bin;
}

/** Runs a generated script under `bash -x`: its exit status and output, and whether it loaded every job into bash (`libcc_load_jobs` in its trace). */
function traced(script: string, args: readonly string[], env: NodeJS.ProcessEnv, bins: readonly string[]): { said: string; loadedAll: boolean } {
  const run = spawnSync('bash', ['-x', path.join(out, script), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env, BASH_XTRACEFD: '3', PATH: [...bins, process.env.PATH].join(':') },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  return { said: `${run.status}\n${run.stdout}\n---\n${run.stderr}`, loadedAll: /^\++ libcc_load_jobs$/m.test(String(run.output[3] ?? '')) };
}

/** The script's output on the awk path equals its output on the bash path; true when the awk path loaded no job table into bash. */
function sameAsBash(inBash: { said: string; loadedAll: boolean }, viaAwk: { said: string; loadedAll: boolean }): boolean {
  expect(inBash.loadedAll).toBe(true);
  expect(viaAwk.said).toBe(inBash.said);
  return !viaAwk.loadedAll;
}

describe('submit.sh on awk\'s verdicts', () => {
  const STAGES = ['prep', 'char', 'gather'] as const;
  /** `submit.sh --dry-run` with job packs of `pack`, judging in bash when `bins` holds judgeFailsBin(). */
  const submit = (runDir: string, args: readonly string[], pack: string, bins: readonly string[] = []) =>
    traced('submit.sh', ['--dry-run', '--run-id', 'r1', ...args], { LIBCC_RUN_DIR: runDir, LIBCC_LSF_MAX_PACK_JOBS: pack }, bins);

  it('says what it says when it judges in bash, and judges with awk when awk decides every job', () => {
    const runDir = path.join(root, 'run');
    const bin = judgeFailsBin();
    let byAwk = 0;
    const options = fc.oneof(
      fc.constant([] as string[]),
      fc.constantFrom(...STAGES).map((stage) => ['--only', stage]),
      fc.constantFrom(...STAGES).map((stage) => ['--from', stage]),
      fc.constantFrom(...STAGES).map((stage) => ['--force', stage]),
    );
    // Mostly states awk decides whole: valid markers, missing ones and wrong fingerprints.
    const kinds = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom<Kind>('none', 'valid', 'valid', 'valid', 'wrong-fingerprint', 'stale-parents') },
      { weight: 1, arbitrary: fc.constantFrom(...RUNNER_KINDS) },
    );
    fc.assert(
      fc.property(
        fc.array(kinds, { minLength: jobs.length, maxLength: jobs.length }),
        fc.array(fc.constantFrom('no', 'no', 'no', 'elsewhere', 'here'), { minLength: jobs.length, maxLength: jobs.length }),
        options,
        fc.constantFrom('0', '1', '2', '50'),
        (markers, started, args, pack) => {
          writeState(runDir, markers, undefined);
          for (const job of jobs) {
            const where = started[job.num]!;
            if (where !== 'no') fs.writeFileSync(path.join(runDir, 'state', job.stage, `${job.key}.started`), startedMarker(where));
          }
          if (sameAsBash(submit(runDir, args, pack, [bin]), submit(runDir, args, pack))) byAwk++;
        },
      ),
      { numRuns: 60 },
    );
    expect(byAwk).toBeGreaterThan(20);
  });

  it('plans a whole valid run, and a fresh one, without loading a job into bash', () => {
    const runDir = path.join(root, 'run');
    writeState(runDir, jobs.map(() => 'valid'), undefined);
    const done = submit(runDir, [], '0');
    expect(done.loadedAll).toBe(false);
    expect(done.said).toBe('0\n\n---\nlibcc: dry run: nothing was submitted\n');
    fs.rmSync(runDir, { recursive: true, force: true });
    const fresh = submit(runDir, [], '0');
    expect(fresh.loadedAll).toBe(false);
    // Every unit whole, one bsub each; a batch's members with it.
    const units = fs.readFileSync(path.join(out, 'lib/units.tsv'), 'utf8').split('\n').filter((line) => /^\d.*\t(-|\+\d+)$/.test(line));
    expect(fresh.said.match(/^bsub /gm)).toHaveLength(units.length);
  });

  it('refuses a units table edited by hand before submitting anything', () => {
    const copy = path.join(root, 'edited');
    fs.cpSync(out, copy, { recursive: true });
    const units = path.join(copy, 'lib/units.tsv');
    fs.writeFileSync(units, fs.readFileSync(units, 'utf8').replace(/^1\t/m, 'x\t'));
    const run = spawnSync('bash', [path.join(copy, 'submit.sh'), '--dry-run'], { encoding: 'utf8', env: { ...process.env, LIBCC_RUN_DIR: path.join(root, 'run-edited') } });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('libcc: error: lib/units.tsv: not a unit: x (edited by hand? compile again)');
  });
});

describe('status.sh classified by awk', () => {
  // bjobs' states (-o "jobid stat job_name delimiter='|'"), and what libcc reads each as.
  const BJOBS_STATES = ['PEND', 'RUN', 'DONE', 'EXIT', 'PSUSP', 'USUSP', 'SSUSP', 'UNKWN'] as const;
  type Listed = 'absent' | 'array' | 'batch';
  /** `status.sh --no-matrix --run-id r1` with a bjobs that prints `bjobs` (or fails when it is undefined), classifying in bash when `judgeFails`. */
  function status(runDir: string, bjobs: string | undefined, bin: string, judgeFails: boolean): { said: string; loadedAll: boolean } {
    fs.writeFileSync(path.join(bin, 'bjobs'), bjobs === undefined ? '#!/bin/sh\necho "LSF is down. Please wait ..." >&2\nexit 255\n' : `#!/bin/sh\ncat ${JSON.stringify(path.join(bin, 'bjobs.out'))}\n`, { mode: 0o755 });
    if (bjobs !== undefined) fs.writeFileSync(path.join(bin, 'bjobs.out'), bjobs);
    return traced('status.sh', ['--no-matrix', '--run-id', 'r1'], { LIBCC_RUN_DIR: runDir }, judgeFails ? [judgeFailsBin(), bin] : [bin]);
  }

  it('prints what the bash classification prints, and classifies with awk when awk decides every marker', () => {
    const runDir = path.join(root, 'run');
    const bin = path.join(root, 'bjobs-data');
    fs.mkdirSync(bin, { recursive: true });
    let byAwk = 0;
    const kinds = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom<Kind>('none', 'valid', 'valid', 'wrong-fingerprint', 'stale-parents') },
      { weight: 1, arbitrary: fc.constantFrom(...RUNNER_KINDS) },
    );
    const perJob = <T>(arbitrary: fc.Arbitrary<T>) => fc.array(arbitrary, { minLength: jobs.length, maxLength: jobs.length });
    fc.assert(
      fc.property(
        perJob(kinds),
        perJob(fc.constantFrom('no', 'no', 'no', 'elsewhere', 'here')),
        perJob(fc.constantFrom('no', 'no', 'file')),
        // Now and then, a failed-marker that is a directory (bash's -f says no; awk leaves it to bash).
        fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat(jobs.length - 1) }),
        perJob(fc.record({ listed: fc.constantFrom<Listed>('absent', 'array', 'array', 'batch'), state: fc.constantFrom(...BJOBS_STATES) })),
        // Mostly a scheduler that answers (status.sh classifies in bash when it does not).
        fc.constantFrom(true, true, true, false),
        (markers, started, failed, oddFailed, sched, answers) => {
          writeState(runDir, markers, undefined);
          const lines: string[] = [];
          for (const job of jobs) {
            const dir = path.join(runDir, 'state', job.stage);
            if (started[job.num] !== 'no') fs.writeFileSync(path.join(dir, `${job.key}.started`), startedMarker(started[job.num] as 'here' | 'elsewhere'));
            const failedMarker = path.join(dir, `${job.key}.failed`);
            if (failed[job.num] === 'file') fs.writeFileSync(failedMarker, `reason=exit code 1\nexit_code=1\nrun=r1\noutput=line ${job.num}\n`);
            if (oddFailed === job.num && !fs.existsSync(failedMarker)) fs.mkdirSync(failedMarker);
            const { listed, state } = sched[job.num]!;
            const element = listed === 'batch' && job.batch !== undefined ? job.batch : { name: `t.${job.stage}.${job.group}`, index: job.index };
            if (listed !== 'absent') lines.push(`${100 + job.num}|${state}|${element.name}[${element.index}]`);
          }
          const bjobs = answers ? lines.join('\n') + '\n' : undefined;
          if (sameAsBash(status(runDir, bjobs, bin, true), status(runDir, bjobs, bin, false))) byAwk++;
        },
      ),
      { numRuns: 60 },
    );
    expect(byAwk).toBeGreaterThan(10);
  });

  it('names the failed job upstream of a terminated job, through a blocked one', () => {
    const runDir = path.join(root, 'run');
    const bin = path.join(root, 'bjobs-data');
    fs.mkdirSync(bin, { recursive: true });
    writeState(runDir, jobs.map((job) => (job.stage === 'prep' ? 'valid' : 'none')), undefined);
    const prep = jobs.find((job) => job.stage === 'prep' && job.key === 'n.lib.tt_0p75v_25c_typical')!;
    fs.writeFileSync(path.join(runDir, 'state', 'prep', `${prep.key}.done`), '');
    fs.writeFileSync(path.join(runDir, 'state', 'prep', `${prep.key}.failed`), 'reason=exit code 1\nexit_code=1\nrun=r1\n');
    const gather = jobs.find((job) => job.stage === 'gather' && job.key === 'n.lib')!;
    const bjobs = `900|EXIT|t.gather.${gather.group}[${gather.index}]\n`;
    const classified = status(runDir, bjobs, bin, false);
    expect(classified.loadedAll).toBe(false);
    expect(classified.said).toBe(status(runDir, bjobs, bin, true).said);
    expect(classified.said).toContain(`  gather ${gather.key}: terminated by LSF before it ran: upstream job prep ${prep.key} failed\n`);
  });
});
