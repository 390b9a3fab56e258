// status.sh end to end: its JSON document (--json, schema libcc-status/1, every field documented
// in docs/generated-scripts.md) and its library × corner × stage matrix, after real runs of
// examples/n2_tanager with run-local.sh, and of a small pipeline on the LSF stand-in (scheduler
// up, and down).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledPipeline, descendants, jobName, REPO, type JobRow, type RunResult } from './harness.js';

interface StatusJob {
  num: number;
  stage: string;
  key: string;
  node: string | null;
  library: string | null;
  corner: string | null;
  state: string;
  scheduler_state: string | null;
  attempts: number | null;
  started: number | null;
  ended: number | null;
  exit_code: number | null;
  host: string | null;
  job_id: string | null;
  reason: string | null;
  output: string[];
  blocked_by: { stage: string; key: string } | null;
}

interface StatusDocument {
  schema: string;
  pipeline: string;
  run_id: string | null;
  scheduler: { name: string; queried: boolean; answered: boolean | null; error: string | null };
  exit_code: number;
  stages: Record<string, string | number>[];
  jobs: StatusJob[];
}

/** Runs status.sh --json: stdout must be one JSON document and its exit_code the exit status. */
function parseStatus(r: RunResult): StatusDocument {
  const doc = JSON.parse(r.stdout) as StatusDocument;
  expect(doc.schema).toBe('libcc-status/1');
  expect(doc.exit_code).toBe(r.code);
  return doc;
}

/** The fields the "status.sh --json" section of docs/generated-scripts.md documents. */
function documentedFields(): string[] {
  const doc = fs.readFileSync(path.join(REPO, 'docs/generated-scripts.md'), 'utf8');
  const section = doc.split('\n### status.sh --json\n')[1]!.split(/\n##+ /)[0]!;
  return [...section.matchAll(/^\| `([a-z_.[\]]+)` \|/gm)].map((m) => m[1]!);
}

/** Every field path of a status document (`jobs[].blocked_by.stage`), over all its elements. */
function fieldPaths(doc: StatusDocument): Set<string> {
  const paths = new Set<string>();
  const walk = (value: unknown, prefix: string) => {
    if (Array.isArray(value)) {
      // Arrays of objects are described per element; arrays of strings (output) are leaves.
      for (const item of value) if (typeof item === 'object' && item !== null) walk(item, `${prefix}[]`);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [k, v] of Object.entries(value)) {
      const p = prefix === '' ? k : `${prefix}.${k}`;
      paths.add(p);
      walk(v, p);
    }
  };
  walk(doc, '');
  return paths;
}

/** The matrix of a text status: section → row label → cells (one string of stage glyphs). */
function matrix(stdout: string): Map<string, Map<string, string>> {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('by library, corner and stage:'));
  expect(start, stdout).toBeGreaterThanOrEqual(0);
  const sections = new Map<string, Map<string, string>>();
  let rows: Map<string, string> | undefined;
  let cellsAt = 0;
  // The legend ends with the stages' line.
  const stagesLine = lines.findIndex((l, k) => k > start && l.startsWith('stages:'));
  for (const line of lines.slice(stagesLine + 1)) {
    if (line === '') break;
    const header = /^(\S.*?)\s+(1(?: +\d+)*)$/.exec(line);
    if (header) {
      rows = new Map();
      sections.set(header[1]!, rows);
      cellsAt = line.indexOf(header[2]!) - 1;
      continue;
    }
    // Cells are two characters wide (fewer than 10 stages): the glyph is the second.
    const cells = line.slice(cellsAt);
    let glyphs = '';
    for (let i = 1; i < cells.length; i += 2) glyphs += cells[i];
    rows!.set(line.slice(2, cellsAt).trim(), glyphs.replace(/ +$/, ''));
  }
  return sections;
}

