/**
 * `libcc compile`: check, plan, emit, and write the generated directory — as a whole (a crash
 * leaves the old tree or the new one, see `writeGenerated`), never over a file libcc did not
 * generate (or that was edited since), removing files a previous compile generated that are no
 * longer part of the output. `--check` writes nothing and reports whether the directory is up to
 * date.
 *
 * The directory comes from a repository, so nothing in it is trusted: the manifest is validated
 * before anything is read or removed (`parseManifest`), and every path is resolved without
 * following links (`safe-fs.ts`).
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { isExecutable } from '../emit/file-modes.js';
import { changed } from './crash-hook.js';
import { StageWriter, STREAM_CHUNK } from './stage-writer.js';
import { dropManifestOrigin, manifestFromHere, recordManifestOrigin } from './manifest-origin.js';
import { dropStatIndex, STAT_CACHE, StatIndex, writeStatIndex } from './stat-index.js';
import { joinRanges, verifyRange, type ListedEntry, type ListedRange } from './listed-files.js';
import { checkRelativePath, createExclusive, pathLengthIn, createExclusivePieces, encodePieces, ensureParents, hasEntries, lstatOrUndefined, probe, probeBytes, readNoFollow, UnsafePathError, type Different, type Expected } from './safe-fs.js';

export const MANIFEST = 'libcc.manifest';
/** Lock held while a compile writes the directory (`pid host start`). */
export const LOCK = '.libcc.lock';
/** The list of renames and removals of a compile, written when every new file is staged: the commit point. */
export const JOURNAL = '.libcc-journal';
/** New files of a compile in progress, named by number. */
export const STAGE = '.libcc-stage';
const JOURNAL_TEMP = '.libcc-journal.tmp';
/** Top-level names that are libcc's own bookkeeping or run state, never generated files. */
const RESERVED = new Set([MANIFEST, LOCK, JOURNAL, JOURNAL_TEMP, STAGE, STAT_CACHE, 'run']);

