/**
 * The canonical formatter (src/syntax/format.ts, docs/formatting.md): the style on small inputs,
 * every example (idempotent, comments kept, same tokens, same checked program and plan), and
 * fuzzing: whitespace changes that keep the author's layout choices give the same text; any
 * relayout (with comments inserted) formats idempotently without losing a token or a comment.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fmtCommand } from '../../src/cli/fmt.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { createSourceFile } from '../../src/diagnostics/source.js';
import { analyse } from '../../src/driver/analyse.js';
import { formatPlanJson } from '../../src/graph/format-plan.js';
import { formatLcp } from '../../src/syntax/format.js';
import { loadProgram } from '../../src/syntax/load.js';
import { parseLcp } from '../../src/syntax/parse.js';
import { COMMENTS_GROUP, lcpLexer } from '../../src/syntax/tokens.js';
import { builtinTemplates } from '../helpers/analysis.js';

/** More runs for a deeper search: `LCP_FUZZ_RUNS=20000 npx vitest run tests/syntax/format`. */
const RUNS = Number(process.env.LCP_FUZZ_RUNS ?? 200);

function fmt(text: string, path = 'f.lcp'): string {
  const result = formatLcp(createSourceFile(path, text));
  if (!('text' in result)) throw new Error(`syntax errors: ${result.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return result.text;
}

/** Non-comment token images (list trailing commas dropped) and comment texts (line comments trimmed). */
function tokensOf(text: string): { tokens: string[]; comments: string[] } {
  const lexed = lcpLexer.tokenize(text);
  const images = lexed.tokens.map((t) => t.image);
  return {
    tokens: images.filter((image, i) => !(image === ',' && images[i + 1] === ']')),
    comments: (lexed.groups[COMMENTS_GROUP] ?? []).map((t) => (t.image.startsWith('//') ? t.image.trimEnd() : t.image)),
  };
}

function expectWellFormed(out: string): void {
  expect(out).not.toMatch(/\r/);
  expect(out).not.toMatch(/[ \t]+\n/);
  if (out !== '') {
    expect(out.endsWith('\n')).toBe(true);
    expect(out.endsWith('\n\n')).toBe(false);
  }
  expect(out).not.toMatch(/\n\n\n/);
}

function allExamples(): string[] {
  return (readdirSync('examples', { recursive: true }) as string[])
    .map((p) => join('examples', p).replace(/\\/g, '/'))
    .filter((p) => p.endsWith('.lcp'))
    .sort();
}

const SYNTAX_ERRORS = 'examples/errors/syntax.lcp';
const doc = readFileSync('docs/language.md', 'utf8');
const LANGUAGE_SAMPLES = [...doc.matchAll(/```lcp\n([\s\S]*?)```/g)].map((m) => m[1]!);

// ---------------------------------------------------------------------------------------------
// Style
// ---------------------------------------------------------------------------------------------

describe('formatLcp: style', () => {
  it('lays out a deck block like any nested block: one line stays one line, lines stay lines', () => {
    const oneLine = 'stage c {\n  run = liberate deck "c.hbs"\n  deck{packet_clients=200 rsh_cmd="bsub -o %B/%L" netlist_format=hspice}\n}\n';
    expect(fmt(oneLine)).toBe(
      'stage c {\n  run = liberate deck "c.hbs"\n  deck { packet_clients = 200  rsh_cmd = "bsub -o %B/%L"  netlist_format = hspice }\n}\n',
    );
    const lines = 'stage c {\n  run = liberate deck "c.hbs"\n  deck {\n packet_clients=200\n      netlist_format =  spectre // SPICE\n}\n}\n';
    expect(fmt(lines)).toBe(
      [
        'stage c {',
        '  run = liberate deck "c.hbs"',
        '  deck {',
        '    packet_clients = 200',
        '    netlist_format = spectre  // SPICE',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });
  it('formats stage templates and `extends`', () => {
    expect(fmt('template   t   extends b{retry 1}\nstage s  after a\n extends   t {}\n')).toBe('template t extends b { retry 1 }\nstage s after a extends t {}\n');
    const out = fmt('template t { // shared\n  run = shell "x"\n}\nstage s extends t { } // one line\n');
    expect(out).toBe('template t {  // shared\n  run = shell "x"\n}\n\nstage s extends t {}  // one line\n');
    expect(fmt(out)).toBe(out);
  });

  it('normalises spacing around every kind of token', () => {
    const input = [
      'pipeline   p',
      'import"a.lcp"',
      'env  X :path="/x"',
      'env Y:int = 3',
      'corners  s=[a,b ,c]where corner.process==ss&&!(corner.voltage<0.5V||corner.name in[a , b])||x.y!=z',
      'library l:n{corners=s}',
      'library m { corners = s }',
      'stage   x   for   each library,corner   after  a,b where corner.voltage in 0.4V..0.5V {',
      '  run=t deck"d.hbs"["a" ,"b"]',
      '  expect"x">=1',
      '  retry 2 on exit 75,76 backoff 1m',
      '}',
      '',
    ].join('\n');
    expect(fmt(input)).toBe(
      [
        'pipeline p',
        'import "a.lcp"',
        'env X: path = "/x"',
        'env Y: int = 3',
        '',
        'corners s = [a, b, c] where corner.process == ss && !(corner.voltage < 0.5V || corner.name in [',
        '  a,',
        '  b,',
        ']) || x.y != z',
        '',
        'library l : n { corners = s }',
        'library m { corners = s }',
        '',
        'stage x for each library, corner after a, b where corner.voltage in 0.4V .. 0.5V {',
        '  run = t deck "d.hbs" ["a", "b"]',
        '  expect "x" >= 1',
        '  retry 2 on exit 75, 76 backoff 1m',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('keeps one-line blocks that fit, two spaces between items; expands the others', () => {
    expect(fmt('queue normal {max_mem=256GB max_runtime=72h   max_slots = 64}\n')).toBe(
      'queue normal { max_mem = 256GB  max_runtime = 72h  max_slots = 64 }\n',
    );
    expect(fmt('node n {\n  vdd = 0.4V .. 0.9V   temperature = -40C .. 125C\n  processes = [ss]\n}\n')).toBe(
      'node n {\n  vdd = 0.4V .. 0.9V\n  temperature = -40C .. 125C\n  processes = [ss]\n}\n',
    );
    const long = `tool t { path = "${'x'.repeat(70)}"  args = ["--a", "--b"] }\n`;
    expect(fmt(long)).toBe(`tool t {\n  path = "${'x'.repeat(70)}"\n  args = ["--a", "--b"]\n}\n`);
    // Nested one-line blocks, and a one-line block inside an expanded one.
    expect(fmt('stage s { run = shell "x"  resources { cpus = 1  licenses { a = 1 } } }\n')).toBe(
      'stage s { run = shell "x"  resources { cpus = 1  licenses { a = 1 } } }\n',
    );
    expect(fmt('stage s {\n run = shell "x"\n resources { cpus = 1  licenses {\na = 1 } } }\n')).toBe(
      'stage s {\n  run = shell "x"\n  resources {\n    cpus = 1\n    licenses {\n      a = 1\n    }\n  }\n}\n',
    );
    // Empty blocks, however written.
    expect(fmt('corner a {   }\ncorner b {\n\n}\n')).toBe('corner a {}\ncorner b {}\n');
    // Exactly 100 columns stays; 101 breaks.
    const at = (n: number) => `tool t { path = "${'x'.repeat(n)}" }\n`;
    expect(fmt(at(100 - 'tool t { path = "" }'.length)).split('\n')[0]!.length).toBe(100);
    expect(fmt(at(101 - 'tool t { path = "" }'.length)).split('\n')).toHaveLength(4);
  });

  it('breaks long lists one item per line with trailing commas, and joins short ones', () => {
    const names = Array.from({ length: 8 }, (_, i) => `ssgnp_0p${40 + i}v_m40c_cworst_CCworst_T`);
    expect(fmt(`library l : n {\n  corners = [${names.join(', ')}]\n}\n`)).toBe(
      `library l : n {\n  corners = [\n${names.map((n) => `    ${n},\n`).join('')}  ]\n}\n`,
    );
    expect(fmt('corners s = [\n  a,\n  b,\n]\n')).toBe('corners s = [a, b]\n');
    expect(fmt('corners s = [ ]\n')).toBe('corners s = []\n');
  });

  it('copies literals exactly as written', () => {
    const input = [
      'env A: string = "tab\\there \\"q\\" \\\\ $${not} ${A}"',
      'env B: string = """raw "quotes" \\n',
      '   keeps   ',
      'lines"""',
      'node n { vdd = 0.480V .. 01.0V  temperature = -40C .. 398.15K }',
      '',
    ].join('\n');
    // The raw string makes `env B` a multi-line declaration: blank lines around it.
    expect(fmt(input)).toBe(input.replace('\nnode', '\n\nnode').replace('\nenv B', '\n\nenv B'));
  });

  it('keeps parentheses', () => {
    expect(fmt('corners s = ((a)) where ((corner.process == ss) || (corner.process == tt)) && !(corner.rc == typical)\n')).toBe(
      'corners s = ((a)) where ((corner.process == ss) || (corner.process == tt)) && !(corner.rc == typical)\n',
    );
  });

  it('separates multi-line declarations by one blank line, and keeps the author\'s grouping of one-liners', () => {
    const input = [
      'pipeline p',
      'import "a.lcp"',
      '',
      '',
      '',
      'import "b.lcp"',
      'corner x {}',
      'node n {',
      '  processes = [tt]',
      '}',
      'node m {',
      '  processes = [tt]',
      '}',
      'corner y {}',
      '',
      '',
    ].join('\n');
    expect(fmt(input)).toBe(
      [
        'pipeline p',
        'import "a.lcp"',
        '',
        'import "b.lcp"',
        'corner x {}',
        '',
        'node n {',
        '  processes = [tt]',
        '}',
        '',
        'node m {',
        '  processes = [tt]',
        '}',
        '',
        'corner y {}',
        '',
      ].join('\n'),
    );
  });

  it('keeps blank lines between block items (at most one), never at the edges of a block', () => {
    expect(fmt('site {\n\n\n  project = "p"\n\n\n\n  job_group = "/g"\n  max_array_size = 10\n\n}\n')).toBe(
      'site {\n  project = "p"\n\n  job_group = "/g"\n  max_array_size = 10\n}\n',
    );
  });

  it('normalises line endings, trailing whitespace and the final newline', () => {
    expect(fmt('pipeline p   \r\n\r\n\r\nenv X: path\t\r\n\r\n\r\n')).toBe('pipeline p\n\nenv X: path\n');
    expect(fmt('pipeline p')).toBe('pipeline p\n');
    expect(fmt('')).toBe('');
    expect(fmt(' \n\t\n')).toBe('');
    expect(fmt('\uFEFFpipeline p\n')).toBe('pipeline p\n');
  });

  it('refuses a file with syntax errors, returning the parse diagnostics', () => {
    for (const text of ['pipeline', 'node n { processes = [tt }', 'env X: path = "unterminated\n', '/* open']) {
      const source = createSourceFile('bad.lcp', text);
      const result = formatLcp(source);
      expect('diagnostics' in result).toBe(true);
      expect((result as { diagnostics: Diagnostic[] }).diagnostics).toEqual(parseLcp(source).diagnostics);
    }
  });
});

describe('formatLcp: comments', () => {
  it('keeps leading, trailing, dangling and end-of-file comments', () => {
    const input = [
      '// header',
      '',
      '/* licence',
      '   block */',
      'pipeline p   // the name',
      '',
      '',
      '// about n',
      '',
      'node n {      // open',
      '  // leading',
      '  processes = [tt]   /* trailing */   // and more',
      '',
      '',
      '  // dangling',
      '}',
      '// the end',
      '',
    ].join('\n');
    expect(fmt(input)).toBe(
      [
        '// header',
        '',
        '/* licence',
        '   block */',
        'pipeline p  // the name',
        '',
        '// about n',
        '',
        'node n {  // open',
        '  // leading',
        '  processes = [tt]  /* trailing */  // and more',
        '',
        '  // dangling',
        '}',
        '// the end',
        '',
      ].join('\n'),
    );
  });

  it('expands a one-line block that holds a comment', () => {
    expect(fmt('queue q { max_slots = 4 /* why */ max_mem = 1GB }\n')).toBe('queue q {\n  max_slots = 4  /* why */\n  max_mem = 1GB\n}\n');
  });

  it('breaks a list that holds comments, one item per line, comments after the commas', () => {
    const input = [
      'library l : n {',
      '  corners = [ // the list',
      '    a,   // first',
      '    // before b',
      '    b // after b',
      '    , c /* c */, d',
      '',
      '    // dangling',
      '  ]',
      '}',
      '',
    ].join('\n');
    expect(fmt(input)).toBe(
      [
        'library l : n {',
        '  corners = [  // the list',
        '    a,  // first',
        '    // before b',
        '    b,  // after b',
        '    c,  /* c */',
        '    d,',
        '',
        '    // dangling',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('never lets a comment follow a line comment on its line', () => {
    const input = 'corners s = [\n  a // one\n  /* two */ , // three\n  b\n]\n';
    const out = fmt(input);
    expect(out).toBe('corners s = [\n  a,  // one\n  /* two */\n  // three\n  b,\n]\n');
    expect(fmt(out)).toBe(out);
  });

  it('keeps comments inside headers and expressions between the same tokens', () => {
    const input = 'stage s /* one */ for each library // two\n after a where /* three */ corner.rc == typical {\n  run /* four */ = shell "x"\n}\n';
    const out = fmt(input);
    expect(out).toBe(
      'stage s /* one */ for each library  // two\nafter a where /* three */ corner.rc == typical {\n  run /* four */ = shell "x"\n}\n',
    );
    expect(fmt(out)).toBe(out);
  });

  it('keeps a suppression on the line it suppresses', () => {
    const input = 'stage s for each library {   // libcc-ignore LCP3102\n  run = shell "true"\n}\n';
    expect(fmt(input)).toBe('stage s for each library {  // libcc-ignore LCP3102\n  run = shell "true"\n}\n');
  });
});

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------

describe('formatLcp: examples', () => {
  const examples = allExamples();
  it('finds the examples', () => {
    expect(examples).toContain('examples/minimal/flow.lcp');
    expect(examples).toContain(SYNTAX_ERRORS);
  });

  for (const path of examples.filter((p) => p !== SYNTAX_ERRORS)) {
    it(`${path}: formats, idempotently, keeping every token and comment`, () => {
      const input = readFileSync(path, 'utf8');
      const out = fmt(input, path);
      expectWellFormed(out);
      expect(fmt(out, path)).toBe(out);
      expect(tokensOf(out)).toEqual(tokensOf(input));
      expect([...tokensOf(out).comments].sort()).toEqual(parseLcp(createSourceFile(path, input)).file.comments.map((c) => (c.text.startsWith('//') ? c.text.trimEnd() : c.text)).sort());
    });
  }

  it(`${SYNTAX_ERRORS} is refused with its diagnostics`, () => {
    const source = createSourceFile(SYNTAX_ERRORS, readFileSync(SYNTAX_ERRORS, 'utf8'));
    const result = formatLcp(source);
    expect(result).toEqual({ diagnostics: parseLcp(source).diagnostics });
    expect((result as { diagnostics: Diagnostic[] }).diagnostics.length).toBeGreaterThan(5);
  });

  it('the samples of docs/formatting.md are in canonical form', () => {
    const samples = [...readFileSync('docs/formatting.md', 'utf8').matchAll(/```lcp\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(samples.length).toBeGreaterThan(2);
    for (const sample of samples) expect(fmt(sample)).toBe(sample);
  });

  it('the samples of docs/language.md format idempotently', () => {
    expect(LANGUAGE_SAMPLES.length).toBeGreaterThan(0);
    for (const sample of LANGUAGE_SAMPLES) {
      const source = sample.replace(/\{ … \}/g, '{ run = shell "x" }');
      const out = fmt(source);
      expect(fmt(out)).toBe(out);
      expect(tokensOf(out)).toEqual(tokensOf(source));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Round trip: format → check → same program, plan and diagnostics
// ---------------------------------------------------------------------------------------------

interface Outcome {
  diagnostics: string[];
  plan?: string;
}

function outcome(root: string, read: (path: string) => string | undefined, slots?: number): Outcome {
  const loaded = loadProgram(root, { readFile: read });
  if (loaded === undefined) throw new Error(`cannot load ${root}`);
  // The driver's analysis, as `libcc plan` makes it (templates next to the file, then libcc's own).
  const analysis = analyse(loaded, { templates: builtinTemplates(dirname(root)), ...(slots === undefined ? {} : { slots }) });
  const show = (d: Diagnostic) => `${d.severity}[${d.code}] ${d.message}`;
  const diagnostics = analysis.diagnostics.map(show);
  return analysis.plan === undefined || !analysis.ok ? { diagnostics } : { diagnostics, plan: formatPlanJson(analysis.plan) };
}

describe('formatLcp: round trip', () => {
  const temp = mkdtempSync(join(tmpdir(), 'libcc-fmt-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  for (const example of ['minimal', 'n2_tanager']) {
    it(`examples/${example}: the formatted files plan exactly like the originals`, () => {
      const dir = `examples/${example}`;
      const original = join(temp, example, 'original');
      const formatted = join(temp, example, 'formatted');
      for (const target of [original, formatted]) {
        cpSync(dir, target, { recursive: true, filter: (src) => src === dir || /\.(lcp|ya?ml)$/.test(src) });
      }
      const lcpFiles = readdirSync(formatted).filter((f) => f.endsWith('.lcp')).map((f) => join(formatted, f));
      expect(lcpFiles.length).toBeGreaterThan(0);
      const code = fmtCommand(lcpFiles, { check: false }, {
        read: (p) => readFileSync(p, 'utf8'),
        write: (p, t) => writeFileSync(p, t),
        stdout: () => {},
        stderr: (t) => {
          throw new Error(t);
        },
      });
      expect(code).toBe(0);
      // YAML untouched, every .lcp in canonical form.
      for (const f of readdirSync(formatted)) {
        const text = readFileSync(join(formatted, f), 'utf8');
        if (f.endsWith('.lcp')) expect(fmt(text)).toBe(text);
        else expect(text).toBe(readFileSync(join(original, f), 'utf8'));
      }
      const reader = (base: string) => (p: string) => {
        try {
          return readFileSync(join(base, p), 'utf8');
        } catch {
          return undefined;
        }
      };
      const before = outcome('flow.lcp', reader(original));
      const after = outcome('flow.lcp', reader(formatted));
      expect(before.plan).toBeDefined();
      expect(before.diagnostics).toEqual([]);
      expect(after).toEqual(before);
    });
  }

  const errors = readdirSync('examples/errors').filter((f) => f.endsWith('.lcp') && `examples/errors/${f}` !== SYNTAX_ERRORS);
  for (const file of errors) {
    it(`examples/errors/${file}: the same diagnostics after formatting`, () => {
      const files = new Map<string, string>();
      for (const f of readdirSync('examples/errors')) files.set(f, readFileSync(join('examples/errors', f), 'utf8'));
      const formatted = new Map([...files].map(([f, text]) => [f, f.endsWith('.lcp') && `examples/errors/${f}` !== SYNTAX_ERRORS ? fmt(text, f) : text]));
      // With a slot cap, as `libcc plan --slots 8` (slots.lcp's mistake needs one).
      const before = outcome(`examples/errors/${file}`, (p) => files.get(p.replace(/^examples\/errors\//, '')), 8);
      const after = outcome(`examples/errors/${file}`, (p) => formatted.get(p.replace(/^examples\/errors\//, '')), 8);
      expect(before.diagnostics.length).toBeGreaterThan(0);
      expect(after).toEqual(before);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Fuzzing
// ---------------------------------------------------------------------------------------------

interface Piece {
  readonly image: string;
  readonly comment: boolean;
}

/** Tokens and comments of a text, in order, and the whitespace around them (`gaps[i]` before `pieces[i]`). */
function split(text: string): { pieces: Piece[]; gaps: string[] } {
  const lexed = lcpLexer.tokenize(text);
  expect(lexed.errors).toEqual([]);
  const all = [
    ...lexed.tokens.map((t) => ({ t, comment: false })),
    ...(lexed.groups[COMMENTS_GROUP] ?? []).map((t) => ({ t, comment: true })),
  ].sort((a, b) => a.t.startOffset - b.t.startOffset);
  const gaps: string[] = [];
  let at = 0;
  for (const { t } of all) {
    gaps.push(text.slice(at, t.startOffset));
    at = t.startOffset + t.image.length;
  }
  gaps.push(text.slice(at));
  return { pieces: all.map(({ t, comment }) => ({ image: t.image, comment })), gaps };
}

function join_(pieces: readonly Piece[], gaps: readonly string[]): string {
  return pieces.map((p, i) => gaps[i]! + p.image).join('') + gaps[pieces.length]!;
}

/** Whether two pieces written with nothing between them still lex as those two pieces. */
function joinable(a: Piece, b: Piece): boolean {
  const lexed = lcpLexer.tokenize(a.image + b.image);
  const all = [...lexed.tokens, ...(lexed.groups[COMMENTS_GROUP] ?? [])].sort((x, y) => x.startOffset - y.startOffset);
  return lexed.errors.length === 0 && all.length === 2 && all[0]!.image === a.image && all[1]!.image === b.image;
}

const breaksIn = (gap: string) => (gap.match(/\r\n|\r|\n/g) ?? []).length;

interface Mutation {
  gap: number;
  choice: number;
  pad: number;
}

const mutation = fc.record({ gap: fc.nat(), choice: fc.nat(), pad: fc.nat({ max: 3 }) });

/**
 * Whitespace changes that keep every layout fact the formatter reads: whether a block was on one
 * line (no line break inserted into a one-line block, none removed right after a `{`), where the
 * blank lines are (a gap keeps "two or more line breaks" or "fewer"), and whether each comment
 * starts its own line (gaps next to comments keep their line breaks).
 */
function layoutPreserving(text: string, mutations: readonly Mutation[]): string {
  const { pieces, gaps } = split(text);
  // Gaps inside a `{ … }` written on one line.
  const inOneLine = new Array<boolean>(gaps.length).fill(false);
  const opens: number[] = [];
  pieces.forEach((p, i) => {
    if (p.image === '{') opens.push(i);
    if (p.image === '}') {
      const open = opens.pop()!;
      if (!gaps.slice(open + 1, i + 1).some((g) => breaksIn(g) > 0)) for (let g = open + 1; g <= i; g++) inOneLine[g] = true;
    }
  });
  const out = [...gaps];
  for (const m of mutations) {
    const g = m.gap % gaps.length;
    const before = pieces[g - 1];
    const after = pieces[g];
    const h = [' ', '\t', '  ', ' \t '][m.pad]!;
    const nl = m.choice % 2 === 0 ? '\n' : '\r\n';
    const breaks = breaksIn(gaps[g]!);
    if (before === undefined || after === undefined) {
      // The start or the end of the file.
      out[g] = [h, `${h}${nl}`, `${nl}${nl}${h}`, ''][m.choice % 4]!;
      continue;
    }
    const nearComment = before.comment || after.comment;
    const choice = m.choice % 3;
    if (breaks === 0) {
      if (choice === 0 && joinable(before, after)) out[g] = '';
      else if (choice === 1 && !inOneLine[g] && !nearComment) out[g] = `${h}${nl}${h}`;
      else out[g] = h;
    } else if (breaks === 1) {
      if (choice === 0 && !nearComment && before.image !== '{') out[g] = joinable(before, after) && m.pad === 0 ? '' : h;
      else out[g] = `${h}${nl}${choice === 2 ? h : ''}`;
    } else {
      out[g] = `${h}${nl}${choice === 1 ? h : ''}${nl}${choice === 2 ? `${h}${nl}` : ''}`;
    }
  }
  return join_(pieces, out);
}

const COMMENTS = ['/* c */', '// c\n', '/* multi\n   line */', '//\n'];
const SPACES = [' ', '\t', '\n', '\r\n', '\n\n'];

/** Any relayout: each chosen gap becomes any whitespace, possibly with comments inserted. */
function relayout(text: string, mutations: readonly { gap: number; fragments: number[] }[]): string {
  const { pieces, gaps } = split(text);
  const out = [...gaps];
  for (const m of mutations) {
    const g = m.gap % gaps.length;
    const before = pieces[g - 1];
    const after = pieces[g];
    let gap = m.fragments.map((f) => (f < SPACES.length ? SPACES[f]! : COMMENTS[(f - SPACES.length) % COMMENTS.length]!)).join('');
    if (before?.comment === true && before.image.startsWith('//') && !/^[ \t]*(\r\n|\r|\n)/.test(gap)) gap = `\n${gap}`;
    if (gap === '' && before !== undefined && after !== undefined && !joinable(before, after)) gap = ' ';
    out[g] = gap;
  }
  return join_(pieces, out);
}

const FUZZ_SAMPLES = [
  'pipeline p\n\nnode n { processes = [tt] }\n',
  'corners s = [ // list\n  a, // a\n  b,\n\n  // c next\n  c,\n]\n',
  'stage s /* h */ for each library // x\n after a { run /* k */ = shell "x"  expect "y" >= 1 }\n',
  'stage s { retry 2 on exit 75, 76 backoff 1m\n resources { licenses { a = 1 } } }\n',
  'corners s = (a) where !((corner.process == ss) || corner.voltage in 0.4V .. 0.5V)\n',
];

describe('formatLcp: fuzzing', () => {
  const bases = [
    ...allExamples()
      .filter((p) => p !== SYNTAX_ERRORS)
      .map((p) => readFileSync(p, 'utf8')),
    ...LANGUAGE_SAMPLES.map((s) => s.replace(/\{ … \}/g, '{ run = shell "x" }')),
    ...FUZZ_SAMPLES,
  ].map((text) => fmt(text));

  it('whitespace changes that keep the layout choices format to the same text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.array(mutation, { minLength: 1, maxLength: 40 }), (base, mutations) => {
        const mutated = layoutPreserving(base, mutations);
        expect(tokensOf(mutated)).toEqual(tokensOf(base));
        expect(fmt(mutated)).toBe(base);
      }),
      { numRuns: RUNS },
    );
  });

  it('any relayout, with comments inserted, formats idempotently and keeps every token and comment', () => {
    const fragments = fc.array(fc.nat({ max: SPACES.length + COMMENTS.length - 1 }), { maxLength: 4 });
    fc.assert(
      fc.property(
        fc.constantFrom(...bases),
        fc.array(fc.record({ gap: fc.nat(), fragments }), { minLength: 1, maxLength: 30 }),
        (base, mutations) => {
          const mutated = relayout(base, mutations);
          const out = fmt(mutated);
          expectWellFormed(out);
          expect(fmt(out)).toBe(out);
          const expected = tokensOf(mutated);
          expect(tokensOf(out)).toEqual(expected);
          expect(expected.tokens).toEqual(tokensOf(base).tokens);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
