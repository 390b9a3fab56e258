/**
 * The no-change fast path's check of the listed files in ranges (src/cli/listed-files.ts), and
 * the verify thread's helper for the second half (verify-thread.ts): ranges put together in
 * manifest order answer exactly as one pass does — the first problem in manifest order, the same
 * counts, the same stat index written — whether the helper answers, fails, or is not needed.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: JavaScript without types (the benchmark's pipeline generator)
import { generateCompileFlow } from '../../bench/compile-flow.js';
import { MANIFEST } from '../../src/cli/generated-dir.js';
import { parseManifest } from '../../src/cli/manifest.js';
import { verifyListedFiles, type ListedHelper } from '../../src/cli/up-to-date.js';
import { joinRanges, verifyRange, verifyResolved, type ListedEntry } from '../../src/cli/listed-files.js';
import { recordManifestOrigin } from '../../src/cli/manifest-origin.js';
import { SETTLE_MS, StatIndex, writeStatIndex } from '../../src/cli/stat-index.js';
import type { VerifyReply } from '../../src/cli/verify-thread.js';
import { runCli } from '../helpers/cli.js';

const INDEX = '.libcc-cache/stat-index';

let root: string;
/** A compiled pipeline of about 1 000 jobs (a few hundred files), copied per test. */
let compiled: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'libcc-listed-'));
  compiled = join(root, 'compiled');
  generateCompileFlow(compiled, 1000);
  expect((await runCli('compile', join(compiled, 'flow.lcp'), '-o', join(compiled, 'out'))).code).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

let copies = 0;
/** A fresh copy of the compiled directory, and its manifest's entries in order. */
function copy(): { out: string; entries: ListedEntry[] } {
  const dir = join(root, `copy${copies++}`);
  cpSync(join(compiled, 'out'), dir, { recursive: true });
  // A copy is not trusted as written here (manifest-origin.ts): record it as a compile would.
  expect(recordManifestOrigin(dir, MANIFEST)).toBeUndefined();
  return { out: dir, entries: [...parseManifest(readFileSync(join(dir, MANIFEST), 'utf8'), MANIFEST)] };
}

/** A wall clock at which every file of the copy is settled (`settled`), so hashed files are recorded. */
const settledClock = () => Date.now() + SETTLE_MS + 10_000;

/** One of the copy's decks (a file the manifest lists), edited. */
function edit(out: string, entries: readonly ListedEntry[], position: number): string {
  const path = entries[position]![0];
  writeFileSync(join(out, path), `${readFileSync(join(out, path), 'utf8')}# edited\n`);
  return path;
}

/** A helper on this thread, as the verify thread's is on another (`verifyResolved`), counting its calls. */
function inProcessHelper(dir: string, outcome: 'answers' | 'fails' = 'answers'): ListedHelper & { calls: number; cancelled: number } {
  const helper = Object.assign(
    (entries: readonly ListedEntry[], from: number, startMs: number) => {
      helper.calls++;
      return {
        outcome: Promise.resolve(outcome === 'answers' ? verifyResolved(dir, entries, from, startMs) : undefined),
        cancel: () => void helper.cancelled++,
      };
    },
    { calls: 0, cancelled: 0 },
  );
  return helper;
}

describe('verifyRange and joinRanges', () => {
  it('give, for any split, the outcome of one pass: counts and index lines', () => {
    const { out, entries } = copy();
    const startMs = settledClock();
    const whole = joinRanges([verifyRange(out, entries, 0, StatIndex.EMPTY, startMs)], StatIndex.EMPTY);
    expect(whole).toMatchObject({ trusted: 0, recorded: entries.length });
    for (const split of [0, 1, Math.floor(entries.length / 2), entries.length - 1, entries.length]) {
      const parts = [verifyRange(out, entries.slice(0, split), 0, StatIndex.EMPTY, startMs), verifyRange(out, entries.slice(split), split, StatIndex.EMPTY, startMs)];
      expect(joinRanges(parts, StatIndex.EMPTY), `split at ${split}`).toEqual(whole);
    }
  });

  it('report the first problem in manifest order, wherever the ranges split', () => {
    const { out, entries } = copy();
    const early = edit(out, entries, 10);
    const late = edit(out, entries, entries.length - 10);
    const middle = Math.floor(entries.length / 2);
    const parts = (from: number) => [verifyRange(out, entries.slice(0, from), 0, StatIndex.EMPTY, Date.now()), verifyRange(out, entries.slice(from), from, StatIndex.EMPTY, Date.now())];
    expect(joinRanges(parts(middle), StatIndex.EMPTY)).toEqual({ reason: `${early} was edited` });
    expect(joinRanges(parts(5), StatIndex.EMPTY)).toEqual({ reason: `${early} was edited` });
    // A range stops at its own first problem, and says where it was.
    expect(parts(middle)[1]!.problem).toEqual({ at: entries.length - 10, reason: `${late} was edited` });
  });
});

