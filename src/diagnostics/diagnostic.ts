import type { DiagnosticCode } from './codes.js';
import { CATALOGUE } from './codes.js';
import type { Span } from './span.js';

export type Severity = 'error' | 'warning';

/** A span with a short message pointing at it ("expected `V`", "first declared here"). */
export interface Label {
  readonly span: Span;
  readonly message: string;
}

/**
 * A fix a tool can apply without asking: replace the text of `span` with `replacement`. Editors
 * offer it as a quick fix (src/lsp); rendered output does not show it (the `help` line does).
 */
export interface Fix {
  readonly span: Span;
  readonly replacement: string;
  /** What the fix does, for a menu: "replace with `tt`". */
  readonly title: string;
}

/**
 * One finding. `message` is a lowercase one-liner that stands alone (identifiers in backticks,
 * no trailing period); `primary` marks the smallest span at fault; `help` proposes a fix.
 */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly primary: Label;
  readonly secondary: readonly Label[];
  readonly notes: readonly string[];
  readonly help?: string;
  /** Machine-applicable fixes, best first (e.g. the did-you-mean suggestions of `help`). */
  readonly fixes?: readonly Fix[];
}

export interface DiagnosticOptions {
  /** Message under the primary caret; defaults to none. */
  label?: string;
  secondary?: Label[];
  notes?: string[];
  help?: string;
  /** Machine-applicable fixes; an empty list is left out. */
  fixes?: readonly Fix[];
}

export function makeDiagnostic(
  code: DiagnosticCode,
  span: Span,
  message: string,
  options: DiagnosticOptions = {},
): Diagnostic {
  const diagnostic: Diagnostic = {
    code,
    severity: CATALOGUE[code].severity,
    message,
    primary: { span, message: options.label ?? '' },
    secondary: options.secondary ?? [],
    notes: options.notes ?? [],
    ...(options.help === undefined ? {} : { help: options.help }),
    ...(options.fixes === undefined || options.fixes.length === 0 ? {} : { fixes: options.fixes }),
  };
  return diagnostic;
}

/** Collects diagnostics of one phase; phases never throw for user mistakes. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  report(code: DiagnosticCode, span: Span, message: string, options?: DiagnosticOptions): Diagnostic {
    const diagnostic = makeDiagnostic(code, span, message, options);
    this.items.push(diagnostic);
    return diagnostic;
  }

  add(diagnostic: Diagnostic): void {
    this.items.push(diagnostic);
  }

  addAll(diagnostics: readonly Diagnostic[]): void {
    for (const d of diagnostics) this.items.push(d);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order for output: by file, position, then code and message (deterministic output). */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareStrings(a.primary.span.file, b.primary.span.file) ||
      a.primary.span.start - b.primary.span.start ||
      a.primary.span.end - b.primary.span.end ||
      compareStrings(a.code, b.code) ||
      compareStrings(a.message, b.message),
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
