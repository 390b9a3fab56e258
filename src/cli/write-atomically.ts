/**
 * Replacing one file atomically, for the commands that write a single file (`fmt`, `graph -o`,
 * `report -o`) rather than a generated directory.
 */
import { renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createExclusive, lstatOrUndefined, unlinkIfPresent } from './safe-fs.js';

/**
 * Replaces a file's content atomically (an exclusive, no-follow temporary file in the same
 * directory, then rename), keeping its mode. Used by `libcc fmt`, `graph -o` and `report -o`.
 * A symbolic link at `path` (`graph.html -> ~/.bashrc`, committed) is replaced, not written
 * through: `rename` replaces the link itself, and its target is never opened, not even to
 * take its mode (`lstat`).
 */
export function writeAtomically(path: string, text: string): void {
  if (basename(path) === '' || path.endsWith('/')) throw new NotWritten('not a file name');
  let mode = 0o644;
  const existing = lstatOrUndefined(path);
  if (existing?.isFile() === true) mode = existing.mode & 0o777;
  const temporary = join(dirname(path), `.${basename(path)}.libcc-tmp-${process.pid}`);
  try {
    createExclusive(temporary, text, mode);
    renameSync(temporary, path);
  } catch (error) {
    unlinkIfPresent(temporary);
    throw new NotWritten(reasonOf(error));
  }
}

/** Why `writeAtomically` wrote nothing, in a user's words (Node's own message names the temporary file). */
export class NotWritten extends Error {}

function reasonOf(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOENT':
    case 'ENOTDIR':
      return 'its directory does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'a read-only file system';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left (disk full or over quota)';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
