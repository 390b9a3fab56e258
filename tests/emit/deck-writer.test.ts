/**
 * deck-writer.ts: a deck written without Handlebars is byte for byte what render.ts's Handlebars
 * renders, or the writer gives up and Handlebars renders it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deckWriter } from '../../src/emit/deck-writer.js';
import { ByteArena, isWellFormed, renderDeck } from '../../src/emit/decks.js';
import { indexProgram } from '../../src/emit/jobs.js';
import { compileTemplate } from '../../src/emit/render.js';
import { deckName } from '../../src/check/rules/deck-templates.js';
import { analyseFile, builtinTemplates } from '../helpers/analysis.js';

/** What Handlebars renders, as UTF-8, or undefined when it throws or returns what UTF-8 cannot hold. */
function handlebarsBytes(source: string, view: object): Buffer | undefined {
  let text: unknown;
  try {
    text = compileTemplate('t', source)(view);
  } catch {
    return undefined;
  }
  if (typeof text !== 'string' || !isWellFormed(text)) return undefined;
  return Buffer.from(text, 'utf8');
}

function written(source: string, view: object): string | undefined {
  const bytes = deckWriter(source)!(view);
  return bytes && Buffer.from(bytes).toString('utf8');
}

describe('deckWriter', () => {
  it("writes libcc's own deck templates", () => {
    const dir = 'templates/liberate';
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.hbs'))) expect(deckWriter(readFileSync(`${dir}/${name}`, 'utf8')), name).toBeDefined();
  });

  it('writes what Handlebars renders: paths, helpers, branches, whitespace control', () => {
    const view = { a: 'x', n: 0.5, t: true, z: 0, e: [], l: ['p', 'q'], o: { b: 'a b', dirs: { x: '{/d}' } }, u: undefined, nul: null };
    const templates = [
      'v {{a}} {{{o.b}}} {{n}} {{t}} {{z}} [{{u}}] [{{nul}}]\n',
      '{{tcl o.b}} {{sh o.b}} {{json a}} {{json nul}} {{dir o.dirs "x"}} {{dir o.dirs "y"}} {{join l}} {{join l ","}} {{eq a "x"}}',
      'a\n{{#if t}}\nyes {{a}}\n{{else}}\nno\n{{/if}}\n{{#unless z}}zero{{/unless}}{{#if e}}full{{else if l}}list{{/if}}',
      'x  {{~a~}}  y {{! a comment }} z\n  {{#if (eq n 0.5)}}  \n  half\n  {{/if}}  \nend',
      'é … 😀 {{a}}',
    ];
    for (const source of templates) expect(written(source, view), source).toBe(handlebarsBytes(source, view)!.toString('utf8'));
    // A helper given no value: Handlebars throws (render.ts), the writer gives up — no bytes either way.
    for (const source of ['{{tcl u}}', '{{sh nul}}', '{{json u}}']) {
      expect(handlebarsBytes(source, view), source).toBeUndefined();
      expect(written(source, view), source).toBeUndefined();
    }
  });

  // Handlebars adds a program's pieces with `+`: numbers first are added, not joined.
  it('gives up where a template or branch starts with a number or a boolean', () => {
    expect(handlebarsBytes('{{a}}{{b}}', { a: 1, b: 2 })!.toString()).toBe('3');
    expect(written('{{a}}{{b}}', { a: 1, b: 2 })).toBeUndefined();
    expect(written('x{{#if a}}{{a}}{{b}}{{/if}}', { a: 1, b: 2 })).toBeUndefined();
    expect(written('{{eq a b}}x', { a: 1, b: 2 })).toBeUndefined();
    expect(written('x{{a}}{{b}}', { a: 1, b: 2 })).toBe('x12');
    expect(written('{{u}}{{a}}{{b}}', { u: null, a: 1, b: 2 })).toBe('12');
    expect(written('{{s}}{{a}}', { s: 'x', a: 1 })).toBe('x1');
  });

  it('gives up on a missing field, a function, an object printed, a lone surrogate, a throwing getter', () => {
    const boom = {
      get b(): string {
        throw new Error('getter');
      },
    };
    for (const [source, view] of [
      ['x{{a}}', {}],
      ['x{{a.b}}', { a: 'text' }],
      ['x{{a}}', { a: () => 'called' }],
      ['x{{a}}', { a: { b: 1 } }],
      ['x{{a}}', { a: ['p'] }],
      ['x{{a}}', { a: '\ud800' }],
      ['x{{a.b}}', { a: boom }],
      ['x{{#if a}}y{{/if}}', { a: () => true }],
      ['x{{a}}', Object.assign(Object.create({ a: 'inherited' }), {})],
    ] as [string, object][]) {
      expect(written(source, view), source).toBeUndefined();
    }
  });

  // Handlebars refuses a missing field wherever the template names it (render.ts): the writer
  // must not write bytes for a view Handlebars throws on.
  it('gives up on a missing field passed to a helper or tested, where Handlebars now throws', () => {
    for (const source of ['x{{tcl a}}', 'x{{sh o.b}}', 'x{{json a}}', 'x{{dir o.dirs a}}', 'x{{tcl (eq a 1)}}', 'x{{#if a}}y{{/if}}', 'x{{#unless o.b}}y{{/unless}}', 'x{{#if t}}y{{else if a}}z{{/if}}']) {
      const view = { o: {}, t: false };
      expect(handlebarsBytes(source, view), source).toBeUndefined();
      expect(written(source, view), source).toBeUndefined();
    }
  });

  it('is not defined for templates outside the subset', () => {
    for (const source of ['{{#each l}}{{this}}{{/each}}', '{{upper a}}', '{{> partial}}', '{{@root.a}}', '{{#if a}}', '{{a.constructor}}']) expect(deckWriter(source), source).toBeUndefined();
  });

  it('writes the same bytes as Handlebars, or gives up (random templates and views)', () => {
    const field = fc.constantFrom('a', 'b', 'n', 'o', 'x');
    const path = fc.array(field, { minLength: 1, maxLength: 2 }).map((parts) => parts.join('.'));
    const literal = fc.constantFrom('"s"', '"é"', '1', '0', 'true', 'false', 'null', 'undefined');
    const arg = fc.oneof(path, literal);
    const open = fc.constantFrom('{{', '{{~');
    const close = fc.constantFrom('}}', '~}}');
    const leaf = fc.oneof(
      fc.tuple(open, path, close).map(([o, p, c]) => `${o}${p}${c}`),
      path.map((p) => `{{{${p}}}}`),
      fc.tuple(fc.constantFrom('tcl', 'sh', 'json'), arg).map(([h, a]) => `{{${h} ${a}}}`),
      fc.tuple(arg, arg).map(([a, b]) => `{{dir ${a} ${b}}}`),
      fc.tuple(arg, fc.option(arg)).map(([a, b]) => `{{join ${a}${b === null ? '' : ` ${b}`}}}`),
      fc.tuple(arg, arg).map(([a, b]) => `{{eq ${a} ${b}}}`),
      fc.tuple(arg, arg).map(([a, b]) => `{{tcl (eq ${a} ${b})}}`),
      fc.constantFrom('text', ' ', '\n', '  \n', '\r\n', 'é…😀', '{{! comment }}', '\n{{! standalone }}\n'),
      // `n` is mostly a number or a boolean: Handlebars adds those when they come first.
      fc.constantFrom('{{n}}', '{{{n}}}', '{{eq n 1}}'),
    );
    const template = fc.letrec((tie) => ({
      body: fc.array(fc.oneof({ depthSize: 'small' }, leaf, leaf, tie('block')), { maxLength: 5 }).map((parts) => parts.join('')),
      block: fc
        .tuple(
          fc.constantFrom('if', 'unless'),
          fc.oneof(arg, fc.tuple(arg, arg).map(([a, b]) => `(eq ${a} ${b})`)),
          fc.constantFrom('', '\n', '~'),
          tie('body'),
          fc.option(fc.tuple(fc.constantFrom('{{else}}', '\n{{else}}\n', '{{~else~}}', '{{else if a}}'), tie('body'))),
        )
        .map(([helper, condition, space, then, otherwise]) => {
          const [tilde, newline] = space === '~' ? ['~', ''] : ['', space];
          return `{{#${helper} ${condition}${tilde}}}${newline}${then}${otherwise === null ? '' : otherwise.join('')}${newline}{{/${helper}}}${newline}`;
        }),
    })).body as fc.Arbitrary<string>;
    const primitive = fc.oneof(
      fc.string({ maxLength: 3, unit: 'binary' }),
      fc.constantFrom('', 'x y', '{', 'é', '\ud800', '😀', '\n'),
      fc.integer(),
      fc.double(),
      fc.constantFrom(0, -0, 0.1, 1e21, NaN),
      fc.integer({ min: -3, max: 3 }),
      fc.boolean(),
      fc.constant(undefined),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        primitive,
        primitive,
        primitive,
        fc.constant([]),
        fc.array(primitive, { maxLength: 2 }),
        fc.record({ a: tie('value'), b: tie('value'), n: tie('value'), o: tie('value') }, { requiredKeys: ['a', 'n'] }),
      ),
    })).value;
    // Fields mostly there (a missing one only makes both give up), numbers and empty arrays often.
    const view = fc.record({ a: value, b: value, n: fc.oneof(fc.integer({ min: -2, max: 2 }), fc.boolean(), value), o: value, x: value }, { requiredKeys: ['a', 'b', 'n', 'o'] });
    let wrote = 0;
    let rendered = 0;
    fc.assert(
      fc.property(template, view, (source, context) => {
        const write = deckWriter(source);
        if (write === undefined) return;
        const expected = handlebarsBytes(source, context);
        const bytes = write(context);
        if (expected !== undefined) rendered++;
        if (bytes === undefined) return;
        wrote++;
        expect(expected, source).toBeDefined();
        expect(Buffer.from(bytes).toString('hex'), `${source} ${JSON.stringify(context)}`).toBe(expected!.toString('hex'));
      }),
      { numRuns: 1500, seed: 20261205 },
    );
    // Not a vacuous test: the writer wrote most of what Handlebars rendered.
    expect(wrote).toBeGreaterThan(rendered / 3);
  });

  it('keeps a deck as bytes without calling Handlebars when it writes it (the n2 example)', () => {
    const analysis = analyseFile('examples/n2_tanager/flow.lcp');
    const program = analysis.program!;
    const index = indexProgram(program);
    const host = builtinTemplates('examples/n2_tanager');
    let decks = 0;
    for (const stage of program.stages) {
      if (stage.run.kind !== 'tool' || stage.run.deck === undefined) continue;
      const source = host.text(host.resolveDeck(deckName(stage.run.deck))!)!;
      const handlebars = compileTemplate(stage.name, source);
      const template = {
        name: stage.name,
        render: () => {
          throw new Error('Handlebars called');
        },
        write: deckWriter(source),
      };
      for (const job of analysis.plan!.jobs.filter((j) => j.stage === stage.name)) {
        const deck = renderDeck(template, { program, job, index }, new ByteArena());
        expect(deck.bytes).toBeDefined();
        expect(deck.body).toBe(renderDeck({ name: stage.name, render: handlebars }, { program, job, index }).body);
        decks++;
      }
    }
    expect(decks).toBeGreaterThan(10);
  });
});
