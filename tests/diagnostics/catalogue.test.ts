import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CODES, CATALOGUE, isDiagnosticCode } from '../../src/diagnostics/codes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const docsDir = join(root, 'docs', 'errors');
const codesFile = join(root, 'src', 'diagnostics', 'codes.ts');

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

describe('the diagnostic catalogue', () => {
  it('declares every code once, well-formed', () => {
    const declared = [...readFileSync(codesFile, 'utf8').matchAll(/^\s*(LCP\d+)\s*:/gm)].map((m) => m[1]!);
    expect(declared.length).toBe(ALL_CODES.length);
    expect(new Set(declared).size).toBe(declared.length);
    for (const code of ALL_CODES) expect(code).toMatch(/^LCP[1-6]\d{3}$/);
  });

  it('makes exactly the LCP31xx block warnings', () => {
    for (const code of ALL_CODES) {
      expect(CATALOGUE[code].severity, code).toBe(code.startsWith('LCP31') ? 'warning' : 'error');
    }
  });

  it('gives every title the message style: lowercase start (acronyms aside), no trailing period', () => {
    for (const code of ALL_CODES) {
      const { title } = CATALOGUE[code];
      expect(title, code).toMatch(/^(?:[a-z]|[A-Z]{2})/);
      expect(title, code).not.toMatch(/\.$/);
    }
  });

  it('has a documentation page for every code, titled as in the catalogue', () => {
    for (const code of ALL_CODES) {
      const page = join(docsDir, `${code}.md`);
      const text = readFileSync(page, 'utf8');
      const lines = text.split('\n');
      expect(lines[0], page).toBe(`# ${code}: ${CATALOGUE[code].title}`);
      expect(text, page).toContain(`**Severity:** ${CATALOGUE[code].severity}`);
      expect(text, page).toMatch(/```lcp\n/);
      expect(text.endsWith('\n') && !text.endsWith('\n\n'), `${page} ends with one newline`).toBe(true);
    }
  });

  it('has no documentation page for a code that is not in the catalogue', () => {
    const pages = readdirSync(docsDir).filter((name) => name.endsWith('.md') && name !== 'README.md');
    for (const page of pages) expect(isDiagnosticCode(page.replace(/\.md$/, '')), page).toBe(true);
  });

  it('lists every code in the index with its severity, title and link', () => {
    const index = readFileSync(join(docsDir, 'README.md'), 'utf8');
    for (const code of ALL_CODES) {
      const { severity, title } = CATALOGUE[code];
      expect(index, code).toContain(`| [${code}](${code}.md) | ${severity} | ${title} |`);
    }
  });

  it('uses every code somewhere under src/', () => {
    const sources = walk(join(root, 'src'))
      .filter((path) => path.endsWith('.ts') && path !== codesFile)
      .map((path) => readFileSync(path, 'utf8'));
    const unused = ALL_CODES.filter(
      (code) => !sources.some((text) => text.includes(`'${code}'`) || text.includes(`"${code}"`)),
    );
    expect(unused, `codes never reported under ${relative(root, join(root, 'src'))}/`).toEqual([]);
  });
});
