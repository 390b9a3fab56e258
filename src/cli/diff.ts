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
import { MANIFEST } from './generated-dir.js';
import { asBytes, expectedOf, readManifest, type Content } from './manifest.js';
import { probeBytes, UnsafePathError, type Expected } from './safe-fs.js';

/** Lines of context around each change, as git shows them. */
const CONTEXT = 3;

/**
 * The unified diff from the contents of `outDir` to `files` (relative path → content, what a
 * compile would write), in pieces to be written one after another as they are made; none when
 * the directory is up to date. Files are in path order; a file the compile would add is diffed
 * from `/dev/null`, one it would remove (listed in the previous manifest, absent from `files`) to
 * `/dev/null`. The run state under `run/` is never looked at.
 *
 * Every file is compared (and every refusal thrown: a link, a special file, a hostile manifest)
 * before this returns, so a refusal prints no partial diff. The patches are made afterwards,
 * one file at a time, while the pieces are taken: at 100k jobs one changed estimate is a 110 MB
 * patch of plan.json, which held whole took the process to 800 MiB. Each file that differs is
 * read again for its patch: one replaced by someone else in between (with a link, say) is still
 * refused, but after the patches before it.
 */
export function diffGenerated(outDir: string, files: ReadonlyMap<string, Content>): Iterable<string> {
  // Each directory is looked at once (33k decks share a few).
  const directories = new Map<string, string | undefined>();
  const removed = [...(readManifest(outDir)?.keys() ?? [])].filter(
    (path) => path !== MANIFEST && !files.has(path) && current(outDir, path, undefined, directories, 'none') !== undefined,
  );
  const paths = [...new Set([...files.keys(), ...removed])].sort(compareStrings);
  // Compared as bytes (a deck or plan.json in its pieces): most files of a big directory are
  // unchanged, and never made whole. Those that differ are read when their patch is made, so
  // that only one file's bytes are held at a time.
  const differing = paths.filter((path) => {
    const content = files.get(path);
    const expected = content === undefined ? undefined : typeof content === 'string' ? Buffer.from(content, 'utf8') : expectedOf(content);
    const found = current(outDir, path, expected, directories, 'none');
    return !(found !== undefined && 'same' in found) && !(found === undefined && content === undefined);
  });
  // The manifest is made from every file's content (`renderManifest`): made now, it holds none.
  const changes = differing.map((path) => [path, path === MANIFEST ? asBytes(files.get(path)) : files.get(path)] as const);
  return filePatches(outDir, changes, directories);
}

/** The patches of `changes` (path and new content, found to differ by `diffGenerated`), made one file at a time as they are taken. */
function* filePatches(outDir: string, changes: ((readonly [string, Content | undefined]) | undefined)[], directories: Map<string, string | undefined>): Generator<string> {
  for (let k = 0; k < changes.length; k++) {
    const [path, content] = changes[k]!;
    changes[k] = undefined; // the content of a file already shown is garbage
    const found = current(outDir, path, undefined, directories);
    if (found !== undefined && 'same' in found) continue; // never: nothing was expected
    const before = found === undefined ? undefined : found.bytes;
    const after = content === undefined ? undefined : asBuffer(asBytes(content)!);
    if (before === undefined && after === undefined) continue;
    if (before !== undefined && after !== undefined && before.equals(after)) continue;
    const oldName = before === undefined ? '/dev/null' : `a/${path}`;
    const newName = after === undefined ? '/dev/null' : `b/${path}`;
    const pieces = patchPieces(oldName, newName, before ?? EMPTY, after ?? EMPTY);
    if (pieces === undefined) continue; // the same text (bytes that are not UTF-8 decode alike)
    const mode =
      before === undefined ? `new file mode ${isExecutable(path) ? '100755' : '100644'}\n` : after === undefined ? `deleted file mode ${(found!.mode & 0o111) !== 0 ? '100755' : '100644'}\n` : '';
    // The headers go with the first piece: a small file's patch is one piece.
    let head = `diff --git a/${path} b/${path}\n${mode}`;
    for (const piece of pieces) {
      yield head + piece;
      head = '';
    }
  }
}

