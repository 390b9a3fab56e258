// Resume that is correct by construction: a job counts as done only when its own fingerprint
// matches AND the done-markers of its upstream jobs are the very ones it consumed (each marker
// has a unique id; a child records its parents' ids). Re-running a job re-runs exactly its
// descendants; --force STAGE re-runs a stage and everything below it; an output left over from
// an earlier attempt never satisfies `expect`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { compiledPipeline, descendants, jobName, readJobs, Site, spawnCollect, submittedJobs, type JobRow } from './harness.js';

const flow = (mcSamples: number) => `pipeline resume
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
corner ss_0p675v_m40c_typical { mc_samples = ${mcSamples} }
corner tt_0p80v_25c_typical {}
library a : n5 { corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical, tt_0p80v_25c_typical] }
library b : n5 { corners = [tt_0p75v_25c_typical, tt_0p80v_25c_typical] }

stage prep for each library, corner {
  run = shell """mkdir -p "\${out}" && echo "\${corner.name} \${corner.mc_samples}" > "\${out}/prep" """
  expect "\${out}/prep" == 1
}
stage char for each library, corner after prep {
  run = shell """cat "\${out}/prep" > "\${out}/char" """
  expect "\${out}/char" == 1
}
stage gather for each library after char {
  run = shell """cat "\${out}"/*/char > "\${out}/all" """
  expect "\${out}/all" == 1
}
stage flaky for each library after gather {
  run = shell """n=0; if [ -e "$RESUME_DIR/count" ]; then n=$(cat "$RESUME_DIR/count"); fi; echo $((n + 1)) > "$RESUME_DIR/count"; p="$RESUME_DIR/partial.\${library.id}"; if [ -e "$p" ] && [ "$(cat "$p")" -gt 0 ]; then echo $(($(cat "$p") - 1)) > "$p"; echo partial > "\${out}/result"; exit 75; fi; if [ -e "$RESUME_DIR/silent" ]; then exit 0; fi; if [ -e "$RESUME_DIR/two" ]; then touch "\${out}/result2"; fi; echo ok > "\${out}/result" """
  expect "\${out}/result*" == 1
  retry 1 on exit 75 backoff 0s
}
`;

const pipeline = compiledPipeline('resume', flow(100));

function site(): Site {
  const s = pipeline.site();
  fs.mkdirSync(path.join(s.root, 'ctl'));
  return s;
}
const env = (s: Site) => ({ RESUME_DIR: path.join(s.root, 'ctl') });

/** Runs run-local.sh; returns the jobs that started, as `stage key`, sorted. */
async function runLocal(s: Site, args: string[] = [], out = s.out): Promise<{ code: number; stdout: string; stderr: string; started: string[] }> {
  const before = s.events().length;
  const r = await spawnCollect('bash', [path.join(out, 'run-local.sh'), '-j', '2', ...args], s.root, { ...process.env, ...s.env, ...env(s) });
  const started = s.events().slice(before).filter((e) => e.event === 'start').map((e) => `${e.stage} ${e.job}`).sort();
  return { ...r, started };
}

