/**
 * A compile that fills the disk: a clear error (exit 2, not an internal error), nothing committed,
 * no stage or lock left behind; after space is freed the next compile writes the whole tree. Both
 * ways of writing: a small pipeline (the main thread) and one of 1 024 decks (the writer thread).
 * Needs a small tmpfs (mount, as root: CI); skipped where mounting is not permitted.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
// @ts-expect-error: JavaScript without types (the benchmark's pipeline generator)
import { generateCompileFlow } from '../../bench/compile-flow.js';
import { runCli } from '../helpers/cli.js';

let root: string;
let mounted: string | undefined;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'libcc-full-'));
});
afterEach(() => {
  if (mounted !== undefined) spawnSync('umount', [mounted]);
  mounted = undefined;
  rmSync(root, { recursive: true, force: true });
});

/** A tmpfs of `size` at `dir`, or the test is skipped (outside CI) where mount is not permitted. */
function smallDisk(ctx: TestContext, dir: string, size: string): void {
  mkdirSync(dir, { recursive: true });
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mount.status !== 0) {
    if (process.env.CI) throw new Error(`cannot mount a tmpfs under CI: ${mount.stderr}`);
    ctx.skip(`a small tmpfs is needed to fill the disk, and mount is not permitted here: ${mount.stderr.trim() || mount.error?.message}`);
  }
  mounted = dir;
}

async function fillsTheDisk(flow: string, disk: string, writes: number): Promise<void> {
  const out = join(disk, 'out');
  const full = await runCli('compile', flow, '-o', out);
  expect(full.code).toBe(2);
  expect(full.stderr).toMatch(/^libcc: error: ENOSPC: no space left on device.* \(the file system refused; not a problem of the pipeline or of libcc\)\n$/);
  expect(full.stderr).not.toMatch(/internal error/);
  // Nothing committed, nothing of libcc's left but the empty directory.
  expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  spawnSync('mount', ['-o', 'remount,size=64m', disk]);
  const next = await runCli('compile', flow, '-o', out);
  expect(next.code, next.stderr).toBe(0);
  expect(next.stdout).toMatch(new RegExp(`: ${writes} files \\(${writes} changed\\)`));
  expect((await runCli('compile', flow, '-o', out, '--check')).code).toBe(0);
}

describe('libcc compile on a full disk', () => {
  it('says so, leaves nothing, and compiles whole once there is room (main thread)', async (ctx) => {
    cpSync('examples/minimal/flow.lcp', join(root, 'flow.lcp'));
    const disk = join(root, 'disk');
    smallDisk(ctx, disk, '48k');
    await fillsTheDisk(join(root, 'flow.lcp'), disk, 22);
  });

  it('says so, leaves nothing, and compiles whole once there is room (writer thread)', async (ctx) => {
    generateCompileFlow(root, 3100);
    const disk = join(root, 'disk');
    smallDisk(ctx, disk, '1m');
    await fillsTheDisk(join(root, 'flow.lcp'), disk, 1054);
  });
});
