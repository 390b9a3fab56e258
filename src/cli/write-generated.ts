/**
 * Writing a generated directory as a whole (`writeGenerated`): never over a file libcc did not
 * generate (or that was edited since), removing the files a previous compile generated that are
 * no longer part of the output, every change staged and committed by the journal (journal.ts).
 */
import { lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { changed } from './crash-hook.js';
import { FreshTree } from './fresh-tree.js';
import { ClobberError, fileMode, JOURNAL, MANIFEST, RESERVED, refuseForeign, refuseUngeneratable, STAGE } from './generated-dir.js';
import { commit, discardUncommitted, recover } from './journal.js';
import { dropManifestOrigin, recordManifestOrigin } from './manifest-origin.js';
import { asBytes, contentHash, expectedOf, parseManifest, readManifest, settleManifest, sha256, type Content } from './manifest.js';
import { acquireLock } from './output-lock.js';
import { createExclusive, createExclusivePieces, probe, probeBytes, UnsafePathError, type Different } from './safe-fs.js';
import { dropStatIndex } from './stat-index.js';

/**
 * Writes `files` (including the manifest) into `dir`, as a whole:
 *
 * 1. lock the directory (`.libcc.lock`) and complete or undo an interrupted compile (`recover`);
 * 2. validate: the manifest, every path to write or remove (no link, nothing that is not a
 *    file), and refuse — before writing anything — a file libcc did not generate or one edited
 *    since, unless `force` (links and unsafe paths are refused even then);
 * 3. stage every changed file as `.libcc-stage/<n>` (exclusive, no-follow, with its mode) —
 *    into an empty directory, the whole tree as it will be instead (`writeFresh`);
 * 4. commit: write `.libcc-journal.tmp` and rename it to `.libcc-journal`;
 * 5. apply the journal (renames, the manifest last, removals), then delete it and the stage.
 *
 * A crash before 4 leaves the old tree (the next compile removes the stage); after 4, the next
 * compile rolls the journal forward to the new tree.
 */
export function writeGenerated(dir: string, files: ReadonlyMap<string, Content>, options: { force?: boolean } = {}): { written: number; removed: number } {
  refuseUngeneratable(files.keys());
  mkdirSync(dir, { recursive: true });
  if (lstatSync(dir).isSymbolicLink() || !statSync(dir).isDirectory()) throw new UnsafePathError(`refusing to use ${dir}: not a directory`);
  // Refused before the lock is even taken: a directory libcc never generated is not written at all.
  if (!options.force && probe(dir, MANIFEST).kind === 'missing' && probe(dir, JOURNAL).kind === 'missing') refuseForeign(dir);
  const release = acquireLock(dir);
  try {
    recover(dir);
    forgetVerified(dir);
    try {
      const outcome = writeLocked(dir, files, options);
      recordManifestOrigin(dir, MANIFEST);
      return outcome;
    } catch (error) {
      discardUncommitted(dir);
      throw error;
    }
  } finally {
    release();
  }
}

/**
 * Before a compile changes the directory: what libcc recorded of its files and its manifest
 * (stat-index.ts, manifest-origin.ts) describes only trees it has verified or written, and the
 * manifest's origin is recorded again once the write is done.
 */
export function forgetVerified(dir: string): void {
  dropStatIndex(dir);
  dropManifestOrigin(dir);
}

/** At most `LISTED` distinct items (a planted link under a directory is met once per file under it), then how many more. */
function shortList(items: readonly string[], separator: string): string {
  const distinct = [...new Set(items)];
  const shown = distinct.slice(0, LISTED).join(separator);
  return distinct.length > LISTED ? `${shown}${separator}and ${distinct.length - LISTED} more` : shown;
}

const LISTED = 10;

function differentHash(different: Different): string {
  if ('size' in different) throw new Error('internal error: the hash asked of a file that was not read');
  return 'hash' in different ? different.hash : sha256(different.bytes);
}

function writeLocked(dir: string, files: ReadonlyMap<string, Content>, options: { force?: boolean }): { written: number; removed: number } {
  const previous = readManifest(dir);
  if (previous === undefined && !options.force) refuseForeign(dir);
  if (previous === undefined && readdirSync(dir).every((name) => RESERVED.has(name))) return writeFresh(dir, files);
  const known = previous ?? new Map<string, string>();
  const unsafe: string[] = [];
  // What is on disk, without keeping its text: whether it is present, already as it will be written.
  const current = new Map<string, { same: boolean; mode: number } | undefined>();
  // The sha256 of each file on disk that does not hold its new content (to tell an edit).
  const onDisk = new Map<string, string>();
  // The sha256 of each new file. Content made in pieces (decks, plan.json) is compared with its
  // file as it is made and hashed on the way, for the manifest: never held whole (plan.json: 53 MB
  // at 100k jobs), made again only to be staged.
  const newHashes = new Map<string, string>();
  // A file under a directory found missing is missing (a fresh compile looks at each directory once).
  const directories = new Map<string, string | undefined>();
  const look = (path: string) => {
    const found = probeBytes(dir, path, expectedOf(files.get(path)), 'hash', directories);
    if (found.kind === 'unsafe') return void unsafe.push(found.reason);
    current.set(path, found.kind === 'file' ? { same: found.same, mode: found.mode } : undefined);
    if (found.kind !== 'file') return;
    if (found.expectedHash !== undefined) newHashes.set(path, found.expectedHash);
    if (!found.same) onDisk.set(path, differentHash(found.different));
  };
  for (const path of new Set([...files.keys(), ...known.keys()])) if (path !== MANIFEST) look(path);
  // The manifest last: made from the hashes taken above, then compared with the one on disk.
  const manifestContent = files.get(MANIFEST);
  if (manifestContent !== undefined) {
    // A manifest given as text (not pending) lists the hashes: a file already as it will be is not hashed again.
    if (!settleManifest(manifestContent, newHashes)) for (const [path, hash] of parseManifest(Buffer.from(asBytes(manifestContent)!).toString('utf8'), MANIFEST)) newHashes.set(path, hash);
    look(MANIFEST);
  }
  const conflicts: string[] = [];
  for (const [path, found] of current) {
    if (found === undefined || path === MANIFEST) continue;
    const recorded = known.get(path);
    const now = found.same ? (newHashes.get(path) ?? contentHash(files.get(path)!)) : onDisk.get(path);
    if (recorded === undefined) conflicts.push(`${path} (not generated by libcc)`);
    else if (recorded !== now) conflicts.push(`${path} (edited since it was generated)`);
  }
  if (unsafe.length > 0) throw new UnsafePathError(`refusing to write in ${dir}: ${shortList(unsafe, '; ')}`);
  if (conflicts.length > 0 && !options.force) {
    throw new ClobberError(`refusing to overwrite ${shortList(conflicts, ', ')} in ${dir}; move them away or pass --force`);
  }

  const puts: { stage: number; path: string; mode: number }[] = [];
  const texts: Content[] = [];
  for (const [path, text] of files) {
    const mode = fileMode(path);
    const now = current.get(path);
    if (now !== undefined && now.same && now.mode === mode) continue;
    puts.push({ stage: puts.length, path, mode });
    texts.push(text);
  }
  const removes = [...known.keys()].filter((path) => !files.has(path) && current.get(path) !== undefined);
  if (puts.length === 0 && removes.length === 0) return { written: 0, removed: 0 };

  const stage = join(dir, STAGE);
  mkdirSync(stage, { mode: 0o700 });
  changed();
  const keptModes = new Set<number>();
  puts.forEach((put, i) => {
    const content = texts[i]!;
    const pieces = typeof content === 'function' ? content.pieces : undefined;
    if (pieces !== undefined) createExclusivePieces(join(stage, String(put.stage)), pieces(), put.mode, () => {}, keptModes);
    else createExclusive(join(stage, String(put.stage)), asBytes(content)!, put.mode, keptModes);
    changed();
  });
  return commit(dir, { puts, trees: [], removes });
}

/**
 * A compile into an empty directory (nothing but libcc's bookkeeping and `run/`): the new tree is
 * written in the stage as it will be (`.libcc-stage/decks/…`, each directory made once, each
 * file created exclusively and hashed as it is written, the manifest made from those hashes),
 * then committed with a journal of its top-level names (`tree <name>` lines): a dozen renames
 * instead of one per file. A crash before the commit leaves the directory empty; after it, the
 * next compile moves the rest (`applyJournal`).
 */
function writeFresh(dir: string, files: ReadonlyMap<string, Content>): { written: number; removed: number } {
  const tree = new FreshTree(dir);
  for (const [path, content] of files) if (path !== MANIFEST) tree.write(path, content);
  return tree.commit(files);
}
