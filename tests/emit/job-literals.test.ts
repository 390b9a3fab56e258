/**
 * A job's literals as the element tables and fingerprints carry them (src/emit/jobs.ts): made
 * from pieces per entity (`LiteralBlocks`) where the stage allows, they must be exactly
 * `jobLiterals` — the same names, values and order — for every job of every kind of stage; and
 * a job's key, key path and group, made in one pass, are those of the key values joined.
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/driver/analyse.js';
import { computeJobFacts, indexProgram, jobKey, jobLiterals, type JobFacts } from '../../src/emit/jobs.js';
import type { PlanJob } from '../../src/graph/plan.js';
import type { StageModel } from '../../src/check/model.js';
import { tsvEscape } from '../../src/emit/shell.js';
import { builtinTemplates } from '../helpers/analysis.js';
import { loadFiles } from '../helpers/program.js';
import { fileSystemHost } from '../../src/cli/io.js';
import { loadProgram } from '../../src/syntax/load.js';
import { fileSystemTemplates } from '../../src/driver/templates.js';
import type { Analysis } from '../../src/driver/analyse.js';

const FLOW = `pipeline literals
attribute node.foundry: string = "tsmc"
attribute library.lpe_dir: string = "LPE"
attribute library.multibit: bool = false
attribute corner.product: string
attribute corner.vnom: voltage = 0.5V
dimension arcs = [cons, non_cons]
node n { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical]  foundry = "samsung" }
node m { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical { product = "auto" }
corner ss_0p675v_m40c_typical { product = "consumer" }
library a : n { kit = "/kits/a"  lpe_dir = "LPE v2\\tx"  multibit = true  corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical] }
library b : n { kit = "/kits/b"  corners = [tt_0p75v_25c_typical] }
library c : m { kit = "/kits/c"  corners = [tt_0p75v_25c_typical] }
stage per_node for each node { run = shell "echo \${node.foundry} \${node.name} \${node.foundry}"  expect "x" == 1 }
stage per_library for each library { run = shell "echo \${node.foundry} \${library.lpe_dir} \${library.name} \${library.node} \${library.multibit}"  expect "x" == 1 }
stage per_corner for each library, corner {
  run = shell "echo \${library.kit} \${corner.voltage:p} \${corner.product} \${corner.temperature:m} \${corner.vnom:p} \${library.lpe_dir} \${corner.voltage} \${corner.product} \${node.foundry} \${corner.vnom}"
  expect "x" == 1
}
stage plain for each library, corner { run = shell "echo \${corner.name}"  expect "x" == 1 }
stage none for each library { run = shell "echo"  expect "x" == 1 }
stage per_corner_only for each corner { run = shell "echo \${corner.product}"  expect "x" == 1 }
stage reads for each library, corner after per_corner { run = shell "cat \${per_corner.work}/x \${corner.voltage:mv}"  expect "x" == 1 }
stage grouped for each library, corner group by process, temperature { run = shell "echo \${corner.process} \${library.lpe_dir}"  expect "x" == 1 }
stage arcs for each library, corner, arcs { run = shell "echo \${corner.rc} \${library.multibit}"  expect "x" == 1 }
stage once { run = shell "echo"  expect "x" == 1 }
stage only_arcs for each arcs { run = shell "echo"  expect "x" == 1 }
stage grouped_arcs for each library, corner, arcs group by process { run = shell "echo"  expect "x" == 1 }
`;

/** A job's literals as its element row holds them: the pieces' fields, tab-separated. */
const literalFields = (facts: JobFacts) =>
  facts.literals
    .map((piece) => piece.fields)
    .filter((fields) => fields !== '')
    .join('\t');

/** Every job's element-table literals from `computeJobFacts`, and the same made from `jobLiterals`. */
function elementLiterals(analysis: Analysis): { got: string[]; want: string[] } {
  const program = analysis.program!;
  const plan = analysis.plan!;
  const index = indexProgram(program);
  const got: string[] = [];
  computeJobFacts(program, plan, index, () => undefined, (facts) => got.push(`${facts.job.id}: ${literalFields(facts)}`));
  const want = plan.jobs.map((job) => {
    const literals = jobLiterals(job, index.stages.get(job.stage)!, index);
    return `${job.id}: ${[...literals].map(([name, value]) => `${name}=${tsvEscape(value)}`).join('\t')}`;
  });
  return { got, want };
}

