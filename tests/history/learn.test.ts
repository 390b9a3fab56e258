/** The history method on hand-made events (pure: no run). */
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/graph/plan.js';
import { formatHistoryText, percent } from '../../src/history/format.js';
import { durationLookup, learnEstimates, samplesOf, type HistoryRun } from '../../src/history/learn.js';
import type { RunEvent } from '../../src/report/read-run.js';
import { analyseFile, builtinTemplates } from '../helpers/analysis.js';
import { analyse } from '../../src/driver/analyse.js';
import { loadFiles } from '../helpers/program.js';
import { TIMED } from './timed.js';

const analysis = analyseFile(TIMED);
const program = analysis.program!;
const plan = analysis.plan!;

const TT = ['tt_0p75v_25c_typical', 'tt_0p75v_85c_typical', 'tt_0p8v_m40c_typical'];
const SS = ['ss_0p675v_m40c_typical', 'ss_0p675v_25c_typical', 'ss_0p7v_125c_typical'];

let line = 0;
function end(stage: string, job: string, seconds: number, status = 'done'): RunEvent {
  return { line: ++line, time: 1000, event: 'end', stage, job, status, seconds };
}

function run(label: string, seconds: Record<string, number>, merge?: number): HistoryRun {
  const events = Object.entries(seconds).map(([corner, s]) => end('characterize', `n5.cells.${corner}`, s));
  if (merge !== undefined) events.push(end('merge', 'n5.cells', merge));
  return { label, events };
}

const estimateOf = (result: ReturnType<typeof learnEstimates>, corner: string) => result.jobs.find((j) => j.id === `characterize[cells,${corner}]`)!;

describe('samplesOf', () => {
  it('keeps the last successful end of each job, with seconds', () => {
    const events = [end('characterize', 'n5.cells.a', 5), end('characterize', 'n5.cells.a', 7), end('characterize', 'n5.cells.b', 9, 'failed'), { ...end('merge', 'n5.cells', 1), seconds: undefined }];
    expect(samplesOf({ label: 'r', events }).map((s) => [s.key, s.seconds])).toEqual([['n5.cells.a', 7]]);
  });
});

