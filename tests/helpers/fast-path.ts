// Shared by the tests of compile's no-change fast path and its stat index: the debug notes they
// read (`LIBCC_DEBUG_FASTPATH=1`, turned on for the calling file) and a fresh directory per test
// holding the n2_tanager example's sources.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** The note of a taken fast path: files verified, and how many of them the stat index vouched for. */
export const FAST_PATH_TAKEN = /libcc: note: fast path: inputs unchanged, (\d+) files verified \((\d+) by the stat index\), nothing rendered/;
export const FAST_PATH_NOT_TAKEN = /libcc: note: fast path not taken: (.*)/;

/** Call at the top of a test file: `LIBCC_DEBUG_FASTPATH=1` while its tests run. */
export function useFastPathNotes(): void {
  let previous: string | undefined;
  beforeAll(() => {
    previous = process.env.LIBCC_DEBUG_FASTPATH;
    process.env.LIBCC_DEBUG_FASTPATH = '1';
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.LIBCC_DEBUG_FASTPATH;
    else process.env.LIBCC_DEBUG_FASTPATH = previous;
  });
}

/** A new temporary directory holding the n2_tanager example's sources. */
export function exampleSources(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const name of ['flow.lcp', 'site.lcp', 'corners.yaml']) cpSync(join('examples/n2_tanager', name), join(dir, name));
  return dir;
}

/** Call at the top of a test file: the notes on, and a directory of sources per test (returned). */
export function fastPathSandbox(prefix: string): () => string {
  let dir = '';
  useFastPathNotes();
  beforeEach(() => {
    dir = exampleSources(prefix);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}
