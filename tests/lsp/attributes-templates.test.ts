/**
 * Editor features for user attributes and stage templates: hover, outline, definitions and
 * references through the checker's bindings, rename validation and completion.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check/check.js';
import type { Span } from '../../src/diagnostics/span.js';
import { complete } from '../../src/lsp/completion.js';
import { hover } from '../../src/lsp/hover.js';
import { bindingAt, invalidNewName, occurrences } from '../../src/lsp/navigation.js';
import { outline } from '../../src/lsp/outline.js';
import type { ProgramView } from '../../src/lsp/view.js';
import { loadFiles } from '../helpers/program.js';

const MAIN = `pipeline t
import "libs.yaml"
// Whether the library has multi-bit flops:
// their constraint arcs are characterized apart.
attribute library.multibit: bool = false
attribute library.lpe_dir: string  // the LPE directory of the kit
attribute corner.multibit: int = 0
node n { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
library base : n { lpe_dir = "LPE"  corners = [tt_0p75v_25c_typical] }
site { stage_template = small }
// One small job.
template small { resources { cpus = 1 } }
template step extends small { estimate = 5m }
stage copy for each library, corner where !library.multibit {
  run = shell "cp \${library.lpe_dir}/x \${work}/"
  expect "\${work}/x" == 1
}
stage mb for each library, corner after copy where library.multibit extends step {
  run = shell "echo \${library.multibit} > \${work}/y"
  expect "\${work}/y" == 1
}
`;

const YAML = `libraries:
  - id: mb
    node: n
    multibit: true
    lpe_dir: LPE_MB
    corners: [tt_0p75v_25c_typical]
`;

const loaded = loadFiles({ 'main.lcp': MAIN, 'libs.yaml': YAML });
const checked = check(loaded);
const view: ProgramView = { loaded, bindings: checked.bindings };

function offset(file: string, needle: string, occurrence = 1, delta = 0): number {
  const text = loaded.sources.get(file)!.text;
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`no ${needle} #${occurrence} in ${file}`);
  }
  return at + delta;
}

const textAt = (span: Span) => `${span.file}:${loaded.sources.get(span.file)!.text.slice(span.start, span.end)}@${loaded.sources.get(span.file)!.text.slice(0, span.start).split('\n').length}`;

describe('attributes and stage templates in the editor', () => {
  it('checks the program without errors', () => {
    expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('hovers an attribute with its type, default and doc comment, from its uses too', () => {
    const onUse = hover(view, 'main.lcp', offset('main.lcp', 'where library.multibit', 1, 'where library.'.length + 2))!;
    expect(onUse.markdown).toContain('**attribute** `library.multibit`');
    expect(onUse.markdown).toContain('- type: `bool`');
    expect(onUse.markdown).toContain('- default: `false`');
    expect(onUse.markdown).toContain('Whether the library has multi-bit flops:\ntheir constraint arcs are characterized apart.');
    const required = hover(view, 'main.lcp', offset('main.lcp', 'lpe_dir: string'))!;
    expect(required.markdown).toContain('- default: none (every library must set it)');
    expect(required.markdown).toContain('the LPE directory of the kit');
    const interpolated = hover(view, 'main.lcp', offset('main.lcp', '${library.lpe_dir}', 1, 11))!;
    expect(interpolated.markdown).toContain('**attribute** `library.lpe_dir`');
  });

  it('finds an attribute’s declaration and every use: block, YAML entry, condition, interpolation', () => {
    const located = bindingAt([view], 'main.lcp', offset('main.lcp', '!library.multibit', 1, 10))!;
    expect(located.hit.binding.kind).toBe('attribute');
    expect(textAt(located.hit.binding.declaration)).toBe('main.lcp:multibit@5');
    expect(occurrences([view], located.hit.binding, false).map(textAt)).toEqual([
      'libs.yaml:multibit@4',
      'main.lcp:multibit@15',
      'main.lcp:multibit@19',
      'main.lcp:multibit@20',
    ]);
    // A corner attribute of the same name is another declaration.
    const corner = bindingAt([view], 'main.lcp', offset('main.lcp', 'corner.multibit', 1, 8))!;
    expect(corner.hit.binding.name).toBe('corner.multibit');
    expect(corner.hit.binding.uses).toEqual([]);
    const lpe = bindingAt([view], 'main.lcp', offset('main.lcp', 'lpe_dir = "LPE"'))!;
    expect(lpe.hit.binding.name).toBe('library.lpe_dir');
  });

  it('validates an attribute’s new name against the entity’s fields and attributes', () => {
    const located = bindingAt([view], 'main.lcp', offset('main.lcp', 'library.multibit: bool', 1, 8))!;
    expect(invalidNewName(located, 'kit')).toBe('`kit` is a built-in field of `library`');
    expect(invalidNewName(located, 'lpe_dir')).toBe('an attribute `library.lpe_dir` already exists');
    expect(invalidNewName(located, 'has_mb')).toBeUndefined();
  });

  it('hovers a template with its base, the stages extending it and its doc comment', () => {
    const small = hover(view, 'main.lcp', offset('main.lcp', 'template small', 1, 10))!;
    expect(small.markdown).toContain('**template** `small`');
    expect(small.markdown).toContain('- extended by: template `step`');
    expect(small.markdown).toContain('the site’s `stage_template`');
    expect(small.markdown).toContain('One small job.');
    const step = hover(view, 'main.lcp', offset('main.lcp', 'extends step', 1, 9))!;
    expect(step.markdown).toContain('- extends: `small`');
    expect(step.markdown).toContain('- extended by: stage `mb`');
  });

  it('finds a template’s uses in `extends` and `stage_template`', () => {
    const located = bindingAt([view], 'main.lcp', offset('main.lcp', 'template small', 1, 10))!;
    expect(located.hit.binding.kind).toBe('template');
    expect(occurrences([view], located.hit.binding, true).map(textAt)).toEqual(['main.lcp:small@13', 'main.lcp:small@11', 'main.lcp:small@14']);
  });

  it('lists attributes and templates in the outline', () => {
    const file = loaded.files.find((f) => f.path === 'main.lcp')!;
    const symbols = outline(file, (span) => loaded.sources.get(span.file)!.text.slice(span.start, span.end));
    const brief = symbols.map((s) => `${s.kind} ${s.name}${s.detail ? ` ${s.detail}` : ''}`);
    expect(brief).toContain('attribute library.multibit : bool = false');
    expect(brief).toContain('attribute library.lpe_dir : string');
    expect(brief).toContain('template small');
    expect(brief).toContain('template step extends small');
    expect(brief).toContain('stage mb for each library, corner after copy extends step');
  });

  it('completes declared attributes after `library.` and templates after `extends`', () => {
    const fields = complete(view, 'main.lcp', offset('main.lcp', 'where !library.', 1, 'where !library.'.length)).map((c) => `${c.kind} ${c.label}`);
    expect(fields).toContain('attribute multibit');
    expect(fields).toContain('field kit');
    const templates = complete(view, 'main.lcp', offset('main.lcp', 'extends step', 1, 'extends '.length)).map((c) => c.label);
    expect(templates).toEqual(['small', 'step']);
  });
});
