/**
 * The no-change fast path's check of the files a manifest lists (up-to-date.ts, `verifyUnchanged`):
 * each present as a plain file, with its listed hash and mode — vouched for by the stat index
 * (stat-index.ts) or hashed. Done on a range of the manifest's entries, so that a big directory
 * can be checked on two threads (verify-thread.ts): the ranges' outcomes, put together in
 * manifest order, are exactly those of one pass over all of them.
 */
import { isExecutable } from '../emit/file-modes.js';
import { entryLine, lstatQuietly, settled, StatIndex } from './stat-index.js';
import { hashNoFollow, parentProblem } from './safe-fs.js';

/** A manifest entry: the file's path and its listed hash. */
export type ListedEntry = readonly [path: string, hash: string];

/** What checking a range of entries found. */
export interface ListedRange {
  /** The first problem in the range, and the entry (its position in the whole list) where it was found; the range stopped there. */
  readonly problem?: { readonly at: number; readonly reason: string };
  /** Files the stat index vouched for. */
  readonly trusted: number;
  /** Files hashed and settled (`settled`): to be recorded. */
  readonly recorded: number;
  /** The paths to keep in the index, in order, each with its new line, or undefined to carry its old line (`StatIndex.line`). */
  readonly paths: string[];
  readonly lines: (string | undefined)[];
}

/**
 * Checks `entries` of `dir`, which start at position `first` of the manifest's; `startMs` is the
 * wall clock at the start of the whole verification (what `settled` compares with), the same for
 * every range.
 */
export function verifyRange(dir: string, entries: readonly ListedEntry[], first: number, index: StatIndex, startMs: number): ListedRange {
  const paths: string[] = [];
  const lines: (string | undefined)[] = [];
  let recorded = 0;
  let trusted = 0;
  const directories = new Map<string, string | undefined>();
  const stop = (k: number, reason: string): ListedRange => ({ problem: { at: first + k, reason }, trusted, recorded, paths, lines });
  for (let k = 0; k < entries.length; k++) {
    const [path, hash] = entries[k]!;
    const parents = parentProblem(dir, path, directories);
    if (parents !== undefined) return stop(k, parents === 'missing' ? `${path} is missing` : parents);
    const full = `${dir}/${path}`;
    const stat = index.size === 0 ? undefined : lstatQuietly(full);
    const vouched = stat === undefined ? undefined : index.vouch(path, stat, hash);
    let mode: number;
    if (vouched !== undefined) {
      if (vouched === 'different') return stop(k, `${path} was edited`);
      mode = stat!.mode & 0o777;
      trusted++;
      paths.push(path);
      lines.push(undefined);
    } else {
      const hashed = hashNoFollow(full);
      if (hashed === undefined) return stop(k, `${path} is missing or not a plain file`);
      if (hashed.hash !== hash) return stop(k, `${path} was edited`);
      mode = hashed.mode;
      if (settled(hashed.stat, startMs)) {
        paths.push(path);
        lines.push(entryLine(hash, hashed.stat, path));
        recorded++;
      }
    }
    if (mode !== (isExecutable(path) ? 0o755 : 0o644)) return stop(k, `${path} has mode ${mode.toString(8)}`);
  }
  return { trusted, recorded, paths, lines };
}

/** The outcome of ranges that cover the entries in order: the first problem in manifest order, or the counts and the index's lines. */
export function joinRanges(ranges: readonly ListedRange[], index: StatIndex): { reason: string } | { trusted: number; recorded: number; lines: string[] } {
  let first: ListedRange['problem'];
  for (const range of ranges) if (range.problem !== undefined && (first === undefined || range.problem.at < first.at)) first = range.problem;
  if (first !== undefined) return { reason: first.reason };
  const lines: string[] = [];
  let trusted = 0;
  let recorded = 0;
  for (const range of ranges) {
    trusted += range.trusted;
    recorded += range.recorded;
    range.paths.forEach((path, k) => lines.push(range.lines[k] ?? index.line(path)));
  }
  return { trusted, recorded, lines };
}

/**
 * `verifyRange` against the index as read now, each carried line resolved from it: a range
 * checked on another thread (verify-thread.ts), whose outcome needs no index of the caller's.
 */
export function verifyResolved(dir: string, entries: readonly ListedEntry[], first: number, startMs: number): ListedRange {
  const index = StatIndex.read(dir);
  const range = verifyRange(dir, entries, first, index, startMs);
  return { ...range, lines: range.lines.map((line, k) => line ?? index.line(range.paths[k]!)) };
}
