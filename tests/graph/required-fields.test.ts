/** LCP2007 from the graph phase (src/graph/required-fields.ts): a job reads an optional field its entity does not set. */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/driver/analyse.js';
import { loadProgram } from '../../src/syntax/load.js';
import { builtinTemplates } from '../helpers/analysis.js';

function analyseSource(text: string) {
  const loaded = loadProgram('flow.lcp', { readFile: (path) => (path === 'flow.lcp' ? text : undefined) })!;
  return { loaded, analysis: analyse(loaded, { templates: builtinTemplates() }) };
}

const PRELUDE = `pipeline t
env KIT: path
node n { processes = [tt]  rc_corners = [typical] }
corner tt_0p80v_25c_typical {}
corner tt_0p90v_25c { process = tt }
library a : n { kit = "\${KIT}/a"  corners = [tt_0p80v_25c_typical, tt_0p90v_25c] }
library b : n { corners = [tt_0p80v_25c_typical] }
`;

describe('LCP2007: a job reads an optional field its library or corner does not set', () => {
  it('reports each (field, entity) once, at the string that reads it, pointing at the entity', () => {
    const { loaded, analysis } = analyseSource(`${PRELUDE}
stage copy for each library, corner {
  run = shell """cp -R "\${library.kit}/LPE_\${corner.rc}" "\${work}" """
  expect "\${work}/\${library.kit}" >= 1
}
`);
    const text = loaded.sources.get('flow.lcp')!.text;
    const found = analysis.diagnostics.map((d) => [d.code, d.message, text.slice(d.primary.span.start, d.primary.span.end).slice(0, 12), d.secondary.map((l) => text.slice(l.span.start, l.span.end))]);
    expect(found).toEqual([
      ['LCP2007', 'stage `copy` reads `${corner.rc}`, but corner `tt_0p90v_25c` does not set `rc`', '"""cp -R "${', ['tt_0p90v_25c']],
      ['LCP2007', 'stage `copy` reads `${library.kit}`, but library `b` does not set `kit`', '"""cp -R "${', [`b`]],
    ]);
    expect(analysis.ok).toBe(false);
  });

  it('is decided after `where`: a stage restricted to libraries that set the field is fine', () => {
    const { analysis } = analyseSource(`${PRELUDE}
stage copy for each library where library.id == a {
  run = shell """ls "\${library.kit}" > "\${work}/ls.txt" """
  expect "\${work}/ls.txt" == 1
}
`);
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.ok).toBe(true);
  });
});
