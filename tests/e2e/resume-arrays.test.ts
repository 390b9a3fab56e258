// A resume goes out as arrays over index lists, not job by job: the jobs of a unit that is only
// partly to be run again are grouped by what they wait for (submit.sh's libcc_plan), each group
// one array (`name[1,3,5-7]`), cut to fit LSF's 255-character array specification, and 1:1
// (`done(ID[*])`) on the array with the very same index list upstream. The LSF stand-in refuses
// a 1:1 dependency between arrays whose index lists differ, and runs every element by index.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compiledPipeline, descendants, expandIndices, jobName, orderViolationsFromEvents, orderViolationsFromLsf, type Site, submittedJobs, type JobRow } from './harness.js';

const PIPELINE = 'arrays';
/** 200 corners for library a (0.500 V to 0.599 V, ss and tt), 3 of them for library b. */
const corners = ['ss', 'tt'].flatMap((p) => Array.from({ length: 100 }, (_, i) => `${p}_0p${500 + i}v_25c_typical`));
const stage = (name: string, per: string, after: string) => `stage ${name} for each ${per}${after === '' ? '' : ` after ${after}`} {
  run = shell """mkdir -p "\${out}" && echo ${name} > "\${out}/${name}" """
  expect "\${out}/${name}" == 1
}`;
const flow = `pipeline ${PIPELINE}
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
${corners.map((c) => `corner ${c} {}`).join('\n')}
library a : n5 { corners = [${corners.join(', ')}] }
library b : n5 { corners = [${corners.slice(0, 3).join(', ')}] }
${stage('prep', 'library, corner', '')}
${stage('char', 'library, corner', 'prep').replace('mkdir', () => 'while [ -n "$${ARRAYS_GATE:-}" ] && [ ! -e "$${ARRAYS_GATE:-}" ]; do sleep 0.05; done; mkdir')}
${stage('post', 'library, corner', 'char')}
${stage('gather', 'library', 'post')}
`;

const pipeline = compiledPipeline('resume-arrays', flow);

/** The words of a `bsub …` line printed by --dry-run (printf %q quoting), parsed by bash itself. */
function words(line: string): string[] {
  const r = spawnSync('bash', ['-c', `eval "set -- $1"; printf '%s\\0' "$@"`, '_', line], { encoding: 'utf8' });
  return r.stdout.split('\0').slice(0, -1);
}

/**
 * A site whose whole run finished (run-local.sh), then every other corner of library a to
 * characterize again (100 elements: too many for one array specification), one of library b's,
 * and one of a's posts for its own sake: their done-markers removed. `expected`: those jobs and
 * everything downstream of them.
 */
async function finishedThenPartlyUndone(): Promise<{ s: Site; again: JobRow[]; expected: Set<number> }> {
  const s = pipeline.site();
  const first = await s.run('run-local.sh', ['-j', '4']);
  expect(first.code, first.stderr).toBe(0);
  for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
  const job = (stageName: string, group: string, index: number): JobRow => s.jobs.find((j) => j.stage === stageName && j.group === group && j.index === index)!;
  const again = [...Array.from({ length: 100 }, (_, i) => job('char', 'n5.a', 2 * i + 1)), job('char', 'n5.b', 2), job('post', 'n5.a', 2)];
  for (const j of again) fs.rmSync(s.stateFile(j, 'done'));
  const expected = new Set(again.map((j) => j.num));
  for (const d of descendants(s.jobs, [...expected])) expected.add(d);
  return { s, again, expected };
}

