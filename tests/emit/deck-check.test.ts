/**
 * deck-check.ts: a template's check passes only for views its render cannot fail on, so `plan`
 * and `check` (which skip those renders) report every LCP6002 a compile would.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/driver/analyse.js';
import { deckChecker, RENDER_HELPERS } from '../../src/emit/deck-check.js';
import { compileTemplate, HELPERS, TemplateError } from '../../src/emit/render.js';
import { loadProgram } from '../../src/syntax/load.js';
import { templatesWith } from '../helpers/analysis.js';
import { DECK_PRELUDE } from '../helpers/program.js';

describe('deckChecker', () => {
  it("analyses libcc's own deck templates (the check is what makes plan fast)", () => {
    const dir = 'templates/liberate';
    const names = readdirSync(dir).filter((name) => name.endsWith('.hbs'));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(deckChecker(readFileSync(`${dir}/${name}`, 'utf8')), name).toBeDefined();
  });

  it('knows every helper render.ts registers', () => {
    expect(new Set(Object.keys(HELPERS))).toEqual(RENDER_HELPERS);
  });

  // The check assumes render.ts's helpers never throw on the arguments it allows; it allows every
  // primitive but the ones a helper refuses as no value (undefined and null to `tcl` and `sh`,
  // undefined to `json`), which it refuses.
  it('calls no analysed helper that throws on a primitive argument it allows, and allows all but no value', () => {
    const awkward = ['', '\u0000', '\n\r\t', '{', '}', '"\'\\$[]', 'é€😀', ' ', 0, -0, NaN, Infinity, 1e21, true, false, null, undefined];
    const templates = ['{{tcl a}}', '{{sh a}}', '{{json a}}', '{{dir a b}}', '{{dir d a}}', '{{join a b}}', '{{join l a}}', '{{tcl (eq a b)}}', '{{#if a}}x{{else}}y{{/if}}', '{{#unless a}}x{{/unless}}', '{{a}}'];
    for (const source of templates) {
      const check = deckChecker(source)!;
      const render = compileTemplate('t', source);
      for (const a of awkward) {
        for (const b of [awkward[1], 'x', 7, undefined]) {
          const view = { a, b, d: { x: 'word', [String(a)]: 'w' }, l: awkward };
          const noValue = /^\{\{(tcl|sh) a\}\}$/.test(source) ? a === undefined || a === null : source === '{{json a}}' && a === undefined;
          expect(check(view), `${source} ${String(a)}`).toBe(!noValue);
          if (noValue) expect(() => render(view), `${source} ${String(a)}`).toThrow(TemplateError);
          else expect(() => render(view), `${source} ${String(a)}`).not.toThrow();
        }
      }
    }
  });

  it.each([
    ['#each', '{{#each corners}}{{name}}{{/each}}'],
    ['#with', '{{#with corner}}{{name}}{{/with}}'],
    ['this', '{{this.job}}'],
    ['a parent path', '{{#if job}}{{../job}}{{/if}}'],
    ['@data', '{{@root.job}}'],
    ['a partial', '{{> other}}'],
    ['a hash argument', '{{tcl job x=1}}'],
    ['an unknown helper', '{{upper job}}'],
    ['a helper called with no argument', '{{tcl}}'],
    ['a built-in helper as a value', '{{lookup}}'],
    ['a prototype name', '{{job.constructor}}'],
    ['block parameters', '{{#if job as |x|}}{{x}}{{/if}}'],
    ['an inverse section', '{{^job}}none{{/job}}'],
  ])('leaves a template with %s to the renderer', (_, template) => {
    expect(deckChecker(template)).toBeUndefined();
  });

  it('passes a view with every field, fails one without', () => {
    const check = deckChecker('{{job}} {{#if deck.rsh}}{{{deck.rsh}}}{{else}}{{tcl corner.name}}{{/if}} {{{dir deck.dirs "x"}}}')!;
    const deck = { rsh: '', dirs: { x: '{a}' } };
    expect(check({ job: 'j', deck, corner: { name: 'c' } })).toBe(true);
    // Both branches are checked: a field of the branch not taken still has to exist.
    expect(check({ job: 'j', deck, corner: undefined })).toBe(false);
    expect(check({ job: 'j', deck: { rsh: '' }, corner: { name: 'c' } })).toBe(false);
    expect(check({ job: () => 'j', deck, corner: { name: 'c' } })).toBe(false);
  });

  // Soundness: whenever the check passes, the real render (render.ts's Handlebars, strict) does not throw.
  it('passes no view that the render fails on (random templates and views)', () => {
    const throwing = () => {
      throw new Error('called');
    };
    const field = fc.constantFrom('a', 'b', 'c', 'n', 'o', 'f', 'arr', 'x');
    const path = fc.array(field, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
    const literal = fc.constantFrom('"s"', '1', 'true', 'null', 'undefined');
    const arg = fc.oneof(path, literal);
    const leaf = fc.oneof(
      path.map((p) => `{{${p}}}`),
      path.map((p) => `{{{${p}}}}`),
      fc.tuple(fc.constantFrom('tcl', 'sh', 'json', 'upper'), arg).map(([h, a]) => `{{${h} ${a}}}`),
      fc.tuple(arg, arg).map(([a, b]) => `{{dir ${a} ${b}}}`),
      fc.tuple(arg, arg).map(([a, b]) => `{{join ${a} ${b}}}`),
      fc.tuple(arg, arg).map(([a, b]) => `{{tcl (eq ${a} ${b})}}`),
      fc.constantFrom('text ', '{{! comment }}', '{{tcl}}', '{{eq}}'),
    );
    const template = fc.letrec((tie) => ({
      body: fc.array(fc.oneof({ depthSize: 'small' }, leaf, tie('block')), { maxLength: 4 }).map((parts) => parts.join('')),
      block: fc
        .tuple(fc.constantFrom('if', 'unless'), fc.oneof(arg, fc.tuple(arg, arg).map(([a, b]) => `(eq ${a} ${b})`)), tie('body'), fc.option(tie('body')))
        .map(([helper, condition, then, otherwise]) => `{{#${helper} ${condition}}}${then}${otherwise === null ? '' : `{{else}}${otherwise}`}{{/${helper}}}`),
    })).body as fc.Arbitrary<string>;
    const primitive = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean(), fc.constant(undefined), fc.constant(null));
    const value = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        primitive,
        // Handlebars calls a function value (a mustache, an `if` condition): this one throws.
        fc.constant(throwing),
        fc.array(primitive, { maxLength: 2 }),
        fc.dictionary(field, tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    const view = fc.dictionary(field, value, { maxKeys: 6 });
    fc.assert(
      fc.property(template, view, (source, context) => {
        const check = deckChecker(source);
        if (check === undefined || !check(context)) return;
        expect(() => compileTemplate('t', source)(context)).not.toThrow();
      }),
      {
        numRuns: 3000,
        examples: [
          ['{{#if a}}x{{/if}}', { a: throwing }],
          ['{{#unless a.b}}x{{/unless}}', { a: { b: throwing } }],
          ['{{a.b}}', { a: { b: throwing } }],
          ['{{a.b}}', { a: [] }],
          ['{{a.length}}', { a: 'abc' }],
          ['{{tcl a}}', { a: Object.create(null) }],
          ['{{join a}}', { a: [Object.create(null)] }],
          ['{{dir a b}}', { a: {}, b: Object.create(null) }],
          [
            '{{dir a "x"}}',
            {
              a: {
                get x() {
                  return throwing();
                },
              },
            },
          ],
        ],
      },
    );
  });
});

describe('plan and check (keepDecks: false) find the deck errors a compile finds', () => {
  const FLOW = `${DECK_PRELUDE}library other : n { corners = [tt_0p90v_25c_typical] }
stage char for each library, corner { run = liberate deck "op.tcl.hbs"  expect "x" >= 1 }
`;
  const loaded = loadProgram('flow.lcp', { readFile: (path) => (path === 'flow.lcp' ? FLOW : undefined) })!;
  const diagnostics = (template: string, keepDecks: boolean) =>
    analyse(loaded, { templates: templatesWith(new Map([['op.tcl.hbs', template]])), keepDecks }).diagnostics.map((d) => [d.code, d.message, d.primary.message]);

  it.each([
    ['every job renders', '-voltage {{corner.voltage}} {{{library.kitTcl}}}\n', undefined],
    ['every job fails', '-voltage {{corner.volts}}\n', 'char[lib,tt_0p80v_25c_typical]'],
    // Only a later job fails: the check fails for every job (a field of a branch is missing), and
    // the renders find the one that really fails.
    ['only the second corner fails', '{{#if (eq corner.name "tt_0p90v_25c_typical")}}{{corner.volts}}{{/if}}\n', 'char[lib,tt_0p90v_25c_typical]'],
    ['only the last library fails', '{{#if (eq library.id "other")}}{{library.nope}}{{/if}}\n', 'char[other,tt_0p90v_25c_typical]'],
    ['a template the check does not analyse', '{{#each corner}}{{nope}}{{/each}}\n', 'char[lib,tt_0p80v_25c_typical]'],
    ['a syntax error', '{{#if corner.name}}\n', 'in this deck template'],
  ])('%s', (_, template, failing) => {
    const found = diagnostics(template, false);
    expect(found).toEqual(diagnostics(template, true));
    if (failing === undefined) expect(found).toEqual([]);
    else expect(found).toEqual([['LCP6002', expect.any(String), expect.stringContaining(failing)]]);
  });
});
