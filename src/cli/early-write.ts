/**
 * A first compile's write begun before all its files are made: the decks go to a writer thread
 * (stage-writer.ts) while the main thread makes the rest, then everything is committed as
 * `writeGenerated` would (write-generated.ts).
 */
import { lstatSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FreshTree } from './fresh-tree.js';
import { checkGeneratedPath, fileMode, foreignContent, JOURNAL, MANIFEST, printable, RESERVED, refuseUngeneratable, STAGE } from './generated-dir.js';
import { discardUncommitted, recover, removeStage } from './journal.js';
import { recordManifestOrigin } from './manifest-origin.js';
import { asBytes, readManifest, type Content } from './manifest.js';
import { acquireLock } from './output-lock.js';
import { encodePieces, lstatOrUndefined, probe, UnsafePathError } from './safe-fs.js';
import { StageWriter, STREAM_CHUNK } from './stage-writer.js';
import { forgetVerified } from './write-generated.js';

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
    if (probe(dir, MANIFEST).kind === 'missing' && probe(dir, JOURNAL).kind === 'missing' && foreignContent(dir) !== undefined) return abandoned();
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
    refuseUngeneratable(files.keys());
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