describe('a resume on LSF: arrays over index lists', () => {
  it('the part to run again goes out as arrays, 1:1 where the index lists match, cut to fit; each job runs once, in order', async () => {
    const { s, again, expected } = await finishedThenPartlyUndone();

    const lsf = s.lsf({ slots: 16 });
    const dry = await s.submitWith(lsf, 'submit.sh', ['--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    const lines = dry.stdout.trim().split('\n').map(words);
    const spec = (w: string[]) => /^[^[]+\[(.*)\]$/.exec(w[2]!)!;
    const named = (prefix: string) => lines.map((w, k) => ({ w, id: `DRY${k + 1}` })).filter(({ w }) => w[2]!.startsWith(`${PIPELINE}.${prefix}[`));
    const dependency = (w: string[]) => (w.includes('-w') ? w[w.indexOf('-w') + 1] : '');
    for (const w of lines) expect(w[2]!.length + 8, w[2]).toBeLessThanOrEqual(255);

    // char of library a: arrays over the odd corners, no dependency (prep is done), together
    // every odd corner once.
    const charA = named('char.n5.a');
    expect(charA.length).toBeGreaterThanOrEqual(2);
    expect(charA.flatMap(({ w }) => expandIndices(spec(w)[1]!))).toEqual(Array.from({ length: 100 }, (_, i) => 2 * i + 1));
    for (const { w } of charA) expect(dependency(w)).toBe('');
    // post of library a: one array per char array, 1:1 on it with the same index list; the
    // post to run again for its own sake, alone (in the order of their first corners).
    const postA = named('post.n5.a');
    const pairs = charA.map(({ w, id }) => [spec(w)[1], `done(${id}[*])`]);
    expect(postA.map(({ w }) => [spec(w)[1], dependency(w)])).toEqual([pairs[0], ['2', ''], ...pairs.slice(1)]);
    // library b: one element each; the post waits for the char submission whole (its one element).
    const charB = named('char.n5.b');
    expect(charB.map(({ w }) => spec(w)[1])).toEqual(['2']);
    expect(named('post.n5.b').map(({ w }) => [spec(w)[1], dependency(w)])).toEqual([['2', `done(${charB[0]!.id})`]]);
    // The gathers wait for the post arrays whole.
    const gather = named('gather.n5');
    expect(gather.map(({ w }) => [spec(w)[1], dependency(w)])).toEqual([
      ['1', postA.map(({ id }) => `done(${id})`).join(' && ')],
      ['2', `done(${named('post.n5.b')[0]!.id})`],
    ]);
    expect(lines).toHaveLength(2 * charA.length + 5);

    // LSF takes them (a 1:1 dependency on an array with other indices would be refused) and
    // runs exactly the jobs to run again, each once, after its parents. While char waits at its
    // gate, status.sh finds every resubmitted job under its array's name and index.
    const gate = `${s.root}/gate`;
    const r = await s.submitWith(lsf, 'submit.sh', [], { ARRAYS_GATE: gate });
    expect(r.code, r.stderr).toBe(0);
    await lsf.waitFor((jobs) => jobs.some((j) => Object.values(j.elements).some((e) => e.state === 'RUN')), 30_000, 'a char element running');
    const status = await s.submitWith(lsf, 'status.sh', ['--json']);
    const byNum = new Map((JSON.parse(status.stdout) as { jobs: { num: number; state: string; scheduler_state: string | null }[] }).jobs.map((j) => [j.num, j]));
    for (const j of s.jobs) {
      const seen = byNum.get(j.num)!;
      if (!expected.has(j.num)) expect(seen.state, jobName(j)).toBe('done');
      else if (j.stage === 'char') expect([seen.state, seen.scheduler_state], jobName(j)).toSatisfy(([st, sc]: string[]) => (st === 'running' && sc === 'RUN') || (st === 'pending' && sc === 'PEND'));
      else expect([seen.state, seen.scheduler_state], jobName(j)).toEqual(j.stage === 'post' && j.num === again.at(-1)!.num ? [expect.stringMatching(/^(pending|running|done)$/), expect.anything()] : ['pending', 'PEND']);
    }
    fs.writeFileSync(gate, '');
    await lsf.waitIdle(120_000);
    const group = s.ledger().at(-1)!.group;
    expect(lsf.jobs()).toHaveLength(lines.length);
    expect(submittedJobs(s.jobs, lsf.jobs(), group, PIPELINE)).toEqual([...expected].sort((a, b) => a - b));
    expect(orderViolationsFromLsf(s.jobs, lsf.jobs(), group, PIPELINE)).toEqual([]);
    expect(orderViolationsFromEvents(s.jobs, s.events())).toEqual([]);
    for (const j of s.jobs) expect(s.isDone(j), jobName(j)).toBe(true);
    const nothing = await s.submitWith(lsf, 'submit.sh');
    expect(nothing.stderr).toContain('nothing to submit');
  });

  it('in LSF job packs: the same arrays in three `bsub -pack` calls (a pack goes when a submission waits for one of its members)', async () => {
    const { s, expected } = await finishedThenPartlyUndone();
    const lsf = s.lsf({ slots: 16, env: { LSF_STANDIN_MAX_PACK_JOBS: '300' } });
    const r = await s.submitWith(lsf, 'submit.sh', [], { LIBCC_LSF_MAX_PACK_JOBS: '300' });
    expect(r.code, r.stderr).toBe(0);
    // char's arrays; post's (1:1 on them); the gathers.
    expect(Number(fs.readFileSync(`${lsf.dir}/bsub_calls`, 'utf8').trim())).toBe(3);
    await lsf.waitIdle(120_000);
    const group = s.ledger().at(-1)!.group;
    expect(lsf.jobs().filter((j) => j.name.startsWith(`${PIPELINE}.post.n5.a`) && j.indices !== null && j.indices.length > 1)).toHaveLength(2);
    expect(submittedJobs(s.jobs, lsf.jobs(), group, PIPELINE)).toEqual([...expected].sort((a, b) => a - b));
    expect(orderViolationsFromLsf(s.jobs, lsf.jobs(), group, PIPELINE)).toEqual([]);
    for (const j of s.jobs) expect(s.isDone(j), jobName(j)).toBe(true);
  });
});
