import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check/check.js';
import { ALL_CODES, CATALOGUE } from '../../src/diagnostics/codes.js';
import { makeDiagnostic, sortDiagnostics, type Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { artifactLocation, firstParagraph, pascalCase, renderSarif, sarifRules } from '../../src/diagnostics/sarif.js';
import { createSourceFile, type SourceFile } from '../../src/diagnostics/source.js';
import { span } from '../../src/diagnostics/span.js';
import { buildPlan } from '../../src/graph/plan.js';
import { loadProgram } from '../../src/syntax/load.js';
import { sarifSchemaErrors } from '../fixtures/sarif/validate.js';
import { expectGolden } from '../helpers/golden.js';

const GOLDEN_VERSION = '0.0.0-golden';
const PAGES: ReadonlyMap<string, string> = new Map(ALL_CODES.map((code) => [code, readFileSync(`docs/errors/${code}.md`, 'utf8')]));

const readFile = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** What `libcc check <path>` reports (and, with `plan`, `libcc plan` too), sorted like the CLI. */
function diagnosticsOf(path: string, plan = false): { diagnostics: Diagnostic[]; sources: ReadonlyMap<string, SourceFile> } {
  const loaded = loadProgram(path, { readFile });
  if (loaded === undefined) throw new Error(`cannot read ${path}`);
  const checked = check(loaded);
  const diagnostics = [...checked.diagnostics];
  if (plan && checked.program !== undefined) diagnostics.push(...buildPlan(checked.program).diagnostics);
  return { diagnostics: sortDiagnostics(diagnostics), sources: loaded.sources };
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri?: string; rules: SarifRule[] } };
    originalUriBaseIds: Record<string, unknown>;
    columnKind: string;
    results: SarifResult[];
  }[];
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  help?: { text: string; markdown?: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
}
interface SarifLocation {
  id?: number;
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region?: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  };
  message?: { text: string };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
}

function sarifOf(path: string): { text: string; log: SarifLog; diagnostics: Diagnostic[]; sources: ReadonlyMap<string, SourceFile> } {
  const { diagnostics, sources } = diagnosticsOf(path);
  const text = renderSarif(diagnostics, sources, { toolVersion: GOLDEN_VERSION, pages: PAGES });
  return { text, log: JSON.parse(text) as SarifLog, diagnostics, sources };
}

/** The source text a SARIF region covers (1-based lines and columns, end column exclusive). */
function regionText(file: SourceFile, region: NonNullable<SarifLocation['physicalLocation']['region']>): string {
  const offset = (line: number, column: number) => file.lineStarts[line - 1]! + column - 1;
  return file.text.slice(offset(region.startLine, region.startColumn), offset(region.endLine, region.endColumn));
}

describe('renderSarif: golden outputs', () => {
  for (const name of ['units', 'lints']) {
    it(`matches tests/fixtures/sarif/${name}.sarif.json and the SARIF 2.1.0 schema`, () => {
      const { text } = sarifOf(`examples/errors/${name}.lcp`);
      expect(sarifSchemaErrors(text)).toEqual([]);
      expectGolden(`tests/fixtures/sarif/${name}.sarif.json`, text);
    });
  }

  it('validates the committed goldens themselves', () => {
    for (const name of ['units', 'lints']) {
      expect(sarifSchemaErrors(readFileSync(`tests/fixtures/sarif/${name}.sarif.json`, 'utf8'))).toEqual([]);
    }
  });
});

