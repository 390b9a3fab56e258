/**
 * render.ts: templates compiled in strict mode. A path the view does not have is an error
 * wherever the template names it — printed, a helper's argument, a hash value, a block's
 * condition — never `undefined` or an empty value in a generated file.
 */
import { describe, expect, it } from 'vitest';
import { compileTemplate, TemplateError } from '../../src/emit/render.js';

/** The shape of a deck view (decks.ts): `corner` present, `library` a field with no value, `corners` a list. */
const view = {
  job: 'a[l,c]',
  library: undefined,
  corner: { name: 'c', rc: '', mcSamples: 0, attrs: { product: 'auto' } },
  corners: [{ name: 'c1' }, { name: 'c2' }],
  deck: { dirs: { netlists: '"$::env(W)/n"' }, rshCmdTcl: '' },
};

const render = (source: string) => compileTemplate('t.hbs', source)(view);

describe('compileTemplate (strict)', () => {
  it.each([
    ['printed', '{{corner.volts}}', 'volts'],
    ['a helper argument', 'set x {{tcl corner.volts}}', 'volts'],
    ['an attribute through a helper', '{{tcl corner.attrs.nope}}', 'nope'],
    ['`sh`', '{{sh corner.nmae}}', 'nmae'],
    ['`json`', '{{json corner.nmae}}', 'nmae'],
    ['`dir`', '{{dir deck.dris "netlists"}}', 'dris'],
    ['`join` (second argument)', '{{join corners corner.sep}}', 'sep'],
    ['a sub-expression', '{{tcl (eq corner.nmae "c")}}', 'nmae'],
    ['an `if` condition', '{{#if corner.nmae}}x{{/if}}', 'nmae'],
    ['an `unless` condition', '{{#unless corner.nmae}}x{{/unless}}', 'nmae'],
    ['an `else if` condition', '{{#if corner.rc}}x{{else if corner.nmae}}y{{/if}}', 'nmae'],
    ['an `each` list', '{{#each cornres}}x{{/each}}', 'cornres'],
    ['a `with` object', '{{#with cornr}}x{{/with}}', 'cornr'],
    ['a path inside `each`', '{{#each corners}}{{tcl nmae}}{{/each}}', 'nmae'],
    ['a hash value', '{{#each corners key=corner.nmae}}x{{/each}}', 'nmae'],
    ['a top-level name', '{{tcl jbo}}', 'jbo'],
    ['a field of a field with no value', '{{tcl library.name}}', 'name'],
  ])('refuses a missing field: %s', (_, source, field) => {
    expect(() => render(source)).toThrow(TemplateError);
    expect(() => render(source)).toThrow(`\`${field}\` is not defined`);
  });

  it('accepts fields the view has, with or without a value', () => {
    expect(render('{{#if library}}lib{{else}}none{{/if}}')).toBe('none');
    expect(render('{{#unless library}}none{{/unless}}')).toBe('none');
    expect(render('{{#if corner.rc}}rc{{else}}no rc{{/if}} {{tcl corner.rc}} {{json corner.mcSamples}}')).toBe('no rc {} 0');
    expect(render('{{#if deck.rshCmdTcl}}rsh{{/if}}{{dir deck.dirs "netlists"}} {{dir deck.dirs "lvf"}}')).toBe('"$::env(W)/n" lvf');
    expect(render('{{#each corners}}{{tcl name}}{{#unless @last}} {{/unless}}{{/each}}')).toBe('c1 c2');
    expect(render('{{#with corner}}{{tcl attrs.product}}{{/with}} {{tcl (eq job "a[l,c]")}}')).toBe('auto true');
  });
});

