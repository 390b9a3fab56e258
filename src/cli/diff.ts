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

function patch(oldName: string, newName: string, before: string, after: string): string {
  const text = createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { context: CONTEXT, headerOptions: FILE_HEADERS_ONLY });
  // Both sides empty (an empty file added or removed): headers only, no hunk.
  return text.endsWith('\n') ? text : `${text}\n`;
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
