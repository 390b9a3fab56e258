/**
 * `libcc diff`: what a re-compile would change in a generated directory, as one unified diff
 * (git's flavour: `diff --git a/<path> b/<path>`, `new file mode`, `deleted file mode`,
 * `/dev/null` for the missing side), so a reviewer sees the scripts a pipeline change implies
 * and `git apply` (or `patch -p1`) run in the directory would perform the compile.
 *
 * It compares exactly what `libcc compile --check` compares: the files a compile would write
 * (including the manifest, when the caller passes it) against the directory, plus the files a
 * previous compile generated (listed in its manifest) that would be removed. The diff is empty
 * exactly when `--check` passes. Reads `outDir`; writes nothing. Like compile, it reads only
 * paths of a validated manifest, never through a symbolic link (`safe-fs.ts`): a hostile
 * manifest or a planted link is an error (`ManifestError`, `UnsafePathError`), not a diff.
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { isExecutable } from '../emit/file-modes.js';
import { asBytes, expectedOf, MANIFEST, readManifest, type Content } from './compile.js';
import { probeBytes, textOf, UnsafePathError, type Expected } from './safe-fs.js';

/** Lines of context around each change, as git shows them. */
const CONTEXT = 3;

/**
 * The unified diff from the contents of `outDir` to `files` (relative path → content, what a
 * compile would write), in pieces to be written one after another (at 100k jobs, 110 MB after
 * one changed estimate: joined, it would be held twice); none when the directory is up to date.
 * Files are in path order; a file the compile would add is diffed from `/dev/null`, one it would
 * remove (listed in the previous manifest, absent from `files`) to `/dev/null`. The run state
 * under `run/` is never looked at.
 */
export function diffGenerated(outDir: string, files: ReadonlyMap<string, Content>): string[] {
  // Each directory is looked at once (33k decks share a few).
  const directories = new Map<string, string | undefined>();
  const removed = [...(readManifest(outDir)?.keys() ?? [])].filter(
    (path) => path !== MANIFEST && !files.has(path) && current(outDir, path, undefined, directories) !== undefined,
  );
  const paths = [...new Set([...files.keys(), ...removed])].sort(compareStrings);
  const parts: string[] = [];
  for (const path of paths) {
    const content = files.get(path);
    // Compared as bytes first (a deck or plan.json in its pieces): most files of a big directory
    // are unchanged, and never made whole or made text.
    const found = current(outDir, path, content === undefined ? undefined : typeof content === 'string' ? Buffer.from(content, 'utf8') : expectedOf(content), directories);
    if (found !== undefined && 'same' in found) continue;
    const before = found?.text;
    const bytes = content === undefined || typeof content === 'string' ? undefined : asBytes(content)!;
    const after = bytes === undefined ? (content as string | undefined) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
    if (before === after) continue;
    parts.push(`diff --git a/${path} b/${path}\n`);
    if (before === undefined) {
      parts.push(`new file mode ${isExecutable(path) ? '100755' : '100644'}\n`, ...patchPieces('/dev/null', `b/${path}`, '', after!));
    } else if (after === undefined) {
      parts.push(`deleted file mode ${(found!.mode & 0o111) !== 0 ? '100755' : '100644'}\n`, ...patchPieces(`a/${path}`, '/dev/null', before, ''));
    } else {
      parts.push(...patchPieces(`a/${path}`, `b/${path}`, before, after));
    }
  }
  return parts;
}

/**
 * The shortest patch (jsdiff's Myers diff) when it is found within a bounded amount of work, else
 * `regionPatch`. Myers takes time in proportion to the lines times the number of edits: one
 * changed estimate rewrites the timing of every job in plan.json, and the shortest patch of a
 * 10k-job directory took 279 s to find.
 */
export function patch(oldName: string, newName: string, before: string, after: string): string {
  return patchPieces(oldName, newName, before, after).join('');
}

/**
 * `patch` in pieces to be written one after another: the region patch of a 100k-job plan.json
 * is about 110 MB, which joined would be held twice.
 */
function patchPieces(oldName: string, newName: string, before: string, after: string): string[] {
  const budget = editBudget(before, after);
  // jsdiff splits both texts into lines before it searches: for a big file, first make sure the
  // search can succeed (it fails exactly when more than `budget` edits are needed).
  const hopeless = before.length + after.length >= PRECHECK_CHARS && editsExceed(before, after, budget) === true;
  const shortest = hopeless
    ? undefined
    : createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, {
        context: CONTEXT,
        headerOptions: FILE_HEADERS_ONLY,
        maxEditLength: budget,
      });
  const pieces = shortest === undefined ? regionPieces(oldName, newName, before, after) : [shortest];
  // Both sides empty (an empty file added or removed): headers only, no hunk.
  return pieces.at(-1)!.endsWith('\n') ? pieces : [...pieces, '\n'];
}

