/**
 * A big re-compile verifies its directory on a thread while the analysis runs
 * (src/cli/verifier.ts, verify-thread.ts): the same answers as verifying after the analysis — the
 * fast path when nothing changed, "edited" for an edited file, the inputs first when they differ
 * too — under the lock for a writing compile (never for `--check`, which writes no stat index),
 * not started when another compile holds the lock, and nothing left behind when the analysis fails.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: JavaScript without types (the benchmark's pipeline generator)
import { generateCompileFlow } from '../../bench/compile-flow.js';
import { LOCK, MANIFEST } from '../../src/cli/generated-dir.js';
import { recordManifestOrigin } from '../../src/cli/manifest-origin.js';
import { SETTLE_MS } from '../../src/cli/stat-index.js';
import { runCli } from '../helpers/cli.js';
import { FAST_PATH_NOT_TAKEN, FAST_PATH_TAKEN, useFastPathNotes } from '../helpers/fast-path.js';

useFastPathNotes();

const THREADED = /the directory was verified on a thread during the analysis/;

let root: string;
/** A compiled pipeline of 7 000 jobs (2 431 files: a manifest over the thread's 256 KiB), copied per test. */
let compiled: string;
beforeAll(async () => {
  expect(existsSync('dist/cli/verify-thread.js'), 'run `npm run build` first').toBe(true);
  root = mkdtempSync(join(tmpdir(), 'libcc-verifier-'));
  compiled = join(root, 'compiled');
  generateCompileFlow(compiled, 7300);
  expect((await runCli('compile', join(compiled, 'flow.lcp'), '-o', join(compiled, 'out'))).code).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let copies = 0;
function copy(): { flow: string; out: string; compile: (...args: string[]) => ReturnType<typeof runCli> } {
  const dir = join(root, `copy${copies++}`);
  cpSync(compiled, dir, { recursive: true });
  const flow = join(dir, 'flow.lcp');
  const out = join(dir, 'out');
  // A copy is not trusted as written here (manifest-origin.ts): record it as a compile would.
  expect(recordManifestOrigin(out, MANIFEST)).toBeUndefined();
  return { flow, out, compile: (...args) => runCli('compile', flow, '-o', out, ...args) };
}

describe('the verify thread', () => {
  it('takes the fast path when nothing changed, under the lock, and records the stat index', async () => {
    const { out, compile } = copy();
    // The thread has its own clock (no mocking it): wait until the copied files are settled.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 200));
    const run = await compile();
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(THREADED);
    expect(FAST_PATH_TAKEN.exec(run.stderr)?.slice(1)).toEqual(['2431', '0']);
    expect(run.stdout).toMatch(/\(0 changed\)/);
    expect(existsSync(join(out, LOCK))).toBe(false);
    const again = await compile();
    expect(again.stderr).toMatch(THREADED);
    expect(FAST_PATH_TAKEN.exec(again.stderr)?.slice(1)).toEqual(['2431', '2430']);
  });

  it('finds an edited file, and puts changed inputs first', async () => {
    const { flow, out, compile } = copy();
    const deck = join(out, 'decks/characterize', readdirSync(join(out, 'decks/characterize'))[5]!);
    writeFileSync(deck, readFileSync(deck, 'utf8').replace('set_var', 'Set_var'));
    const edited = await compile('--check');
    expect(edited.stderr).toMatch(THREADED);
    expect(FAST_PATH_NOT_TAKEN.exec(edited.stderr)?.[1]).toMatch(/decks\/characterize\/.*\.tcl was edited/);
    expect(edited.code).toBe(1);

    writeFileSync(flow, readFileSync(flow, 'utf8').replace('estimate = 4h', 'estimate = 5h'));
    const both = await compile('--check');
    expect(both.stderr).toMatch(THREADED);
    expect(FAST_PATH_NOT_TAKEN.exec(both.stderr)?.[1]).toBe('the inputs differ from those libcc.manifest records');
  });

  it('under --check takes no lock and writes no stat index', async () => {
    const { out, compile } = copy();
    rmSync(join(out, '.libcc-cache/stat-index'), { force: true });
    writeFileSync(join(out, LOCK), `1 ${hostname()} 2026-01-01T00:00:00.000Z\n`); // held by a live process
    const check = await compile('--check');
    expect(check.code).toBe(0);
    expect(check.stderr).toMatch(THREADED);
    expect(existsSync(join(out, '.libcc-cache/stat-index'))).toBe(false);
  });

  it('is not started while another compile holds the lock, which is refused as before', async () => {
    const { out, compile } = copy();
    const lock = `1 ${hostname()} 2026-01-01T00:00:00.000Z\n`;
    writeFileSync(join(out, LOCK), lock);
    const refused = await compile();
    expect(refused.code).toBe(2);
    expect(refused.stderr).not.toMatch(THREADED);
    expect(refused.stderr).toMatch(/is locked by another libcc compile \(process 1 on /);
    expect(readFileSync(join(out, LOCK), 'utf8')).toBe(lock);
  });

  it('leaves neither the lock nor a temporary file when the analysis fails', async () => {
    const { flow, out, compile } = copy();
    writeFileSync(flow, `${readFileSync(flow, 'utf8')}\nstage broken for each library after nowhere {\n  run = shell "true"\n}\n`);
    const failed = await compile();
    expect(failed.code).toBe(1);
    expect(existsSync(join(out, LOCK))).toBe(false);
    const cache = join(out, '.libcc-cache');
    expect(existsSync(cache) ? readdirSync(cache).filter((name) => name.includes('.tmp')) : []).toEqual([]);
    expect(failed.stderr).toMatch(/libcc: note: verifying .*out on a thread during the analysis/);
  });
});
