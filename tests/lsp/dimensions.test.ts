/** Editor support for declared dimensions: hover and go-to-definition through the checker's bindings. */
import { describe, expect, it } from 'vitest';
import { hover } from '../../src/lsp/hover.js';
import { bindingAt } from '../../src/lsp/navigation.js';
import { outline } from '../../src/lsp/outline.js';
import { checkSource } from '../helpers/program.js';

const TEXT = `pipeline t
dimension arcs = [cons, non_cons]
node n { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [ss]  rc_corners = [typical] }
corner ss_0p675v_m40c_typical {}
library lib : n { corners = [ss_0p675v_m40c_typical] }
stage s for each library, arcs where arcs == cons { run = shell "echo \${arcs}" expect "x" }
`;

describe('dimensions in the editor', () => {
  const checked = checkSource(TEXT);
  const view = { loaded: checked.loaded, bindings: checked.bindings, ...(checked.program ? { program: checked.program } : {}) };
  const use = TEXT.indexOf('${arcs}') + 3;

  it('hover on a use shows the declaration and the stages fanned out over it', () => {
    const result = hover(view, 'main.lcp', use)!;
    expect(result.markdown).toContain('**dimension** `arcs`');
    expect(result.markdown).toContain('dimension arcs = [cons, non_cons]');
    expect(result.markdown).toContain('- fanned out by: `s`');
  });

  it('go-to-definition from `for each`, `where` and `${…}` reaches the declaration', () => {
    const declaration = TEXT.indexOf('arcs');
    for (const offset of [TEXT.indexOf('library, arcs') + 10, TEXT.indexOf('where arcs') + 7, use]) {
      const located = bindingAt([view], 'main.lcp', offset)!;
      expect(located.hit.binding.declaration.start).toBe(declaration);
    }
  });

  it('the outline lists the dimension with its values', () => {
    const symbols = outline(checked.loaded.files[0]!, (span) => TEXT.slice(span.start, span.end));
    expect(symbols.find((s) => s.name === 'arcs')).toMatchObject({ kind: 'dimension', detail: 'cons, non_cons' });
  });
});

describe('completion', () => {
  it('`for each` offers the declared dimensions after the built-in keys; `after a |` offers stages', async () => {
    const { complete } = await import('../../src/lsp/completion.js');
    const text = `${TEXT}stage t for each library, ar`;
    const checked = checkSource(text);
    const view = { loaded: checked.loaded, bindings: checked.bindings };
    const labels = complete(view, 'main.lcp', text.length).map((c) => c.label);
    expect(labels).toEqual(['node', 'library', 'corner', 'arcs']);
    const joined = `${TEXT}stage u after s |`;
    const again = checkSource(joined);
    expect(complete({ loaded: again.loaded, bindings: again.bindings }, 'main.lcp', joined.length).map((c) => c.label)).toContain('s');
  });
});