describe('renderSarif: content', () => {
  const { text, log, diagnostics, sources } = sarifOf('examples/errors/units.lcp');
  const run = log.runs[0]!;

  it('is a single run of the libcc driver with a rule for every catalogue code', () => {
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver.name).toBe('libcc');
    expect(run.tool.driver.version).toBe(GOLDEN_VERSION);
    expect(run.tool.driver.informationUri).toBeUndefined();
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([...ALL_CODES]);
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(Object.keys(run.originalUriBaseIds)).toEqual(['%SRCROOT%']);
  });

  it('describes each rule from the catalogue and its error page', () => {
    for (const rule of run.tool.driver.rules) {
      const info = CATALOGUE[rule.id as keyof typeof CATALOGUE];
      const page = PAGES.get(rule.id)!;
      expect(rule.shortDescription.text).toBe(info.title);
      expect(rule.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(rule.defaultConfiguration.level).toBe(info.severity);
      expect(rule.helpUri).toBeUndefined();
      expect(rule.help?.markdown).toBe(page);
      expect(rule.fullDescription?.text).toBe(firstParagraph(page));
      expect(rule.fullDescription?.text).not.toMatch(/^(#|\*\*Severity)/);
      expect(rule.fullDescription?.text).not.toContain('\n');
    }
    const unknown = run.tool.driver.rules.find((r) => r.id === 'LCP2001')!;
    expect(unknown.name).toBe('UnknownReference');
    expect(unknown.fullDescription?.text).toMatch(/^A name refers to nothing declared in its namespace: .* or a misspelled stage a dependency\.$/);
  });

  it('has one result per diagnostic, in order, pointing at its rule and its span', () => {
    expect(run.results.map((r) => r.ruleId)).toEqual(diagnostics.map((d) => d.code));
    run.results.forEach((result, i) => {
      const d = diagnostics[i]!;
      expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
      expect(result.level).toBe(d.severity);
      expect(result.message.text.split('\n')[0]).toBe(d.message);
      if (d.help !== undefined) expect(result.message.text.endsWith(`\nhelp: ${d.help}`)).toBe(true);
      const physical = result.locations[0]!.physicalLocation;
      expect(physical.artifactLocation).toEqual({ uri: 'examples/errors/units.lcp', uriBaseId: '%SRCROOT%' });
      const file = sources.get('examples/errors/units.lcp')!;
      expect(regionText(file, physical.region!)).toBe(file.text.slice(d.primary.span.start, d.primary.span.end));
    });
    const hrs = run.results.find((r) => r.ruleId === 'LCP3004')!;
    expect(hrs.locations[0]!.physicalLocation.region).toEqual({ startLine: 17, startColumn: 15, endLine: 17, endColumn: 18 });
    expect(hrs.message.text).toBe('unknown unit `hrs`\nhelp: did you mean `8h`?');
  });

  it('is deterministic: no absolute paths, no time, same bytes every time', () => {
    expect(text).not.toContain(process.cwd());
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    expect(text.endsWith('}\n')).toBe(true);
    expect(renderSarif(diagnostics, sources, { toolVersion: GOLDEN_VERSION, pages: new Map([...PAGES].reverse()) })).toBe(text);
  });
});

describe('renderSarif: labels, paths and edge cases', () => {
  const main = createSourceFile('flows/n2 flow.lcp', 'pipeline n2\ncorner a {}\ncorner a {}\n\nstage s {\n  run = shell "x"\n}\n');
  const other = createSourceFile('flows/site.lcp', 'queue q { max_mem = 1GB }\n');
  const files = new Map([
    [main.path, main],
    [other.path, other],
  ]);
  const second = main.text.lastIndexOf('a {}');
  const first = main.text.indexOf('a {}');
  const duplicate = makeDiagnostic('LCP2002', span(main.path, second, second + 1), 'corner `a` is declared more than once', {
    label: 'declared again',
    secondary: [
      { span: span(main.path, first, first + 1), message: 'first declared here' },
      { span: span(other.path, 0, 5), message: '' },
      { span: span('gone.yaml', 3, 9), message: 'in a file the renderer never saw' },
      { span: span(main.path, first, first + 1), message: 'first declared here' },
    ],
    notes: ['names are global'],
    help: 'rename one of them',
  });

  it('puts secondary labels in relatedLocations with ids and messages', () => {
    const text = renderSarif([duplicate], files, { toolVersion: '1.2.3' });
    expect(sarifSchemaErrors(text)).toEqual([]);
    const result = (JSON.parse(text) as SarifLog).runs[0]!.results[0]!;
    expect(result.message.text).toBe('corner `a` is declared more than once\nnote: names are global\nhelp: rename one of them');
    expect(result.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'flows/n2%20flow.lcp', uriBaseId: '%SRCROOT%' },
          region: { startLine: 3, startColumn: 8, endLine: 3, endColumn: 9 },
        },
        message: { text: 'declared again' },
      },
    ]);
    expect(result.relatedLocations?.map((l) => l.id)).toEqual([1, 2, 3, 4]);
    expect(result.relatedLocations?.[0]).toEqual({
      id: 1,
      physicalLocation: {
        artifactLocation: { uri: 'flows/n2%20flow.lcp', uriBaseId: '%SRCROOT%' },
        region: { startLine: 2, startColumn: 8, endLine: 2, endColumn: 9 },
      },
      message: { text: 'first declared here' },
    });
    expect(result.relatedLocations?.[1]?.message).toBeUndefined();
    expect(result.relatedLocations?.[2]?.physicalLocation).toEqual({ artifactLocation: { uri: 'gone.yaml', uriBaseId: '%SRCROOT%' } });
  });

  it('leaves rule descriptions out when no page is given', () => {
    const rules = sarifRules();
    expect(rules).toHaveLength(ALL_CODES.length);
    expect(rules[0]).toEqual({
      id: 'LCP1001',
      name: 'UnexpectedCharacter',
      shortDescription: { text: 'unexpected character' },
      defaultConfiguration: { level: 'error' },
    });
  });

  it('renders a valid log with no results', () => {
    const text = renderSarif([], new Map(), { toolVersion: '0.1.0', pages: PAGES });
    expect(sarifSchemaErrors(text)).toEqual([]);
    expect((JSON.parse(text) as SarifLog).runs[0]!.results).toEqual([]);
  });

  it('clamps spans past the end of the file and keeps empty spans empty', () => {
    const eof = makeDiagnostic('LCP1002', span(main.path, main.text.length + 10, main.text.length + 20), 'expected `}`');
    const empty = makeDiagnostic('LCP1002', span(main.path, 5, 5), 'expected `=`');
    const log = JSON.parse(renderSarif([eof, empty], files, { toolVersion: 'x' })) as SarifLog;
    expect(log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.region)).toEqual([
      { startLine: 8, startColumn: 1, endLine: 8, endColumn: 1 },
      { startLine: 1, startColumn: 6, endLine: 1, endColumn: 6 },
    ]);
  });

  it('turns display paths into URIs', () => {
    expect(artifactLocation('examples/errors/units.lcp')).toEqual({ uri: 'examples/errors/units.lcp', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('a b/c#d?e%f.lcp')).toEqual({ uri: 'a%20b/c%23d%3Fe%25f.lcp', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('../shared/site.lcp')).toEqual({ uri: '../shared/site.lcp', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('/tmp/x y.lcp')).toEqual({ uri: 'file:///tmp/x%20y.lcp' });
    expect(artifactLocation('C:/flows/a.lcp')).toEqual({ uri: 'file:///C:/flows/a.lcp' });
  });

  it('names rules in PascalCase and reads the first paragraph of a page', () => {
    expect(pascalCase('unknown reference')).toBe('UnknownReference');
    expect(pascalCase('RC corner not offered by the node')).toBe('RCCornerNotOfferedByTheNode');
    expect(pascalCase('unknown fan-out key')).toBe('UnknownFanOutKey');
    expect(pascalCase('invalid YAML')).toBe('InvalidYAML');
    expect(firstParagraph('# LCP0000: t\n\n**Severity:** error\n\nOne\ntwo.\n\nThree.\n')).toBe('One two.');
    expect(firstParagraph('# LCP0000: t\r\n\r\nJust this.')).toBe('Just this.');
    expect(firstParagraph('# LCP0000: t\n\n## Example\n')).toBeUndefined();
    const names = sarifRules().map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('renderSarif: every output is valid SARIF 2.1.0', () => {
  const examples = readdirSync('examples/errors')
    .filter((f) => f.endsWith('.lcp'))
    .sort()
    .map((f) => `examples/errors/${f}`);

  it.each(examples)('%s (check and plan diagnostics)', (path) => {
    const { diagnostics, sources } = diagnosticsOf(path, true);
    const text = renderSarif(diagnostics, sources, { toolVersion: GOLDEN_VERSION, pages: PAGES });
    expect(sarifSchemaErrors(text)).toEqual([]);
    expect((JSON.parse(text) as SarifLog).runs[0]!.results).toHaveLength(diagnostics.length);
  });

  it('for arbitrary diagnostics: any text, any span, known and unknown files', () => {
    const sources = new Map<string, SourceFile>([
      ['a.lcp', createSourceFile('a.lcp', 'pipeline p\r\nstage s {\n\trun = shell "é 😀"\n}\n')],
      ['dir/b c,d:e.lcp', createSourceFile('dir/b c,d:e.lcp', '')],
    ]);
    const paths = ['a.lcp', 'dir/b c,d:e.lcp', 'missing.lcp', '/abs/x.lcp', '../up.lcp'];
    const text = fc.string({ unit: 'binary', maxLength: 24 });
    const anySpan = fc
      .record({ file: fc.constantFrom(...paths), start: fc.integer({ min: -3, max: 60 }), length: fc.integer({ min: -2, max: 40 }) })
      .map((s) => span(s.file, s.start, s.start + s.length));
    const diagnostic = fc
      .record({
        code: fc.constantFrom(...ALL_CODES),
        primary: anySpan,
        message: text,
        label: text,
        secondary: fc.array(fc.record({ span: anySpan, message: text }), { maxLength: 3 }),
        notes: fc.array(text, { maxLength: 2 }),
        help: fc.option(text, { nil: undefined }),
      })
      .map((d) =>
        makeDiagnostic(d.code, d.primary, d.message, {
          label: d.label,
          secondary: d.secondary,
          notes: d.notes,
          ...(d.help === undefined ? {} : { help: d.help }),
        }),
      );
    fc.assert(
      fc.property(fc.array(diagnostic, { maxLength: 5 }), (diagnostics) => {
        const out = renderSarif(diagnostics, sources, { toolVersion: '0.1.0' });
        expect(sarifSchemaErrors(out)).toEqual([]);
        expect(out).toBe(renderSarif(diagnostics, sources, { toolVersion: '0.1.0' }));
      }),
      { numRuns: 300 },
    );
  });
});
