/**
 * SVG without a system binary: the view model laid out by @dagrejs/dagre, drawn as rounded
 * rectangles and smoothed edge paths with arrow markers. Text widths are estimated from a
 * monospace character width, so the output depends on nothing but the model (no font metrics,
 * no clock); coordinates are rounded to 0.1 px. All text is XML-escaped; the markup is
 * well-formed XML and valid inline in HTML.
 *
 * Hooks for styling and tests: nodes are `<g class="node stage|job|group [critical]">`, edges
 * `<g class="edge [critical]">`; critical ones also carry `data-critical="true"`; `data-name`
 * holds the stage name, job id or group title (`data-from`/`data-to` on edges).
 */
import { layout } from '@dagrejs/dagre';
import { Graph } from '@dagrejs/graphlib';
import { CRITICAL_COLOR } from './dot.js';
import { collapseNote, summaryLine, type ViewModel, type ViewNode } from './model.js';

export type Rankdir = 'LR' | 'TB';

/** XML 1.0 Char production minus the characters it forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/F). */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text or attribute value for XML and HTML: `& < > " '` escaped, characters XML forbids replaced by U+FFFD. */
export function xmlEscape(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// Text metrics: a monospace font at these sizes; widths per character (0.6 em plus a margin for bold).
const TITLE_SIZE = 12;
const DETAIL_SIZE = 11;
const EDGE_SIZE = 10;
const CAPTION_SIZE = 12;
const charWidth = (size: number) => size * 0.62;
const LINE_HEIGHT = 16;
const EDGE_LINE_HEIGHT = 14;
const PAD_X = 10;
const PAD_Y = 7;
const MARGIN = 16;
const CAPTION_LINE = 18;

function textLength(text: string): number {
  return Array.from(text).length;
}

/** Rounded to 0.1, no `-0`, no trailing `.0`. */
function num(n: number): string {
  const r = Math.round(n * 10) / 10;
  return String(r === 0 ? 0 : r);
}

interface Size {
  readonly width: number;
  readonly height: number;
}

function nodeSize(node: ViewNode): Size {
  const width = Math.max(textLength(node.title) * charWidth(TITLE_SIZE), ...node.details.map((d) => textLength(d) * charWidth(DETAIL_SIZE)));
  return { width: Math.ceil(width + 2 * PAD_X), height: (1 + node.details.length) * LINE_HEIGHT + 2 * PAD_Y };
}

function edgeLabelSize(label: string): Size {
  return { width: Math.ceil(textLength(label) * charWidth(EDGE_SIZE) + 8), height: EDGE_LINE_HEIGHT + 4 };
}

interface Point {
  readonly x: number;
  readonly y: number;
}

export interface ViewLayout {
  readonly width: number;
  readonly height: number;
  /** Node centres and sizes, by node id. */
  readonly nodes: ReadonlyMap<string, Point & Size>;
  /** Edge polylines and label centres, parallel to `model.edges`. */
  readonly edges: readonly { readonly points: readonly Point[]; readonly label?: Point }[];
}

interface NodeLabel {
  width: number;
  height: number;
  x?: number;
  y?: number;
}
interface EdgeLabel {
  width?: number;
  height?: number;
  labelpos?: 'l' | 'c' | 'r';
  points?: Point[];
  x?: number;
  y?: number;
}

/** Runs dagre on the model; nodes and edges are inserted in model order, so the result is deterministic. */
export function layoutView(model: ViewModel, rankdir: Rankdir = 'LR'): ViewLayout {
  const graph = new Graph<Record<string, unknown>, NodeLabel, EdgeLabel>({ directed: true, multigraph: false, compound: false });
  graph.setGraph({ rankdir, nodesep: 24, ranksep: 56, edgesep: 12, marginx: MARGIN, marginy: MARGIN });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of model.nodes) graph.setNode(node.id, { ...nodeSize(node) });
  for (const edge of model.edges) {
    graph.setEdge(edge.from, edge.to, edge.label === '' ? {} : { ...edgeLabelSize(edge.label), labelpos: 'c' });
  }
  layout(graph);
  const size = graph.graph() as { width?: number; height?: number };
  const nodes = new Map<string, Point & Size>();
  for (const node of model.nodes) {
    const label = graph.node(node.id);
    nodes.set(node.id, { x: label.x ?? 0, y: label.y ?? 0, width: label.width, height: label.height });
  }
  const edges = model.edges.map((edge) => {
    const label = graph.edge(edge.from, edge.to);
    const points = (label.points ?? []).map((p) => ({ x: p.x, y: p.y }));
    return edge.label === '' || label.x === undefined || label.y === undefined ? { points } : { points, label: { x: label.x, y: label.y } };
  });
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), nodes, edges };
}