describe('verifyListedFiles with a helper for the second half', () => {
  it('answers as without one, and asks no helper when the index vouches for most files', async () => {
    const alone = copy();
    const helped = copy();
    const without = await verifyListedFiles(alone.out, { record: true });
    const helper = inProcessHelper(helped.out);
    const withHelper = await verifyListedFiles(helped.out, { record: true, helper });
    expect(helper.calls).toBe(1);
    expect(withHelper).toEqual(without);
    // Both copies were just made: nothing is settled, so neither records an index (the next test compares indexes).
    expect(existsSync(join(helped.out, INDEX))).toBe(false);
    expect(existsSync(join(alone.out, INDEX))).toBe(false);

    // With every file recorded (written as a later run would), a second helper is not asked.
    const lines = joinRanges([verifyRange(helped.out, helped.entries, 0, StatIndex.EMPTY, settledClock())], StatIndex.EMPTY);
    if ('reason' in lines) throw new Error(lines.reason);
    expect(writeStatIndex(helped.out, lines.lines)).toBeUndefined();
    const second = inProcessHelper(helped.out);
    expect(await verifyListedFiles(helped.out, { record: true, helper: second })).toMatchObject({ trusted: helped.entries.length });
    expect(second.calls).toBe(0);
  });

  it('carries the lines of an index holding a third of the files as one pass does', async () => {
    const { out, entries } = copy();
    const all = joinRanges([verifyRange(out, entries, 0, StatIndex.EMPTY, settledClock())], StatIndex.EMPTY);
    if ('reason' in all) throw new Error(all.reason);
    const partial = all.lines.filter((_, k) => k % 3 === 0);
    // Every file settled: the hashed ones are recorded beside the carried ones.
    const clock = settledClock();
    vi.spyOn(Date, 'now').mockReturnValue(clock);
    const indexAfter = async (helper?: ListedHelper) => {
      expect(writeStatIndex(out, partial)).toBeUndefined();
      const result = await verifyListedFiles(out, { record: true, ...(helper === undefined ? {} : { helper }) });
      return { result, index: readFileSync(join(out, INDEX), 'utf8') };
    };
    const alone = await indexAfter();
    const helper = inProcessHelper(out);
    expect(await indexAfter(helper)).toEqual(alone);
    expect(helper.calls).toBe(1);
    expect(alone.result).toMatchObject({ trusted: partial.length });
    expect(alone.index).toBe(['libcc-stat-index 1', ...all.lines, ''].join('\n'));
  });

  it('answers the same when the helper fails, and cancels it when the first half has a problem', async () => {
    const { out, entries } = copy();
    const reference = await verifyListedFiles(out);
    const failing = inProcessHelper(out, 'fails');
    expect(await verifyListedFiles(out, { helper: failing })).toEqual(reference);

    const late = edit(out, entries, entries.length - 3);
    expect(await verifyListedFiles(out, { helper: inProcessHelper(out, 'fails') })).toMatchObject({ reason: `${late} was edited` });
    expect(await verifyListedFiles(out, { helper: inProcessHelper(out) })).toMatchObject({ reason: `${late} was edited` });

    const early = edit(out, entries, 2);
    const cancelled = inProcessHelper(out);
    expect(await verifyListedFiles(out, { helper: cancelled })).toMatchObject({ reason: `${early} was edited` });
    expect(cancelled.cancelled).toBe(1);
  });
});

describe('the verify thread with a helper thread', () => {
  /** The verify thread's reply for `dir` (built script), with a helper for lists of `helperMinFiles` or more. */
  const verifyOnThread = (dir: string, helperMinFiles: number, record = false) =>
    new Promise<VerifyReply>((resolve, reject) => {
      const worker = new Worker('./dist/cli/verify-thread.js', { workerData: { dir, record, helperMinFiles } });
      worker.once('message', resolve);
      worker.once('error', reject);
    });

  it('answers as one pass does: the files verified, the stat index recorded, an edit in the second half', async () => {
    expect(existsSync('dist/cli/verify-thread.js'), 'run `npm run build` first').toBe(true);
    const alone = copy();
    const helped = copy();
    const reference = await verifyListedFiles(alone.out);
    expect(await verifyOnThread(helped.out, 10)).toEqual({ result: reference, notes: [] });

    // Settled (the thread has its own clock): recorded, each line as one pass makes it.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 200));
    expect(await verifyOnThread(helped.out, 10, true)).toEqual({ result: reference, notes: [] });
    const expected = joinRanges([verifyRange(helped.out, helped.entries, 0, StatIndex.EMPTY, settledClock())], StatIndex.EMPTY);
    if ('reason' in expected) throw new Error(expected.reason);
    expect(readFileSync(join(helped.out, INDEX), 'utf8')).toBe(['libcc-stat-index 1', ...expected.lines, ''].join('\n'));

    const path = edit(alone.out, alone.entries, alone.entries.length - 2);
    expect(await verifyOnThread(alone.out, 10)).toMatchObject({ result: { reason: `${path} was edited` } });
    expect(existsSync(join(alone.out, INDEX))).toBe(false);
  });
});
