/**
 * The canonical formatter of `.lcp` files (`libcc fmt`). Pure: text in, text (or the syntax
 * diagnostics) out. It only ever changes whitespace, the placement of comments and the trailing
 * comma of a list; every other token is written exactly as it appears in the source. A file with
 * syntax errors is refused (its parse diagnostics are returned): guessing the meaning of broken
 * input could lose text.
 *
 * The style (docs/formatting.md has the user-facing version):
 *
 * - **Layout**: two spaces of indentation, LF line endings, no trailing whitespace, exactly one
 *   final newline (an empty file stays empty). Lines aim at 100 columns; only lists and one-line
 *   blocks are ever broken to meet that, nothing else is wrapped.
 * - **Declarations**: a declaration that takes several lines is separated from its neighbours by
 *   exactly one blank line. Between two consecutive one-line declarations (of any kind:
 *   `pipeline`, `import`, `env`, `corners`, and one-line `corner x {}` or `queue q { … }` …) the
 *   author's choice is kept: no blank line if there was none, one if there were one or more.
 * - **Blocks**: `{` ends the header line, one item per line indented two spaces, `}` on its own
 *   line. A block written on one line in the source stays on one line — items separated by two
 *   spaces, one space inside the braces, `{ a = 1  b = 2 }` — when it holds no comment and the
 *   whole line fits in 100 columns; otherwise it is expanded. An empty block is `{}`. Blank lines
 *   between items are kept (at most one), never after `{` or before `}`.
 * - **Spacing**: `key = value`, `a, b`, `low .. high`, binary operators between single spaces,
 *   `!x`, `a.b`, `for each a, b`, `after a, b`, `library x : node`, `env X: type = v`.
 * - **Lists**: on one line, `[a, b]`, when that fits in 100 columns and the list holds no comment;
 *   otherwise one item per line, each followed by a comma (so a trailing comma appears only in
 *   broken lists). Blank lines between items of a list with comments are kept (at most one).
 * - **Parentheses** are kept as written, even redundant ones.
 * - **Literals** are copied from the source: strings keep their quotes, escapes and (raw `"""`)
 *   line breaks; quantities keep their digits (`0.480V` stays `0.480V`).
 * - **Comments** are all kept, in order. A comment on its own line belongs to what follows it
 *   (declaration, block item, list item, or the closing `}` / `]`) and is printed on its own
 *   line(s), blank lines before it kept (at most one). A comment after code on the same line
 *   stays at the end of that line, two spaces after the code (after `{`, `[` or a list item's
 *   comma as well). Line comments lose trailing whitespace; block comments are kept verbatim.
 *   Comments anywhere else (inside a header or an expression) stay between the same two tokens.
 *
 * Only lists and blocks make layout decisions, and a block's depends on the source only through
 * "was it on one line?"; blank lines depend only on "was there a blank line?". So formatting is
 * idempotent, and any change of whitespace that keeps those two facts (and which comments start
 * their own line) gives the same text.
 *
 * As a last line of defence the result is parsed again and must hold the same tokens (modulo list
 * trailing commas) and the same comments; otherwise `formatLcp` throws (a bug in the formatter).
 */
import type { IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createSourceFile, type SourceFile } from '../diagnostics/source.js';
import type {
  AfterJoin,
  Block,
  BlockItem,
  Comment,
  Declaration,
  Expression,
  Identifier,
  ListExpression,
  LcpFile,
} from './ast.js';
import { parseLcp } from './parse.js';
import { COMMENTS_GROUP, lcpLexer } from './tokens.js';

/** Lines aim at this many columns (lists and one-line blocks are broken to meet it). */
export const FORMAT_WIDTH = 100;
const INDENT = '  ';

export type FormatResult = { text: string } | { diagnostics: Diagnostic[] };

/**
 * Format one `.lcp` file. Returns the canonical text, or the syntax diagnostics when the file
 * does not parse cleanly (nothing is formatted then). Never reads or writes files.
 */
export function formatLcp(source: SourceFile): FormatResult {
  const parsed = parseLcp(source);
  if (parsed.diagnostics.length > 0) return { diagnostics: [...parsed.diagnostics] };
  const lexed = lcpLexer.tokenize(source.text);
  const text = new Formatter(source.text, lexed.tokens, parsed.file).format();
  verify(source, text);
  return { text };
}