describe('status.sh on n2_tanager run locally', () => {
  const pipeline = compiledPipeline('status-local');

  it('failed, blocked and done jobs: text, matrix and JSON agree; every documented field is there; then all done', async () => {
    const s = pipeline.site();
    // The kit lacks base_svt's ttg model: its two ttg characterizations fail in Liberate.
    const model = path.join(s.base, 'kits/base_svt/models/ttg.scs');
    const saved = fs.readFileSync(model);
    fs.rmSync(model);
    expect((await s.run('run-local.sh', ['-j', '2'])).code).toBe(1);
    const failed = s.jobs.filter((j) => j.stage === 'characterize' && j.key.startsWith('tcbn02.base_svt.ttg_'));
    const blocked = descendants(s.jobs, failed.map((j) => j.num));

    const text = await s.run('status.sh');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^characterize\s+12\s+10\s+0\s+0\s+2\s+0\s+0$/m);
    for (const job of failed) expect(text.stdout).toContain(`  ${jobName(job)}: command exited with code 1 (attempt 1)\n      | `);
    // The matrix: base_svt's ttg rows fail in characterize (stage 2) and block copy_nominal (5);
    // the library's release (7) is blocked too, in its `(all corners)` row.
    const m = matrix(text.stdout);
    expect([...m.keys()]).toEqual(['library tcbn02.base_svt', 'library tcbn02.base_lvt']);
    expect(text.stdout).toContain('stages:  1 copy_kits  2 characterize  3 lvf  4 post_lvf  5 copy_nominal  6 merge_lvf  7 release\n');
    const svt = m.get('library tcbn02.base_svt')!;
    expect(svt.get('ttg_0p48v_25c_typical')).toBe('.F  B');
    expect(svt.get('ssgnp_0p48v_m40c_cworst_CCworst_T')).toBe('.... .');
    expect(svt.get('(all corners)')).toBe('      B');
    expect(m.get('library tcbn02.base_lvt')!.get('(all corners)')).toBe('      .');
    // Rows in lib/jobs.tsv order: the corners of the library's first jobs.
    const corners = s.jobs.filter((j) => j.stage === 'copy_kits' && j.key.startsWith('tcbn02.base_svt.')).map((j) => j.key.slice('tcbn02.base_svt.'.length));
    expect([...svt.keys()].slice(0, corners.length)).toEqual(corners);

    const doc = parseStatus(await s.run('status.sh', ['--json']));
    expect(doc.exit_code).toBe(1);
    expect(doc.pipeline).toBe('n2_tanager');
    expect(doc.run_id).toBeNull();
    expect(doc.scheduler).toEqual({ name: 'LSF', queried: false, answered: null, error: null });
    // Documented = present: both directions, over a document with done, failed and blocked jobs.
    const documented = documentedFields();
    expect(documented.length).toBeGreaterThan(30);
    expect([...fieldPaths(doc)].sort()).toEqual([...documented].sort());

    expect(doc.jobs.map((j) => [j.num, j.stage, j.key])).toEqual(s.jobs.map((j) => [j.num, j.stage, j.key]));
    const byNum = (job: JobRow) => doc.jobs[job.num]!;
    for (const job of failed) {
      const j = byNum(job);
      expect(j).toMatchObject({ state: 'failed', node: 'tcbn02', library: 'base_svt', exit_code: 1, attempts: 1, reason: 'command exited with code 1 (attempt 1)', blocked_by: null });
      expect(j.corner).toBe(job.key.slice('tcbn02.base_svt.'.length));
      expect(j.output.join('\n')).toMatch(/ERROR \(LIBERATE stub\): char_library: extsim_model_include .*ttg\.scs' does not exist/);
      expect(j.started).toBeGreaterThan(0);
      expect(j.ended).toBeGreaterThanOrEqual(j.started!);
    }
    for (const n of blocked) {
      const j = doc.jobs[n]!;
      expect(j.state, jobName(s.jobs[n]!)).toBe('blocked');
      expect(failed.map((f) => `${f.stage} ${f.key}`)).toContain(`${j.blocked_by!.stage} ${j.blocked_by!.key}`);
      expect(j.reason).toBe(`upstream job ${j.blocked_by!.stage} ${j.blocked_by!.key} failed`);
      expect([j.started, j.attempts, j.exit_code]).toEqual([null, null, null]);
    }
    const release = doc.jobs.find((j) => j.stage === 'release' && j.key === 'tcbn02.base_svt')!;
    expect(release).toMatchObject({ node: 'tcbn02', library: 'base_svt', corner: null, state: 'blocked' });
    // Per-stage counts are the jobs' states.
    for (const stage of doc.stages) {
      const mine = doc.jobs.filter((j) => j.stage === stage.name);
      expect(stage.jobs).toBe(mine.length);
      for (const state of ['done', 'running', 'pending', 'failed', 'not_run', 'unknown', 'blocked']) {
        expect(stage[state], `${stage.name} ${state}`).toBe(mine.filter((j) => j.state === state).length);
      }
    }

    // Fixed and run again: everything done.
    fs.writeFileSync(model, saved);
    expect((await s.run('run-local.sh', ['-j', '2'])).code).toBe(0);
    const after = await s.run('status.sh');
    expect(after.code).toBe(0);
    for (const rows of matrix(after.stdout).values()) for (const cells of rows.values()) expect(cells).toMatch(/^[. ]+$/);
    const done = parseStatus(await s.run('status.sh', ['--json']));
    expect(done.exit_code).toBe(0);
    for (const j of done.jobs) {
      expect(j, `${j.stage} ${j.key}`).toMatchObject({ state: 'done', exit_code: 0, attempts: 1, reason: null, output: [], blocked_by: null });
      expect(j.ended).toBeGreaterThanOrEqual(j.started!);
    }
    expect(done.stages.every((st) => st.done === st.jobs)).toBe(true);
  }, 240_000);

  it('--no-matrix leaves the matrix out; --json with a matrix option is a usage error', async () => {
    const s = pipeline.site();
    const r = await s.run('status.sh', ['--no-matrix']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^release\s+2\s+0\s+0\s+0\s+0\s+2\s+0$/m);
    expect(r.stdout).not.toContain('by library, corner and stage:');
    const both = await s.run('status.sh', ['--json', '--matrix']);
    expect(both.code).toBe(2);
    expect(both.stdout).toBe('');
    expect(both.stderr).toContain('--matrix and --no-matrix are for the text output');
    // Nothing ran: every job not run, no times.
    const doc = parseStatus(await s.run('status.sh', ['--json']));
    expect(doc.jobs.every((j) => j.state === 'not_run' && j.started === null && j.scheduler_state === null)).toBe(true);
  });
});

