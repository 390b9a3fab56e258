import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSourceFile } from '../../src/diagnostics/source.js';
import type { ParseResult } from '../../src/syntax/result.js';
import { parseLcp } from '../../src/syntax/parse.js';
import { KEYWORD_WORDS } from '../../src/syntax/tokens.js';

const doc = readFileSync(new URL('../../docs/language.md', import.meta.url), 'utf8');
const SAMPLE = /```lcp\n([\s\S]*?)```/.exec(doc)![1]!;

/** More runs for a deeper search: `LCP_FUZZ_RUNS=20000 npx vitest run tests/syntax/property`. */
const RUNS = Number(process.env.LCP_FUZZ_RUNS ?? 250);

/** Characters that matter to the lexer and the string decoder. */
const INTERESTING = '{}[]()"$\\/*.-=!<>&|,:a1_ \n\t`@'.split('');

/** Every span in the result, wherever it sits (AST nodes, `unitSpan`, labels, …). */
function collectSpans(value: unknown, out: { start: number; end: number; file: unknown }[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectSpans(item, out);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  if (typeof record.start === 'number' && typeof record.end === 'number' && 'file' in record) {
    out.push(record as { start: number; end: number; file: unknown });
    return;
  }
  for (const child of Object.values(record)) collectSpans(child, out);
}

/** Parse and check the invariants of README.md; returns the result for further checks. */
function parseChecked(text: string): ParseResult {
  let result: ParseResult | undefined;
  expect(() => {
    result = parseLcp(createSourceFile('p.lcp', text));
  }).not.toThrow();
  const spans: { start: number; end: number; file: unknown }[] = [];
  collectSpans(result!.file, spans);
  collectSpans(result!.diagnostics, spans);
  for (const s of spans) {
    if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= text.length)) {
      throw new Error(`bad span ${JSON.stringify(s)} for text of length ${text.length}: ${JSON.stringify(text)}`);
    }
    expect(s.file).toBe('p.lcp');
  }
  for (const d of result!.diagnostics) {
    expect(d.message, JSON.stringify(text)).not.toMatch(/internal error/);
    expect(d.code).toMatch(/^LCP100[1-8]$/);
  }
  expect(result!.file.span).toEqual({ file: 'p.lcp', start: 0, end: text.length });
  return result!;
}

/** Pieces of source worth inserting: tokens of every kind, fragments of tokens, odd characters. */
const PIECES = [
  ...KEYWORD_WORDS,
  ...'{ } [ ] ( ) , : = .. . == != < <= > >= && || ! " """ ${ $${ } \\ /* */ // \n'.split(' '),
  'x',
  'corner.rc',
  '0.48V',
  '-40C',
  '1..2',
  '"${a}"',
  '"""raw"""',
  '@',
  '#',
  'é',
  '\r\n',
  '\t',
  '😀',
];

/** The sample split into tokens and the whitespace between them. */
const SAMPLE_PIECES = SAMPLE.match(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|\/\/[^\n]*|\s+|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?[A-Za-z]*|\.\.|[=!<>]=|&&|\|\||./g)!;

/** Indexes of the sample's tokens (not whitespace, not comments). */
const TOKEN_INDEXES = SAMPLE_PIECES.flatMap((piece, index) => (/^\s/.test(piece) || piece.startsWith('//') ? [] : [index]));

/** The sample with its token at `index` deleted, or written twice (`x x`). */
function oneTokenMutation(index: number, op: 'delete' | 'duplicate'): string {
  const out = [...SAMPLE_PIECES];
  out[index] = op === 'delete' ? '' : `${out[index]!} ${out[index]!}`;
  return out.join('');
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), piece: fc.constantFrom(...PIECES) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('char' as const), at: fc.nat(), text: fc.string({ maxLength: 3 }) }),
);

interface Mutation {
  readonly op: 'delete' | 'insert' | 'duplicate' | 'char';
  readonly at: number;
  readonly length?: number;
  readonly piece?: string;
  readonly text?: string;
}

function mutate(pieces: readonly string[], mutations: readonly Mutation[]): string {
  const out = [...pieces];
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    switch (m.op) {
      case 'delete':
        out.splice(at, m.length ?? 1);
        break;
      case 'insert':
        out.splice(at, 0, ` ${m.piece ?? ''} `);
        break;
      case 'duplicate':
        out.splice(at, 0, out[at] ?? '');
        break;
      default: {
        // Replace a character inside a piece (strings and comments included).
        const piece = out[at] ?? '';
        const i = piece.length === 0 ? 0 : m.at % piece.length;
        out[at] = piece.slice(0, i) + (m.text ?? '') + piece.slice(i + 1);
      }
    }
  }
  return out.join('');
}

describe('parseLcp on arbitrary input', () => {
  it('never throws and keeps every span inside the text (arbitrary strings)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (text) => {
        parseChecked(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on strings of characters that matter to the lexer', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...INTERESTING), maxLength: 120 }), (text) => {
        parseChecked(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on token soup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }), fc.constantFrom(' ', '', '\n'), (pieces, sep) => {
        parseChecked(pieces.join(sep));
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on mutations of the sample', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        parseChecked(mutate(SAMPLE_PIECES, mutations));
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps cascades bounded: one token deleted or duplicated gives at most 3 syntax errors', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TOKEN_INDEXES), fc.constantFrom('delete', 'duplicate'), (index, op) => {
        const text = oneTokenMutation(index, op);
        const count = parseChecked(text).diagnostics.length;
        expect(count, `${op} ${JSON.stringify(SAMPLE_PIECES[index])}:\n${text}`).toBeLessThanOrEqual(3);
      }),
      { numRuns: RUNS },
    );
  });

  it('in fact reports every single-token deletion or duplication of the sample at most once', () => {
    // Exhaustive, and tighter than the property above: what recovery achieves today.
    for (const index of TOKEN_INDEXES) {
      for (const op of ['delete', 'duplicate'] as const) {
        const text = oneTokenMutation(index, op);
        const count = parseLcp(createSourceFile('p.lcp', text)).diagnostics.length;
        expect(count, `${op} ${JSON.stringify(SAMPLE_PIECES[index])}:\n${text}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('parses the unmutated sample cleanly (sanity check of the splitter)', () => {
    expect(SAMPLE_PIECES.join('')).toBe(SAMPLE);
    expect(parseChecked(SAMPLE).diagnostics).toEqual([]);
  });
});