// ---------------------------------------------------------------------------------------------
// Documents: a small Wadler/Prettier-style layout language
// ---------------------------------------------------------------------------------------------

type Doc = string | readonly Doc[] | Indent | Group | Line | HardLine | IfBreak | Suffix;

interface Indent {
  readonly t: 'indent';
  readonly doc: Doc;
}
/** Printed flat (every `Line` as its flat text) when it fits on the line, else broken. */
interface Group {
  readonly t: 'group';
  readonly doc: Doc;
}
/** A line break when its group is broken, `flat` otherwise. */
interface Line {
  readonly t: 'line';
  readonly flat: string;
}
/** Always a line break; forces every enclosing group to break. */
interface HardLine {
  readonly t: 'hard';
}
interface IfBreak {
  readonly t: 'ifBreak';
  readonly broken: Doc;
  readonly flat: Doc;
}
/** End-of-line text (a trailing comment): takes no room when measuring what fits. */
interface Suffix {
  readonly t: 'suffix';
  readonly text: string;
}

const hard: HardLine = { t: 'hard' };
const softline: Line = { t: 'line', flat: '' };
const indent = (doc: Doc): Indent => ({ t: 'indent', doc });
const group = (doc: Doc): Group => ({ t: 'group', doc });
const line = (flat: string): Line => ({ t: 'line', flat });
const ifBreak = (broken: Doc, flat: Doc): IfBreak => ({ t: 'ifBreak', broken, flat });
const suffix = (text: string): Suffix => ({ t: 'suffix', text });

function join(separator: Doc, docs: readonly Doc[]): Doc[] {
  const out: Doc[] = [];
  docs.forEach((doc, i) => {
    if (i > 0) out.push(separator);
    out.push(doc);
  });
  return out;
}

const hardCache = new WeakMap<object, boolean>();

/** Whether a document contains a hard line break (its groups must then break). */
function hasHard(doc: Doc): boolean {
  if (typeof doc === 'string') return false;
  const cached = hardCache.get(doc);
  if (cached !== undefined) return cached;
  let result: boolean;
  if (isDocArray(doc)) result = doc.some(hasHard);
  else {
    switch (doc.t) {
      case 'hard':
        result = true;
        break;
      case 'indent':
      case 'group':
        result = hasHard(doc.doc);
        break;
      case 'ifBreak':
        result = hasHard(doc.broken) || hasHard(doc.flat);
        break;
      default:
        result = false;
    }
  }
  hardCache.set(doc, result);
  return result;
}

function isDocArray(doc: Doc): doc is readonly Doc[] {
  return Array.isArray(doc);
}

type Mode = 'flat' | 'break';
interface Command {
  readonly level: number;
  readonly mode: Mode;
  readonly doc: Doc;
}

/** Whether `next` printed flat, then the rest up to the first line break, fits in `width`. */
function fits(next: Command, rest: readonly Command[], width: number): boolean {
  let remaining = width;
  let restIndex = rest.length - 1;
  const stack: Command[] = [next];
  for (;;) {
    let command = stack.pop();
    if (command === undefined) {
      if (restIndex < 0) return true;
      command = rest[restIndex--]!;
    }
    const { mode, doc, level } = command;
    if (typeof doc === 'string') {
      const newline = doc.search(/[\r\n]/);
      if (newline >= 0) return remaining - newline >= 0;
      remaining -= doc.length;
      if (remaining < 0) return false;
    } else if (isDocArray(doc)) {
      for (let i = doc.length - 1; i >= 0; i--) stack.push({ level, mode, doc: doc[i]! });
    } else {
      switch (doc.t) {
        case 'indent':
          stack.push({ level: level + 1, mode, doc: doc.doc });
          break;
        case 'group':
          stack.push({ level, mode: hasHard(doc.doc) ? 'break' : mode, doc: doc.doc });
          break;
        case 'line':
          if (mode === 'break') return true;
          remaining -= doc.flat.length;
          if (remaining < 0) return false;
          break;
        case 'hard':
          return true;
        case 'ifBreak':
          stack.push({ level, mode, doc: mode === 'break' ? doc.broken : doc.flat });
          break;
        case 'suffix':
          break;
      }
    }
  }
}