// More than 500 jobs: the matrix is left out unless asked for.
const CORNERS = Array.from({ length: 251 }, (_, i) => `tt_0p${500 + i}v_25c_typical`);
const BIG = `pipeline big
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [tt]  rc_corners = [typical] }
${CORNERS.map((c) => `corner ${c} {}`).join('\n')}
library a : n5 { corners = [${CORNERS.join(', ')}] }
stage one for each library, corner {
  run = shell "true"
}
stage two for each library, corner after one {
  run = shell "true"
}
`;

describe('status.sh on a pipeline of 502 jobs', () => {
  const pipeline = compiledPipeline('status-big', BIG);

  it('says how to get the matrix instead of printing it; --matrix prints it', async () => {
    const s = pipeline.site();
    expect(s.jobs).toHaveLength(502);
    const r = await s.run('status.sh');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('by library, corner and stage:');
    expect(r.stdout).toContain('\n(502 jobs: status.sh --matrix shows them by library, corner and stage)\n');
    const full = await s.run('status.sh', ['--matrix']);
    const rows = matrix(full.stdout).get('library n5.a')!;
    expect([...rows.keys()]).toEqual(CORNERS);
    expect([...rows.values()].every((cells) => cells === '--')).toBe(true);
  });
});

// Several jobs in one matrix cell: `char` over a dimension (cons fails, non_cons succeeds) and
// `lvf` over corner groups (the ss group fails), each group a job of the `(all corners)` row.
const CROWDED = `pipeline crowded
site { scheduler = local }
dimension arcs = [cons, non_cons]
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [ss, tt] }
corner ss_0p6v_m40c {}
corner tt_0p7v_25c {}
library l : n5 { corners = [ss_0p6v_m40c, tt_0p7v_25c] }
stage char for each library, corner, arcs {
  run = shell """if [ "\${arcs}" = cons ]; then exit 4; fi; mkdir -p "\${out}" && touch "\${out}/r" """
  expect "\${out}/r" == 1
}
stage lvf for each library, corner group by process {
  run = shell """if [ "\${group}" = ss ]; then exit 4; fi; mkdir -p "\${out}" && touch "\${out}/g" """
  expect "\${out}/g" == 1
}
`;