/** Epoch seconds with nine decimals, as GNU `stat -c %.9Y` prints a time. */
const epochNs = (ns: bigint) => `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
/** Sets a file's modification time to `SECONDS.NANOSECONDS` exactly (Node's utimes rounds to microseconds). */
const setTime = (file: string, time: string) => {
  const r = spawnSync('touch', ['-m', '-d', `@${time}`, file], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(epochNs(fs.statSync(file, { bigint: true }).mtimeNs)).toBe(time);
};
/** Epoch seconds as the scripts print them (bash's `%(...)T`, the local time zone). */
const localTime = (epoch: number) => spawnSync('bash', ['-c', `printf '%(%Y-%m-%d %H:%M:%S)T' ${epoch}`], { encoding: 'utf8' }).stdout;

const names = (jobs: Iterable<JobRow>) => [...jobs].map(jobName).sort();
/** Every job except `flaky` (which is there for the stale-output tests). */
const core = (s: Site) => s.jobs.filter((j) => j.stage !== 'flaky');

describe('resume re-runs exactly what changed and what depends on it', () => {
  it('a changed corner re-runs only that corner\'s chain and the gather that consumed it', async () => {
    const s = site();
    const first = await runLocal(s);
    expect(first.code, first.stderr).toBe(0);
    expect(first.started).toEqual(names(s.jobs));

    // The same pipeline with one corner changed, compiled elsewhere, on the same run directory.
    const dir = path.join(s.root, 'changed');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'flow.lcp'), flow(200));
    const compiled = await runCli('compile', path.join(dir, 'flow.lcp'), '-o', path.join(dir, 'out'), '--no-color');
    expect(compiled.code, compiled.stderr).toBe(0);
    const jobs = readJobs(path.join(dir, 'out'));
    const changed = jobs.filter((j) => j.key.endsWith('.ss_0p675v_m40c_typical'));
    expect(names(changed)).toEqual(['char n5.a.ss_0p675v_m40c_typical', 'prep n5.a.ss_0p675v_m40c_typical']);
    // Only the corner's own jobs have new fingerprints: `gather n5.a` and `flaky n5.a` are the
    // same as compiled before, but consumed the old `char` result.
    const old = new Map(s.jobs.map((j) => [jobName(j), j.fingerprint]));
    expect(names(jobs.filter((j) => old.get(jobName(j)) !== j.fingerprint))).toEqual(names(changed));

    const again = await runLocal(s, [], path.join(dir, 'out'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.started).toEqual(names(jobs.filter((j) => changed.includes(j) || descendants(jobs, changed.map((c) => c.num)).has(j.num))));
    expect(again.started).toEqual([...names(changed), 'flaky n5.a', 'gather n5.a'].sort());
    expect(fs.readFileSync(path.join(s.runDir, 'out/n5/a/all'), 'utf8')).toContain('ss_0p675v_m40c_typical 200');

    // The old compilation now sees its changed jobs as not done, and with them their descendants.
    const status = await s.run('status.sh');
    expect(status.stdout).toMatch(/^prep\s+5\s+4\s+0\s+0\s+0\s+1\s+0$/m);
    expect(status.stdout).toMatch(/^gather\s+2\s+1\s+0\s+0\s+0\s+1\s+0$/m);
  });

  it('re-running an upstream job (its marker removed) re-runs exactly its descendants; status.sh sees them stale', async () => {
    const s = site();
    expect((await runLocal(s)).code).toBe(0);
    const prep = s.job('prep', 'n5.b.tt_0p80v_25c_typical');
    const below = descendants(s.jobs, [prep.num]);
    expect(names([...below].map((n) => s.jobs[n]!))).toEqual(['char n5.b.tt_0p80v_25c_typical', 'flaky n5.b', 'gather n5.b']);

    // Run the parent alone, as a user re-running one job would: its children's markers are
    // still there, with the right fingerprints, but they consumed the parent's previous result.
    fs.rmSync(s.stateFile(prep, 'done'));
    const one = await s.run(`jobs/prep.sh`, [prep.group, String(prep.index)]);
    expect(one.code, one.stderr).toBe(0);
    for (const n of below) expect(fs.existsSync(s.stateFile(s.jobs[n]!, 'done'))).toBe(true);
    const status = await s.run('status.sh');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^prep\s+5\s+5\s+0\s+0\s+0\s+0\s+0$/m);
    expect(status.stdout).toMatch(/^char\s+5\s+4\s+0\s+0\s+0\s+1\s+0$/m);
    expect(status.stdout).toMatch(/^gather\s+2\s+1\s+0\s+0\s+0\s+1\s+0$/m);
    expect(status.stdout).toMatch(/^flaky\s+2\s+1\s+0\s+0\s+0\s+1\s+0$/m);

    // A wrapper started by hand refuses a child whose parent's result is newer than its own.
    const gather = s.job('gather', 'n5.b');
    const refused = await s.run('jobs/gather.sh', [gather.group, String(gather.index)]);
    expect(refused.code).toBe(1);
    expect(s.failedReason(gather)).toBe(`preflight: upstream job char n5.b.tt_0p80v_25c_typical has not completed (no valid done-marker in ${s.runDir}/state/char)`);

    const again = await runLocal(s);
    expect(again.code, again.stderr).toBe(0);
    expect(again.started).toEqual(names([...below].map((n) => s.jobs[n]!)));
    expect((await runLocal(s)).started).toEqual([]);
  });

  it('run-local.sh --force STAGE re-runs that stage and everything below it, and nothing else', async () => {
    const s = site();
    expect((await runLocal(s)).code).toBe(0);
    const forced = await runLocal(s, ['--force', 'gather']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.started).toEqual(names(s.jobs.filter((j) => j.stage === 'gather' || j.stage === 'flaky')));
    // --force with --only: the forced stages are selected too; repeatable.
    const both = await runLocal(s, ['--only', 'prep', '--force', 'char', '--force', 'flaky']);
    expect(both.code, both.stderr).toBe(0);
    expect(both.started).toEqual(names(s.jobs.filter((j) => j.stage !== 'prep')));
    const unknown = await runLocal(s, ['--force', 'nosuch']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('libcc: error: no stage named nosuch');
    // Usage mistakes exit 2, as an unknown option does (1 says that jobs failed).
    const zero = await runLocal(s, ['-j', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('libcc: error: -j needs a positive number, got 0');
  });

  it('on LSF: submit.sh re-submits exactly a re-run job\'s descendants, and --force STAGE what is below it', async () => {
    const s = site();
    const lsf = s.lsf({ env: env(s) });
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    await lsf.waitIdle(30_000);
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);

    // A corner's result re-made by hand: its descendants must run again on the new result.
    const prep = s.job('prep', 'n5.a.tt_0p75v_25c_typical');
    fs.rmSync(s.stateFile(prep, 'done'));
    const second = await s.submitWith(lsf, 'submit.sh');
    expect(second.code, second.stderr).toBe(0);
    await lsf.waitIdle(30_000);
    const group2 = s.ledger().at(-1)!.group;
    expect(submittedJobs(s.jobs, lsf.jobs(), group2, 'resume')).toEqual([prep.num, ...descendants(s.jobs, [prep.num])].sort((a, b) => a - b));
    for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);

    const third = await s.submitWith(lsf, 'submit.sh', ['--force', 'char']);
    expect(third.code, third.stderr).toBe(0);
    await lsf.waitIdle(30_000);
    const group3 = s.ledger().at(-1)!.group;
    expect(submittedJobs(s.jobs, lsf.jobs(), group3, 'resume')).toEqual(s.jobs.filter((j) => j.stage !== 'prep').map((j) => j.num));
    const nothing = await s.submitWith(lsf, 'submit.sh');
    expect(nothing.stderr).toContain('nothing to submit');
  });
});

describe('an upstream result removed or rewritten after its job was done', () => {
  // Output names with every kind of byte the record encodes.
  const odd = compiledPipeline(
    'odd',
    `pipeline odd
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
library a : n5 { corners = [tt_0p75v_25c_typical] }
stage make for each library, corner {
  run = shell """mkdir -p "\${out}" && cd "\${out}" && touch 'a b%41.x' "$(printf 'l\\nf.x')" 'é….x' 'back\\x41.x' plain.x """
  expect "\${out}/*.x" == 5
}
stage use for each library after make {
  run = shell """mkdir -p "\${out}" && ls "\${out}"/*/ > "\${out}/list" """
  expect "\${out}/list" == 1
}
`,
  );
  it('the job downstream fails before its command runs, naming the output and how to make it again; following that re-runs the upstream job and what is below it', async () => {
    const s = site();
    expect((await runLocal(s)).code).toBe(0);
    const char = s.job('char', 'n5.b.tt_0p80v_25c_typical');
    const gather = s.job('gather', 'n5.b');
    const output = path.join(s.runDir, 'out/n5/b/tt_0p80v_25c_typical/char');
    // The done-marker records what the job's `expect` matched: a file with its size and time
    // (to the nanosecond: GNU stat's `%.9Y`).
    const stat = fs.statSync(output, { bigint: true });
    expect(fs.readFileSync(s.stateFile(char, 'done'), 'utf8')).toContain(`\noutputs=${output}|${stat.size}|${epochNs(stat.mtimeNs)}\n`);
    const all = path.join(s.runDir, 'out/n5/b/all');
    const gathered = fs.readFileSync(all, 'utf8');

    fs.rmSync(output);
    const removed = await runLocal(s, ['--force', 'gather']);
    expect(removed.code).toBe(1);
    const again = `to make it again, remove its done-marker ${s.stateFile(char, 'done')} (or run with --force char), then run again`;
    expect(s.failedReason(gather)).toBe(`preflight: upstream job char n5.b.tt_0p80v_25c_typical is done, but its output ${output} is gone: ${again}`);
    expect(removed.stderr).toContain(`libcc:   reason: preflight: upstream job char n5.b.tt_0p80v_25c_typical is done, but its output ${output} is gone`);
    // Its command never ran: the gather of what is left was not made.
    expect(fs.readFileSync(all, 'utf8')).toBe(gathered);
    expect(s.isDone(s.job('gather', 'n5.a'))).toBe(true);

    fs.rmSync(s.stateFile(char, 'done'));
    const remade = await runLocal(s);
    expect(remade.code, remade.stderr).toBe(0);
    expect(remade.started).toEqual(['char n5.b.tt_0p80v_25c_typical', 'flaky n5.b', 'gather n5.b']);
    expect(fs.readFileSync(all, 'utf8')).toBe(gathered);

    // A done-marker older than its outputs (the run directory on a file server whose clock is
    // behind the outputs' server): nothing changed, the job downstream runs.
    const prep = s.job('prep', 'n5.a.ss_0p675v_m40c_typical');
    const charA = s.job('char', 'n5.a.ss_0p675v_m40c_typical');
    const prepOut = path.join(s.runDir, 'out/n5/a/ss_0p675v_m40c_typical/prep');
    const marker = s.stateFile(prep, 'done');
    const hourAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(marker, hourAgo, hourAgo);
    fs.rmSync(s.stateFile(charA, 'done'));
    const skewed = await s.run('jobs/char.sh', [charA.group, String(charA.index)]);
    expect(skewed.code, skewed.stderr).toBe(0);

    // A file rewritten after its job was done: not the size and time its done-marker recorded.
    const [, size, seconds, fraction] = /^outputs=[^ |]*\|(\d+)\|(\d+)\.(\d{9})$/m.exec(fs.readFileSync(marker, 'utf8'))!;
    expect(Number(size)).toBe(fs.statSync(prepOut).size);
    fs.writeFileSync(prepOut, 'edited\n');
    const later = new Date((Number(seconds) + 2) * 1000);
    fs.utimesSync(prepOut, later, later);
    fs.rmSync(s.stateFile(charA, 'done'));
    const refused = await s.run('jobs/char.sh', [charA.group, String(charA.index)]);
    expect(refused.code).toBe(1);
    expect(s.failedReason(charA)).toBe(
      `preflight: upstream job prep n5.a.ss_0p675v_m40c_typical is done, but its output ${prepOut} changed since (then ${size} bytes, modified ${localTime(Number(seconds))}.${fraction}, now 7 bytes, modified ${localTime(Number(seconds) + 2)}.000000000): to make it again, remove its done-marker ${marker} (or run with --force prep), then run again`,
    );

    // A done-marker of a libcc that recorded no outputs has none to check.
    fs.writeFileSync(marker, fs.readFileSync(marker, 'utf8').replace(/^outputs=.*\n/m, ''));
    const unchecked = await s.run('jobs/char.sh', [charA.group, String(charA.index)]);
    expect(unchecked.code, unchecked.stderr).toBe(0);
    expect(fs.readFileSync(path.join(s.runDir, 'out/n5/a/ss_0p675v_m40c_typical/char'), 'utf8')).toBe('edited\n');
  });

  it('status.sh --outputs lists the done jobs whose recorded outputs are gone or changed (exit 4), in the table with and without the matrix and in --json; they stay done', async () => {
    const s = site();
    expect((await runLocal(s)).code).toBe(0);
    const status = (args: string[]) => s.run('status.sh', args, { env: env(s) });
    const done = s.jobs.length;
    for (const args of [['--outputs'], ['--outputs', '--no-matrix']]) {
      const r = await status(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`\noutputs: what the ${done} done job(s) recorded is there, as recorded\n`);
    }

    const char = s.job('char', 'n5.b.tt_0p80v_25c_typical');
    const charOut = path.join(s.runDir, 'out/n5/b/tt_0p80v_25c_typical/char');
    fs.rmSync(charOut);
    const prep = s.job('prep', 'n5.a.ss_0p675v_m40c_typical');
    const prepOut = path.join(s.runDir, 'out/n5/a/ss_0p675v_m40c_typical/prep');
    const [, size, seconds, fraction] = /^outputs=[^ |]*\|(\d+)\|(\d+)\.(\d{9})$/m.exec(fs.readFileSync(s.stateFile(prep, 'done'), 'utf8'))!;
    fs.writeFileSync(prepOut, 'edited\n');
    setTime(prepOut, `${Number(seconds) + 2}.000000000`);
    const again = (job: JobRow) => `to make it again, remove its done-marker ${s.stateFile(job, 'done')} (or run with --force ${job.stage}), then run again`;
    // Job order: prep comes before char in lib/jobs.tsv, whichever the check found first.
    const listing =
      '\ndone jobs whose outputs are gone or changed since (they stay done; a job that reads one fails before it runs):\n' +
      `  prep n5.a.ss_0p675v_m40c_typical: its output ${prepOut} changed since (then ${size} bytes, modified ${localTime(Number(seconds))}.${fraction}, now 7 bytes, modified ${localTime(Number(seconds) + 2)}.000000000)\n` +
      `      ${again(prep)}\n` +
      `  char n5.b.tt_0p80v_25c_typical: its output ${charOut} is gone\n` +
      `      ${again(char)}\n`;
    for (const args of [['--outputs'], ['--outputs', '--no-matrix']]) {
      const r = await status(args);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stdout).toContain(listing);
      expect(r.stdout).toMatch(new RegExp(`\nchar +${core(s).filter((j) => j.stage === 'char').length} +${core(s).filter((j) => j.stage === 'char').length} +0 +0 +0 +0 +0\n`));
    }
    // Without --outputs nothing is checked: everything is done.
    const plain = await status([]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('outputs');

    const doc = JSON.parse((await status(['--json', '--outputs'])).stdout) as { exit_code: number; outputs_checked: boolean; jobs: { stage: string; key: string; state: string; outputs_changed: string | null }[] };
    expect(doc.exit_code).toBe(4);
    expect(doc.outputs_checked).toBe(true);
    const changed = doc.jobs.filter((j) => j.outputs_changed !== null).map((j) => [j.stage, j.key, j.state, j.outputs_changed]);
    expect(changed).toEqual([
      ['prep', prep.key, 'done', `its output ${prepOut} changed since (then ${size} bytes, modified ${localTime(Number(seconds))}.${fraction}, now 7 bytes, modified ${localTime(Number(seconds) + 2)}.000000000)`],
      ['char', char.key, 'done', `its output ${charOut} is gone`],
    ]);
    const unchecked = JSON.parse((await status(['--json'])).stdout) as typeof doc;
    expect(unchecked.exit_code).toBe(0);
    expect(unchecked.outputs_checked).toBe(false);
    expect(unchecked.jobs.every((j) => j.outputs_changed === null)).toBe(true);

    // A failed job takes precedence: exit 1.
    fs.writeFileSync(path.join(s.root, 'ctl/silent'), '');
    const flaky = s.job('flaky', 'n5.a');
    fs.rmSync(s.stateFile(flaky, 'done'));
    expect((await s.run('jobs/flaky.sh', [flaky.group, String(flaky.index)], { env: env(s) })).code).toBe(1);
    expect((await status(['--outputs'])).code).toBe(1);
  });

  it('outputs are recorded whatever bytes their names hold: a blank, a percent sign, a line break, UTF-8, a backslash', async () => {
    const s = odd.site();
    const first = await s.run('run-local.sh');
    expect(first.code, first.stderr).toBe(0);
    const make = s.job('make', 'n5.a.tt_0p75v_25c_typical');
    const dir = path.join(s.runDir, 'out/n5/a/tt_0p75v_25c_typical');
    const names = fs.readdirSync(dir).sort();
    expect(names).toEqual(['a b%41.x', 'back\\x41.x', 'l\nf.x', 'plain.x', 'é….x'].sort());
    const line = /^outputs=(.*)$/m.exec(fs.readFileSync(s.stateFile(make, 'done'), 'utf8'))![1]!;
    expect(line).toMatch(/^[!-~]+( [!-~]+){4}$/);
    // Each name, removed in turn, is the one the job downstream names.
    for (const name of names) {
      const file = path.join(dir, name);
      fs.renameSync(file, `${file}.aside`);
      const use = s.job('use', 'n5.a');
      fs.rmSync(s.stateFile(use, 'done'), { force: true });
      const r = await s.run('jobs/use.sh', [use.group, String(use.index)]);
      expect(r.code).toBe(1);
      expect(s.failedReason(use)).toBe(`preflight: upstream job make n5.a.tt_0p75v_25c_typical is done, but its output ${file.replace(/\n/g, '; ')} is gone: to make it again, remove its done-marker ${s.stateFile(make, 'done')} (or run with --force make), then run again`);
      fs.renameSync(`${file}.aside`, file);
    }
    const use = s.job('use', 'n5.a');
    const last = await s.run('jobs/use.sh', [use.group, String(use.index)]);
    expect(last.code, last.stderr).toBe(0);
  });

  it('a rewrite within the same second that keeps the size is seen; whole seconds (an older libcc, a stat without fractions) are compared as whole seconds', async () => {
    const s = site();
    expect((await runLocal(s, ['--only', 'prep', '--only', 'char'])).code).toBe(0);
    const prep = s.job('prep', 'n5.b.tt_0p75v_25c_typical');
    const char = s.job('char', 'n5.b.tt_0p75v_25c_typical');
    const prepOut = path.join(s.runDir, 'out/n5/b/tt_0p75v_25c_typical/prep');
    const marker = s.stateFile(prep, 'done');
    const recorded = fs.readFileSync(marker, 'utf8');
    const [, size, seconds, fraction] = /^outputs=[^ |]*\|(\d+)\|(\d+)\.(\d{9})$/m.exec(recorded)!;
    const runChar = async (options: { path?: string } = {}) => {
      fs.rmSync(s.stateFile(char, 'done'), { force: true });
      return s.run('jobs/char.sh', [char.group, String(char.index)], { env: env(s), ...options });
    };

    // The same bytes count, another time within the same second: rewritten.
    const content = fs.readFileSync(prepOut, 'utf8');
    fs.writeFileSync(prepOut, content.toUpperCase());
    const otherFraction = fraction === '500000000' ? '250000000' : '500000000';
    setTime(prepOut, `${seconds}.${otherFraction}`);
    const refused = await runChar();
    expect(refused.code).toBe(1);
    expect(s.failedReason(char)).toBe(
      `preflight: upstream job prep n5.b.tt_0p75v_25c_typical is done, but its output ${prepOut} changed since (then ${size} bytes, modified ${localTime(Number(seconds))}.${fraction}, now ${size} bytes, modified ${localTime(Number(seconds))}.${otherFraction}): to make it again, remove its done-marker ${marker} (or run with --force prep), then run again`,
    );

    // A marker that recorded whole seconds (a libcc before fractions, or a host whose stat
    // prints none) is compared in whole seconds: the same second passes, another one fails.
    fs.writeFileSync(marker, recorded.replace(`|${seconds}.${fraction}\n`, `|${seconds}\n`));
    expect((await runChar()).code).toBe(0);
    setTime(prepOut, `${Number(seconds) + 1}.${otherFraction}`);
    expect((await runChar()).code).toBe(1);
    expect(s.failedReason(char)).toContain(`changed since (then ${size} bytes, modified ${localTime(Number(seconds))}, now ${size} bytes, modified ${localTime(Number(seconds) + 1)}.${otherFraction})`);

    // A GNU stat without `%.9Y` (it prints whole seconds for it): whole seconds are recorded,
    // and a fractional record is compared in whole seconds there.
    const bin = path.join(s.root, 'old-stat-bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'stat'), '#!/bin/bash\nargs=()\nfor a in "$@"; do args+=("${a//.9Y/Y}"); done\nexec /usr/bin/stat "${args[@]}"\n', { mode: 0o755 });
    fs.rmSync(marker);
    expect((await s.run('jobs/prep.sh', [prep.group, String(prep.index)], { env: env(s), path: bin })).code).toBe(0);
    const whole = fs.statSync(prepOut, { bigint: true });
    expect(fs.readFileSync(marker, 'utf8')).toContain(`\noutputs=${prepOut}|${whole.size}|${whole.mtimeNs / 1_000_000_000n}\n`);
    expect((await runChar()).code).toBe(0);
    fs.writeFileSync(marker, fs.readFileSync(marker, 'utf8').replace(/^(outputs=[^ |]*\|\d+\|\d+)$/m, '$1.123456789'));
    expect((await runChar({ path: bin })).code).toBe(0);
    expect((await runChar()).code).toBe(1);
  });

  it('with a stat that has no -c (BSD\'s): outputs are recorded without size and time, and only their being there is checked', async () => {
    const s = site();
    const bin = path.join(s.root, 'bsd-bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'stat'), "#!/bin/bash\necho 'stat: illegal option -- c' >&2\necho 'usage: stat [-FLnq] [-f format | -l | -r | -s | -x] [-t timefmt] [file ...]' >&2\nexit 1\n", { mode: 0o755 });
    const first = await s.run('run-local.sh', ['--only', 'prep', '--only', 'char'], { env: env(s), path: bin });
    expect(first.code, first.stderr).toBe(0);
    const prep = s.job('prep', 'n5.b.tt_0p75v_25c_typical');
    const char = s.job('char', 'n5.b.tt_0p75v_25c_typical');
    const prepOut = path.join(s.runDir, 'out/n5/b/tt_0p75v_25c_typical/prep');
    expect(fs.readFileSync(s.stateFile(prep, 'done'), 'utf8')).toContain(`\noutputs=${prepOut}\n`);
    fs.writeFileSync(prepOut, 'edited\n');
    fs.rmSync(s.stateFile(char, 'done'));
    const edited = await s.run('jobs/char.sh', [char.group, String(char.index)], { env: env(s), path: bin });
    expect(edited.code, edited.stderr).toBe(0);
    fs.rmSync(prepOut);
    fs.rmSync(s.stateFile(char, 'done'));
    const gone = await s.run('jobs/char.sh', [char.group, String(char.index)], { env: env(s), path: bin });
    expect(gone.code).toBe(1);
    expect(s.failedReason(char)).toBe(`preflight: upstream job prep n5.b.tt_0p75v_25c_typical is done, but its output ${prepOut} is gone: to make it again, remove its done-marker ${s.stateFile(prep, 'done')} (or run with --force prep), then run again`);
  });
});

describe('an output left over from an earlier attempt never satisfies `expect`', () => {
  it('in-job retry: attempt 1 writes its output and fails, attempt 2 writes nothing — the job fails', async () => {
    const s = site();
    expect((await runLocal(s, ['--only', 'prep', '--only', 'char', '--only', 'gather'])).code).toBe(0);
    const flaky = s.job('flaky', 'n5.a');
    const ctl = env(s).RESUME_DIR;
    // The first attempt leaves `result` and exits 75; the retry "succeeds" without writing anything.
    fs.writeFileSync(path.join(ctl, 'partial.a'), '1');
    fs.writeFileSync(path.join(ctl, 'silent'), '');
    const r = await s.run(`jobs/flaky.sh`, [flaky.group, String(flaky.index)], { env: env(s) });
    expect(fs.readFileSync(path.join(ctl, 'count'), 'utf8').trim()).toBe('2');
    expect(fs.existsSync(path.join(s.runDir, 'out/n5/a/result'))).toBe(true);
    expect(r.code).toBe(1);
    const reason = `expect failed: \${out}/result* matched 0 file(s) written by this attempt (and 1 older file(s) left over from an earlier attempt), expected == 1 (pattern ${s.runDir}/out/n5/a/result*)`;
    expect(s.failedReason(flaky)).toBe(reason);
    expect(s.isDone(flaky)).toBe(false);
  });

  it('across runs: a leftover of a failed run does not make the next run pass; status.sh and run-local.sh say why', async () => {
    const s = site();
    const ctl = env(s).RESUME_DIR;
    // Both attempts of each flaky job leave `result` and exit 75.
    fs.writeFileSync(path.join(ctl, 'partial.a'), '2');
    fs.writeFileSync(path.join(ctl, 'partial.b'), '2');
    fs.writeFileSync(path.join(ctl, 'silent'), '');
    const failed = await runLocal(s, ['--only', 'prep', '--only', 'char', '--only', 'gather', '--only', 'flaky']);
    expect(failed.code).toBe(1);
    const flaky = s.jobs.filter((j) => j.stage === 'flaky');
    for (const job of flaky) expect(s.failedReason(job)).toBe('command exited with code 75 (attempt 2)');
    expect(failed.stderr).toContain('libcc:   reason: command exited with code 75 (attempt 2)');

    // The next run's command succeeds without writing: the leftover `result` does not count.
    const again = await runLocal(s);
    expect(again.code).toBe(1);
    expect(again.started).toEqual(names(flaky));
    const reason = (key: string) => `expect failed: \${out}/result* matched 0 file(s) written by this attempt (and 1 older file(s) left over from an earlier attempt), expected == 1 (pattern ${s.runDir}/out/n5/${key.split('.')[1]}/result*)`;
    for (const job of flaky) {
      expect(s.failedReason(job)).toBe(reason(job.key));
      expect(again.stderr).toContain(`libcc: FAILED ${jobName(job)} (exit 1), log: ${s.runDir}/logs/flaky/${job.key}.log\nlibcc:   reason: ${reason(job.key)}`);
    }
    const status = await s.run('status.sh');
    expect(status.code).toBe(1);
    for (const job of flaky) expect(status.stdout).toContain(`  ${jobName(job)}: ${reason(job.key)}`);

    // Too many outputs written by the attempt itself are a failure with the count.
    fs.rmSync(path.join(ctl, 'silent'));
    fs.writeFileSync(path.join(ctl, 'two'), '');
    const two = await runLocal(s);
    expect(two.code).toBe(1);
    expect(s.failedReason(flaky[0]!)).toBe(`expect failed: \${out}/result* matched 2 file(s), expected == 1 (pattern ${s.runDir}/out/n5/a/result*)`);
    expect(core(s).every((j) => s.isDone(j))).toBe(true);
  });
});
