// What submit.sh submits, checked against the job table: on random run states (done-markers
// removed at random, `--force STAGE`), `submit.sh --dry-run` submits every job that is not done
// exactly once, and each waits for exactly its parents that are not done — whether it goes out
// in a whole unit, a batch, an array over part of its unit's index list (a resume: 1:1 on an
// array with the very same list, or waiting for a submission whole) or on its own. A job is not
// done when its marker is gone, its stage is forced, or a parent is not done (its marker names
// the parent's marker it consumed).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expandIndices, readJobs, readUnits, type JobRow } from './harness.js';

const CORNERS = ['tt_0p75v_25c_typical', 'ss_0p675v_m40c_typical', 'tt_0p80v_25c_typical', 'ss_0p70v_m40c_typical', 'tt_0p85v_125c_typical', 'ss_0p72v_125c_typical'];
const stage = (name: string, per: string, after = '', where = '') => `stage ${name} for each ${per}${after && ` after ${after}`}${where && ` where ${where}`} {
  run = shell "true"
  expect "\${out}/${name}" == 1
}
`;
/** Four libraries (batches of their arrays), a chain per corner, a stage filtered by `where`, a gather per library. */
const FLOW = `pipeline p
node n { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
${CORNERS.map((c) => `corner ${c} {}`).join('\n')}
library l1 : n { corners = [${CORNERS.join(', ')}] }
library l2 : n { corners = [${CORNERS.join(', ')}] }
library l3 : n { corners = [${CORNERS.join(', ')}] }
library l4 : n { corners = [${CORNERS.slice(0, 3).join(', ')}] }
${stage('prep', 'library, corner')}${stage('char', 'library, corner', 'prep')}${stage('lvf', 'library, corner', 'char', 'corner.process == ss')}${stage('post', 'library, corner', 'char')}${stage('gather', 'library', 'post, lvf')}`;
const STAGES = ['prep', 'char', 'lvf', 'post', 'gather'];

let root = '';
let out = '';
let jobs: JobRow[] = [];
/** The job at `name[index]` of any unit (a batch's elements included). */
const at = new Map<string, number>();

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-plan-property-'));
  fs.writeFileSync(path.join(root, 'flow.lcp'), FLOW);
  out = path.join(root, 'out');
  const r = await runCli('compile', path.join(root, 'flow.lcp'), '-o', out, '--no-color');
  if (r.code !== 0) throw new Error(r.stdout + r.stderr);
  jobs = readJobs(out);
  for (const unit of readUnits(out).values()) for (const [index, job] of unit.jobAt) at.set(`${unit.name}[${index}]`, job);
}, 60_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Valid done-markers for every job but `gone`, each naming its parents' ids. */
function writeState(runDir: string, gone: ReadonlySet<number>): void {
  fs.rmSync(runDir, { recursive: true, force: true });
  for (const job of jobs) {
    const dir = path.join(runDir, 'state', job.stage);
    fs.mkdirSync(dir, { recursive: true });
    if (gone.has(job.num)) continue;
    const parents = job.parents.map((p) => `${jobs[p]!.stage}/${jobs[p]!.key}=id${p}`).join(' ');
    fs.writeFileSync(path.join(dir, `${job.key}.done`), `fingerprint=${job.fingerprint}\nid=id${job.num}\nparents=${parents}\nhost=test\nattempts=1\njob_id=\n`);
  }
}

interface Submission {
  jobs: Map<number, number>; // index → job
}

