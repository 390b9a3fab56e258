/**
 * `diffGenerated` (src/cli/diff.ts), the heart of `libcc diff`: what a re-compile would change in a
 * generated directory, as a unified diff that `git apply` can apply.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTwoFilesPatch, diffLines, FILE_HEADERS_ONLY } from 'diff';
import fc from 'fast-check';
import { diffGenerated, editsExceed, patch, regionPatch } from '../../src/cli/diff.js';
import { MANIFEST } from '../../src/cli/generated-dir.js';
import { runCli } from '../helpers/cli.js';
// @ts-expect-error: JavaScript without types (the benchmark's pipeline generator)
import { generateCompileFlow } from '../../bench/compile-flow.js';

let dir: string;
let flow: string;
let out: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'libcc-diff-'));
  flow = join(dir, 'flow.lcp');
  out = join(dir, 'out');
  cpSync('examples/minimal/flow.lcp', flow);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The files `libcc compile flow.lcp -o out` would write, manifest included: a real compile into
 * a sibling directory (the pipeline is `../flow.lcp` from both, so the manifests are the same).
 */
async function generated(): Promise<Map<string, string>> {
  const reference = join(dir, 'reference');
  rmSync(reference, { recursive: true, force: true });
  expect((await runCli('compile', flow, '-o', reference)).code).toBe(0);
  const manifest = readFileSync(join(reference, MANIFEST), 'utf8');
  const files = new Map([...manifest.matchAll(/^[0-9a-f]{64} {2}(.+)$/gm)].map((m) => [m[1]!, readFileSync(join(reference, m[1]!), 'utf8')]));
  files.set(MANIFEST, manifest);
  rmSync(reference, { recursive: true, force: true });
  return files;
}

const compile = async (...args: string[]) => (await runCli('compile', flow, '-o', out, ...args)).code;
const edit = (from: string, to: string) => writeFileSync(flow, readFileSync(flow, 'utf8').replace(from, to));
/** `diffGenerated`'s pieces, joined as `libcc diff` prints them. */
const diffOf = (dir: string, files: Map<string, string>) => [...diffGenerated(dir, files)].join('');
/** `lines` as a file's text, with or without a final newline. */
const text = (lines: readonly string[], newline: boolean) => (lines.length === 0 ? '' : `${lines.join('\n')}${newline ? '\n' : ''}`);
/** The `diff --git` headers, in order. */
const headers = (diff: string) => [...diff.matchAll(/^diff --git a\/(\S+) b\/\S+$/gm)].map((m) => m[1]);

