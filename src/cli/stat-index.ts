/**
 * The stat index: what a no-change re-compile needs to trust a generated file without reading it.
 *
 * `verifyUnchanged` (up-to-date.ts) must know that every file the manifest lists still holds its
 * listed bytes. Hashing them all back is the price of noticing a hand edit (221 MB at 100k
 * jobs). As git's index does, this file remembers, per generated file, the `lstat` fields it had
 * when libcc last hashed it — device, inode, size, mode, modification and change times — with the
 * hash it found. A file whose fields are all unchanged is taken to hold
 * that hash; any other is hashed again.
 *
 * What a change has to alter to be noticed: writing a file changes its `mtime` and `ctime`;
 * `touch -d` or `cp -p` can set `mtime` back but not `ctime`, which only the clock sets; replacing
 * the file changes its inode. To rule out an edit made in the same clock tick as libcc's read (a
 * "racily clean" entry, in git's words), only files whose times are at least `SETTLE_MS` older
 * than the verification's start are recorded; newer ones are hashed again next time.
 *
 * It lives in `.libcc-cache/` in the output directory, beside a `.gitignore` of `*` (as pytest's
 * and ruff's caches do), so it is never committed. It is advisory: a missing, foreign or damaged
 * index (it could come from a pull request, `git add -f`) is ignored, and a planted entry cannot
 * match a checked-out file's inode and change time. A full compile removes it before writing.
 *
 * The cache's other file, the manifest's origin (manifest-origin.ts), is read, written and
 * removed through the same helpers (`readCacheFile`, `writeCacheFile`, `dropCacheFile`): never
 * through a link, atomically, best effort.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, renameSync, unlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { createExclusive, ensureParents, lstatOrUndefined, probe } from './safe-fs.js';

export const STAT_CACHE = '.libcc-cache';
const INDEX = `${STAT_CACHE}/stat-index`;
const GITIGNORE = `${STAT_CACHE}/.gitignore`;
const HEADER = 'libcc-stat-index 1';
const GITIGNORE_TEXT = "# libcc's cache of generated files' stats (see libcc's docs/performance.md): never committed\n*\n";
/** Files changed less than this (milliseconds) before a verification began are not recorded. */
export const SETTLE_MS = 2000;
/** A larger index is not libcc's (100k jobs make about 5 MB). */
const MAX_INDEX_BYTES = 256 << 20;

/**
 * The fields of one file's `lstat` that any change to the file alters — mode (type and
 * permissions), size, device, inode, modification and change times (milliseconds with their
 * fraction, as Node gives them) — as one string, compared whole.
 */
export type FileStamp = string;

export function stampOf(stat: Stats): FileStamp {
  return `${stat.mode} ${stat.size} ${stat.dev} ${stat.ino} ${stat.mtimeMs} ${stat.ctimeMs}`;
}

/** A file's `lstat`, or undefined when it cannot be had (the file is then hashed, and that says why). */
export function lstatQuietly(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * A read index, looked up in place: nothing is copied out per file (a no-change re-compile at
 * 100k jobs asks it about 33k files). The index is written in manifest order, so lookups in that
 * order find each line where the previous one ended; a path found elsewhere is looked up in a
 * map of all lines, made on the first such miss.
 */
export class StatIndex {
  private cursor: number;
  private lines: Map<string, number> | undefined;

  private constructor(
    private readonly text: string,
    readonly size: number,
  ) {
    this.cursor = HEADER.length + 1;
  }

  static readonly EMPTY = new StatIndex('', 0);

  /** The index of `dir`; empty when there is none, or it is foreign, damaged or too large. */
  static read(dir: string): StatIndex {
    const text = readCacheFile(dir, INDEX, MAX_INDEX_BYTES);
    if (text === undefined || !text.startsWith(`${HEADER}\n`) || !text.endsWith('\n')) return StatIndex.EMPTY;
    let size = 0;
    for (let at = HEADER.length + 1; at < text.length; size++) {
      const end = text.indexOf('\n', at);
      // Damaged: trust none of it.
      if (entryPathStart(text, at, end) === undefined) return StatIndex.EMPTY;
      at = end + 1;
    }
    return new StatIndex(text, size);
  }

  /**
   * What the index says of `path` as `stat` finds it: `same` (recorded with this stamp and this
   * hash), `different` (this stamp, another hash: the content is not `hash`'s), or undefined
   * (not recorded with this stamp: hash the file).
   */
  vouch(path: string, stat: Stats, hash: string): 'same' | 'different' | undefined {
    const at = this.find(path);
    if (at === undefined) return undefined;
    const stamp = stampOf(stat);
    const stampEnd = at + 65 + stamp.length;
    const { text } = this;
    if (!text.startsWith(stamp, at + 65) || text.charCodeAt(stampEnd) !== 32 || text.length < stampEnd + 2 + path.length || text.charCodeAt(stampEnd + 1 + path.length) !== 10) return undefined;
    return text.startsWith(hash, at) ? 'same' : 'different';
  }

  /** The line recorded for `path` (without its newline), to carry into a rewritten index. */
  line(path: string): string {
    const at = this.find(path)!;
    return this.text.slice(at, this.text.indexOf('\n', at));
  }

  /** Where `path`'s line starts, or undefined. */
  private find(path: string): number | undefined {
    const { text } = this;
    const at = this.cursor;
    if (at < text.length) {
      const end = text.indexOf('\n', at);
      const pathStart = end - path.length;
      if (text.charCodeAt(pathStart - 1) === 32 && text.startsWith(path, pathStart) && entryPathStart(text, at, end) === pathStart) {
        this.cursor = end + 1;
        return at;
      }
    }
    if (this.lines === undefined) {
      this.lines = new Map();
      for (let line = HEADER.length + 1; line < text.length; ) {
        const end = text.indexOf('\n', line);
        this.lines.set(text.slice(entryPathStart(text, line, end)!, end), line);
        line = end + 1;
      }
    }
    return this.lines.get(path);
  }
}

/** Where the path of the entry line `text[at, end)` starts, or undefined when it is not `<sha256> <stamp> <path>`. */
function entryPathStart(text: string, at: number, end: number): number | undefined {
  if (end - at < 64 + 1 + 11 + 1 + 1) return undefined;
  for (let i = at; i < at + 64; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return undefined;
  }
  if (text.charCodeAt(at + 64) !== 32) return undefined;
  // Six fields: four whole numbers, then two times (a sign, a fraction).
  let i = at + 65;
  for (let field = 0; field < 6; field++) {
    const start = i;
    if (field >= 4 && text.charCodeAt(i) === 45) i++;
    let digits = 0;
    let dots = 0;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
      else if (c === 46 && field >= 4 && dots === 0 && digits > 0) dots++;
      else break;
    }
    if (digits === 0 || i === start || text.charCodeAt(i) !== 32 || text.charCodeAt(i - 1) === 46) return undefined;
    i++;
  }
  return i < end ? i : undefined;
}

