/**
 * Decoding of string literals (docs/language.md, sections 1 and 6): escapes in `"…"` strings,
 * none in raw `"""…"""` strings, and `${name}` / `${a.b}` interpolations in both.
 *
 * - `\"`, `\\`, `\n`, `\t` are the escapes of `"…"`; any other `\x` is LCP1005 and decodes to `x`.
 * - `$${` is a literal `${`; a `$` not followed by `{` is a literal `$`.
 * - `${ a.b }` or `${a.b:fmt}` (blanks around the name allowed) becomes an InterpolationPart whose Reference has
 *   the exact file spans of `a` and `b`; an empty, malformed or unclosed `${` is LCP1004 and its
 *   characters are kept as literal text.
 *
 * Linear in the length of the literal, whatever it contains.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/diagnostic.js';
import { span } from '../diagnostics/span.js';
import type { Identifier, StringLiteral, StringPart } from './ast.js';

export interface StringToken {
  /** The token as written, quotes included. */
  readonly image: string;
  /** File offset of the token's first character. */
  readonly start: number;
  /** Triple-quoted: no escapes. */
  readonly raw: boolean;
  /** False for an unterminated literal (its image has no closing quotes). */
  readonly terminated: boolean;
}

const INTERPOLATION_HELP =
  'an interpolation holds a name or a dotted name, as in `${corner.rc}`; write `$${` for a literal `${`';

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