export interface ManifestEntry {
  readonly hash: string;
  readonly path: string;
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A generated file's content: text, its UTF-8 bytes, or a function making them (`emitBytes`),
 * which may make the same text in pieces too (`LazyBytes`: written and hashed as it is made).
 */
export type Content = string | Uint8Array | ((() => Uint8Array) & { readonly pieces?: () => Iterable<string | Uint8Array> });

/** The sha256 of a content: of its pieces as they are made, when it has them. */
function contentHash(content: Content): string {
  const pieces = typeof content === 'function' ? content.pieces : undefined;
  if (pieces === undefined) return sha256(typeof content === 'function' ? content() : content);
  const hash = createHash('sha256');
  for (const piece of pieces()) hash.update(piece);
  return hash.digest('hex');
}

/**
 * The manifest: a header, then `<sha256>  <path>` of every generated file. With `inputs` (the
 * digest of everything the output depends on, `inputs.ts`), a `# inputs` line records it, bound
 * to the file list (a manifest mixed from two compiles does not match): a re-compile with the
 * same inputs only verifies the files (`verifyUnchanged`).
 */
export function renderManifest(files: ReadonlyMap<string, Content>, header: string, inputs?: string): string {
  const hashes: [string, string][] = [];
  for (const [path, text] of files) hashes.push([path, contentHash(text)]);
  return manifestText(hashes, header, inputs);
}

/** A manifest not made yet: what `renderManifest` needs, kept to make it (once) when it is read. */
interface ManifestParts {
  readonly files: ReadonlyMap<string, Content>;
  readonly header: string;
  readonly inputs: string | undefined;
  /** Its text, once made. */
  made?: Buffer;
}

const pendingManifests = new WeakMap<object, ManifestParts>();

/**
 * The manifest of `files` as content made when it is first read (then kept: it is small).
 * `writeGenerated` into an empty directory does not read it: it hashes each file as it writes
 * it and makes the same text from those hashes, so no file is made twice.
 */
export function pendingManifest(files: ReadonlyMap<string, Content>, header: string, inputs?: string): () => Buffer {
  const parts: ManifestParts = { files, header, inputs };
  const content = () => (parts.made ??= Buffer.from(renderManifest(files, header, inputs), 'utf8'));
  pendingManifests.set(content, parts);
  return content;
}

/**
 * Makes a pending manifest (`pendingManifest`) now, with the hashes of `hashes` where it has them
 * (content made in pieces, hashed as it was compared with its file) instead of making that
 * content again to hash it; the others are added to `hashes`, which then holds every file it
 * lists. False for other content, or a manifest already made.
 */
function settleManifest(content: Content, hashes: Map<string, string>): boolean {
  const parts = typeof content === 'function' ? pendingManifests.get(content) : undefined;
  if (parts === undefined || parts.made !== undefined) return false;
  const listed: [string, string][] = [];
  for (const [path, file] of parts.files) {
    const hash = hashes.get(path) ?? contentHash(file);
    hashes.set(path, hash);
    listed.push([path, hash]);
  }
  parts.made = Buffer.from(manifestText(listed, parts.header, parts.inputs), 'utf8');
  return true;
}

/** What a file on disk is compared with for `content`: content made in pieces is compared as it is made. */
export function expectedOf(content: Content | undefined): Expected {
  const pieces = typeof content === 'function' ? content.pieces : undefined;
  return pieces !== undefined ? { pieces } : () => asBytes(content);
}

const MANIFEST_SECOND_LINE = '# sha256 and path of every generated file; libcc never overwrites a file not listed here.\n';

function manifestText(hashes: Iterable<readonly [string, string]>, header: string, inputs: string | undefined): string {
  const entries: string[] = [];
  for (const [path, hash] of hashes) entries.push(`${hash}  ${path}\n`);
  const body = entries.join('');
  const lines = [`# ${header}\n`, MANIFEST_SECOND_LINE];
  if (inputs !== undefined) lines.push(`# inputs ${sha256(`${inputs}\n${body}`)}\n`);
  return lines.join('') + body;
}

/**
 * Whether a manifest that parsed (`parseManifest`) is, byte for byte, the one libcc writes for
 * these inputs (`manifestText` of its own entries): the header lines, the `# inputs` digest of
 * exactly its body, and a body of entry lines only, each ending in a newline — checked in place
 * instead of rebuilding the text (33k lines at 100k jobs).
 */
function isManifestFor(text: string, header: string, inputs: string): boolean {
  const prefix = `# ${header}\n${MANIFEST_SECOND_LINE}# inputs `;
  const bodyStart = prefix.length + 65;
  if (!text.startsWith(prefix) || text.charCodeAt(bodyStart - 1) !== 10) return false;
  const body = text.slice(bodyStart);
  if (body !== '' && (!body.endsWith('\n') || body.startsWith('#') || body.includes('\n#'))) return false;
  return text.startsWith(sha256(`${inputs}\n${body}`), prefix.length);
}

/** A manifest (or journal) that libcc did not write as it is; using it could touch files outside the directory. */
export class ManifestError extends Error {}

/** Why a path cannot be a generated file's, or undefined. */
function checkGeneratedPath(path: string): string | undefined {
  const problem = checkRelativePath(path);
  if (problem !== undefined) return problem;
  const slash = path.indexOf('/');
  const top = slash < 0 ? path : path.slice(0, slash);
  if (RESERVED.has(top)) return top === 'run' ? 'the run state directory is never generated' : `\`${top}\` is libcc's own file`;
  return undefined;
}

/**
 * Parses and validates a manifest's text: `# ` comment lines, then `<sha256>  <path>` lines,
 * every path relative, normalised, inside the directory, listed once, not too long for the
 * system (in `dir`, when given: the directory it lists). Throws `ManifestError` naming the line
 * on anything else — before any listed file is looked at.
 */
export function parseManifest(text: string, where: string, dir?: string): Map<string, string> {
  const entries = new Map<string, string>();
  const tooLong = dir === undefined ? undefined : pathLengthIn(dir);
  // Scanned in place rather than split and matched: a manifest lists 33k files at 100k jobs.
  for (let at = 0, line = 1; at < text.length; line++) {
    const newline = text.indexOf('\n', at);
    const end = newline < 0 ? text.length : newline;
    const next = end + 1;
    if (text.charCodeAt(at) === 35 /* # */) {
      at = next;
      continue;
    }
    const hash = text.slice(at, at + 64);
    if (end - at < 67 || text.charCodeAt(at + 64) !== 32 || text.charCodeAt(at + 65) !== 32 || !SHA256.test(hash)) {
      throw new ManifestError(`${where}:${line}: not a manifest line (\`<sha256>  <path>\`)`);
    }
    const path = text.slice(at + 66, end);
    const problem = checkGeneratedPath(path) ?? tooLong?.(path);
    if (problem !== undefined) throw new ManifestError(`${where}:${line}: refusing the path \`${printable(path)}\`: ${problem}`);
    if (entries.has(path)) throw new ManifestError(`${where}:${line}: \`${path}\` is listed twice`);
    entries.set(path, hash);
    at = next;
  }
  return entries;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** A path from a manifest or journal as a message shows it: escaped, no control character, a long one cut. */
function printable(text: string): string {
  const shown = text.length > PRINTED_PATH ? `${text.slice(0, PRINTED_PATH)}…` : text;
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(shown).slice(1, -1).replace(/[\u0000-\u001f\u007f]/g, '?');
}

/** The most of a refused path a message shows (a planted one can be 4 KB). */
const PRINTED_PATH = 100;

/**
 * The validated manifest of `dir`, or undefined when there is none. A manifest that is a link,
 * not a file, or not in libcc's format is refused (`ManifestError`, `UnsafePathError`).
 */
export function readManifest(dir: string): Map<string, string> | undefined {
  const found = probe(dir, MANIFEST);
  if (found.kind === 'missing') return undefined;
  if (found.kind === 'unsafe') throw new UnsafePathError(`refusing ${join(dir, MANIFEST)}: ${found.reason}`);
  return parseManifest(found.text, join(dir, MANIFEST), dir);
}

/**
 * The no-change fast path: whether `dir` is exactly what a compile with these inputs wrote —
 * no interrupted compile, the manifest as libcc writes it with the same `# inputs` digest, and
 * every listed file present, with its listed hash and mode. Returns the number of files
 * (manifest included) and how many the stat index vouched for, or why not; anything unusual is a
 * "why not", and the full compile (which refuses or repairs as always) runs instead.
 *
 * A file whose `lstat` is as the stat index recorded it is not read again (stat-index.ts); the
 * others are hashed. With `record` (a writing compile, holding the lock) the index is updated
 * when the tree verifies.
 */
export function verifyUnchanged(
  dir: string,
  header: string,
  inputs: string,
  options: { record?: boolean; note?: (text: string) => void } = {},
): { files: number; trusted: number } | { reason: string } {
  const manifest = fastPathManifest(dir);
  if ('reason' in manifest) return manifest;
  if (!isManifestFor(manifest.text, header, inputs)) return { reason: INPUTS_DIFFER };
  return verifyListed(dir, manifest.entries, options);
}

const INPUTS_DIFFER = `the inputs differ from those ${MANIFEST} records`;

/**
 * `verifyUnchanged` but for the inputs, which the caller checks with `manifestRecords` on the
 * manifest text returned: what the verify thread does while the analysis runs (verify-thread.ts).
 * With `helper`, when the stat index holds fewer than half of the entries, those from the middle
 * on are handed to it (another thread), and checked here when it has no outcome: the answer is
 * the same either way.
 */
export async function verifyListedFiles(
  dir: string,
  options: { record?: boolean; note?: (text: string) => void; helper?: ListedHelper } = {},
): Promise<({ files: number; trusted: number } | { reason: string }) & { text?: string }> {
  const manifest = fastPathManifest(dir);
  if ('reason' in manifest) return manifest;
  const startMs = Date.now();
  const index = StatIndex.read(dir);
  const list = [...manifest.entries];
  const middle = Math.ceil(list.length / 2);
  // Only where most files are to be hashed (no index yet: after a writing compile): a
  // thread's start-up costs more than looking up the other half by `lstat`.
  const helped = index.size * 2 < list.length ? options.helper?.(list.slice(middle), middle, startMs) : undefined;
  const first = verifyRange(dir, helped === undefined ? list : list.slice(0, middle), 0, index, startMs);
  const ranges = [first];
  if (helped !== undefined) {
    // A problem in the first half is the first in manifest order: the second half is not needed.
    if (first.problem !== undefined) helped.cancel();
    else ranges.push((await helped.outcome) ?? verifyRange(dir, list.slice(middle), middle, index, startMs));
  }
  return { ...recordListed(dir, list.length, joinRanges(ranges, index), index, options), text: manifest.text };
}

/**
 * Starts checking `entries` (the manifest's from position `from` on) elsewhere; its outcome has
 * every line resolved (no line carried from an index the caller did not read), or is undefined
 * when the helper failed. Undefined when no helper can be started.
 */
export type ListedHelper = (entries: readonly ListedEntry[], from: number, startMs: number) => { outcome: Promise<ListedRange | undefined>; cancel(): void } | undefined;

/** Whether a manifest's text (from `verifyListedFiles`) records these header and inputs; else why not. */
export function manifestRecords(text: string, header: string, inputs: string): string | undefined {
  return isManifestFor(text, header, inputs) ? undefined : INPUTS_DIFFER;
}

/** Why the fast path does not trust a manifest that libcc did not write here (manifest-origin.ts). */
export const NOT_FROM_HERE = `${MANIFEST} was not written here by libcc (a checkout or a copy): rendered to compare`;

/** The manifest, parsed, when the fast path may use it: no compile interrupted, a plain file with mode 0644, written here by libcc. */
function fastPathManifest(dir: string): { text: string; entries: Map<string, string> } | { reason: string } {
  if (interrupted(dir)) return { reason: 'a compile was interrupted' };
  const found = probe(dir, MANIFEST);
  if (found.kind !== 'file') return { reason: found.kind === 'missing' ? `no ${MANIFEST}` : found.reason };
  let entries: Map<string, string>;
  try {
    entries = parseManifest(found.text, join(dir, MANIFEST), dir);
  } catch (error) {
    if (error instanceof ManifestError) return { reason: error.message };
    throw error;
  }
  if (found.mode !== 0o644) return { reason: `${MANIFEST} has mode ${found.mode.toString(8)}` };
  if (!manifestFromHere(dir, MANIFEST, found.text)) return { reason: NOT_FROM_HERE };
  return { text: found.text, entries };
}

/** Every listed file present as listed (hash and mode): by the stat index, else hashed (listed-files.ts). */
function verifyListed(dir: string, entries: ReadonlyMap<string, string>, options: { record?: boolean; note?: (text: string) => void }): { files: number; trusted: number } | { reason: string } {
  const startMs = Date.now();
  const index = StatIndex.read(dir);
  const list = [...entries];
  return recordListed(dir, list.length, joinRanges([verifyRange(dir, list, 0, index, startMs)], index), index, options);
}

/** The outcome of checking every listed file (`joinRanges`); with `record`, the stat index updated when the tree verified. */
function recordListed(
  dir: string,
  listed: number,
  outcome: ReturnType<typeof joinRanges>,
  index: StatIndex,
  options: { record?: boolean; note?: (text: string) => void },
): { files: number; trusted: number } | { reason: string } {
  if ('reason' in outcome) return outcome;
  if (options.record === true && (outcome.recorded > 0 || outcome.trusted !== index.size)) {
    const problem = writeStatIndex(dir, outcome.lines);
    if (problem !== undefined) options.note?.(problem);
  }
  return { files: listed + 1, trusted: outcome.trusted };
}

/** Whether a generated file is missing, holds `expected`, or something else; throws when it is a link or not a file. */
function currentState(dir: string, path: string, expected: Content | undefined, directories: Map<string, string | undefined>): 'missing' | 'same' | 'different' {
  const found = probeBytes(dir, path, expectedOf(expected), 'hash', directories);
  if (found.kind === 'unsafe') throw new UnsafePathError(`refusing to read ${path} in ${dir}: ${found.reason}`);
  return found.kind === 'missing' ? 'missing' : found.same ? 'same' : 'different';
}

export function asBytes(content: Content | undefined): Uint8Array | undefined {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : typeof content === 'function' ? content() : content;
}

export interface Staleness {
  readonly changed: string[];
  readonly missing: string[];
  readonly extra: string[];
  /** An interrupted compile left a journal: the next compile completes it. */
  readonly interrupted: boolean;
}

/** How the directory differs from what a compile would write. Reads only through `probe`. */
export function staleness(dir: string, files: ReadonlyMap<string, Content>): Staleness {
  const previous = readManifest(dir) ?? new Map<string, string>();
  const changed: string[] = [];
  const missing: string[] = [];
  const directories = new Map<string, string | undefined>();
  for (const [path, text] of files) {
    const current = currentState(dir, path, text, directories);
    if (current === 'missing') missing.push(path);
    else if (current === 'different') changed.push(path);
  }
  const extra = [...previous.keys()].filter((p) => !files.has(p) && currentState(dir, p, undefined, directories) !== 'missing').sort();
  return { changed, missing, extra, interrupted: interrupted(dir) };
}

/** Whether a compile into `dir` was interrupted (a journal or a stage is left): the next compile completes or undoes it. */
export function interrupted(dir: string): boolean {
  return probe(dir, JOURNAL).kind !== 'missing' || probe(dir, STAGE).kind !== 'missing';
}

export class ClobberError extends Error {}

// ---------------------------------------------------------------------------------------------
// The lock
// ---------------------------------------------------------------------------------------------

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `dir/.libcc.lock` (created exclusively, `pid host start`). A lock left by a process of
 * this host that no longer runs is stale and taken over; any other lock refuses the compile.
 * Returns the release function.
 */
export function acquireLock(dir: string): () => void {
  const path = join(dir, LOCK);
  const content = `${process.pid} ${hostname()} ${new Date().toISOString()}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      createExclusive(path, content, 0o644);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readNoFollow(path)?.text ?? '';
    const match = /^(\d+) (\S+) (\S+)\n?$/.exec(holder);
    if (attempt === 0 && match && match[2] === hostname() && !processAlive(Number(match[1]))) {
      unlinkIfPresent(path); // stale: its process is gone (killed, crashed); unlink never follows a link
      continue;
    }
    const who = match ? `process ${match[1]} on ${match[2]}, since ${match[3]}` : 'an unknown process';
    throw new ClobberError(`${dir} is locked by another libcc compile (${who}); wait for it to finish, or remove ${path} if no compile is running`);
  }
  return () => {
    try {
      if (readNoFollow(path)?.text === content) unlinkSync(path);
    } catch {
      // Already gone.
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The journal: stage every new file, commit by renaming the journal into place, then apply
// ---------------------------------------------------------------------------------------------

interface Journal {
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
function removeStage(dir: string): void {
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

function unlinkIfPresent(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
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

function isDirectoryNoFollow(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

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
  for (const path of files.keys()) {
    const problem = path === MANIFEST ? undefined : checkGeneratedPath(path);
    if (problem !== undefined) throw new UnsafePathError(`refusing to generate \`${printable(path)}\`: ${problem}`);
  }
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
function forgetVerified(dir: string): void {
  dropStatIndex(dir);
  dropManifestOrigin(dir);
}

/**
 * After a failure (a full disk), what was staged but not committed goes now rather than at the
 * next compile: on a full disk, its room is what the user needs back. A committed journal stays
 * (the next compile rolls it forward).
 */
function discardUncommitted(dir: string): void {
  if (probe(dir, JOURNAL).kind !== 'missing') return;
  unlinkIfPresent(join(dir, JOURNAL_TEMP));
  removeStage(dir);
}

/**
 * A first compile's write begun before all its files are made (`beginEarlyWrite`): the files
 * `put` early (a big pipeline's decks) are written by a thread of their own while the main
 * thread makes the rest, then `finishEarlyWrite` hands the rest to that thread and commits —
 * the same tree, manifest and journal as `writeGenerated`, and the same crash safety (all of it
 * is in the stage until the commit). It holds the lock from its beginning to its end.
 */
export interface EarlyWrite {
  /** Sends a file to the writer thread (its path is checked as `writeGenerated` checks it). */
  put(path: string, parts: readonly Uint8Array[]): void;
}

interface EarlyWriteState extends EarlyWrite {
  readonly dir: string;
  readonly tree: FreshTree;
  readonly writer: StageWriter;
  readonly release: () => void;
  /** The output directory did not exist before: a write given up removes it again. */
  readonly madeDir: boolean;
}

const earlyWrites = new WeakMap<EarlyWrite, EarlyWriteState>();

/**
 * Begins a write of `dir` early when it is a first compile's (nothing there but libcc's
 * bookkeeping and `run/`, after a recovery): takes the lock and starts the writer thread.
 * Undefined otherwise, and whenever anything stands in the way (a refusal, the lock held): then
 * `writeGenerated` does the whole write later, and refuses as it always does.
 */
export function beginEarlyWrite(dir: string): EarlyWrite | undefined {
  let release: (() => void) | undefined;
  const madeDir = lstatOrUndefined(dir) === undefined;
  try {
    mkdirSync(dir, { recursive: true });
    if (lstatSync(dir).isSymbolicLink() || !statSync(dir).isDirectory()) return abandoned();
    if (probe(dir, MANIFEST).kind === 'missing' && probe(dir, JOURNAL).kind === 'missing' && hasEntries(dir, RESERVED)) return abandoned();
    release = acquireLock(dir);
    recover(dir);
    forgetVerified(dir);
    if (readManifest(dir) !== undefined || !readdirSync(dir).every((name) => RESERVED.has(name))) return abandoned();
    const tree = new FreshTree(dir);
    let writer: StageWriter;
    try {
      writer = new StageWriter(join(dir, STAGE));
    } catch {
      removeStage(dir); // no thread to be had (a resource limit): the write goes as without one
      return abandoned();
    }
    const early: EarlyWrite = {
      put(path, parts) {
        const problem = checkGeneratedPath(path);
        if (problem !== undefined) throw new UnsafePathError(`refusing to generate \`${printable(path)}\`: ${problem}`);
        // Always to the thread, even when it lags behind: the main thread has the rendering to
        // do, and writing decks on it too when the thread lagged made a 100k compile slower.
        tree.parents(path);
        writer.put(path, parts, fileMode(path));
      },
    };
    earlyWrites.set(early, { ...early, dir, tree, writer, release, madeDir });
    return early;
  } catch {
    return abandoned();
  }

  function abandoned(): undefined {
    release?.();
    if (madeDir) rmdirQuietly(dir);
    return undefined;
  }
}

/** Sends the writer thread `files` but those sent early, waits for it, and commits: `writeGenerated` for an early write. */
export async function finishEarlyWrite(early: EarlyWrite, files: ReadonlyMap<string, Content>): Promise<{ written: number; removed: number }> {
  const state = earlyWrites.get(early)!;
  try {
    for (const path of files.keys()) {
      const problem = path === MANIFEST ? undefined : checkGeneratedPath(path);
      if (problem !== undefined) throw new UnsafePathError(`refusing to generate \`${printable(path)}\`: ${problem}`);
    }
    for (const path of state.writer.paths) if (!files.has(path)) throw new Error(`internal error: ${path} was written early but is not generated`);
    // The rest goes to the thread too, when it has caught up: the main thread only makes the
    // bytes (plan.json's as it encodes them) while the thread writes and hashes. While it lags
    // behind (a slow disk), the main thread writes in parallel, as the thread does.
    for (const [path, content] of files) {
      if (path === MANIFEST || state.writer.paths.has(path)) continue;
      if (state.writer.backlog > WRITER_BACKLOG) {
        state.tree.write(path, content);
        continue;
      }
      state.tree.parents(path);
      const pieces = typeof content === 'function' ? content.pieces : undefined;
      if (pieces !== undefined) await state.writer.stream(path, fileMode(path), (buffer) => encodePieces(pieces(), buffer));
      else {
        // A big table is streamed a chunk at a time, so that few copies of its parts are alive at once.
        const bytes = asBytes(content)!;
        if (bytes.length <= STREAM_CHUNK) state.writer.put(path, [bytes], fileMode(path));
        else await state.writer.stream(path, fileMode(path), (buffer) => copiedChunks(bytes, buffer));
      }
    }
    for (const [path, hash] of await state.writer.finish()) state.tree.hashes.set(path, hash);
    const outcome = state.tree.commit(files);
    recordManifestOrigin(state.dir, MANIFEST);
    return outcome;
  } catch (error) {
    // Nothing is committed (or, if the journal is, the next compile rolls it forward).
    await state.writer.abandon();
    discardUncommitted(state.dir);
    throw error;
  } finally {
    state.release();
  }
}

/**
 * Files the writer thread may have left to write for the main thread still to hand it the rest;
 * beyond, the main thread writes the rest itself (plan.json and the tables, in other directories
 * than the decks). Above what the thread's messages (256 files) hold in the normal course.
 */
const WRITER_BACKLOG = 1024;

/** `bytes` copied a buffer at a time (each from `buffer()`), each copy yielded as a view from its buffer's start. */
function* copiedChunks(bytes: Uint8Array, buffer: () => Buffer): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; ) {
    const target = buffer();
    const size = Math.min(target.length, bytes.length - at);
    target.set(bytes.subarray(at, at + size));
    yield target.subarray(0, size);
    at += size;
  }
}

