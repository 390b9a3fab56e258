/**
 * SARIF 2.1.0 output for code-scanning upload (`libcc check --format sarif`). Pure: no console,
 * no process, no file system; the caller reads the `docs/errors/<code>.md` pages and passes them in.
 *
 * One run, tool `libcc`, a rule for every catalogue code (sorted by code, so `ruleIndex` is
 * stable), one result per diagnostic in the order given. Paths stay relative (`uriBaseId`
 * `%SRCROOT%`, the directory libcc ran in); nothing depends on time or on the machine, so the
 * output is byte-for-byte reproducible. Columns are UTF-16 code units (`columnKind`), and
 * `endColumn` is exclusive, as SARIF defines it.
 */
import { ALL_CODES, CATALOGUE } from './codes.js';
import type { Diagnostic, Label, Severity } from './diagnostic.js';
import { positionAt, type SourceFile } from './source.js';
import type { Span } from './span.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';

export interface SarifOptions {
  /** libcc's version, for `tool.driver.version`. */
  readonly toolVersion: string;
  /** Text of `docs/errors/<code>.md` by code; codes without a page get no description or help. */
  readonly pages?: ReadonlyMap<string, string>;
}

interface SarifMessage {
  text: string;
  markdown?: string;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription?: SarifMessage;
  help?: SarifMessage;
  defaultConfiguration: { level: Severity };
}

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifLocation {
  id?: number;
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region?: SarifRegion;
  };
  message?: SarifMessage;
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Severity;
  message: SarifMessage;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
}

/** The rules of `tool.driver.rules`: every catalogue code, sorted, with its page's text. */
export function sarifRules(pages: ReadonlyMap<string, string> = new Map()): SarifRule[] {
  return ALL_CODES.map((code) => {
    const info = CATALOGUE[code];
    const page = pages.get(code);
    const summary = page === undefined ? undefined : firstParagraph(page);
    const rule: SarifRule = {
      id: code,
      name: pascalCase(info.title),
      shortDescription: { text: info.title },
      ...(summary === undefined ? {} : { fullDescription: { text: summary } }),
      ...(page === undefined ? {} : { help: { text: summary ?? info.title, markdown: page } }),
      defaultConfiguration: { level: info.severity },
    };
    return rule;
  });
}

/** A SARIF 2.1.0 log (JSON, 2-space indent, trailing newline) for the diagnostics, in order. */
export function renderSarif(
  diagnostics: readonly Diagnostic[],
  files: ReadonlyMap<string, SourceFile>,
  options: SarifOptions,
): string {
  const rules = sarifRules(options.pages);
  const ruleIndex = new Map<string, number>(rules.map((rule, index) => [rule.id, index]));
  const results: SarifResult[] = diagnostics.map((d) => {
    const related = d.secondary.map((label, index) => location(label, files, index + 1));
    const result: SarifResult = {
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code) ?? -1,
      level: d.severity,
      message: { text: resultText(d) },
      locations: [location(d.primary, files)],
      ...(related.length === 0 ? {} : { relatedLocations: related }),
    };
    return result;
  });
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'libcc',
            version: options.toolVersion,
            rules,
          },
        },
        originalUriBaseIds: {
          [SRCROOT]: { description: { text: 'The directory libcc ran in: relative result paths start there.' } },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** The message, then `note:` lines, then the `help:` line: the whole diagnostic without its excerpt. */
function resultText(d: Diagnostic): string {
  const lines = [d.message, ...d.notes.map((note) => `note: ${note}`)];
  if (d.help !== undefined) lines.push(`help: ${d.help}`);
  return lines.join('\n');
}

function location(label: Label, files: ReadonlyMap<string, SourceFile>, id?: number): SarifLocation {
  const file = files.get(label.span.file);
  const loc: SarifLocation = {
    ...(id === undefined ? {} : { id }),
    physicalLocation: {
      artifactLocation: artifactLocation(label.span.file),
      ...(file === undefined ? {} : { region: region(file, label.span) }),
    },
    ...(label.message === '' ? {} : { message: { text: label.message } }),
  };
  return loc;
}

/** 1-based lines and columns; `endColumn` is the column just after the span (SARIF's convention). */
export function region(file: SourceFile, span: Span): SarifRegion {
  const length = file.text.length;
  const startOffset = Math.max(0, Math.min(span.start, length));
  const endOffset = Math.max(startOffset, Math.min(span.end, length));
  const start = positionAt(file, startOffset);
  const end = positionAt(file, endOffset);
  return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
}

/**
 * A relative display path becomes a relative URI against `%SRCROOT%` (each segment
 * percent-encoded, `/` kept); an absolute one (outside the working directory) a `file:` URI.
 */
export function artifactLocation(path: string): { uri: string; uriBaseId?: string } {
  const drive = /^[A-Za-z]:\//.exec(path);
  if (drive !== null) return { uri: `file:///${drive[0]}${encodePath(path.slice(drive[0].length))}` };
  if (path.startsWith('/')) return { uri: `file://${encodePath(path)}` };
  return { uri: encodePath(path), uriBaseId: SRCROOT };
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** `unknown reference` → `UnknownReference`; `RC corner …` → `RCCorner…`; `fan-out` → `FanOut`. */
export function pascalCase(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

/**
 * The explanation of a page `docs/errors/<code>.md`: its first paragraph after the `# code: title`
 * line and the `**Severity:**` line, its lines joined with spaces.
 */
export function firstParagraph(page: string): string | undefined {
  const lines = page.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  const skip = () => {
    while (i < lines.length && lines[i]!.trim() === '') i++;
  };
  skip();
  if (lines[i]?.startsWith('# ')) i++;
  skip();
  if (lines[i]?.startsWith('**Severity:**')) i++;
  skip();
  const paragraph: string[] = [];
  while (i < lines.length && lines[i]!.trim() !== '' && !lines[i]!.startsWith('#')) paragraph.push(lines[i++]!.trim());
  return paragraph.length === 0 ? undefined : paragraph.join(' ');
}
