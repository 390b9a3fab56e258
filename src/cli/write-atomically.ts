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
  let mode = 0o644;
  const existing = lstatOrUndefined(path);
  if (existing?.isFile() === true) mode = existing.mode & 0o777;
  const temporary = join(dirname(path), `.${basename(path)}.libcc-tmp-${process.pid}`);
  try {
    createExclusive(temporary, text, mode);
    renameSync(temporary, path);
  } catch (error) {
    unlinkIfPresent(temporary);
    throw error;
  }
}
