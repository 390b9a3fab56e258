/** The report model on hand-made run data: states, times, paths, resources, retries, problems. */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/model.js';
import { renderReportJson } from '../../src/report/json.js';
import { parseEvents, parseMarker, type PlanDocument, type RunData } from '../../src/report/read-run.js';

// a → b (per corner) → c (gather); d alone; e after d.
const plan: PlanDocument = {
  pipeline: 'p',
  makespanSeconds: 300,
  slotSeconds: 0,
  stages: [
    { name: 'a', keySet: ['node', 'library', 'corner'], cpus: 2, estimateSeconds: 100, jobCount: 2, licenses: [{ name: 'liberate', count: 1 }] },
    { name: 'c', keySet: ['node', 'library'], cpus: 1, estimateSeconds: 50, jobCount: 1, licenses: [] },
    { name: 'd', keySet: [], cpus: 1, estimateSeconds: 10, jobCount: 1, licenses: [] },
    { name: 'e', keySet: [], cpus: 1, estimateSeconds: 10, jobCount: 1, licenses: [] },
  ],
  criticalPath: [
    { job: 'a[L,x]', stage: 'a', start: 0, finish: 100 },
    { job: 'c[L]', stage: 'c', start: 100, finish: 150 },
  ],
  jobs: [
    { id: 'a[L,x]', stage: 'a', keys: { node: 'n', library: 'L', corner: 'x' }, parents: [], cpus: 2, estimateSeconds: 100, earliestStart: 0 },
    { id: 'a[L,y]', stage: 'a', keys: { node: 'n', library: 'L', corner: 'y' }, parents: [], cpus: 2, estimateSeconds: 100, earliestStart: 0 },
    { id: 'c[L]', stage: 'c', keys: { node: 'n', library: 'L' }, parents: ['a[L,x]', 'a[L,y]'], cpus: 1, estimateSeconds: 50, earliestStart: 100 },
    { id: 'd', stage: 'd', keys: {}, parents: [], cpus: 1, estimateSeconds: 10, earliestStart: 0 },
    { id: 'e', stage: 'e', keys: {}, parents: ['d'], cpus: 1, estimateSeconds: 10, earliestStart: 10 },
  ],
};

const jobs = [
  { num: 0, stage: 'a', group: 'n.L', index: 1, key: 'n.L.x', fingerprint: 'fx', parents: [] },
  { num: 1, stage: 'a', group: 'n.L', index: 2, key: 'n.L.y', fingerprint: 'fy', parents: [] },
  { num: 2, stage: 'c', group: 'n', index: 1, key: 'n.L', fingerprint: 'fc', parents: [0, 1] },
  { num: 3, stage: 'd', group: '_', index: 1, key: '_', fingerprint: 'fd', parents: [] },
  { num: 4, stage: 'e', group: '_', index: 1, key: '_', fingerprint: 'fe', parents: [3] },
];

const EVENTS = [
  '{"time":1000,"event":"start","stage":"a","job":"n.L.x","host":"h1","lsf_job":""}',
  '{"time":1000,"event":"start","stage":"a","job":"n.L.y","host":"h2","lsf_job":""}',
  '{"time":1030,"event":"retry","stage":"a","job":"n.L.x","attempt":1,"exit_code":75}',
  '{"time":1060,"event":"end","stage":"a","job":"n.L.y","status":"done","exit_code":0,"seconds":60,"attempts":1}',
  '{"time":1120,"event":"end","stage":"a","job":"n.L.x","status":"done","exit_code":0,"seconds":120,"attempts":2}',
  'not json at all',
  '{"time":1120,"event":"start","stage":"c","job":"n.L","host":"h1","lsf_job":""}',
  '{"time":1125,"event":"end","stage":"c","job":"n.L","status":"failed","exit_code":1,"reason":"expect failed"}',
  '{"time":1000,"event":"start","stage":"d","job":"_","host":"h3","lsf_job":""}',
  '{"time":1010,"event":"end","stage":"d","job":"_","status":"done","exit_code":0,"seconds":10,"attempts":1}',
  '{"time":1011,"event":"start","stage":"e","job":"_","host":"h3","lsf_job":""}',
  '{"time":1011,"event":"start","stage":"gone","job":"_","host":"h3","lsf_job":""}',
  '[1,2]',
].join('\n');