describe('status.sh matrix cells of several jobs', () => {
  const pipeline = compiledPipeline('status-crowded', CROWDED);

  it('a failed dimension value or corner group is shown over its done siblings (F wins), as the legend says', async () => {
    const s = pipeline.site();
    const run = await s.run('run-local.sh');
    expect(run.code).toBe(1);
    const r = await s.run('status.sh');
    expect(r.stdout).toMatch(/^char\s+4\s+2\s+0\s+0\s+2\s+0\s+0$/m);
    expect(r.stdout).toMatch(/^lvf\s+2\s+1\s+0\s+0\s+1\s+0\s+0$/m);
    expect(r.stdout).toContain('\n  a cell of several jobs (dimension values, corner groups) shows the first of F B ? H S R P - .\n');
    const rows = matrix(r.stdout).get('library n5.l')!;
    expect(Object.fromEntries(rows)).toEqual({ ss_0p6v_m40c: 'F', tt_0p7v_25c: 'F', '(all corners)': ' F' });
  });
});

// A small pipeline on the LSF stand-in: `work` waits for a gate file, or fails with the contents
// of $SCHED_DIR/fail.<corner> as its last output line; `summary` succeeds on its second attempt.
const FLOW = `pipeline lsfstatus
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
corner ss_0p675v_m40c_typical {}
corner tt_0p80v_25c_typical {}
library a : n5 { corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical, tt_0p80v_25c_typical] }
stage work for each library, corner {
  run = shell """mkdir -p "\${out}" && if [ -e "$SCHED_DIR/fail.\${corner.name}" ]; then cat "$SCHED_DIR/fail.\${corner.name}" >&2; exit 3; fi; while [ ! -e "$SCHED_DIR/gate" ]; do sleep 0.05; done; touch "\${out}/x" """
  expect "\${out}/x" == 1
}
stage summary for each library after work {
  run = shell """if [ ! -e tried ]; then touch tried; exit 75; fi; touch "\${out}/y" """
  expect "\${out}/y" == 1
  retry 1 on exit 75 backoff 0s
}
`;

const DOWN = 'LSF is down. Please wait ...';

