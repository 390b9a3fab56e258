/**
 * Each format's syntax and escaping: DOT tokenises and parses with every edge's endpoints declared;
 * Mermaid ids are valid and labels quoted with entity codes; SVG and HTML are well-formed XML with
 * the critical nodes marked. Names with `< > & " # | \ \` '` go through every format.
 */
import { describe, expect, test } from 'vitest';
import { dotHtmlText, dotQuote } from '../../../src/emit/view/dot.js';
import { GraphTooLargeError, MAX_LAID_OUT_NODES, renderGraph, type GraphFormat } from '../../../src/emit/view/index.js';
import { mermaidText } from '../../../src/emit/view/mermaid.js';
import { buildViewModel, type ViewLevel } from '../../../src/emit/view/model.js';
import { xmlEscape } from '../../../src/emit/view/svg.js';
import type { Plan } from '../../../src/graph/plan.js';
import { allElements, classesOf, examplePlan, parseDot, parseXml, tokenizeDot, type XmlElement } from './helpers.js';
import { NASTY_LIBRARY, NASTY_STAGE, campaign, nastyPlan } from './synthetic.js';

const LEVELS: readonly ViewLevel[] = ['stages', 'jobs'];
const PLANS: readonly [string, () => Plan][] = [
  ['minimal', () => examplePlan('minimal')],
  ['n2_tanager', () => examplePlan('n2_tanager', 64)],
  ['nasty names', nastyPlan],
  ['1021 jobs, collapsed', () => campaign(10, 20, 5)],
];

function expectedNames(plan: Plan, level: ViewLevel): { all: string[]; critical: string[] } {
  const model = buildViewModel(plan, { level });
  return { all: model.nodes.map((n) => n.name), critical: model.nodes.filter((n) => n.critical).map((n) => n.name) };
}