describe('diffGenerated', () => {
  it('is empty when the directory is up to date, run state and all', async () => {
    expect(await compile()).toBe(0);
    mkdirSync(join(out, 'run/state'), { recursive: true });
    writeFileSync(join(out, 'run/state/x.done'), 'done\n');
    expect(diffOf(out, await generated())).toBe('');
  });

  it('shows a changed estimate as a unified diff of plan.json (and the manifest)', async () => {
    await compile();
    edit('estimate = 10m', 'estimate = 20m');
    const diff = diffOf(out, await generated());
    expect(headers(diff)).toEqual([MANIFEST, 'plan.json']);
    const plan = diff.slice(diff.indexOf('diff --git a/plan.json'));
    expect(plan).toMatch(/^diff --git a\/plan\.json b\/plan\.json\n--- a\/plan\.json\n\+\+\+ b\/plan\.json\n@@ -\d+,\d+ \+\d+,\d+ @@\n/);
    expect(plan).toMatch(/^-\s+"makespanSeconds": 7800,?$/m);
    expect(plan).toMatch(/^\+\s+"makespanSeconds": 8400,?$/m);
    for (const line of plan.split('\n').slice(4, -1)) expect(line).toMatch(/^[-+ @\\]/);
    // What --check reports stale is exactly what the diff shows.
    expect((await runCli('compile', flow, '-o', out, '--check')).stdout).toMatch(/changed: plan\.json\n\s+changed: libcc\.manifest\n$/);
  });

  it('is a patch: applied in the directory, it makes the directory what a compile writes', async () => {
    const git = spawnSync('git', ['--version']);
    if (git.status !== 0) return; // no git on this machine
    await compile();
    edit('estimate = 10m', 'estimate = 20m');
    edit('stage merge', 'stage copy for each library, corner after characterize {\n  run = shell "true"\n  expect "${out}" == 1\n}\n\nstage merge');
    const diff = diffOf(out, await generated());
    writeFileSync(join(dir, 'change.patch'), diff);
    const applied = spawnSync('git', ['apply', '--verbose', join(dir, 'change.patch')], {
      cwd: out,
      encoding: 'utf8',
      env: { ...process.env, GIT_CEILING_DIRECTORIES: dir }, // never inside an enclosing repository
    });
    expect(applied.stderr).not.toMatch(/error/);
    expect(applied.status).toBe(0);
    expect(await compile('--check')).toBe(0);
    expect(diffOf(out, await generated())).toBe('');
  });

  it('includes files a compile would add and remove, in path order', async () => {
    await compile();
    const source = readFileSync(flow, 'utf8');
    writeFileSync(
      flow,
      source.replace('stage merge', 'stage audit for each library after characterize {\n  run = shell "touch ${out}/audit"\n  expect "${out}/audit" == 1\n}\n\nstage merge').replace(/stage merge[\s\S]*$/, ''),
    );
    const diff = diffOf(out, await generated());
    expect(headers(diff)).toEqual(['jobs/audit.sh', 'jobs/merge.sh', ...['audit', 'merge'].flatMap((s) => ['groups', 'idx', 'tsv'].map((t) => `lib/elements/${s}.${t}`)), 'lib/jobs.tsv', 'lib/units.tsv', MANIFEST, 'plan.json', 'status.sh', 'submit.sh']);
    expect(diff).toContain('diff --git a/jobs/audit.sh b/jobs/audit.sh\nnew file mode 100755\n--- /dev/null\n+++ b/jobs/audit.sh\n@@ -0,0 +1,');
    expect(diff).toContain('diff --git a/jobs/merge.sh b/jobs/merge.sh\ndeleted file mode 100755\n--- a/jobs/merge.sh\n+++ /dev/null\n@@ -1,');
    // The hunk of the removed file: every line of it, as a removal.
    const removedLines = diff.slice(diff.indexOf('+++ /dev/null\n')).split('\ndiff --git')[0]!.split('\n').slice(2);
    expect(removedLines.every((line) => line.startsWith('-'))).toBe(true);
    expect(removedLines.join('\n')).toBe(
      readFileSync(join(out, 'jobs/merge.sh'), 'utf8')
        .replace(/\n$/, '')
        .split('\n')
        .map((line) => `-${line}`)
        .join('\n'),
    );
  });

  it('shows every file as added when nothing was compiled yet, with its mode', async () => {
    const files = await generated();
    const diff = diffOf(out, files);
    expect(headers(diff)).toEqual([...files.keys()].sort());
    expect(diff).toContain('diff --git a/submit.sh b/submit.sh\nnew file mode 100755\n');
    expect(diff).toContain('diff --git a/plan.json b/plan.json\nnew file mode 100644\n');
    expect(diff).toContain('diff --git a/lib/runtime.sh b/lib/runtime.sh\nnew file mode 100644\n');
  });

  it('shows a hand edit as the compile would undo it, a missing final newline included', async () => {
    await compile();
    const kill = readFileSync(join(out, 'kill.sh'), 'utf8');
    writeFileSync(join(out, 'kill.sh'), `${kill}# my edit`);
    chmodSync(join(out, 'kill.sh'), 0o755);
    const diff = diffOf(out, await generated());
    expect(headers(diff)).toEqual(['kill.sh']);
    expect(diff).toMatch(/^-# my edit\n\\ No newline at end of file\n$/m);
  });
});

describe('libcc diff on a hostile directory', () => {
  it('refuses a manifest naming a file outside the directory instead of printing it', async () => {
    expect(await compile()).toBe(0);
    writeFileSync(join(out, MANIFEST), `${readFileSync(join(out, MANIFEST), 'utf8')}${'0'.repeat(64)}  /etc/passwd\n`);
    edit('estimate = 10m', 'estimate = 20m');
    const result = await runCli('diff', flow, '-o', out);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/libcc\.manifest:\d+: refusing the path `\/etc\/passwd`: absolute path/);
    const files = await generated();
    expect(() => diffGenerated(out, files)).toThrow(/absolute path/);
  });

  it('finds every refusal before the first patch is made: a link after a changed file prints nothing', async () => {
    expect(await compile()).toBe(0);
    edit('estimate = 10m', 'estimate = 20m');
    // plan.json (changed) sorts before status.sh, which is now a link to a file outside.
    writeFileSync(join(dir, 'secret'), 'not for the diff\n');
    rmSync(join(out, 'status.sh'));
    symlinkSync(join(dir, 'secret'), join(out, 'status.sh'));
    const files = await generated();
    expect(() => diffGenerated(out, files)).toThrow(/status\.sh is a symbolic link/);
    const result = await runCli('diff', flow, '-o', out);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('not for the diff');
  });
});

