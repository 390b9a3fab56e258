/**
 * Three ways to print diagnostics, all pure (no console, no process, no file system):
 *
 * - `renderRich`: rustc / codespan-reporting style, with a source excerpt, a line-number gutter,
 *   `^` carets under the primary label and `-` under secondary ones, `= note:` / `= help:` lines
 *   and a summary line. ANSI colour only when the caller asks for it (the CLI decides).
 * - `renderShort`: one `path:line:col: error[LCP2001]: message` line per diagnostic.
 * - `renderJson`: a stable JSON document for tools (fixed key order, 2-space indent).
 *
 * Diagnostics are printed in the order given; callers sort them with `sortDiagnostics`.
 * A span whose file is not in `files` never crashes a renderer: it is printed without an excerpt.
 */
import { eastAsianWidth } from 'get-east-asian-width';
import type { Diagnostic, Label, Severity } from './diagnostic.js';
import { lineText, positionAt, type Position, type SourceFile } from './source.js';
import type { Span } from './span.js';

export interface RichOptions {
  /** Emit ANSI colour codes. Stripping them yields exactly the colour-off output. */
  readonly color: boolean;
}

/** Source lines further apart than this are separated by `...` instead of printed in full. */
const MAX_GAP = 3;
/** A tab is shown as this many spaces, so carets line up with the text above them. */
const TAB_WIDTH = 4;
/**
 * Output caps, so hostile input cannot flood a terminal or a CI log: at most this many
 * diagnostics per file are printed (then one `… and K more` line; the summary counts them all),
 * source lines longer than `MAX_LINE_WIDTH` columns are cut to a window around the labels with
 * `…`, and a message, note or help longer than `MAX_MESSAGE` characters is cut with `…`.
 */
export const MAX_DIAGNOSTICS_PER_FILE = 100;
export const MAX_LINE_WIDTH = 200;
export const MAX_MESSAGE = 1000;
const ELLIPSIS = '\u2026';

/**
 * User text made safe for a terminal: control characters other than a line break (C0, DEL, C1,
 * which could drive the terminal: an ESC in a corner name) are shown as `\u{1b}`, and text
 * longer than `max` is cut with `…`. Messages quote user text (names, strings), so every
 * renderer passes them through here.
 */
export function safeText(text: string, max = MAX_MESSAGE): string {
  const cut = text.length > max ? `${text.slice(0, max)}${ELLIPSIS}` : text;
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, (ch) => `\\u{${ch.charCodeAt(0).toString(16)}}`);
}

/**
 * The diagnostics to print: at most `MAX_DIAGNOSTICS_PER_FILE` per file (by primary span), in
 * order, and how many were left out per file.
 */
export function capDiagnostics(diagnostics: readonly Diagnostic[]): { shown: Diagnostic[]; omitted: Map<string, number> } {
  const perFile = new Map<string, number>();
  const omitted = new Map<string, number>();
  const shown: Diagnostic[] = [];
  for (const d of diagnostics) {
    const file = d.primary.span.file;
    const n = (perFile.get(file) ?? 0) + 1;
    perFile.set(file, n);
    if (n <= MAX_DIAGNOSTICS_PER_FILE) shown.push(d);
    else omitted.set(file, (omitted.get(file) ?? 0) + 1);
  }
  return { shown, omitted };
}

function omittedLines(omitted: ReadonlyMap<string, number>): string[] {
  return [...omitted].map(([file, n]) => `${safeText(file)}: and ${n} more diagnostic${n === 1 ? '' : 's'} not shown (at most ${MAX_DIAGNOSTICS_PER_FILE} per file)`);
}

// ---------------------------------------------------------------------------------------------
// Rich
// ---------------------------------------------------------------------------------------------

