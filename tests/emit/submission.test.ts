import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bsubOptions, lsfDependency, runLimit } from '../../src/schedulers/lsf/index.js';
import { chunks, elementLayout, indexSpec, MAX_ARRAY_SPEC, planSubmission, type PlanLimits } from '../../src/submission/plan.js';
import { buildPlan } from '../../src/graph/plan.js';
import { checkSource } from '../helpers/program.js';

const BASE = `pipeline p
node n { processes = [ss, tt] }
corner tt_0p75v_25c_typical {}
corner ss_0p675v_m40c_typical {}
corner tt_0p80v_25c_typical {}
library a : n { corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical, tt_0p80v_25c_typical] }
library b : n { corners = [tt_0p75v_25c_typical, tt_0p80v_25c_typical] }
`;

function units(source: string, limits?: PlanLimits) {
  return submission(source, limits).map((u) => [u.stage, u.group, u.array ? indexSpec(u.indices) : '-', lsfDependency(u.deps)]);
}

function submission(source: string, limits?: PlanLimits) {
  const checked = checkSource(BASE + source);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const planned = buildPlan(checked.program!);
  return planSubmission(planned.plan!, limits);
}

const stage = (header: string) => `stage ${header} { run = shell "x"  expect "y" }\n`;

describe('planSubmission: one bsub per array, dependencies by unit', () => {
  it('uses 1:1 array dependencies between arrays with identical index lists', () => {
    expect(units(stage('s1 for each library, corner') + stage('s2 for each library, corner after s1'))).toEqual([
      ['s1', 'n.a', '1-3', ''],
      ['s1', 'n.b', '1-2', ''],
      ['s2', 'n.a', '1-3', 'done(<0>[*])'],
      ['s2', 'n.b', '1-2', 'done(<1>[*])'],
    ]);
  });

  it('waits for one element when every element shares it (broadcast)', () => {
    expect(units(stage('prep for each library') + stage('s for each library, corner after prep'))).toEqual([
      ['prep', 'n', '1-2', ''],
      ['s', 'n.a', '1-3', 'done(<0>[1])'],
      ['s', 'n.b', '1-2', 'done(<0>[2])'],
    ]);
  });

  it('splits an array whose elements gather different arrays', () => {
    expect(units(stage('s for each library, corner') + stage('merge for each library after s'))).toEqual([
      ['s', 'n.a', '1-3', ''],
      ['s', 'n.b', '1-2', ''],
      ['merge', 'n', '1', 'done(<0>)'],
      ['merge', 'n', '2', 'done(<1>)'],
    ]);
  });

  it('gathers everything into a job without fan-out', () => {
    expect(units(stage('s for each library, corner') + stage('release after s'))).toEqual([
      ['s', 'n.a', '1-3', ''],
      ['s', 'n.b', '1-2', ''],
      ['release', '_', '-', 'done(<0>) && done(<1>)'],
    ]);
  });

  it('falls back to explicit element dependencies when a where filter changes the index list', () => {
    expect(units(stage('s for each library, corner') + stage('t for each library, corner after s where corner.process == tt'))).toEqual([
      ['s', 'n.a', '1-3', ''],
      ['s', 'n.b', '1-2', ''],
      ['t', 'n.a', '1', 'done(<0>[1])'],
      ['t', 'n.a', '3', 'done(<0>[3])'],
      ['t', 'n.b', '1-2', 'done(<1>[*])'],
    ]);
  });

  it('submits stages in dependency order whatever their declaration order', () => {
    expect(units(stage('late for each library after early') + stage('early for each library')).map((u) => u[0])).toEqual(['early', 'late']);
  });
});