function runData(overrides: Partial<RunData> = {}): RunData {
  const problems: string[] = [];
  const events = parseEvents(EVENTS, 'events.jsonl', problems);
  return {
    plan,
    jobs,
    events,
    done: new Map([
      ['a/n.L.x', parseMarker('fingerprint=fx\nid=ID-x\nparents=\nhost=h1\nattempts=2\n')],
      ['a/n.L.y', parseMarker('fingerprint=OLD\nid=ID-y\nparents=\nhost=h2\n')],
      ['d/_', parseMarker('fingerprint=fd\nid=ID-d\nparents=\n')],
    ]),
    failed: new Map([['c/n.L', parseMarker('reason=expect failed: no lib\nexit_code=1\nhost=h1\noutput=line one\noutput=line two\n')]]),
    ledger: [],
    problems,
    ...overrides,
  };
}

describe('buildReport', () => {
  const model = buildReport(runData());
  const job = (id: string) => model.jobs.find((j) => j.id === id)!;

  it('derives states: done, stale (fingerprint), failed, done, running', () => {
    expect(model.jobs.map((j) => [j.id, j.state])).toEqual([
      ['a[L,x]', 'done'],
      ['a[L,y]', 'stale'],
      ['c[L]', 'failed'],
      ['d', 'done'],
      ['e', 'running'],
    ]);
    expect(model.counts).toEqual({ done: 2, failed: 1, running: 1, stale: 1, 'not run': 0 });
  });

  it('a done-marker whose consumed upstream marker was replaced is stale, and so are its dependants', () => {
    const data = runData({
      done: new Map([
        ['d/_', parseMarker('fingerprint=fd\nid=NEW\n')],
        ['e/_', parseMarker('fingerprint=fe\nid=ID-e\nparents=d/_=OLD\n')],
      ]),
      events: [],
    });
    const m = buildReport(data);
    expect(m.jobs.find((j) => j.id === 'e')!.state).toBe('stale');
    expect(m.jobs.find((j) => j.id === 'd')!.state).toBe('done');
    // A job whose parent is not done is not done either, whatever its marker says.
    const m2 = buildReport(runData({ done: new Map([['e/_', parseMarker('fingerprint=fe\nid=ID-e\nparents=\n')]]), events: [] }));
    expect(m2.jobs.find((j) => j.id === 'e')!.state).toBe('stale');
    expect(m2.jobs.find((j) => j.id === 'a[L,x]')!.state).toBe('not run');
  });

  it('times are relative to the first start; running jobs end at the last event', () => {
    expect(model.startedAt).toBe(1000);
    expect(model.elapsedSeconds).toBe(125);
    expect(job('a[L,x]')).toMatchObject({ start: 0, end: 120, seconds: 120, retries: 1, runs: 1, host: 'h1' });
    expect(job('e')).toMatchObject({ start: 11, end: 125 });
    expect(job('e').seconds).toBeUndefined();
  });

  it('failures carry the marker reason and output, grouped by reason', () => {
    expect(job('c[L]')).toMatchObject({ reason: 'expect failed: no lib', output: ['line one', 'line two'] });
    expect(model.reasons).toEqual([{ reason: 'expect failed: no lib', count: 1, stages: ['c'] }]);
  });

  it('the actual critical path follows the parent that ended last', () => {
    expect(model.actualCriticalPath.map((s) => [s.id, s.start, s.end, s.plannedStart, s.plannedEnd])).toEqual([
      ['a[L,x]', 0, 120, 0, 100],
      ['c[L]', 120, 125, 100, 150],
    ]);
    expect(model.plannedCriticalPath.map((s) => s.id)).toEqual(['a[L,x]', 'c[L]']);
  });

  it('slot- and licence-seconds used vs planned', () => {
    // a: 2 cpus × (120 + 60), c: 5 s (failed run), d: 10 s; e running (no end): 0.
    expect(model.slotSecondsUsed).toBe(2 * 180 + 5 + 10);
    expect(model.stages[0]).toMatchObject({ slotSecondsUsed: 360, slotSecondsPlanned: 400, medianSeconds: 90, retries: 1 });
    expect(model.licences).toEqual([{ name: 'liberate', usedSeconds: 180, plannedSeconds: 200 }]);
    expect(model.retries).toEqual({ total: 1, jobs: 1, reruns: 0 });
    expect(model.submissions).toEqual({ bsubs: 0, runIds: [] });
    const ledger = [
      { runId: 'r1', jobGroup: 'g', stage: 'a', group: 'n.L', unit: '0', lsfJob: '11', indices: '1-2' },
      { runId: 'r2', jobGroup: 'g', stage: 'c', group: 'n', unit: '0', lsfJob: '12', indices: '1' },
    ];
    expect(buildReport(runData({ ledger })).submissions).toEqual({ bsubs: 2, runIds: ['r1', 'r2'] });
  });

  it('the matrix: library × stage counts and the corner grid', () => {
    expect(model.libraries).toHaveLength(1);
    const lib = model.libraries[0]!;
    expect(lib.library).toBe('L');
    expect(lib.corners).toEqual(['x', 'y']);
    expect(lib.stages.map((c) => (c === undefined ? undefined : c.done))).toEqual([1, 0, undefined, undefined]);
    expect(lib.rows.map((r) => [r.kind, r.name, [...r.cells]])).toEqual([
      ['corner', 'x', [[0, [0]]]],
      ['corner', 'y', [[0, [1]]]],
      ['library', '', [[1, [2]]]],
    ]);
  });

  it('malformed lines and events of unknown jobs are problems, not errors', () => {
    expect(model.problems).toEqual([
      'events.jsonl:6: not a JSON line',
      'events.jsonl:13: not a JSON object',
      'events of 1 job(s) not in this plan (an earlier compile?): gone _',
    ]);
  });

  it('a job of plan.json that lib/jobs.tsv does not have is a problem', () => {
    const m = buildReport(runData({ jobs: jobs.filter((j) => j.stage !== 'a') }));
    expect(m.problems).toContain('2 job(s) of plan.json not in lib/jobs.tsv (compiled apart?): a n.L.x, a n.L.y');
  });

  it('without plan.json: jobs from lib/jobs.tsv, no planned times', () => {
    const m = buildReport(runData({ plan: undefined }));
    expect(m.hasPlan).toBe(false);
    expect(m.jobs.map((j) => j.id)).toEqual(['a[n.L.x]', 'a[n.L.y]', 'c[n.L]', 'd', 'e']);
    expect(m.jobs[0]!.plannedStart).toBeUndefined();
    expect(m.plannedCriticalPath).toEqual([]);
  });

  it('JSON: parents as ids, stable', () => {
    const json = JSON.parse(renderReportJson(model));
    expect(json.version).toBe(1);
    expect(json.jobs[2].parents).toEqual(['a[L,x]', 'a[L,y]']);
    expect(json.libraries[0].stages).toEqual({ a: { done: 1, failed: 0, running: 0, stale: 1, 'not run': 0 }, c: { done: 0, failed: 1, running: 0, stale: 0, 'not run': 0 } });
    expect(renderReportJson(buildReport(runData()))).toBe(renderReportJson(model));
  });
});

describe('timeline ticks', () => {
  it('are round and at most 8', async () => {
    const { tickStep } = await import('../../src/report/html.js');
    expect(tickStep(3)).toBe(1);
    expect(tickStep(100)).toBe(15);
    expect(tickStep(4200)).toBe(600);
    expect(tickStep(30 * 86400)).toBe(4 * 86400);
  });
});
