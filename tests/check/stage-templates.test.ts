/**
 * Stage templates (language.md §4.4, src/check/stage-templates.ts): the merge rules, the
 * diagnostics (LCP2001, LCP2019, LCP3103, inherited errors with a label at `extends`) and the
 * bindings editors use.
 */
import { describe, expect, it } from 'vitest';
import { mergeBlocks } from '../../src/check/stage-templates.js';
import { createSourceFile } from '../../src/diagnostics/source.js';
import { parseLcp } from '../../src/syntax/parse.js';
import { checkSource, codesAndSpans, PRELUDE } from '../helpers/program.js';

const TEMPLATES = `tool merge { path = "/bin/merge" }
queue short { max_mem = 16GB  max_runtime = 2h  max_slots = 4 }
template small_job {
  resources { queue = short  cpus = 2  mem = 2GB  runtime = 1h  licenses { a = 1 } }
  retry 1 on exit 75 backoff 5m
}
template merge_step extends small_job {
  run = merge ["--step", "\${stage}"]
  expect "\${out}/\${stage}.lib" == 1
  resources { mem = 4GB }
  estimate = 20m
}
`;

function program(stages: string) {
  const result = checkSource(PRELUDE + TEMPLATES + stages);
  return result;
}

/** Diagnostics, without the unused tool when a test's stages do not run it. */
function ours(result: ReturnType<typeof program>): [string, string][] {
  return codesAndSpans(result).filter(([code, text]) => !(code === 'LCP3103' && text === 'merge'));
}

