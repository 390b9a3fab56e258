/** Reading a run directory defensively: malformed content is reported, links are never followed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRun } from '../../src/report/read-run.js';
import { runCli } from '../helpers/cli.js';

let root: string;
let gen: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-read-run-'));
  gen = path.join(root, 'gen');
  fs.mkdirSync(path.join(gen, 'lib'), { recursive: true });
  fs.mkdirSync(path.join(gen, 'run/state/a'), { recursive: true });
  fs.writeFileSync(path.join(gen, 'lib/jobs.tsv'), '# header\n0\ta\t_\t1\tk\tf0\t-\nbroken row\n');
  fs.writeFileSync(path.join(gen, 'run/events.jsonl'), '{"time":1,"event":"start","stage":"a","job":"k"}\n{"time":"x"}\n\n');
  fs.writeFileSync(path.join(gen, 'run/state/a/k.done'), 'fingerprint=f0\nid=1\n');
  fs.writeFileSync(path.join(gen, 'run/ledger.tsv'), 'r1\tg\ta\t_\t0\t12\t1\nshort\n');
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('readRun', () => {
  it('reads what is well-formed and lists the rest as problems', () => {
    const run = readRun(gen);
    expect(run.plan).toBeUndefined();
    expect(run.jobs).toHaveLength(1);
    expect(run.events).toHaveLength(1);
    expect([...run.done.keys()]).toEqual(['a/k']);
    expect(run.ledger).toEqual([{ runId: 'r1', jobGroup: 'g', stage: 'a', group: '_', unit: '0', lsfJob: '12', indices: '1' }]);
    expect(run.problems).toEqual([
      'plan.json: missing',
      'lib/jobs.tsv:3: not a job row',
      'run/events.jsonl:2: an event needs a numeric `time` and string `event`, `stage` and `job`',
      'run/ledger.tsv:2: expected 7 tab-separated columns',
    ]);
  });

  it('stops reading a file after 1000 bad lines, saying so; the lines before are read', () => {
    const good = (n: number) => `{"time":${n},"event":"start","stage":"a","job":"k${n}"}\n`;
    fs.writeFileSync(path.join(gen, 'run/events.jsonl'), `${good(1)}${'x\n'.repeat(2000)}${good(2)}`);
    fs.writeFileSync(path.join(gen, 'run/ledger.tsv'), 'short\n'.repeat(999));
    const run = readRun(gen);
    expect(run.events.map((e) => e.job)).toEqual(['k1']);
    const events = run.problems.filter((p) => p.startsWith('run/events.jsonl'));
    expect(events).toHaveLength(1001);
    expect(events[999]).toBe('run/events.jsonl:1001: not a JSON line');
    expect(events[1000]).toBe('run/events.jsonl: 1000 lines are not what the file should hold; the rest of it, from line 1002, is not read');
    // 999 bad lines: all reported, nothing cut.
    expect(run.problems.filter((p) => p.startsWith('run/ledger.tsv'))).toHaveLength(999);
  });

  it('a malformed plan.json is one problem, and no plan', () => {
    fs.writeFileSync(path.join(gen, 'plan.json'), '{"pipeline":"p","makespanSeconds":1,"slotSeconds":1,"stages":[],"criticalPath":[],"jobs":[{"id":3}]}');
    const run = readRun(gen);
    expect(run.plan).toBeUndefined();
    expect(run.problems[0]).toBe('plan.json: a malformed job; the report shows no plan');
  });

  it("a job without a value of its stage's keys (a dimension's, a grouped job's group) is one problem, and no plan", () => {
    const stage = '{"name":"s","keySet":["node","library","corner"],"dimensions":["arcs"],"cpus":1,"estimateSeconds":1,"jobCount":1}';
    const planWith = (keys: string) =>
      `{"pipeline":"p","makespanSeconds":1,"slotSeconds":1,"stages":[${stage}],"criticalPath":[],"jobs":[{"id":"s[l,c,x]","stage":"s","keys":${keys},"parents":[],"cpus":1,"estimateSeconds":1,"earliestStart":0}]}`;
    fs.writeFileSync(path.join(gen, 'plan.json'), planWith('{"node":"n","library":"l","corner":"c"}'));
    expect(readRun(gen).problems[0]).toBe("plan.json: job s[l,c,x] has no value of its stage's key `arcs`; the report shows no plan");
    fs.writeFileSync(path.join(gen, 'plan.json'), planWith('{"node":"n","library":"l","dimensions":{"arcs":"x"}}'));
    expect(readRun(gen).problems[0]).toBe("plan.json: job s[l,c,x] has no value of its stage's key `corner`; the report shows no plan");
    fs.writeFileSync(path.join(gen, 'plan.json'), planWith('{"node":"n","library":"l","corner":"c","dimensions":{}}').replace('["arcs"]', '["toString"]'));
    expect(readRun(gen).problems[0]).toBe("plan.json: job s[l,c,x] has no value of its stage's key `toString`; the report shows no plan");
    fs.writeFileSync(path.join(gen, 'plan.json'), planWith('{"node":"n","library":"l","dimensions":{"arcs":1}}'));
    expect(readRun(gen).problems[0]).toBe('plan.json: a malformed job; the report shows no plan');
    // A grouped job's group stands for its corner.
    fs.writeFileSync(path.join(gen, 'plan.json'), planWith('{"node":"n","library":"l","group":"g","corners":["c","d"],"dimensions":{"arcs":"x"}}'));
    const run = readRun(gen);
    expect(run.plan?.jobs[0]!.keys).toEqual({ node: 'n', library: 'l', group: 'g', corners: ['c', 'd'], dimensions: { arcs: 'x' } });
    expect(run.plan?.stages[0]!.dimensions).toEqual(['arcs']);
  });

  it('never follows a symbolic link out of the directory', () => {
    const outside = path.join(root, 'outside');
    fs.mkdirSync(path.join(outside, 'state/b'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'secret'), 'fingerprint=x\n');
    fs.writeFileSync(path.join(outside, 'state/b/k.done'), 'fingerprint=x\n');
    fs.symlinkSync(path.join(outside, 'secret'), path.join(gen, 'run/state/a/l.done'));
    fs.symlinkSync(path.join(outside, 'state/b'), path.join(gen, 'run/state/b'));
    fs.rmSync(path.join(gen, 'run/events.jsonl'));
    fs.symlinkSync(path.join(outside, 'secret'), path.join(gen, 'run/events.jsonl'));
    const run = readRun(gen);
    expect([...run.done.keys()]).toEqual(['a/k']);
    expect(run.events).toEqual([]);
    expect(run.problems).toContain('run/state/b: a symbolic link, not followed');
    expect(run.problems).toContain('run/state/a/l.done: a symbolic link, not followed');
    expect(run.problems.some((p) => p.startsWith('run/events.jsonl: not read:') && p.includes('symbolic link'))).toBe(true);
  });

  it('a run directory that is a link is not read', () => {
    const other = path.join(root, 'other');
    fs.renameSync(path.join(gen, 'run'), other);
    fs.symlinkSync(other, path.join(gen, 'run'));
    const run = readRun(gen);
    expect(run.events).toEqual([]);
    expect(run.done.size).toBe(0);
    expect(run.problems.some((p) => p.includes('symbolic link'))).toBe(true);
  });
});

describe('libcc report (command line)', () => {
  it('writes JSON, warns about problems, exits 0', async () => {
    const r = await runCli('report', gen, '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('libcc: warning: plan.json: missing');
    expect(JSON.parse(r.stdout).counts).toEqual({ done: 1, failed: 0, running: 0, stale: 0, 'not run': 0 });
  });

  it('--run-dir reads the run elsewhere; -o writes the file', async () => {
    const other = path.join(root, 'elsewhere');
    fs.renameSync(path.join(gen, 'run'), other);
    const out = path.join(root, 'r.html');
    const r = await runCli('report', gen, '--run-dir', other, '-o', out);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('<title>libcc run report: (no plan.json)</title>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('LIBCC_RUN_DIR names the run as it does for the scripts; no run at all is a warning', async () => {
    const other = path.join(root, 'elsewhere');
    fs.renameSync(path.join(gen, 'run'), other);
    const none = await runCli('report', gen, '--format', 'json');
    expect(none.stderr).toContain(`libcc: warning: no run state in ${path.join(gen, 'run')}`);
    expect(JSON.parse(none.stdout).counts.done).toBe(0);
    process.env.LIBCC_RUN_DIR = other;
    try {
      const r = await runCli('report', gen, '--format', 'json');
      expect(r.stderr).not.toContain('no run state');
      expect(JSON.parse(r.stdout).counts.done).toBe(1);
    } finally {
      delete process.env.LIBCC_RUN_DIR;
    }
  });

  it('a missing directory is a usage error', async () => {
    const r = await runCli('report', path.join(root, 'nope'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a directory');
  });
});