describe('planSubmission: batches of arrays', () => {
  const site = (maxArraySize: number, limited: string[] = []): PlanLimits => ({ maxArraySpec: MAX_ARRAY_SPEC, maxArraySize, limited: new Set(limited) });
  const chain = stage('s1 for each library, corner') + stage('s2 for each library, corner after s1');

  it("offers a stage's arrays as one batch, its members after it, numbered one group after another", () => {
    const plan = submission(chain, site(1000));
    // Library a has 3 corners, b 2: the batch's width is 3, so b's elements are 4 and 5.
    expect(plan.map((u) => [u.id, u.stage, u.group, indexSpec(u.indices), lsfDependency(u.deps), u.members ?? '-', u.batch ?? '-'])).toEqual([
      [0, 's1', 'g1-2', '1-5', '', 2, '-'],
      [1, 's1', 'n.a', '1-3', '', '-', 0],
      [2, 's1', 'n.b', '1-2', '', '-', 0],
      [3, 's2', 'g1-2', '1-5', 'done(<0>[*])', 2, '-'],
      [4, 's2', 'n.a', '1-3', 'done(<1>[*])', '-', 3],
      [5, 's2', 'n.b', '1-2', 'done(<2>[*])', '-', 3],
    ]);
    expect(plan[0]!.name).toBe('p.s1.g1-2');
    expect(plan[0]!.jobs).toEqual([...plan[1]!.jobs, ...plan[2]!.jobs]);
  });

  it('numbers the groups as the element tables do', () => {
    const checked = checkSource(BASE + chain);
    const plan = buildPlan(checked.program!).plan!;
    const layout = elementLayout(plan.stages.find((s) => s.name === 's1')!);
    expect([...layout.groups]).toEqual([
      ['n.a', 0],
      ['n.b', 1],
    ]);
    expect(layout.stride).toBe(4);
  });

  it('keeps a batch within the largest array index the site allows', () => {
    // b's elements would be 4 and 5, above 4: a alone is no batch.
    expect(units(chain, site(4)).map((u) => u[1])).toEqual(['n.a', 'n.b', 'n.a', 'n.b']);
    expect(units(chain, site(5)).map((u) => u[1])).toEqual(['g1-2', 'n.a', 'n.b', 'g1-2', 'n.a', 'n.b']);
  });

  it("keeps a batch's specification within the scheduler's limit", () => {
    // `p.s1.g1-2[1-5]` and room for `%N`: 22 characters; the members' `p.s1.n.a[1-3]`, 21.
    expect(units(chain, { maxArraySpec: 21, maxArraySize: 1000 }).map((u) => u[1])).toEqual(['n.a', 'n.b', 'n.a', 'n.b']);
    expect(units(chain, { maxArraySpec: 22, maxArraySize: 1000 }).map((u) => u[1])).toEqual(['g1-2', 'n.a', 'n.b', 'g1-2', 'n.a', 'n.b']);
  });

  it('does not batch a stage with an array_limit, nor without a site limit', () => {
    expect(units(chain, site(1000, ['s1'])).map((u) => `${u[0]} ${u[1]} ${u[3]}`)).toEqual(['s1 n.a ', 's1 n.b ', 's2 n.a done(<0>[*])', 's2 n.b done(<1>[*])']);
    expect(units(chain).map((u) => u[1])).toEqual(['n.a', 'n.b', 'n.a', 'n.b']);
  });

  it('batches only arrays submitted whole whose elements share their dependencies', () => {
    // t's array for a is split (a where filter leaves corners 1 and 3): nothing to batch there.
    expect(units(stage('s for each library, corner') + stage('t for each library, corner after s where corner.process == tt'), site(1000))).toEqual([
      ['s', 'g1-2', '1-5', ''],
      ['s', 'n.a', '1-3', ''],
      ['s', 'n.b', '1-2', ''],
      ['t', 'n.a', '1', 'done(<1>[1])'],
      ['t', 'n.a', '3', 'done(<1>[3])'],
      ['t', 'n.b', '1-2', 'done(<2>[*])'],
    ]);
    // A gather per library: each merge waits for other jobs, one submission each.
    expect(units(stage('s for each library, corner') + stage('merge for each library after s'), site(1000)).slice(3)).toEqual([
      ['merge', 'n', '1', 'done(<1>)'],
      ['merge', 'n', '2', 'done(<2>)'],
    ]);
    // A broadcast: every element of the batch waits for the same job.
    expect(units(stage('prep') + stage('s for each library, corner after prep'), site(1000))).toEqual([
      ['prep', '_', '-', ''],
      ['s', 'g1-2', '1-5', 'done(<0>)'],
      ['s', 'n.a', '1-3', 'done(<0>)'],
      ['s', 'n.b', '1-2', 'done(<0>)'],
    ]);
  });

  it('pairs batches 1:1 only when their index lists are identical', () => {
    // s2 over a's and b's first corner only: its batch (a: 1, b: 2) differs from s1's (1-5).
    const plan = units(stage('s1 for each library, corner') + stage('s2 for each library, corner after s1 where corner.name == tt_0p75v_25c_typical'), site(1000));
    expect(plan.filter((u) => u[0] === 's2')).toEqual([
      ['s2', 'n.a', '1', 'done(<1>[1])'],
      ['s2', 'n.b', '1', 'done(<2>[1])'],
    ]);
  });
});

