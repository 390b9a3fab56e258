/**
 * File-system access confined to a root directory, for the generated directory that `compile`,
 * `compile --check` and `diff` read and write. Everything in that directory (the manifest
 * included) comes from a repository, so it is untrusted:
 *
 * - a relative path is checked before use (`checkRelativePath`): `/`-separated, normalised, no
 *   `..`, `.` or empty part, not absolute, no backslash or control character, no name or whole
 *   the system would refuse as too long;
 * - a path is resolved component by component with `lstat` (`probe`, `ensureParents`): a
 *   symbolic link anywhere below the root, or a file where a directory should be, is refused —
 *   libcc never creates symbolic links, so one it meets was planted;
 * - files are created with `O_CREAT | O_EXCL | O_NOFOLLOW` (never through a link, never over an
 *   existing file) with their mode (`fchmod` on the descriptor when the umask clears bits of it),
 *   and moved into place with `rename`; reads use `O_NOFOLLOW` too.
 *
 * The output directory itself must not be a symbolic link, `/`, the home directory or one of its
 * ancestors, nor be reached through a link below the working directory or the pipeline's
 * directory (`checkOutputDir`); the same rule guards the other paths a repository could redirect
 * (`committedLinkRefusal`: `graph -o`, `report`, `fmt`, `init`).
 */
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, readlinkSync, realpathSync, unlinkSync, writeSync, writevSync, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep, isAbsolute, parse } from 'node:path';

/** A path in (or the location of) the generated directory that libcc refuses to use; never overridden by `--force`. */
export class UnsafePathError extends Error {}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * The longest name of a file or directory, in bytes (`NAME_MAX`, 255 on Linux, macOS and the
 * BSDs): every system call given a longer one fails with ENAMETOOLONG.
 */
export const MAX_NAME_BYTES = 255;

/**
 * The longest path a system call takes, in bytes (`PATH_MAX` less its final NUL: 4096 on Linux,
 * 1024 on macOS and the BSDs); a longer one fails with ENAMETOOLONG.
 */
export const MAX_PATH_BYTES = (process.platform === 'linux' ? 4096 : 1024) - 1;

/**
 * Why `path` is not an acceptable relative path inside a root, or undefined when it is. A path
 * the system would refuse as too long (a name over `MAX_NAME_BYTES`, the whole over
 * `MAX_PATH_BYTES`) is refused here, before anything is looked at: from a manifest it would
 * otherwise end a compile half-way with ENAMETOOLONG.
 */
export function checkRelativePath(path: string): string | undefined {
  if (plainRelativePath(path)) return undefined;
  if (path === '') return 'empty path';
  const bytes = Buffer.byteLength(path, 'utf8');
  if (bytes > MAX_PATH_BYTES) return `path too long (${bytes} bytes; the system takes at most ${MAX_PATH_BYTES})`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(path)) return 'control character in path';
  if (path.includes('\\')) return 'backslash in path';
  if (path.startsWith('/') || isAbsolute(path)) return 'absolute path';
  for (const part of path.split('/')) {
    if (part === '') return 'empty path component (`//` or a trailing `/`)';
    if (part === '..') return '`..` leaves the directory';
    if (part === '.') return '`.` component (not normalised)';
    const name = Buffer.byteLength(part, 'utf8');
    if (name > MAX_NAME_BYTES) return `a name of ${name} bytes (a file or directory name is at most ${MAX_NAME_BYTES})`;
  }
  return undefined;
}

/**
 * Why `dir/rel` (`rel` checked by `checkRelativePath`) would be a path too long for the system,
 * or undefined. Made once for a directory, then asked of each of its paths (33k in a manifest):
 * only a path within 3 bytes a character of the limit is measured.
 */
export function pathLengthIn(dir: string): (rel: string) => string | undefined {
  const prefix = Buffer.byteLength(join(dir, 'x'), 'utf8') - 1;
  return (rel) => {
    if (prefix + rel.length * 3 <= MAX_PATH_BYTES) return undefined;
    const bytes = prefix + Buffer.byteLength(rel, 'utf8');
    return bytes <= MAX_PATH_BYTES ? undefined : `path too long in ${dir} (${bytes} bytes; the system takes at most ${MAX_PATH_BYTES})`;
  };
}

