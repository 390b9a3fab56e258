/**
 * GitHub Actions workflow-command annotations (`libcc check --format github`), one line per
 * diagnostic and nothing else:
 *
 *     ::error file=flows/n2.lcp,line=4,col=14,endLine=4,endColumn=37,title=LCP2001 unknown reference::unknown corner `x` (help: …)
 *
 * Pure: no console, no process. Escaping follows `@actions/core` (`packages/core/src/command.ts`
 * in actions/toolkit): the message escapes `%`, CR and LF as `%25`, `%0D`, `%0A`; property values
 * additionally escape `:` and `,` as `%3A` and `%2C`. Columns are given only for a span on one
 * line (the runner drops `col`/`endColumn` when `line` and `endLine` differ); `endColumn` is the
 * column just after the span, as in the SARIF output.
 */
import { CATALOGUE } from './codes.js';
import type { Diagnostic } from './diagnostic.js';
import { capDiagnostics, MAX_DIAGNOSTICS_PER_FILE, safeText } from './render.js';
import { lineText, positionAt, type SourceFile } from './source.js';
import type { Span } from './span.js';

/** Escapes the message part of a workflow command (after the second `::`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value (`file=…`, `title=…`): data escaping plus `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderGithub(diagnostics: readonly Diagnostic[], files: ReadonlyMap<string, SourceFile>): string {
  // Capped and escaped like the terminal output: a runner shows only a few annotations per step
  // anyway, and the log must not carry raw control characters from user text.
  const { shown, omitted } = capDiagnostics(diagnostics);
  const more = [...omitted].map(
    ([file, n]) => `::notice file=${escapeProperty(safeText(file))}::${escapeData(`and ${n} more diagnostic${n === 1 ? '' : 's'} not shown (at most ${MAX_DIAGNOSTICS_PER_FILE} per file)`)}\n`,
  );
  return shown.map((d) => `${annotation(d, files)}\n`).join('') + more.join('');
}

function annotation(d: Diagnostic, files: ReadonlyMap<string, SourceFile>): string {
  const properties: [string, string][] = [['file', safeText(d.primary.span.file)]];
  const file = files.get(d.primary.span.file);
  if (file !== undefined) {
    const r = annotationRange(file, d.primary.span);
    properties.push(['line', String(r.line)]);
    if (r.column !== undefined) properties.push(['col', String(r.column)]);
    properties.push(['endLine', String(r.endLine)]);
    if (r.endColumn !== undefined) properties.push(['endColumn', String(r.endColumn)]);
  }
  properties.push(['title', `${d.code} ${CATALOGUE[d.code].title}`]);
  const help = d.help === undefined ? '' : ` (help: ${safeText(d.help)})`;
  const props = properties.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(',');
  return `::${d.severity} ${props}::${escapeData(`${safeText(d.message)}${help}`)}`;
}

interface AnnotationRange {
  readonly line: number;
  readonly endLine: number;
  /** Only when the span starts and ends on the same line. */
  readonly column?: number;
  readonly endColumn?: number;
}

/**
 * The span's lines, and its columns when it fits on one line. A span that ends just after a line
 * break ends, for the annotation, at the end of the line before (as in the rich excerpt).
 */
export function annotationRange(file: SourceFile, span: Span): AnnotationRange {
  const length = file.text.length;
  const startOffset = Math.max(0, Math.min(span.start, length));
  const endOffset = Math.max(startOffset, Math.min(span.end, length));
  const start = positionAt(file, startOffset);
  let end = positionAt(file, endOffset);
  if (endOffset > startOffset && end.line > start.line && end.column === 1) {
    end = { line: end.line - 1, column: lineText(file, end.line - 1).length + 1 };
  }
  if (end.line !== start.line) return { line: start.line, endLine: end.line };
  return { line: start.line, endLine: end.line, column: start.column, endColumn: Math.max(start.column, end.column) };
}