export function renderRich(
  diagnostics: readonly Diagnostic[],
  files: ReadonlyMap<string, SourceFile>,
  options: RichOptions,
): string {
  if (diagnostics.length === 0) return '';
  const paint = painter(options.color);
  const { shown, omitted } = capDiagnostics(diagnostics);
  const blocks = shown.map((d) => renderOne(d, files, paint));
  const more = omittedLines(omitted).map((line) => `${paint('note', 'note')}: ${line}\n`);
  return `${blocks.join('\n')}\n${more.join('')}${summaryLine(diagnostics, paint)}\n`;
}

type Style = 'error' | 'warning' | 'gutter' | 'note' | 'plain';
type Paint = (text: string, style: Style) => string;

const ANSI: Record<Exclude<Style, 'plain'>, string> = {
  error: '\u001b[1;31m',
  warning: '\u001b[1;33m',
  gutter: '\u001b[1;34m',
  note: '\u001b[1;36m',
};
const RESET = '\u001b[0m';

function painter(color: boolean): Paint {
  if (!color) return (text) => text;
  return (text, style) => (style === 'plain' || text === '' ? text : `${ANSI[style]}${text}${RESET}`);
}

function summaryLine(diagnostics: readonly Diagnostic[], paint: Paint): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (errors > 0) parts.push(plural(errors, 'error'));
  if (warnings > 0) parts.push(plural(warnings, 'warning'));
  const severity: Severity = errors > 0 ? 'error' : 'warning';
  return `${paint(severity, severity)}: ${parts.join(' and ')} emitted`;
}

/** A label placed on one source line, in display columns (0-based, end exclusive). */
interface Mark {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly primary: boolean;
  /** Shown next to or under the carets; empty on the first line of a multi-line label. */
  readonly message: string;
}

/** The labels of one diagnostic that fall in one file. */
interface Group {
  readonly path: string;
  readonly file: SourceFile | undefined;
  /** Where the `-->` / `:::` line points: the group's first label. */
  readonly anchor: Span;
  readonly marks: Mark[];
  /** Lines that carry a mark, ascending. */
  readonly lines: number[];
}

function renderOne(d: Diagnostic, files: ReadonlyMap<string, SourceFile>, paint: Paint): string {
  const groups = groupLabels(d, files);
  const maxLine = Math.max(1, ...groups.flatMap((g) => g.lines));
  const width = String(maxLine).length;
  const pad = ' '.repeat(width);
  const severityStyle: Style = d.severity;
  const bar = `${pad} ${paint('|', 'gutter')}`;

  const out: string[] = [`${paint(`${d.severity}[${d.code}]`, severityStyle)}: ${safeText(d.message).replace(/\n/g, ' ')}`];
  groups.forEach((group, index) => {
    if (index > 0) out.push(bar);
    const arrow = index === 0 ? '-->' : ':::';
    out.push(`${pad}${paint(arrow, 'gutter')} ${location(group.path, group.file, group.anchor.start)}`);
    if (group.file === undefined) return;
    out.push(bar);
    out.push(...renderExcerpt(group, group.file, width, severityStyle, paint));
  });

  const trailer: [string, string][] = d.notes.map((n) => ['note', n]);
  if (d.help !== undefined) trailer.push(['help', d.help]);
  if (trailer.length > 0) {
    out.push(bar);
    for (const [kind, text] of trailer) {
      const head = `${pad} ${paint('=', 'gutter')} ${paint(kind, 'note')}: `;
      const indent = ' '.repeat(`${pad} = ${kind}: `.length);
      const [first = '', ...rest] = safeText(text.replace(/\r\n/g, '\n')).split('\n');
      out.push(`${head}${first}`.trimEnd());
      for (const line of rest) out.push(`${indent}${line}`.trimEnd());
    }
  }
  return out.map((line) => `${line}\n`).join('');
}

function location(path: string, file: SourceFile | undefined, offset: number): string {
  if (file === undefined) return safeText(path);
  const { line, column } = positionAt(file, offset);
  return `${safeText(path)}:${line}:${column}`;
}