describe('libcc diff of a big change', () => {
  /** A flow of `jobs` jobs (the benchmark's), compiled, then its characterize estimate changed: plan.json's every job timing moves. */
  async function bigChange(jobs: number): Promise<void> {
    generateCompileFlow(dir, jobs);
    expect((await runCli('compile', flow, '-o', out)).code).toBe(0);
    edit('estimate = 4h', 'estimate = 5h');
  }

  it('comes in pieces of about a megabyte, each whole lines, that together are the patch', async () => {
    await bigChange(3000);
    const files = await generated();
    const pieces = [...diffGenerated(out, files)];
    // The manifest's patch is one piece with its headers, then plan.json's (the last file).
    const header = 'diff --git a/plan.json b/plan.json\n';
    const planAt = pieces.findIndex((piece) => piece.startsWith(header));
    expect(planAt).toBe(1);
    expect(pieces[0]!.startsWith(`diff --git a/${MANIFEST} b/${MANIFEST}\n--- a/${MANIFEST}\n`)).toBe(true);
    const plan = pieces.slice(planAt);
    expect(plan.length).toBeGreaterThan(3);
    for (const piece of plan) {
      expect(piece.endsWith('\n')).toBe(true);
      expect(Buffer.byteLength(piece)).toBeLessThan(1.1 * 2 ** 20);
    }
    const before = readFileSync(join(out, 'plan.json'), 'utf8');
    const after = files.get('plan.json')!;
    expect(plan.join('')).toBe(header + patch('a/plan.json', 'b/plan.json', before, after));
  });

  it('is printed whole to a slow reader through a pipe, and stops at once for a reader that goes away', () => {
    generateCompileFlow(dir, 3000);
    const cli = join(process.cwd(), 'bin/libcc.js');
    const run = (command: string) => spawnSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8', env: { ...process.env, CLI: cli } });
    expect(run('node "$CLI" compile flow.lcp -o out').status).toBe(0);
    edit('estimate = 4h', 'estimate = 5h');
    const whole = run('node "$CLI" diff flow.lcp -o out > whole.patch; echo "status=$?"');
    expect(whole.stdout).toBe('status=0\n');
    const size = readFileSync(join(dir, 'whole.patch')).length;
    expect(size).toBeGreaterThan(2 * 2 ** 20);
    // The reader starts late: the pipe fills, and the diff waits for it instead of queueing.
    const slow = run('node "$CLI" diff flow.lcp -o out --exit-code | (sleep 1; cat > piped.patch); echo "status=${PIPESTATUS[0]}"');
    expect(slow.stdout).toBe('status=1\n');
    expect(readFileSync(join(dir, 'piped.patch')).equals(readFileSync(join(dir, 'whole.patch')))).toBe(true);
    // Finishes with its own exit code (1: there are differences), not waiting for a reader that is gone.
    const early = run('node "$CLI" diff flow.lcp -o out --exit-code | head -c 100 > /dev/null; echo "status=${PIPESTATUS[0]}"');
    expect(early.stderr).toBe('');
    expect(early.stdout).toBe('status=1\n');
  });
});