const EMPTY = Buffer.alloc(0);

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * The shortest patch (jsdiff's Myers diff) when it is found within a bounded amount of work, else
 * `regionPatch`. Myers takes time in proportion to the lines times the number of edits: one
 * changed estimate rewrites the timing of every job in plan.json, and the shortest patch of a
 * 10k-job directory took 279 s to find.
 */
export function patch(oldName: string, newName: string, before: string, after: string): string {
  return [...(patchPieces(oldName, newName, Buffer.from(before, 'utf8'), Buffer.from(after, 'utf8')) ?? [])].join('');
}

/**
 * `patch` of two files' bytes, in pieces to be written one after another: the region patch of a
 * 100k-job plan.json is about 110 MB, made and written a piece at a time (`marked`). Undefined
 * when the two decode to the same text.
 */
function patchPieces(oldName: string, newName: string, before: Buffer, after: Buffer): Iterable<string> | undefined {
  const budget = editBudget(before, after);
  // jsdiff splits both texts into lines before it searches: for a big file, first make sure the
  // search can succeed (it fails exactly when more than `budget` edits are needed).
  const hopeless = before.length + after.length >= PRECHECK_BYTES && editsExceed(before, after, budget) === true;
  if (!hopeless) {
    const beforeText = before.toString('utf8');
    const afterText = after.toString('utf8');
    if (beforeText === afterText && !before.equals(after)) return undefined;
    const shortest = createTwoFilesPatch(oldName, newName, beforeText, afterText, undefined, undefined, {
      context: CONTEXT,
      headerOptions: FILE_HEADERS_ONLY,
      maxEditLength: budget,
    });
    // Both sides empty (an empty file added or removed): headers only, no hunk.
    if (shortest !== undefined) return [shortest.endsWith('\n') ? shortest : `${shortest}\n`];
  }
  return regionPieces(oldName, newName, before, after);
}

/** Line comparisons Myers may spend on one file (about a second); at least `MIN_EDITS` edits are tried. */
const EDIT_WORK = 20_000_000;
const MIN_EDITS = 100;

/** The most edits worth searching for: deterministic (a count, not a time), so the diff is the same on any machine. */
function editBudget(before: Buffer, after: Buffer): number {
  const lines = lineCountOf(before, 0, before.length) + lineCountOf(after, 0, after.length);
  return Math.max(MIN_EDITS, Math.floor(EDIT_WORK / Math.max(1, lines)));
}

/** Files at least this long (both together) are checked with `editsExceed` before jsdiff splits them. */
const PRECHECK_BYTES = 1 << 20;
/** Steps `editsExceed` may take before it gives no answer (`EDIT_WORK`'s order). */
const PRECHECK_WORK = 4 * EDIT_WORK;

/**
 * Whether more than `limit` lines must be removed or added to turn `before` into `after`:
 * Myers' greedy search for the shortest edit script (E. W. Myers, "An O(ND) difference algorithm
 * and its variations", Algorithmica 1, 1986), on the lines where they lie in the bytes. jsdiff
 * runs the same search, but on arrays of line strings it makes first: two 100k-job plan.jsons are
 * 4 million strings, most of `libcc diff`'s time and memory, for a search that then fails. Lines
 * compare as jsdiff's line tokens do, each with its newline (equal UTF-8 bytes, equal text).
 * Undefined when the search would take more than `steps` steps (a diagonal tried, or a line
 * compared).
 */
export function editsExceed(beforeText: string | Uint8Array, afterText: string | Uint8Array, limit: number, steps = PRECHECK_WORK): boolean | undefined {
  const before = bytesOf(beforeText);
  const after = bytesOf(afterText);
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

function bytesOf(text: string | Uint8Array): Buffer {
  return typeof text === 'string' ? Buffer.from(text, 'utf8') : asBuffer(text);
}

/** Where each line of `text` starts, then `text.length`. */
function lineStarts(text: Buffer): Int32Array {
  const starts = new Int32Array(lineCountOf(text, 0, text.length) + 1);
  let line = 0;
  for (let at = 0; at < text.length; line++) {
    starts[line] = at;
    const newline = text.indexOf(NEWLINE, at);
    at = newline < 0 ? text.length : newline + 1;
  }
  starts[line] = text.length;
  return starts;
}

/** Line `x` of `a` (starts `aStarts`) and line `y` of `b` are the same bytes. */
function sameLine(a: Buffer, aStarts: Int32Array, x: number, b: Buffer, bStarts: Int32Array, y: number): boolean {
  const from = aStarts[x]!;
  const length = aStarts[x + 1]! - from;
  const other = bStarts[y]!;
  if (bStarts[y + 1]! - other !== length) return false;
  for (let i = 0; i < length; i++) if (a[from + i] !== b[other + i]) return false;
  return true;
}

/**
 * One hunk that replaces everything between the common leading and trailing lines, with
 * `CONTEXT` lines around it, in jsdiff's format (`\\ No newline at end of file` included): longer
 * than the shortest patch when the changes are scattered, but found in linear time, and `git
 * apply` applies it the same.
 */
export function regionPatch(oldName: string, newName: string, before: string, after: string): string {
  return [...regionPieces(oldName, newName, Buffer.from(before, 'utf8'), Buffer.from(after, 'utf8'))].join('');
}

/** `regionPatch` of two files' bytes, in pieces of about `PIECE_BYTES` (`patchPieces`); none is empty. */
function* regionPieces(oldName: string, newName: string, before: Buffer, after: Buffer): Generator<string> {
  // Worked on as bytes, not as arrays of lines: a 100k-job plan.json has 2 million lines.
  const shorter = Math.min(before.length, after.length);
  const first = commonPrefix(before, after, shorter);
  // The common leading lines end at the last newline before the first difference.
  // (`lastIndexOf` from a negative index still looks at index 0.)
  const common = first === 0 ? 0 : before.lastIndexOf(NEWLINE, first - 1) + 1;
  const same = commonSuffix(before, after, shorter - common);
  // The common trailing lines start at a line start of both texts inside the equal ending.
  let tail = before.length - same;
  const lineStart = (text: Buffer, at: number) => at === 0 || text[at - 1] === NEWLINE;
  while (tail < before.length && !(lineStart(before, tail) && lineStart(after, tail - before.length + after.length))) tail++;
  const tailNew = tail - before.length + after.length;
  const leadStart = linesBack(before, common, CONTEXT);
  const trailEnd = linesForward(before, tail, CONTEXT);
  const oldCount = lineCountOf(before, leadStart, trailEnd);
  const newCount = lineCountOf(before, leadStart, common) + lineCountOf(after, common, tailNew) + lineCountOf(before, tail, trailEnd);
  const leadLine = lineCountOf(before, 0, leadStart);
  // A range of no lines starts at the line before it (0 at the top), as in diff and jsdiff.
  const start = (count: number) => (count === 0 ? leadLine : leadLine + 1);
  yield `--- ${oldName}\n+++ ${newName}\n@@ -${start(oldCount)},${oldCount} +${start(newCount)},${newCount} @@\n`;
  yield* marked(' ', before, leadStart, common);
  yield* marked('-', before, common, tail);
  yield* marked('+', after, common, tailNew);
  yield* marked(' ', before, tail, trailEnd);
}

/** Bytes compared at a time by `commonPrefix` and `commonSuffix` (compared natively, then scanned where they differ). */
const COMPARE_BLOCK = 1 << 16;

/** How many leading bytes of `a` and `b` (the first `length`) are the same. */
function commonPrefix(a: Buffer, b: Buffer, length: number): number {
  let at = 0;
  while (at < length) {
    const end = Math.min(length, at + COMPARE_BLOCK);
    if (!a.subarray(at, end).equals(b.subarray(at, end))) break;
    at = end;
  }
  while (at < length && a[at] === b[at]) at++;
  return at;
}

/** How many trailing bytes of `a` and `b` are the same, at most `limit`. */
function commonSuffix(a: Buffer, b: Buffer, limit: number): number {
  let same = 0;
  while (same < limit) {
    const next = Math.min(limit, same + COMPARE_BLOCK);
    if (!a.subarray(a.length - next, a.length - same).equals(b.subarray(b.length - next, b.length - same))) break;
    same = next;
  }
  while (same < limit && a[a.length - 1 - same] === b[b.length - 1 - same]) same++;
  return same;
}

/** About the most bytes of a patch made at a time (pieces end at a line end; a longer line is one piece). */
const PIECE_BYTES = 1 << 20;

/**
 * Each line of `text` from `from` to `to` (line starts, or `to` at the end) after `mark` (one
 * ASCII character); a last line without a newline is followed by `\\ No newline at end of
 * file`. In pieces of about `PIECE_BYTES`, each cut at a newline (which is never inside a UTF-8
 * character), so each decodes alone.
 */
function* marked(mark: string, text: Buffer, from: number, to: number): Generator<string> {
  for (let at = from; at < to; ) {
    const newline = at + PIECE_BYTES >= to ? -1 : text.indexOf(NEWLINE, at + PIECE_BYTES - 1);
    const end = newline < 0 || newline >= to ? to : newline + 1;
    yield markedLines(mark, text.subarray(at, end));
    at = end;
  }
}

/** `marked` of all of `bytes`, at once. */
function markedLines(mark: string, bytes: Buffer): string {
  // Made as UTF-8 bytes and decoded once, a flat string: `replaceAll` on a string made a rope
  // of a slice per line (about 190 MB of heap for the 55 MB region of a 100k-job plan.json).
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
function linesBack(text: Buffer, at: number, count: number): number {
  let position = at;
  for (let i = 0; i < count && position > 0; i++) position = position < 2 ? 0 : text.lastIndexOf(NEWLINE, position - 2) + 1;
  return position;
}

/** Where the `count` lines from the one starting at `at` end (or the end of the text). */
function linesForward(text: Buffer, at: number, count: number): number {
  let position = at;
  for (let i = 0; i < count && position < text.length; i++) {
    const newline = text.indexOf(NEWLINE, position);
    position = newline < 0 ? text.length : newline + 1;
  }
  return position;
}

/** The lines of `text` from `from` to `to` (both at line starts, or `to` at the end). */
function lineCountOf(text: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf(NEWLINE, from); i >= 0 && i < to; i = text.indexOf(NEWLINE, i + 1)) count++;
  return to > from && text[to - 1] !== NEWLINE ? count + 1 : count;
}

/**
 * A file's bytes (with `read: 'none'`, none: empty) and mode, or `same` when it holds exactly
 * `expected`; undefined when it does not exist. Throws on a link, a non-file or a file too big
 * to read back (`MAX_READ_BYTES`).
 */
function current(dir: string, path: string, expected: Expected | undefined, directories: Map<string, string | undefined>, read: 'bytes' | 'none' = 'bytes'): { same: true } | { bytes: Buffer; mode: number } | undefined {
  const found = probeBytes(dir, path, expected, read, directories);
  if (found.kind === 'unsafe') throw new UnsafePathError(`refusing to read ${path} in ${dir}: ${found.reason}`);
  if (found.kind !== 'file') return undefined;
  if (found.same) return { same: true };
  return { bytes: 'bytes' in found.different ? found.different.bytes : EMPTY, mode: found.mode };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