/** Lay a document out at column 0. Line breaks are LF; whitespace before a break is dropped. */
function printDoc(doc: Doc, width = FORMAT_WIDTH): string {
  const out: string[] = [];
  let column = 0;
  const newline = (level: number): void => {
    // Trailing blanks on the finished line were written by the printer (separators and
    // indentation), never by a literal: strings end with a quote, comments with `*/`.
    while (out.length > 0) {
      const last = out[out.length - 1]!;
      const trimmed = trimBlanksEnd(last, ' \t');
      if (trimmed === '') {
        out.pop();
        continue;
      }
      out[out.length - 1] = trimmed;
      break;
    }
    out.push('\n', INDENT.repeat(level));
    column = INDENT.length * level;
  };
  const stack: Command[] = [{ level: 0, mode: 'break', doc }];
  while (stack.length > 0) {
    const { level, mode, doc: current } = stack.pop()!;
    if (typeof current === 'string') {
      out.push(current);
      const newlineAt = Math.max(current.lastIndexOf('\n'), current.lastIndexOf('\r'));
      column = newlineAt >= 0 ? current.length - newlineAt - 1 : column + current.length;
    } else if (isDocArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ level, mode, doc: current[i]! });
    } else {
      switch (current.t) {
        case 'indent':
          stack.push({ level: level + 1, mode, doc: current.doc });
          break;
        case 'group': {
          let groupMode: Mode = 'flat';
          if (mode === 'break') {
            const flat: Command = { level, mode: 'flat', doc: current.doc };
            groupMode = !hasHard(current.doc) && fits(flat, stack, width - column) ? 'flat' : 'break';
          }
          stack.push({ level, mode: groupMode, doc: current.doc });
          break;
        }
        case 'line':
          if (mode === 'flat') {
            out.push(current.flat);
            column += current.flat.length;
          } else newline(level);
          break;
        case 'hard':
          newline(level);
          break;
        case 'ifBreak':
          stack.push({ level, mode, doc: mode === 'break' ? current.broken : current.flat });
          break;
        case 'suffix':
          out.push(current.text);
          column += current.text.length;
          break;
      }
    }
  }
  return trimBlanksEnd(out.join(''), ' \t');
}

// ---------------------------------------------------------------------------------------------
// The formatter: walks the AST and the token stream together
// ---------------------------------------------------------------------------------------------

const HORIZONTAL_SPACE = /^[ \t\f\v\uFEFF]*$/;
const SPACE = /[ \t\r\n\f\v\uFEFF]/;

const LINE_BLANKS = ' \t\f\v\uFEFF';

/**
 * `text` without the trailing characters in `blanks`. A loop, not `replace(/[ \t]+$/)`: V8 tries
 * that regex at every position of a run of blanks that is not at the end, which is quadratic
 * (a 60 kB comment of blanks took over a minute to format).
 */