describe('job literals', () => {
  it('are those of jobLiterals for every job: built-in, attributes, formats, repeats, groups, dimensions, stage reads', () => {
    const analysis = analyse(loadFiles({ 'main.lcp': FLOW }), { templates: builtinTemplates() });
    expect(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
    const { got, want } = elementLiterals(analysis);
    expect(got).toEqual(want);
    // The flow reaches what the pieces must get right: a field the built-in literals already set
    // (`${node.name}`, `${corner.voltage}`) is not repeated; a field that is not a literal
    // (`${library.kit}`) is left out; a repeat is read once; an attribute of the job's node.
    const line = (id: string) => got.find((l) => l.startsWith(`${id}: `))!;
    expect(line('per_node[m]')).toBe('per_node[m]: lcp_node_name=m\tlcp_node_foundry=tsmc');
    expect(line('per_library[a]')).toBe(
      'per_library[a]: lcp_node_name=n\tlcp_library_id=a\tlcp_library_name=a\tlcp_library_node=n\tlcp_node_foundry=samsung\tlcp_library_lpe_dir=LPE v2\\tx\tlcp_library_multibit=true',
    );
    expect(line('per_corner[b,tt_0p75v_25c_typical]')).toMatch(
      /\tlcp_corner_mc_samples=\tlcp_corner_voltage__p=0p75v\tlcp_corner_product=auto\tlcp_corner_temperature__m=25c\tlcp_corner_vnom__p=0p50v\tlcp_library_lpe_dir=LPE\tlcp_node_foundry=samsung\tlcp_corner_vnom=0.5$/,
    );
    expect(line('per_corner[a,ss_0p675v_m40c_typical]')).toContain('\tlcp_corner_product=consumer\t');
    expect(got.some((l) => l.includes('lcp_library_kit'))).toBe(false);
    expect(got.some((l) => l.includes('lcp_stage_per_corner_work_path='))).toBe(true);
    expect(got.some((l) => l.includes('lcp_group_name='))).toBe(true);
    expect(got.some((l) => l.includes('lcp_dim_arcs=non_cons'))).toBe(true);
  });

  it.each(['minimal', 'n2_tanager', 'templates', 'lib_char_auto'])('are those of jobLiterals for every job of examples/%s', (example) => {
    const flowDir = `examples/${example}`;
    const loaded = loadProgram(`${flowDir}/flow.lcp`, fileSystemHost)!;
    const analysis = analyse(loaded, { templates: fileSystemTemplates({ flowDir, builtinDir: 'templates' }) });
    const { got, want } = elementLiterals(analysis);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(want);
  });
});

/** The key, key path and group as they were first defined (docs/generated-scripts.md): from the arrays of key values. */
function referenceKey(job: PlanJob, stage: StageModel): { key: string; keyPath: string; group: string } {
  const builtin = stage.keySet.map((k) => (k === 'corner' && job.keys.group !== undefined ? job.keys.group : job.keys[k]!));
  const dimensions = (stage.dimensions ?? []).map((d) => job.keys.dimensions![d]!);
  const values = [...builtin, ...dimensions];
  const outer = builtin.length > 0 ? [...builtin.slice(0, -1), ...dimensions] : dimensions.slice(0, -1);
  return { key: values.length === 0 ? '_' : values.join('.'), keyPath: values.join('/'), group: outer.length === 0 ? '_' : outer.join('.') };
}

describe('job keys', () => {
  it('are the key values joined, and the group all but the innermost built-in key (or the last dimension)', () => {
    const analysis = analyse(loadFiles({ 'main.lcp': FLOW }), { templates: builtinTemplates() });
    const index = indexProgram(analysis.program!);
    const jobs = analysis.plan!.jobs;
    const got = jobs.map((job) => jobKey(job, index.stages.get(job.stage)!));
    expect(got).toEqual(jobs.map((job) => referenceKey(job, index.stages.get(job.stage)!)));
    const of = (id: string) => got[jobs.findIndex((job) => job.id === id)];
    expect(of('once')).toEqual({ key: '_', keyPath: '', group: '_' });
    expect(of('only_arcs[cons]')).toEqual({ key: 'cons', keyPath: 'cons', group: '_' });
    expect(of('arcs[a,tt_0p75v_25c_typical,non_cons]')).toEqual({ key: 'n.a.tt_0p75v_25c_typical.non_cons', keyPath: 'n/a/tt_0p75v_25c_typical/non_cons', group: 'n.a.non_cons' });
    expect(got.some((k, i) => jobs[i]!.stage === 'grouped_arcs' && k.group.endsWith('.cons'))).toBe(true);
  });
});