describe('planSubmission: every unit, batch or not, waits for exactly its jobs\' parents', () => {
  const CORNERS = ['tt_0p75v_25c_typical', 'ss_0p675v_m40c_typical', 'tt_0p80v_25c_typical', 'ss_0p72v_m40c_typical', 'tt_0p90v_25c_typical'];
  const flow = fc.record({
    libraries: fc.array(fc.subarray(CORNERS, { minLength: 1 }), { minLength: 1, maxLength: 6 }),
    filtered: fc.boolean(),
    prep: fc.boolean(),
    limited: fc.boolean(),
    maxArraySize: fc.integer({ min: 3, max: 40 }),
    maxArraySpec: fc.constantFrom(40, 255),
  });
  const source = (f: { libraries: string[][]; filtered: boolean; prep: boolean }) =>
    [
      'pipeline p',
      'node n { processes = [ss, tt] }',
      ...CORNERS.map((c) => `corner ${c} {}`),
      ...f.libraries.map((corners, k) => `library l${k} : n { corners = [${corners.join(', ')}] }`),
      f.prep ? stage('prep for each library') : '',
      stage(`s1 for each library, corner${f.prep ? ' after prep' : ''}`),
      stage(`s2 for each library, corner after s1${f.filtered ? ' where corner.process == tt' : ''}`),
      stage('gather for each library after s2'),
      stage('release after gather'),
    ].join('\n');

  it('holds for random libraries, corners, filters and limits', () => {
    fc.assert(
      fc.property(flow, (f) => {
        const checked = checkSource(source(f));
        expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const planned = buildPlan(checked.program!);
        // A `where` that leaves s2 no job (no tt corner anywhere) is LCP4004: no plan to submit.
        fc.pre(planned.plan !== undefined);
        const plan = planned.plan!;
        const units = planSubmission(plan, { maxArraySpec: f.maxArraySpec, maxArraySize: f.maxArraySize, limited: new Set(f.limited ? ['s2'] : []) });
        const jobAt = units.map((u) => new Map(u.indices.map((index, k) => [index, u.jobs[k]!])));
        const covered = new Map<number, number>();
        for (const u of units) {
          // Submitted as it is, each element waits for exactly its job's parents.
          u.jobs.forEach((job, k) => {
            const waits = new Set<number>();
            for (const d of u.deps) {
              expect(d.unit).toBeLessThan(u.id);
              if (d.kind === 'each') waits.add(jobAt[d.unit]!.get(u.indices[k]!)!);
              else if (d.kind === 'element') waits.add(jobAt[d.unit]!.get(d.index)!);
              else for (const parent of units[d.unit]!.jobs) waits.add(parent);
            }
            expect([...waits].sort((a, b) => a - b)).toEqual([...plan.jobs[job]!.parents].sort((a, b) => a - b));
          });
          if (u.members !== undefined) {
            // A batch: its members follow it and hold its jobs; its indices name them by arithmetic.
            const members = units.slice(u.id + 1, u.id + 1 + u.members);
            expect(members.every((m) => m.batch === u.id && m.stage === u.stage)).toBe(true);
            expect(u.jobs).toEqual(members.flatMap((m) => m.jobs));
            expect(u.members).toBeGreaterThanOrEqual(2);
            expect(Math.max(...u.indices)).toBeLessThanOrEqual(f.maxArraySize);
            expect(u.stage).not.toBe(f.limited ? 's2' : '');
            const layout = elementLayout(plan.stages.find((s) => s.name === u.stage)!);
            const first = Number(/^g(\d+)-\d+$/.exec(u.group)![1]);
            const width = layout.stride - 1;
            u.jobs.forEach((job, k) => {
              const index = u.indices[k]!;
              const group = first - 1 + Math.floor((index - 1) / width);
              const member = members.find((m) => m.jobs.includes(job))!;
              expect(layout.groups.get(member.group)).toBe(group);
              expect(plan.jobs[job]!.arrayIndex).toBe(((index - 1) % width) + 1);
            });
          } else if (u.batch === undefined) for (const job of u.jobs) covered.set(job, (covered.get(job) ?? 0) + 1);
          else for (const job of u.jobs) covered.set(job, (covered.get(job) ?? 0) + 1);
        }
        // Each job is in one unit outside batches (a member, or a unit of its own).
        expect([...covered.keys()].sort((a, b) => a - b)).toEqual(plan.jobs.map((_, k) => k));
        expect([...covered.values()].every((n) => n === 1)).toBe(true);
      }),
      { numRuns: 150, seed: 20261204 },
    );
  });
});

