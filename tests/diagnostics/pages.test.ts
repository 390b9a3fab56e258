/**
 * The error pages tell the truth. Each page `docs/errors/<code>.md` holds
 *
 * - an example: its first ```lcp block, a whole root file checked as `flow.lcp` (`libcc check
 *   flow.lcp`, and for the job-graph codes LCP4xxx `libcc plan --slots 16 flow.lcp`), which
 *   must report the page's code and no other error (other warnings are allowed);
 * - the fix: its second ```lcp block, the same program corrected, which must not report the
 *   code and must have no error at all: it is a program libcc accepts;
 * - the diagnostic: its first ```text block, exactly what `renderRich` (colour off) prints for
 *   the example's diagnostics of the page's code, sorted as the CLI sorts them, summary line
 *   included. (Warnings of other codes the example may draw are left out, so the summary
 *   counts only what is shown.)
 *
 * Conventions, so that examples stay short and what the page shows is what libcc prints:
 *
 * - Nothing is added to an example: every `lcp` block starts with its own `pipeline` line, so
 *   the line numbers in the diagnostic are those of the block. The one exception is the example
 *   of LCP2004 (missing pipeline), which is checked exactly as written too.
 * - YAML files: a ```yaml block is the file named by the caption line just above it,
 *   `` `corners.yaml`: ``, next to `flow.lcp`. When a file appears twice, the example sees the
 *   first block and the fix the second. A page whose fix is a corrected YAML file (LCP5xxx)
 *   has a single `lcp` block: the fix is that block again, with the corrected file.
 * - Deck templates (LCP6xxx): a ```hbs block captioned with its name is served as that deck
 *   template, like a YAML file; the example is compiled with libcc's own templates too.
 * - Other imports: every `.lcp` or `.yaml` file the fix imports and the page does not show
 *   exists, as an empty file (an empty corner table for YAML). Any other import is missing,
 *   so an example can import a misspelled name (LCP2003).
 *
 * `npm run test:update` (LIBCC_UPDATE_GOLDEN=1, never under CI) rewrites each page's ```text
 * block with the actual output instead of comparing; review the diff and the page's prose.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CODES, type DiagnosticCode } from '../../src/diagnostics/codes.js';
import { sortDiagnostics, type Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { renderRich } from '../../src/diagnostics/render.js';
import { analyse } from '../../src/driver/analyse.js';
import { displayPath, loadProgram } from '../../src/syntax/load.js';
import { templatesWith } from '../helpers/analysis.js';
import { UPDATE_GOLDEN } from '../helpers/golden.js';

const ROOT = 'flow.lcp';
const SLOTS = 16;

interface Block {
  readonly language: string;
  readonly text: string;
  /** Offsets of the block's content in the page. */
  readonly start: number;
  readonly end: number;
  /** The file named by a `` `name`: `` caption line just above the block, if any. */
  readonly caption?: string;
}

function blocksOf(page: string): Block[] {
  return [...page.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => {
    const start = m.index + 3 + m[1]!.length + 1;
    const caption = /`([^`\n]+)`:\n\n$/.exec(page.slice(0, m.index))?.[1];
    return { language: m[1]!, text: m[2]!, start, end: start + m[2]!.length, ...(caption ? { caption } : {}) };
  });
}

function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*import\s+"([^"$]+)"/gm)].map((m) => displayPath(m[1]!));
}

interface Run {
  readonly diagnostics: readonly Diagnostic[];
  readonly rendered: string;
}

/** Checks (and plans) `source` as `flow.lcp` with the given other files; renders `code`'s diagnostics. */
function run(code: DiagnosticCode, source: string, files: ReadonlyMap<string, string>): Run {
  const loaded = loadProgram(ROOT, { readFile: (path) => (path === ROOT ? source : files.get(path)) })!;
  // The driver's analysis, as `libcc plan --slots` would make it; templates: libcc's own plus the
  // page's captioned `hbs` blocks.
  const extra = new Map([...files].filter(([file]) => file.endsWith('.hbs')));
  const all = [...analyse(loaded, { templates: templatesWith(extra), ...(code.startsWith('LCP4') ? { slots: SLOTS } : {}) }).diagnostics];
  const diagnostics = sortDiagnostics(all);
  const rendered = renderRich(
    diagnostics.filter((d) => d.code === code),
    loaded.sources,
    { color: false },
  );
  return { diagnostics, rendered };
}

function errorsOf(result: Run): string[] {
  return result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}

describe('docs/errors pages', () => {
  for (const code of ALL_CODES) {
    it(`${code}: the example reports it as shown and the fix removes it`, () => {
      const path = `docs/errors/${code}.md`;
      const page = readFileSync(path, 'utf8');
      const blocks = blocksOf(page);
      const lcp = blocks.filter((b) => b.language === 'lcp');
      const yaml = blocks.filter((b) => b.language === 'yaml' || b.language === 'hbs');
      const text = blocks.find((b) => b.language === 'text');
      const example = lcp[0];
      expect(example, 'page has an example').toBeDefined();
      expect(text, 'page shows the diagnostic in a ```text block').toBeDefined();
      const fix = yaml.length > 0 && lcp.length === 1 ? example! : lcp[1];
      expect(fix, 'page has a fix').toBeDefined();

      for (const [name, block] of [['example', example!], ['fix', fix!]] as const) {
        if (code === 'LCP2004' && name === 'example') continue;
        expect(block.text, `the ${name} starts with its own \`pipeline\` line`).toMatch(/^pipeline \w+\n/);
      }

      const shown = new Map<string, string>();
      const corrected = new Map<string, string>();
      for (const block of yaml) {
        expect(block.caption, 'a yaml block is captioned with its file name: `corners.yaml`:').toBeDefined();
        const file = displayPath(block.caption!);
        if (!shown.has(file)) shown.set(file, block.text);
        corrected.set(file, block.text);
      }
      const present = new Map<string, string>();
      for (const file of importsOf(fix!.text)) present.set(file, /\.ya?ml$/.test(file) ? 'corners: []\n' : '');
      const exampleFiles = new Map([...present, ...shown]);
      const fixFiles = new Map([...present, ...corrected]);

      const reported = run(code, example!.text, exampleFiles);
      expect(reported.diagnostics.map((d) => d.code), 'the example reports the code').toContain(code);
      expect(errorsOf(reported).filter((c) => c !== code), 'the example has no other error').toEqual([]);
      const fixed = run(code, fix!.text, fixFiles);
      expect(fixed.diagnostics.map((d) => d.code), 'the fix does not report the code').not.toContain(code);
      expect(errorsOf(fixed), 'the fix is a program libcc accepts (warnings allowed)').toEqual([]);

      if (UPDATE_GOLDEN) {
        writeFileSync(path, page.slice(0, text!.start) + reported.rendered + page.slice(text!.end));
        return;
      }
      expect(text!.text, `${path}: the diagnostic shown differs from libcc's (run \`npm run test:update\` if intended)`).toBe(
        reported.rendered,
      );
    });
  }
});