export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Whether `path` itself (never a link's target) is a directory. */
export function isDirectoryNoFollow(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Unlinks `path` (a link itself, never its target); false when it was not there. */
export function unlinkIfPresent(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Refuses an output directory that libcc must never treat as its own: `/` (or a drive root),
 * the home directory or one of its ancestors, a directory reached through a symbolic link that
 * the repository could have committed, a symbolic link, or something that is not a directory.
 *
 * `/` and home are compared by name and by real path (`realPathOf`): `-o /tmp/w/alias/home`
 * with `alias -> /tmp/w` names the home directory as surely as `-o /tmp/w/home` does.
 *
 * `roots` are the directories whose content comes from the repository: the working directory
 * and the directory of the root pipeline file. A link between one of them and the output
 * directory (`gen -> /elsewhere` with `-o gen/out`) was committed, not set up by the site;
 * links above them (`/home -> /export/home`, macOS's `/tmp`) are followed (`linkOnTheWay`).
 */
export function checkOutputDir(dir: string, roots: readonly string[]): void {
  const absolute = resolve(dir);
  const real = realPathOf(absolute);
  const resolved = real === absolute ? '' : ` (${real} once symbolic links are resolved)`;
  if (absolute === parse(absolute).root || real === parse(real).root) {
    throw new UnsafePathError(`refusing to use ${dir} as the output directory: it is the root of the file system${absolute === parse(absolute).root ? '' : resolved}; choose a directory of its own with -o`);
  }
  const home = process.env.HOME !== undefined && process.env.HOME !== '' ? resolve(process.env.HOME) : resolve(homedir());
  const byName = holdsHome(absolute, home);
  const byRealPath = byName ?? holdsHome(real, realPathOf(home));
  if (byRealPath !== undefined) {
    throw new UnsafePathError(`refusing to use ${dir} as the output directory: it ${byRealPath} your home directory${byName === undefined ? resolved : ''}; choose a directory of its own with -o`);
  }
  const link = committedLinkRefusal(dir, roots, `to use ${dir} as the output directory`, 'give the real path with -o');
  if (link !== undefined) throw new UnsafePathError(link);
  const stat = lstatOrUndefined(absolute);
  if (stat === undefined) return;
  if (stat.isSymbolicLink()) throw new UnsafePathError(`refusing to use ${dir} as the output directory: it is a symbolic link; give the real directory with -o`);
  if (!stat.isDirectory()) throw new UnsafePathError(`refusing to use ${dir} as the output directory: it exists and is not a directory`);
}

/** Whether `out` `is` the home directory or `holds` it; undefined when neither (both absolute). */
function holdsHome(out: string, home: string): 'is' | 'holds' | undefined {
  const fromOut = relative(out, home);
  if (fromOut === '') return 'is';
  return !fromOut.startsWith('..') && !isAbsolute(fromOut) ? 'holds' : undefined;
}

/**
 * The real path of `path`: its deepest existing ancestor with links resolved (`realpath`), the
 * rest appended as written. A missing output directory has a real path too: where `mkdir`
 * would make it.
 */
export function realPathOf(path: string): string {
  const rest: string[] = [];
  for (let existing = resolve(path); ; ) {
    try {
      return join(realpathSync.native(existing), ...rest);
    } catch {
      // Missing, or not resolvable (a dangling link, a loop, no permission): its parent is.
      const parent = dirname(existing);
      if (parent === existing) return resolve(path);
      rest.unshift(basename(existing));
      existing = parent;
    }
  }
}

/**
 * Why `path` is not to be used, when a symbolic link below one of `roots` is on the way to it
 * (`linkOnTheWay`: the last component is looked at only with `last`), or undefined. The rule of
 * `checkOutputDir`, and its message, for every path libcc writes at or reads a directory from
 * that a repository could have redirected: `graph -o`, `report -o` and `report <dir>`, the files
 * `fmt` rewrites, the directory `init` fills, the `--templates` directory (`last`: a directory
 * read through a committed link would put any file of the machine into a deck). `refusing` says
 * what (`to use gen as the output directory`), `instead` what to do (`give the real path with -o`).
 */
export function committedLinkRefusal(path: string, roots: readonly string[], refusing: string, instead: string, options: { last?: boolean } = {}): string | undefined {
  const link = linkOnTheWay(path, roots, options.last === true);
  return link === undefined ? undefined : `refusing ${refusing}: ${link.shown} is a symbolic link (to ${link.target}), which a repository can commit; ${instead}`;
}

/**
 * The first symbolic link on the way to `dir` that lies below one of `roots` (`shown` as `dir`
 * spells it: `gen` of `gen/out`), or undefined. The way is taken as the kernel takes it: from
 * the real working directory (or `/`), a link above the roots resolved, `..` from where the
 * components before it led — so "below a root" is decided on real paths, and a root reached
 * through an alias counts. The walk ends at the first missing component (`mkdir` makes plain
 * directories from there) and before the last one (unless `last`), which `checkOutputDir`
 * refuses as a link wherever it is.
 */
function linkOnTheWay(dir: string, roots: readonly string[], last: boolean): { shown: string; target: string } | undefined {
  const realRoots = roots.map(realPathOf);
  const parts = dir.split(sep).filter((part) => part !== '' && part !== '.');
  let current = isAbsolute(dir) ? parse(resolve(dir)).root : realPathOf(process.cwd());
  for (let i = 0; i < parts.length - (last ? 0 : 1); i++) {
    const part = parts[i]!;
    if (part === '..') {
      current = dirname(current);
      continue;
    }
    const next = join(current, part);
    const stat = lstatOrUndefined(next);
    if (stat === undefined) return undefined;
    if (!stat.isSymbolicLink()) {
      current = next;
      continue;
    }
    const target = realPathOf(next);
    if (realRoots.some((root) => isWithin(root, current))) {
      return { shown: `${isAbsolute(dir) ? parse(resolve(dir)).root : ''}${parts.slice(0, i + 1).join(sep)}`, target: shownTarget(next, target) };
    }
    current = target;
  }
  return undefined;
}

/** Where the link `link` leads: its real path, or what it holds when that does not resolve (a dangling link). */
function shownTarget(link: string, real: string): string {
  if (real !== resolve(link)) return real;
  try {
    return `${readlinkSync(link)}, which does not resolve`;
  } catch {
    return real;
  }
}

/**
 * The common case of `checkRelativePath` in one pass (verifying 33k manifest paths): non-empty
 * components of printable characters, no backslash, no `.` or `..`, within the length limits.
 * False means "look closer", not "refused". Bytes are counted as UTF-8 has them, a surrogate
 * as 3 (a pair is 4): over-counted, a path near a limit is looked at closer.
 */
function plainRelativePath(path: string): boolean {
  const length = path.length;
  if (length === 0 || length > MAX_PATH_BYTES) return false;
  let start = 0;
  let bytes = 0;
  let nameBytes = 0;
  for (let i = 0; i <= length; i++) {
    const c = i === length ? 47 : path.charCodeAt(i);
    if (c === 47) {
      const part = i - start;
      if (part === 0 || nameBytes > MAX_NAME_BYTES) return false;
      if (path.charCodeAt(start) === 46 && (part === 1 || (part === 2 && path.charCodeAt(start + 1) === 46))) return false;
      start = i + 1;
      bytes += nameBytes + 1;
      nameBytes = 0;
    } else if (c < 32 || (c >= 127 && c <= 159) || c === 92) {
      return false;
    } else {
      nameBytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
  }
  // `bytes` counted a `/` after the last name too.
  return bytes - 1 <= MAX_PATH_BYTES && !isAbsolute(path);
}

/** What is at a relative path under a root, found without following any link. */
export type Probe =
  | { readonly kind: 'missing' }
  | { readonly kind: 'file'; readonly path: string; readonly text: string; readonly mode: number }
  | { readonly kind: 'unsafe'; readonly reason: string };

/**
 * `Probe`, a file's content as bytes (not decoded). Given the content expected, a file that holds
 * exactly it is `same`, and its bytes are not kept (read into a reused buffer): a no-change
 * re-compile of 100k jobs then allocates nothing per file.
 */
export type ProbeBytes =
  | { readonly kind: 'missing' }
  | { readonly kind: 'file'; readonly path: string; readonly same: true; readonly mode: number; readonly expectedHash?: string }
  | { readonly kind: 'file'; readonly path: string; readonly same: false; readonly different: Different; readonly mode: number; readonly expectedHash?: string }
  | { readonly kind: 'unsafe'; readonly reason: string };

/**
 * Expected content made in pieces (plan.json: 53 MB at 100k jobs), compared with a file as it is
 * made, a chunk at a time (`encodePieces`), and hashed on the way (`expectedHash` of a probe):
 * never held whole.
 */
export interface ExpectedPieces {
  readonly pieces: () => Iterable<string | Uint8Array>;
}

/** What a file is compared with: its bytes, a function making them (only when there is a file), or pieces. */
export type Expected = Uint8Array | (() => Uint8Array | undefined) | ExpectedPieces;

/**
 * A file found not to hold what was expected: its bytes, or (`read: 'hash'`) only their sha256,
 * or (`read: 'none'`) only its size.
 */
export type Different = { readonly bytes: Buffer } | { readonly hash: string } | { readonly size: number };

/** What is read of a file found to differ: its bytes, their sha256, or nothing (`Different`). */
export type ReadDifferent = 'bytes' | 'hash' | 'none';

/**
 * The most libcc reads of a file back as bytes or text (a manifest, a journal, a file `diff`
 * shows): a manifest lists about 100 bytes a file, so this is millions of files. A bigger file
 * — a planted 3 GB `plan.json` — is refused with its size, instead of failing half-way through
 * (Node reads at most 2 GiB into a buffer, and 512 MiB into a string). Files compared or hashed
 * are read in pieces and have no limit.
 */
export const MAX_READ_BYTES = 256 * 2 ** 20;

/**
 * Looks at `rel` under `root`: each existing component is `lstat`ed; a symbolic link or a
 * non-directory on the way, or a link, directory or special file at the end, is `unsafe`.
 */
export function probe(root: string, rel: string): Probe {
  const found = probeBytes(root, rel);
  if (found.kind !== 'file') return found;
  return { kind: 'file', path: found.path, text: found.same ? '' : textOf(found.different), mode: found.mode };
}

/**
 * `probe`, the file's bytes as they are (or their sha256 or size: `read`), or whether they
 * are `expected`. With `directories` (one map per run over many files), each directory above is
 * checked once.
 */
export function probeBytes(
  root: string,
  rel: string,
  expected?: Expected,
  read: ReadDifferent = 'bytes',
  directories?: Map<string, string | undefined>,
): ProbeBytes {
  const problem = checkRelativePath(rel);
  if (problem !== undefined) return { kind: 'unsafe', reason: `${rel}: ${problem}` };
  const parts = rel.split('/');
  let current = root;
  let from = 0;
  // Directories already found plain in this run (`parentProblem`) are not looked at again, and
  // the file is opened at once (no link followed, a FIFO not waited on): two system calls a file
  // instead of one per component and an `lstat` (33k decks two levels down at 100k jobs). When
  // it cannot be opened, the walk below says why, as always.
  if (directories !== undefined && parts.length > 1) {
    const parents = parentProblem(root, rel, directories);
    if (parents === 'missing') return { kind: 'missing' };
    if (parents === undefined) {
      const path = join(root, rel);
      const found = readBytesNoFollow(path, expected, read);
      if (found !== undefined) return probed(rel, path, found);
      from = parts.length - 1;
      current = join(root, ...parts.slice(0, -1));
    }
  }
  for (let i = from; i < parts.length; i++) {
    current = join(current, parts[i]!);
    const stat = lstatOrUndefined(current);
    if (stat === undefined) return { kind: 'missing' };
    const shown = () => parts.slice(0, i + 1).join('/');
    if (stat.isSymbolicLink()) return { kind: 'unsafe', reason: `${shown()} is a symbolic link (libcc never creates one; remove it)` };
    if (i < parts.length - 1 && !stat.isDirectory()) return { kind: 'unsafe', reason: `${shown()} is not a directory` };
    if (i === parts.length - 1 && !stat.isFile()) return { kind: 'unsafe', reason: `${shown()} is not a regular file` };
  }
  return probed(rel, current, readBytesNoFollow(current, expected, read));
}

/** A `ProbeBytes` of what `readBytesNoFollow` found at `path` (`rel` under its root). */
function probed(rel: string, path: string, found: ReturnType<typeof readBytesNoFollow>): ProbeBytes {
  if (found === undefined) return { kind: 'unsafe', reason: `${rel} cannot be read as a regular file` };
  if ('tooLarge' in found) return { kind: 'unsafe', reason: `${rel} is ${(found.tooLarge / 2 ** 20).toFixed(0)} MiB, more than libcc reads back (${MAX_READ_BYTES / 2 ** 20} MiB); remove it` };
  const hashed = found.expectedHash === undefined ? {} : { expectedHash: found.expectedHash };
  return found.different === undefined
    ? { kind: 'file', path, same: true, mode: found.mode, ...hashed }
    : { kind: 'file', path, same: false, different: found.different, mode: found.mode, ...hashed };
}

const scratch = Buffer.allocUnsafe(1 << 16);

/**
 * Compares the file at `fd` (of `size` bytes, read from its start) with `pieces` as they are
 * made: whether it holds exactly them, their sha256, and (with `hashFile`) the file's — the
 * pieces' when the same, else the file is read again to hash it.
 */
function comparePieces(fd: number, size: number, pieces: Iterable<string | Uint8Array>, hashFile: boolean): { same: boolean; expectedHash: string; fileHash?: string } {
  const hash = createHash('sha256');
  let position = 0;
  let same = true;
  for (const chunk of encodePieces(pieces, sharedPiecesBuffer)) {
    hash.update(chunk);
    if (same) same = sameRange(fd, chunk, position);
    position += chunk.length;
  }
  const expectedHash = hash.digest('hex');
  if (same && position === size) return { same, expectedHash, fileHash: expectedHash };
  return hashFile ? { same: false, expectedHash, fileHash: hashOpenFile(fd, size) } : { same: false, expectedHash };
}

/** Whether the file at `fd` holds `bytes` from `position` on (whatever follows): compared 64 KiB at a time. */
function sameRange(fd: number, bytes: Uint8Array, position: number): boolean {
  for (let at = 0; at < bytes.length; ) {
    const n = readSync(fd, scratch, 0, Math.min(scratch.length, bytes.length - at), position + at);
    if (n === 0 || !scratch.subarray(0, n).equals(bytes.subarray(at, at + n))) return false;
    at += n;
  }
  return true;
}

/** A regular file's text and permission bits, opened without following a link; undefined otherwise. */
export function readNoFollow(path: string): { text: string; mode: number } | undefined {
  const read = readBytesNoFollow(path);
  return read === undefined || 'tooLarge' in read ? undefined : { text: read.different === undefined ? '' : textOf(read.different), mode: read.mode };
}

/** A file's text, from the bytes a probe read (not from a hash). */
export function textOf(different: Different): string {
  if (!('bytes' in different)) throw new Error('internal error: text asked of a file that was not read');
  return different.bytes.toString('utf8');
}

/**
 * `readNoFollow`, the content as bytes (or its sha256 or size: `read`); `different` is
 * undefined when the content is exactly `expected`. A file over `MAX_READ_BYTES` is refused
 * (`tooLarge`) unless hashed.
 */
export function readBytesNoFollow(
  path: string,
  expected?: Expected,
  read: ReadDifferent = 'bytes',
): { different: Different | undefined; mode: number; expectedHash?: string } | { tooLarge: number; mode: number } | undefined {
  return withRegularFile(path, (fd, stat) => {
    const mode = stat.mode & 0o777;
    if (expected !== undefined && typeof expected === 'object' && !(expected instanceof Uint8Array)) {
      const compared = comparePieces(fd, stat.size, expected.pieces(), read === 'hash');
      if (compared.same) return { different: undefined, mode, expectedHash: compared.expectedHash };
      if (compared.fileHash !== undefined) return { different: { hash: compared.fileHash }, mode, expectedHash: compared.expectedHash };
      if (stat.size > MAX_READ_BYTES) return { tooLarge: stat.size, mode };
      if (read === 'none') return { different: { size: stat.size }, mode, expectedHash: compared.expectedHash };
      return { different: { bytes: readFileSync(fd) }, mode, expectedHash: compared.expectedHash };
    }
    // A function makes the expected bytes only when there is a file to compare them with.
    const want = typeof expected === 'function' ? expected() : expected;
    if (want !== undefined && stat.size === want.length && sameRange(fd, want, 0)) return { different: undefined, mode };
    if (read === 'hash') return { different: { hash: hashOpenFile(fd, stat.size) }, mode };
    if (stat.size > MAX_READ_BYTES) return { tooLarge: stat.size, mode };
    if (read === 'none') return { different: { size: stat.size }, mode };
    return { different: { bytes: readFileSync(fd) }, mode };
  });
}

/**
 * Runs `use` on a regular file opened without following a link; undefined for anything else.
 * Opened non-blocking: a FIFO in a file's place is refused at once instead of waited on (the
 * flag does nothing to a regular file's reads).
 */
function withRegularFile<T>(path: string, use: (fd: number, stat: Stats) => T): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    return stat.isFile() ? use(fd, stat) : undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The sha256 of a regular file's content, its permission bits and its `fstat` (for the stat
 * index), opened without following a link and read 64 KiB at a time into a reused
 * buffer (nothing kept); undefined when it is not a regular file or cannot be read.
 */
export function hashNoFollow(path: string): { hash: string; mode: number; stat: Stats } | undefined {
  return withRegularFile(path, (fd, stat) => ({ hash: hashOpenFile(fd, stat.size), mode: stat.mode & 0o777, stat }));
}

/** The sha256 of an open file read from its start, 64 KiB at a time into a reused buffer. */
function hashOpenFile(fd: number, size: number): string {
  const hash = createHash('sha256');
  for (let position = 0; ; ) {
    const n = readSync(fd, scratch, 0, scratch.length, position);
    if (n === 0) break;
    hash.update(scratch.subarray(0, n));
    position += n;
    // A short read that reaches the size fstat gave is the end: no extra read for EOF (one
    // read per file instead of two when verifying 33k files).
    if (n < scratch.length && position >= size) break;
  }
  return hash.digest('hex');
}

/**
 * Why the directories above `rel` under `root` cannot be read through (a symbolic link, not a
 * directory), `missing`, or undefined when they are plain directories. Each directory is looked
 * at once per `seen` (verifying thousands of files in a few directories).
 */
export function parentProblem(root: string, rel: string, seen: Map<string, string | undefined>): string | undefined {
  // A directory is entered in `seen` only after all above it were found plain: its entry is the answer.
  const parent = rel.slice(0, Math.max(0, rel.lastIndexOf('/')));
  if (parent === '') return undefined;
  if (seen.has(parent)) return seen.get(parent);
  const parts = rel.split('/');
  let current = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const shown = parts.slice(0, i + 1).join('/');
    current = join(current, parts[i]!);
    if (!seen.has(shown)) {
      const stat = lstatOrUndefined(current);
      seen.set(shown, stat === undefined ? 'missing' : stat.isSymbolicLink() ? `${shown} is a symbolic link` : stat.isDirectory() ? undefined : `${shown} is not a directory`);
    }
    const problem = seen.get(shown);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * Creates the directories above `rel` under `root` one by one, refusing links and files on the
 * way; returns the full path. Directories in `checked` (relative to `root`, filled in here) were
 * checked or created by an earlier call of the same writer and are not looked at again.
 */
export function ensureParents(root: string, rel: string, checked?: Set<string>): string {
  const problem = checkRelativePath(rel);
  if (problem !== undefined) throw new UnsafePathError(`${rel}: ${problem}`);
  const parts = rel.split('/');
  const parent = parts.slice(0, -1).join('/');
  if (checked?.has(parent) === true) return join(root, rel);
  let current = root;
  for (let i = 0; i < parts.length - 1; i++) {
    current = join(current, parts[i]!);
    const stat = lstatOrUndefined(current);
    if (stat === undefined) {
      mkdirSync(current, { mode: 0o755 });
      continue;
    }
    if (stat.isSymbolicLink() || !stat.isDirectory()) {
      throw new UnsafePathError(`refusing to write ${rel} in ${root}: ${parts.slice(0, i + 1).join('/')} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}`);
    }
  }
  checked?.add(parent);
  return join(current, parts[parts.length - 1]!);
}

/**
 * Writes a new file exclusively (`O_CREAT | O_EXCL | O_NOFOLLOW`): fails when anything — file or
 * link — already has that name. The mode is given to `open`; when the umask clears some of its
 * bits, it is set on the descriptor (`fchmod`), so the umask does not change it and nothing but
 * this file is ever chmod-ed.
 */
export function createExclusive(path: string, text: string | Uint8Array | readonly Uint8Array[], mode: number, keptModes?: Set<number>): void {
  const fd = openExclusive(path, mode, keptModes);
  try {
    if (typeof text === 'string') writeAll(fd, Buffer.from(text, 'utf8'));
    else if (text instanceof Uint8Array) writeAll(fd, text);
    else writeAllParts(fd, text);
  } finally {
    closeSync(fd);
  }
}

/**
 * `open(O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW)` with `mode`, then `fchmod`. With `keptModes`
 * (the modes that `open` gave whole so far in one compile: the umask cleared none of their bits),
 * the first file of each mode is `fstat`ed instead, and the next ones of that mode need neither:
 * one syscall less per file. A set lasts one compile: the umask may change between two.
 */
function openExclusive(path: string, mode: number, keptModes?: Set<number>): number {
  const fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | NOFOLLOW, mode);
  try {
    if (keptModes === undefined) fchmodSync(fd, mode);
    else if (keptModes.has(mode)) return fd;
    else if ((fstatSync(fd).mode & 0o7777) === mode) keptModes.add(mode);
    else fchmodSync(fd, mode);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function writeAll(fd: number, buffer: Uint8Array): void {
  let offset = 0;
  while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
}

/** The parts one after another, in one `writev` (then what a short write left, part by part). */
function writeAllParts(fd: number, parts: readonly Uint8Array[]): void {
  let written = writevSync(fd, parts as Uint8Array[]);
  for (const part of parts) {
    if (written >= part.length) {
      written -= part.length;
      continue;
    }
    writeAll(fd, part.subarray(written));
    written = 0;
  }
}

const PIECES_BUFFER = 1 << 20;

let piecesBuffer: Buffer | undefined;
/**
 * One buffer for every text made in pieces on this thread (`encodePieces`): each chunk is used
 * before the next is made, and a compile compares or writes 33k decks that way.
 */
function sharedPiecesBuffer(): Buffer {
  return (piecesBuffer ??= Buffer.allocUnsafeSlow(PIECES_BUFFER));
}

/**
 * `createExclusive` of text made in pieces, encoded 1 MiB at a time into a reused buffer (the
 * whole text is never held); `each` sees the bytes as they are written (to hash them).
 */
export function createExclusivePieces(path: string, pieces: Iterable<string | Uint8Array>, mode: number, each: (bytes: Uint8Array) => void, keptModes?: Set<number>): void {
  const file = new ExclusiveFile(path, mode, keptModes);
  try {
    for (const bytes of encodePieces(pieces, sharedPiecesBuffer)) {
      each(bytes);
      file.write(bytes);
    }
  } finally {
    file.close();
  }
}

/**
 * Text made in pieces (strings, or UTF-8 bytes valid until the next piece is asked for) as
 * UTF-8, a chunk at a time: each chunk fills a buffer from `buffer()` (at least `PIECES_BUFFER`
 * bytes; the same one each time, or a new one) and is yielded as a view from its start, valid
 * until the next is asked for; a piece too big for one is a buffer of its own.
 */
export function* encodePieces(pieces: Iterable<string | Uint8Array>, buffer: () => Buffer): Generator<Uint8Array> {
  let current = buffer();
  let used = 0;
  for (const piece of pieces) {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: a piece that may not fit goes after a flush.
    const most = typeof piece === 'string' ? piece.length * 3 : piece.length;
    if (used + most > current.length) {
      if (used > 0) {
        yield current.subarray(0, used);
        current = buffer();
        used = 0;
      }
      if (most > current.length) {
        // A copy: a piece of bytes is valid only until the next is asked for.
        const bytes = Buffer.allocUnsafeSlow(typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.length);
        if (typeof piece === 'string') bytes.write(piece, 'utf8');
        else bytes.set(piece);
        yield bytes;
        continue;
      }
    }
    if (typeof piece === 'string') used += current.write(piece, used, 'utf8');
    else {
      current.set(piece, used);
      used += piece.length;
    }
  }
  if (used > 0) yield current.subarray(0, used);
}

/** A file created as `createExclusive` creates it, then written a part at a time. */
export class ExclusiveFile {
  private readonly fd: number;

  constructor(path: string, mode: number, keptModes?: Set<number>) {
    this.fd = openExclusive(path, mode, keptModes);
  }

  write(bytes: Uint8Array): void {
    writeAll(this.fd, bytes);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Whether `dir` holds anything but `ignored` top-level names (stops at the first entry found:
 * never walks a whole tree). Symbolic links count as entries and are not followed.
 */
export function hasEntries(dir: string, ignored: ReadonlySet<string>): boolean {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (ignored.has(entry.name)) continue;
    if (entry.isDirectory() && !entry.isSymbolicLink()) {
      if (hasEntries(join(dir, entry.name), new Set())) return true;
      continue;
    }
    return true;
  }
  return false;
}

/** `child` is `root` or below it (both absolute or both relative to the same directory). */
export function isWithin(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