/**
 * A smooth path along the points: a uniform cubic B-spline (d3's `curveBasis`, as dagre-d3 draws
 * edges) that starts and ends at the end points and stays inside their convex hull, so it never
 * overshoots; a straight line for two points.
 */
function edgePath(points: readonly Point[]): string {
  if (points.length === 0) return '';
  const p = (q: Point) => `${num(q.x)},${num(q.y)}`;
  let d = `M${p(points[0]!)}`;
  if (points.length === 2) return `${d} L${p(points[1]!)}`;
  const bezier = (a: Point, b: Point, c: Point) => {
    const c1 = { x: (2 * a.x + b.x) / 3, y: (2 * a.y + b.y) / 3 };
    const c2 = { x: (a.x + 2 * b.x) / 3, y: (a.y + 2 * b.y) / 3 };
    const end = { x: (a.x + 4 * b.x + c.x) / 6, y: (a.y + 4 * b.y + c.y) / 6 };
    d += ` C${p(c1)} ${p(c2)} ${p(end)}`;
  };
  const [first, second] = [points[0]!, points[1]!];
  d += ` L${p({ x: (5 * first.x + second.x) / 6, y: (5 * first.y + second.y) / 6 })}`;
  for (let i = 2; i < points.length; i++) bezier(points[i - 2]!, points[i - 1]!, points[i]!);
  const last = points[points.length - 1]!;
  bezier(points[points.length - 2]!, last, last);
  d += ` L${p(last)}`;
  return d;
}

const STYLE = [
  '.libcc-graph { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; }',
  '.libcc-graph .caption { font-size: 12px; fill: #1a202c; }',
  '.libcc-graph .node rect { fill: #f7f9fc; stroke: #4a5568; stroke-width: 1.2; }',
  '.libcc-graph .node.group rect { fill: #eef2f7; }',
  `.libcc-graph .node.critical rect { fill: #fdecea; stroke: ${CRITICAL_COLOR}; stroke-width: 2.5; }`,
  '.libcc-graph .node text { font-size: 11px; fill: #1a202c; }',
  '.libcc-graph .node text.title { font-size: 12px; font-weight: bold; }',
  '.libcc-graph .edge path { fill: none; stroke: #718096; stroke-width: 1.2; }',
  `.libcc-graph .edge.critical path { stroke: ${CRITICAL_COLOR}; stroke-width: 2.5; }`,
  '.libcc-graph .edge .label rect { fill: #ffffff; fill-opacity: 0.9; stroke: none; }',
  '.libcc-graph .edge text { font-size: 10px; fill: #4a5568; }',
  `.libcc-graph .edge.critical text { fill: ${CRITICAL_COLOR}; font-weight: bold; }`,
];

export interface SvgOptions {
  readonly rankdir?: Rankdir;
  /** Prefix of the element ids inside the SVG (markers), for pages with several graphs. */
  readonly idPrefix?: string;
}

