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
import { asBytes, MANIFEST, readManifest, type Content } from './compile.js';
import { probe, UnsafePathError } from './safe-fs.js';

/** Lines of context around each change, as git shows them. */
const CONTEXT = 3;

/**
 * The unified diff from the contents of `outDir` to `files` (relative path → content, what a
 * compile would write); `''` when the directory is up to date. Files are in path order; a file
 * the compile would add is diffed from `/dev/null`, one it would remove (listed in the previous
 * manifest, absent from `files`) to `/dev/null`. The run state under `run/` is never looked at.
 */
export function diffGenerated(outDir: string, files: ReadonlyMap<string, Content>): string {
  const removed = [...(readManifest(outDir)?.keys() ?? [])].filter(
    (path) => path !== MANIFEST && !files.has(path) && current(outDir, path) !== undefined,
  );
  const paths = [...new Set([...files.keys(), ...removed])].sort(compareStrings);
  const parts: string[] = [];
  for (const path of paths) {
    const found = current(outDir, path);
    const before = found?.text;
    const content = files.get(path);
    const after = content === undefined || typeof content === 'string' ? content : Buffer.from(asBytes(content)!).toString('utf8');
    if (before === after) continue;
    parts.push(`diff --git a/${path} b/${path}\n`);
    if (before === undefined) {
      parts.push(`new file mode ${isExecutable(path) ? '100755' : '100644'}\n`, patch('/dev/null', `b/${path}`, '', after!));
    } else if (after === undefined) {
      parts.push(`deleted file mode ${(found!.mode & 0o111) !== 0 ? '100755' : '100644'}\n`, patch(`a/${path}`, '/dev/null', before, ''));
    } else {
      parts.push(patch(`a/${path}`, `b/${path}`, before, after));
    }
  }
  return parts.join('');
}

/**
 * The shortest patch (jsdiff's Myers diff) when it is found within a bounded amount of work, else
 * `regionPatch`. Myers takes time in proportion to the lines times the number of edits: one
 * changed estimate rewrites the timing of every job in plan.json, and the shortest patch of a
 * 10k-job directory took 279 s to find.
 */
export function patch(oldName: string, newName: string, before: string, after: string): string {
  const text =
    createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, {
      context: CONTEXT,
      headerOptions: FILE_HEADERS_ONLY,
      maxEditLength: editBudget(before, after),
    }) ?? regionPatch(oldName, newName, before, after);
  // Both sides empty (an empty file added or removed): headers only, no hunk.
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Line comparisons Myers may spend on one file (about a second); at least `MIN_EDITS` edits are tried. */
const EDIT_WORK = 20_000_000;
const MIN_EDITS = 100;

/** The most edits worth searching for: deterministic (a count, not a time), so the diff is the same on any machine. */
function editBudget(before: string, after: string): number {
  const lines = lineCount(before) + lineCount(after);
  return Math.max(MIN_EDITS, Math.floor(EDIT_WORK / Math.max(1, lines)));
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * One hunk that replaces everything between the common leading and trailing lines, with
 * `CONTEXT` lines around it, in jsdiff's format (`\\ No newline at end of file` included): longer
 * than the shortest patch when the changes are scattered, but found in linear time, and `git
 * apply` applies it the same.
 */
export function regionPatch(oldName: string, newName: string, before: string, after: string): string {
  const a = linesWithEnds(before);
  const b = linesWithEnds(after);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  let tail = 0;
  while (tail < a.length - common && tail < b.length - common && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const lead = Math.min(CONTEXT, common);
  const trail = Math.min(CONTEXT, tail);
  const oldCount = lead + (a.length - common - tail) + trail;
  const newCount = lead + (b.length - common - tail) + trail;
  // A range of no lines starts at the line before it (0 at the top), as in diff and jsdiff.
  const start = (count: number) => (count === 0 ? common - lead : common - lead + 1);
  const out = [`--- ${oldName}\n+++ ${newName}\n@@ -${start(oldCount)},${oldCount} +${start(newCount)},${newCount} @@\n`];
  const add = (mark: string, line: string) => out.push(line.endsWith('\n') ? `${mark}${line}` : `${mark}${line}\n\\ No newline at end of file\n`);
  for (let i = common - lead; i < common; i++) add(' ', a[i]!);
  for (let i = common; i < a.length - tail; i++) add('-', a[i]!);
  for (let i = common; i < b.length - tail; i++) add('+', b[i]!);
  for (let i = a.length - tail; i < a.length - tail + trail; i++) add(' ', a[i]!);
  return out.join('');
}

/** The lines of a text, each with its newline (the last one may have none). */
function linesWithEnds(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** A file's text and mode; undefined when it does not exist. Throws on a link or a non-file. */
function current(dir: string, path: string): { text: string; mode: number } | undefined {
  const found = probe(dir, path);
  if (found.kind === 'unsafe') throw new UnsafePathError(`refusing to read ${path} in ${dir}: ${found.reason}`);
  return found.kind === 'file' ? found : undefined;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