describe('escaping primitives', () => {
  test('DOT quoted strings and HTML-like text', () => {
    expect(dotQuote('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(dotHtmlText('<b>&"x"')).toBe('&lt;b&gt;&amp;&quot;x&quot;');
  });
  test('Mermaid entity codes', () => {
    expect(mermaidText('a"b#c<d>&e|f`g\\h')).toBe('a#quot;b#35;c#lt;d#gt;#amp;e#124;f#96;g#92;h');
    expect(mermaidText('line\nbreak')).toBe('line break');
  });
  test('XML text and attributes', () => {
    expect(xmlEscape(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    expect(xmlEscape('bell\u0007 ok\ttab')).toBe('bell\uFFFD ok\ttab');
  });
});

describe.each(PLANS)('%s', (_, makePlan) => {
  const plan = makePlan();

  describe.each(LEVELS)('%s', (level) => {
    const render = (format: GraphFormat) => renderGraph(plan, { format, level });
    const names = expectedNames(plan, level);

    test('DOT: tokenises, braces balance, every edge endpoint is a declared node, critical in red', () => {
      const text = render('dot');
      expect(text.endsWith('}\n')).toBe(true);
      const graph = parseDot(text);
      expect(graph.nodes).toEqual(names.all);
      const declared = new Set(graph.nodes);
      expect(declared.size).toBe(graph.nodes.length);
      for (const [from, to] of graph.edges) {
        expect(declared.has(from), from).toBe(true);
        expect(declared.has(to), to).toBe(true);
      }
      const red = graph.nodes.filter((n) => graph.attributes.get(n)!.get('color') === '#d62728');
      expect(red).toEqual(names.critical);
      expect(red.every((n) => graph.attributes.get(n)!.get('style') === 'rounded,bold')).toBe(true);
      // HTML-like labels: no raw & that is not an entity, balanced tags.
      for (const token of tokenizeDot(text)) {
        if (token.kind !== 'html') continue;
        expect(token.value).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
        expect(token.value.replace(/<(B|\/B|BR\/)>/g, '')).not.toMatch(/[<>]/);
      }
    });

    test('Mermaid: a flowchart with valid ids, quoted labels, declared endpoints, critical class and links', () => {
      const text = render('mermaid');
      const lines = text.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^flowchart (LR|TB)$/);
      const ids: string[] = [];
      const edges: [string, string, boolean][] = [];
      let classLine: string | undefined;
      let linkStyle: string | undefined;
      for (const line of lines.slice(1)) {
        let m: RegExpMatchArray | null;
        if (/^ {2}%% [^\n]*$/.test(line)) continue;
        if ((m = line.match(/^ {2}(n\d+)(\("[^"]*"\)|\["[^"]*"\]|\[\["[^"]*"\]\])$/))) {
          ids.push(m[1]!);
          // Only our own markup is raw HTML: everything else is entity-coded.
          expect(m[2]!.replace(/<\/?b>|<br\/>/g, '')).not.toMatch(/[<>`|]/);
        } else if ((m = line.match(/^ {2}(n\d+) (-->|==>)(\|"[^"]*"\|)? (n\d+)$/))) {
          edges.push([m[1]!, m[4]!, m[2] === '==>']);
        } else if (line.startsWith('  classDef critical ')) {
          continue;
        } else if ((m = line.match(/^ {2}class ([n\d,]+) critical$/))) {
          classLine = m[1];
        } else if ((m = line.match(/^ {2}linkStyle ([\d,]+) stroke:#d62728,stroke-width:3px$/))) {
          linkStyle = m[1];
        } else {
          throw new Error(`unexpected Mermaid line: ${line}`);
        }
      }
      expect(ids).toEqual(names.all.map((_, i) => `n${i}`));
      const declared = new Set(ids);
      for (const [from, to] of edges) expect(declared.has(from) && declared.has(to)).toBe(true);
      const model = buildViewModel(plan, { level });
      expect(classLine?.split(',')).toEqual(model.nodes.filter((n) => n.critical).map((n) => n.id));
      expect(linkStyle?.split(',').map(Number)).toEqual(edges.flatMap(([, , critical], i) => (critical ? [i] : [])));
    });

    test('SVG: well-formed XML, one group per node and edge, critical nodes marked', () => {
      const text = render('svg');
      expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      const root = parseXml(text);
      expect(root.name).toBe('svg');
      checkSvg(root, names, plan, level);
    });

    test('HTML: well-formed, self-contained, summary, graph, both tables', () => {
      const text = render('html');
      expect(text.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
      const root = parseXml(text);
      const elements = allElements(root);
      // Self-contained: no scripts, links, images, external URLs (the SVG namespace is a name, not a fetch).
      expect(elements.filter((e) => ['script', 'link', 'img', 'iframe', 'object', 'embed'].includes(e.name))).toEqual([]);
      expect(text.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:|url\((?!#)|@import|@font-face/);
      const svg = elements.find((e) => e.name === 'svg')!;
      checkSvg(svg, names, plan, level);
      const title = elements.find((e) => e.name === 'title')!;
      expect(title.text).toBe(`libcc plan: ${plan.pipeline}`);
      const terms = elements.filter((e) => e.name === 'dt').map((e) => e.text);
      expect(terms).toEqual(['makespan', ...(plan.slots === undefined ? [] : [`makespan with ${plan.slots.cap} slots`]), 'slot-hours', 'jobs', 'critical path']);
      const tables = elements.filter((e) => e.name === 'table');
      expect(tables.map((t) => t.attributes.get('class'))).toEqual(['critical-path', 'stages']);
      const rows = (table: XmlElement) => allElements(table).filter((e) => e.name === 'tr').slice(1);
      const cells = (row: XmlElement) => row.children.map((c) => c.text);
      expect(rows(tables[0]!).map((r) => cells(r)[3])).toEqual(plan.criticalPath.map((s) => s.id));
      expect(rows(tables[1]!).map((r) => cells(r)[0])).toEqual([...plan.stages.map((s) => s.name), 'total']);
      const criticalStages = new Set(plan.criticalPath.map((s) => s.stage));
      expect(rows(tables[1]!).filter((r) => classesOf(r).includes('critical')).map((r) => cells(r)[0])).toEqual(
        plan.stages.filter((s) => criticalStages.has(s.name)).map((s) => s.name),
      );
    });

    test('deterministic: rendering twice (and from a rebuilt plan) gives the same text', () => {
      for (const format of ['dot', 'mermaid', 'svg', 'html'] as const) {
        const first = render(format);
        expect(renderGraph(plan, { format, level })).toBe(first);
        expect(renderGraph(makePlan(), { format, level })).toBe(first);
        expect(first.endsWith('\n') && !first.endsWith('\n\n')).toBe(true);
        expect(first).not.toMatch(/\r|[ \t]\n/);
      }
    });
  });
});

function checkSvg(svg: XmlElement, names: { all: string[]; critical: string[] }, plan: Plan, level: ViewLevel): void {
  const elements = allElements(svg);
  const nodes = elements.filter((e) => e.name === 'g' && classesOf(e).includes('node'));
  expect(nodes.map((n) => n.attributes.get('data-name'))).toEqual(names.all);
  const critical = nodes.filter((n) => n.attributes.get('data-critical') === 'true');
  expect(critical.map((n) => n.attributes.get('data-name'))).toEqual(names.critical);
  expect(critical.every((n) => classesOf(n).includes('critical'))).toBe(true);
  expect(nodes.filter((n) => classesOf(n).includes('critical'))).toHaveLength(critical.length);
  expect(names.critical.length).toBeGreaterThan(0);
  // Every node has a rounded rect and its title as the first text line.
  for (const node of nodes) {
    const rect = node.children.find((c) => c.name === 'rect' && !classesOf(c).includes('stack'))!;
    expect(rect.attributes.get('rx')).toBe('6');
    expect(node.children.find((c) => c.name === 'text')!.text).toBe(node.attributes.get('data-name'));
  }
  // Edges: a path with an arrow marker defined in the document; endpoints are nodes.
  const markers = new Set(elements.filter((e) => e.name === 'marker').map((m) => m.attributes.get('id')));
  const edges = elements.filter((e) => e.name === 'g' && classesOf(e).includes('edge'));
  const declared = new Set(names.all);
  const model = buildViewModel(plan, { level });
  expect(edges).toHaveLength(model.edges.length);
  for (const edge of edges) {
    expect(declared.has(edge.attributes.get('data-from')!)).toBe(true);
    expect(declared.has(edge.attributes.get('data-to')!)).toBe(true);
    const path = edge.children.find((c) => c.name === 'path')!;
    expect(path.attributes.get('d')).toMatch(/^M-?[\d.]+,-?[\d.]+( [LC][-\d., ]+)+$/);
    const marker = path.attributes.get('marker-end')!.match(/^url\(#(.+)\)$/)![1];
    expect(markers.has(marker)).toBe(true);
  }
  expect(edges.filter((e) => e.attributes.get('data-critical') === 'true')).toHaveLength(model.edges.filter((e) => e.critical).length);
  // Size from the layout: every node inside the view box.
  const [, , width, height] = svg.attributes.get('viewBox')!.split(' ').map(Number);
  expect(Number(svg.attributes.get('width'))).toBe(width);
  for (const node of nodes) {
    const [x, y] = node.attributes.get('transform')!.match(/^translate\((-?[\d.]+),(-?[\d.]+)\)$/)!.slice(1).map(Number);
    expect(x! > 0 && x! < width! && y! > 0 && y! < height!).toBe(true);
  }
}

describe('pictures too big to lay out', () => {
  // 20 libraries × 100 corners × 6 chained stages, with a prep and a merge per library and a report: 12 041 jobs.
  const plan = campaign(20, 100, 6);
  const all = { level: 'jobs' as const, maxJobs: 20_000 };

  test.each(['svg', 'html'] as const)('%s of every job is refused before any layout, naming the count', (format) => {
    const nodes = buildViewModel(plan, all).nodes.length;
    expect(nodes).toBeGreaterThan(MAX_LAID_OUT_NODES);
    let thrown: unknown;
    try {
      renderGraph(plan, { format, ...all });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GraphTooLargeError);
    expect(thrown).toMatchObject({ nodes, format, message: `${nodes} nodes are too many to lay out as ${format} (at most ${MAX_LAID_OUT_NODES})` });
  });

  test.each(['dot', 'mermaid'] as const)('%s, which libcc does not lay out, draws every job', (format) => {
    const text = renderGraph(plan, { format, ...all });
    expect(text.length).toBeGreaterThan(plan.jobs.length * 10);
  });

  test('grouped by the default --max-jobs, the same plan is drawn as svg', () => {
    expect(renderGraph(plan, { format: 'svg', level: 'jobs' })).toContain('12041 jobs shown as 133 nodes');
  });
});

describe('nasty names survive every format', () => {
  const plan = nastyPlan();
  const job = `${NASTY_STAGE}[${NASTY_LIBRARY},tt_0p50v_25c]`;

  test('DOT ids round-trip', () => {
    const graph = parseDot(renderGraph(plan, { format: 'dot', level: 'jobs' }));
    expect(graph.nodes).toContain(job);
    expect(graph.edges).toContainEqual([job, `end[${NASTY_LIBRARY}]`]);
  });

  test('Mermaid labels decode to the names; ids are never keywords', () => {
    const text = renderGraph(plan, { format: 'mermaid', level: 'stages' });
    const decode = (s: string) =>
      s.replace(/#(quot|lt|gt|amp|\d+);/g, (_, e: string) => ({ quot: '"', lt: '<', gt: '>', amp: '&' })[e] ?? String.fromCodePoint(Number(e)));
    const titles = [...text.matchAll(/<b>(.*?)<\/b>/g)].map((m) => decode(m[1]!));
    expect(titles).toEqual([NASTY_STAGE, 'end', 'o']);
    expect(text).not.toMatch(/^\s*(end|o)\b/m);
  });

  test('SVG and HTML attributes and text decode to the names', () => {
    for (const format of ['svg', 'html'] as const) {
      const root = parseXml(renderGraph(plan, { format, level: 'jobs' }));
      const names = allElements(root)
        .filter((e) => e.name === 'g' && classesOf(e).includes('node'))
        .map((e) => e.attributes.get('data-name'));
      expect(names).toContain(job);
      expect(allElements(root).some((e) => e.name === 'code' && e.text === 'p"<&>') || format === 'svg').toBe(true);
    }
  });
});

describe('XML checker', () => {
  test.each([
    ['<a><b></a></b>', /closes/],
    ['<a>x & y</a>', /raw &/],
    ['<a x="1" x="2"/>', /duplicate/],
    ['<a x=1/>', /unquoted/],
    ['<a>&nbsp;</a>', /unknown entity/],
    ['<a/><b/>', /after the root/],
    ['<a>', /unclosed/],
    ['<a x="<"/>', /raw </],
  ])('rejects %s', (text, message) => {
    expect(() => parseXml(text)).toThrow(message);
  });
  test('accepts a document with prolog and entities', () => {
    const root = parseXml('<?xml version="1.0"?>\n<!DOCTYPE html>\n<!-- c --><a k="&quot;&#39;">x &amp; &#x3c;<b/></a>\n');
    expect(root.attributes.get('k')).toBe('"\'');
    expect(root.text).toBe('x & <');
  });
});