/** The primary label's file first, then other files in order of first appearance. */
function groupLabels(d: Diagnostic, files: ReadonlyMap<string, SourceFile>): Group[] {
  const labels: { label: Label; primary: boolean }[] = [
    { label: d.primary, primary: true },
    ...d.secondary.map((label) => ({ label, primary: false })),
  ];
  const byPath = new Map<string, Group>();
  for (const { label, primary } of labels) {
    const path = label.span.file;
    let group = byPath.get(path);
    if (group === undefined) {
      group = { path, file: files.get(path), anchor: label.span, marks: [], lines: [] };
      byPath.set(path, group);
    }
    if (group.file !== undefined) group.marks.push(...marksOf(group.file, label, primary));
  }
  const groups = [...byPath.values()];
  for (const group of groups) {
    group.lines.push(...new Set(group.marks.map((m) => m.line)));
    group.lines.sort((a, b) => a - b);
  }
  return groups;
}

/** One mark for a single-line label; two (first and last line) for a multi-line one. */
function marksOf(file: SourceFile, label: Label, primary: boolean): Mark[] {
  const length = file.text.length;
  const startOffset = clamp(label.span.start, 0, length);
  const endOffset = clamp(Math.max(label.span.end, label.span.start), startOffset, length);
  const start = positionAt(file, startOffset);
  let end = positionAt(file, endOffset);
  // A span that ends just after a line break ends, for display, at the end of the previous line.
  if (endOffset > startOffset && end.line > start.line && end.column === 1) {
    end = { line: end.line - 1, column: lineText(file, end.line - 1).length + 1 };
  }
  const startText = lineText(file, start.line);
  const startCol = displayColumn(startText, start.column - 1);
  if (end.line === start.line) {
    const endCol = displayColumn(startText, end.column - 1);
    return [{ line: start.line, start: startCol, end: Math.max(startCol + 1, endCol), primary, message: safeText(label.message, MAX_LINE_WIDTH).replace(/\n/g, ' ') }];
  }
  const endText = lineText(file, end.line);
  const endIndex = end.column - 1;
  let firstVisible = endText.search(/\S/);
  if (firstVisible < 0 || firstVisible >= endIndex) firstVisible = 0;
  const lastStart = displayColumn(endText, firstVisible);
  return [
    {
      line: start.line,
      start: startCol,
      end: Math.max(startCol + 1, displayColumn(startText, startText.length)),
      primary,
      message: '',
    },
    {
      line: end.line,
      start: lastStart,
      end: Math.max(lastStart + 1, displayColumn(endText, endIndex)),
      primary,
      message: safeText(label.message, MAX_LINE_WIDTH).replace(/\n/g, ' '),
    },
  ];
}

function renderExcerpt(group: Group, file: SourceFile, width: number, severity: Style, paint: Paint): string[] {
  const out: string[] = [];
  // A long line is shown as a window of `MAX_LINE_WIDTH` columns from a little before its first
  // mark, with `…` where text was cut; its marks shift with it.
  const windowStart = (line: number): number => {
    const marks = group.marks.filter((m) => m.line === line);
    const first = marks.length === 0 ? 0 : Math.min(...marks.map((m) => m.start));
    return first + 1 > MAX_LINE_WIDTH - 20 ? first - 20 : 0;
  };
  const sourceLine = (line: number, from = 0) => {
    let text = displayLine(lineText(file, line)).trimEnd();
    if (from > 0 || text.length > MAX_LINE_WIDTH) {
      const cut = text.slice(from, from + MAX_LINE_WIDTH);
      text = `${from > 0 ? ELLIPSIS : ''}${cut}${from + MAX_LINE_WIDTH < text.length ? ELLIPSIS : ''}`;
    }
    const gutter = paint(`${String(line).padStart(width)} |`, 'gutter');
    return text === '' ? gutter : `${gutter} ${text}`;
  };
  let previous: number | undefined;
  for (const line of group.lines) {
    if (previous !== undefined) {
      if (line - previous > MAX_GAP) out.push(paint('...', 'gutter'));
      else for (let l = previous + 1; l < line; l++) out.push(sourceLine(l));
    }
    const from = windowStart(line);
    out.push(sourceLine(line, from));
    const shift = from > 0 ? from - 1 : 0; // the `…` takes one column
    const limit = MAX_LINE_WIDTH + 1;
    const marks = group.marks
      .filter((m) => m.line === line)
      .map((m) => {
        const start = Math.min(m.start - shift, limit);
        return { ...m, start, end: Math.max(start + 1, Math.min(m.end - shift, limit + 1)) };
      });
    for (const row of underline(marks, severity)) {
      const content = row.render(paint);
      out.push(`${' '.repeat(width)} ${paint('|', 'gutter')}${content === '' ? '' : ` ${content}`}`);
    }
    previous = line;
  }
  return out;
}

