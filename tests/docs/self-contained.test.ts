/**
 * The project's docs and comments are self-contained: the facts the code relies on live in
 * docs/ (docs/lsf.md, docs/liberate.md) with their public sources, so no tracked file may cite
 * the product notes kept outside the repository — the DOMAIN and CONVENTIONS notes, or the
 * shared folder that holds them. Test fixtures are exempt (they may hold any text).
 *
 * Until every branch that removes such a citation has merged, this test fails and lists the
 * files and lines left; it is never skipped.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Built from parts so that this file does not match itself.
const NOTES = ['DOMAIN', 'CONVENTIONS'].map((name) => `\\b${name}\\.md\\b`);
const SHARED = [`/work/${'shared'}\\b`, `\\.\\./${'shared'}/(DOMAIN|CONVENTIONS|README)\\b`];
const CITATION = new RegExp([...NOTES, ...SHARED].join('|'));

const repo = process.cwd();
const EXEMPT = /^tests\/fixtures\//;
/** Never in the repository, whatever git says (a tarball or a copy has no git). */
const UNTRACKED_DIRS = new Set(['.git', 'node_modules', 'dist', 'coverage']);

/** The repository's files: git's list when this is a git work tree, else a walk of the tree. */
function projectFiles(): string[] {
  const git = spawnSync('git', ['ls-files', '-z'], { cwd: repo, encoding: 'utf8' });
  if (git.error === undefined && git.status === 0) return git.stdout.split('\0').filter((file) => file !== '');
  const walk = (dir: string): string[] =>
    readdirSync(join(repo, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) return UNTRACKED_DIRS.has(entry.name) ? [] : walk(path);
      return entry.isFile() ? [path] : [];
    });
  return walk('');
}

describe('self-contained docs', () => {
  it('no tracked file outside tests/fixtures cites the out-of-repository product notes', () => {
    const citations: string[] = [];
    for (const file of projectFiles()) {
      if (EXEMPT.test(file)) continue;
      let text: string;
      try {
        text = readFileSync(join(repo, file), 'utf8');
      } catch {
        continue; // listed by git but deleted in the work tree
      }
      if (text.includes('\0')) continue; // binary
      text.split('\n').forEach((line, i) => {
        if (CITATION.test(line)) citations.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(citations, 'cite docs/lsf.md, docs/liberate.md or a public source instead').toEqual([]);
  });

  it('the pattern finds a citation and leaves ordinary paths alone', () => {
    expect(CITATION.test(`see ${'DOMAIN'}.md §4`)).toBe(true);
    expect(CITATION.test(`(${'CONVENTIONS'}.md)`)).toBe(true);
    expect(CITATION.test(`/work/${'shared'}/notes`)).toBe(true);
    expect(CITATION.test(`../${'shared'}/${'DOMAIN'}`)).toBe(true);
    expect(CITATION.test('../shared/site.lcp')).toBe(false);
    expect(CITATION.test('docs/lsf.md')).toBe(false);
  });
});