function isBlank(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Show a piece of source in a message: short, one line, no backticks, or nothing. */
function showable(text: string): boolean {
  return text.length <= 40 && !/[\r\n`]/.test(text);
}

/**
 * Parse the inside of `${…}` (image indices `[from, to)`) as a dotted name; undefined when it is
 * not one. Offsets in the result are file offsets.
 */
function parseDottedName(
  image: string,
  from: number,
  to: number,
  base: number,
  file: string,
): { path: Identifier[]; format?: Identifier } | undefined {
  let i = from;
  while (i < to && isBlank(image[i])) i++;
  let end = to;
  while (end > i && isBlank(image[end - 1])) end--;
  if (i >= end) return undefined;
  // `${corner.voltage:p}`: a format name after the last `:`.
  let format: Identifier | undefined;
  const colon = image.lastIndexOf(':', end - 1);
  if (colon >= i) {
    let f = colon + 1;
    while (f < end && isBlank(image[f])) f++;
    if (f >= end || !NAME_START.test(image[f]!)) return undefined;
    const formatStart = f;
    f++;
    while (f < end && NAME_PART.test(image[f]!)) f++;
    if (f !== end) return undefined;
    format = { kind: 'Identifier', name: image.slice(formatStart, end), span: span(file, base + formatStart, base + end) };
    end = colon;
    while (end > i && isBlank(image[end - 1])) end--;
    if (i >= end) return undefined;
  }
  const path = parseDottedPath(image, i, end, base, file);
  return path && { path, ...(format ? { format } : {}) };
}

function parseDottedPath(image: string, from: number, end: number, base: number, file: string): Identifier[] | undefined {
  let i = from;
  const path: Identifier[] = [];
  for (;;) {
    const segStart = i;
    if (i >= end || !NAME_START.test(image[i]!)) return undefined;
    i++;
    while (i < end && NAME_PART.test(image[i]!)) i++;
    path.push({
      kind: 'Identifier',
      name: image.slice(segStart, i),
      span: span(file, base + segStart, base + i),
    });
    if (i === end) return path;
    if (image[i] !== '.') return undefined;
    i++;
  }
}

/**
 * Decode one string literal token into a StringLiteral; problems are appended to `diagnostics`.
 * Never throws.
 */
export function decodeString(file: string, token: StringToken, diagnostics: Diagnostic[]): StringLiteral {
  const { image, start: base, raw } = token;
  const quote = raw ? 3 : 1;
  const contentStart = Math.min(quote, image.length);
  let contentEnd = token.terminated ? image.length - quote : image.length;
  if (contentEnd < contentStart) contentEnd = contentStart;

  const parts: StringPart[] = [];
  let text = '';
  let buffer = '';
  let bufferStart = -1;
  let bufferEnd = -1;
  /** Until this index, `${` is literal (inside a malformed or unclosed interpolation). */
  let literalUntil = -1;
  /** Cache of the first `}` at or after `closeFrom` (-1: none until the end of the content). */
  let closeFrom = -1;
  let closeAt = -2;
  /** An unclosed `${` was reported: no `}` follows, later ones are literal and unreported. */
  let unclosedReported = false;

  const append = (value: string, from: number, to: number): void => {
    if (bufferStart < 0) bufferStart = from;
    bufferEnd = to;
    buffer += value;
  };
  const flush = (): void => {
    if (bufferStart < 0) return;
    parts.push({ kind: 'Text', value: buffer, span: span(file, base + bufferStart, base + bufferEnd) });
    text += buffer;
    buffer = '';
    bufferStart = -1;
    bufferEnd = -1;
  };
  const findClose = (from: number): number => {
    if (closeAt === -1 && closeFrom <= from) return -1;
    if (closeAt >= from && closeFrom <= from) return closeAt;
    const at = image.indexOf('}', from);
    closeFrom = from;
    closeAt = at >= contentEnd ? -1 : at;
    return closeAt;
  };

  let i = contentStart;
  while (i < contentEnd) {
    // A run of ordinary characters.
    let j = i;
    while (j < contentEnd) {
      const ch = image.charCodeAt(j);
      if (ch === 36 /* $ */ || (!raw && ch === 92) /* \ */) break;
      j++;
    }
    if (j > i) {
      append(image.slice(i, j), i, j);
      i = j;
      continue;
    }

    const ch = image[i]!;
    if (ch === '\\') {
      if (i + 1 >= contentEnd) {
        // A lone backslash at the end of an unterminated string: keep it.
        append('\\', i, i + 1);
        i++;
        continue;
      }
      const code = image.codePointAt(i + 1)!;
      const next = String.fromCodePoint(code);
      const width = 1 + next.length;
      let value: string;
      switch (next) {
        case '"':
          value = '"';
          break;
        case '\\':
          value = '\\';
          break;
        case 'n':
          value = '\n';
          break;
        case 't':
          value = '\t';
          break;
        default: {
          value = next;
          const written = `\\${next}`;
          diagnostics.push(
            makeDiagnostic(
              'LCP1005',
              span(file, base + i, base + i + width),
              `unknown escape sequence \`${showable(written) ? written : '\\'}\``,
              {
                label: 'unknown escape',
                help: 'the escapes are `\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash, or use a raw `"""…"""` string',
              },
            ),
          );
        }
      }
      append(value, i, i + width);
      i += width;
      continue;
    }

    // ch === '$'
    if (i < literalUntil) {
      append('$', i, i + 1);
      i++;
      continue;
    }
    if (image[i + 1] === '$' && image[i + 2] === '{' && i + 2 < contentEnd) {
      append('${', i, i + 3);
      i += 3;
      continue;
    }
    if (image[i + 1] !== '{' || i + 1 >= contentEnd) {
      append('$', i, i + 1);
      i++;
      continue;
    }

    // `${`
    const close = unclosedReported ? -1 : findClose(i + 2);
    if (close < 0) {
      if (!unclosedReported) {
        unclosedReported = true;
        diagnostics.push(
          makeDiagnostic('LCP1004', span(file, base + i, base + i + 2), 'unclosed interpolation `${`', {
            label: 'this `${` is never closed',
            help: INTERPOLATION_HELP,
          }),
        );
      }
      literalUntil = contentEnd;
      append('${', i, i + 2);
      i += 2;
      continue;
    }
    const parsed = parseDottedName(image, i + 2, close, base, file);
    if (parsed === undefined) {
      const inner = image.slice(i + 2, close);
      const empty = inner.trim() === '';
      const message = empty
        ? 'empty interpolation `${}`'
        : showable(inner)
          ? `malformed interpolation \`\${${inner}}\``
          : 'malformed interpolation';
      diagnostics.push(
        makeDiagnostic('LCP1004', span(file, base + i, base + close + 1), message, {
          label: empty ? 'expected a name' : 'expected a name or a dotted name',
          help: INTERPOLATION_HELP,
        }),
      );
      literalUntil = close;
      append('${', i, i + 2);
      i += 2;
      continue;
    }
    flush();
    const { path, format } = parsed;
    const first = path[0]!;
    const last = path[path.length - 1]!;
    parts.push({
      kind: 'Interpolation',
      reference: {
        kind: 'Reference',
        path,
        span: span(file, first.span.start, last.span.end),
      },
      ...(format ? { format } : {}),
      span: span(file, base + i, base + close + 1),
    });
    text += `\${${path.map((p) => p.name).join('.')}${format ? `:${format.name}` : ''}}`;
    i = close + 1;
  }
  flush();

  return { kind: 'String', parts, text, span: span(file, base, base + image.length) };
}