describe('patch', () => {
  const header = (d: string) => `--- a/x\n+++ b/x\n${d}`;
  /** Applies `text` (a patch of `x`) with git in a scratch directory holding `before`; returns the result. */
  function applied(before: string, text: string): string {
    const scratch = mkdtempSync(join(tmpdir(), 'libcc-patch-'));
    try {
      writeFileSync(join(scratch, 'x'), before);
      writeFileSync(join(scratch, 'x.patch'), `diff --git a/x b/x\n${text}`);
      const run = spawnSync('git', ['apply', 'x.patch'], { cwd: scratch, encoding: 'utf8', env: { ...process.env, GIT_CEILING_DIRECTORIES: scratch } });
      expect(run.status, run.stderr).toBe(0);
      return readFileSync(join(scratch, 'x'), 'utf8');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  it('the region patch is jsdiff\'s when the change is one block between common lines', () => {
    const line = (alphabet: string) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(
        fc.array(line('ab'), { maxLength: 8 }),
        fc.array(line('cd'), { maxLength: 5 }),
        fc.array(line('ef'), { maxLength: 5 }),
        fc.array(line('gh'), { maxLength: 8 }),
        fc.boolean(),
        (head, removed, added, tail, newline) => {
          // The same final newline on both sides (a change of it alone is one more block).
          const before = text([...head, ...removed, ...tail], newline);
          const after = text([...head, ...added, ...tail], newline);
          fc.pre(before !== after);
          const shortest = createTwoFilesPatch('a/x', 'b/x', before, after, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
          expect(regionPatch('a/x', 'b/x', before, after)).toBe(shortest);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('any region patch applies with git apply and gives the new text', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', ''), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, fc.boolean(), fc.boolean(), (old, now, oldNewline, newNewline) => {
        const before = text(old, oldNewline);
        const after = text(now, newNewline);
        fc.pre(before !== after && before !== '' && after !== '');
        expect(applied(before, regionPatch('a/x', 'b/x', before, after))).toBe(after);
      }),
      { numRuns: 200 },
    );
  });

  it('falls back to the region patch when the shortest one is beyond its budget: one hunk, which applies', () => {
    // 60 000 lines, every third one changed: far more edits than are searched for at this size.
    const old = Array.from({ length: 60_000 }, (_, i) => `line ${i}`);
    const now = old.map((l, i) => (i % 3 === 1 ? `${l} changed` : l));
    const before = text(old, true);
    const after = text(now, true);
    const made = patch('a/x', 'b/x', before, after);
    expect(made).toBe(regionPatch('a/x', 'b/x', before, after));
    expect(made.match(/^@@ /gm)).toHaveLength(1);
    expect(made.startsWith(header('@@ -1,60000 +1,60000 @@\n line 0\n-line 1\n'))).toBe(true);
    expect(applied(before, made)).toBe(after);
  });

  it('makes the region patch of a big file of many-byte characters from its bytes, and it applies', () => {
    // Over 1 MiB, so worked on as UTF-8 bytes (lines compared, hunk cut, pieces made).
    const old = Array.from({ length: 40_000 }, (_, i) => `ligne ${i} … é ✓ 😀`);
    const now = old.map((l, i) => (i % 3 === 1 ? `${l} — changé` : l));
    const before = text(old, false);
    const after = text(now, false);
    expect(Buffer.byteLength(before) + Buffer.byteLength(after)).toBeGreaterThan(1 << 20);
    const made = patch('a/x', 'b/x', before, after);
    expect(made.match(/^@@ /gm)).toHaveLength(1);
    expect(made.startsWith(header('@@ -1,40000 +1,40000 @@\n ligne 0 … é ✓ 😀\n-ligne 1 … é ✓ 😀\n'))).toBe(true);
    expect(made.endsWith('+ligne 39997 … é ✓ 😀 — changé\n ligne 39998 … é ✓ 😀\n ligne 39999 … é ✓ 😀\n\\ No newline at end of file\n')).toBe(true);
    expect(applied(before, made)).toBe(after);
  });

  it('keeps the shortest patch where it is found within the budget', () => {
    const old = Array.from({ length: 2_000 }, (_, i) => `line ${i}`);
    const now = old.map((l, i) => (i === 500 || i === 1500 ? `${l} changed` : l));
    const made = patch('a/x', 'b/x', text(old, true), text(now, true));
    expect(made.match(/^@@ /gm)).toHaveLength(2);
  });

  it('keeps the shortest patch of a big file with a few changes (past the check before jsdiff)', () => {
    // 2 MB: checked by `editsExceed` first, which finds 6 edits, so jsdiff searches as before.
    const old = Array.from({ length: 100_000 }, (_, i) => `line ${i} of a big generated file`);
    const now = old.map((l, i) => (i === 10 || i === 50_000 || i === 99_990 ? `${l} changed` : l));
    const before = text(old, true);
    const after = text(now, true);
    expect(before.length + after.length).toBeGreaterThan(1 << 20);
    const made = patch('a/x', 'b/x', before, after);
    expect(made).toBe(createTwoFilesPatch('a/x', 'b/x', before, after, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY }));
    expect(made.match(/^@@ /gm)).toHaveLength(3);
  });
});

describe('editsExceed', () => {
  /** The lines jsdiff's shortest edit script removes and adds. */
  const edits = (before: string, after: string) => diffLines(before, after).reduce((sum, change) => sum + (change.added || change.removed ? change.count : 0), 0);

  it('says whether the shortest edit script is longer than the limit, as jsdiff finds it', () => {
    // Few distinct lines: many equal lines on many diagonals, and `\r` before some newlines.
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', '', 'a\r'), { maxLength: 14 });
    fc.assert(
      fc.property(lines, lines, fc.boolean(), fc.boolean(), fc.nat(16), (old, now, oldNewline, newNewline, limit) => {
        const before = text(old, oldNewline);
        const after = text(now, newNewline);
        expect(editsExceed(before, after, limit)).toBe(edits(before, after) > limit);
        // And exactly when jsdiff's search, bounded as `patch` bounds it, gives up.
        const bounded = createTwoFilesPatch('a/x', 'b/x', before, after, undefined, undefined, { maxEditLength: limit });
        expect(editsExceed(before, after, limit)).toBe(bounded === undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives no answer rather than search past its steps', () => {
    const same = Array.from({ length: 1_000 }, () => 'x');
    const before = text(same, true);
    const after = text([...same, 'y'], true);
    expect(editsExceed(before, after, 10)).toBe(false);
    expect(editsExceed(before, after, 10, 100)).toBeUndefined();
  });
});
