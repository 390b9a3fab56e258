/**
 * A source text with a precomputed line table, so offsets in spans can be turned into
 * 1-based line:column positions cheaply (binary search) when diagnostics are rendered.
 */
export interface SourceFile {
  /** Path as shown to users: relative to the working directory, `/` separators. */
  readonly path: string;
  readonly text: string;
  /** Offset of the first character of every line. */
  readonly lineStarts: readonly number[];
}

export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in UTF-16 code units like editors and LSP do. */
  column: number;
}

export function createSourceFile(path: string, text: string): SourceFile {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 /* \n */) lineStarts.push(i + 1);
    else if (ch === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      lineStarts.push(i + 1);
    }
  }
  return { path, text, lineStarts };
}

/** Line and column (1-based) of an offset; offsets past the end clamp to the end. */
export function positionAt(file: SourceFile, offset: number): Position {
  const clamped = Math.max(0, Math.min(offset, file.text.length));
  const starts = file.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= clamped) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: clamped - starts[lo]! + 1 };
}

/** Text of a 1-based line without its line terminator. */
export function lineText(file: SourceFile, line: number): string {
  const start = file.lineStarts[line - 1];
  if (start === undefined) return '';
  const next = file.lineStarts[line];
  const end = next === undefined ? file.text.length : next;
  return file.text.slice(start, end).replace(/\r?\n$|\r$/, '');
}
