/**
 * The error pages tell the truth: each page's first `lcp` example reports the page's code, and
 * its "How to fix" example does not. Examples are fragments; a `pipeline` line is added when
 * they have none, and YAML blocks on the page are served as the files they import.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check/check.js';
import { ALL_CODES } from '../../src/diagnostics/codes.js';
import { buildPlan } from '../../src/graph/plan.js';
import { loadProgram } from '../../src/syntax/load.js';

function blocks(page: string, language: string): string[] {
  return [...page.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

function codesOf(source: string, yaml: string[]): string[] {
  const root = 'doc.lcp';
  const text = /^\s*(\/\/.*\n|\s)*pipeline\s/m.test(source) ? source : `pipeline doc\n${source}`;
  const loaded = loadProgram(root, {
    readFile: (path) => (path === root ? text : path.endsWith('.yaml') || path.endsWith('.yml') ? (yaml[0] ?? 'corners: []\n') : undefined),
  })!;
  const checked = check(loaded);
  const codes = checked.diagnostics.map((d) => d.code as string);
  if (checked.program) codes.push(...buildPlan(checked.program, { slots: 16 }).diagnostics.map((d) => d.code));
  return codes;
}

describe('docs/errors pages', () => {
  for (const code of ALL_CODES) {
    it(`${code}: the example shows it and the fix removes it`, () => {
      const page = readFileSync(`docs/errors/${code}.md`, 'utf8');
      const [example, fix] = blocks(page, 'lcp');
      const yaml = blocks(page, 'yaml');
      expect(example, 'page has an example').toBeDefined();
      if (code.startsWith('LCP5')) {
        // YAML codes: the example is the YAML table, imported by the lcp block.
        expect(codesOf(example!, yaml)).toContain(code);
        if (yaml[1] !== undefined) expect(codesOf(example!, [yaml[1]])).not.toContain(code);
        return;
      }
      expect(codesOf(example!, yaml)).toContain(code);
      if (fix !== undefined) expect(codesOf(fix, yaml.slice(-1))).not.toContain(code);
    });
  }
});
