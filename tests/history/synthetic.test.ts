/**
 * Estimates learned from a real local run of tests/history/fixtures/timed.lcp (controlled
 * durations: ss corners 1.2 s, tt corners none) and the errors reported for the hand estimates
 * (1h and 10m, far off).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { parseEvents } from '../../src/report/read-run.js';
import { compileTimed, TIMED, type TimedRun } from './timed.js';

let timed: TimedRun;
let measured: Map<string, number>;

beforeAll(async () => {
  timed = await compileTimed();
  const run = await timed.run();
  expect(run.code, run.stderr).toBe(0);
  const problems: string[] = [];
  const events = parseEvents(fs.readFileSync(path.join(timed.out, 'run/events.jsonl'), 'utf8'), 'events.jsonl', problems);
  expect(problems).toEqual([]);
  measured = new Map(events.filter((e) => e.event === 'end').map((e) => [e.job, e.seconds!]));
}, 60_000);

afterAll(() => timed?.cleanup());

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe('libcc plan --history on a synthetic run', () => {
  it('learns per-process medians for characterize and the stage median for merge', async () => {
    const ss = [...measured].filter(([k]) => k.includes('.ss_')).map(([, s]) => s);
    const tt = [...measured].filter(([k]) => k.includes('.tt_')).map(([, s]) => s);
    expect(ss).toHaveLength(3);
    expect(tt).toHaveLength(3);
    // Whole-second clock: a 1.2 s sleep measures 1 or 2 s, no sleep 0 s (1 s at a boundary).
    for (const s of ss) expect(s === 1 || s === 2).toBe(true);
    for (const s of tt) expect(s).toBeLessThanOrEqual(1);

    const r = await runCli('plan', TIMED, '--format', 'json', '--slots', '2', '--history', timed.out);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    const estimate = (id: string) => plan.jobs.find((j: { id: string }) => j.id === id).estimateSeconds;
    expect(estimate('characterize[cells,ss_0p7v_125c_typical]')).toBe(median(ss));
    expect(estimate('characterize[cells,tt_0p75v_25c_typical]')).toBe(median(tt));
    expect(estimate('merge[cells]')).toBe(measured.get('n5.cells')!);
    expect(plan.stages.map((s: { estimateSource: string }) => s.estimateSource)).toEqual(['history', 'history']);
    // The slot-capped schedule is in the JSON: every job has a start, and with 2 slots the
    // third characterize job cannot start at 0.
    const starts = plan.jobs.map((j: { scheduledStart: number }) => j.scheduledStart);
    expect(starts.every((s: unknown) => typeof s === 'number')).toBe(true);
    expect(plan.slots.cap).toBe(2);

    // The errors of the old estimates, on stderr beside JSON.
    const row = r.stderr.split('\n').find((l) => l.startsWith('characterize'))!;
    const cols = row.split(/\s{2,}/);
    expect(cols.slice(0, 3)).toEqual(['characterize', '6', '1h']);
    const oldError = Number(cols[4]!.replace('%', ''));
    // 1h against 1 or 2 s: above 100 000 %.
    expect(oldError).toBeGreaterThan(100_000);
    const newError = Number(cols[5]!.replace('%', ''));
    expect(newError).toBeLessThanOrEqual(100);
    expect(cols[6]).toBe('library+process 6');
  });

  it('the text plan ends with the estimates table; --history accepts the run directory itself', async () => {
    const r = await runCli('plan', TIMED, '--history', path.join(timed.out, 'run'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('estimates from history: 1 run(s), 7 sample(s)');
    expect(r.stdout).toMatch(/^merge\s+1\s+10m\s+\S+\s+\S+\s+\S+\s+stage 1$/m);
  });

  it('compile --history writes the learned estimates to plan.json and prints the errors', async () => {
    const out = path.join(timed.root, 'learned');
    const r = await runCli('compile', TIMED, '-o', out, '--history', timed.out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('estimates from history: 1 run(s), 7 sample(s)');
    const plan = JSON.parse(fs.readFileSync(path.join(out, 'plan.json'), 'utf8'));
    expect(plan.stages[0].estimateSource).toBe('history');
    expect(plan.makespanSeconds).toBeLessThan(10);
  });

  it('a directory without events is a warning, and the hand estimates stay', async () => {
    const r = await runCli('plan', TIMED, '--format', 'json', '--history', timed.kit);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no events');
    expect(JSON.parse(r.stdout).makespanSeconds).toBe(3600 + 600);
  });
});