/** Gives up an early write (the compile failed after it began): the directory is left as it was. */
export async function abandonEarlyWrite(early: EarlyWrite): Promise<void> {
  const state = earlyWrites.get(early)!;
  try {
    await state.writer.abandon();
    removeStage(state.dir);
  } finally {
    state.release();
  }
  if (state.madeDir) rmdirQuietly(state.dir);
}

function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (a run directory, a file put there since) or gone: left as it is.
  }
}

/** Refuses a non-empty directory without a manifest: its files are not libcc's. */
function refuseForeign(dir: string): void {
  if (hasEntries(dir, RESERVED)) throw new ClobberError(`${dir} is not empty and was not generated by libcc (no ${MANIFEST}); choose another directory with -o`);
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

/** Writes the journal and renames it into place (the commit point), then applies it. */
function commit(dir: string, journal: Journal): { written: number; removed: number } {
  const temporary = join(dir, JOURNAL_TEMP);
  createExclusive(temporary, renderJournal(journal), 0o644);
  changed();
  renameSync(temporary, join(dir, JOURNAL));
  changed();
  return applyJournal(dir, journal, { recovering: false });
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

/** The new tree of a compile into an empty directory, made in the stage (`writeFresh`). */
class FreshTree {
  private readonly stage: string;
  /** Each file's sha256, for the manifest. */
  readonly hashes = new Map<string, string>();
  private readonly keptModes = new Set<number>();
  private readonly made = new Set<string>();
  /** The top-level names of the tree: what the journal renames. */
  private readonly trees = new Set<string>();

  constructor(private readonly dir: string) {
    this.stage = join(dir, STAGE);
    mkdirSync(this.stage, { mode: 0o700 });
    changed();
  }

  /** Makes the directories above `path` (once each): before a file is written there, here or by the writer thread. */
  parents(path: string): void {
    const slash = path.indexOf('/');
    this.trees.add(slash < 0 ? path : path.slice(0, slash));
    makeParents(this.stage, path, this.made);
  }

  write(path: string, content: Content): void {
    this.parents(path);
    const mode = fileMode(path);
    const pieces = typeof content === 'function' ? content.pieces : undefined;
    if (pieces !== undefined) {
      const hash = createHash('sha256');
      createExclusivePieces(join(this.stage, path), pieces(), mode, (bytes) => hash.update(bytes), this.keptModes);
      this.hashes.set(path, hash.digest('hex'));
    } else {
      const bytes = asBytes(content)!;
      createExclusive(join(this.stage, path), bytes, mode, this.keptModes);
      this.hashes.set(path, sha256(bytes));
    }
    changed();
  }

  /** Writes the manifest (from the hashes, when it is the pending one of these files) and commits the tree. */
  commit(files: ReadonlyMap<string, Content>): { written: number; removed: number } {
    const manifest = files.get(MANIFEST);
    if (manifest !== undefined) {
      // Made from the hashes taken while writing: no file is made again to be hashed.
      settleManifest(manifest, this.hashes);
      createExclusive(join(this.stage, MANIFEST), asBytes(manifest)!, 0o644);
      changed();
      this.trees.add(MANIFEST);
    }
    commit(this.dir, { puts: [], trees: [...this.trees], removes: [] });
    return { written: files.size, removed: 0 };
  }
}

function fileMode(path: string): number {
  return isExecutable(path) ? 0o755 : 0o644;
}

/** Makes the directories above `path` in the stage (a new directory of libcc's own), each once per `made`. */
function makeParents(stage: string, path: string, made: Set<string>): void {
  for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
    const parent = path.slice(0, slash);
    if (made.has(parent)) continue;
    mkdirSync(join(stage, parent), { mode: 0o755 });
    changed();
    made.add(parent);
  }
}

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

/**
 * `from` as seen from `dir`, with `/` separators, for header comments: control characters (a
 * newline in a file name would end the comment and start code) become `?`.
 */
export function relativeFrom(dir: string, from: string): string {
  return relative(resolve(dir), resolve(from)).split(sep).join('/').replace(/[\u0000-\u001f\u007f]/g, '?');
}

