/**
 * The journal: how a compile changes the generated directory as a whole. Every new file is
 * staged in `.libcc-stage/`, then `.libcc-journal` (its renames and removals) is renamed into
 * place — the commit point — and applied. A crash before the commit leaves the old tree; after
 * it, the next compile rolls the journal forward (`recover`). A journal may come from a
 * repository too, so it is validated like a manifest before it is applied.
 */
import { lstatSync, readdirSync, renameSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { changed } from './crash-hook.js';
import { checkGeneratedPath, ClobberError, JOURNAL, JOURNAL_TEMP, MANIFEST, ManifestError, printable, STAGE } from './generated-dir.js';
import { sha256 } from './manifest.js';
import { createExclusive, ensureParents, isDirectoryNoFollow, lstatOrUndefined, pathLengthIn, probe, unlinkIfPresent, UnsafePathError } from './safe-fs.js';

/** Whether a compile into `dir` was interrupted (a journal or a stage is left): the next compile completes or undoes it. */
export function interrupted(dir: string): boolean {
  return probe(dir, JOURNAL).kind !== 'missing' || probe(dir, STAGE).kind !== 'missing';
}

export interface Journal {
  /** Staged file number → its path and mode; applied in order, the manifest last. */
  readonly puts: readonly { readonly stage: number; readonly path: string; readonly mode: number }[];
  /**
   * Top-level names staged whole as `.libcc-stage/<name>` (a directory of files, or a file) by a
   * compile into an empty directory (`writeFresh`): each is one rename, the manifest last.
   */
  readonly trees: readonly string[];
  readonly removes: readonly string[];
}

const JOURNAL_HEADER = 'libcc-journal 1';

function renderJournal(journal: Journal): string {
  const lines = [JOURNAL_HEADER];
  for (const put of journal.puts) lines.push(`put ${put.stage} ${put.mode.toString(8)} ${put.path}`);
  for (const name of journal.trees) lines.push(`tree ${name}`);
  for (const path of journal.removes) lines.push(`remove ${path}`);
  const body = `${lines.join('\n')}\n`;
  return `${body}end ${sha256(body)}\n`;
}

/** Parses a journal of `dir`, validating it like a manifest (it may come from a repository too). */
function parseJournal(text: string, where: string, dir: string): Journal {
  const tooLong = pathLengthIn(dir);
  const end = text.lastIndexOf('end ');
  const body = end < 0 ? '' : text.slice(0, end);
  if (!text.startsWith(`${JOURNAL_HEADER}\n`) || text.slice(end) !== `end ${sha256(body)}\n`) {
    throw new ManifestError(`${where} is damaged (not written whole by libcc); remove it and ${STAGE}/, then compile again`);
  }
  const puts: { stage: number; path: string; mode: number }[] = [];
  const trees: string[] = [];
  const removes: string[] = [];
  const seen = new Set<string>();
  body.split('\n').slice(1, -1).forEach((line, index) => {
    const at = `${where}:${index + 2}`;
    const put = /^put (\d{1,9}) (755|644) (.+)$/.exec(line);
    const tree = /^tree ([^/]+)$/.exec(line);
    const remove = /^remove (.+)$/.exec(line);
    const path = put?.[3] ?? tree?.[1] ?? remove?.[1];
    if (path === undefined) throw new ManifestError(`${at}: not a journal line`);
    const problem = path === MANIFEST && !remove ? undefined : (checkGeneratedPath(path) ?? tooLong(path));
    if (problem !== undefined) throw new ManifestError(`${at}: refusing the path \`${printable(path)}\`: ${problem}`);
    if (seen.has(path)) throw new ManifestError(`${at}: \`${path}\` is listed twice`);
    seen.add(path);
    if (put) puts.push({ stage: Number(put[1]), path, mode: parseInt(put[2]!, 8) });
    else if (tree) trees.push(path);
    else removes.push(path);
  });
  return { puts, trees, removes };
}

/** Removes `dir/name` when it is a plain directory (never through a link); `rm` does not follow links inside. */
export function removeStage(dir: string): void {
  const path = join(dir, STAGE);
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  if (stat.isDirectory()) rmSync(path, { recursive: true, force: true });
  else unlinkSync(path);
  changed();
}

/**
 * Applies a committed journal: each staged file still in the stage is renamed into place (one
 * already gone was moved by an earlier, interrupted run), each removed file is unlinked; then
 * the journal and the stage go. Idempotent, so a crash during it is completed by the next run.
 */
function applyJournal(dir: string, journal: Journal, options: { recovering: boolean }): { written: number; removed: number } {
  let written = 0;
  let removed = 0;
  const stage = join(dir, STAGE);
  if (journal.puts.length + journal.trees.length > 0 && probe(dir, STAGE).kind !== 'missing' && !isDirectoryNoFollow(stage)) {
    throw new UnsafePathError(`refusing ${stage}: not a directory (a symbolic link?); remove it and ${JOURNAL}`);
  }
  // The directories above the files, each checked (or created) once while the lock is held: thousands of files share a few.
  const directories = new Set<string>();
  const applyPut = (put: Journal['puts'][number]) => {
    const source = join(stage, String(put.stage));
    let stat;
    try {
      stat = lstatSync(source);
    } catch {
      return; // moved already
    }
    if (!stat.isFile()) throw new UnsafePathError(`refusing ${source}: not a regular file`);
    const target = ensureParents(dir, put.path, directories);
    const existing = lstatOrUndefined(target);
    if (existing !== undefined && !existing.isFile()) {
      throw new UnsafePathError(`refusing to write ${put.path} in ${dir}: ${put.path} is ${existing.isSymbolicLink() ? 'a symbolic link (libcc never creates one; remove it)' : 'not a regular file'}`);
    }
    renameSync(source, target);
    changed();
    written++;
  };
  // A staged tree is moved whole; one found on recovery (perhaps planted, with the journal, in a
  // repository) must hold nothing but directories and regular files.
  const applyTree = (name: string) => {
    const source = join(stage, name);
    const stat = lstatOrUndefined(source);
    if (stat === undefined) return; // moved already
    const problem = stat.isDirectory() ? (options.recovering ? plainTreeProblem(source, name) : undefined) : stat.isFile() ? undefined : `${name} is not a regular file or a directory`;
    if (problem !== undefined) throw new UnsafePathError(`refusing ${stage}: ${problem}`);
    const target = join(dir, name);
    const existing = lstatOrUndefined(target);
    // Only an empty directory may be in the way (rename replaces it); anything else is not libcc's to replace.
    if (existing !== undefined && !(existing.isDirectory() && stat.isDirectory() && readdirSync(target).length === 0)) {
      throw new ClobberError(`refusing to move the new ${name} into ${dir}: ${name} exists (created while the compile was interrupted?); move it away`);
    }
    renameSync(source, target);
    changed();
    written++;
  };
  for (const put of journal.puts) if (put.path !== MANIFEST) applyPut(put);
  for (const name of journal.trees) if (name !== MANIFEST) applyTree(name);
  for (const path of journal.removes) {
    const existing = probe(dir, path);
    if (existing.kind === 'unsafe') throw new UnsafePathError(`refusing to remove ${path} in ${dir}: ${existing.reason}`);
    if (existing.kind === 'file' && unlinkIfPresent(existing.path)) {
      changed();
      removed++;
      removeEmptyParents(dir, path);
    }
  }
  for (const put of journal.puts) if (put.path === MANIFEST) applyPut(put);
  if (journal.trees.includes(MANIFEST)) applyTree(MANIFEST);
  unlinkIfPresent(join(dir, JOURNAL));
  changed();
  removeStage(dir);
  return { written, removed };
}

/** Why the tree at `path` (shown as `shown`) holds something other than directories and regular files (a link), or undefined. */
function plainTreeProblem(path: string, shown: string): string | undefined {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const name = `${shown}/${entry.name}`;
    if (entry.isDirectory()) {
      const problem = plainTreeProblem(join(path, entry.name), name);
      if (problem !== undefined) return problem;
    } else if (!entry.isFile()) return `${name} is ${entry.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}`;
  }
  return undefined;
}