/** From a dry run's `bsub` lines: each submitted job and the jobs it waits for; whether a resume's part of an array paired 1:1. */
function expand(stdout: string): { waits: Map<number, Set<number>>; partial1to1: boolean } {
  const r = spawnSync('bash', ['-c', `while IFS= read -r line; do [[ $line == bsub\\ * ]] || continue; eval "set -- $line"; printf '%s\\x1f' "$@"; printf '\\x1e'; done`], { input: stdout, encoding: 'utf8' });
  const lines = r.stdout.split('\x1e').slice(0, -1).map((rec) => rec.split('\x1f').slice(0, -1));
  const subs: Submission[] = [];
  const waits = new Map<number, Set<number>>();
  let partial1to1 = false;
  for (const w of lines) {
    const m = /^([^[]+)(?:\[([^\]]*)\])?(?:%\d+)?$/.exec(w[w.indexOf('-J') + 1]!)!;
    const command = w[w.length - 1]!.split(' ');
    const indices = m[2] !== undefined ? expandIndices(m[2]) : [Number(command[2])];
    const mine: Submission = { jobs: new Map(indices.map((x) => [x, at.get(`${m[1]}[${x}]`)!])) };
    for (const [x, job] of mine.jobs) expect(job, `${m[1]}[${x}]`).toBeDefined();
    const expression = w.includes('-w') ? w[w.indexOf('-w') + 1]! : '';
    const terms = expression === '' ? [] : expression.split(' && ');
    for (const [x, job] of mine.jobs) {
      expect(waits.has(job), `job ${job} submitted twice`).toBe(false);
      const set = new Set<number>();
      for (const term of terms) {
        const t = /^done\(DRY(\d+)(?:\[(\*|\d+)\])?\)$/.exec(term)!;
        expect(t, term).not.toBeNull();
        const upstream = subs[Number(t[1]) - 1]!;
        if (t[2] === undefined) for (const p of upstream.jobs.values()) set.add(p);
        else if (t[2] === '*') {
          // 1:1 only between identical index lists (LSF and Slurm require it).
          expect([...upstream.jobs.keys()]).toEqual(indices);
          set.add(upstream.jobs.get(x)!);
        } else set.add(upstream.jobs.get(Number(t[2]))!);
      }
      waits.set(job, set);
    }
    if (terms.some((t) => t.endsWith('[*])')) && indices.length > 1 && m[2]!.includes(',')) partial1to1 = true;
    subs.push(mine);
  }
  return { waits, partial1to1 };
}

describe('submit.sh --dry-run against the job table', () => {
  it('submits each job that is not done once, waiting for exactly its parents that are not done', () => {
    let partial = 0;
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: jobs.length, maxLength: jobs.length }), fc.option(fc.constantFrom(...STAGES), { freq: 4 }), (p, draws, force) => {
        const gone = new Set(jobs.filter((j) => draws[j.num]! < p).map((j) => j.num));
        const runDir = path.join(root, 'run');
        writeState(runDir, gone);
        const forced = new Set<string>();
        if (force !== null) {
          // The forced stage and every stage downstream of it.
          forced.add(force);
          for (const job of jobs) if (job.parents.some((q) => forced.has(jobs[q]!.stage))) forced.add(job.stage);
        }
        const notDone = new Set<number>();
        for (const job of jobs) if (gone.has(job.num) || forced.has(job.stage) || job.parents.some((q) => notDone.has(q))) notDone.add(job.num);
        const r = spawnSync('bash', [path.join(out, 'submit.sh'), '--dry-run', '--run-id', 'r1', ...(force === null ? [] : ['--force', force])], { encoding: 'utf8', env: { ...process.env, LIBCC_RUN_DIR: runDir } });
        expect(r.status, r.stderr).toBe(0);
        const { waits, partial1to1 } = expand(r.stdout);
        if (partial1to1) partial++;
        expect([...waits.keys()].sort((a, b) => a - b)).toEqual([...notDone].sort((a, b) => a - b));
        for (const [job, set] of waits) expect([...set].sort((a, b) => a - b), `job ${job}`).toEqual(jobs[job]!.parents.filter((q) => notDone.has(q)).sort((a, b) => a - b));
      }),
      { numRuns: 60 },
    );
    // The resume's arrays over part of an index list, 1:1 on each other, came up many times.
    expect(partial).toBeGreaterThan(10);
  }, 300_000);
});
