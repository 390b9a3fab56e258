/**
 * Whether a generated directory's manifest is one libcc wrote there itself.
 *
 * The no-change fast path (`verifyUnchanged`, up-to-date.ts) takes the hashes a manifest lists as
 * those of the files a compile would write, and its `# inputs` line as proof that the inputs are
 * the same. Both come from the repository. The `# inputs` line is a digest of public things —
 * libcc's version, templates and source, the pipeline's files, the options — so a pull request
 * can edit a generated script, put the script's new hash in the manifest and recompute the line.
 * Then `compile --check` in CI would call the edited script up to date, and `compile` would keep it.
 *
 * So the fast path trusts only a manifest that libcc wrote in this directory, or rendered and
 * found identical there. After each such compile, the manifest's sha256 and `lstat` stamp (inode,
 * change time, …: `stampOf`) are kept in `.libcc-cache/manifest-origin`. That file is never
 * committed (the cache's `.gitignore`). A manifest that was checked out or copied has a new inode
 * and change time, which a record planted in a pull request cannot predict. The first compile
 * after a checkout therefore renders and compares, which is what `compile --check` on a fresh
 * clone in CI always does; later compiles take the fast path again.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { dropCacheFile, lstatQuietly, readCacheFile, STAT_CACHE, stampOf, writeCacheFile } from './stat-index.js';
import { probe } from './safe-fs.js';

const ORIGIN = `${STAT_CACHE}/manifest-origin`;
const HEADER = 'libcc-manifest-origin 1';
/** The record is one line: a larger file is not libcc's. */
const MAX_ORIGIN_BYTES = 4096;

/** The record's text for a manifest read as `text`, whose `lstat` is now `stamp`. */
function originText(text: string, stamp: string): string {
  return `${HEADER}\n${createHash('sha256').update(text).digest('hex')} ${stamp}\n`;
}

/**
 * Records `dir`'s manifest as it is now as libcc's own: called by a compile that has just
 * written it, or rendered and found it identical, holding the directory's lock. Best effort: a
 * record that cannot be written only means rendering next time; returns why, never throws.
 */
export function recordManifestOrigin(dir: string, manifest: string): string | undefined {
  const found = probe(dir, manifest);
  const stat = lstatQuietly(join(dir, manifest));
  if (found.kind !== 'file' || stat === undefined) return `${manifest} cannot be read back`;
  return writeCacheFile(dir, ORIGIN, originText(found.text, stampOf(stat)));
}

/**
 * Whether `dir`'s manifest, read as `text` just before, is the one `recordManifestOrigin` recorded:
 * the same bytes, and the same inode and times (the stamp is taken after the read, so any change
 * since the record shows in one or the other).
 */
export function manifestFromHere(dir: string, manifest: string, text: string): boolean {
  const recorded = readCacheFile(dir, ORIGIN, MAX_ORIGIN_BYTES);
  const stat = lstatQuietly(join(dir, manifest));
  return recorded !== undefined && stat !== undefined && recorded === originText(text, stampOf(stat));
}

/** Whether a record is there at all: a cheap look before a thread is started to verify. */
export function hasManifestOrigin(dir: string): boolean {
  return lstatQuietly(join(dir, ORIGIN))?.isFile() === true;
}

/** Forgets the record (before a compile rewrites the directory). */
export function dropManifestOrigin(dir: string): void {
  dropCacheFile(dir, ORIGIN);
}