function stage(result: ReturnType<typeof program>, name: string) {
  const model = result.program?.stages.find((s) => s.name === name);
  if (model === undefined) throw new Error(`no stage ${name}: ${result.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return model;
}

describe('stage templates: merge rules', () => {
  it('a stage extending a template gets its properties, through the chain', () => {
    const result = program('stage a for each library, corner extends merge_step {}\n');
    expect(ours(result)).toEqual([]);
    const a = stage(result, 'a');
    expect(a.run).toMatchObject({ kind: 'tool', tool: 'merge' });
    expect(a.resources).toMatchObject({ queue: 'short', cpus: 2, memBytes: 4e9, runtimeSeconds: 3600, licenses: [{ name: 'a', count: 1 }] });
    expect(a.retry).toEqual({ count: 1, exitCodes: [75], backoffSeconds: 300 });
    expect(a.estimateSeconds).toBe(1200);
    expect(a.expects).toHaveLength(1);
  });

  it('properties replace, blocks merge field by field, expects append, retry replaces', () => {
    const result = program(`stage b for each library, corner extends merge_step {
  estimate = 5m
  resources { mem = 8GB  licenses { b = 2 } }
  expect "\${out}/extra.txt"
  retry 3
}
`);
    expect(ours(result)).toEqual([]);
    const b = stage(result, 'b');
    expect(b.estimateSeconds).toBe(300);
    expect(b.resources).toMatchObject({ queue: 'short', cpus: 2, memBytes: 8e9, runtimeSeconds: 3600, licenses: [{ name: 'a', count: 1 }, { name: 'b', count: 2 }] });
    expect(b.expects.map((e) => e.count)).toEqual([1, 1]);
    expect(b.expects.map((e) => e.operator)).toEqual(['==', '>=']);
    expect(b.retry).toEqual({ count: 3, exitCodes: [], backoffSeconds: 0 });
  });

  it('a stage property replaces a template block of the same name, and `run` may come from the stage', () => {
    const result = program('stage c extends small_job { run = shell "true"  expect "x" }\n');
    expect(ours(result)).toEqual([['LCP3103', 'merge_step']]);
    expect(stage(result, 'c').resources).toMatchObject({ queue: 'short', cpus: 2 });
  });

  it('mergeBlocks keeps the derived block\'s span and puts base expects first', () => {
    const file = parseLcp(createSourceFile('f.lcp', 'template t { expect "a"  x = 1  r { p = 1  q = 2 } }\nstage s extends t { expect "b"  r { q = 3 } }')).file;
    const [t, s] = file.declarations;
    if (t?.kind !== 'TemplateDecl' || s?.kind !== 'StageDecl') throw new Error('kinds');
    const merged = mergeBlocks(t.body, s.body);
    expect(merged.span).toEqual(s.body.span);
    expect(merged.items.map((i) => (i.kind === 'ExpectStatement' ? i.pattern.text : i.kind === 'RetryStatement' ? 'retry' : i.key.name))).toEqual(['a', 'x', 'b', 'r']);
    const r = merged.items[3];
    if (r?.kind !== 'NestedBlock') throw new Error('r');
    // p from the template, q from the stage
    const text = 'template t { expect "a"  x = 1  r { p = 1  q = 2 } }\nstage s extends t { expect "b"  r { q = 3 } }';
    expect(r.body.items.map((i) => (i.kind === 'Property' ? `${i.key.name}=${text.slice(i.value.span.start, i.value.span.end)}@${i.value.span.start > text.indexOf('stage') ? 'stage' : 'template'}` : '?'))).toEqual([
      'p=1@template',
      'q=3@stage',
    ]);
  });
});

describe('stage templates: diagnostics', () => {
  it('an unknown template is LCP2001 with a did-you-mean, and nothing else about the stage', () => {
    const result = program('stage a extends merge_stpe {}\n');
    expect(ours(result)).toEqual([['LCP2001', 'merge_stpe']]);
    expect(result.diagnostics.find((d) => d.code === 'LCP2001')!.help).toBe('did you mean `merge_step`?');
  });

  it('a cycle is LCP2019, once, with the cycle', () => {
    const result = program('template x extends y {}\ntemplate y extends z {}\ntemplate z extends x {}\nstage a extends x { run = shell "true"  expect "x" }\n');
    expect(ours(result)).toEqual([['LCP3103', 'merge_step'], ['LCP2019', 'x']]);
    const cycle = result.diagnostics.find((d) => d.code === 'LCP2019')!;
    expect(cycle.message).toBe('stage templates extend each other in a cycle: `x` → `y` → `z` → `x`');
    expect(cycle.secondary).toHaveLength(2);
  });

  it('a template no `extends` names is LCP3103; one named only by another template is used', () => {
    const result = program('template lonely { estimate = 1m }\n');
    expect(ours(result)).toEqual([
      ['LCP3103', 'short'],
      ['LCP3103', 'merge_step'],
      ['LCP3103', 'lonely'],
    ]);
  });

  it('a duplicate template is LCP2002; templates and stages have separate namespaces', () => {
    const result = program('template small_job {}\nstage merge_step extends merge_step {}\n');
    expect(ours(result)).toEqual([['LCP2002', 'small_job']]);
  });

  it('an error in an inherited property points at the template, labels `extends`, and comes once', () => {
    const result = program(`template bad extends merge_step { resources { cpus = 0 } }
stage a extends bad {}
stage b extends bad {}
`);
    expect(ours(result)).toEqual([['LCP3005', '0']]);
    const [d] = result.diagnostics;
    const text = result.loaded.sources.get('main.lcp')!.text;
    expect(d!.secondary.map((l) => [text.slice(l.span.start, l.span.end), l.message])).toEqual([['bad', 'inherited by stage `a`']]);
    expect(text.slice(0, d!.secondary[0]!.span.start)).toMatch(/stage a extends $/);
  });

  it('a stage without `run` after the merge is LCP2007 at its name; the template\'s expect counts for LCP3102', () => {
    const result = program('stage a extends small_job { expect "x" }\nstage b extends merge_step {}\n');
    expect(ours(result)).toEqual([['LCP2007', 'a']]);
  });
});

describe('stage templates: bindings', () => {
  it('records template uses in `extends`, of stages and templates', () => {
    const result = program('stage a extends merge_step {}\nstage b extends merge_step {}\n');
    const text = result.loaded.sources.get('main.lcp')!.text;
    const binding = result.bindings.lookup('template', 'merge_step')!;
    expect(text.slice(binding.declaration.start, binding.declaration.end)).toBe('merge_step');
    expect(binding.uses).toHaveLength(2);
    const small = result.bindings.lookup('template', 'small_job')!;
    expect(small.uses.map((u) => text.slice(u.start - 'extends '.length, u.end))).toEqual(['extends small_job']);
    const hit = result.bindings.at('main.lcp', binding.uses[0]!.start);
    expect(hit?.binding.name).toBe('merge_step');
  });
});

describe('stage templates: site { stage_template }', () => {
  const SITE = `pipeline p
site { stage_template = small_job }
template small_job {
  resources { cpus = 2  mem = 2GB  runtime = 1h }
  retry 1 on exit 75
}
template merge_step {
  run = shell "true"
  expect "\${out}/\${stage}.lib" == 1
  resources { mem = 4GB }
}
template merge_on_small extends small_job { run = shell "true"  expect "y"  retry 2 }
stage a extends merge_step {}
stage b { run = shell "true"  expect "x" }
stage c extends merge_on_small {}
`;

  it('is under every stage, below the stage\'s own template, and not applied twice', () => {
    const result = checkSource(SITE);
    expect(codesAndSpans(result)).toEqual([]);
    const byName = (name: string) => result.program!.stages.find((s) => s.name === name)!;
    expect(byName('a').resources).toMatchObject({ cpus: 2, memBytes: 4e9, runtimeSeconds: 3600 });
    expect(byName('a').retry).toEqual({ count: 1, exitCodes: [75], backoffSeconds: 0 });
    expect(byName('b').resources).toMatchObject({ cpus: 2, memBytes: 2e9 });
    expect(byName('c').retry).toEqual({ count: 2, exitCodes: [], backoffSeconds: 0 });
  });

  it('an unknown site template is LCP2001 once; the stages build nothing more', () => {
    const result = checkSource(SITE.replace('stage_template = small_job', 'stage_template = small_jb'));
    expect(codesAndSpans(result)).toEqual([['LCP2001', 'small_jb']]);
  });
});
