/**
 * A half-open range `[start, end)` of UTF-16 offsets in one source file. Every AST node and
 * every diagnostic label carries one. `file` is the path key of a SourceFile.
 */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

export function span(file: string, start: number, end: number): Span {
  return { file, start, end };
}

/** The smallest span covering both (they must be in the same file). */
export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
