/**
 * The driver (src/driver/analyse.ts): one analysis behind every command and the language server.
 * It owns the phase order and returns every diagnostic a compile would stop at.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyse, renderForWriting } from '../../src/driver/analyse.js';
import { loadProgram } from '../../src/syntax/load.js';
import { analyseFile, builtinTemplates, templatesWith } from '../helpers/analysis.js';
import { DECK_PRELUDE } from '../helpers/program.js';

const codes = (diagnostics: readonly { code: string }[]) => diagnostics.map((d) => d.code);

function analyseSource(text: string, templates = builtinTemplates(), slots?: number) {
  const loaded = loadProgram('flow.lcp', { readFile: (path) => (path === 'flow.lcp' ? text : undefined) })!;
  return analyse(loaded, { templates, ...(slots === undefined ? {} : { slots }) });
}


describe('analyse', () => {
  it('gives a valid program, its plan and every deck, with no diagnostics', () => {
    const analysis = analyseFile('examples/n2_tanager/flow.lcp', { keepDecks: true });
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.ok).toBe(true);
    const decked = analysis.program!.stages.filter((s) => s.run.kind === 'tool' && s.run.deck !== undefined).map((s) => s.name);
    const expected = analysis.plan!.jobs.filter((j) => decked.includes(j.stage)).length;
    expect(expected).toBeGreaterThan(0);
    expect(analysis.decks!.byJob.size).toBe(expected);
  });

  it('reports stage-graph rules with every other check error, in one run', () => {
    const analysis = analyseSource(`${DECK_PRELUDE}
stage a for each library after b { run = shell "x"  expect "x" >= 1  resources { mem = 64 } }
stage b for each library after a { run = shell "x"  expect "x" >= 1 }
stage c for each corner after a { run = liberate deck "nope.tcl.hbs"  expect "x" >= 1 }
`);
    expect(analysis.ok).toBe(false);
    expect(analysis.program).toBeUndefined();
    expect(new Set(codes(analysis.diagnostics))).toEqual(new Set(['LCP3002', 'LCP4001', 'LCP4002', 'LCP6001']));
  });

  it('renders every deck: a field the deck view lacks is LCP6002, reported once per stage', () => {
    const templates = templatesWith(new Map([['op.tcl.hbs', 'set_operating_condition -voltage {{corner.volts}}\n']]));
    const analysis = analyseSource(`${DECK_PRELUDE}
stage char for each library, corner { run = liberate deck "op.tcl.hbs"  expect "x" >= 1 }
`, templates);
    expect(codes(analysis.diagnostics)).toEqual(['LCP6002']);
    expect(analysis.diagnostics[0]!.message).toContain('`volts` is not defined');
    expect(analysis.plan).toBeDefined();
    expect(analysis.decks).toBeUndefined();
    expect(analysis.ok).toBe(false);
  });

  it('a missing field passed to a helper or tested by `#if` is LCP6002 too; a field with no value may be tested', () => {
    const stage = `${DECK_PRELUDE}
stage char for each corner { run = liberate deck "op.tcl.hbs"  expect "x" >= 1 }
`;
    for (const template of ['set v {{tcl corner.volts}}\n', '{{#if corner.volts}}x{{/if}}\n', '{{#if library}}{{tcl library.nmae}}{{/if}}{{tcl library.nmae}}\n']) {
      const analysis = analyseSource(stage, templatesWith(new Map([['op.tcl.hbs', template]])));
      expect(codes(analysis.diagnostics), template).toEqual(['LCP6002']);
      expect(analysis.diagnostics[0]!.message, template).toMatch(/`(volts|nmae)` is not defined/);
    }
    // `library` is a field of every deck view, with no value in a stage that is not per library.
    const optional = '{{#if library}}{{tcl library.name}}{{else}}no library{{/if}} {{tcl corner.rc}}{{#if corner.rc}} rc{{/if}}\n';
    const analysis = analyseSource(stage, templatesWith(new Map([['op.tcl.hbs', optional]])));
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.ok).toBe(true);
  });

  it('`keepDecks: false` (check, plan) still renders every deck for its errors, and keeps none', () => {
    const source = `${DECK_PRELUDE}
stage char for each library, corner { run = liberate deck "op.tcl.hbs"  expect "x" >= 1 }
`;
    const loaded = loadProgram('flow.lcp', { readFile: (path) => (path === 'flow.lcp' ? source : undefined) })!;
    const good = analyse(loaded, { templates: templatesWith(new Map([['op.tcl.hbs', '-voltage {{corner.voltage}}\n']])), keepDecks: false });
    expect(good.diagnostics).toEqual([]);
    expect(good.ok).toBe(true);
    expect(good.plan!.jobs.length).toBe(2);
    expect(good.decks).toBeUndefined();
    const bad = analyse(loaded, { templates: templatesWith(new Map([['op.tcl.hbs', '-voltage {{corner.volts}}\n']])), keepDecks: false });
    expect(codes(bad.diagnostics)).toEqual(['LCP6002']);
    expect(bad.ok).toBe(false);
  });

  it('`decksRenderedLater` (compile) leaves the decks to renderForWriting, which reports what the check would', () => {
    const source = `${DECK_PRELUDE}
stage char for each library, corner { run = liberate deck "op.tcl.hbs"  expect "x" >= 1 }
`;
    const loaded = loadProgram('flow.lcp', { readFile: (path) => (path === 'flow.lcp' ? source : undefined) })!;
    const templates = templatesWith(new Map([['op.tcl.hbs', '-voltage {{corner.volts}}\n']]));
    const checked = analyse(loaded, { templates });
    const later = analyse(loaded, { templates, decksRenderedLater: true });
    expect(codes(later.diagnostics)).toEqual([]);
    expect(later.ok).toBe(true);
    const rendered = renderForWriting(later, templates);
    expect(rendered.decks).toBeUndefined();
    expect(rendered.diagnostics).toEqual(checked.diagnostics);
  });

  it('`decksRenderedLater` still checks the decks when there are other errors: all errors in one run', () => {
    const source = `${DECK_PRELUDE}
stage char for each library, corner { run = liberate deck "op.tcl.hbs"  expect "x" >= 1 }
`;
    const loaded = loadProgram('flow.lcp', { readFile: (path) => (path === 'flow.lcp' ? source : undefined) })!;
    const templates = templatesWith(new Map([['op.tcl.hbs', '-voltage {{corner.volts}}\n'], ['sh/status.sh.hbs', '{{#if}}\n']]));
    const later = analyse(loaded, { templates, decksRenderedLater: true });
    expect(codes(later.diagnostics)).toEqual(['LCP6002', 'LCP6002']);
    expect(later.diagnostics.map((d) => d.message).join('\n')).toContain('`volts` is not defined');
    expect(later.ok).toBe(false);
  });

  it('reports a syntax error in a deck template before rendering anything', () => {
    const templates = templatesWith(new Map([['op.tcl.hbs', 'set_var x {{#each corner}}\n']]));
    const analysis = analyseSource(`${DECK_PRELUDE}
stage char for each library, corner { run = liberate deck "op.tcl.hbs"  expect "x" >= 1 }
`, templates);
    expect(codes(analysis.diagnostics)).toEqual(['LCP6002']);
    expect(analysis.diagnostics[0]!.primary.message).toBe('in this deck template');
  });

  it('reports a site override of a generated script that does not compile', () => {
    const templates = templatesWith(new Map([['sh/status.sh.hbs', '{{#if}}\n']]));
    const analysis = analyseSource(`${DECK_PRELUDE}
stage s for each library { run = liberate ["\${library.kit}"]  expect "x" >= 1 }
`, templates);
    expect(codes(analysis.diagnostics)).toEqual(['LCP6002']);
    expect(analysis.diagnostics[0]!.message).toContain('sh/status.sh.hbs');
  });

  // "All errors in one run": a deck template that does not compile was reported only once every
  // other error was fixed.
  it('reports a deck template that does not compile with the check errors, once per stage', () => {
    const templates = templatesWith(new Map([['op.tcl.hbs', 'set v {{corner.voltage}\n']]));
    const analysis = analyseSource(`${DECK_PRELUDE}
stage a for each library, corner { run = liberate deck "op.tcl.hbs"  expect "x" >= 1 }
stage a2 for each library, corner { run = liberate deck "op.tcl.hbs"  expect "x" >= 1 }
stage b for each library, corner { run = liberate deck "missing.tcl.hbs"  expect "x" >= 1  resources { memory = 4GB } }
`, templates);
    expect(analysis.program).toBeUndefined();
    expect(codes(analysis.diagnostics).sort()).toEqual(['LCP2006', 'LCP6001', 'LCP6002', 'LCP6002']);
    const syntax = analysis.diagnostics.filter((d) => d.code === 'LCP6002');
    expect(syntax.map((d) => d.primary.message)).toEqual(['in this deck template', 'in this deck template']);
    expect(syntax[0]!.message).toContain('template `op.tcl.hbs`: syntax error on line 1');
    expect(new Set(syntax.map((d) => d.primary.span.start)).size).toBe(2);
  });

  it('renders the decks when the plan exists with errors (LCP4006): both reported', () => {
    const templates = templatesWith(new Map([['op.tcl.hbs', 'set v {{tcl corner.volts}}\n']]));
    const analysis = analyseSource(`${DECK_PRELUDE}
stage a for each library, corner { run = liberate deck "op.tcl.hbs"  expect "x" >= 1  resources { cpus = 8 } }
`, templates, 4);
    expect(codes(analysis.diagnostics).sort()).toEqual(['LCP4006', 'LCP6002']);
    expect(analysis.diagnostics.find((d) => d.code === 'LCP6002')!.message).toContain('`volts` is not defined');
  });

  it('reports a generated-script override that does not compile with the check errors', () => {
    const templates = templatesWith(new Map([['sh/status.sh.hbs', '{{#if}}\n']]));
    const analysis = analyseSource(`${DECK_PRELUDE}
stage s for each library { run = liberate ["\${library.kit}"]  expect "x" >= 1  resources { memory = 4GB } }
`, templates);
    expect(codes(analysis.diagnostics).sort()).toEqual(['LCP2006', 'LCP6002']);
  });

  it('`slots` adds LCP4006 and nothing else', () => {
    const text = readFileSync('examples/errors/slots.lcp', 'utf8');
    const without = analyseSource(text);
    const capped = analyseSource(text, builtinTemplates(), 8);
    expect(without.ok).toBe(true);
    const added = capped.diagnostics.filter((d) => !without.diagnostics.some((w) => w.code === d.code && w.message === d.message));
    expect(added.length).toBeGreaterThan(0);
    expect(new Set(codes(added))).toEqual(new Set(['LCP4006']));
  });
});

describe('one driver', () => {
  // Commands and the language server call `analyse()`; none wires the phases by hand.
  const callers = ['src/cli', 'src/lsp'].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`));
  for (const file of callers) {
    it(`${file} does not run a phase itself`, () => {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toMatch(/from '\.\.\/check\/check\.js'/);
      expect(text).not.toMatch(/\bbuildPlan\(/);
      expect(text).not.toMatch(/\brenderDecks\(/);
    });
  }
});
