import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check/check.js';
import { ALL_CODES, CATALOGUE } from '../../src/diagnostics/codes.js';
import { makeDiagnostic, sortDiagnostics, type Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { annotationRange, escapeData, escapeProperty, renderGithub } from '../../src/diagnostics/github.js';
import { createSourceFile, type SourceFile } from '../../src/diagnostics/source.js';
import { span } from '../../src/diagnostics/span.js';
import { loadProgram } from '../../src/syntax/load.js';
import { expectGolden } from '../helpers/golden.js';
import { safeText } from '../../src/diagnostics/render.js';

function diagnosticsOf(path: string): { diagnostics: Diagnostic[]; sources: ReadonlyMap<string, SourceFile> } {
  const loaded = loadProgram(path, { readFile: (p) => readFileSync(p, 'utf8') });
  if (loaded === undefined) throw new Error(`cannot read ${path}`);
  return { diagnostics: sortDiagnostics(check(loaded).diagnostics), sources: loaded.sources };
}

/** Reads a workflow command back the way the Actions runner does (`::name k=v,k=v::data`). */
function parseCommand(line: string): { command: string; properties: Record<string, string>; data: string } {
  const match = /^::([a-z]+)(?: ([^]*?))?::([^]*)$/.exec(line);
  if (match === null) throw new Error(`not a workflow command: ${line}`);
  const unescape = (s: string) =>
    s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const properties: Record<string, string> = {};
  for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
  }
  const data = match[3]!.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  return { command: match[1]!, properties, data };
}

describe('renderGithub: golden outputs', () => {
  for (const name of ['units', 'lints']) {
    it(`matches tests/fixtures/sarif/${name}.github.txt`, () => {
      const { diagnostics, sources } = diagnosticsOf(`examples/errors/${name}.lcp`);
      const out = renderGithub(diagnostics, sources);
      expect(out.split('\n').filter(Boolean)).toHaveLength(diagnostics.length);
      expectGolden(`tests/fixtures/sarif/${name}.github.txt`, out);
    });
  }
});

describe('workflow-command escaping', () => {
  it('escapes data: % first, then CR and LF; colons and commas stay', () => {
    expect(escapeData('100% done')).toBe('100%25 done');
    expect(escapeData('a\r\nb\nc\rd')).toBe('a%0D%0Ab%0Ac%0Dd');
    expect(escapeData('key: a, b :: c')).toBe('key: a, b :: c');
    expect(escapeData('%0A is not a newline')).toBe('%250A is not a newline');
    expect(escapeData('')).toBe('');
  });

  it('escapes properties: data escaping plus : and ,', () => {
    expect(escapeProperty('C:/flows/a,b.lcp')).toBe('C%3A/flows/a%2Cb.lcp');
    expect(escapeProperty('LCP2001 unknown reference')).toBe('LCP2001 unknown reference');
    expect(escapeProperty('a::b\n%')).toBe('a%3A%3Ab%0A%25');
    expect(escapeProperty('%2C')).toBe('%252C');
  });
});

