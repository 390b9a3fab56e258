/**
 * The editor features (hover, completion, outline, bindings) at every offset of programs with
 * syntax and semantic errors: they answer something or nothing, never throw.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check/check.js';
import { complete } from '../../src/lsp/completion.js';
import { hover } from '../../src/lsp/hover.js';
import { outline } from '../../src/lsp/outline.js';
import type { ProgramView } from '../../src/lsp/view.js';
import { loadFiles } from '../helpers/program.js';

const BROKEN = [
  'pipeline t\nstage a after { run = \nstage b after a { run = shell "z" \n',
  'pipeline t\nnode n { vdd = 0.4V ..  temperature = -40C .. 125C processes = [ss, }\nlibrary l : { corners = [ }\n',
  'pipeline t\nenv X: path = "${Y}"\nstage s for each corner, zzz where corner.name in && { run = x deck "${corner.}"  expect }\n',
  'pipeline t\nsite { default_queue = }\nqueue q { max_mem = 1XB }\ncorners s = [a, b where\n',
  '',
  '"\u{1F600}${',
  'stage ( { "\u{1F600} import "nowhere.lcp"\n',
];

describe('editor features on broken programs', () => {
  it('never throw, at any offset', () => {
    for (const text of BROKEN) {
      const loaded = loadFiles({ 'main.lcp': text, 'corners.yaml': 'corners:\n  - name: [\n' });
      const { bindings } = check(loaded);
      const view: ProgramView = { loaded, bindings };
      const file = loaded.files[0]!;
      expect(() => outline(file, (s) => text.slice(s.start, s.end))).not.toThrow();
      for (let offset = 0; offset <= text.length + 1; offset++) {
        expect(() => hover(view, 'main.lcp', offset), `hover @${offset} of ${JSON.stringify(text)}`).not.toThrow();
        expect(() => complete(view, 'main.lcp', offset), `completion @${offset} of ${JSON.stringify(text)}`).not.toThrow();
        expect(() => bindings.at('main.lcp', offset)).not.toThrow();
      }
    }
  });
});