/** Line comparisons Myers may spend on one file (about a second); at least `MIN_EDITS` edits are tried. */
const EDIT_WORK = 20_000_000;
const MIN_EDITS = 100;

/** The most edits worth searching for: deterministic (a count, not a time), so the diff is the same on any machine. */
function editBudget(before: string, after: string): number {
  const lines = lineCountOf(before, 0, before.length) + lineCountOf(after, 0, after.length);
  return Math.max(MIN_EDITS, Math.floor(EDIT_WORK / Math.max(1, lines)));
}

/** Texts at least this long (both together) are checked with `editsExceed` before jsdiff splits them. */
const PRECHECK_CHARS = 1 << 20;
/** Steps `editsExceed` may take before it gives no answer (`EDIT_WORK`'s order). */
const PRECHECK_WORK = 4 * EDIT_WORK;

/**
 * Whether more than `limit` lines must be removed or added to turn `before` into `after`:
 * Myers' greedy search for the shortest edit script (E. W. Myers, "An O(ND) difference algorithm
 * and its variations", Algorithmica 1, 1986), on the lines where they lie in the texts. jsdiff
 * runs the same search, but on arrays of line strings it makes first: two 100k-job plan.jsons are
 * 4 million strings, most of `libcc diff`'s time and memory, for a search that then fails. Lines
 * compare as jsdiff's line tokens do, each with its newline. Undefined when the search would
 * take more than `steps` steps (a diagonal tried, or a line compared).
 */
export function editsExceed(before: string, after: string, limit: number, steps = PRECHECK_WORK): boolean | undefined {
  const a = lineStarts(before);
  const b = lineStarts(after);
  const n = a.length - 1;
  const m = b.length - 1;
  if (Math.abs(n - m) > limit) return true;
  if (limit >= n + m) return false; // no more edits than removing every line and adding every other
  // far[offset + k]: the furthest line of `before` reached on diagonal k (x - y = k) so far.
  const offset = limit + 1;
  const far = new Int32Array(2 * limit + 3).fill(UNREACHED);
  far[offset + 1] = 0;
  let work = 0;
  for (let d = 0; d <= limit; d++) {
    for (let k = -d; k <= d; k += 2) {
      if (++work > steps) return undefined;
      const down = far[offset + k + 1]!; // from diagonal k + 1, a line added
      const right = far[offset + k - 1]!; // from diagonal k - 1, a line removed
      let x = k === -d || (k !== d && right < down) ? down : right + 1;
      let y = x - k;
      if (x < 0 || x > n || y < 0 || y > m) {
        far[offset + k] = UNREACHED;
        continue;
      }
      while (x < n && y < m && sameLine(before, a, x, after, b, y)) {
        x++;
        y++;
        if (++work > steps) return undefined;
      }
      far[offset + k] = x;
      if (x >= n && y >= m) return false;
    }
  }
  return true;
}

const UNREACHED = -(2 ** 30);

/** Where each line of `text` starts, then `text.length`. */
function lineStarts(text: string): Int32Array {
  const starts = new Int32Array(lineCountOf(text, 0, text.length) + 1);
  let line = 0;
  for (let at = 0; at < text.length; line++) {
    starts[line] = at;
    const newline = text.indexOf('\n', at);
    at = newline < 0 ? text.length : newline + 1;
  }
  starts[line] = text.length;
  return starts;
}

/** Line `x` of `a` (starts `aStarts`) and line `y` of `b` are the same text. */
function sameLine(a: string, aStarts: Int32Array, x: number, b: string, bStarts: Int32Array, y: number): boolean {
  const from = aStarts[x]!;
  const length = aStarts[x + 1]! - from;
  const other = bStarts[y]!;
  if (bStarts[y + 1]! - other !== length) return false;
  for (let i = 0; i < length; i++) if (a.charCodeAt(from + i) !== b.charCodeAt(other + i)) return false;
  return true;
}

/**
 * One hunk that replaces everything between the common leading and trailing lines, with
 * `CONTEXT` lines around it, in jsdiff's format (`\\ No newline at end of file` included): longer
 * than the shortest patch when the changes are scattered, but found in linear time, and `git
 * apply` applies it the same.
 */
export function regionPatch(oldName: string, newName: string, before: string, after: string): string {
  return regionPieces(oldName, newName, before, after).join('');
}