/**
 * The rows under one source line: carets for every mark, the rightmost message inline when
 * nothing overlaps it, and the other messages stacked below with `|` connectors (rustc style).
 */
function underline(marks: readonly Mark[], severity: Style): Row[] {
  const sorted = [...marks].sort(
    (a, b) =>
      a.start - b.start ||
      Number(b.primary) - Number(a.primary) ||
      a.end - b.end ||
      compareStrings(a.message, b.message),
  );
  const styleOf = (m: Mark): Style => (m.primary ? severity : 'gutter');
  const carets = new Row();
  for (const m of sorted.filter((m) => !m.primary)) carets.put(m.start, '-'.repeat(m.end - m.start), 'gutter');
  for (const m of sorted.filter((m) => m.primary)) carets.put(m.start, '^'.repeat(m.end - m.start), severity);

  const last = sorted[sorted.length - 1];
  let inline: Mark | undefined;
  if (last !== undefined && last.message !== '' && sorted.every((m) => m === last || m.end <= last.start)) {
    inline = last;
    carets.put(carets.width + 1, last.message, styleOf(last));
  }
  const rows = [carets];
  const pending = sorted
    .filter((m) => m.message !== '' && m !== inline)
    .sort(
      (a, b) =>
        b.start - a.start ||
        Number(b.primary) - Number(a.primary) ||
        a.end - b.end ||
        compareStrings(a.message, b.message),
    );
  if (pending.length === 0) return rows;
  const connectors = new Row();
  for (const m of pending) connectors.put(m.start, '|', styleOf(m));
  rows.push(connectors);
  pending.forEach((m, index) => {
    const row = new Row();
    for (const left of pending.slice(index + 1)) row.put(left.start, '|', styleOf(left));
    row.put(m.start, m.message, styleOf(m));
    rows.push(row);
  });
  return rows;
}

/** A line of text built cell by cell, each cell with a style; rendered without trailing blanks. */
class Row {
  private readonly cells: { ch: string; style: Style }[] = [];

  get width(): number {
    return this.cells.length;
  }

  put(column: number, text: string, style: Style): void {
    while (this.cells.length < column) this.cells.push({ ch: ' ', style: 'plain' });
    for (let i = 0; i < text.length; i++) this.cells[column + i] = { ch: text[i]!, style };
  }

  render(paint: Paint): string {
    let end = this.cells.length;
    while (end > 0 && this.cells[end - 1]!.ch === ' ') end--;
    let out = '';
    let run = '';
    let runStyle: Style = 'plain';
    for (let i = 0; i < end; i++) {
      const cell = this.cells[i]!;
      const style = cell.style;
      if (style !== runStyle && run !== '') {
        out += paint(run, runStyle);
        run = '';
      }
      runStyle = style;
      run += cell.ch;
    }
    return out + paint(run, runStyle);
  }
}

/**
 * A source line as shown: tabs expanded, and other control characters (which could drive the
 * terminal, say an ESC in a corrupt file) replaced one for one, so columns stay aligned.
 */
function displayLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\t/g, ' '.repeat(TAB_WIDTH)).replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
}

