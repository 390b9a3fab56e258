/**
 * Compile updates the output directory as a whole. `LIBCC_TEST_CRASH_AFTER=N` (a test hook,
 * docs/generated-scripts.md "Compiling safely") makes the compile kill itself with SIGKILL right
 * after its N-th change to the file system; for every N until the compile runs through:
 *
 * - right after the crash, the directory's generated files are exactly the old tree or exactly
 *   the new one, or a committed journal is waiting to be rolled forward;
 * - the next compile succeeds (no `--force`) and `compile --check` then passes.
 *
 * And the lock: a second compile while one holds `.libcc.lock` refuses with a clear message; a
 * lock left by a dead process is taken over.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: JavaScript without types (the benchmark's pipeline generator)
import { generateCompileFlow } from '../../bench/compile-flow.js';
import { runCli } from '../helpers/cli.js';
import { fileTree } from '../helpers/tree.js';
import { hostile, spawnCli, type Hostile } from './hostile.js';

let h: Hostile;
beforeEach(() => {
  h = hostile();
});
afterEach(() => h.cleanup());

beforeAll(() => {
  expect(existsSync('dist/cli/main.js'), 'run `npm run build` first').toBe(true);
});

const INTERNAL = new Set(['.libcc.lock', '.libcc-journal', '.libcc-journal.tmp', '.libcc-stage', '.libcc-cache', 'run']);

/** Generated files (path → content and mode) of a directory, libcc's bookkeeping left out. */
const tree = (dir: string) => fileTree(dir, INTERNAL);

/** The second version of the pipeline: one stage changed, one removed, so a compile writes and removes. */
function version2(source: string): string {
  return source.replace('estimate = 2h', 'estimate = 3h').replace(/stage merge[\s\S]*$/, '');
}

async function crashLoop(
  setup: () => Promise<void>,
  oldTree: () => Map<string, string>,
  newTree: Map<string, string>,
  writeNew: () => void,
  step: (n: number) => number = (n) => n + 1,
  until = 200,
): Promise<number> {
  for (let n = 1; n < until; n = step(n)) {
    await setup();
    const old = oldTree();
    writeNew();
    const crashed = spawnCli(['compile', h.flow, '-o', h.out], { LIBCC_TEST_CRASH_AFTER: String(n) });
    if (crashed.signal === null) {
      expect(crashed.status, crashed.stderr).toBe(0);
      expect(tree(h.out)).toEqual(newTree);
      return n;
    }
    expect(crashed.signal).toBe('SIGKILL');
    const after = tree(h.out);
    const journalled = existsSync(join(h.out, '.libcc-journal'));
    if (!journalled) expect([old, newTree].some((t) => JSON.stringify([...t]) === JSON.stringify([...after])), `after change ${n}: neither the old tree nor the new`).toBe(true);
    const check = await runCli('compile', h.flow, '-o', h.out, '--check');
    if (journalled) expect(check.stdout).toMatch(/interrupted: a compile was interrupted/);
    const next = await runCli('compile', h.flow, '-o', h.out);
    expect(next.code, `after change ${n}: ${next.stderr}`).toBe(0);
    expect((await runCli('compile', h.flow, '-o', h.out, '--check')).code, `after change ${n}`).toBe(0);
    expect(tree(h.out)).toEqual(newTree);
    expect(readdirSync(h.out).filter((name) => name.startsWith('.libcc') && name !== '.libcc-cache')).toEqual([]);
    rmSync(h.out, { recursive: true, force: true });
  }
  throw new Error('the compile never finished');
}

