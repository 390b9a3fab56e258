/** The deck view of declared dimensions and corner groups (docs/generated-scripts.md, "Decks"). */
import { describe, expect, test } from 'vitest';
import { analyse } from '../../src/driver/analyse.js';
import { templatesWith } from '../helpers/analysis.js';
import { loadFiles } from '../helpers/program.js';

const DECK = 'view.tcl.hbs';
const TEMPLATE = '{{#if group}}group {{tcl group}}:{{#each corners}} {{tcl name}}@{{voltage}}{{/each}}{{else}}corner {{tcl corner.name}}{{/if}} arcs {{tcl dimensions.arcs}}\n';

const FLOW = `pipeline v
dimension arcs = [cons, non_cons]
tool liberate { path = "/tools/liberate"  kind = liberate }
node n { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [ss]  rc_corners = [typical] }
corner ss_0p675v_m40c_typical {}
corner ss_0p72v_m40c_typical {}
library lib : n { corners = [ss_0p675v_m40c_typical, ss_0p72v_m40c_typical] }
stage grouped for each library, corner, arcs group by process, temperature {
  run = liberate deck "${DECK}"
  expect "x"
}
`;

describe('deck view', () => {
  test('a grouped job sees its group and corners; every job its dimension values', () => {
    const analysis = analyse(loadFiles({ 'main.lcp': FLOW }), { templates: templatesWith(new Map([[DECK, TEMPLATE]])), keepDecks: true });
    expect(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
    const bodies = [...analysis.decks!.byJob.values()].map((d) => [d.path, d.body]);
    expect(bodies).toEqual([
      ['decks/grouped/n.lib.ss_m40c.cons.tcl', 'group ss_m40c: ss_0p675v_m40c_typical@0.675 ss_0p72v_m40c_typical@0.72 arcs cons\n'],
      ['decks/grouped/n.lib.ss_m40c.non_cons.tcl', 'group ss_m40c: ss_0p675v_m40c_typical@0.675 ss_0p72v_m40c_typical@0.72 arcs non_cons\n'],
    ]);
  });
});