/**
 * Display column of a 0-based character index (UTF-16, like the spans): tabs count `TAB_WIDTH`,
 * wide characters (CJK, fullwidth forms, most emoji) two terminal cells, combining marks and
 * other zero-width characters none, a surrogate pair one character; past the end counts on.
 */
function displayColumn(text: string, index: number): number {
  let column = 0;
  const end = Math.min(index, text.length);
  for (let i = 0; i < end; ) {
    const codePoint = text.codePointAt(i)!;
    column += cellWidth(codePoint);
    i += codePoint > 0xffff ? 2 : 1;
  }
  return column + Math.max(0, index - text.length);
}

/** Terminal cells of one code point as `displayLine` shows it. */
function cellWidth(codePoint: number): number {
  if (codePoint === 0x09) return TAB_WIDTH;
  if (codePoint < 0x20 || codePoint === 0x7f) return 1; // shown as U+FFFD
  if (ZERO_WIDTH.test(String.fromCodePoint(codePoint))) return 0;
  return eastAsianWidth(codePoint);
}

const ZERO_WIDTH = /^[\p{Mark}\p{Default_Ignorable_Code_Point}]$/u;

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(value, high));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Short
// ---------------------------------------------------------------------------------------------

/** `path:line:col: error[LCP2001]: message (help: …)`, one line per diagnostic. */
export function renderShort(diagnostics: readonly Diagnostic[], files: ReadonlyMap<string, SourceFile>): string {
  const { shown, omitted } = capDiagnostics(diagnostics);
  const lines = shown.map((d) => {
    const { file: path, start } = d.primary.span;
    const file = files.get(path);
    const where = location(path, file, start);
    const help = d.help === undefined ? '' : ` (help: ${safeText(d.help)})`;
    return `${where}: ${d.severity}[${d.code}]: ${safeText(d.message)}${help}`.replace(/\r?\n/g, ' ') + '\n';
  });
  return lines.join('') + omittedLines(omitted).map((line) => `${line}\n`).join('');
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

export interface JsonPosition {
  /** 1-based; null when the file is unknown to the renderer. */
  readonly line: number | null;
  readonly column: number | null;
  /** 0-based UTF-16 offset. */
  readonly offset: number;
}

export interface JsonRange {
  readonly start: JsonPosition;
  readonly end: JsonPosition;
}

export interface JsonLabel {
  readonly primary: boolean;
  readonly message: string;
  readonly file: string;
  readonly range: JsonRange;
}

export interface JsonDiagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly range: JsonRange;
  /** Every label, the primary one first. */
  readonly labels: readonly JsonLabel[];
  readonly notes: readonly string[];
  readonly help: string | null;
}

export interface JsonReport {
  readonly version: 1;
  readonly diagnostics: readonly JsonDiagnostic[];
  readonly summary: { readonly errors: number; readonly warnings: number };
}

/** A stable JSON document (`JsonReport`): fixed key order, 2-space indent, trailing newline. */
export function renderJson(diagnostics: readonly Diagnostic[], files: ReadonlyMap<string, SourceFile>): string {
  const range = (s: Span): JsonRange => {
    const file = files.get(s.file);
    return { start: jsonPosition(file, s.start), end: jsonPosition(file, Math.max(s.start, s.end)) };
  };
  const label = (l: Label, primary: boolean): JsonLabel => ({
    primary,
    message: l.message,
    file: l.span.file,
    range: range(l.span),
  });
  const report: JsonReport = {
    version: 1,
    diagnostics: diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      file: d.primary.span.file,
      range: range(d.primary.span),
      labels: [label(d.primary, true), ...d.secondary.map((l) => label(l, false))],
      notes: [...d.notes],
      help: d.help ?? null,
    })),
    summary: {
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    },
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function jsonPosition(file: SourceFile | undefined, offset: number): JsonPosition {
  if (file === undefined) return { line: null, column: null, offset };
  const clamped = clamp(offset, 0, file.text.length);
  const { line, column }: Position = positionAt(file, clamped);
  return { line, column, offset: clamped };
}
