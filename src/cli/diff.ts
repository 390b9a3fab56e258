/**
 * `libcc diff`: what a re-compile would change in a generated directory, as one unified diff
 * (git's flavour: `diff --git a/<path> b/<path>`, `new file mode`, `deleted file mode`,
 * `/dev/null` for the missing side), so a reviewer sees the scripts a pipeline change implies
 * and `git apply` (or `patch -p1`) run in the directory would perform the compile.
 *
 * It compares exactly what `libcc compile --check` compares: the files a compile would write
 * (including the manifest, when the caller passes it) against the directory, plus the files a
 * previous compile generated (listed in its manifest) that would be removed. The diff is empty
 * exactly when `--check` passes. Reads `outDir`; writes nothing.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { isExecutable } from '../emit/emit.js';
import { MANIFEST, readManifest } from './compile.js';

/** Lines of context around each change, as git shows them. */
const CONTEXT = 3;

/**
 * The unified diff from the contents of `outDir` to `files` (relative path → content, what a
 * compile would write); `''` when the directory is up to date. Files are in path order; a file
 * the compile would add is diffed from `/dev/null`, one it would remove (listed in the previous
 * manifest, absent from `files`) to `/dev/null`. The run state under `run/` is never looked at.
 */
export function diffGenerated(outDir: string, files: ReadonlyMap<string, string>): string {
  const removed = [...(readManifest(outDir)?.keys() ?? [])].filter(
    (path) => path !== MANIFEST && !files.has(path) && readText(join(outDir, ...path.split('/'))) !== undefined,
  );
  const paths = [...new Set([...files.keys(), ...removed])].sort(compareStrings);
  const parts: string[] = [];
  for (const path of paths) {
    const target = join(outDir, ...path.split('/'));
    const before = readText(target);
    const after = files.get(path);
    if (before === after) continue;
    parts.push(`diff --git a/${path} b/${path}\n`);
    if (before === undefined) {
      parts.push(`new file mode ${isExecutable(path) ? '100755' : '100644'}\n`, patch('/dev/null', `b/${path}`, '', after!));
    } else if (after === undefined) {
      parts.push(`deleted file mode ${modeOf(target)}\n`, patch(`a/${path}`, '/dev/null', before, ''));
    } else {
      parts.push(patch(`a/${path}`, `b/${path}`, before, after));
    }
  }
  return parts.join('');
}

function patch(oldName: string, newName: string, before: string, after: string): string {
  const text = createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { context: CONTEXT, headerOptions: FILE_HEADERS_ONLY });
  // Both sides empty (an empty file added or removed): headers only, no hunk.
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** A file's text; undefined when it does not exist or is not a readable file. */
function readText(path: string): string | undefined {
  try {
    if (!existsSync(path) || !statSync(path).isFile()) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function modeOf(path: string): string {
  try {
    return (statSync(path).mode & 0o111) !== 0 ? '100755' : '100644';
  } catch {
    return '100644';
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