describe('indexSpec', () => {
  it('compresses runs into ranges', () => {
    expect(indexSpec([1, 2, 3, 5, 7, 8, 9, 12])).toBe('1-3,5,7-9,12');
    expect(indexSpec([4])).toBe('4');
  });
});

describe('bsub options', () => {
  const optionsOf = (site: string, resources: string) => {
    const checked = checkSource(`pipeline p\nqueue normal {}\n${site}\nstage s { run = shell "x"  expect "y"  resources { ${resources} } }\n`);
    expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return bsubOptions(checked.program!, checked.program!.stages[0]!);
  };

  it('uses LSF defaults: -M in KB, rusage in MB, binary units', () => {
    expect(optionsOf('', 'cpus = 16  mem = 64GB  runtime = 48h  licenses { liberate_char = 1 }')).toEqual([
      ['-q', 'normal'],
      ['-n', '16'],
      ['-M', '62500000'],
      ['-R', 'rusage[mem=61036:liberate_char=1] span[hosts=1]'],
      ['-W', '48:00'],
    ]);
  });

  it('follows the site unit, per-slot limits and project', () => {
    expect(optionsOf('site { lsf_unit_for_limits = GB  mem_limit = per_slot  project = "char" }', 'cpus = 4  mem = 64GiB')).toEqual([
      ['-q', 'normal'],
      ['-P', 'char'],
      ['-n', '4'],
      ['-M', '16'],
      ['-R', 'rusage[mem=16] span[hosts=1]'],
    ]);
  });

  it('requeues on the declared exit codes', () => {
    expect(optionsOf('', 'requeue = [76, 75]')).toEqual([['-q', 'normal'], ['-Q', '75 76']]);
  });

  it('rounds run limits up to whole minutes', () => {
    expect(runLimit(30 * 60)).toBe('30');
    expect(runLimit(90 * 60 + 1)).toBe('1:31');
  });
});

describe('chunks', () => {
  it('splits an index list where its specification would pass the limit, as making each candidate spec would', () => {
    // The definition: add indices while the spec of the chunk with the next one fits.
    const reference = (indices: number[], name: string, maxArraySpec: number) => {
      const result: { indices: number[]; jobs: number[] }[] = [];
      let current = { indices: [] as number[], jobs: [] as number[] };
      indices.forEach((index, k) => {
        if (current.indices.length > 0 && indexSpec([...current.indices, index]).length > maxArraySpec - name.length - 2 - 8) {
          result.push(current);
          current = { indices: [], jobs: [] };
        }
        current.indices.push(index);
        current.jobs.push(k * 10);
      });
      if (current.indices.length > 0) result.push(current);
      return result;
    };
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 300; round++) {
      const indices: number[] = [];
      let next = 1 + Math.floor(random() * 20);
      const count = Math.floor(random() * 200);
      for (let i = 0; i < count; i++) {
        indices.push(next);
        next += random() < 0.6 ? 1 : 2 + Math.floor(random() * (random() < 0.1 ? 5000 : 30));
      }
      const name = 'x'.repeat(Math.floor(random() * 8));
      const limit = 12 + name.length + Math.floor(random() * 60);
      expect(chunks(indices, indices.map((_, k) => k * 10), name, limit), JSON.stringify({ indices, name, limit })).toEqual(reference(indices, name, limit));
    }
  });
});
