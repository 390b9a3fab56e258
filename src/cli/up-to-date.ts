/**
 * Whether a generated directory is up to date: the no-change fast path of a re-compile (every
 * listed file as the manifest, the stat index or a hash says, `verifyUnchanged`) and, for
 * `compile --check`, how the directory differs from what a compile would write (`staleness`).
 */
import { join } from 'node:path';
import { MANIFEST, ManifestError } from './generated-dir.js';
import { interrupted } from './journal.js';
import { joinRanges, verifyRange, type ListedEntry, type ListedRange } from './listed-files.js';
import { manifestFromHere } from './manifest-origin.js';
import { expectedOf, manifestRecords, parseManifest, readManifest, type Content } from './manifest.js';
import { probe, probeBytes, UnsafePathError } from './safe-fs.js';
import { StatIndex, writeStatIndex } from './stat-index.js';

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
  const differ = manifestRecords(manifest.text, header, inputs);
  if (differ !== undefined) return { reason: differ };
  return verifyListed(dir, manifest.entries, options);
}

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