describe('compileTemplate (strict through block parameters)', () => {
  // Handlebars looks a block parameter's field up leniently whatever `strict` says: printed
  // empty, an `if` false, `tcl` given no value. render.ts looks it up strictly instead.
  it.each([
    ['printed', '{{#each corners as |c|}}{{c.nmae}}{{/each}}', 'nmae', 'line 1, column 27'],
    ['printed raw, a field of a field', '{{#each corners as |c|}}{{{c.attrs.nope}}}{{/each}}', 'attrs', 'line 1, column 28'],
    ['a `tcl` argument', '{{#each corners as |c|}}\n  set n {{tcl c.nmae}}\n{{/each}}', 'nmae', 'line 2, column 15'],
    ['a sub-expression argument', '{{#each corners as |c|}}{{tcl (eq c.nmae "c1")}}{{/each}}', 'nmae', 'line 1, column 35'],
    ['an `if` condition', '{{#each corners as |c|}}{{#if c.nmae}}x{{/if}}{{/each}}', 'nmae', 'line 1, column 31'],
    ['an `else if` condition', '{{#each corners as |c|}}{{#unless c.name}}x{{else if c.nmae}}y{{/unless}}{{/each}}', 'nmae', 'line 1, column 54'],
    ['a hash value', '{{#each corners as |c|}}{{#each @root.corners key=c.nmae}}x{{/each}}{{/each}}', 'nmae', 'line 1, column 51'],
    ['a value as a block', '{{#each corners as |c|}}{{#c.nmae}}x{{else}}y{{/c.nmae}}{{/each}}', 'nmae', 'line 1, column 28'],
    ['the outer one of nested blocks', '{{#each corners as |a|}}{{#each @root.corners as |b|}}{{tcl a.nmae}}{{/each}}{{/each}}', 'nmae', 'line 1, column 61'],
    ['the inner one of nested blocks', '{{#each corners as |a|}}{{#each @root.corners as |b|}}{{a.name}}{{b.nmae}}{{/each}}{{/each}}', 'nmae', 'line 1, column 67'],
    ['`with ... as`', '{{#with corner as |c|}}{{tcl c.attrs.prodcut}}{{/with}}', 'prodcut', 'line 1, column 30'],
  ])('refuses a missing field: %s', (_, source, field, where) => {
    expect(() => render(source)).toThrow(TemplateError);
    expect(() => render(source)).toThrow(`\`${field}\` is not defined (${where})`);
  });

  it('reads the fields a block parameter has, as before', () => {
    expect(render('{{#each corners as |c|}}{{c.name}} {{tcl c.name}}{{#if c.name}}!{{/if}}{{#unless @last}}, {{/unless}}{{/each}}')).toBe('c1 c1!, c2 c2!');
    expect(render('{{#with corner as |c|}}{{tcl c.attrs.product}} {{json c.mcSamples}} {{#c.attrs}}{{product}}{{/c.attrs}}{{/with}}')).toBe('auto 0 auto');
    expect(render('{{#each corners as |a|}}{{#each @root.corners as |b|}}{{a.name}}/{{b.name}} {{/each}}{{/each}}')).toBe('c1/c1 c1/c2 c2/c1 c2/c2 ');
    // The parameter itself, `this` and the context's own fields are looked up as before.
    expect(render('{{#each corners as |c|}}{{#if c}}{{this.name}}{{name}}{{/if}}{{/each}}')).toBe('c1c1c2c2');
  });

  it('passes a field that is there without a value, as strict mode does', () => {
    const source = '{{#each rows as |r|}}[{{r.note}}]{{#if r.note}}y{{else}}n{{/if}}{{/each}}';
    expect(compileTemplate('t.hbs', source)({ rows: [{ note: undefined }] })).toBe('[]n');
    expect(() => compileTemplate('t.hbs', source)({ rows: [{}] })).toThrow('`note` is not defined (line 1, column 25)');
  });

  it('leaves `../` alone: it reads the parent context, never a block parameter', () => {
    expect(render('{{#each corners as |c|}}{{../corner.name}}{{/each}}')).toBe('cc');
    expect(() => render('{{#each corners as |c|}}{{../corner.nmae}}{{/each}}')).toThrow('`nmae` is not defined');
    expect(() => render('{{#with corner as |c|}}{{#each @root.corners}}{{../c.name}}{{/each}}{{/with}}')).toThrow('`name` is not defined');
  });

  it('keeps the name of its helper to itself', () => {
    expect(() => render('{{libcc_strict_path corner "name"}}')).toThrow('`libcc_strict_path` is a name libcc reserves, not a field (line 1, column 3)');
    expect(() => render('{{#each corners as |libcc_strict_path|}}{{/each}}')).toThrow(TemplateError);
  });
});

describe('helpers given no value', () => {
  it.each([
    ['`tcl` of a field with no value in this job', '{{tcl library}}', 'tcl', 'line 1, column 1'],
    ['`sh` of a field with no value', 'x {{sh library}}', 'sh', 'line 1, column 3'],
    ['`json` of a field with no value', '{{json library}}', 'json', 'line 1, column 1'],
    ['`tcl` of `lookup` of a missing name', '{{tcl (lookup corner.attrs "nope")}}', 'tcl', 'line 1, column 1'],
  ])('refuse: %s (never the word `undefined`, or nothing, in a generated file)', (_, source, helper, where) => {
    expect(() => render(source)).toThrow(TemplateError);
    expect(() => render(source)).toThrow(`\`${helper}\` was given no value (${where})`);
  });

  it('take every value there is: empty text, zero, false; `json` takes null', () => {
    expect(compileTemplate('t.hbs', '{{tcl a}} {{sh a}} {{tcl n}} {{tcl f}} {{json z}}')({ a: '', n: 0, f: false, z: null })).toBe("{} '' 0 false null");
  });
});