describe('status.sh --json on the LSF stand-in', () => {
  const pipeline = compiledPipeline('status-lsf', FLOW);
  const setup = () => {
    const s = pipeline.site();
    const ctl = path.join(s.root, 'ctl');
    fs.mkdirSync(ctl);
    return { s, ctl, lsf: s.lsf({ env: { SCHED_DIR: ctl } }) };
  };

  it('running and pending jobs by their LSF state; scheduler down: exit 3, unknown states; then all done', async () => {
    const { s, ctl, lsf } = setup();
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    const runId = s.ledger()[0]!.runId;
    await lsf.waitFor((jobs) => jobs.flatMap((j) => Object.values(j.elements)).filter((e) => e.state === 'RUN').length >= 3, 20_000, 'three running jobs');
    // Wait for the jobs' own start events too (the stand-in says RUN before the wrapper starts).
    for (let i = 0; s.events().filter((e) => e.event === 'start').length < 3 && i < 400; i++) await new Promise((r) => setTimeout(r, 50));

    const up = parseStatus(await s.submitWith(lsf, 'status.sh', ['--json']));
    expect(up.run_id).toBe(runId);
    expect(up.scheduler).toEqual({ name: 'LSF', queried: true, answered: true, error: null });
    expect(up.exit_code).toBe(0);
    for (const j of up.jobs.filter((j) => j.stage === 'work')) {
      expect(j).toMatchObject({ state: 'running', scheduler_state: 'RUN', ended: null, attempts: 1 });
      expect(j.job_id).toMatch(/^\d+$/);
      expect(j.started).toBeGreaterThan(0);
    }
    expect(up.jobs.find((j) => j.stage === 'summary')).toMatchObject({ state: 'pending', scheduler_state: 'PEND', started: null, node: 'n5', library: 'a', corner: null });
    expect(matrix((await s.submitWith(lsf, 'status.sh')).stdout).get('library n5.a')!.get('(all corners)')).toBe(' P');

    const down = await s.submitWith(lsf, 'status.sh', ['--json'], { LSF_STANDIN_DOWN: 'bjobs' });
    expect(down.code).toBe(3);
    const d = parseStatus(down);
    expect(d.scheduler).toEqual({ name: 'LSF', queried: true, answered: false, error: `bjobs exited with code 255: ${DOWN}` });
    expect(d.jobs.map((j) => j.state)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
    expect(d.jobs.every((j) => j.scheduler_state === null)).toBe(true);
    expect(d.stages.map((st) => [st.name, st.unknown])).toEqual([['work', 3], ['summary', 1]]);
    const downText = await s.submitWith(lsf, 'status.sh', [], { LSF_STANDIN_DOWN: 'bjobs' });
    expect(downText.code).toBe(3);
    expect(matrix(downText.stdout).get('library n5.a')!.get('tt_0p75v_25c_typical')).toBe('?');

    fs.writeFileSync(path.join(ctl, 'gate'), '');
    await lsf.waitIdle(30_000);
    const done = parseStatus(await s.submitWith(lsf, 'status.sh', ['--json']));
    expect(done.exit_code).toBe(0);
    for (const j of done.jobs) expect(j, `${j.stage} ${j.key}`).toMatchObject({ state: 'done', scheduler_state: 'DONE', exit_code: 0, attempts: j.stage === 'summary' ? 2 : 1 });
  }, 120_000);

  it('a failed job: its reason and last line (quotes, backslashes, a byte that is not UTF-8) in text and JSON; its dependant blocked', async () => {
    const { s, ctl, lsf } = setup();
    fs.writeFileSync(path.join(ctl, 'gate'), '');
    // Latin-1 é (0xe9) is not UTF-8: JSON gets U+FFFD in its place.
    fs.writeFileSync(path.join(ctl, 'fail.ss_0p675v_m40c_typical'), Buffer.concat([Buffer.from('tool: cannot open "C:\\kits\\ss.db" (caf'), Buffer.from([0xe9]), Buffer.from(')\n')]));
    expect((await s.submitWith(lsf, 'submit.sh')).code).toBe(0);
    await lsf.waitIdle(30_000);

    const text = await s.submitWith(lsf, 'status.sh');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('  work n5.a.ss_0p675v_m40c_typical: command exited with code 3 (attempt 1)\n      | tool: cannot open "C:\\kits\\ss.db" (caf');
    expect(text.stdout).toContain('  summary n5.a: terminated by LSF before it ran: upstream job work n5.a.ss_0p675v_m40c_typical failed\n');
    const rows = matrix(text.stdout).get('library n5.a')!;
    expect(Object.fromEntries(rows)).toEqual({ tt_0p75v_25c_typical: '.', ss_0p675v_m40c_typical: 'F', tt_0p80v_25c_typical: '.', '(all corners)': ' B' });

    const r = await s.submitWith(lsf, 'status.sh', ['--json']);
    expect(r.code).toBe(1);
    const doc = parseStatus(r);
    const work = doc.jobs.find((j) => j.key === 'n5.a.ss_0p675v_m40c_typical')!;
    expect(work).toMatchObject({ state: 'failed', scheduler_state: 'EXIT', exit_code: 3, attempts: 1, reason: 'command exited with code 3 (attempt 1)' });
    expect(work.output).toEqual(['tool: cannot open "C:\\kits\\ss.db" (caf\uFFFD)']);
    expect(doc.jobs.find((j) => j.stage === 'summary')).toMatchObject({
      state: 'blocked',
      scheduler_state: 'EXIT',
      blocked_by: { stage: 'work', key: 'n5.a.ss_0p675v_m40c_typical' },
      reason: 'upstream job work n5.a.ss_0p675v_m40c_typical failed',
    });
    // The text table still counts the terminated summary as failed.
    expect(text.stdout).toMatch(/^summary\s+1\s+0\s+0\s+0\s+1\s+0\s+0$/m);
    expect(doc.stages.find((st) => st.name === 'summary')).toMatchObject({ failed: 0, blocked: 1 });
  }, 120_000);
});