/** `regionPatch` in pieces (`patchPieces`); the last is never empty. */
function regionPieces(oldName: string, newName: string, before: string, after: string): string[] {
  // Worked on as text, not as arrays of lines: a 100k-job plan.json has 2 million lines.
  let first = 0;
  const shorter = Math.min(before.length, after.length);
  while (first < shorter && before.charCodeAt(first) === after.charCodeAt(first)) first++;
  // The common leading lines end at the last newline before the first difference.
  // (`lastIndexOf` from a negative index still looks at index 0.)
  const common = first === 0 ? 0 : before.lastIndexOf('\n', first - 1) + 1;
  let same = 0;
  while (same < shorter - common && before.charCodeAt(before.length - 1 - same) === after.charCodeAt(after.length - 1 - same)) same++;
  // The common trailing lines start at a line start of both texts inside the equal ending.
  let tail = before.length - same;
  const lineStart = (text: string, at: number) => at === 0 || text.charCodeAt(at - 1) === 10;
  while (tail < before.length && !(lineStart(before, tail) && lineStart(after, tail - before.length + after.length))) tail++;
  const tailNew = tail - before.length + after.length;
  const leadStart = linesBack(before, common, CONTEXT);
  const trailEnd = linesForward(before, tail, CONTEXT);
  const oldCount = lineCountOf(before, leadStart, trailEnd);
  const newCount = lineCountOf(before, leadStart, common) + lineCountOf(after, common, tailNew) + lineCountOf(before, tail, trailEnd);
  const leadLine = lineCountOf(before, 0, leadStart);
  // A range of no lines starts at the line before it (0 at the top), as in diff and jsdiff.
  const start = (count: number) => (count === 0 ? leadLine : leadLine + 1);
  return [
    `--- ${oldName}\n+++ ${newName}\n@@ -${start(oldCount)},${oldCount} +${start(newCount)},${newCount} @@\n`,
    marked(' ', before.slice(leadStart, common)),
    marked('-', before.slice(common, tail)),
    marked('+', after.slice(common, tailNew)),
    marked(' ', before.slice(tail, trailEnd)),
  ].filter((piece) => piece !== '');
}

/** Each line of `text` after `mark` (one ASCII character); a last line without a newline is followed by `\\ No newline at end of file`. */
function marked(mark: string, text: string): string {
  if (text === '') return '';
  // Made as UTF-8 bytes and decoded once, a flat string: the region of a 100k-job plan.json is
  // 2 million lines, and `replaceAll` made a rope of a slice per line (about 190 MB of heap for
  // 55 MB of text, held until written). Printed as UTF-8 either way: the same bytes.
  const bytes = Buffer.from(text, 'utf8');
  let lines = 0;
  for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, at + 1)) lines++;
  const open = bytes[bytes.length - 1] !== NEWLINE;
  const out = Buffer.allocUnsafe(bytes.length + lines + (open ? 3 + NO_NEWLINE.length : 0));
  const markByte = mark.charCodeAt(0);
  let written = 0;
  let from = 0;
  while (from < bytes.length) {
    out[written++] = markByte;
    const newline = bytes.indexOf(NEWLINE, from);
    const end = newline < 0 ? bytes.length : newline + 1;
    written += bytes.copy(out, written, from, end);
    from = end;
  }
  if (open) {
    out[written++] = NEWLINE;
    written += out.write(`${NO_NEWLINE}\n`, written, 'latin1');
  }
  return out.toString('utf8', 0, written);
}

const NEWLINE = 0x0a;
const NO_NEWLINE = '\\ No newline at end of file';

/** Where the line `count` lines before the one starting at `at` starts (or 0). */
function linesBack(text: string, at: number, count: number): number {
  let position = at;
  for (let i = 0; i < count && position > 0; i++) position = position < 2 ? 0 : text.lastIndexOf('\n', position - 2) + 1;
  return position;
}

/** Where the `count` lines from the one starting at `at` end (or the end of the text). */
function linesForward(text: string, at: number, count: number): number {
  let position = at;
  for (let i = 0; i < count && position < text.length; i++) {
    const newline = text.indexOf('\n', position);
    position = newline < 0 ? text.length : newline + 1;
  }
  return position;
}

/** The lines of `text` from `from` to `to` (both at line starts, or `to` at the end). */
function lineCountOf(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return to > from && text.charCodeAt(to - 1) !== 10 ? count + 1 : count;
}

/**
 * A file's text and mode, or `same` when it holds exactly `expected`; undefined
 * when it does not exist. Throws on a link or a non-file.
 */
function current(dir: string, path: string, expected: Expected | undefined, directories: Map<string, string | undefined>): { same: true } | { text: string; mode: number } | undefined {
  const found = probeBytes(dir, path, expected, 'bytes', directories);
  if (found.kind === 'unsafe') throw new UnsafePathError(`refusing to read ${path} in ${dir}: ${found.reason}`);
  if (found.kind !== 'file') return undefined;
  return found.same ? { same: true } : { text: textOf(found.different), mode: found.mode };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