describe('a compile killed at any point', () => {
  it('leaves the old tree or the new one when it updates a directory; the next compile completes it', async () => {
    const v1 = readFileSync(h.flow, 'utf8');
    const v2 = version2(v1);
    writeFileSync(h.flow, v2);
    expect((await runCli('compile', h.flow, '-o', h.out)).code).toBe(0);
    const newTree = tree(h.out);
    rmSync(h.out, { recursive: true });
    let oldTree = new Map<string, string>();
    const steps = await crashLoop(
      async () => {
        writeFileSync(h.flow, v1);
        expect((await runCli('compile', h.flow, '-o', h.out)).code).toBe(0);
        oldTree = tree(h.out);
      },
      () => oldTree,
      newTree,
      () => writeFileSync(h.flow, v2),
    );
    expect(steps).toBeGreaterThan(5);
  });

  it('leaves nothing or the new tree on a first compile; the next compile completes it', async () => {
    expect((await runCli('compile', h.flow, '-o', h.out)).code).toBe(0);
    const newTree = tree(h.out);
    rmSync(h.out, { recursive: true });
    // A first compile stages the tree as it will be and moves its top-level names. Every change
    // of one of examples/minimal (22 files, 3 directories, 9 top-level names) would be 39
    // crashes; a sample covers each phase: staging (the stage, its directories and files: 1-26),
    // the commit (27: journal written, 28: renamed into place), the moves (29-37), the clean-up.
    const sample = (n: number) => (n < 26 ? n + 5 : n < 30 ? n + 1 : n + 3);
    const steps = await crashLoop(async () => {}, () => new Map(), newTree, () => {}, sample);
    expect(steps).toBeGreaterThan(30);
  });
});

describe('a big first compile (decks on the writer thread)', () => {
  it('leaves nothing or the new tree when it dies while the thread writes; the next compile completes it', async () => {
    generateCompileFlow(dirname(h.flow), 3100); // 1 024 decks: written early (early-write.ts beginEarlyWrite)
    expect((await runCli('compile', h.flow, '-o', h.out)).code).toBe(0);
    const newTree = tree(h.out);
    rmSync(h.out, { recursive: true });
    // Each thread counts its own changes: the main thread's stage and directories (1-3), then the
    // thread's decks (one each), the main thread's other files and the commit.
    const steps = await crashLoop(async () => {}, () => new Map(), newTree, () => {}, (n) => (n < 10 ? n + 3 : n * 3), 10_000);
    expect(steps).toBeGreaterThan(1024);
  });
});

describe('the lock', () => {
  it('refuses a second compile while another holds the lock, naming it', async () => {
    expect((await runCli('compile', h.flow, '-o', h.out)).code).toBe(0);
    writeFileSync(join(h.out, '.libcc.lock'), `${process.pid} ${hostname()} 2026-01-01T00:00:00.000Z\n`);
    const result = await runCli('compile', h.flow, '-o', h.out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`is locked by another libcc compile (process ${process.pid} on ${hostname()}, since 2026-01-01T00:00:00.000Z); wait for it to finish, or remove`);
    writeFileSync(join(h.out, '.libcc.lock'), `1 another-host.example 2026-01-01T00:00:00.000Z\n`);
    expect((await runCli('compile', h.flow, '-o', h.out)).stderr).toMatch(/process 1 on another-host\.example/);
  });

  it('takes over a lock whose process is gone', async () => {
    expect((await runCli('compile', h.flow, '-o', h.out)).code).toBe(0);
    const dead = spawnCli(['--version']);
    expect(dead.status).toBe(0);
    // A pid that existed and exited: the child's is no longer running (reuse within the test is improbable).
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid!;
    await new Promise((resolve) => child.on('exit', resolve));
    writeFileSync(join(h.out, '.libcc.lock'), `${pid} ${hostname()} 2026-01-01T00:00:00.000Z\n`);
    writeFileSync(h.flow, version2(readFileSync(h.flow, 'utf8')));
    const result = await runCli('compile', h.flow, '-o', h.out);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(h.out, '.libcc.lock'))).toBe(false);
  });

  it('two compiles at once: each succeeds or refuses on the lock, and the directory ends up whole', async () => {
    expect((await runCli('compile', h.flow, '-o', h.out)).code).toBe(0);
    writeFileSync(h.flow, version2(readFileSync(h.flow, 'utf8')));
    const run = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['bin/libcc.js', 'compile', h.flow, '-o', h.out]);
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([run(), run()]);
    for (const result of results) {
      if (result.code !== 0) {
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/is locked by another libcc compile/);
      }
    }
    expect(results.some((r) => r.code === 0)).toBe(true);
    expect((await runCli('compile', h.flow, '-o', h.out, '--check')).code).toBe(0);
  });
});