describe('learnEstimates', () => {
  it('one run: per (stage, library, process) median when each process has 3 samples', () => {
    const r = learnEstimates(program, plan, [run('r1', { [TT[0]!]: 10, [TT[1]!]: 20, [TT[2]!]: 60, [SS[0]!]: 100, [SS[1]!]: 110, [SS[2]!]: 300 }, 5)]);
    expect(estimateOf(r, TT[0]!)).toMatchObject({ seconds: 20, method: 'library+process', samples: 3, handSeconds: 3600 });
    expect(estimateOf(r, SS[2]!)).toMatchObject({ seconds: 110, method: 'library+process', samples: 3 });
    expect(r.jobs.find((j) => j.id === 'merge[cells]')).toMatchObject({ seconds: 5, method: 'stage', samples: 1 });
    const stage = r.stages.find((s) => s.stage === 'characterize')!;
    expect(stage.samples).toBe(6);
    // Hand estimate 1h against 10, 20, 60, 100, 110, 300 s: errors 359, 179, 59, 35, 31.7, 11; median (59 + 35) / 2.
    expect(stage.oldError).toBeCloseTo((3540 / 60 + 3500 / 100) / 2, 6);
    // Learned: 20 for tt (errors 1, 0, 2/3), 110 for ss (0.1, 0, 190/300): median (0.1 + 190/300) / 2.
    expect(stage.newError).toBeCloseTo((0.1 + 190 / 300) / 2, 6);
    expect(stage.methods).toEqual({ 'library+process': 6 });
  });

  it('three runs: each job its own median', () => {
    const runs = [1, 2, 3].map((k) => run(`r${k}`, Object.fromEntries([...TT, ...SS].map((c, i) => [c, (i + 1) * 10 * k]))));
    const r = learnEstimates(program, plan, runs);
    expect(estimateOf(r, TT[0]!)).toMatchObject({ seconds: 20, method: 'job', samples: 3 });
    expect(estimateOf(r, SS[2]!)).toMatchObject({ seconds: 120, method: 'job', samples: 3 });
    expect(r.jobs.find((j) => j.id === 'merge[cells]')).toMatchObject({ seconds: 600, method: 'estimate', samples: 0 });
    expect(r.runs).toBe(3);
    expect(r.samples).toBe(18);
  });

  it('too few samples for a process: the library median, then the stage median', () => {
    const r = learnEstimates(program, plan, [run('r1', { [TT[0]!]: 10, [TT[1]!]: 20, [TT[2]!]: 30, [SS[0]!]: 100, [SS[1]!]: 200 })]);
    expect(estimateOf(r, TT[1]!)).toMatchObject({ seconds: 20, method: 'library+process' });
    // ss: 2 samples, below 3 for library+process, pvt and process; the library has 5.
    expect(estimateOf(r, SS[0]!)).toMatchObject({ seconds: 30, method: 'library', samples: 5 });
  });

  it('samples of stages or keys no longer in the plan are counted, not used', () => {
    const r = learnEstimates(program, plan, [{ label: 'r', events: [end('gone', 'n5.cells', 5), end('characterize', 'too.many.dots.here', 5)] }]);
    expect(r.unmatched).toBe(2);
    expect(r.durations.size).toBe(0);
  });

  it('a corner no longer declared still counts for the stage', () => {
    const r = learnEstimates(program, plan, [run('r', { ff_0p9v_m40c_typical: 42 })]);
    expect(r.unmatched).toBe(0);
    expect(estimateOf(r, TT[0]!)).toMatchObject({ seconds: 42, method: 'stage' });
  });

  it('the learned durations re-plan: makespan and slot-seconds follow', () => {
    const r = learnEstimates(program, plan, [run('r1', { [TT[0]!]: 10, [TT[1]!]: 20, [TT[2]!]: 60, [SS[0]!]: 100, [SS[1]!]: 110, [SS[2]!]: 300 }, 5)]);
    const replanned = buildPlan(program, { durationOf: durationLookup(plan, r), slots: 2 }).plan!;
    expect(replanned.makespanSeconds).toBe(110 + 5);
    expect(replanned.slotSeconds).toBe(3 * 20 + 3 * 110 + 5);
    expect(replanned.stages[0]!.estimateSource).toBe('history');
    expect(replanned.stages[0]!.estimateSeconds).toBe(65);
    // 2 slots: 20+20+20+110+110+110 = 390 slot-seconds of characterize → at least 195 s.
    expect(replanned.slots!.makespanSeconds).toBeGreaterThanOrEqual(195 + 5);
  });

  it('formats the table with the old and new errors', () => {
    const r = learnEstimates(program, plan, [run('r1', { [TT[0]!]: 1800, [TT[1]!]: 1800, [TT[2]!]: 1800, [SS[0]!]: 7200, [SS[1]!]: 7200, [SS[2]!]: 7200 })]);
    const text = formatHistoryText(r);
    expect(text).toContain('estimates from history: 1 run(s), 6 sample(s)');
    expect(text).toMatch(/^characterize\s+6\s+1h\s+1h 15m\s+75%\s+0\.0%\s+library\+process 6$/m);
    expect(text).toMatch(/^merge\s+0\s+10m\s+-\s+-\s+-\s+estimate 1$/m);
    expect(percent(0.0123)).toBe('1.2%');
    expect(percent(3.5)).toBe('350%');
  });
});

describe('learnEstimates: jobs keyed as the scripts key them', () => {
  it('a dimension value and a corner group are part of the key: each sample is its own job\'s', () => {
    const source = `pipeline keyed
dimension arcs = [cons, non_cons]
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [ss, tt] }
corner ss_0p6v_m40c {}
corner tt_0p7v_25c {}
library l : n5 { corners = [ss_0p6v_m40c, tt_0p7v_25c] }
stage char for each library, corner, arcs { run = shell "true"  expect "x" == 1  estimate = 1h }
stage lvf for each library, corner group by process { run = shell "true"  expect "x" == 1  estimate = 1h }
`;
    const keyed = analyse(loadFiles({ 'main.lcp': source }), { templates: builtinTemplates() });
    const events = [end('char', 'n5.l.ss_0p6v_m40c.cons', 100), end('char', 'n5.l.ss_0p6v_m40c.non_cons', 200), end('lvf', 'n5.l.ss_m40c', 50)];
    const r = learnEstimates(keyed.program!, keyed.plan!, [{ label: 'r1', events }]);
    expect(r.unmatched).toBe(0);
    expect(r.samples).toBe(3);
  });
});