/** The `<svg>` element alone (for inline use in HTML). */
export function renderSvgElement(model: ViewModel, options: SvgOptions = {}): string {
  const placed = layoutView(model, options.rankdir ?? 'LR');
  const prefix = options.idPrefix ?? 'libcc';
  const caption = [summaryLine(model), collapseNote(model)].filter((s): s is string => s !== undefined);
  const top = caption.length * CAPTION_LINE + 6;
  const captionWidth = Math.ceil(Math.max(...caption.map((c) => textLength(c) * charWidth(CAPTION_SIZE))) + 2 * MARGIN);
  const width = Math.max(placed.width, captionWidth);
  const height = placed.height + top;
  const names = new Map(model.nodes.map((n) => [n.id, n.name] as const));
  const out: string[] = [];
  const level = model.level === 'stages' ? 'stage graph' : 'job graph';
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="libcc-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xmlEscape(`${level} of pipeline ${model.pipeline}`)}">`,
  );
  out.push(`<title>${xmlEscape(`${level} of pipeline ${model.pipeline}`)}</title>`);
  out.push(`<style>\n${STYLE.join('\n')}\n</style>`);
  out.push('<defs>');
  for (const [suffix, color] of [
    ['arrow', '#718096'],
    ['arrow-critical', CRITICAL_COLOR],
  ] as const) {
    out.push(
      `<marker id="${prefix}-${suffix}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`,
    );
  }
  out.push('</defs>');
  caption.forEach((line, i) => {
    out.push(`<text class="caption" x="${MARGIN}" y="${MARGIN + i * CAPTION_LINE}">${xmlEscape(line)}</text>`);
  });
  out.push(`<g class="graph" transform="translate(0,${top})">`);
  out.push('<g class="edges">');
  model.edges.forEach((edge, i) => {
    const geometry = placed.edges[i]!;
    const classes = edge.critical ? 'edge critical' : 'edge';
    const critical = edge.critical ? ' data-critical="true"' : '';
    out.push(
      `<g class="${classes}"${critical} data-from="${xmlEscape(names.get(edge.from)!)}" data-to="${xmlEscape(names.get(edge.to)!)}" data-relation="${edge.relation}" data-count="${edge.count}">`,
    );
    out.push(`<path d="${edgePath(geometry.points)}" marker-end="url(#${prefix}-${edge.critical ? 'arrow-critical' : 'arrow'})"/>`);
    if (geometry.label !== undefined) {
      const size = edgeLabelSize(edge.label);
      const { x, y } = geometry.label;
      out.push(
        `<g class="label"><rect x="${num(x - size.width / 2)}" y="${num(y - size.height / 2)}" width="${size.width}" height="${size.height}" rx="3" ry="3"/><text x="${num(x)}" y="${num(y + EDGE_SIZE / 2 - 1)}" text-anchor="middle">${xmlEscape(edge.label)}</text></g>`,
      );
    }
    out.push('</g>');
  });
  out.push('</g>');
  out.push('<g class="nodes">');
  for (const node of model.nodes) {
    const box = placed.nodes.get(node.id)!;
    const classes = ['node', node.kind, ...(node.critical ? ['critical'] : [])].join(' ');
    const critical = node.critical ? ' data-critical="true"' : '';
    out.push(
      `<g id="${prefix}-${node.id}" class="${classes}"${critical} data-name="${xmlEscape(node.name)}" data-stage="${xmlEscape(node.stage)}" data-jobs="${node.jobs}" transform="translate(${num(box.x)},${num(box.y)})">`,
    );
    out.push(`<title>${xmlEscape([node.title, ...node.details].join('\n'))}</title>`);
    const left = -box.width / 2;
    const topEdge = -box.height / 2;
    if (node.kind === 'group') {
      out.push(`<rect class="stack" x="${num(left + 4)}" y="${num(topEdge - 4)}" width="${box.width}" height="${box.height}" rx="6" ry="6"/>`);
    }
    out.push(`<rect x="${num(left)}" y="${num(topEdge)}" width="${box.width}" height="${box.height}" rx="6" ry="6"/>`);
    const lines = [node.title, ...node.details];
    lines.forEach((line, i) => {
      const baseline = topEdge + PAD_Y + (i + 1) * LINE_HEIGHT - 4;
      out.push(`<text${i === 0 ? ' class="title"' : ''} x="0" y="${num(baseline)}" text-anchor="middle">${xmlEscape(line)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</g>');
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}

/** A standalone SVG document. */
export function renderSvg(model: ViewModel, options: SvgOptions = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderSvgElement(model, options)}\n`;
}