/** Formats one entry line (without its newline). */
export function entryLine(hash: string, stat: Stats, path: string): string {
  return `${hash} ${stampOf(stat)} ${path}`;
}

/** A file of the cache (`rel`, under `STAT_CACHE`), read without following links; undefined when absent, unsafe or over `maxBytes`. */
export function readCacheFile(dir: string, rel: string, maxBytes: number): string | undefined {
  if (!cacheDirIsPlain(dir)) return undefined;
  let fd: number;
  try {
    // Non-blocking: a FIFO there (git cannot commit one; a local process can make one) is refused by fstat, not waited on.
    fd = openSync(join(dir, rel), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    const buffer = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) return undefined;
      read += n;
    }
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a freshly hashed file may be recorded: both its times are `SETTLE_MS` before `startMs`
 * (wall clock at the start of the verification), so no edit can share a clock tick with the read.
 */
export function settled(stat: Stats, startMs: number): boolean {
  return stat.mtimeMs < startMs - SETTLE_MS && stat.ctimeMs < startMs - SETTLE_MS;
}

/**
 * Replaces the index with entry lines (`entryLine`, `StatIndex.line`) through a temporary file
 * and a rename, following no link. Best effort: an index that cannot be written (read-only or
 * full disk) only means hashing next time, so a failure is returned as a note, never thrown.
 */
export function writeStatIndex(dir: string, entries: readonly string[]): string | undefined {
  const problem = writeCacheFile(dir, INDEX, [HEADER, ...entries, ''].join('\n'));
  return problem === undefined ? undefined : `stat index not written: ${problem}`;
}

/**
 * Replaces a file of the cache (`rel`, under `STAT_CACHE`) through a temporary file and a rename,
 * following no link; the cache's `.gitignore` is made with it. Best effort: returns why it could
 * not be written (a read-only or full disk), never throws.
 */
export function writeCacheFile(dir: string, rel: string, text: string): string | undefined {
  const temporary = `${rel}.tmp-${process.pid}`;
  try {
    ensureParents(dir, rel);
    if (probe(dir, GITIGNORE).kind === 'missing') createExclusive(join(dir, GITIGNORE), GITIGNORE_TEXT, 0o644);
    unlinkQuietly(join(dir, temporary));
    createExclusive(join(dir, temporary), text, 0o644);
    renameSync(join(dir, temporary), join(dir, rel));
    return undefined;
  } catch (error) {
    unlinkQuietly(join(dir, temporary));
    return error instanceof Error ? error.message : String(error);
  }
}

/** Forgets every recorded stamp (before a compile rewrites files): the index describes only trees libcc has verified. */
export function dropStatIndex(dir: string): void {
  dropCacheFile(dir, INDEX);
}

/** Removes a file of the cache (`rel`, under `STAT_CACHE`), if there is one. */
export function dropCacheFile(dir: string, rel: string): void {
  if (cacheDirIsPlain(dir)) unlinkQuietly(join(dir, rel));
}

/** Whether `.libcc-cache` is a directory, not a link to one: only then is anything in it read or removed. */
function cacheDirIsPlain(dir: string): boolean {
  const stat = lstatOrUndefined(join(dir, STAT_CACHE));
  return stat !== undefined && stat.isDirectory();
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path); // unlink removes a link itself, never what it points to
  } catch {
    // Absent: nothing to forget.
  }
}