describe('renderGithub: annotations', () => {
  const text = 'pipeline p\nstage s {\n  run = shell "x"\n}\n';
  const weird = createSourceFile('flows/a,b:c%d.lcp', text);
  const files = new Map([[weird.path, weird]]);
  const at = (needle: string) => {
    const start = text.indexOf(needle);
    return span(weird.path, start, start + needle.length);
  };

  it('prints one escaped line per diagnostic, with code and title as the title', () => {
    const d = makeDiagnostic('LCP2001', at('shell'), 'unknown tool `shell`:\nreally, 100%', { help: 'did you mean `shall`?' });
    expect(renderGithub([d], files)).toBe(
      '::error file=flows/a%2Cb%3Ac%25d.lcp,line=3,col=9,endLine=3,endColumn=14,title=LCP2001 unknown reference::' +
        'unknown tool `shell`:%0Areally, 100%25 (help: did you mean `shall`?)\n',
    );
  });

  it('uses ::warning for warnings and leaves out the help when there is none', () => {
    const d = makeDiagnostic('LCP3102', at('s {'), 'stage `s` does not `expect` any output');
    expect(renderGithub([d], files)).toBe(
      '::warning file=flows/a%2Cb%3Ac%25d.lcp,line=2,col=7,endLine=2,endColumn=10,title=LCP3102 stage without expect::stage `s` does not `expect` any output\n',
    );
  });

  it('gives columns only for a span on one line', () => {
    const multi = span(weird.path, text.indexOf('{'), text.lastIndexOf('}') + 1);
    expect(annotationRange(weird, multi)).toEqual({ line: 2, endLine: 4 });
    const d = makeDiagnostic('LCP2007', multi, 'missing `expect`');
    expect(renderGithub([d], files)).toContain('line=2,endLine=4,title=');
    // A span ending just after a line break ends at the end of the line before.
    const line = span(weird.path, text.indexOf('stage'), text.indexOf('  run'));
    expect(annotationRange(weird, line)).toEqual({ line: 2, endLine: 2, column: 1, endColumn: 10 });
    // An empty span and a span past the end of the file.
    expect(annotationRange(weird, span(weird.path, 3, 3))).toEqual({ line: 1, endLine: 1, column: 4, endColumn: 4 });
    expect(annotationRange(weird, span(weird.path, 999, 1000))).toEqual({ line: 5, endLine: 5, column: 1, endColumn: 1 });
  });

  it('names only the file when the source is unknown', () => {
    const d = makeDiagnostic('LCP2003', span('nowhere.lcp', 0, 4), 'cannot find `nowhere.lcp`');
    expect(renderGithub([d], files)).toBe('::error file=nowhere.lcp,title=LCP2003 import not found::cannot find `nowhere.lcp`\n');
  });

  it('prints nothing for no diagnostics', () => {
    expect(renderGithub([], files)).toBe('');
  });

  it('round-trips any text through the runner’s parsing, one line per diagnostic', () => {
    const sources = new Map([[weird.path, weird]]);
    const anyText = fc.string({ unit: 'binary', maxLength: 30 });
    const pathArb = fc.oneof(fc.constant(weird.path), anyText.filter((s) => s !== weird.path));
    const diagnostic = fc
      .record({
        code: fc.constantFrom(...ALL_CODES),
        file: pathArb,
        start: fc.integer({ min: -2, max: 50 }),
        length: fc.integer({ min: 0, max: 30 }),
        message: anyText,
        help: fc.option(anyText, { nil: undefined }),
      })
      .map((d) => makeDiagnostic(d.code, span(d.file, d.start, d.start + d.length), d.message, d.help === undefined ? {} : { help: d.help }));
    fc.assert(
      fc.property(fc.array(diagnostic, { maxLength: 4 }), (diagnostics) => {
        const out = renderGithub(diagnostics, sources);
        const lines = out.split('\n');
        expect(lines.pop()).toBe('');
        expect(lines).toHaveLength(diagnostics.length);
        lines.forEach((line, i) => {
          const d = diagnostics[i]!;
          expect(line).not.toMatch(/[\r\n]/);
          const parsed = parseCommand(line);
          expect(parsed.command).toBe(d.severity);
          // Control characters from user text are escaped (`\u{1b}`), so the log carries none.
          expect(parsed.properties.file).toBe(safeText(d.primary.span.file));
          expect(parsed.properties.title).toBe(`${d.code} ${CATALOGUE[d.code].title}`);
          expect(parsed.data).toBe(d.help === undefined ? safeText(d.message) : `${safeText(d.message)} (help: ${safeText(d.help)})`);
          if (parsed.properties.col !== undefined) {
            expect(parsed.properties.line).toBe(parsed.properties.endLine);
            expect(Number(parsed.properties.endColumn)).toBeGreaterThanOrEqual(Number(parsed.properties.col));
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
