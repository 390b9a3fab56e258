/**
 * docs/lsf.md and docs/liberate.md hold the facts the code relies on; these tests keep the pages
 * and the code in step: the corner-name and model-section tables agree with the parser and with
 * `modelSection()`, every process corner libcc knows has a row, the pages' relative links and
 * anchors resolve, and README.md and docs/generated-scripts.md link to both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STYLE, parseCornerName } from '../../src/check/corner-name.js';
import { DEFAULT_PROCESSES } from '../../src/check/vocabulary.js';
import { modelSection } from '../../src/emit/decks.js';

const repo = process.cwd();
const read = (path: string) => readFileSync(join(repo, path), 'utf8');

/** The rows of the first Markdown table after `heading`, as arrays of trimmed cells. */
function table(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start, `heading "${heading}"`).toBeGreaterThan(-1);
  const lines = markdown.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((cell) => cell.trim()));
  }
  expect(rows.length, `table under "${heading}"`).toBeGreaterThan(0);
  return rows;
}

const code = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** GitHub's anchor for a heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

describe('docs/liberate.md', () => {
  const page = read('docs/liberate.md');

  it('reads its corner-name examples as libcc does with the default style', () => {
    const rows = table(page, 'PVT corner names');
    for (const [name, process, voltage, temperature, rc] of rows) {
      const parsed = parseCornerName(DEFAULT_STYLE, code(name!)[0]!);
      expect(parsed, name).toBeDefined();
      expect(parsed!.process, name).toBe(code(process!)[0]);
      expect(`${parsed!.voltage} V`, name).toBe(voltage);
      expect(`${parsed!.temperature} °C`, name).toBe(temperature!.replace('−', '-'));
      expect(parsed!.rc ?? '—', name).toBe(rc === '—' ? '—' : code(rc!)[0]);
    }
  });

  it('maps every process corner libcc knows to the model section modelSection() returns', () => {
    const rows = table(page, 'Process corners and Monte Carlo model sections');
    const documented = new Map<string, string>();
    for (const [processes, section] of rows) for (const process of code(processes!)) documented.set(process, code(section!)[0]!);
    for (const [process, section] of documented) expect(modelSection(process), process).toBe(section);
    expect([...DEFAULT_PROCESSES].filter((process) => !documented.has(process)), 'process corners without a row').toEqual([]);
  });
});

describe('docs/lsf.md and docs/liberate.md', () => {
  it.each(['docs/lsf.md', 'docs/liberate.md'])('%s: relative links and anchors resolve', (path) => {
    const page = read(path);
    for (const [, target] of page.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^https?:/.test(target!)) continue;
      const [file, anchor] = target!.split('#') as [string, string | undefined];
      const resolved = file === '' ? path : join(dirname(path), file);
      expect(existsSync(join(repo, resolved)), `${path}: link to ${target}`).toBe(true);
      if (anchor === undefined) continue;
      const headings = read(resolved)
        .split('\n')
        .filter((line) => /^#{1,6} /.test(line))
        .map((line) => slug(line.replace(/^#+ /, '')));
      expect(headings, `${path}: anchor #${anchor} in ${resolved}`).toContain(anchor);
    }
  });

  it('every numbered source is cited and every citation has a source', () => {
    for (const path of ['docs/lsf.md', 'docs/liberate.md']) {
      const page = read(path);
      const [body, sources] = page.split('\n## Sources\n') as [string, string];
      expect(sources, `${path} has a Sources section`).toBeDefined();
      const listed = [...sources.matchAll(/^\s*(\d+)\. /gm)].map((m) => Number(m[1]));
      const cited = new Set([...page.matchAll(/\[(\d+)\](?!\()/g)].map((m) => Number(m[1])));
      expect(listed, `${path}: sources numbered 1..n`).toEqual(listed.map((_, i) => i + 1));
      for (const n of cited) expect(listed, `${path}: [${n}] has a source`).toContain(n);
      for (const n of listed) expect(cited.has(n) || body.includes(`[${n}]`), `${path}: source ${n} is cited`).toBe(true);
    }
  });

  it('are linked from README.md and docs/generated-scripts.md', () => {
    const readme = read('README.md');
    const documentation = readme.slice(readme.indexOf('\n## Documentation\n'));
    expect(documentation).toContain('](docs/lsf.md)');
    expect(documentation).toContain('](docs/liberate.md)');
    const generated = read('docs/generated-scripts.md');
    expect(generated).toContain('](lsf.md)');
    expect(generated).toContain('](liberate.md)');
  });
});