/** Removes the now-empty directories above a removed file, up to (not including) `dir`. */
function removeEmptyParents(dir: string, path: string): void {
  const parts = path.split('/').slice(0, -1);
  while (parts.length > 0) {
    const current = join(dir, ...parts);
    try {
      if (!lstatSync(current).isDirectory() || readdirSync(current).length > 0) return;
      rmdirSync(current);
    } catch {
      return;
    }
    parts.pop();
  }
}

/**
 * Completes or undoes a compile that was interrupted: a journal (complete by construction: it is
 * renamed into place whole) is applied — roll forward; a stage without a journal is removed —
 * roll back, the old tree was never touched. Returns whether there was anything to recover.
 */
export function recover(dir: string): boolean {
  const journal = probe(dir, JOURNAL);
  if (journal.kind === 'unsafe') throw new UnsafePathError(`refusing ${join(dir, JOURNAL)}: ${journal.reason}`);
  if (journal.kind === 'file') {
    const parsed = parseJournal(journal.text, join(dir, JOURNAL), dir);
    // libcc's own journal always renames a manifest into place, or updates a directory that has
    // one: a journal planted in a directory libcc never generated is not applied.
    if (!parsed.puts.some((put) => put.path === MANIFEST) && !parsed.trees.includes(MANIFEST) && probe(dir, MANIFEST).kind !== 'file') {
      throw new ManifestError(`${join(dir, JOURNAL)} does not belong to a directory generated by libcc; remove it and ${STAGE}/`);
    }
    applyJournal(dir, parsed, { recovering: true });
    return true;
  }
  let recovered = false;
  if (unlinkIfPresent(join(dir, JOURNAL_TEMP))) recovered = true;
  if (probe(dir, STAGE).kind !== 'missing' || isDirectoryNoFollow(join(dir, STAGE))) {
    removeStage(dir);
    recovered = true;
  }
  return recovered;
}

/**
 * After a failure (a full disk), what was staged but not committed goes now rather than at the
 * next compile: on a full disk, its room is what the user needs back. A committed journal stays
 * (the next compile rolls it forward).
 */
export function discardUncommitted(dir: string): void {
  if (probe(dir, JOURNAL).kind !== 'missing') return;
  unlinkIfPresent(join(dir, JOURNAL_TEMP));
  removeStage(dir);
}

/** Writes the journal and renames it into place (the commit point), then applies it. */
export function commit(dir: string, journal: Journal): { written: number; removed: number } {
  const temporary = join(dir, JOURNAL_TEMP);
  createExclusive(temporary, renderJournal(journal), 0o644);
  changed();
  renameSync(temporary, join(dir, JOURNAL));
  changed();
  return applyJournal(dir, journal, { recovering: false });
}
