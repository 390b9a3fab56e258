/**
 * main.ts asks for one full garbage collection (collect-garbage.ts) when a big plan's files are
 * made, before `compile` writes them and before `compile --check` and `diff` compare them, and
 * `diff` for one more once it has let go of the files that do not differ; a small plan's compile
 * does not pay for it. The collection itself is tested in
 * collect-garbage.test.ts; here only when it is asked for.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: JavaScript without types (the benchmark's pipeline generator)
import { generateCompileFlow } from '../../bench/compile-flow.js';
import { runCli } from '../helpers/cli.js';

const collected = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../src/cli/collect-garbage.js', () => ({ collectGarbage: () => void collected.calls++ }));

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'libcc-garbage-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  collected.calls = 0;
});

function flowOf(jobs: number): string {
  const dir = join(root, String(jobs));
  mkdirSync(dir);
  generateCompileFlow(dir, jobs);
  return join(dir, 'flow.lcp');
}

describe('the garbage collection before the write', () => {
  it('is asked for once by each compile and compile --check, twice by diff, of a plan of 5 000 jobs or more', async () => {
    const flow = flowOf(5200);
    const compiled = await runCli('compile', flow);
    expect(compiled.stdout).toMatch(/, 5\d{3} jobs\n$/);
    expect(collected.calls).toBe(1);
    // The fast path (nothing rendered) has nothing to collect.
    expect((await runCli('compile', flow)).stdout).toMatch(/\(0 changed\)/);
    expect(collected.calls).toBe(1);
    expect((await runCli('compile', flow, '--check', '-o', join(root, 'elsewhere'))).code).toBe(1);
    expect(collected.calls).toBe(2);
    expect((await runCli('diff', flow, '-o', join(root, 'elsewhere'))).code).toBe(0);
    expect(collected.calls).toBe(4);
  });

  it('is not asked for by a small plan', async () => {
    const compiled = await runCli('compile', flowOf(300));
    expect(compiled.code).toBe(0);
    expect(collected.calls).toBe(0);
  });
});