export function trimBlanksEnd(text: string, blanks: string): string {
  let end = text.length;
  while (end > 0 && blanks.includes(text[end - 1]!)) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** How a comment is written: line comments without trailing blanks, block comments verbatim. */
function commentText(comment: Comment): string {
  return comment.text.startsWith('//') ? trimBlanksEnd(comment.text, LINE_BLANKS) : comment.text;
}

class Formatter {
  /** Next token to print. */
  private ti = 0;
  /** Next comment not yet placed. */
  private ci = 0;
  /** End offset of the last token or comment placed. */
  private lastEnd = 0;
  private readonly comments: readonly Comment[];

  constructor(
    private readonly text: string,
    private readonly tokens: readonly IToken[],
    private readonly file: LcpFile,
  ) {
    this.comments = file.comments;
  }

  format(): string {
    const out: string[] = [];
    let previousOneLine: boolean | undefined;
    for (const declaration of this.file.declarations) {
      const leading = this.takeBefore(declaration.span.start);
      const doc = this.declaration(declaration);
      const trailing = this.takeTrailing();
      const body = printDoc(doc);
      const oneLine = !/[\r\n]/.test(body);
      const first = leading[0]?.span.start ?? declaration.span.start;
      if (previousOneLine !== undefined) {
        const blank = previousOneLine && oneLine ? this.blankLineBefore(first) : true;
        out.push(blank ? '\n' : '');
      }
      leading.forEach((comment, i) => {
        if (i > 0 && this.blankLineBefore(comment.span.start)) out.push('\n');
        out.push(`${commentText(comment)}\n`);
      });
      if (leading.length > 0 && this.blankLineBefore(declaration.span.start)) out.push('\n');
      out.push(`${body}${trailing.map((c) => `  ${commentText(c)}`).join('')}\n`);
      previousOneLine = oneLine;
    }
    const rest = this.takeBefore(Number.POSITIVE_INFINITY);
    rest.forEach((comment, i) => {
      if ((i > 0 || previousOneLine !== undefined) && this.blankLineBefore(comment.span.start)) out.push('\n');
      out.push(`${commentText(comment)}\n`);
    });
    if (this.ti !== this.tokens.length) {
      throw new Error(`formatter: ${this.tokens.length - this.ti} token(s) not printed`);
    }
    return out.join('');
  }

  // --- source layout -------------------------------------------------------------------------

  /** Whether the whitespace just before `offset` holds a blank line (two or more line breaks). */
  private blankLineBefore(offset: number): boolean {
    let breaks = 0;
    let i = offset - 1;
    while (i >= 0 && SPACE.test(this.text[i]!)) {
      const ch = this.text[i]!;
      if (ch === '\n' || (ch === '\r' && this.text[i + 1] !== '\n')) breaks++;
      i--;
    }
    return i >= 0 && breaks >= 2;
  }

  private hasLineBreak(start: number, end: number): boolean {
    return /[\r\n]/.test(this.text.slice(start, end));
  }

  // --- comments ------------------------------------------------------------------------------

  private nextComment(): Comment | undefined {
    return this.comments[this.ci];
  }

  /** Every comment not yet placed that starts before `offset`. */
  private takeBefore(offset: number): Comment[] {
    const taken: Comment[] = [];
    for (let c = this.nextComment(); c !== undefined && c.span.start < offset; c = this.nextComment()) {
      taken.push(c);
      this.ci++;
      this.lastEnd = c.span.end;
    }
    return taken;
  }

  /** Comments on the same line right after what was printed last (only blanks in between). */
  private takeTrailing(): Comment[] {
    const taken: Comment[] = [];
    for (let c = this.nextComment(); c !== undefined; c = this.nextComment()) {
      if (!HORIZONTAL_SPACE.test(this.text.slice(this.lastEnd, c.span.start))) break;
      taken.push(c);
      this.ci++;
      this.lastEnd = c.span.end;
    }
    return taken;
  }

  /**
   * Comments at the end of a line, two spaces after the code. Nothing can follow a line comment
   * on its line: the comments after one (a list item's, moved past its comma) get lines of their own.
   */
  private trailingDocs(comments: readonly Comment[]): Doc[] {
    const docs: Doc[] = [];
    let lineEnded = false;
    for (const comment of comments) {
      docs.push(...(lineEnded ? [hard, commentText(comment)] : [suffix(`  ${commentText(comment)}`)]));
      if (comment.text.startsWith('//')) lineEnded = true;
    }
    return docs;
  }

  /** Comments left before the next token (inside a header or an expression): kept in place. */
  private inlineComments(offset: number): Doc[] {
    const docs: Doc[] = [];
    for (const comment of this.takeBefore(offset)) {
      if (comment.text.startsWith('//')) docs.push(suffix(` ${commentText(comment)}`), hard);
      else docs.push(comment.text, ' ');
    }
    return docs;
  }

  // --- tokens --------------------------------------------------------------------------------

  private peek(): IToken | undefined {
    return this.tokens[this.ti];
  }

  /** Print the next token (checked against `expected`), after any comment placed before it. */
  private tok(expected?: string, at?: number): Doc {
    const token = this.tokens[this.ti];
    if (token === undefined) throw new Error(`formatter: expected ${expected ?? 'a token'}, found the end of the file`);
    if (expected !== undefined && token.image !== expected) {
      throw new Error(`formatter: expected \`${expected}\` at offset ${token.startOffset}, found \`${token.image}\``);
    }
    if (at !== undefined && token.startOffset !== at) {
      throw new Error(`formatter: token at offset ${token.startOffset}, expected one at ${at}`);
    }
    const before = this.inlineComments(token.startOffset);
    this.ti++;
    this.lastEnd = token.startOffset + token.image.length;
    return before.length > 0 ? [...before, token.image] : token.image;
  }

  private name(identifier: Identifier): Doc {
    return this.tok(undefined, identifier.span.start);
  }

  /** `a, b, c` of names (`for each`, `after`). */
  private names(identifiers: readonly Identifier[]): Doc[] {
    const docs: Doc[] = [];
    identifiers.forEach((identifier, i) => {
      if (i > 0) docs.push(this.tok(','), ' ');
      docs.push(this.name(identifier));
    });
    return docs;
  }

  /** `a, b | c`: `|` between the alternatives of a join, `,` elsewhere. */
  private afterNames(names: readonly Identifier[], joins: readonly AfterJoin[]): Doc[] {
    const joined = new Set(joins.flatMap((j) => j.alternatives.slice(1)));
    const docs: Doc[] = [];
    names.forEach((name, i) => {
      if (i > 0) docs.push(joined.has(name) ? [' ', this.tok('|'), ' '] : [this.tok(','), ' ']);
      docs.push(this.name(name));
    });
    return docs;
  }

  // --- declarations --------------------------------------------------------------------------

  private declaration(d: Declaration): Doc {
    switch (d.kind) {
      case 'PipelineDecl':
        return [this.tok('pipeline'), ' ', this.name(d.name)];
      case 'ImportDecl':
        return [this.tok('import'), ' ', this.expression(d.path)];
      case 'EnvDecl': {
        const docs: Doc[] = [this.tok('env'), ' ', this.name(d.name), this.tok(':'), ' ', this.name(d.type)];
        if (d.default !== undefined) docs.push(' ', this.tok('='), ' ', this.expression(d.default));
        return docs;
      }
      case 'AttributeDecl': {
        const docs: Doc[] = [this.tok('attribute'), ' ', this.name(d.entity), this.tok('.'), this.name(d.name), this.tok(':'), ' ', this.name(d.type)];
        if (d.default !== undefined) docs.push(' ', this.tok('='), ' ', this.expression(d.default));
        return docs;
      }
      case 'SiteDecl':
        return [this.tok('site'), ' ', this.block(d.body)];
      case 'ToolDecl':
        return [this.tok('tool'), ' ', this.name(d.name), ' ', this.block(d.body)];
      case 'QueueDecl':
        return [this.tok('queue'), ' ', this.name(d.name), ' ', this.block(d.body)];
      case 'NodeDecl':
        return [this.tok('node'), ' ', this.name(d.name), ' ', this.block(d.body)];
      case 'CornerDecl':
        return [this.tok('corner'), ' ', this.name(d.name), ' ', this.block(d.body)];
      case 'LibraryDecl': {
        const docs: Doc[] = [this.tok('library'), ' ', this.name(d.name)];
        if (d.node !== undefined) docs.push(' ', this.tok(':'), ' ', this.name(d.node));
        docs.push(' ', this.block(d.body));
        return docs;
      }
      case 'DimensionDecl':
        return [this.tok('dimension'), ' ', this.name(d.name), ' ', this.tok('='), ' ', this.tok('['), ...this.names(d.values), this.tok(']')];
      case 'CornerSetDecl':
        return [this.tok('corners'), ' ', this.name(d.name), ' ', this.tok('='), ' ', this.expression(d.value)];
      case 'StageDecl': {
        const docs: Doc[] = [this.tok('stage'), ' ', this.name(d.name)];
        if (d.forEach !== undefined) docs.push(' ', this.tok('for'), ' ', this.tok('each'), ' ', ...this.names(d.forEach.keys));
        if (d.forEach?.groupBy !== undefined) docs.push(' ', this.tok('group'), ' ', this.tok('by'), ' ', ...this.names(d.forEach.groupBy.fields));
        if (d.after.length > 0) docs.push(' ', this.tok('after'), ' ', ...this.afterNames(d.after, d.joins ?? []));
        if (d.where !== undefined) docs.push(' ', this.tok('where'), ' ', this.expression(d.where));
        if (d.extends !== undefined) docs.push(' ', this.tok('extends'), ' ', this.name(d.extends));
        docs.push(' ', this.block(d.body));
        return docs;
      }
      case 'TemplateDecl': {
        const docs: Doc[] = [this.tok('template'), ' ', this.name(d.name)];
        if (d.extends !== undefined) docs.push(' ', this.tok('extends'), ' ', this.name(d.extends));
        docs.push(' ', this.block(d.body));
        return docs;
      }
    }
  }

  // --- blocks --------------------------------------------------------------------------------

  private block(b: Block): Doc {
    // Comments between the header and `{` stay there, outside the block's layout decision.
    return this.afterInlineComments(b.span.start, () => this.blockBody(b));
  }

  /** `body` preceded by the comments that stand before `start` on its line, if any. */
  private afterInlineComments(start: number, body: () => Doc): Doc {
    const before = this.inlineComments(start);
    return before.length > 0 ? [...before, body()] : body();
  }

  private blockBody(b: Block): Doc {
    const open = this.tok('{', b.span.start);
    const close = b.span.end - 1;
    const next = this.nextComment();
    const hasComments = next !== undefined && next.span.start < close;
    if (!hasComments && b.items.length === 0) return [open, this.tok('}', close)];
    if (!hasComments && !this.hasLineBreak(b.span.start, b.span.end)) {
      // Written on one line: kept so when it fits.
      const items = b.items.map((item) => this.item(item));
      return group([open, indent([line(' '), join(line('  '), items)]), line(' '), this.tok('}', close)]);
    }
    const head: Doc[] = [open, ...this.trailingDocs(this.takeTrailing())];
    const body: Doc[] = [];
    let first = true;
    const startLine = (offset: number): void => {
      if (!first && this.blankLineBefore(offset)) body.push(hard);
      body.push(hard);
      first = false;
    };
    for (const item of b.items) {
      for (const comment of this.takeBefore(item.span.start)) {
        startLine(comment.span.start);
        body.push(commentText(comment));
      }
      startLine(item.span.start);
      body.push(this.item(item), ...this.trailingDocs(this.takeTrailing()));
    }
    for (const comment of this.takeBefore(close)) {
      startLine(comment.span.start);
      body.push(commentText(comment));
    }
    return [...head, indent(body), hard, this.tok('}', close)];
  }

  private item(item: BlockItem): Doc {
    switch (item.kind) {
      case 'Property':
        return [this.name(item.key), ' ', this.tok('='), ' ', this.expression(item.value)];
      case 'NestedBlock':
        return [this.name(item.key), ' ', this.block(item.body)];
      case 'ExpectStatement': {
        const docs: Doc[] = [this.tok('expect'), ' ', this.expression(item.pattern)];
        if (item.operator !== undefined) docs.push(' ', this.tok(item.operator));
        if (item.count !== undefined) docs.push(' ', this.expression(item.count));
        return docs;
      }
      case 'RetryStatement': {
        const docs: Doc[] = [this.tok('retry'), ' ', this.expression(item.count)];
        if (item.exitCodes.length > 0) {
          docs.push(' ', this.tok('on'), ' ', this.tok('exit'), ' ');
          item.exitCodes.forEach((code, i) => {
            if (i > 0) docs.push(this.tok(','), ' ');
            docs.push(this.expression(code));
          });
        }
        if (item.backoff !== undefined) docs.push(' ', this.tok('backoff'), ' ', this.expression(item.backoff));
        return docs;
      }
    }
  }

  // --- expressions ---------------------------------------------------------------------------

  /** An expression with the parentheses written around it (they leave no AST node). */
  private expression(e: Expression): Doc {
    const open: Doc[] = [];
    for (let t = this.peek(); t !== undefined && t.image === '(' && t.startOffset < e.span.start; t = this.peek()) {
      open.push(this.tok('('));
    }
    const inner = this.bare(e);
    const close = open.map(() => this.tok(')'));
    return open.length > 0 ? [...open, inner, ...close] : inner;
  }

  private bare(e: Expression): Doc {
    switch (e.kind) {
      case 'String':
      case 'Quantity':
      case 'Boolean':
        // Literals exactly as written: quotes, escapes, raw line breaks, digits and unit.
        return this.tok(undefined, e.span.start);
      case 'Reference': {
        const docs: Doc[] = [];
        e.path.forEach((segment, i) => {
          if (i > 0) docs.push(this.tok('.'));
          docs.push(this.name(segment));
        });
        return docs;
      }
      case 'List':
        return this.list(e);
      case 'Range':
        return [this.expression(e.low), ' ', this.tok('..'), ' ', this.expression(e.high)];
      case 'Binary':
        return [this.expression(e.left), ' ', this.tok(e.operator), ' ', this.expression(e.right)];
      case 'Not':
        return [this.tok('!'), this.expression(e.operand)];
      case 'Filter':
        return [this.expression(e.source), ' ', this.tok('where'), ' ', this.expression(e.condition)];
      case 'ShellRun':
        return [this.tok('shell'), ' ', this.expression(e.command)];
      case 'ToolRun': {
        const docs: Doc[] = [this.name(e.tool)];
        if (e.deck !== undefined) docs.push(' ', this.tok('deck'), ' ', this.expression(e.deck));
        if (e.args !== undefined) docs.push(' ', this.expression(e.args));
        return docs;
      }
    }
  }

  private list(l: ListExpression): Doc {
    return this.afterInlineComments(l.span.start, () => this.listBody(l));
  }

  private listBody(l: ListExpression): Doc {
    const open = this.tok('[', l.span.start);
    const close = l.span.end - 1;
    const next = this.nextComment();
    const hasComments = next !== undefined && next.span.start < close;
    if (!hasComments) {
      const items: Doc[] = [];
      l.items.forEach((item) => {
        items.push(this.expression(item));
        // The separator, or a trailing comma (dropped: re-added when the list breaks).
        if (this.peek()?.image === ',') this.tok(',');
      });
      const end = this.tok(']', close);
      if (items.length === 0) return [open, end];
      return group([open, indent([softline, join([',', line(' ')], items), ifBreak(',', '')]), softline, end]);
    }
    // A list with comments: one item per line, each comment kept on its line.
    const head: Doc[] = [open, ...this.trailingDocs(this.takeTrailing())];
    const body: Doc[] = [];
    let first = true;
    const startLine = (offset: number): void => {
      if (!first && this.blankLineBefore(offset)) body.push(hard);
      body.push(hard);
      first = false;
    };
    for (const item of l.items) {
      // The item's first token: a parenthesised item starts before its span.
      const start = this.peek()?.startOffset ?? item.span.start;
      for (const comment of this.takeBefore(start)) {
        startLine(comment.span.start);
        body.push(commentText(comment));
      }
      startLine(start);
      body.push(this.expression(item), ',');
      let trailing: Comment[];
      const comma = this.peek();
      if (comma?.image === ',') {
        // Comments between the item and its comma go after the comma.
        trailing = this.takeBefore(comma.startOffset);
        this.tok(',');
        trailing.push(...this.takeTrailing());
      } else {
        trailing = this.takeTrailing();
      }
      body.push(...this.trailingDocs(trailing));
    }
    for (const comment of this.takeBefore(close)) {
      startLine(comment.span.start);
      body.push(commentText(comment));
    }
    return [...head, indent(body), hard, this.tok(']', close)];
  }
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

/** Token images without the trailing commas of lists (the one token the formatter may change). */
function significantTokens(text: string): { tokens: string[]; comments: string[] } {
  const lexed = lcpLexer.tokenize(text);
  const images = lexed.tokens.map((t) => t.image);
  const tokens = images.filter((image, i) => !(image === ',' && images[i + 1] === ']'));
  const comments = (lexed.groups[COMMENTS_GROUP] ?? []).map((t) =>
    t.image.startsWith('//') ? trimBlanksEnd(t.image, LINE_BLANKS) : t.image,
  );
  return { tokens, comments };
}

/** The formatted text must parse cleanly to the same tokens and comments, or it is a bug. */
function verify(source: SourceFile, formatted: string): void {
  const reparsed = parseLcp(createSourceFile(source.path, formatted));
  const before = significantTokens(source.text);
  const after = significantTokens(formatted);
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (reparsed.diagnostics.length > 0 || !same(before.tokens, after.tokens) || !same(before.comments, after.comments)) {
    throw new Error(`formatter: the formatted text of ${source.path} does not match its source`);
  }
}
